/**
 * Shortest paths with one deterministic tie-break, shared by the constructs
 * (backup-path computation) and the lab (its static base routing).
 *
 * The backup paths are only correct if every router forwards exactly as this
 * file predicts, so the lab computes its routes with these same functions.
 *
 * Rules:
 * - Dijkstra on link metrics; links are undirected and symmetric.
 * - Routers split traffic over every equal-cost path (ECMP), as a real IGP
 *   and the lab's base routes do: `equalCostNextHops` and `equalCostPaths`
 *   give all of them, and a backup segment is only trusted when every one of
 *   them avoids the failed elements.
 * - Where one path must be named (the post-convergence path a backup
 *   encodes, the primary link a protected prefix is pinned to), among
 *   equal-cost paths from a source, the one whose sequence of node
 *   names, read from the source, is lexicographically smallest (node by node,
 *   plain JavaScript string comparison) wins. Between parallel links joining
 *   the same two nodes, the lower metric wins, then the link listed first in
 *   `graph.links` (declaration order, so ids may be named freely).
 *
 * The tie-break is destination-based: the chosen path from any node on the
 * chosen path onward is that node's own chosen path. So hop-by-hop forwarding
 * with `nextHop` delivers packets along `shortestPath` exactly, which is what
 * a segment "go to node X" means on the pre-failure routing.
 */
import { Srv6ProtectError } from "./errors";

/** An undirected link between two nodes. */
export interface GraphLink {
  readonly a: string;
  readonly b: string;
  /** Positive integer cost (integers keep equal-cost comparisons exact). */
  readonly metric: number;
  /** Unique id; `excludeLink` and the returned link lists refer to it. */
  readonly id: string;
}

export interface Graph {
  readonly nodes: readonly string[];
  readonly links: readonly GraphLink[];
}

export interface SpfOptions {
  /** Compute as if the link with this id had failed. */
  readonly excludeLink?: string;
  /** Compute as if these links had failed too (a shared risk link group). */
  readonly excludeLinks?: readonly string[];
  /** Compute as if these nodes had failed, with every link they end. */
  readonly excludeNodes?: readonly string[];
}

/** A path through the graph, as nodes and as the links between consecutive nodes (not a kernel route). */
export interface GraphPath {
  /** Nodes from source to destination, both included. */
  readonly nodes: string[];
  /** `links[i]` joins `nodes[i]` and `nodes[i + 1]`. */
  readonly links: GraphLink[];
}

/** The graph is malformed, or a node/link id given to a query is unknown. */
export class GraphError extends Srv6ProtectError {
  override readonly kind = "graph";
  constructor(message: string) {
    super(message);
    this.name = "GraphError";
  }
}

interface Adjacency {
  readonly neighbour: string;
  readonly link: GraphLink;
  /** Position of the link in graph.links: the last tie-break between parallel links. */
  readonly order: number;
}

/** Neighbours of each node over the links left after `excludeLink`. */
function adjacencies(graph: Graph, opts: SpfOptions): Map<string, Adjacency[]> {
  const known = new Set<string>();
  for (const node of graph.nodes) {
    if (known.has(node)) throw new GraphError(`node "${node}" is listed twice`);
    known.add(node);
  }
  const ids = new Set<string>();
  const result = new Map<string, Adjacency[]>(graph.nodes.map((n) => [n, []]));
  for (const [order, link] of graph.links.entries()) {
    if (ids.has(link.id)) throw new GraphError(`link id "${link.id}" is used twice`);
    ids.add(link.id);
    for (const end of [link.a, link.b]) {
      if (!known.has(end)) throw new GraphError(`link "${link.id}" names unknown node "${end}"`);
    }
    if (link.a === link.b) throw new GraphError(`link "${link.id}" joins node "${link.a}" to itself`);
    if (!Number.isSafeInteger(link.metric) || link.metric <= 0) {
      throw new GraphError(`link "${link.id}" has metric ${String(link.metric)}; a metric must be a positive integer`);
    }
    if (link.id === opts.excludeLink || opts.excludeLinks?.includes(link.id)) continue;
    if (opts.excludeNodes?.includes(link.a) || opts.excludeNodes?.includes(link.b)) continue;
    result.get(link.a)!.push({ neighbour: link.b, link, order });
    result.get(link.b)!.push({ neighbour: link.a, link, order });
  }
  if (opts.excludeLink !== undefined && !ids.has(opts.excludeLink)) {
    throw new GraphError(`excludeLink "${opts.excludeLink}" is not a link of the graph`);
  }
  for (const id of opts.excludeLinks ?? []) {
    if (!ids.has(id)) throw new GraphError(`excludeLinks: "${id}" is not a link of the graph`);
  }
  for (const node of opts.excludeNodes ?? []) {
    if (!known.has(node)) throw new GraphError(`excluded node "${node}" is not a node of the graph`);
  }
  return result;
}

