/**
 * The protection plan of a whole network, computed from a plain description:
 * SIDs of every router, the protected links, and one backup policy per
 * (protected link end, destination router whose traffic crosses that link)
 * with the prefixes behind that router, plus every
 * whole-topology problem found. Pure: the constructs turn the result into
 * resources, the tests check it directly.
 */
import type { AdjacencySid } from "../../model/schema";
import { LIMITS } from "../../model/schema";
import { formatPrefix, parseIpv6, parseIpv6Prefix, prefixContains, prefixesOverlap, prefixOverlaps, sortedPrefixes, type Ipv6Prefix } from "../../model/ipv6";
import type { TopologyProblem } from "../errors";
import { shortestGraphPath, type Graph } from "../../model/spf";
import { affectedDestinations, backupPath, failedElements, type ProtectionMode, type Segment } from "./ti-lfa";
import * as layout from "../../model/sid-layout";
import { backupPolicyName } from "./names";

export interface RouterSpec {
  readonly name: string;
  /** Canonical prefix text. */
  readonly locator: string;
  /** Prefixes behind this router, canonical text. */
  readonly prefixes: readonly string[];
  /** Overrides of the layout's node and decap SIDs. */
  readonly nodeSid?: string;
  readonly decapSid?: string;
}

export interface LinkSpec {
  readonly name: string;
  /** 1-based declaration order: the link's function number in the SID layout. */
  readonly number: number;
  readonly routerA: string;
  readonly interfaceA: string;
  /** Router a's address on the link (no prefix length). */
  readonly addressA: string;
  readonly routerB: string;
  readonly interfaceB: string;
  readonly addressB: string;
  readonly metric: number;
  /** Shared risk link groups the link belongs to. */
  readonly srlgs?: readonly string[];
}

export interface ProtectionSpec {
  readonly link: string;
  readonly probeIntervalMs: number;
  readonly multiplier: number;
  readonly holdDownMs: number;
  readonly backupProbeIntervalMs?: number;
  /** @default "link" */
  readonly protection?: ProtectionMode;
  /** @default false */
  readonly allowPartialCoverage?: boolean;
}

export interface NetworkSpec {
  readonly routers: readonly RouterSpec[];
  readonly links: readonly LinkSpec[];
  readonly protections: readonly ProtectionSpec[];
}

export interface RouterPlan {
  readonly name: string;
  readonly nodeSid: string;
  readonly decapSid: string;
  /** End.X SIDs used by probes or backup paths, in link order. */
  readonly adjacencySids: AdjacencySid[];
}

export interface LinkEndPlan {
  readonly router: string;
  readonly interface: string;
  /** The other end's address (next hop of this end's probes). */
  readonly peerAddress: string;
  readonly monitorSid: string;
  /** The other end's End.X SID pointing back over the link. */
  readonly returnSid: string;
}

export interface ProtectedLinkPlan {
  readonly name: string;
  readonly a: LinkEndPlan;
  readonly b: LinkEndPlan;
  readonly probeIntervalMs: number;
  readonly multiplier: number;
  readonly holdDownMs: number;
  readonly backupProbeIntervalMs?: number;
}

export interface BackupPolicyPlan {
  readonly name: string;
  readonly router: string;
  readonly link: string;
  /** Every prefix behind `destination`, canonical, in address order (model/ipv6.ts sortedPrefixes). */
  readonly prefixes: string[];
  /** The router owning the prefixes, where the last segment decapsulates. */
  readonly destination: string;
  readonly segments: string[];
  /** The same list, symbolically (for tests and explanations). */
  readonly path: Segment[];
  /** Routers the traffic crosses while the link is down, `router` first. */
  readonly via: string[];
  /** What the backup avoids: the protection mode it meets (`link` where a node or SRLG backup was impossible and partial coverage allowed, or for traffic to the neighbour itself). */
  readonly protects: ProtectionMode;
}

export interface NetworkPlan {
  readonly problems: TopologyProblem[];
  readonly routers: RouterPlan[];
  readonly links: ProtectedLinkPlan[];
  readonly policies: BackupPolicyPlan[];
}

export function graphOf(spec: NetworkSpec): Graph {
  return {
    nodes: spec.routers.map((r) => r.name),
    links: spec.links.map((l) => ({ a: l.routerA, b: l.routerB, metric: l.metric, id: l.name })),
  };
}

