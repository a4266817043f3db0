/**
 * Observing a router: one `python3 -c <srv6p-observe.py>` per router and
 * plan, parsed here into a typed Observation. Read only: nothing changes.
 */
import { gunzipSync } from "node:zlib";
import { ParseError } from "../errors";
import { parseRoutes, type KernelRoute } from "../observe/routes";
import { parseTunsrc } from "../observe/tunsrc";
import type { RouterConnection } from "../ssh";
import { MAP_NAMES, REROUTE_PIN_DIR, ROUTE_PROTOCOL, PROBE_PIDFILE, PROBE_CONFIG_FILE, BIN_DIR, ROUTER_TOOLS, RUN_DIR } from "../dataplane/constants";
import { routeDestinations, type RouterLayout } from "../dataplane/router-layout";
import { pythonArgv } from "./router-scripts";
import { specFromRoute, type RouteSpec } from "./route-spec";
import { APPLIED_RECORD, LOCK_FILE, readAppliedRecord, type AnyAppliedRecord } from "./record";

export interface ObserveRequest {
  readonly routeDsts: string[];
  /** Addresses (backup segments) whose forwarding this router should report (fib-walk.ts). */
  readonly fibAddresses?: string[];
  readonly interfaces: string[];
  readonly sysctls: string[];
  readonly files: string[];
  readonly mapsTool: string;
  readonly maps: string[];
  /** Directories of pinned programs to list. */
  readonly programDirs: string[];
  readonly pidfile: string;
  readonly probeConfig: string;
  readonly applied: string;
  readonly lockFile: string;
  readonly protocol: number;
}

export interface TcFilter {
  readonly pref: number;
  readonly handle?: string;
  readonly name?: string;
  readonly tag?: string;
}

export interface RouterFacts {
  readonly kernel: string;
  readonly machine: string;
  readonly byteorder: string;
  readonly systemd: boolean;
  readonly bpffs: boolean;
  readonly kernelConfig: Record<string, string> | null;
  readonly iproute2: string;
  readonly tc: boolean;
  /** bpftool runs (it loads the shared reroute programs). */
  readonly bpftool: boolean;
  readonly euid: number;
  readonly ifindex: Record<string, number>;
  /** /sys/class/net/<if>/operstate: up, down, unknown (lo)... */
  readonly operstate: Record<string, string>;
}

export interface ProbeSenderState {
  readonly pid: number | null;
  readonly alive: boolean;
  readonly configSha256: string | null;
}

export interface Observation {
  readonly router: string;
  readonly facts: RouterFacts;
  /** Our routes (proto 214), by key. */
  readonly ownRoutes: RouteSpec[];
  /** Every route of another protocol on each destination we use (SIDs, prefixes); ours are ownRoutes. */
  readonly dstRoutes: Map<string, (RouteSpec & { protocol: string })[]>;
  readonly tunsrc?: string;
  readonly sysctls: Record<string, string | null>;
  readonly files: Record<string, string | null>;
  readonly tcFilters: Record<string, TcFilter[]>;
  /** Pinned map contents (hex key -> hex value); null when a map is not pinned. */
  readonly maps: Record<string, Map<string, string> | null>;
  /** Names pinned in each requested program directory; null when it does not exist. */
  readonly pinnedPrograms: Record<string, string[] | null>;
  /** CLOCK_MONOTONIC of the router when the maps were read. */
  readonly monotonicNs?: bigint;
  readonly probeSender: ProbeSenderState;
  readonly applied: AnyAppliedRecord | null;
  readonly appliedSha256: string | null;
  readonly lock: unknown;
  /** For each requested FIB address: the routes it is forwarded by, or "local". */
  readonly fib: Map<string, KernelRoute[] | "local">;
  /** Global and link-local interface addresses of the router, with their interface. */
  readonly addresses: Map<string, string>;
}

/** What to look at on a router, from its layout (names and paths only: no facts needed yet). */
export function observeRequest(layout: RouterLayout | undefined): ObserveRequest {
  return {
    routeDsts: layout ? [...new Set(routeDestinations(layout))].sort() : [],
    interfaces: layout ? [...new Set(layout.ends.map((e) => e.ifname))].sort() : [],
    sysctls: layout ? [...new Set(layout.sysctls.map(([k]) => k))].sort() : [],
    files: [...(layout?.files ?? []), ...(layout?.bootHooks ?? [])].map((f) => f.remotePath),
    mapsTool: `${BIN_DIR}/${ROUTER_TOOLS.maps}`,
    maps: [MAP_NAMES.linkConfig, MAP_NAMES.backups, MAP_NAMES.linkState, MAP_NAMES.pathSent, MAP_NAMES.pathSeen, MAP_NAMES.drills],
    programDirs: layout?.prefixes.length ? [REROUTE_PIN_DIR] : [],
    pidfile: PROBE_PIDFILE,
    probeConfig: PROBE_CONFIG_FILE,
    applied: APPLIED_RECORD,
    lockFile: LOCK_FILE,
    protocol: ROUTE_PROTOCOL,
  };
}

