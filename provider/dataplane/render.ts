/**
 * The renderer: a router's layout (router-layout.ts) + its facts -> the typed
 * operations (operations.ts) that make up its dataplane, in install order.
 * Pure and deterministic: same input, same output, nothing read from
 * anywhere, so the engine can diff plans and tests can run it without a
 * router.
 *
 * Install order on a router (each step needs the previous ones):
 *   1. directories, sysctls, `ip sr tunsrc`
 *   2. router SIDs: End (node), End.DT6 (decap), End.X (adjacencies and the
 *      return SIDs of the peers' probes)
 *   3. per link end: tc clsact + egress stamper, End.BPF monitor SID, /128
 *      route to our return SID over the link (loads the objects, which pins
 *      the shared maps)
 *   4. map contents in one helper call (link_config, backups; entries not
 *      desired are deleted, so a re-apply converges)
 *   5. the reroute programs (bpftool, pinned once per router) and the
 *      protected-prefix routes that share them (`encap bpf in/xmit pinned`,
 *      metric 10, proto 214)
 *   6. the boot hook (a systemd unit or a local.d script that replays the
 *      applied record after a reboot)
 *   7. probe sender config and (re)start
 * Removal runs the operations' remove commands in the reverse order.
 */
import { DEFAULTS } from "../../model/schema";
import {
  PROTECTED_ROUTE_METRIC, XMIT_HEADROOM, PIN_DIR, REROUTE_PIN_DIR, RUN_DIR, BPF_DIR, BIN_DIR,
  PROBE_CONFIG_FILE, PROBE_PIDFILE, PROBE_LOGFILE, PROBE_UNIT, BPF_OBJECTS, ROUTER_TOOLS, MAP_NAMES,
  TC_FILTER_PREF, TC_FILTER_HANDLE, BOOT_UNIT,
} from "./constants";
import { encodeLinkKey, encodeLinkConfig, encodeBackupKey, encodeBackup } from "./map-layout";
import { validateFacts } from "./validate";
import { DataplaneInputError, DataplaneValidationError } from "./errors";
import { layoutRouter, objectPath, toolPath, hostRoute, sysctlKey, BOOT_HOOK_FILES, type LinkEnd, type RouterLayout } from "./router-layout";
import { installCommands, programsOperation, removeCommands, routeOperation, tolerant, MAPS_OPERATION_KEY, type BpfProgram, type Operation } from "./operations";
import type { CommandStage, DataplaneInput, DataplanePlan, RouterCommand, RouterFacts, RouterFile, ProbeSenderConfig } from "./types";

export { sourceAddress } from "./router-layout";

const program = (o: { file: string }, section: string): BpfProgram => ({ object: objectPath(o), section });
const intervalUs = (e: LinkEnd) => (e.link.probe_interval_ms ?? DEFAULTS.probe_interval_ms) * 1000;

/** The probe sender's configuration for this router (deterministic order). */
function probeConfig(l: RouterLayout): ProbeSenderConfig {
  const ownEndX = new Map(l.endX.map((x) => [x.sid, x]));
  const paths = l.backupProbes.paths.map((p) => {
    // A list that starts with our own End.X: the sender does that segment's forwarding itself.
    const own = ownEndX.get(p.segments[0]!);
    return {
      id: p.id, policy: p.policy, link: p.link, segments: p.segments,
      home: l.probeHomes.get(p.policy)!.full, prefixHomes: l.probeHomes.get(p.policy)!.prefixes,
      source: l.source, intervalUs: p.intervalMs * 1000, packetBytes: DEFAULTS.backup_probe_bytes,
      ...(own && p.segments.length > 1 ? { firstHop: { interface: own.ifname, nexthop: own.nexthop } } : {}),
    };
  });
  return {
    probes: l.ends.map((e) => ({ link: e.link.name, interface: e.ifname, segments: [e.returnSid, e.monitorSid, l.source], intervalUs: intervalUs(e) })),
    ...(paths.length ? { paths } : {}),
  };
}

/** Collects operations in install order; `stage` is the stage of those added next. */
class OperationList {
  readonly ops: Operation[] = [];
  stage: CommandStage = "sids";

  command(resource: string, description: string, argv: string[], input?: string): RouterCommand {
    return { stage: this.stage, resource, description, argv, ...(input !== undefined ? { input } : {}) };
  }

  tolerant(resource: string, description: string, argv: string[]): RouterCommand {
    return tolerant(this.stage, resource, description, argv);
  }

