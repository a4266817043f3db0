/**
 * Property test of node and SRLG protection, by brute force: on hundreds of
 * seeded random topologies (equal-cost ties, parallel links, shared risk
 * groups), protect every non-bridge link in each mode through the real
 * construct, and for every backup it plans simulate the failure:
 * - the failed elements are recomputed here, independently: node mode takes
 *   the neighbour router and all its links (traffic to the neighbour itself
 *   keeps link protection), SRLG mode every link sharing a group;
 * - the packet is forwarded hop by hop on the PRE-failure routing for each
 *   segment (every router but the point of local repair still routes so),
 *   on EVERY equal-cost branch, by an oracle of the test's own
 *   (helpers/ecmp-walk.ts, not model/spf.ts); no branch may cross a failed
 *   link or enter a failed router, each must end at the destination at the
 *   post-failure shortest cost;
 * - a pair without a backup in its mode is reported "uncovered" exactly when
 *   no path around the failed elements exists; with allowPartialCoverage it
 *   gets a link-protecting backup instead.
 * Replay one case: PROPERTY_SEED=<seed> PROPERTY_CASES=1.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TerraformStack } from "cdktf";
import { testApp } from "./helpers/app";
import { ProtectedNetwork, type Router } from "../../constructs";
import type { NetworkPlan } from "../../constructs/lib/plan";
import { nextHopLink, shortestGraphPath, type Graph } from "../../model/spf";
import { Distances, walkEveryBranch } from "./helpers/ecmp-walk";
import { randomConnectedGraph, randomInt, seededRng, type Rng } from "./helpers/random";

const FIRST_SEED = Number(process.env.PROPERTY_SEED ?? 5000);
const CASES = Number(process.env.PROPERTY_CASES ?? 300);
const GROUPS = ["duct-1", "duct-2", "card-7"];

type Mode = "link" | "node" | "srlg";

interface Case {
  readonly graph: Graph;
  readonly srlgs: Map<string, string[]>;
  readonly owners: Set<string>;
}

function randomCase(rng: Rng): Case {
  const graph = randomConnectedGraph(rng, { minNodes: 3, maxNodes: 10, extraLinkRatio: 1.4, maxMetric: 3, parallelLinks: true });
  const srlgs = new Map(graph.links.map((l) => [l.id, rng() < 0.35 ? [GROUPS[randomInt(rng, 0, GROUPS.length - 1)]!] : []]));
  const owners = new Set(graph.nodes.filter(() => rng() < 0.7));
  return { graph, srlgs, owners };
}

function planOf(c: Case, mode: Mode, allowPartialCoverage: boolean): NetworkPlan {
  const stack = new TerraformStack(testApp(), "prop");
  const net = new ProtectedNetwork(stack, "net", { protection: mode, allowPartialCoverage });
  const routers = new Map<string, Router>();
  c.graph.nodes.forEach((name, i) => {
    const k = (i + 1).toString(16);
    routers.set(name, net.addRouter(name, { host: `192.0.2.${i + 1}`, locator: `fc00:0:${k}::/48`, prefixes: c.owners.has(name) ? [`2001:db8:${k}::/64`] : [] }));
  });
  const ifs = new Map<string, number>();
  const nextIf = (r: string) => `eth${ifs.set(r, (ifs.get(r) ?? 0) + 1).get(r)}`;
  c.graph.links.forEach((l, i) => {
    const k = (i + 1).toString(16);
    net.addLink(l.id, {
      routerA: routers.get(l.a)!, interfaceA: nextIf(l.a), addressA: `fd00:0:0:${k}::1`,
      routerB: routers.get(l.b)!, interfaceB: nextIf(l.b), addressB: `fd00:0:0:${k}::2`,
      metric: l.metric, srlgs: c.srlgs.get(l.id)!,
    });
  });
  net.protectAll({ skipBridges: true });
  return net.plan();
}

/** What fails with `link` in `mode`, seen from `plr` towards `dst`: computed here, not by the product. */
function failure(c: Case, mode: Mode, linkId: string, plr: string, dst: string): { links: Set<string>; nodes: Set<string> } {
  const link = c.graph.links.find((l) => l.id === linkId)!;
  if (mode === "link") return { links: new Set([linkId]), nodes: new Set() };
  if (mode === "node") {
    const neighbour = link.a === plr ? link.b : link.a;
    if (neighbour === dst) return { links: new Set([linkId]), nodes: new Set() };
    return { links: new Set(c.graph.links.filter((l) => l.a === neighbour || l.b === neighbour).map((l) => l.id)), nodes: new Set([neighbour]) };
  }
  const groups = new Set(c.srlgs.get(linkId)!);
  return { links: new Set(c.graph.links.filter((l) => l.id === linkId || c.srlgs.get(l.id)!.some((g) => groups.has(g))).map((l) => l.id)), nodes: new Set() };
}

