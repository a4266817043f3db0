/**
 * TI-LFA-style backup paths for one failed link, seen from the router at one
 * of its ends (the point of local repair, PLR).
 *
 * While link A-B is down only A knows; every other router still forwards on
 * the pre-failure shortest paths. The backup therefore follows the
 * post-convergence path (shortest path without the link), written as a list
 * of segments each of which, followed on the PRE-failure routing from where
 * the previous one left the packet, avoids everything that failed:
 * - a node segment to the farthest node P of the path such that EVERY
 *   pre-failure equal-cost path from here to P avoids the failed links and
 *   routers (routers hash flows over all of them, so one bad branch loses a
 *   share of the traffic: the P/Q-space rule with ECMP);
 * - where no node segment makes progress, an adjacency segment (End.X) that
 *   crosses the path's next link explicitly;
 * - the last segment is the destination's decap SID, which is routed like its
 *   node SID, so it also serves as the final node segment.
 * An SRv6 End.X SID is routed to its router like the node SID, so "node P,
 * then End.X of P" is written as just "End.X of P".
 *
 * What "down" takes away depends on the protection mode (failedElements):
 * the link alone; with node protection the neighbour router and all its
 * links (traffic to that neighbour itself keeps link protection: a dead
 * router's own prefixes cannot be saved); with SRLG protection every link
 * that shares a risk group with the protected one. The post-convergence path
 * avoids all of them, and so does every stretch that follows it.
 */
import { equalCostPaths, shortestGraphPath, type Graph, type GraphPath } from "../../model/spf";

export type Segment =
  | { readonly kind: "node"; readonly router: string }
  | { readonly kind: "adjacency"; readonly router: string; readonly link: string }
  | { readonly kind: "decap"; readonly router: string };

import type { ProtectionMode } from "../../model/coverage";

export type { ProtectionMode };

/** What fails with the protected link in a mode: links by id, nodes by name. */
export interface FailedElements {
  readonly links: readonly string[];
  readonly nodes: readonly string[];
}

/**
 * The elements a backup from `plr` to `dst` must avoid when `linkId` is
 * protected in `mode`. `srlgsOf` gives each link's risk groups.
 */
export function failedElements(graph: Graph, plr: string, linkId: string, dst: string, mode: ProtectionMode, srlgsOf: (link: string) => readonly string[] = () => []): FailedElements {
  const link = graph.links.find((l) => l.id === linkId)!;
  if (mode === "node") {
    const neighbour = link.a === plr ? link.b : link.a;
    return neighbour === dst ? { links: [linkId], nodes: [] } : { links: [linkId], nodes: [neighbour] };
  }
  if (mode === "srlg") {
    const groups = new Set(srlgsOf(linkId));
    return { links: graph.links.filter((l) => l.id === linkId || srlgsOf(l.id).some((g) => groups.has(g))).map((l) => l.id), nodes: [] };
  }
  return { links: [linkId], nodes: [] };
}

export interface BackupPath {
  /** The path traffic takes while the link is down. */
  readonly postConvergence: GraphPath;
  /** The segment list, first segment first, ending with the destination's decap segment. */
  readonly segments: Segment[];
}

/**
 * Destinations (routers) whose traffic from `plr` leaves over `linkId` on
 * the pre-failure routing, i.e. the ones the link's failure affects at `plr`.
 */
export function affectedDestinations(graph: Graph, plr: string, linkId: string): string[] {
  return graph.nodes.filter((dst) => dst !== plr && shortestGraphPath(graph, plr, dst)?.links[0]?.id === linkId);
}

/**
 * The backup segment list at `plr` towards `dst` when `linkId` fails (with
 * `failed`, what fails along with it), or undefined when `dst` cannot be
 * reached without them.
 */
export function backupPath(graph: Graph, plr: string, linkId: string, dst: string, failed: FailedElements = { links: [linkId], nodes: [] }): BackupPath | undefined {
  const post = shortestGraphPath(graph, plr, dst, { excludeLinks: failed.links, excludeNodes: failed.nodes });
  if (post === undefined) return undefined;
  const { nodes, links } = post;
  const last = nodes.length - 1;
  const segments: Segment[] = [];
  let i = 0;
  while (i < last) {
    const reach = farthestOnPreFailurePath(graph, nodes, failed, i);
    if (reach === last) {
      segments.push({ kind: "decap", router: nodes[last]! });
      return { postConvergence: post, segments };
    }
    if (reach > i) {
      segments.push({ kind: "node", router: nodes[reach]! });
      i = reach;
      continue;
    }
    // The pre-failure path from here does not take the next link: cross it explicitly.
    const previous = segments[segments.length - 1];
    if (previous?.kind === "node" && previous.router === nodes[i]) segments.pop();
    segments.push({ kind: "adjacency", router: nodes[i]!, link: links[i]!.id });
    i++;
  }
  // The last step was an adjacency onto the destination: decapsulate there.
  segments.push({ kind: "decap", router: nodes[last]! });
  return { postConvergence: post, segments };
}

/**
 * The largest j > i such that every pre-failure shortest path from nodes[i]
 * to nodes[j] avoids the failed links and routers; i when there is none.
 * Such a j is always reached at the post-convergence cost: a cheaper
 * surviving path would have been the post-convergence path.
 */
function farthestOnPreFailurePath(graph: Graph, nodes: string[], failed: FailedElements, i: number): number {
  for (let j = nodes.length - 1; j > i; j--) {
    const pre = equalCostPaths(graph, nodes[i]!, nodes[j]!);
    if (pre !== undefined && avoids(pre, failed)) return j;
  }
  return i;
}

function avoids(paths: { nodes: ReadonlySet<string>; links: ReadonlySet<string> }, failed: FailedElements): boolean {
  return !failed.links.some((l) => paths.links.has(l)) && !failed.nodes.some((n) => paths.nodes.has(n));
}