  add(op: Operation): void {
    this.ops.push(op);
  }
}

function baseOperations(list: OperationList, l: RouterLayout): void {
  const routerRes = `srv6_router.${l.router.name}`;
  // Files are placed by the engine before any command; they go last on removal.
  list.add({
    kind: "files", key: "files", stage: "sids", resource: routerRes, description: `${l.files.length} pushed files`, files: l.files, usesFiles: false,
    install: [],
    remove: [
      list.tolerant(routerRes, "remove pushed files", ["rm", "-f", ...l.files.map((f) => f.remotePath)]),
      list.tolerant(routerRes, "remove our directories if empty", ["rmdir", "--ignore-fail-on-non-empty", BPF_DIR, BIN_DIR]),
      // iproute2 made tc/globals (and the ip, xdp links to it) when it first pinned
      // our maps; if nothing else lives there now, take them away again.
      list.tolerant(routerRes, "remove iproute2's empty pin directories", ["rmdir", "--ignore-fail-on-non-empty", PIN_DIR, PIN_DIR.replace(/\/globals$/, "")]),
      list.tolerant(routerRes, "remove links left dangling in bpffs", ["find", "/sys/fs/bpf", "-maxdepth", "1", "-xtype", "l", "-delete"]),
    ],
  });
  const dirs = [BPF_DIR, BIN_DIR, RUN_DIR];
  list.add({ kind: "directories", key: "directories", stage: "sids", resource: routerRes, description: "create state and run directories", paths: dirs, usesFiles: false,
    install: [list.command(routerRes, "create state and run directories", ["mkdir", "-p", ...dirs])], remove: [] });
  // One operation per link end's neighbour setting, so a dropped end's is reset
  // (its removal) while the router-wide ones stay as they are.
  const endKeys = new Map(l.ends.map((e) => [sysctlKey("net", "ipv6", "neigh", e.ifname, "retrans_time_ms"), e]));
  const routerValues = l.sysctls.filter(([k]) => !endKeys.has(k));
  list.add({
    kind: "sysctls", key: "sysctls", stage: "sids", resource: routerRes, description: "enable IPv6 forwarding and SRv6", values: routerValues, usesFiles: false,
    install: [list.command(routerRes, "enable IPv6 forwarding and SRv6", ["sysctl", "-q", "-w", ...routerValues.map(([k, v]) => `${k}=${v}`)])],
    remove: [],
  });
  for (const [key, value] of l.sysctls.filter(([k]) => endKeys.has(k))) {
    const e = endKeys.get(key)!;
    const res = `srv6_protected_link.${e.link.name}`;
    list.add({
      kind: "sysctls", key: `sysctl ${key}`, stage: "sids", resource: res, description: `neighbour retransmit time on ${e.ifname}`, values: [[key, value]], usesFiles: false,
      install: [list.command(res, `neighbour retransmit time on ${e.ifname}`, ["sysctl", "-q", "-w", `${key}=${value}`])],
      // Back to what a new interface gets: the default retrans_time (only the
      // initial network namespace shows neigh/default; elsewhere it is the kernel's 1000 ms).
      remove: [list.tolerant(res, `reset neighbour retransmit time on ${e.ifname}`, [
        "sh", "-c", 'v=$(cat /proc/sys/net/ipv6/neigh/default/retrans_time_ms 2>/dev/null || echo 1000); sysctl -q -w "net/ipv6/neigh/$1/retrans_time_ms=$v"', "sh", e.ifname,
      ])],
    });
  }
  list.add({
    kind: "tunsrc", key: "tunsrc", stage: "sids", resource: routerRes, description: `SRv6 encapsulation source ${l.source}`, address: l.source, usesFiles: false,
    install: [list.command(routerRes, `SRv6 encapsulation source ${l.source}`, ["ip", "sr", "tunsrc", "set", l.source])],
    remove: [list.tolerant(routerRes, "reset SRv6 encapsulation source", ["ip", "sr", "tunsrc", "set", "::"])],
  });
}

