/**
 * Where a backup policy's traffic goes: each segment mapped back to its
 * router (by locator) and, when the picture has every link with its metric,
 * the hops between segments as the routers will forward them: on the
 * pre-failure shortest paths of model/spf.ts, the same rules the
 * backup paths were computed with.
 */
import type { DesiredPolicy, DesiredState } from "../state";
import { shortestGraphPath, type Graph } from "../../model/spf";
import { parseIpv6, parseIpv6Prefix, prefixContains } from "../../model/ipv6";
import { addressOwner, routerOfAddress, type NetworkModel, type PictureLink } from "./model";
import { GraphInputError } from "./errors";

export type SegmentKind = "node" | "decap" | "adjacency" | "other";

export interface ResolvedSegment {
  readonly sid: string;
  /** Router whose locator holds the SID (where the segment is processed). */
  readonly router: string;
  readonly kind: SegmentKind;
  /** For an adjacency SID: the neighbour it forwards to, over `link`. */
  readonly neighbour?: string;
  readonly link?: string;
}

/** One hop of the drawn path. */
export interface PathHop {
  readonly from: string;
  readonly to: string;
  /** Link id; absent for a segment-to-segment jump drawn without a full topology. */
  readonly link?: string;
}

export interface BackupPath {
  readonly policy: string;
  readonly router: string;
  /** The policy's prefixes, canonical and sorted. */
  readonly prefixes: readonly string[];
  /** The router they lie behind, when the policy names it. */
  readonly destination?: string;
  readonly segments: ResolvedSegment[];
  /** Hops from the policy's router to the last segment. */
  readonly hops: PathHop[];
  /** Hops after decapsulation to each host owning one of the prefixes (topology only). */
  readonly delivery: PathHop[];
  /** True when hops follow real links (topology given), false for segment jumps. */
  readonly hopByHop: boolean;
  /** Hop by hop only: the path crosses the very link it protects (a broken backup). */
  readonly crossesProtectedLink: boolean;
}

function resolveSegment(state: DesiredState, model: NetworkModel, policy: DesiredPolicy, index: number): ResolvedSegment {
  const sid = policy.segments[index]!;
  const router = routerOfAddress(model, sid);
  if (!router) {
    throw new GraphInputError(`srv6_backup_policy.${policy.name}`, `segments[${index}]`, sid, "lies in no router's locator");
  }
  const r = state.routers.find((x) => x.name === router);
  const same = (a: string) => parseIpv6(a) === parseIpv6(sid);
  if (!r) return { sid, router, kind: "other" };
  if (same(r.node_sid)) return { sid, router, kind: "node" };
  if (same(r.decap_sid)) return { sid, router, kind: "decap" };
  const adj = r.adjacency_sids.find((a) => same(a.sid));
  if (!adj) return { sid, router, kind: "other" };
  const link = model.links.find((l) => (l.a === router && l.interfaceA === adj.interface) || (l.b === router && l.interfaceB === adj.interface));
  const neighbour = addressOwner(model, adj.nexthop) ?? (link ? (link.a === router ? link.b : link.a) : undefined);
  return { sid, router, kind: "adjacency", neighbour, link: link?.id };
}

function spfGraph(model: NetworkModel): Graph {
  return { nodes: model.routers.map((r) => r.name), links: model.links.map((l: PictureLink) => ({ id: l.id, a: l.a, b: l.b, metric: l.metric ?? 1 })) };
}

function routeHops(graph: Graph, from: string, to: string, policy: DesiredPolicy): PathHop[] {
  const path = shortestGraphPath(graph, from, to);
  if (!path) throw new GraphInputError(`srv6_backup_policy.${policy.name}`, "segments", policy.segments, `no path from ${from} to ${to} in the topology`);
  return path.links.map((l, i) => ({ from: path.nodes[i]!, to: path.nodes[i + 1]!, link: l.id }));
}

/** From where the packet is decapsulated to every host that owns one of the policy's prefixes, each hop once. */
function deliveryHops(graph: Graph, model: NetworkModel, from: string, policy: DesiredPolicy): PathHop[] {
  const networks = policy.prefixes.map((p) => parseIpv6Prefix(p).network);
  const hosts = model.hosts.filter((h) => {
    const owned = parseIpv6Prefix(h.prefix);
    return networks.some((n) => prefixContains(owned, n));
  });
  const hops = new Map<string, PathHop>();
  for (const host of hosts) {
    for (const hop of [...routeHops(graph, from, host.router, policy), { from: host.router, to: host.name }]) hops.set(`${hop.from}>${hop.to}`, hop);
  }
  return [...hops.values()];
}

/** The prefixes of a path as a legend line says them: all of a few, else the first two and a count. */
export function prefixSummary(path: Pick<BackupPath, "prefixes" | "destination">): string {
  const { prefixes, destination } = path;
  const listed = prefixes.length <= 3 ? prefixes.join(", ") : `${prefixes.slice(0, 2).join(", ")} and ${prefixes.length - 2} more`;
  return destination === undefined ? listed : `${listed} (behind ${destination})`;
}

/** The backup paths of every policy protecting `linkName`, in policy name order. */
export function backupPaths(state: DesiredState, model: NetworkModel, linkName: string): BackupPath[] {
  const graph = spfGraph(model);
  const hopByHop = model.source === "topology";
  const protectedLinkId = model.links.find((l) => l.protectedBy === linkName)?.id;
  const policies = state.policies.filter((p) => p.link === linkName).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return policies.map((policy) => {
    const segments = policy.segments.map((_, i) => resolveSegment(state, model, policy, i));
    const hops: PathHop[] = [];
    let here = policy.router;
    for (const seg of segments) {
      if (hopByHop) hops.push(...routeHops(graph, here, seg.router, policy));
      else if (here !== seg.router) hops.push({ from: here, to: seg.router });
      here = seg.router;
      if (seg.kind === "adjacency" && seg.neighbour) {
        hops.push({ from: here, to: seg.neighbour, link: seg.link });
        here = seg.neighbour;
      }
    }
    const delivery = hopByHop ? deliveryHops(graph, model, here, policy) : [];
    const crossesProtectedLink = hopByHop && [...hops, ...delivery].some((h) => h.link !== undefined && h.link === protectedLinkId);
    return {
      policy: policy.name, router: policy.router, prefixes: policy.prefixes, ...(policy.destination !== undefined ? { destination: policy.destination } : {}),
      segments, hops, delivery, hopByHop, crossesProtectedLink,
    };
  });
}
