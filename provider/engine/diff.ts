/**
 * Desired vs observed, per router: the changes an apply would make. The same
 * list is the plan (before an apply) and the drift report (after one).
 */
import { ROUTE_PROTOCOL } from "../dataplane/constants";
import type { Expectation } from "./expect";
import type { Observation } from "./observe";
import { routeKey, type RouteSpec } from "./route-spec";

/** "boot-hook": the file that replays the applied record after a reboot (a file, named apart for what its loss means). */
export type ChangeKind = "file" | "boot-hook" | "sysctl" | "tunsrc" | "route" | "foreign-route" | "tc-filter" | "bpf-programs" | "map-entry" | "probe-sender";
export type ChangeAction = "add" | "change" | "remove";

export interface Change {
  readonly router: string;
  readonly kind: ChangeKind;
  readonly action: ChangeAction;
  /** What is changed: a path, a sysctl, a route key, a map key... */
  readonly item: string;
  readonly from?: string;
  readonly to?: string;
  /** The resource the item belongs to, when known. */
  readonly resource?: string;
  /** One line for people. */
  readonly summary: string;
}

const PROTO = String(ROUTE_PROTOCOL);

export interface ForeignRoute {
  readonly route: RouteSpec & { protocol: string };
  readonly onSid: boolean;
  readonly resource: string;
}

/**
 * Routes of another protocol that take traffic from ours: any route on one of
 * our SIDs (they are ours by allocation), or a route on a protected prefix
 * with a metric at least as good as ours.
 */
export function foreignRoutes(want: Expectation, have: Observation): ForeignRoute[] {
  const out: ForeignRoute[] = [];
  for (const r of want.routes.values()) {
    const onSid = r.dst.endsWith("/128");
    for (const o of have.dstRoutes.get(r.dst) ?? []) {
      if (o.protocol === PROTO) continue;
      if (onSid || o.metric <= r.metric) out.push({ route: o, onSid, resource: r.resource });
    }
  }
  return out;
}

export function diffRouter(router: string, want: Expectation, have: Observation): Change[] {
  const out: Change[] = [];
  const add = (c: Omit<Change, "router">) => out.push({ router, ...c });

  for (const [path, f] of want.files) {
    const got = have.files[path];
    if (got === f.sha256) continue;
    const differs = got ? ` differs from ours (sha256 ${got.slice(0, 12)}, want ${f.sha256.slice(0, 12)})` : " missing";
    if (path === want.bootHook) {
      add({ kind: "boot-hook", action: got ? "change" : "add", item: path, from: got ?? undefined, to: f.sha256,
        summary: `boot hook ${path}${differs}: after a reboot this router would not restore its SIDs and routes` });
    } else {
      add({ kind: "file", action: got ? "change" : "add", item: path, from: got ?? undefined, to: f.sha256, summary: `file ${path}${differs}` });
    }
  }
  for (const [key, value] of want.sysctls) {
    const got = have.sysctls[key];
    if (got !== value) add({ kind: "sysctl", action: "change", item: key, from: got ?? "absent", to: value, summary: `sysctl ${key} is ${got ?? "absent"}, want ${value}` });
  }
  if (want.tunsrc !== undefined && have.tunsrc !== want.tunsrc) {
    add({ kind: "tunsrc", action: "change", item: "ip sr tunsrc", from: have.tunsrc ?? "::", to: want.tunsrc, summary: `ip sr tunsrc is ${have.tunsrc ?? "::"}, want ${want.tunsrc}` });
  }

  const ownByKey = new Map(have.ownRoutes.map((o) => [routeKey(o), o]));
  for (const [key, r] of want.routes) {
    const ours = ownByKey.get(key);
    if (!ours) add({ kind: "route", action: "add", item: key, to: r.text, resource: r.resource, summary: `route ${r.dst} missing (${r.description})` });
    else if (ours.text !== r.text) add({ kind: "route", action: "change", item: key, from: ours.text, to: r.text, resource: r.resource, summary: `route ${r.dst} is '${ours.text}', want '${r.text}'` });
  }
  for (const f of foreignRoutes(want, have)) {
    add({ kind: "foreign-route", action: "remove", item: `${routeKey(f.route)} proto ${f.route.protocol}`, from: f.route.text, resource: f.resource,
      summary: `foreign route on our ${f.onSid ? "SID" : "prefix"} ${f.route.dst}: '${f.route.text}' (proto ${f.route.protocol}, metric ${f.route.metric})` });
  }
  for (const o of have.ownRoutes) {
    const key = routeKey(o);
    if (!want.routes.has(key)) add({ kind: "route", action: "remove", item: key, from: o.text, summary: `route ${o.dst} is ours but no longer desired` });
  }

  for (const [ifname, t] of want.tcFilters) {
    const got = (have.tcFilters[ifname] ?? []).find((f) => f.pref === t.pref);
    if (!got) add({ kind: "tc-filter", action: "add", item: `${ifname} egress`, to: t.name, resource: t.resource, summary: `probe stamper missing on ${ifname} egress` });
    else if (got.name !== t.name) add({ kind: "tc-filter", action: "change", item: `${ifname} egress`, from: got.name, to: t.name, resource: t.resource, summary: `tc filter on ${ifname} egress is ${got.name}, want ${t.name}` });
  }

  for (const [dir, p] of want.programs) {
    const got = have.pinnedPrograms[dir];
    const missing = p.programs.filter((name) => !got?.includes(name));
    if (missing.length) {
      add({ kind: "bpf-programs", action: got ? "change" : "add", item: dir, from: got?.join(",") ?? "absent", to: p.programs.join(","), resource: p.resource,
        summary: `pinned programs missing in ${dir}: ${missing.join(", ")}` });
    }
  }

  for (const [map, entries] of want.maps) {
    const got = have.maps[map];
    for (const [k, v] of entries) {
      const g = got?.get(k);
      if (g !== v) add({ kind: "map-entry", action: g === undefined ? "add" : "change", item: `${map}[${k}]`, from: g, to: v, summary: `${map} entry ${k} ${g === undefined ? "missing" : "differs"}` });
    }
    for (const k of got?.keys() ?? []) if (!entries.has(k)) add({ kind: "map-entry", action: "remove", item: `${map}[${k}]`, from: got!.get(k), summary: `${map} entry ${k} is not desired` });
  }

  if (want.probeConfigSha256) {
    if (have.probeSender.configSha256 !== want.probeConfigSha256) add({ kind: "probe-sender", action: "change", item: "config", from: have.probeSender.configSha256 ?? "absent", to: want.probeConfigSha256, summary: "probe sender config differs" });
    if (!have.probeSender.alive) add({ kind: "probe-sender", action: "add", item: "process", from: have.probeSender.pid ? `pid ${have.probeSender.pid} dead` : "not running", summary: `probe sender not running${have.probeSender.pid ? ` (pid ${have.probeSender.pid} is gone)` : ""}` });
  } else if (have.probeSender.alive) {
    add({ kind: "probe-sender", action: "remove", item: "process", from: `pid ${have.probeSender.pid}`, summary: "probe sender runs but no link is protected" });
  }
  return out;
}
