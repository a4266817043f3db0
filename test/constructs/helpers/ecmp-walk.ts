/**
 * A forwarding oracle written apart from model/spf.ts, so the property tests
 * do not check the product's shortest paths against themselves: all-pairs
 * distances by Floyd-Warshall, and a walk that follows EVERY equal-cost next
 * hop at every router (a real IGP installs them all and the kernel hashes
 * flows over them), so a backup is checked on each branch a flow can take.
 */
import type { Graph } from "../../../model/spf";

export interface FailedSet {
  readonly links: ReadonlySet<string>;
  readonly nodes: ReadonlySet<string>;
}

export type WalkStep =
  | { readonly kind: "node" | "decap"; readonly router: string }
  | { readonly kind: "adjacency"; readonly router: string; readonly link: string };

/** Shortest distances between every pair of nodes over the links not in `failed`. */
export class Distances {
  private readonly d = new Map<string, Map<string, number>>();

  constructor(private readonly graph: Graph, failed: FailedSet = { links: new Set(), nodes: new Set() }) {
    const alive = graph.nodes.filter((n) => !failed.nodes.has(n));
    for (const a of alive) this.d.set(a, new Map(alive.map((b) => [b, a === b ? 0 : Infinity])));
    for (const l of graph.links) {
      if (failed.links.has(l.id) || failed.nodes.has(l.a) || failed.nodes.has(l.b)) continue;
      const now = this.d.get(l.a)!.get(l.b)!;
      if (l.metric < now) {
        this.d.get(l.a)!.set(l.b, l.metric);
        this.d.get(l.b)!.set(l.a, l.metric);
      }
    }
    for (const k of alive) for (const i of alive) for (const j of alive) {
      const via = this.d.get(i)!.get(k)! + this.d.get(k)!.get(j)!;
      if (via < this.d.get(i)!.get(j)!) this.d.get(i)!.set(j, via);
    }
  }

  /** Infinity when unreachable or a failed node. */
  between(a: string, b: string): number {
    return this.d.get(a)?.get(b) ?? Infinity;
  }

  /** Every link out of `here` that starts a shortest path to `target` (parallel equal links included). */
  nextHops(here: string, target: string): { id: string; to: string; metric: number }[] {
    const remaining = this.between(here, target);
    return this.graph.links
      .filter((l) => l.a === here || l.b === here)
      .map((l) => ({ id: l.id, to: l.a === here ? l.b : l.a, metric: l.metric }))
      .filter((h) => h.metric + this.between(h.to, target) === remaining);
  }
}

export interface WalkOutcome {
  /** Where the branches ended after the last segment, with their total metric. */
  readonly arrivals: ReadonlySet<string>;
  readonly costs: ReadonlySet<number>;
  /** Each way a branch touched a failed element or could not go on. */
  readonly violations: readonly string[];
  /** Routers on the way that split the packet's flows over more than one equal-cost next hop. */
  readonly splits: number;
}

/**
 * Forwards a packet from `start` through `steps` on the pre-failure routing
 * `pre` (every router but the point of local repair still routes so), on
 * every ECMP branch, and reports each failed link crossed or failed router
 * entered.
 */
export function walkEveryBranch(graph: Graph, pre: Distances, start: string, steps: readonly WalkStep[], failed: FailedSet): WalkOutcome {
  const arrivals = new Set<string>();
  const costs = new Set<number>();
  const violations = new Set<string>();
  const seen = new Set<string>();
  let splits = 0;
  const hop = (from: string, id: string, to: string): boolean => {
    if (failed.links.has(id)) { violations.add(`${from} forwards over failed link ${id}`); return false; }
    if (failed.nodes.has(to)) { violations.add(`${from} forwards into failed router ${to} (link ${id})`); return false; }
    return true;
  };
  const visit = (here: string, index: number, cost: number): void => {
    const key = `${here}|${index}|${cost}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (index === steps.length) {
      arrivals.add(here);
      costs.add(cost);
      return;
    }
    const s = steps[index]!;
    if (here !== s.router) {
      const hops = pre.nextHops(here, s.router);
      if (hops.length === 0) violations.add(`${here} has no route to ${s.router}`);
      if (hops.length > 1) splits++;
      for (const h of hops) if (hop(here, h.id, h.to)) visit(h.to, index, cost + h.metric);
      return;
    }
    if (s.kind === "decap" && index !== steps.length - 1) violations.add(`decap at ${here} before the last segment`);
    if (s.kind !== "adjacency") return visit(here, index + 1, cost);
    const link = graph.links.find((l) => l.id === s.link)!;
    if (link.a !== here && link.b !== here) { violations.add(`End.X of ${link.id} is not on ${here}`); return; }
    const to = link.a === here ? link.b : link.a;
    if (hop(here, link.id, to)) visit(to, index + 1, cost + link.metric);
  };
  visit(start, 0, 0);
  return { arrivals, costs, violations: [...violations], splits };
}