function sidOperations(list: OperationList, l: RouterLayout, facts: RouterFacts): void {
  const me = l.router;
  const routerRes = `srv6_router.${me.name}`;
  const count = facts.seg6localCounters ?? true;
  const sidDev = facts.sidDevice ?? l.ends[0]?.ifname ?? [...(me.adjacency_sids ?? []).map((a) => a.interface)].sort()[0];
  if (!sidDev) {
    throw new DataplaneValidationError(me.name, [new DataplaneInputError(`facts.${me.name}`, "sidDevice", undefined,
      "router has no protected link or adjacency interface to carry its node and decap SIDs; name one in facts.sidDevice")]);
  }
  const node = hostRoute(me.node_sid);
  const decap = hostRoute(me.decap_sid);
  list.add(routeOperation(list.stage, routerRes, `node SID ${node.slice(0, -4)} (End)`, { dst: node, dev: sidDev, encap: { type: "seg6local", action: "End", count } }));
  list.add(routeOperation(list.stage, routerRes, `decap SID ${decap.slice(0, -4)} (End.DT6)`, { dst: decap, dev: sidDev, encap: { type: "seg6local", action: "End.DT6", table: 254, count } }));
  for (const x of l.endX) {
    list.add(routeOperation(list.stage, x.resource, `adjacency SID ${x.sid} (End.X via ${x.nexthop} dev ${x.ifname})`,
      { dst: `${x.sid}/128`, dev: x.ifname, encap: { type: "seg6local", action: "End.X", nh6: x.nexthop, count } }));
  }
}

function linkEndOperations(list: OperationList, l: RouterLayout): void {
  const stamper = program(BPF_OBJECTS.probeEgress, BPF_OBJECTS.probeEgress.sections.tcEgress);
  for (const e of l.ends) {
    const res = `srv6_protected_link.${e.link.name}`;
    const handle = `0x${TC_FILTER_HANDLE.toString(16)}`;
    list.add({
      kind: "clsact", key: `clsact ${e.ifname}`, stage: list.stage, resource: res, description: `clsact qdisc on ${e.ifname}`, ifname: e.ifname, usesFiles: false,
      install: [list.command(res, `clsact qdisc on ${e.ifname}`, ["tc", "qdisc", "replace", "dev", e.ifname, "clsact"])],
      remove: [list.tolerant(res, `remove clsact from ${e.ifname} unless someone else's filters use it`, [
        "sh", "-c", 'tc filter show dev "$1" egress | grep -q . || tc filter show dev "$1" ingress | grep -q . || tc qdisc del dev "$1" clsact', "sh", e.ifname,
      ])],
    });
    list.add({
      kind: "tc-filter", key: `tc-filter ${e.ifname} egress`, stage: list.stage, resource: res, description: `probe stamper on ${e.ifname} egress`,
      ifname: e.ifname, direction: "egress", pref: TC_FILTER_PREF, handle: TC_FILTER_HANDLE, program: stamper, usesFiles: true,
      install: [list.command(res, `probe stamper on ${e.ifname} egress`, [
        "tc", "filter", "replace", "dev", e.ifname, "egress", "pref", String(TC_FILTER_PREF), "handle", handle,
        "bpf", "da", "obj", stamper.object, "sec", stamper.section,
      ])],
      remove: [list.tolerant(res, `remove probe stamper from ${e.ifname}`, ["tc", "filter", "del", "dev", e.ifname, "egress", "pref", String(TC_FILTER_PREF), "handle", handle, "bpf"])],
    });
    list.add(routeOperation(list.stage, res, `monitor SID ${e.monitorSid} (End.BPF)`, {
      dst: `${e.monitorSid}/128`, dev: e.ifname,
      encap: { type: "seg6local", action: "End.BPF", program: program(BPF_OBJECTS.monitor, BPF_OBJECTS.monitor.sections.endBpf), count: false },
    }));
    list.add(routeOperation(list.stage, res, `probes to ${e.returnSid} leave over ${e.ifname}`, { dst: `${e.returnSid}/128`, via: e.peer, dev: e.ifname },
      `remove probe route to ${e.returnSid}`));
  }
}

