/**
 * A router's dataplane before its facts are known: which link ends it has,
 * which SIDs it serves, which prefixes it protects, which sysctls it needs.
 * Everything here follows from the desired state alone, so the engine can
 * ask the router for exactly these names in its one observation, and the
 * renderer then adds what only the router knows (interface indexes, systemd,
 * the SID device) without deriving any of it again.
 */
import { formatIpv6, parseIpv6, parseIpv6Prefix, sortedPrefixes } from "../../model/ipv6";
import type { BackupPolicyConfig, ProtectedLinkConfig, RouterConfig } from "../../model/schema";
import { loopbackAddress } from "../../model/sid-layout";
import { BIN_DIR, BOOT_HOOK_PATHS, BPF_DIR, BPF_OBJECTS, NEIGH_RETRANS_MS, ROUTER_TOOLS } from "./constants";
import { DataplaneInputError, DataplaneValidationError } from "./errors";
import { validateResources } from "./validate";
import { planBackupProbes, type BackupProbePlan } from "./backup-paths";
import { mirroredHome, segmentSteps, type Step } from "./probe-return";
import type { DataplaneInput, RouterFile } from "./types";

export const canonicalAddress = (a: string): string => formatIpv6(parseIpv6(a));
export const hostRoute = (a: string): string => `${canonicalAddress(a)}/128`;

/** One end of a protected link, seen from the router being rendered. */
export interface LinkEnd {
  readonly link: ProtectedLinkConfig;
  /** Which end of the link this router is. */
  readonly side: "a" | "b";
  readonly ifname: string;
  /** The neighbour's address on the link (next hop). */
  readonly peer: string;
  readonly monitorSid: string;
  /** End.X SID on the neighbour that sends our probes back. */
  readonly returnSid: string;
  /** End.X SID on us that sends the neighbour's probes back to it. */
  readonly peerReturnSid: string;
}

/** An End.X SID of this router: an adjacency SID, or the return SID of a neighbour's probes. */
export interface EndXSid {
  readonly sid: string;
  readonly nexthop: string;
  readonly ifname: string;
  readonly resource: string;
}

/** One prefix of a policy: one protected route and one backup map entry. */
export interface ProtectedPrefix {
  readonly policy: BackupPolicyConfig;
  /** Canonical prefix. */
  readonly prefix: string;
  readonly end: LinkEnd;
  readonly segments: readonly string[];
}

export interface RouterLayout {
  readonly router: RouterConfig;
  /** By link name. */
  readonly ends: readonly LinkEnd[];
  /** By SID. */
  readonly endX: readonly EndXSid[];
  /** Each policy's prefixes, by policy name, then in address order. */
  readonly prefixes: readonly ProtectedPrefix[];
  /** The backup paths this router probes end to end (one per policy whose link probes its backups). */
  readonly backupProbes: BackupProbePlan;
  /**
   * Each probed policy's way home (probe-return.ts), by policy name: `full`
   * after the whole list, `prefixes[k - 1]` after its first k segments;
   * each ends with the link end's monitor SID and the router's own address.
   */
  readonly probeHomes: ReadonlyMap<string, { readonly full: readonly string[]; readonly prefixes: readonly (readonly string[])[] }>;
  /** Interfaces of protected links and adjacency SIDs, by name. */
  readonly interfaces: readonly string[];
  /** The SRv6 encapsulation source. */
  readonly source: string;
  readonly sysctls: readonly (readonly [string, string])[];
  readonly files: readonly RouterFile[];
  /**
   * Both boot hooks: which one is installed depends on the router's init
   * system (a fact), so the one observation hashes both paths.
   */
  readonly bootHooks: readonly RouterFile[];
}

/**
 * A sysctl key as `sysctl -w` reads it: dotted, unless a part holds a dot
 * itself (a VLAN interface such as eth1.100), then with slashes, which
 * sysctl takes as they are.
 */
export function sysctlKey(...parts: string[]): string {
  return parts.some((p) => p.includes(".")) ? parts.join("/") : parts.join(".");
}

export const objectPath = (o: { file: string }): string => `${BPF_DIR}/${o.file}`;
export const toolPath = (t: string): string => `${BIN_DIR}/${t}`;

/** Everything we push: the compiled objects and the router tools. */
export const PUSHED_FILES: readonly RouterFile[] = [
  ...Object.values(BPF_OBJECTS).map((o) => ({ localPath: `dist/bpf/${o.file}`, remotePath: objectPath(o), mode: 0o644 })),
  ...Object.values(ROUTER_TOOLS).map((t) => ({ localPath: `router/${t}`, remotePath: toolPath(t), mode: 0o755 })),
];

/** The boot hook for each init system (router/boot/); the renderer picks one by facts.systemd. */
export const BOOT_HOOK_FILES = {
  systemd: { localPath: "router/boot/srv6-protect-boot.service", remotePath: BOOT_HOOK_PATHS.systemd, mode: 0o644 },
  // local.d runs only executable scripts.
  localD: { localPath: "router/boot/srv6-protect.start", remotePath: BOOT_HOOK_PATHS.localD, mode: 0o755 },
} as const satisfies Record<keyof typeof BOOT_HOOK_PATHS, RouterFile>;

export function sourceAddress(r: RouterConfig): string {
  return r.source_address ? canonicalAddress(r.source_address) : loopbackAddress(parseIpv6Prefix(r.locator, { allowHostBits: true }));
}