export function planNetwork(spec: NetworkSpec): NetworkPlan {
  const problems: TopologyProblem[] = [];
  const problem = (kind: TopologyProblem["kind"], subject: string, message: string): void => {
    problems.push({ kind, subject, message: `${subject}: ${message}` });
  };
  const locators = new Map(spec.routers.map((r) => [r.name, parseIpv6Prefix(r.locator)]));
  const linkByName = new Map(spec.links.map((l) => [l.name, l]));

  checkAddressing(spec, locators, problem);

  // Which End.X SIDs exist: both ends of every protected link (probes return
  // over them), plus any a backup path uses.
  const usedAdjacencies = new Set<string>(); // `${router}|${link}`
  for (const p of spec.protections) {
    const link = linkByName.get(p.link)!;
    usedAdjacencies.add(`${link.routerA}|${link.name}`);
    usedAdjacencies.add(`${link.routerB}|${link.name}`);
  }

  const graph = graphOf(spec);
  checkReachability(spec, graph, problem);

  const nodeSidOf = (r: RouterSpec): string => r.nodeSid ?? layout.nodeSid(locators.get(r.name)!);
  const decapSidOf = (r: RouterSpec): string => r.decapSid ?? layout.decapSid(locators.get(r.name)!);
  const routerByName = new Map(spec.routers.map((r) => [r.name, r]));
  const linkNumber = (name: string): number => linkByName.get(name)!.number;
  const srlgsOf = (name: string): readonly string[] => linkByName.get(name)?.srlgs ?? [];
  const sidOf = (s: Segment): string => {
    const router = routerByName.get(s.router)!;
    if (s.kind === "node") return nodeSidOf(router);
    if (s.kind === "decap") return decapSidOf(router);
    return layout.adjacencySid(locators.get(s.router)!, linkNumber(s.link));
  };

  const links: ProtectedLinkPlan[] = [];
  const policies: BackupPolicyPlan[] = [];
  for (const protection of spec.protections) {
    const link = linkByName.get(protection.link)!;
    const subject = `link "${link.name}"`;
    if (link.number > layout.MAX_LINK_NUMBER) {
      problem("too-many-links", subject, `is link number ${link.number}; the SID layout numbers links 1..${layout.MAX_LINK_NUMBER}. Protect it in a separate network or declare fewer links.`);
      continue;
    }
    if (shortestGraphPath(graph, link.routerA, link.routerB, { excludeLink: link.name }) === undefined) {
      problem("bridge-link", subject,
        `has no backup path: it is the only connection between "${link.routerA}" and "${link.routerB}" (a bridge of the graph), so no SRv6 path can avoid it. Add a second path between them, or do not protect this link (protectAll({ skipBridges: true }) skips such links).`);
      continue;
    }
    const locA = locators.get(link.routerA)!;
    const locB = locators.get(link.routerB)!;
    links.push({
      name: link.name,
      a: { router: link.routerA, interface: link.interfaceA, peerAddress: link.addressB, monitorSid: layout.monitorSid(locA, link.number), returnSid: layout.adjacencySid(locB, link.number) },
      b: { router: link.routerB, interface: link.interfaceB, peerAddress: link.addressA, monitorSid: layout.monitorSid(locB, link.number), returnSid: layout.adjacencySid(locA, link.number) },
      probeIntervalMs: protection.probeIntervalMs,
      multiplier: protection.multiplier,
      holdDownMs: protection.holdDownMs,
      ...(protection.backupProbeIntervalMs !== undefined ? { backupProbeIntervalMs: protection.backupProbeIntervalMs } : {}),
    });
    const mode = protection.protection ?? "link";
    for (const plr of [link.routerA, link.routerB]) {
      const destinations = new Set(affectedDestinations(graph, plr, link.name));
      for (const owner of spec.routers) {
        if (!destinations.has(owner.name)) continue;
        const failed = failedElements(graph, plr, link.name, owner.name, mode, srlgsOf);
        let backup = backupPath(graph, plr, link.name, owner.name, failed);
        // Traffic to the neighbour itself keeps link protection in node mode.
        let protects: ProtectionMode = mode === "node" && failed.nodes.length === 0 ? "link" : mode;
        if (backup === undefined && mode !== "link") {
          if (!protection.allowPartialCoverage && owner.prefixes.length > 0) {
            problem("uncovered", subject,
              `${mode} protection: no path from ${plr} to ${owner.name} avoids ${describeFailed(failed)}, so the traffic from ${plr} to ${owner.name} cannot be protected in this mode. Add a path around them, protect this link with protection: "link", or set allowPartialCoverage: true to fall back to link protection for such pairs.`);
            continue;
          }
          backup = backupPath(graph, plr, link.name, owner.name);
          protects = "link";
        }
        // Not a bridge (checked above), so every destination stays reachable around the link itself.
        if (backup === undefined) throw new Error(`internal: no backup path from ${plr} to ${owner.name} around link ${link.name}`);
        if (backup.segments.length > LIMITS.segments.maxItems) {
          problem("too-many-segments", subject,
            `the backup path from ${plr} to ${owner.name} (${backup.postConvergence.nodes.join(" -> ")}) needs ${backup.segments.length} segments; at most ${LIMITS.segments.maxItems} fit. Adjust metrics so the post-convergence path follows normal shortest paths more closely.`);
          continue;
        }
        for (const s of backup.segments) if (s.kind === "adjacency") usedAdjacencies.add(`${s.router}|${s.link}`);
        // One policy per destination router, with all of its prefixes: the backup path depends on the router only.
        if (owner.prefixes.length === 0) continue;
        policies.push({
          name: backupPolicyName(link.name, plr, owner.name),
          router: plr,
          link: link.name,
          prefixes: sortedPrefixes(owner.prefixes),
          destination: owner.name,
          segments: backup.segments.map(sidOf),
          path: backup.segments,
          via: backup.postConvergence.nodes,
          protects,
        });
      }
    }
  }

  const routers: RouterPlan[] = spec.routers.map((r) => ({
    name: r.name,
    nodeSid: nodeSidOf(r),
    decapSid: decapSidOf(r),
    adjacencySids: spec.links
      .filter((l) => usedAdjacencies.has(`${r.name}|${l.name}`) && l.number <= layout.MAX_LINK_NUMBER)
      .map((l) => {
        const atA = l.routerA === r.name;
        return { sid: layout.adjacencySid(locators.get(r.name)!, l.number), interface: atA ? l.interfaceA : l.interfaceB, nexthop: atA ? l.addressB : l.addressA };
      }),
  }));
  checkSids(spec, locators, routers, links, problem);
  return { problems, routers, links, policies };
}