test(`node and SRLG backups avoid every failed element on ${CASES} random topologies (seeded from ${FIRST_SEED})`, () => {
  const counts = { link: { checked: 0, uncovered: 0, fallback: 0 }, node: { checked: 0, uncovered: 0, fallback: 0 }, srlg: { checked: 0, uncovered: 0, fallback: 0 } };
  let widerThanLink = 0;
  let multiBranch = 0;
  for (let n = 0; n < CASES; n++) {
    const seed = FIRST_SEED + n;
    const c = randomCase(seededRng(seed));
    const protectedLinks = c.graph.links.filter((l) => shortestGraphPath(c.graph, l.a, l.b, { excludeLink: l.id }) !== undefined);
    for (const mode of ["link", "node", "srlg"] as const) {
      for (const partial of mode === "link" ? [false] : [false, true]) {
        const plan = planOf(c, mode, partial);
        const where = `seed ${seed} mode ${mode}${partial ? " (partial coverage)" : ""} graph ${JSON.stringify(c.graph)} srlgs ${JSON.stringify([...c.srlgs])}`;
        const uncovered = plan.problems.filter((p) => p.kind === "uncovered");
        assert.deepEqual(plan.problems.filter((p) => p.kind !== "uncovered"), [], `${where}: no other problem`);
        for (const l of protectedLinks) {
          for (const plr of [l.a, l.b]) {
            for (const dst of c.owners) {
              if (dst === plr || nextHopLink(c.graph, plr, dst)?.id !== l.id) continue;
              const label = `${where} link ${l.id} at ${plr} to ${dst}`;
              const failed = failure(c, mode, l.id, plr, dst);
              const pre = new Distances(c.graph);
              const postCost = new Distances(c.graph, failed).between(plr, dst);
              const policy = plan.policies.find((p) => p.link === l.id && p.router === plr && p.destination === dst);
              const reported = uncovered.some((p) => p.subject === `link "${l.id}"` && p.message.includes(`from ${plr} to ${dst} avoids`));
              if (postCost === Infinity) {
                // No path around the failed elements: uncovered, or the link's own backup when allowed.
                if (partial) {
                  assert.ok(policy && policy.protects === "link", `${label}: falls back to link protection`);
                  assert.ok(!reported, `${label}: not reported with partial coverage`);
                  const linkOnly = { links: new Set([l.id]), nodes: new Set<string>() };
                  const w = walkEveryBranch(c.graph, pre, plr, policy.path, linkOnly);
                  assert.deepEqual(w.violations, [], `${label}: the fallback avoids the link on every branch`);
                  assert.deepEqual([...w.costs], [new Distances(c.graph, linkOnly).between(plr, dst)], `${label}: at the link's post-convergence cost`);
                  counts[mode].fallback++;
                } else {
                  assert.ok(reported && !policy, `${label}: reported uncovered, no policy`);
                  counts[mode].uncovered++;
                }
                continue;
              }
              assert.ok(policy, `${label}: has a backup policy`);
              assert.ok(!reported, `${label}: covered, not reported`);
              assert.equal(policy.protects, mode === "node" && failed.nodes.size === 0 ? "link" : mode, `${label}: protects`);
              if (failed.links.size > 1) widerThanLink++;
              // Forward the packet segment by segment on the pre-failure routing, on every ECMP branch.
              const w = walkEveryBranch(c.graph, pre, plr, policy.path, failed);
              assert.deepEqual(w.violations, [], `${label}: segments ${JSON.stringify(policy.path)}`);
              assert.equal(policy.path[policy.path.length - 1]!.kind, "decap", `${label}: ends with a decap segment`);
              assert.deepEqual([...w.arrivals], [dst], `${label}: every branch arrives at ${dst}`);
              assert.deepEqual([...w.costs], [postCost], `${label}: every branch at the post-failure shortest cost`);
              if (w.splits > 0) multiBranch++;
              counts[mode].checked++;
            }
          }
        }
      }
    }
  }
  assert.equal(counts.link.uncovered + counts.link.fallback, 0, "link protection of a non-bridge link always has a backup");
  for (const mode of ["link", "node", "srlg"] as const) assert.ok(counts[mode].checked >= 1000, `${mode}: ${JSON.stringify(counts[mode])}`);
  assert.ok(counts.node.uncovered > 0 && counts.srlg.uncovered > 0 && widerThanLink > 0, `the cases include uncovered pairs and wider failures: ${JSON.stringify(counts)}`);
  assert.ok(multiBranch >= 200, `the cases include backups that ECMP splits: ${multiBranch}`);
  console.log(`# property (link, node, srlg): ${CASES} topologies; backups checked ${JSON.stringify(counts)}; ${widerThanLink} avoid more than the link; ${multiBranch} split by ECMP on the way`);
});