function requireNode(graph: Graph, node: string, role: string): void {
  if (!graph.nodes.includes(node)) throw new GraphError(`${role} "${node}" is not a node of the graph`);
}

/**
 * Distance from every node to `dst` (links are symmetric, so this is also
 * the distance from `dst`). Unreachable nodes are absent from the map.
 * Plain O(V^2) Dijkstra: topologies here have tens of nodes.
 */
export function distancesTo(graph: Graph, dst: string, opts: SpfOptions = {}): Map<string, number> {
  requireNode(graph, dst, "destination");
  return dijkstra(adjacencies(graph, opts), dst);
}

function dijkstra(adj: Map<string, Adjacency[]>, origin: string): Map<string, number> {
  const settled = new Map<string, number>();
  const tentative = new Map<string, number>([[origin, 0]]);
  while (tentative.size > 0) {
    let best: string | undefined;
    for (const [node, d] of tentative) {
      if (best === undefined || d < tentative.get(best)!) best = node;
    }
    const d = tentative.get(best!)!;
    tentative.delete(best!);
    settled.set(best!, d);
    for (const { neighbour, link } of adj.get(best!)!) {
      if (settled.has(neighbour)) continue;
      const candidate = d + link.metric;
      const current = tentative.get(neighbour);
      if (current === undefined || candidate < current) tentative.set(neighbour, candidate);
    }
  }
  return settled;
}

/** The adjacencies and every node's distance to `dst`, or undefined when `src` cannot reach it. */
function towards(graph: Graph, src: string, dst: string, opts: SpfOptions): { adj: Map<string, Adjacency[]>; toDst: Map<string, number> } | undefined {
  requireNode(graph, src, "source");
  requireNode(graph, dst, "destination");
  const adj = adjacencies(graph, opts);
  const toDst = dijkstra(adj, dst);
  return toDst.has(src) ? { adj, toDst } : undefined;
}

/**
 * The chosen shortest path from `src` to `dst` with its links, or undefined
 * when `dst` is unreachable. `src === dst` gives `{ nodes: [src], links: [] }`.
 */
export function shortestGraphPath(graph: Graph, src: string, dst: string, opts: SpfOptions = {}): GraphPath | undefined {
  const found = towards(graph, src, dst, opts);
  if (!found) return undefined;
  const { adj, toDst } = found;
  const nodes = [src];
  const links: GraphLink[] = [];
  let here = src;
  while (here !== dst) {
    const step = bestStep(adj.get(here)!, toDst.get(here)!, toDst);
    nodes.push(step.neighbour);
    links.push(step.link);
    here = step.neighbour;
  }
  return { nodes, links };
}

/**
 * Among the links out of a node at distance `remaining` from the destination
 * that stay on a shortest path, the smallest neighbour name wins (this is
 * what makes the whole path lexicographically smallest from the source),
 * then the cheaper parallel link, then the one declared first.
 */
