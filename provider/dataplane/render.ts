/**
 * The renderer: desired state + router facts -> the exact commands (argv
 * arrays) that install or remove one router's dataplane. Pure and
 * deterministic: same input, same output, nothing read from anywhere, so the
 * engine can diff plans and tests can run it without a router.
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
 *   5. protected-prefix routes (`encap bpf in/xmit`, metric 10, proto 214)
 *   6. probe sender config and (re)start
 */
import { formatIpv6, parseIpv6, parseIpv6Prefix, formatPrefix } from "../../model/ipv6";
import type { ProtectedLinkConfig, RouterConfig } from "../../model/schema";
import { DEFAULTS } from "../../model/schema";
import { loopbackAddress } from "../../model/sid-layout";
import {
  ROUTE_PROTOCOL, PROTECTED_ROUTE_METRIC, XMIT_HEADROOM, PIN_DIR, RUN_DIR, BPF_DIR, BIN_DIR,
  PROBE_CONFIG_FILE, PROBE_PIDFILE, PROBE_LOGFILE, PROBE_UNIT, BPF_OBJECTS, ROUTER_TOOLS, MAP_NAMES,
  TC_FILTER_PREF, TC_FILTER_HANDLE, NEIGH_RETRANS_MS,
} from "./constants";
import { encodeLinkKey, encodeLinkConfig, encodeBackupKey, encodeBackup } from "./layout";
import { validateInput } from "./validate";
import { DataplaneInputError, DataplaneValidationError } from "./errors";
import type { CommandStage, DataplaneInput, DataplanePlan, RouterCommand, RouterFile, ProbeSenderConfig } from "./types";

const PROTO = String(ROUTE_PROTOCOL);
const obj = (o: { file: string }) => `${BPF_DIR}/${o.file}`;
const tool = (t: string) => `${BIN_DIR}/${t}`;
const host = (a: string) => `${formatIpv6(parseIpv6(a))}/128`;
const canon = (a: string) => formatIpv6(parseIpv6(a));

/** One end of a link, seen from the router being rendered. */
interface LinkEnd {
  readonly link: ProtectedLinkConfig;
  readonly ifname: string;
  readonly ifindex: number;
  /** The neighbour's address on the link (next hop). */
  readonly peer: string;
  readonly monitorSid: string;
  /** End.X SID on the neighbour that sends our probes back. */
  readonly returnSid: string;
  /** End.X SID on us that sends the neighbour's probes back to it. */
  readonly peerReturnSid: string;
}

function linkEnds(input: DataplaneInput): LinkEnd[] {
  const ends: LinkEnd[] = [];
  for (const link of [...input.links].sort((x, y) => x.name.localeCompare(y.name))) {
    for (const [me, other] of [["a", "b"], ["b", "a"]] as const) {
      if (link[`router_${me}`] !== input.router) continue;
      const ifname = link[`interface_${me}`];
      ends.push({
        link, ifname,
        ifindex: input.facts.ifindex[ifname]!,
        peer: canon(link[`peer_address_${me}`]),
        monitorSid: canon(link[`monitor_sid_${me}`]),
        returnSid: canon(link[`return_sid_${me}`]),
        peerReturnSid: canon(link[`return_sid_${other}`]),
      });
    }
  }
  return ends;
}

export function sourceAddress(r: RouterConfig): string {
  return r.source_address ? canon(r.source_address) : loopbackAddress(parseIpv6Prefix(r.locator, { allowHostBits: true }));
}

/** The probe sender's configuration for this router (deterministic order). */
function probeConfig(me: RouterConfig, ends: readonly LinkEnd[]): ProbeSenderConfig {
  return {
    probes: ends.map((e) => ({
      link: e.link.name,
      interface: e.ifname,
      segments: [e.returnSid, e.monitorSid, sourceAddress(me)],
      intervalUs: (e.link.probe_interval_ms ?? DEFAULTS.probe_interval_ms) * 1000,
    })),
  };
}

