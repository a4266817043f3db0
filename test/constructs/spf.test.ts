/**
 * The SPF tie-break, checked against brute force: enumerate every simple
 * path, keep the cheapest, and among those the lexicographically smallest
 * node sequence read from the source.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Graph, GraphError, equalCostNextHops, equalCostPaths, nextHop, shortestPath, shortestGraphPath } from "../../model/spf";
import { backupPath } from "../../constructs/lib/ti-lfa";
import { randomConnectedGraph, seededRng } from "./helpers/random";

function bruteForce(graph: Graph, src: string, dst: string, excludeLink?: string): string[] | undefined {
  let best: { cost: number; nodes: string[] } | undefined;
  const visit = (nodes: string[], cost: number): void => {
    const here = nodes[nodes.length - 1]!;
    if (here === dst) {
      if (best === undefined || cost < best.cost || (cost === best.cost && lexLess(nodes, best.nodes))) {
        best = { cost, nodes: [...nodes] };
      }
      return;
    }
    for (const link of graph.links) {
      if (link.id === excludeLink) continue;
      const next = link.a === here ? link.b : link.b === here ? link.a : undefined;
      if (next === undefined || nodes.includes(next)) continue;
      nodes.push(next);
      visit(nodes, cost + link.metric);
      nodes.pop();
    }
  };
  visit([src], 0);
  return best?.nodes;
}

function lexLess(x: string[], y: string[]): boolean {
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]!;
  }
  return x.length < y.length;
}

test("diamond: equal-cost tie goes to the smaller name", () => {
  const g: Graph = {
    nodes: ["r1", "r2", "r3", "r4"],
    links: [
      { a: "r1", b: "r3", metric: 10, id: "r1-r3" },
      { a: "r1", b: "r2", metric: 10, id: "r1-r2" },
      { a: "r2", b: "r4", metric: 10, id: "r2-r4" },
      { a: "r3", b: "r4", metric: 10, id: "r3-r4" },
    ],
  };
  assert.deepEqual(shortestPath(g, "r1", "r4"), ["r1", "r2", "r4"], "r1->r4 prefers r2 over r3");
  assert.deepEqual(shortestPath(g, "r4", "r1"), ["r4", "r2", "r1"], "r4->r1 prefers r2 over r3");
  assert.deepEqual(shortestPath(g, "r1", "r4", { excludeLink: "r1-r2" }), ["r1", "r3", "r4"], "without r1-r2 the path uses r3");
  assert.equal(nextHop(g, "r1", "r1"), undefined, "no next hop to oneself");
  assert.equal(nextHop(g, "r2", "r3"), "r1", "r2->r3 tie between r1 and r4 goes to r1");
});

test("parallel links: the cheaper one, then the one listed first", () => {
  const g: Graph = {
    nodes: ["a", "b"],
    links: [
      { a: "a", b: "b", metric: 5, id: "y" },
      { a: "a", b: "b", metric: 5, id: "x" },
      { a: "b", b: "a", metric: 7, id: "w" },
    ],
  };
  assert.equal(shortestGraphPath(g, "a", "b")!.links[0]!.id, "y", "equal metrics: the first listed, whatever its id");
  assert.equal(shortestGraphPath(g, "a", "b", { excludeLink: "y" })!.links[0]!.id, "x");
  assert.equal(shortestGraphPath(g, "a", "b", { excludeLink: "x" })!.links[0]!.id, "y");
});

test("unreachable destination and malformed graphs", () => {
  const g: Graph = { nodes: ["a", "b", "c"], links: [{ a: "a", b: "b", metric: 1, id: "ab" }] };
  assert.equal(shortestPath(g, "a", "c"), undefined, "c has no link");
  assert.equal(shortestPath(g, "a", "b", { excludeLink: "ab" }), undefined, "the only link excluded");
  assert.throws(() => shortestPath(g, "a", "z"), GraphError);
  assert.throws(() => shortestPath(g, "a", "b", { excludeLink: "nope" }), /excludeLink "nope"/);
  assert.throws(() => shortestPath({ nodes: ["a", "b"], links: [{ a: "a", b: "b", metric: 0, id: "l" }] }, "a", "b"), /metric 0/);
  assert.throws(() => shortestPath({ nodes: ["a", "b"], links: [{ a: "a", b: "b", metric: 1.5, id: "l" }] }, "a", "b"), /positive integer/);
});

test("matches brute force and hop-by-hop forwarding on 300 random graphs (seeded)", () => {
  const rng = seededRng(0x5eed);
  let pairs = 0;
  for (let n = 0; n < 300; n++) {
    const g = randomConnectedGraph(rng, { minNodes: 2, maxNodes: 7, extraLinkRatio: 1, maxMetric: 3, parallelLinks: true });
    const excluded = rng() < 0.5 ? g.links[Math.floor(rng() * g.links.length)]!.id : undefined;
    const opts = excluded === undefined ? {} : { excludeLink: excluded };
    for (const src of g.nodes) {
      for (const dst of g.nodes) {
        const expected = bruteForce(g, src, dst, excluded);
        const got = shortestPath(g, src, dst, opts);
        assert.deepEqual(got, expected, `graph #${n} ${JSON.stringify(g)} exclude=${excluded} ${src}->${dst}`);
        if (got === undefined) continue;
        // Hop by hop: each node's own next hop must walk the same path.
        const walked = [src];
        while (walked[walked.length - 1] !== dst) walked.push(nextHop(g, walked[walked.length - 1]!, dst, opts)!);
        assert.deepEqual(walked, got, `graph #${n} hop-by-hop ${src}->${dst}`);
        pairs++;
      }
    }
  }
  assert.ok(pairs > 3000, `checked ${pairs} pairs`);
});

test("ECMP: every equal-cost next hop and the union of all shortest paths match brute force on 300 random graphs (seeded)", () => {
  const rng = seededRng(77);
  let splits = 0;
  for (let n = 0; n < 300; n++) {
    const graph = randomConnectedGraph(rng, { minNodes: 2, maxNodes: 8, extraLinkRatio: 1.3, maxMetric: 3, parallelLinks: true });
    for (const src of graph.nodes) {
      for (const dst of graph.nodes) {
        // Brute force: every simple path at the minimum cost.
        const paths: { cost: number; links: string[]; nodes: string[] }[] = [];
        const visit = (nodes: string[], links: string[], cost: number): void => {
          const here = nodes[nodes.length - 1]!;
          if (here === dst) return void paths.push({ cost, links: [...links], nodes: [...nodes] });
          for (const l of graph.links) {
            const next = l.a === here ? l.b : l.b === here ? l.a : undefined;
            if (next === undefined || nodes.includes(next)) continue;
            visit([...nodes, next], [...links, l.id], cost + l.metric);
          }
        };
        visit([src], [], 0);
        const min = Math.min(...paths.map((p) => p.cost));
        const best = paths.filter((p) => p.cost === min);
        const ecmp = equalCostPaths(graph, src, dst)!;
        assert.equal(ecmp.cost, min);
        assert.deepEqual([...ecmp.links].sort(), [...new Set(best.flatMap((p) => p.links))].sort(), `${src}->${dst} links ${JSON.stringify(graph)}`);
        assert.deepEqual([...ecmp.nodes].sort(), [...new Set(best.flatMap((p) => p.nodes))].sort(), `${src}->${dst} nodes`);
        const first = equalCostNextHops(graph, src, dst).map((l) => l.id).sort();
        assert.deepEqual(first, [...new Set(best.filter((p) => p.links.length > 0).map((p) => p.links[0]!))].sort(), `${src}->${dst} next hops`);
        if (first.length > 1) splits++;
      }
    }
  }
  assert.ok(splits > 500, `random graphs with ties: ${splits} ECMP splits`);
});

test("ECMP: a node segment is only used where every equal-cost path avoids the protected link", () => {
  // r2 -> r1 around r1-r2: r5 reaches r1 over r1-r5, r4 and r2 at equal cost (25), and the branch via r2
  // crosses the failed link, so the backup leaves r5 over its End.X to r1 instead of a node segment to r5.
  const graph: Graph = {
    nodes: ["r1", "r2", "r4", "r5"],
    links: [
      { id: "r1-r2", a: "r1", b: "r2", metric: 10 }, { id: "r1-r4", a: "r1", b: "r4", metric: 15 },
      { id: "r2-r5", a: "r2", b: "r5", metric: 15 }, { id: "r4-r5", a: "r4", b: "r5", metric: 10 },
      { id: "r1-r5", a: "r1", b: "r5", metric: 25 },
    ],
  };
  assert.deepEqual(equalCostNextHops(graph, "r5", "r1").map((l) => l.id), ["r1-r5", "r2-r5", "r4-r5"], "three equal-cost branches, by neighbour name");
  const backup = backupPath(graph, "r2", "r1-r2", "r1")!;
  assert.deepEqual(backup.postConvergence.nodes, ["r2", "r5", "r1"]);
  assert.deepEqual(backup.segments, [{ kind: "adjacency", router: "r5", link: "r1-r5" }, { kind: "decap", router: "r1" }]);
});