function describeFailed(failed: { links: readonly string[]; nodes: readonly string[] }): string {
  const nodes = failed.nodes.map((n) => `router "${n}"`);
  const links = failed.links.map((l) => `link "${l}"`);
  return [...nodes, ...links].join(", ");
}

type Report = (kind: TopologyProblem["kind"], subject: string, message: string) => void;

/** Locators, prefixes, interfaces and link addresses must not clash. */
function checkAddressing(spec: NetworkSpec, locators: Map<string, Ipv6Prefix>, problem: Report): void {
  const routers = spec.routers;
  for (let i = 0; i < routers.length; i++) {
    for (let j = i + 1; j < routers.length; j++) {
      const [x, y] = [routers[i]!, routers[j]!];
      if (prefixesOverlap(locators.get(x.name)!, locators.get(y.name)!)) {
        problem("locator-overlap", `router "${y.name}"`,
          `locator ${y.locator} overlaps router "${x.name}"'s locator ${x.locator}; every router needs its own locator (e.g. fc00:0:N::/48 for router N).`);
      }
    }
  }
  const prefixes = routers.flatMap((r) => r.prefixes.map((p) => ({ router: r.name, text: p, prefix: parseIpv6Prefix(p) })));
  for (const p of prefixes) {
    for (const r of routers) {
      if (prefixesOverlap(p.prefix, locators.get(r.name)!)) {
        problem("locator-overlap", `prefix ${p.text}`,
          `(behind router "${p.router}") overlaps router "${r.name}"'s locator ${r.locator}; locators must be reserved for SIDs. Choose a prefix outside every locator.`);
      }
    }
  }
  // Sorted and swept, not pairwise: a network may carry tens of thousands of prefixes.
  for (const { item: q, other: p } of prefixOverlaps(prefixes, (x) => x.prefix)) {
    problem("prefix-overlap", `prefix ${q.text}`,
      `(behind router "${q.router}") overlaps prefix ${p.text} behind router "${p.router}"; each destination must have one owner. Remove one of them or split them.`);
  }
  const interfaces = new Map<string, string>();
  const addresses = new Map<string, string>();
  for (const l of spec.links) {
    for (const [router, ifname, address] of [[l.routerA, l.interfaceA, l.addressA], [l.routerB, l.interfaceB, l.addressB]] as const) {
      const key = `${router}|${ifname}`;
      const other = interfaces.get(key);
      if (other !== undefined) {
        problem("interface-reused", `router "${router}"`,
          `interface "${ifname}" is used by link "${other}" and by link "${l.name}"; a point-to-point link needs its own interface on each router. Give link "${l.name}" another interface.`);
      } else {
        interfaces.set(key, l.name);
      }
      const canonical = parseIpv6(address).toString();
      const owner = addresses.get(canonical);
      if (owner !== undefined) {
        problem("address-reused", `link "${l.name}"`, `address ${address} on router "${router}" is already used on ${owner}; every interface needs its own address.`);
      } else {
        addresses.set(canonical, `router "${router}" interface "${ifname}"`);
      }
    }
  }
}

