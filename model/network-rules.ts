/**
 * Checks across the whole document, after each resource passed its schema:
 * addresses inside locators, uniqueness, references between resources,
 * coherence of links, adjacency SIDs and backup policies. Pure: it only looks
 * at the values it is given.
 */
import type { SchemaIssue } from "./issue";
import { connectionDefaults, DEFAULTS, LIMITS, splitJumpHost, type BackupPolicyConfig, type ProtectedLinkConfig, type RouterConfig } from "./schema";
import { tryParseIpv6, tryParseIpv6Prefix, prefixContains, prefixesOverlap, prefixOverlaps, specialRangeOf, specialRangeOverlapping, type CheckedIpv6Prefix } from "./ipv6";
import { loopbackAddress } from "./sid-layout";

export interface Entity<T> {
  /** `type.name` used in messages. */
  label: string;
  config: T;
}

export interface SemanticInput {
  routers: Entity<RouterConfig>[];
  links: Entity<ProtectedLinkConfig>[];
  policies: Entity<BackupPolicyConfig>[];
  /** Names of resources that exist but failed their schema: references to them are not reported again. */
  invalidRouterNames: ReadonlySet<string>;
  invalidLinkNames: ReadonlySet<string>;
  /** decap_sid values written on routers that failed their schema (so segments naming them are not reported again). */
  invalidRouterDecapSids: readonly string[];
  /**
   * Every SID written on a resource that failed its schema (node, decap and
   * adjacency SIDs of routers, return SIDs of links), so that a segment naming
   * one is not reported as "not a SID of any router" as well.
   */
  invalidResourceSids?: readonly string[];
}

/** What a SID of the network is, for the rules on segment lists. */
interface SidRole {
  readonly kind: "node" | "decap" | "adjacency" | "return" | "monitor";
  /** The router that serves it. */
  readonly router: string;
  /** Where it is declared: `srv6_router.r1.node_sid`. */
  readonly owner: string;
  /** For an End.X (adjacency or return SID): the interface it sends out of. */
  readonly interface?: string;
}

const LOCATOR_LENGTH = { min: 16, max: 64 };

/**
 * What each kind of address must be, said after the range it breaks
 * ("is a link-local address (fe80::/10): ..."). SIDs, source addresses and
 * segments are routed across the network, so they must be ordinary unicast
 * addresses; a next hop is only used on its link, so it may be link-local.
 */
const ROLE = {
  sid: "a SID must be a routable unicast address (global or unique local) inside its router's locator",
  source: "the SRv6 source address must be a routable unicast address of this router",
  segment: "a backup segment must be a routable unicast SID of a router",
  nexthop: "a next hop must be a unicast address of the neighbour on the link (link-local is allowed)",
} as const;

/**
 * When a link's failure detection (probe interval x multiplier) takes longer
 * than LIMITS.detection_time_ms: "5000 x 3 = 15000 ms: a failure must be
 * detected within 10000 ms; ...", to follow the names of the two settings.
 */
export function detectionTimeProblem(probeIntervalMs: number, multiplier: number): string | undefined {
  const ms = probeIntervalMs * multiplier;
  if (!(ms > LIMITS.detection_time_ms.maximum)) return undefined;
  return `${probeIntervalMs} x ${multiplier} = ${ms} ms: a failure must be detected within ${LIMITS.detection_time_ms.maximum} ms; probe more often or lower the multiplier`;
}

/** A backup probe interval that is neither 0 (off) nor at least the minimum. */
export function backupProbeIntervalProblem(ms: number): string | undefined {
  if (ms === 0 || ms >= LIMITS.backupProbeIntervalMinimumMs) return undefined;
  return `must be 0 (no backup probes) or at least ${LIMITS.backupProbeIntervalMinimumMs} ms`;
}

