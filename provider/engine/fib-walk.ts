/**
 * Backup paths walked on the routers' real FIBs. A probe proves a backup
 * works now; it cannot prove that the backup avoids the link it protects:
 * on the real routing (equal-cost branches, a metric changed by hand, a tie
 * broken differently from our shortest-path rule) a segment can lead
 * straight back over the protected link, and that backup dies exactly when
 * it is needed. So every segment list is followed hop by hop through each
 * router's own forwarding choice for the segment (every equal-cost branch),
 * and each hop that crosses the protected link is reported.
 */
import { canonicalIpv6 } from "../../model/ipv6";
import type { KernelRoute } from "../observe/routes";

/** The two ends of a protected link. */
export interface DesiredLinkLike {
  readonly name: string;
  readonly router_a: string;
  readonly interface_a: string;
  readonly router_b: string;
  readonly interface_b: string;
}

/** What one router forwards an address to: its best main-table routes, or "local". */
export interface RouterFib {
  readonly router: string;
  /**
   * This router's SIDs as the desired state declares them (what an apply
   * installs): they stand in for the FIB's entry, so a plan before the first
   * apply walks the same way as one after it. A SID missing on the router is
   * plain drift, and its probes tell.
   */
  readonly sids: ReadonlyMap<string, KernelRoute>;
  readonly lookup: ReadonlyMap<string, readonly KernelRoute[] | "local">;
  /** Global and link-local addresses of this router's interfaces (an IGP's next hop is often the neighbour's link-local). */
  readonly addresses: ReadonlyMap<string, string>;
}

export interface FibCrossing {
  /** The router whose forwarding choice crosses the link. */
  readonly router: string;
  /** 0-based index of the segment the packet was heading for. */
  readonly segmentIndex: number;
  readonly segment: string;
  readonly nexthop: string;
  readonly dev: string;
}

export interface FibWalkResult {
  readonly policy: string;
  readonly router: string;
  readonly link: string;
  /** Hops that cross the protected link, on any branch. */
  readonly crossings: readonly FibCrossing[];
  /** Where the walk could not go on (no route, a router we do not observe, a loop). */
  readonly problems: readonly string[];
}

const MAX_HOPS = 64;

/** The SIDs of every router of the state, as seg6local routes by router and canonical address. */
export function desiredSids(
  routers: readonly { name: string; node_sid: string; decap_sid: string; adjacency_sids?: readonly { sid: string; interface: string; nexthop: string }[] | null }[],
  links: readonly (DesiredLinkLike & { return_sid_a: string; return_sid_b: string; peer_address_a: string; peer_address_b: string })[],
): Map<string, Map<string, KernelRoute>> {
  const out = new Map<string, Map<string, KernelRoute>>();
  const put = (router: string, sid: string, action: string, extra: { nh6?: string; dev?: string } = {}) => {
    if (!out.has(router)) out.set(router, new Map());
    out.get(router)!.set(canonicalIpv6(sid), {
      dst: `${canonicalIpv6(sid)}/128`, type: "unicast", protocol: "desired", flags: [], ...(extra.dev ? { dev: extra.dev } : {}),
      encap: { type: "seg6local", action, ...(extra.nh6 ? { nh6: canonicalIpv6(extra.nh6) } : {}) },
    });
  };
  for (const r of routers) {
    put(r.name, r.node_sid, "End");
    put(r.name, r.decap_sid, "End.DT6");
    for (const a of r.adjacency_sids ?? []) put(r.name, a.sid, "End.X", { nh6: a.nexthop, dev: a.interface });
  }
  // A link's return SID of end a is an End.X on b, back over the link (and symmetrically).
  for (const l of links) {
    put(l.router_b, l.return_sid_a, "End.X", { nh6: l.peer_address_b, dev: l.interface_b });
    put(l.router_a, l.return_sid_b, "End.X", { nh6: l.peer_address_a, dev: l.interface_a });
  }
  return out;
}