function mapOperation(list: OperationList, l: RouterLayout, facts: RouterFacts): void {
  if (!l.ends.length) return;
  const routerRes = `srv6_router.${l.router.name}`;
  const ifindex = (e: LinkEnd) => facts.ifindex[e.ifname]!;
  const linkEntries = l.ends.map((e) => ({
    key: encodeLinkKey(ifindex(e)).toString("hex"),
    value: encodeLinkConfig({
      multiplier: e.link.multiplier ?? DEFAULTS.multiplier,
      intervalUs: intervalUs(e),
      holdDownNs: BigInt(e.link.hold_down_ms ?? DEFAULTS.hold_down_ms) * 1_000_000n,
    }).toString("hex"),
  }));
  const backupEntries = l.prefixes.map((p) => ({
    key: encodeBackupKey(p.prefix).toString("hex"),
    value: encodeBackup({ linkIfindex: ifindex(p.end), source: l.source, segments: p.segments }).toString("hex"),
  }));
  const sync = [{ map: MAP_NAMES.linkConfig, entries: linkEntries }, { map: MAP_NAMES.backups, entries: backupEntries }];
  // State of links no longer protected here goes; live counters of the others stay.
  const retainKeys = [{ map: MAP_NAMES.linkState, keys: linkEntries.map((e) => e.key) }];
  const input = [...sync.map((s) => ({ op: "sync", ...s })), ...retainKeys.map((r) => ({ op: "retain", ...r }))];
  const description = `write ${linkEntries.length} link config(s) and ${backupEntries.length} backup path(s) to the pinned maps`;
  list.add({
    kind: "maps", key: MAPS_OPERATION_KEY, stage: list.stage, resource: routerRes, description, sync, retainKeys, usesFiles: true,
    install: [list.command(routerRes, description, ["python3", toolPath(ROUTER_TOOLS.maps), "apply"], JSON.stringify(input) + "\n")],
    remove: [list.tolerant(routerRes, "unpin the dataplane maps", ["rm", "-f", ...Object.values(MAP_NAMES).map((m) => `${PIN_DIR}/${m}`)])],
  });
}

/**
 * One reroute program pair per router, loaded once by bpftool on the maps
 * iproute2 pinned, and shared by every protected route: the programs on a
 * router do not grow with its prefixes. Each route keeps its own gateway
 * (not a nexthop object, which the kernel deletes with its routes when the
 * link loses carrier), so it stays, flagged linkdown, and keeps rerouting.
 */
function protectedRouteOperations(list: OperationList, l: RouterLayout): void {
  if (!l.prefixes.length) return;
  const reroute = BPF_OBJECTS.reroute;
  const routerRes = `srv6_router.${l.router.name}`;
  const pinned = (name: string) => ({ path: `${REROUTE_PIN_DIR}/${name}`, name });
  list.add(programsOperation(list.stage, routerRes, `reroute programs shared by ${l.prefixes.length} protected route(s)`, {
    object: objectPath(reroute), dir: REROUTE_PIN_DIR, programs: [reroute.programs.lwtIn, reroute.programs.lwtXmit],
    maps: Object.values(MAP_NAMES).map((name) => ({ name, pinned: `${PIN_DIR}/${name}` })),
  }));
  const encap = { type: "bpf", in: pinned(reroute.programs.lwtIn), xmit: pinned(reroute.programs.lwtXmit), headroom: XMIT_HEADROOM } as const;
  for (const p of l.prefixes) {
    const e = p.end;
    list.add(routeOperation(list.stage, `srv6_backup_policy.${p.policy.name}`, `protected route ${p.prefix} via ${e.peer} dev ${e.ifname} (backup ${p.segments.join(",")})`, {
      dst: p.prefix, metric: PROTECTED_ROUTE_METRIC, via: e.peer, dev: e.ifname, encap,
    }, `remove protected route ${p.prefix}`));
  }
}

/**
 * The boot hook, so that a rebooted router restores its SIDs and routes
 * before the next apply. Its file is placed with the pushed files (after the
 * "go" barrier), so it is never of the "sids" stage. Removing it first
 * disables the unit: a unit file removed while enabled leaves a dangling
 * symlink in multi-user.target.wants.
 */
function bootHookOperation(list: OperationList, l: RouterLayout, facts: RouterFacts): void {
  const res = `srv6_router.${l.router.name}`;
  const base = { kind: "boot-hook", key: "boot-hook", stage: list.stage, resource: res, usesFiles: false } as const;
  if (facts.systemd) {
    const file = BOOT_HOOK_FILES.systemd;
    const description = `boot hook: systemd unit ${BOOT_UNIT}`;
    list.add({
      ...base, description, file, init: "systemd",
      install: [
        list.command(res, "reload systemd's units (the boot unit is new or changed)", ["systemctl", "daemon-reload"]),
        list.command(res, `enable ${BOOT_UNIT} in multi-user.target`, ["systemctl", "enable", BOOT_UNIT]),
      ],
      remove: [
        list.tolerant(res, `disable ${BOOT_UNIT}`, ["systemctl", "disable", BOOT_UNIT]),
        list.tolerant(res, "remove the boot unit", ["rm", "-f", file.remotePath]),
        list.tolerant(res, "reload systemd's units (the boot unit is gone)", ["systemctl", "daemon-reload"]),
      ],
    });
    return;
  }
  const file: RouterFile = BOOT_HOOK_FILES.localD;
  list.add({
    ...base, description: `boot hook: ${file.remotePath}`, file, init: "local.d",
    // OpenRC runs every executable *.start script: placing the file is all there is to install.
    // This check stands in the record for it, and fails the step if the file is not there.
    install: [list.command(res, `boot hook ${file.remotePath} is in place`, ["test", "-x", file.remotePath])],
    remove: [list.tolerant(res, "remove the boot hook", ["rm", "-f", file.remotePath])],
  });
}