export function checkSemantics(input: SemanticInput): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const add = (resource: string, field: string, value: unknown, message: string) => issues.push({ resource, field, value, message });
  // Values already refused for their range: the rules after that (inside the locator, unique...) stay quiet about them.
  const refused = new Set<string>();
  /** Whether `value` may serve as `role`; reports it when not. */
  const usable = (label: string, field: string, value: string | undefined, role: keyof typeof ROLE): boolean => {
    if (value === undefined) return true;
    const a = tryParseIpv6(value);
    const special = a === undefined ? undefined : specialRangeOf(a);
    if (special === undefined || (role === "nexthop" && special.kind === "link-local")) return true;
    add(label, field, value, `${special.address}: ${ROLE[role]}`);
    refused.add(`${label}|${field}`);
    return false;
  };
  const ok = (label: string, field: string) => !refused.has(`${label}|${field}`);

  // --- names -------------------------------------------------------------
  for (const [what, list] of [["srv6_router", input.routers], ["srv6_protected_link", input.links], ["srv6_backup_policy", input.policies]] as const) {
    const seen = new Map<string, string>();
    for (const e of list as Entity<{ name: string }>[]) {
      const first = seen.get(e.config.name);
      if (first) add(e.label, "name", e.config.name, `duplicate ${what} name: also used by ${first}; names must be unique`);
      else seen.set(e.config.name, e.label);
    }
  }

  // --- routers -----------------------------------------------------------
  const routers = new Map<string, { e: Entity<RouterConfig>; locator?: CheckedIpv6Prefix }>();
  const endpoints = new Map<string, string>();
  for (const e of input.routers) {
    const r = e.config;
    const locator = tryParseIpv6Prefix(r.locator);
    if (!locator) add(e.label, "locator", r.locator, "must be an IPv6 prefix address/length");
    else if (locator.length < LOCATOR_LENGTH.min || locator.length > LOCATOR_LENGTH.max) add(e.label, "locator", r.locator, `prefix length must be between ${LOCATOR_LENGTH.min} and ${LOCATOR_LENGTH.max}`);
    else if (locator.hostBitsSet) add(e.label, "locator", r.locator, "has host bits set: write the network address (e.g. fc00:0:1::/48)");
    const special = locator && specialRangeOverlapping(locator);
    if (locator && special && !locator.hostBitsSet && locator.length >= LOCATOR_LENGTH.min && locator.length <= LOCATOR_LENGTH.max) {
      add(e.label, "locator", r.locator, `${special.overlap}: a locator must be routable unicast space, global or unique local (e.g. fc00:0:1::/48)`);
    }
    const locatorOk = locator && !special && !locator.hostBitsSet && locator.length >= LOCATOR_LENGTH.min && locator.length <= LOCATOR_LENGTH.max ? locator : undefined;
    if (!routers.has(r.name)) routers.set(r.name, { e, locator: locatorOk });

    if (r.jump_host !== undefined) {
      const port = splitJumpHost(r.jump_host).port;
      if (port !== undefined && !(/^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
        add(e.label, "jump_host", r.jump_host, `the jump host's port ${port === "" ? "is empty" : `'${port}' is not a port`}: write [user@]host[:port] with a port from 1 to 65535 (or leave it out for 22)`);
      }
    }
    const endpoint = `${r.host}:${connectionDefaults(r).port}`;
    const other = endpoints.get(endpoint);
    if (other) add(e.label, "host", r.host, `same SSH endpoint ${endpoint} as ${other}: each router needs its own host/port`);
    else endpoints.set(endpoint, e.label);

    usable(e.label, "node_sid", r.node_sid, "sid");
    usable(e.label, "decap_sid", r.decap_sid, "sid");
    usable(e.label, "source_address", r.source_address, "source");
    (r.adjacency_sids ?? []).forEach((a, i) => {
      usable(e.label, `adjacency_sids[${i}].sid`, a.sid, "sid");
      usable(e.label, `adjacency_sids[${i}].nexthop`, a.nexthop, "nexthop");
    });
    if (locatorOk) {
      const inside = (field: string, value: string | undefined) => {
        if (value === undefined || !ok(e.label, field)) return;
        const a = tryParseIpv6(value);
        if (a !== undefined && !prefixContains(locatorOk, a)) add(e.label, field, value, `must lie inside the router's locator ${r.locator}`);
      };
      inside("node_sid", r.node_sid);
      inside("decap_sid", r.decap_sid);
      inside("source_address", r.source_address);
      (r.adjacency_sids ?? []).forEach((a, i) => inside(`adjacency_sids[${i}].sid`, a.sid));
    }
    const pairs = new Map<string, number>();
    (r.adjacency_sids ?? []).forEach((a, i) => {
      const key = `${a.interface} ${tryParseIpv6(a.nexthop)}`;
      const first = pairs.get(key);
      if (first !== undefined) add(e.label, `adjacency_sids[${i}]`, a, `same interface and nexthop as adjacency_sids[${first}]: one End.X SID per adjacency`);
      else pairs.set(key, i);
    });
  }

  // Locators must not overlap between routers.
  const withLocators = [...routers.values()].filter((r) => r.locator);
  for (let i = 0; i < withLocators.length; i++) {
    for (let j = 0; j < i; j++) {
      if (prefixesOverlap(withLocators[i].locator!, withLocators[j].locator!)) {
        add(withLocators[i].e.label, "locator", withLocators[i].e.config.locator, `overlaps the locator ${withLocators[j].e.config.locator} of ${withLocators[j].e.label}; locators must be disjoint`);
      }
    }
  }

  const routerExists = (name: string) => routers.has(name) || input.invalidRouterNames.has(name);
  const knownRouters = () => [...routers.keys()].join(", ") || "(none)";
  const inLocatorOf = (routerName: string, label: string, field: string, value: string) => {
    if (!ok(label, field)) return;
    const r = routers.get(routerName);
    const a = tryParseIpv6(value);
    if (r?.locator && a !== undefined && !prefixContains(r.locator, a)) add(label, field, value, `must lie inside the locator ${r.e.config.locator} of router ${routerName}`);
  };
  const adjacencyOf = (routerName: string, sid: string) => {
    const r = routers.get(routerName);
    const v = tryParseIpv6(sid);
    return r?.e.config.adjacency_sids?.map((a, index) => ({ a, index })).find(({ a }) => tryParseIpv6(a.sid) === v);
  };

  // --- SIDs unique network-wide ------------------------------------------
  const sids = new Map<bigint, { label: string; field: string; value: string }>();
  const claimSid = (label: string, field: string, value: string) => {
    const v = tryParseIpv6(value);
    if (v === undefined || !ok(label, field)) return;
    const first = sids.get(v);
    if (first) add(label, field, value, `SID already used by ${first.label}.${first.field}; every SID must be unique in the network`);
    else sids.set(v, { label, field, value });
  };
  for (const e of input.routers) {
    claimSid(e.label, "node_sid", e.config.node_sid);
    claimSid(e.label, "decap_sid", e.config.decap_sid);
    (e.config.adjacency_sids ?? []).forEach((a, i) => claimSid(e.label, `adjacency_sids[${i}].sid`, a.sid));
  }

  // --- links ---------------------------------------------------------------
  const links = new Map<string, Entity<ProtectedLinkConfig>>();
  const interfaceUse = new Map<string, string>();
  for (const e of input.links) {
    const l = e.config;
    if (!links.has(l.name)) links.set(l.name, e);
    for (const side of ["a", "b"] as const) {
      const router = side === "a" ? l.router_a : l.router_b;
      if (!routerExists(router)) add(e.label, `router_${side}`, router, `unknown router: no srv6_router named '${router}' (known: ${knownRouters()})`);
    }
    if (l.router_a === l.router_b) add(e.label, "router_b", l.router_b, "a protected link needs two different routers");
    const interval = l.probe_interval_ms ?? DEFAULTS.probe_interval_ms;
    const slow = detectionTimeProblem(interval, l.multiplier ?? DEFAULTS.multiplier);
    if (slow) add(e.label, "probe_interval_ms", interval, `probe_interval_ms x multiplier = ${slow}`);
    const backupProbes = l.backup_probe_interval_ms === undefined || l.backup_probe_interval_ms === null ? undefined : backupProbeIntervalProblem(l.backup_probe_interval_ms);
    if (backupProbes) add(e.label, "backup_probe_interval_ms", l.backup_probe_interval_ms, backupProbes);
    for (const side of ["a", "b"] as const) {
      usable(e.label, `peer_address_${side}`, side === "a" ? l.peer_address_a : l.peer_address_b, "nexthop");
      usable(e.label, `monitor_sid_${side}`, side === "a" ? l.monitor_sid_a : l.monitor_sid_b, "sid");
      usable(e.label, `return_sid_${side}`, side === "a" ? l.return_sid_a : l.return_sid_b, "sid");
    }
    if (ok(e.label, "peer_address_a") && ok(e.label, "peer_address_b") && tryParseIpv6(l.peer_address_a) === tryParseIpv6(l.peer_address_b)) add(e.label, "peer_address_b", l.peer_address_b, "must differ from peer_address_a: each end has its own address on the link");

    for (const side of ["a", "b"] as const) {
      const self = side === "a" ? l.router_a : l.router_b;
      const peer = side === "a" ? l.router_b : l.router_a;
      const iface = side === "a" ? l.interface_a : l.interface_b;
      const key = `${self} ${iface}`;
      const first = interfaceUse.get(key);
      if (first) add(e.label, `interface_${side}`, iface, `interface ${iface} of router ${self} is already used by ${first}; one protected link per interface`);
      else interfaceUse.set(key, e.label);

      const monitor = side === "a" ? l.monitor_sid_a : l.monitor_sid_b;
      const ret = side === "a" ? l.return_sid_a : l.return_sid_b;
      inLocatorOf(self, e.label, `monitor_sid_${side}`, monitor);
      inLocatorOf(peer, e.label, `return_sid_${side}`, ret);
      claimSid(e.label, `monitor_sid_${side}`, monitor);

      // The return SID is the peer's End.X back over this link: it may be one
      // of the peer's declared adjacency SIDs, which must then agree with the link.
      const peerIface = side === "a" ? l.interface_b : l.interface_a;
      const peerNexthop = side === "a" ? l.peer_address_b : l.peer_address_a;
      const adj = adjacencyOf(peer, ret);
      if (adj) {
        if (adj.a.interface !== peerIface) add(e.label, `return_sid_${side}`, ret, `is adjacency_sids[${adj.index}] of router ${peer}, which leaves over ${adj.a.interface}; it must leave over the link's interface ${peerIface}`);
        else if (ok(e.label, side === "a" ? "peer_address_b" : "peer_address_a") && tryParseIpv6(adj.a.nexthop) !== tryParseIpv6(peerNexthop)) add(e.label, `return_sid_${side}`, ret, `is adjacency_sids[${adj.index}] of router ${peer}, whose nexthop ${adj.a.nexthop} is not the link's peer address ${peerNexthop}`);
      } else {
        claimSid(e.label, `return_sid_${side}`, ret);
      }
    }
  }

  // Adjacency SIDs over a protected link's interface must point at that link's peer.
  for (const e of input.routers) {
    (e.config.adjacency_sids ?? []).forEach((a, i) => {
      for (const l of input.links) {
        for (const side of ["a", "b"] as const) {
          const self = side === "a" ? l.config.router_a : l.config.router_b;
          const iface = side === "a" ? l.config.interface_a : l.config.interface_b;
          const peerAddr = side === "a" ? l.config.peer_address_a : l.config.peer_address_b;
          if (self === e.config.name && iface === a.interface && ok(e.label, `adjacency_sids[${i}].nexthop`) && ok(l.label, `peer_address_${side}`) && tryParseIpv6(peerAddr) !== tryParseIpv6(a.nexthop)) {
            add(e.label, `adjacency_sids[${i}].nexthop`, a.nexthop, `interface ${a.interface} is the protected link ${l.label}, whose peer address is ${peerAddr}; the End.X nexthop must be that address`);
          }
        }
      }
    });
  }

  // --- a SID is never one of the network's own addresses -------------------
  // The tunnel source (source_address, by default the locator's ::1, which the
  // lab also puts on lo) and the link addresses are the routers' own addresses:
  // a packet sent to one is delivered to the router, not processed as a SID.
  for (const r of routers.values()) {
    const c = r.e.config;
    if (r.locator) {
      const loopback = loopbackAddress(r.locator);
      const sid = sids.get(tryParseIpv6(loopback)!);
      if (sid) add(sid.label, sid.field, sid.value, `is ${loopback}, the locator's ::1, which is kept for the router's own address (its loopback, and the SRv6 source address when source_address is unset); a SID must not be it`);
    }
    if (c.source_address !== undefined) {
      const v = tryParseIpv6(c.source_address);
      const sid = v === undefined || !ok(r.e.label, "source_address") ? undefined : sids.get(v);
      if (sid) add(r.e.label, "source_address", c.source_address, `is also the SID ${sid.label}.${sid.field}: the SRv6 source address is the router's own address and must not be a SID`);
    }
  }
  for (const l of links.values()) {
    for (const side of ["a", "b"] as const) {
      const field = `peer_address_${side}`;
      const value = side === "a" ? l.config.peer_address_a : l.config.peer_address_b;
      const v = tryParseIpv6(value);
      const sid = v === undefined || !ok(l.label, field) ? undefined : sids.get(v);
      if (sid) add(l.label, field, value, `is also the SID ${sid.label}.${sid.field}: a link address is a router's own address and must not be a SID`);
    }
  }

  // What each SID is, for the segment lists: the SIDs the routers serve.
  const sidRoles = new Map<bigint, SidRole>();
  const role = (value: string, r: SidRole) => {
    const v = tryParseIpv6(value);
    if (v !== undefined && !sidRoles.has(v)) sidRoles.set(v, r);
  };
  for (const [name, r] of routers) {
    role(r.e.config.node_sid, { kind: "node", router: name, owner: `${r.e.label}.node_sid` });
    role(r.e.config.decap_sid, { kind: "decap", router: name, owner: `${r.e.label}.decap_sid` });
    (r.e.config.adjacency_sids ?? []).forEach((a, i) => role(a.sid, { kind: "adjacency", router: name, owner: `${r.e.label}.adjacency_sids[${i}].sid`, interface: a.interface }));
  }
  for (const l of links.values()) {
    const c = l.config;
    // return_sid_a is router b's End.X back over the link to a, and the other way round.
    role(c.return_sid_a, { kind: "return", router: c.router_b, owner: `${l.label}.return_sid_a`, interface: c.interface_b });
    role(c.return_sid_b, { kind: "return", router: c.router_a, owner: `${l.label}.return_sid_b`, interface: c.interface_a });
    role(c.monitor_sid_a, { kind: "monitor", router: c.router_a, owner: `${l.label}.monitor_sid_a` });
    role(c.monitor_sid_b, { kind: "monitor", router: c.router_b, owner: `${l.label}.monitor_sid_b` });
  }
  const invalidSids = new Set((input.invalidResourceSids ?? []).map(tryParseIpv6).filter((v): v is bigint => v !== undefined));
  const sidKind = { node: "node SID", decap: "decap SID", adjacency: "End.X SID", return: "End.X SID", monitor: "monitor SID" } as const;

  /** The segment rules of one policy: SIDs of routers, each once, and never across the link it protects. */
  const checkSegments = (e: Entity<BackupPolicyConfig>, link: Entity<ProtectedLinkConfig> | undefined) => {
    const p = e.config;
    const values = p.segments.map((seg) => tryParseIpv6(seg));
    const isEnd = link !== undefined && (p.router === link.config.router_a || p.router === link.config.router_b);
    const peer = !isEnd ? undefined : p.router === link!.config.router_a ? link!.config.router_b : link!.config.router_a;
    p.segments.forEach((seg, i) => {
      const field = `segments[${i}]`;
      const v = values[i];
      if (v === undefined || !ok(e.label, field)) return;
      const repeated = values.findIndex((w, j) => j < i && w === v);
      if (repeated >= 0) {
        add(e.label, field, seg, `repeats segments[${repeated}] (${p.segments[repeated]}): a backup path visits each SID once`);
        return;
      }
      const r = sidRoles.get(v);
      const last = i === p.segments.length - 1;
      // The last segment has a rule of its own (a decap SID of another router), below.
      if (!last && r === undefined) {
        if (!invalidSids.has(v)) add(e.label, field, seg, "is not a SID of any router: a backup segment must be the node_sid, the decap_sid or an End.X SID (an adjacency SID, or a link's return SID) of a declared srv6_router");
        return;
      }
      if (!last && r?.kind === "monitor") {
        add(e.label, field, seg, `is ${r.owner}, an End.BPF SID that only receives probes: a backup segment must be a node, decap or End.X SID`);
        return;
      }
      if (!isEnd || r === undefined) return;
      const c = link!.config;
      const overTheLink = (r.kind === "adjacency" || r.kind === "return") &&
        ((r.router === c.router_a && r.interface === c.interface_a) || (r.router === c.router_b && r.interface === c.interface_b));
      if (overTheLink) {
        add(e.label, field, seg, `is ${r.owner}, the End.X SID of router ${r.router} over ${r.interface}, which is the protected link ${c.name}: the backup path must not cross the link it protects`);
      } else if (i === 0 && (r.kind === "node" || r.kind === "decap") && r.router === peer) {
        add(e.label, field, seg, `is the ${sidKind[r.kind]} of router ${peer}, the other end of the protected link ${c.name}: the route from ${p.router} to it is that link, so the backup path would take the failed link; the first segment must lead around it (e.g. the node SID of another neighbour)`);
      }
    });
  };

  // --- backup policies ---------------------------------------------------
  /** The rules of one protected prefix on its own; the parsed prefix when it passes them. */
  const checkProtectedPrefix = (label: string, field: string, text: string): CheckedIpv6Prefix | undefined => {
    const prefix = tryParseIpv6Prefix(text);
    if (!prefix) add(label, field, text, "must be an IPv6 prefix address/length with length 0..128");
    else if (prefix.hostBitsSet) add(label, field, text, "has host bits set: write the network address of the prefix");
    else if (prefix.length < LIMITS.protected_prefix_length.minimum) {
      add(label, field, text, `is a /${prefix.length}: a protected prefix must be /${LIMITS.protected_prefix_length.minimum} or longer (it is installed as a route over the protected link and would take over the router's routes to everything it covers; a default route cannot be protected)`);
    } else if (specialRangeOverlapping(prefix)) {
      add(label, field, text, `${specialRangeOverlapping(prefix)!.overlap}: a protected prefix must be routable unicast destinations, global or unique local`);
    } else {
      const r = withLocators.find((x) => prefixesOverlap(x.locator!, prefix));
      if (!r) return prefix;
      add(label, field, text, `overlaps the locator ${r.e.config.locator} of ${r.e.label}: locators hold SIDs, a protected prefix must lie outside every locator`);
    }
    return undefined;
  };

  const decapSids = new Map<bigint, string>();
  for (const e of input.routers) {
    const v = tryParseIpv6(e.config.decap_sid);
    if (v !== undefined) decapSids.set(v, e.config.name);
  }
  for (const sid of input.invalidRouterDecapSids) {
    const v = tryParseIpv6(sid);
    if (v !== undefined && !decapSids.has(v)) decapSids.set(v, "(invalid router)");
  }
  /** Each router's protected prefixes, for the disjointness rule after the loop. */
  const prefixesByRouter = new Map<string, ProtectedPrefixAt[]>();
  for (const e of input.policies) {
    const p = e.config;
    if (!routerExists(p.router)) add(e.label, "router", p.router, `unknown router: no srv6_router named '${p.router}' (known: ${knownRouters()})`);
    if (p.destination !== undefined && !routerExists(p.destination)) add(e.label, "destination", p.destination, `unknown router: no srv6_router named '${p.destination}' (known: ${knownRouters()})`);
    const link = links.get(p.link);
    if (!link && !input.invalidLinkNames.has(p.link)) add(e.label, "link", p.link, `unknown link: no srv6_protected_link named '${p.link}' (known: ${[...links.keys()].join(", ") || "(none)"})`);
    if (link && p.router !== link.config.router_a && p.router !== link.config.router_b) {
      add(e.label, "router", p.router, `must be an end of link ${p.link} (${link.config.router_a} or ${link.config.router_b})`);
    }
    const mine = prefixesByRouter.get(p.router) ?? [];
    prefixesByRouter.set(p.router, mine);
    p.prefixes.forEach((text, i) => {
      const prefix = checkProtectedPrefix(e.label, `prefixes[${i}]`, text);
      if (prefix) mine.push({ e, index: i, text, prefix });
    });
    p.segments.forEach((seg, i) => usable(e.label, `segments[${i}]`, seg, "segment"));
    checkSegments(e, link);
    if (p.segments.length === 0) add(e.label, "segments", p.segments, "must list at least one segment");
    else if (ok(e.label, `segments[${p.segments.length - 1}]`) && !issues.some((i) => i.resource === e.label && i.field === `segments[${p.segments.length - 1}]`)) {
      const last = p.segments[p.segments.length - 1];
      const owner = decapSids.get(tryParseIpv6(last) ?? -1n);
      if (owner === undefined) add(e.label, `segments[${p.segments.length - 1}]`, last, `the last segment must be the decap_sid (End.DT6) of a router; known decap SIDs: ${input.routers.map((r) => r.config.decap_sid).join(", ") || "(none)"}`);
      else if (owner === p.router) add(e.label, `segments[${p.segments.length - 1}]`, last, `is router ${p.router}'s own decap SID: the backup path must end on another router`);
      else if (p.destination !== undefined && routers.has(p.destination) && owner !== p.destination && routers.has(owner)) {
        add(e.label, `segments[${p.segments.length - 1}]`, last, `is the decap SID of router ${owner}, but the policy's destination is ${p.destination}: the backup path must end on the router the prefixes lie behind (its decap_sid ${routers.get(p.destination)!.e.config.decap_sid})`);
      }
    }
  }

  // Protected prefixes on one router must be disjoint, across its policies and within each:
  // sorted and swept (model/ipv6.ts prefixOverlaps), since a router may protect thousands.
  for (const [router, list] of prefixesByRouter) {
    if (list.length > LIMITS.protectedPrefixesPerRouter) {
      const last = list[list.length - 1]!;
      add(last.e.label, "prefixes", `${list.length} prefixes`, `router ${router} would protect ${list.length} prefixes across its policies; one router holds at most ${LIMITS.protectedPrefixesPerRouter} (the size of its backup map)`);
    }
    for (const { item, other } of prefixOverlaps(list, (x) => x.prefix)) {
      const overlap = (a: ProtectedPrefixAt, b: ProtectedPrefixAt) => {
        const where = b.e === a.e ? "of this policy" : `of ${b.e.label}`;
        add(a.e.label, `prefixes[${a.index}]`, a.text, `overlaps prefixes[${b.index}] = ${b.text} ${where} on router ${router}; protected prefixes on one router must be disjoint`);
      };
      overlap(item, other);
      // Across two policies either may be the one to fix, and the order they
      // arrive in differs by path (a stack file, tofu's resources): name both.
      if (other.e !== item.e) overlap(other, item);
    }
  }
  return issues;
}

/** One protected prefix of a policy, where the disjointness rule finds it. */
interface ProtectedPrefixAt {
  readonly e: Entity<BackupPolicyConfig>;
  readonly index: number;
  readonly text: string;
  readonly prefix: CheckedIpv6Prefix;
}