/** Every router must reach every prefix's owner on the normal routing. */
function checkReachability(spec: NetworkSpec, graph: Graph, problem: Report): void {
  for (const owner of spec.routers) {
    if (owner.prefixes.length === 0) continue;
    const cut = spec.routers.filter((r) => r.name !== owner.name && shortestGraphPath(graph, r.name, owner.name) === undefined).map((r) => r.name);
    if (cut.length === 0) continue;
    for (const prefix of owner.prefixes) {
      problem("prefix-unreachable", `prefix ${prefix}`,
        `(behind router "${owner.name}") cannot be reached from router(s) ${cut.map((c) => `"${c}"`).join(", ")}: no chain of links joins them. Add a link, or move the prefix.`);
    }
  }
}

/**
 * SIDs must be unique network-wide, lie in their router's locator, and be
 * neither the locator's ::1 (the loopback and tunnel source) nor a link address.
 */
function checkSids(spec: NetworkSpec, locators: Map<string, Ipv6Prefix>, routers: RouterPlan[], links: ProtectedLinkPlan[], problem: Report): void {
  const owners = new Map<string, string>();
  const linkAddresses = new Map<string, string>();
  for (const l of spec.links) {
    linkAddresses.set(parseIpv6(l.addressA).toString(), `the address of router "${l.routerA}" on link "${l.name}"`);
    linkAddresses.set(parseIpv6(l.addressB).toString(), `the address of router "${l.routerB}" on link "${l.name}"`);
  }
  const claim = (router: string, role: string, sid: string): void => {
    const subject = `router "${router}"`;
    const value = parseIpv6(sid);
    const locator = locators.get(router)!;
    if (!prefixContains(locator, value)) {
      problem("sid-outside-locator", subject, `${role} ${sid} is outside its locator ${formatPrefix(locator)}; every SID of a router must lie inside its locator so the other routers route it there.`);
    }
    if (value === parseIpv6(layout.loopbackAddress(locator))) {
      problem("sid-collision", subject, `${role} ${sid} is the locator's ::1, the router's loopback and SRv6 tunnel source; pick another SID (the default layout never uses it).`);
    }
    const key = value.toString();
    const linkAddress = linkAddresses.get(key);
    if (linkAddress !== undefined) problem("sid-collision", subject, `${role} ${sid} is also ${linkAddress}; pick another SID.`);
    const previous = owners.get(key);
    if (previous !== undefined) {
      problem("sid-collision", subject, `${role} ${sid} is also ${previous}; every SID must be unique. Remove the explicit SID override, or choose a value outside the layout's ranges (see docs/constructs.md).`);
    } else {
      owners.set(key, `the ${role} of router "${router}"`);
    }
  };
  for (const r of routers) {
    claim(r.name, "node SID", r.nodeSid);
    claim(r.name, "decap SID", r.decapSid);
    for (const adj of r.adjacencySids) claim(r.name, `End.X SID (interface ${adj.interface})`, adj.sid);
  }
  for (const l of links) {
    claim(l.a.router, `monitor SID of link "${l.name}"`, l.a.monitorSid);
    claim(l.b.router, `monitor SID of link "${l.name}"`, l.b.monitorSid);
  }
}