function bestStep(out: Adjacency[], remaining: number, toDst: Map<string, number>): Adjacency {
  let best: Adjacency | undefined;
  for (const adj of onShortestPath(out, remaining, toDst)) {
    if (best === undefined || precedes(adj, best)) best = adj;
  }
  // Unreachable by construction: a node with a finite distance has a neighbour one link closer.
  if (best === undefined) throw new GraphError("internal: no shortest-path step found");
  return best;
}

function precedes(x: Adjacency, y: Adjacency): boolean {
  if (x.neighbour !== y.neighbour) return x.neighbour < y.neighbour;
  if (x.link.metric !== y.link.metric) return x.link.metric < y.link.metric;
  return x.order < y.order;
}

/** The chosen shortest path's nodes from `src` to `dst`, or undefined when unreachable. */
export function shortestPath(graph: Graph, src: string, dst: string, opts: SpfOptions = {}): string[] | undefined {
  return shortestGraphPath(graph, src, dst, opts)?.nodes;
}

/** The neighbour `src` forwards to for `dst`, or undefined when `src === dst` or unreachable. */
export function nextHop(graph: Graph, src: string, dst: string, opts: SpfOptions = {}): string | undefined {
  return shortestGraphPath(graph, src, dst, opts)?.nodes[1];
}

/** The link `src` forwards over towards `dst` (useful with parallel links), or undefined. */
export function nextHopLink(graph: Graph, src: string, dst: string, opts: SpfOptions = {}): GraphLink | undefined {
  return shortestGraphPath(graph, src, dst, opts)?.links[0];
}

/** Total metric of the chosen path, or undefined when unreachable. */
export function pathCost(graph: Graph, src: string, dst: string, opts: SpfOptions = {}): number | undefined {
  requireNode(graph, src, "source");
  return distancesTo(graph, dst, opts).get(src);
}

/** The links out of `src` that start a shortest path to `dst` (every ECMP branch), cheapest-named first; empty when `src === dst` or unreachable. */
export function equalCostNextHops(graph: Graph, src: string, dst: string, opts: SpfOptions = {}): GraphLink[] {
  const found = towards(graph, src, dst, opts);
  if (!found || src === dst) return [];
  const { adj, toDst } = found;
  return onShortestPath(adj.get(src)!, toDst.get(src)!, toDst).sort((x, y) => (precedes(x, y) ? -1 : 1)).map((a) => a.link);
}

/** Every node and link on some shortest path from `src` to `dst`: where ECMP forwarding can take a packet. */
export interface EqualCostPaths {
  readonly cost: number;
  /** Nodes on some shortest path, `src` and `dst` included. */
  readonly nodes: ReadonlySet<string>;
  /** Ids of the links on some shortest path. */
  readonly links: ReadonlySet<string>;
}

/** The union of all shortest paths from `src` to `dst`, or undefined when `dst` is unreachable. */
export function equalCostPaths(graph: Graph, src: string, dst: string, opts: SpfOptions = {}): EqualCostPaths | undefined {
  const found = towards(graph, src, dst, opts);
  if (!found) return undefined;
  const { adj, toDst } = found;
  const nodes = new Set([src]);
  const links = new Set<string>();
  const queue = [src];
  while (queue.length > 0) {
    const here = queue.pop()!;
    for (const step of onShortestPath(adj.get(here)!, toDst.get(here)!, toDst)) {
      links.add(step.link.id);
      if (!nodes.has(step.neighbour)) {
        nodes.add(step.neighbour);
        queue.push(step.neighbour);
      }
    }
  }
  return { cost: toDst.get(src)!, nodes, links };
}

function onShortestPath(out: Adjacency[], remaining: number, toDst: Map<string, number>): Adjacency[] {
  return out.filter((a) => {
    const beyond = toDst.get(a.neighbour);
    return beyond !== undefined && a.link.metric + beyond === remaining;
  });
}