/** One operation: the sender's config and its (re)start belong together, so that undoing one never leaves the other. */
function probeSenderOperation(list: OperationList, l: RouterLayout, facts: RouterFacts): void {
  const res = `srv6_router.${l.router.name}`;
  const sender = toolPath(ROUTER_TOOLS.probeSender);
  const install: RouterCommand[] = [];
  if (facts.systemd) {
    install.push(list.tolerant(res, "stop the previous probe sender unit", ["systemctl", "stop", PROBE_UNIT]));
    install.push(list.tolerant(res, "forget the previous unit's failures", ["systemctl", "reset-failed", PROBE_UNIT]));
  }
  const config = l.ends.length ? probeConfig(l) : undefined;
  const configText = config ? JSON.stringify(config, null, 1) + "\n" : undefined;
  if (config) {
    install.push(list.command(res, `probe sender config (${l.ends.length} link end(s))`, ["python3", sender, "install-config", "--config", PROBE_CONFIG_FILE], configText));
    install.push(facts.systemd
      ? list.command(res, "start the probe sender (systemd transient unit)", [
        "systemd-run", "--unit", PROBE_UNIT, "--collect", "--property", "Restart=always", "--property", "RestartSec=200ms",
        "python3", sender, "run", "--config", PROBE_CONFIG_FILE,
      ])
      : list.command(res, "start the supervised probe sender", ["python3", sender, "start", "--config", PROBE_CONFIG_FILE, "--pidfile", PROBE_PIDFILE, "--log", PROBE_LOGFILE]));
  } else if (!facts.systemd) {
    install.push(list.tolerant(res, "no protected links: stop the probe sender", ["python3", sender, "stop", "--pidfile", PROBE_PIDFILE]));
  }
  list.add({
    kind: "probe-sender", key: "probe-sender", stage: list.stage, resource: res, description: config ? `probe sender for ${l.ends.length} link end(s)` : "no probe sender",
    ...(config ? { config, configText } : {}), usesFiles: true, install,
    runner: facts.systemd ? { type: "systemd", unit: PROBE_UNIT } : { type: "supervised", pidfile: PROBE_PIDFILE },
    remove: [
      list.tolerant(res, "stop the probe sender", facts.systemd ? ["systemctl", "stop", PROBE_UNIT] : ["python3", sender, "stop", "--pidfile", PROBE_PIDFILE]),
      list.tolerant(res, "remove the probe sender config and log", ["rm", "-f", PROBE_CONFIG_FILE, PROBE_LOGFILE]),
    ],
  });
}

/** The operations of a laid-out router on a router with these facts. */
export function renderLayout(layout: RouterLayout, facts: RouterFacts): DataplanePlan {
  validateFacts(layout, facts);
  const list = new OperationList();
  baseOperations(list, layout);
  sidOperations(list, layout, facts);
  list.stage = "local";
  linkEndOperations(list, layout);
  mapOperation(list, layout, facts);
  protectedRouteOperations(list, layout);
  bootHookOperation(list, layout, facts);
  list.stage = "probes";
  probeSenderOperation(list, layout, facts);
  const ops = list.ops;
  return {
    router: layout.router.name,
    operations: ops,
    // The pushed files and the boot hook's: everything placed before the commands run.
    files: ops.flatMap((o) => (o.kind === "files" ? o.files : o.kind === "boot-hook" ? [o.file] : [])),
    install: installCommands(ops),
    remove: removeCommands(ops),
    probeConfig: probeConfig(layout),
  };
}

export function renderDataplane(input: DataplaneInput): DataplanePlan {
  return renderLayout(layoutRouter(input), input.facts);
}
