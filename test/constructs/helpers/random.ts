/**
 * Random connected topologies from a seeded PRNG, so a failing property
 * case can be replayed from its seed.
 */
import type { Graph, GraphLink } from "../../../model/spf";
import { seededRng, type Rng } from "../../../model/seeded-random";

export { seededRng, type Rng };

export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export interface RandomGraphOptions {
  readonly minNodes: number;
  readonly maxNodes: number;
  /** Extra links beyond the spanning tree, as a fraction of the node count. */
  readonly extraLinkRatio: number;
  readonly maxMetric: number;
  /** Allow a second link between two already-linked nodes. */
  readonly parallelLinks: boolean;
}

/**
 * A connected graph: a random spanning tree, then extra random links.
 * Node names are shuffled so that name order and tree shape are unrelated
 * (the tie-break reads names).
 */
export function randomConnectedGraph(rng: Rng, opts: RandomGraphOptions): Graph {
  const count = randomInt(rng, opts.minNodes, opts.maxNodes);
  const names = Array.from({ length: count }, (_, i) => `r${i + 1}`);
  for (let i = names.length - 1; i > 0; i--) {
    const j = randomInt(rng, 0, i);
    [names[i], names[j]] = [names[j]!, names[i]!];
  }
  const links: GraphLink[] = [];
  const linked = new Set<string>();
  const add = (a: string, b: string): void => {
    links.push({ a, b, metric: randomInt(rng, 1, opts.maxMetric), id: `l${links.length + 1}` });
    linked.add([a, b].sort().join("|"));
  };
  for (let i = 1; i < count; i++) add(names[i]!, names[randomInt(rng, 0, i - 1)]!);
  const extra = Math.round(count * opts.extraLinkRatio * rng());
  for (let k = 0; k < extra * 4 && links.length < count - 1 + extra; k++) {
    const a = names[randomInt(rng, 0, count - 1)]!;
    const b = names[randomInt(rng, 0, count - 1)]!;
    if (a === b) continue;
    if (!opts.parallelLinks && linked.has([a, b].sort().join("|"))) continue;
    add(a, b);
  }
  return { nodes: names, links };
}