export function renderDataplane(input: DataplaneInput): DataplanePlan {
  const me = validateInput(input);
  const routerRes = `srv6_router.${me.name}`;
  const counters = input.facts.seg6localCounters ?? true;
  const count = counters ? ["count"] : [];
  const ends = linkEnds(input);
  const policies = input.policies.filter((p) => p.router === me.name).sort((x, y) => x.name.localeCompare(y.name));
  const install: RouterCommand[] = [];
  const remove: RouterCommand[] = [];
  let stage: CommandStage = "sids";
  const cmd = (resource: string, description: string, argv: string[], input?: string): void => {
    install.push({ stage, resource, description, argv, ...(input !== undefined ? { input } : {}) });
  };
  const undo = (resource: string, description: string, argv: string[]): void => {
    remove.unshift({ stage, resource, description, argv, ignoreFailure: true });
  };

  // 1. Base.
  const ifnames = [...new Set([...ends.map((e) => e.ifname), ...(me.adjacency_sids ?? []).map((a) => a.interface)])].sort();
  cmd(routerRes, "create state and run directories", ["mkdir", "-p", BPF_DIR, BIN_DIR, RUN_DIR]);
  cmd(routerRes, "enable IPv6 forwarding and SRv6", [
    "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.all.seg6_enabled=1",
    ...ifnames.map((i) => `net.ipv6.conf.${i}.seg6_enabled=1`),
    // After a silent failure the neighbour entry of the peer is FAILED; the
    // kernel retries resolution every retrans_time (1 s by default), which
    // would add up to a second to the return after heal. 100 ms on the
    // protected point-to-point links bounds that delay.
    ...ends.map((e) => `net.ipv6.neigh.${e.ifname}.retrans_time_ms=${NEIGH_RETRANS_MS}`),
  ]);
  for (const e of ends) {
    // Back to what a new interface gets: the default retrans_time (only the
    // initial network namespace shows neigh/default; elsewhere it is the kernel's 1000 ms).
    undo(`srv6_protected_link.${e.link.name}`, `reset neighbour retransmit time on ${e.ifname}`, [
      "sh", "-c", 'v=$(cat /proc/sys/net/ipv6/neigh/default/retrans_time_ms 2>/dev/null || echo 1000); sysctl -q -w "net.ipv6.neigh.$1.retrans_time_ms=$v"', "sh", e.ifname,
    ]);
  }
  const src = sourceAddress(me);
  cmd(routerRes, `SRv6 encapsulation source ${src}`, ["ip", "sr", "tunsrc", "set", src]);
  undo(routerRes, "reset SRv6 encapsulation source", ["ip", "sr", "tunsrc", "set", "::"]);

  // 2. SIDs.
  const sid = (resource: string, description: string, s: string, behaviour: string[], dev: string): void => {
    cmd(resource, description, ["ip", "-6", "route", "replace", host(s), "proto", PROTO, "encap", "seg6local", "action", ...behaviour, "dev", dev]);
    undo(resource, `remove ${description}`, ["ip", "-6", "route", "del", host(s), "proto", PROTO]);
  };
  const sidDev = input.facts.sidDevice ?? ends[0]?.ifname ?? [...(me.adjacency_sids ?? []).map((a) => a.interface)].sort()[0];
  if (!sidDev) {
    throw new DataplaneValidationError(me.name, [new DataplaneInputError(`facts.${me.name}`, "sidDevice", undefined,
      "router has no protected link or adjacency interface to carry its node and decap SIDs; name one in facts.sidDevice")]);
  }
  sid(routerRes, `node SID ${canon(me.node_sid)} (End)`, me.node_sid, ["End", ...count], sidDev);
  sid(routerRes, `decap SID ${canon(me.decap_sid)} (End.DT6)`, me.decap_sid, ["End.DT6", "table", "254", ...count], sidDev);
  const endX = new Map<string, { nexthop: string; ifname: string; resource: string }>();
  for (const a of me.adjacency_sids ?? []) endX.set(canon(a.sid), { nexthop: canon(a.nexthop), ifname: a.interface, resource: routerRes });
  for (const e of ends) {
    const res = `srv6_protected_link.${e.link.name}`;
    const field = e.link.router_a === me.name ? "return_sid_b" : "return_sid_a";
    const prior = endX.get(e.peerReturnSid);
    if (prior && (prior.nexthop !== e.peer || prior.ifname !== e.ifname)) {
      throw new DataplaneValidationError(me.name, [new DataplaneInputError(res, field, e.peerReturnSid,
        `${prior.resource} already makes this SID an End.X via ${prior.nexthop} dev ${prior.ifname}; a return SID must send back over the link (via ${e.peer} dev ${e.ifname})`)]);
    }
    endX.set(e.peerReturnSid, { nexthop: e.peer, ifname: e.ifname, resource: res });
  }
  for (const [s, x] of [...endX.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    sid(x.resource, `adjacency SID ${s} (End.X via ${x.nexthop} dev ${x.ifname})`, s, ["End.X", "nh6", x.nexthop, ...count], x.ifname);
  }

  // 3. Per link end: stamper, monitor, return route.
  stage = "local";
  for (const e of ends) {
    const res = `srv6_protected_link.${e.link.name}`;
    cmd(res, `clsact qdisc on ${e.ifname}`, ["tc", "qdisc", "replace", "dev", e.ifname, "clsact"]);
    cmd(res, `probe stamper on ${e.ifname} egress`, [
      "tc", "filter", "replace", "dev", e.ifname, "egress", "pref", String(TC_FILTER_PREF), "handle", `0x${TC_FILTER_HANDLE.toString(16)}`,
      "bpf", "da", "obj", obj(BPF_OBJECTS.probeEgress), "sec", BPF_OBJECTS.probeEgress.sections.tcEgress,
    ]);
    undo(res, `remove clsact from ${e.ifname} unless someone else's filters use it`, [
      "sh", "-c", 'tc filter show dev "$1" egress | grep -q . || tc filter show dev "$1" ingress | grep -q . || tc qdisc del dev "$1" clsact', "sh", e.ifname,
    ]);
    undo(res, `remove probe stamper from ${e.ifname}`, [
      "tc", "filter", "del", "dev", e.ifname, "egress", "pref", String(TC_FILTER_PREF), "handle", `0x${TC_FILTER_HANDLE.toString(16)}`, "bpf",
    ]);
    sid(res, `monitor SID ${e.monitorSid} (End.BPF)`, e.monitorSid,
      ["End.BPF", "endpoint", "obj", obj(BPF_OBJECTS.monitor), "sec", BPF_OBJECTS.monitor.sections.endBpf], e.ifname);
    cmd(res, `probes to ${e.returnSid} leave over ${e.ifname}`, ["ip", "-6", "route", "replace", host(e.returnSid), "via", e.peer, "dev", e.ifname, "proto", PROTO]);
    undo(res, `remove probe route to ${e.returnSid}`, ["ip", "-6", "route", "del", host(e.returnSid), "via", e.peer, "dev", e.ifname, "proto", PROTO]);
  }

  // 4. Map contents, synced in one call (maps exist once any object is loaded).
  const linkEnd = new Map(ends.map((e) => [e.link.name, e]));
  if (ends.length) {
    const linkEntries = ends.map((e) => ({
      key: encodeLinkKey(e.ifindex).toString("hex"),
      value: encodeLinkConfig({
        multiplier: e.link.multiplier ?? DEFAULTS.multiplier,
        intervalUs: (e.link.probe_interval_ms ?? DEFAULTS.probe_interval_ms) * 1000,
        holdDownNs: BigInt(e.link.hold_down_ms ?? DEFAULTS.hold_down_ms) * 1_000_000n,
      }).toString("hex"),
    }));
    const backupEntries = policies.map((p) => ({
      key: encodeBackupKey(formatPrefix(parseIpv6Prefix(p.prefix))).toString("hex"),
      value: encodeBackup({ linkIfindex: linkEnd.get(p.link)!.ifindex, source: src, segments: p.segments.map(canon) }).toString("hex"),
    }));
    const ops = [
      { op: "sync", map: MAP_NAMES.linkConfig, entries: linkEntries },
      { op: "sync", map: MAP_NAMES.backups, entries: backupEntries },
      // State of links no longer protected here goes; live counters of the others stay.
      { op: "retain", map: MAP_NAMES.linkState, keys: linkEntries.map((e) => e.key) },
    ];
    cmd(routerRes, `write ${linkEntries.length} link config(s) and ${backupEntries.length} backup path(s) to the pinned maps`,
      ["python3", tool(ROUTER_TOOLS.maps), "apply"], JSON.stringify(ops) + "\n");
    undo(routerRes, "unpin the dataplane maps", ["rm", "-f", ...Object.values(MAP_NAMES).map((m) => `${PIN_DIR}/${m}`)]);
  }

  // 5. Protected-prefix routes.
  for (const p of policies) {
    const e = linkEnd.get(p.link);
    const res = `srv6_backup_policy.${p.name}`;
    if (!e) continue; // validateInput guarantees the router is an end of the link
    const prefix = formatPrefix(parseIpv6Prefix(p.prefix));
    cmd(res, `protected route ${prefix} via ${e.peer} dev ${e.ifname} (backup ${p.segments.map(canon).join(",")})`, [
      "ip", "-6", "route", "replace", prefix, "via", e.peer, "dev", e.ifname, "proto", PROTO, "metric", String(PROTECTED_ROUTE_METRIC),
      "encap", "bpf", "in", "obj", obj(BPF_OBJECTS.reroute), "sec", BPF_OBJECTS.reroute.sections.lwtIn,
      "xmit", "obj", obj(BPF_OBJECTS.reroute), "sec", BPF_OBJECTS.reroute.sections.lwtXmit, "headroom", String(XMIT_HEADROOM),
    ]);
    undo(res, `remove protected route ${prefix}`, ["ip", "-6", "route", "del", prefix, "proto", PROTO, "metric", String(PROTECTED_ROUTE_METRIC)]);
  }

  // 6. Probe sender.
  stage = "probes";
  const probes = probeConfig(me, ends);
  const senderRes = routerRes;
  const sender = tool(ROUTER_TOOLS.probeSender);
  if (input.facts.systemd) {
    install.push({ stage, resource: senderRes, description: "stop the previous probe sender unit", argv: ["systemctl", "stop", PROBE_UNIT], ignoreFailure: true });
    install.push({ stage, resource: senderRes, description: "forget the previous unit's failures", argv: ["systemctl", "reset-failed", PROBE_UNIT], ignoreFailure: true });
  }
  if (ends.length) {
    cmd(senderRes, `probe sender config (${ends.length} link end(s))`, ["python3", sender, "install-config", "--config", PROBE_CONFIG_FILE], JSON.stringify(probes, null, 1) + "\n");
    if (input.facts.systemd) {
      cmd(senderRes, "start the probe sender (systemd transient unit)", [
        "systemd-run", "--unit", PROBE_UNIT, "--collect", "--property", "Restart=always", "--property", "RestartSec=200ms",
        "python3", sender, "run", "--config", PROBE_CONFIG_FILE,
      ]);
    } else {
      cmd(senderRes, "start the supervised probe sender", ["python3", sender, "start", "--config", PROBE_CONFIG_FILE, "--pidfile", PROBE_PIDFILE, "--log", PROBE_LOGFILE]);
    }
  } else if (!input.facts.systemd) {
    install.push({ stage, resource: senderRes, description: "no protected links: stop the probe sender", argv: ["python3", sender, "stop", "--pidfile", PROBE_PIDFILE], ignoreFailure: true });
  }
  undo(senderRes, "remove the probe sender config and log", ["rm", "-f", PROBE_CONFIG_FILE, PROBE_LOGFILE]);
  undo(senderRes, "stop the probe sender", input.facts.systemd ? ["systemctl", "stop", PROBE_UNIT] : ["python3", sender, "stop", "--pidfile", PROBE_PIDFILE]);

  const files: RouterFile[] = [
    ...Object.values(BPF_OBJECTS).map((o) => ({ localPath: `dist/bpf/${o.file}`, remotePath: obj(o), mode: 0o644 })),
    ...Object.values(ROUTER_TOOLS).map((t) => ({ localPath: `router/${t}`, remotePath: tool(t), mode: 0o755 })),
  ];
  remove.push({ stage: "sids", resource: routerRes, description: "remove pushed files", argv: ["rm", "-f", ...files.map((f) => f.remotePath)], ignoreFailure: true });
  remove.push({ stage: "sids", resource: routerRes, description: "remove our directories if empty", argv: ["rmdir", "--ignore-fail-on-non-empty", BPF_DIR, BIN_DIR], ignoreFailure: true });
  // iproute2 made tc/globals (and the ip, xdp links to it) when it first pinned
  // our maps; if nothing else lives there now, take them away again.
  remove.push({ stage: "sids", resource: routerRes, description: "remove iproute2's empty pin directories", argv: ["rmdir", "--ignore-fail-on-non-empty", PIN_DIR, PIN_DIR.replace(/\/globals$/, "")], ignoreFailure: true });
  remove.push({ stage: "sids", resource: routerRes, description: "remove links left dangling in bpffs", argv: ["find", "/sys/fs/bpf", "-maxdepth", "1", "-xtype", "l", "-delete"], ignoreFailure: true });
  return { router: me.name, files, install, remove, probeConfig: probes };
}