/** Request for a router we only know by name (destroy, drift of orphans). */
export function minimalObserveRequest(): ObserveRequest {
  return observeRequest(undefined);
}

export async function observeRouter(conn: RouterConnection, router: string, req: ObserveRequest): Promise<Observation> {
  const result = await conn.run(pythonArgv("srv6p-observe.py", []), { input: JSON.stringify(req) });
  return parseObservation(router, result.stdout);
}

interface RawRun { code: number; stdout: string; stderr: string }

export function parseObservation(router: string, text: string): Observation {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new ParseError(`observer output is not JSON: ${(cause as Error).message}`, { router, cause });
  }
  const run = (k: string) => raw[k] as RawRun;
  const ownRoutes = parseRoutes(run("ownRoutes").stdout, { router, filtered: { protocol: String(ROUTE_PROTOCOL) } }).map(specFromRoute);
  const dstRoutes = new Map<string, (RouteSpec & { protocol: string })[]>();
  const dr = raw.dstRoutes as RawRun & { dsts: string[] };
  const lines = dr.stdout.split("\n").filter((l) => l.trim() !== "");
  dr.dsts.forEach((dst, i) => {
    const routes = lines[i] ? parseRoutes(lines[i]!, { router }) : [];
    dstRoutes.set(dst, routes.filter((r) => r.table === undefined || r.table === "main").map((r) => ({ ...specFromRoute(r), protocol: r.protocol })));
  });
  const tcFilters: Record<string, TcFilter[]> = {};
  for (const [ifname, r] of Object.entries((raw.tcFilters ?? {}) as Record<string, RawRun>)) {
    const list = r.code === 0 && r.stdout.trim() ? (JSON.parse(r.stdout) as { pref: number; options?: { handle?: string; bpf_name?: string; prog?: { tag?: string } } }[]) : [];
    tcFilters[ifname] = list.filter((f) => f.options).map((f) => ({ pref: f.pref, handle: f.options!.handle, name: f.options!.bpf_name, tag: f.options!.prog?.tag }));
  }
  const maps: Record<string, Map<string, string> | null> = {};
  let monotonicNs: bigint | undefined;
  const mapsRun = raw.maps as RawRun | null;
  if (mapsRun && mapsRun.code === 0 && mapsRun.stdout.trim()) {
    const dump = JSON.parse(mapsRun.stdout) as { monotonicNs: number; maps: Record<string, { entries: { key: string; value: string }[] } | null> };
    monotonicNs = BigInt(dump.monotonicNs);
    for (const [name, m] of Object.entries(dump.maps)) maps[name] = m ? new Map(m.entries.map((e) => [e.key, e.value])) : null;
  }
  const tunsrcRun = run("tunsrc");
  const fib = new Map<string, KernelRoute[] | "local">();
  for (const [a, routes] of Object.entries((raw.fib ?? {}) as Record<string, unknown[] | "local">)) {
    fib.set(a, routes === "local" ? "local" : parseRoutes(JSON.stringify(routes), { router }));
  }
  return {
    router,
    facts: {
      kernel: String(raw.kernel), machine: String(raw.machine), byteorder: String(raw.byteorder), systemd: raw.systemd === true,
      bpffs: raw.bpffs === true, kernelConfig: (raw.kernelConfig ?? null) as Record<string, string> | null,
      iproute2: String(raw.iproute2), tc: raw.tc === true, bpftool: raw.bpftool === true, euid: Number(raw.euid), ifindex: raw.ifindex as Record<string, number>,
      operstate: (raw.operstate ?? {}) as Record<string, string>,
    },
    ownRoutes,
    dstRoutes,
    tunsrc: tunsrcRun.code === 0 ? parseTunsrc(tunsrcRun.stdout, { router }) : undefined,
    sysctls: raw.sysctls as Record<string, string | null>,
    files: raw.files as Record<string, string | null>,
    tcFilters,
    maps,
    pinnedPrograms: (raw.pinnedPrograms ?? {}) as Record<string, string[] | null>,
    monotonicNs,
    probeSender: raw.probeSender as ProbeSenderState,
    applied: readAppliedRecord(raw.appliedGzip ? appliedFromGzip(String(raw.appliedGzip)) : (raw.applied ?? null)),
    appliedSha256: (raw.appliedSha256 ?? null) as string | null,
    lock: raw.lock ?? null,
    fib,
    addresses: new Map(Object.entries((raw.addresses ?? {}) as Record<string, string>)),
  };
}

/** The record as the observer sends it; unreadable (torn, not JSON) shows as none, as the observer's own reading did. */
function appliedFromGzip(base64: string): unknown {
  try {
    return JSON.parse(gunzipSync(Buffer.from(base64, "base64")).toString("utf8"));
  } catch {
    return null;
  }
}

export { RUN_DIR };