/** Follows `segments` from `start` on every branch; `protectedHop` says whether a hop (router, dev) is the protected link. */
export function walkBackup(
  policy: { name: string; router: string; link: string; segments: readonly string[] },
  link: DesiredLinkLike,
  fibs: ReadonlyMap<string, RouterFib>,
): FibWalkResult {
  const crossings: FibCrossing[] = [];
  const problems = new Set<string>();
  const owner = new Map<string, string>();
  // A link-local address is only unique on its link; one that two routers hold (fe80::1 set by hand) names neither.
  const shared = new Set<string>();
  for (const f of fibs.values()) {
    for (const a of f.addresses.keys()) {
      const key = canonicalIpv6(a);
      const prior = owner.get(key);
      if (prior !== undefined && prior !== f.router) shared.add(key);
      owner.set(key, f.router);
    }
  }
  const crosses = (router: string, dev: string | undefined) =>
    (router === link.router_a && dev === link.interface_a) || (router === link.router_b && dev === link.interface_b);
  const segments = policy.segments.map(canonicalIpv6);
  const seen = new Set<string>();
  const queue: { router: string; index: number; hops: number }[] = [{ router: policy.router, index: 0, hops: 0 }];
  while (queue.length) {
    const at = queue.shift()!;
    const key = `${at.router} ${at.index}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (at.hops > MAX_HOPS) { problems.add(`more than ${MAX_HOPS} hops: a forwarding loop near ${at.router}`); continue; }
    const fib = fibs.get(at.router);
    const segment = segments[at.index]!;
    if (!fib) { problems.add(`${at.router} is not observed: cannot follow segment ${at.index + 1} (${segment}) past it`); continue; }
    const own = fib.sids.get(segment);
    const routes = own ? [own] : fib.lookup.get(segment);
    if (routes === undefined || routes === "local" || routes.length === 0) {
      problems.add(routes === "local" ? `${at.router} delivers segment ${at.index + 1} (${segment}) locally instead of processing it as a SID`
        : `${at.router} has no route to segment ${at.index + 1} (${segment})`);
      continue;
    }
    const hop = (dev: string | undefined, via: string | undefined, index: number) => {
      // Past a crossing the branch is dead when it matters: report it and follow it no further.
      if (crosses(at.router, dev)) { crossings.push({ router: at.router, segmentIndex: at.index, segment, nexthop: via ?? "(direct)", dev: dev ?? "?" }); return; }
      const next = via ? owner.get(canonicalIpv6(via)) : undefined;
      if (!via) { problems.add(`${at.router} sends segment ${at.index + 1} (${segment}) out of ${dev} with no gateway: cannot tell the next router`); return; }
      if (shared.has(canonicalIpv6(via))) { problems.add(`${at.router}: next hop ${via} (dev ${dev}) for segment ${at.index + 1} is an address several observed routers hold: cannot tell the next router`); return; }
      if (!next) { problems.add(`${at.router}: next hop ${via} (dev ${dev}) for segment ${at.index + 1} is no observed router's address`); return; }
      queue.push({ router: next, index, hops: at.hops + 1 });
    };
    for (const r of routes) {
      if (r.encap.type === "seg6local") {
        const last = at.index === segments.length - 1;
        if (r.encap.action === "End.DT6" || r.encap.action === "End.DT46") {
          if (!last) problems.add(`${at.router} decapsulates at segment ${at.index + 1} (${segment}) before the list ends`);
          continue;
        }
        if (last) { problems.add(`the last segment (${segment}) is ${r.encap.action} on ${at.router}, not a decapsulation`); continue; }
        if (r.encap.action === "End") queue.push({ router: at.router, index: at.index + 1, hops: at.hops });
        else if (r.encap.action === "End.X") hop(r.dev, r.encap.nh6, at.index + 1);
        else problems.add(`segment ${at.index + 1} (${segment}) is ${r.encap.action} on ${at.router}: not followed`);
        continue;
      }
      if (r.type !== "unicast") { problems.add(`${at.router} has a ${r.type} route to segment ${at.index + 1} (${segment})`); continue; }
      if (r.nexthops?.length) for (const n of r.nexthops) hop(n.dev, n.gateway, at.index);
      else hop(r.dev, r.gateway, at.index);
    }
  }
  return { policy: policy.name, router: policy.router, link: policy.link, crossings, problems: [...problems] };
}