function linkEnds(router: string, links: readonly ProtectedLinkConfig[]): LinkEnd[] {
  const ends: LinkEnd[] = [];
  for (const link of [...links].sort((x, y) => x.name.localeCompare(y.name))) {
    for (const [me, other] of [["a", "b"], ["b", "a"]] as const) {
      if (link[`router_${me}`] !== router) continue;
      ends.push({
        link,
        side: me,
        ifname: link[`interface_${me}`],
        peer: canonicalAddress(link[`peer_address_${me}`]),
        monitorSid: canonicalAddress(link[`monitor_sid_${me}`]),
        returnSid: canonicalAddress(link[`return_sid_${me}`]),
        peerReturnSid: canonicalAddress(link[`return_sid_${other}`]),
      });
    }
  }
  return ends;
}

function endXSids(me: RouterConfig, ends: readonly LinkEnd[]): EndXSid[] {
  const routerRes = `srv6_router.${me.name}`;
  const endX = new Map<string, EndXSid>();
  for (const a of me.adjacency_sids ?? []) {
    const sid = canonicalAddress(a.sid);
    endX.set(sid, { sid, nexthop: canonicalAddress(a.nexthop), ifname: a.interface, resource: routerRes });
  }
  for (const e of ends) {
    const res = `srv6_protected_link.${e.link.name}`;
    const field = e.link.router_a === me.name ? "return_sid_b" : "return_sid_a";
    const prior = endX.get(e.peerReturnSid);
    if (prior && (prior.nexthop !== e.peer || prior.ifname !== e.ifname)) {
      throw new DataplaneValidationError(me.name, [new DataplaneInputError(res, field, e.peerReturnSid,
        `${prior.resource} already makes this SID an End.X via ${prior.nexthop} dev ${prior.ifname}; a return SID must send back over the link (via ${e.peer} dev ${e.ifname})`)]);
    }
    endX.set(e.peerReturnSid, { sid: e.peerReturnSid, nexthop: e.peer, ifname: e.ifname, resource: res });
  }
  return [...endX.values()].sort((a, b) => a.sid.localeCompare(b.sid));
}

/** Validates the desired state (not the facts) and lays the router's dataplane out. */
export function layoutRouter(input: Omit<DataplaneInput, "facts">): RouterLayout {
  const me = validateResources(input);
  const ends = linkEnds(me.name, input.links);
  const byLink = new Map(ends.map((e) => [e.link.name, e]));
  const mine = input.policies.filter((p) => p.router === me.name);
  const backupProbes = planBackupProbes(mine.map((p) => ({ ...p, segments: p.segments.map(canonicalAddress) })),
    (link) => byLink.get(link)?.link.backup_probe_interval_ms ?? undefined);
  const prefixes = mine.sort((x, y) => x.name.localeCompare(y.name))
    .flatMap((p) => {
      // validateResources guarantees the router is an end of the policy's link
      const end = byLink.get(p.link)!;
      const segments = p.segments.map(canonicalAddress);
      return sortedPrefixes(p.prefixes).map((prefix) => ({ policy: p, prefix, end, segments }));
    });
  const interfaces = [...new Set([...ends.map((e) => e.ifname), ...(me.adjacency_sids ?? []).map((a) => a.interface)])].sort();
  const sysctls: [string, string][] = [
    [sysctlKey("net", "ipv6", "conf", "all", "forwarding"), "1"], [sysctlKey("net", "ipv6", "conf", "all", "seg6_enabled"), "1"],
    ...interfaces.map((i): [string, string] => [sysctlKey("net", "ipv6", "conf", i, "seg6_enabled"), "1"]),
    // After a silent failure the neighbour entry of the peer is FAILED; the
    // kernel retries resolution every retrans_time (1 s by default), which
    // would add up to a second to the return after heal. 100 ms on the
    // protected point-to-point links bounds that delay.
    ...ends.map((e): [string, string] => [sysctlKey("net", "ipv6", "neigh", e.ifname, "retrans_time_ms"), String(NEIGH_RETRANS_MS)]),
  ];
  const source = sourceAddress(me);
  // The bundle's steps reach beyond its routers; the routers it has are read afresh.
  const steps = new Map([...(input.segment_steps ?? []).map((s): [string, Step] => [s.sid, s]), ...segmentSteps(input.routers, input.links)]);
  const probeHomes = new Map(backupProbes.paths.map((p) => {
    const home = [byLink.get(p.link)!.monitorSid, source];
    const back = (segments: readonly string[]) => mirroredHome(me.name, segments, steps, home);
    return [p.policy, { full: back(p.segments), prefixes: p.segments.slice(1).map((_, k) => back(p.segments.slice(0, k + 1))) }];
  }));
  return { router: me, ends, endX: endXSids(me, ends), prefixes, backupProbes, probeHomes, interfaces, source, sysctls, files: PUSHED_FILES, bootHooks: Object.values(BOOT_HOOK_FILES) };
}

/** Destinations of every route the layout installs (SIDs, probe routes, protected prefixes). */
export function routeDestinations(l: RouterLayout): string[] {
  return [
    hostRoute(l.router.node_sid), hostRoute(l.router.decap_sid),
    ...l.endX.map((x) => `${x.sid}/128`),
    ...l.ends.flatMap((e) => [`${e.monitorSid}/128`, `${e.returnSid}/128`]),
    ...l.prefixes.map((p) => p.prefix),
  ];
}
