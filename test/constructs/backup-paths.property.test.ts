/**
 * Property test of the backup paths, through the real construct and synth:
 * on hundreds of seeded random connected topologies (parallel links and
 * equal-cost ties included), protect every non-bridge link, synthesize, and
 * for every emitted srv6_backup_policy forward a packet hop by hop:
 * - each router forwards on the PRE-failure routing, as every router but the
 *   point of local repair still does, over EVERY equal-cost next hop (an
 *   oracle of the test's own, helpers/ecmp-walk.ts, not model/spf.ts);
 * - a SID is decoded from its address alone (locator, then the 16-bit
 *   function: 1 node, 2 decap, 0x1000+k End.X over link k);
 * - the packet must never cross the protected link, must end at the
 *   destination router (where the policy's prefixes lie) on its decap SID (the last segment), and every
 *   branch must cost exactly the post-convergence shortest path.
 * Also: a policy exists for exactly the (link end, destination router)
 * pairs whose traffic crosses the link, holding every prefix behind that
 * router (the walk holds for each of them), every End.X used is declared on
 * its router, and no list exceeds the schema's 6 segments.
 * Replay one case: PROPERTY_SEED=<seed> PROPERTY_CASES=1.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TerraformStack } from "cdktf";
import { testApp } from "./helpers/app";
import { ProtectedNetwork, type Router } from "../../constructs";
import { nextHopLink, shortestGraphPath, type Graph } from "../../model/spf";
import { Distances, walkEveryBranch, type WalkStep } from "./helpers/ecmp-walk";
import { parseIpv6, parseIpv6Prefix, prefixContains } from "../../model/ipv6";
import { randomConnectedGraph, seededRng, type Rng } from "./helpers/random";
import { resourcesOf, synthJson } from "./helpers/synth";

const FIRST_SEED = Number(process.env.PROPERTY_SEED ?? 1000);
const CASES = Number(process.env.PROPERTY_CASES ?? 300);

interface Case {
  readonly graph: Graph;
  readonly locators: Map<string, string>;
  /** prefix -> owning router */
  readonly prefixes: Map<string, string>;
  /** link id -> its number (declaration order) */
  readonly numbers: Map<string, number>;
}

function buildStack(rng: Rng): { stack: TerraformStack; c: Case } {
  const graph = randomConnectedGraph(rng, { minNodes: 2, maxNodes: 11, extraLinkRatio: 1.2, maxMetric: 4, parallelLinks: true });
  const stack = new TerraformStack(testApp(), "prop");
  const net = new ProtectedNetwork(stack, "net");
  const routers = new Map<string, Router>();
  const locators = new Map<string, string>();
  const prefixes = new Map<string, string>();
  graph.nodes.forEach((name, i) => {
    const locator = `fc00:0:${(i + 1).toString(16)}::/48`;
    locators.set(name, locator);
    const own = rng() < 0.6 ? [`2001:db8:${(i + 1).toString(16)}::/64`] : [];
    if (rng() < 0.2) own.push(`2001:db8:${(i + 1).toString(16)}:1::/64`);
    for (const p of own) prefixes.set(p, name);
    routers.set(name, net.addRouter(name, { host: `192.0.2.${i + 1}`, locator, prefixes: own }));
  });
  const ifCount = new Map<string, number>();
  const nextIf = (r: string): string => {
    const n = (ifCount.get(r) ?? 0) + 1;
    ifCount.set(r, n);
    return `eth${n}`;
  };
  const numbers = new Map<string, number>();
  graph.links.forEach((l, i) => {
    const k = (i + 1).toString(16);
    const link = net.addLink(l.id, {
      routerA: routers.get(l.a)!, interfaceA: nextIf(l.a), addressA: `fd00:0:0:${k}::1`,
      routerB: routers.get(l.b)!, interfaceB: nextIf(l.b), addressB: `fd00:0:0:${k}::2`,
      metric: l.metric,
    });
    numbers.set(l.id, link.number);
  });
  net.protectAll({ skipBridges: true });
  return { stack, c: { graph, locators, prefixes, numbers } };
}

type Decoded = { router: string; kind: "node" | "decap" } | { router: string; kind: "adjacency"; linkNumber: number };

/** Decodes a SID from its address bits, independently of the allocator. */
function decode(c: Case, sid: string): Decoded {
  const value = parseIpv6(sid);
  for (const [router, text] of c.locators) {
    const locator = parseIpv6Prefix(text);
    if (!prefixContains(locator, value)) continue;
    const fn = Number((value >> BigInt(128 - locator.length - 16)) & 0xffffn);
    if (fn === 1) return { router, kind: "node" };
    if (fn === 2) return { router, kind: "decap" };
    if (fn > 0x1000 && fn < 0x2000) return { router, kind: "adjacency", linkNumber: fn - 0x1000 };
    throw new Error(`SID ${sid} of ${router} has function ${fn.toString(16)}, not a forwarding SID`);
  }
  throw new Error(`SID ${sid} is in no router's locator`);
}

test(`backup paths avoid the protected link and reach the destination on ${CASES} random topologies (seeded from ${FIRST_SEED})`, () => {
  let policiesChecked = 0;
  let prefixesChecked = 0;
  let linksProtected = 0;
  let maxSegments = 0;
  let splitByEcmp = 0;
  for (let n = 0; n < CASES; n++) {
    const seed = FIRST_SEED + n;
    const { stack, c } = buildStack(seededRng(seed));
    const where = `seed ${seed} graph ${JSON.stringify(c.graph)}`;
    const json = synthJson(stack);
    const links = resourcesOf(json, "srv6_protected_link");
    const policies = Object.values(resourcesOf(json, "srv6_backup_policy"));
    const routerResources = resourcesOf(json, "srv6_router");
    const linkById = new Map(c.graph.links.map((l) => [l.id, l]));
    const linkByNumber = new Map([...c.numbers].map(([id, k]) => [k, linkById.get(id)!]));
    const pre = new Distances(c.graph);

    // protectAll({ skipBridges: true }): exactly the non-bridge links.
    const expectedProtected = c.graph.links.filter((l) => shortestGraphPath(c.graph, l.a, l.b, { excludeLink: l.id }) !== undefined).map((l) => l.id).sort();
    assert.deepEqual(Object.keys(links).sort(), expectedProtected, `${where}: protected links`);
    linksProtected += expectedProtected.length;

    // Completeness: one policy per (link end, destination router whose traffic crosses the link), with all its prefixes.
    const expectedPolicies = new Map<string, string[]>();
    for (const id of expectedProtected) {
      const l = linkById.get(id)!;
      for (const plr of [l.a, l.b]) {
        for (const [prefix, owner] of c.prefixes) {
          if (owner !== plr && nextHopLink(c.graph, plr, owner)?.id === id) {
            const key = `${id}|${plr}|${owner}`;
            expectedPolicies.set(key, [...(expectedPolicies.get(key) ?? []), prefix].sort());
          }
        }
      }
    }
    const unref = (s: unknown): string => String(s).replace(/^\$\{srv6_[a-z_]+\.([a-z0-9_-]+)\.name\}$/, "$1");
    const policySet = (entries: Iterable<[string, string[]]>) => [...entries].map(([k, v]) => `${k}|${v.join(",")}`).sort();
    assert.deepEqual(
      policySet(policies.map((p) => [`${unref(p.link)}|${unref(p.router)}|${unref(p.destination)}`, [...(p.prefixes as string[])].sort()])),
      policySet(expectedPolicies), `${where}: policy set`);

    for (const p of policies) {
      const failed = linkById.get(unref(p.link))!;
      const plr = unref(p.router);
      const destination = unref(p.destination);
      for (const prefix of p.prefixes as string[]) assert.equal(c.prefixes.get(prefix), destination, `${where}: ${prefix} of policy ${String(p.name)} lies behind its destination`);
      prefixesChecked += (p.prefixes as string[]).length;
      const segments = p.segments as string[];
      const label = `${where} policy ${String(p.name)} segments ${segments.join(",")}`;
      maxSegments = Math.max(maxSegments, segments.length);
      assert.ok(segments.length >= 1 && segments.length <= 6, `${label}: 1 to 6 segments`);
      const steps: WalkStep[] = segments.map((sid, i) => {
        const d = decode(c, sid);
        if (d.kind !== "adjacency") {
          if (d.kind === "node") return d;
          assert.equal(i, segments.length - 1, `${label}: decap SID only as the last segment`);
          assert.equal(d.router, destination, `${label}: last segment decapsulates at the prefix's router`);
          return d;
        }
        const link = linkByNumber.get(d.linkNumber)!;
        assert.notEqual(link.id, failed.id, `${label}: End.X over the failed link`);
        const declared = (routerResources[d.router]!.adjacency_sids as { sid: string }[]).map((a) => a.sid);
        assert.ok(declared.includes(sid), `${label}: End.X ${sid} declared in srv6_router ${d.router}`);
        return { kind: "adjacency", router: d.router, link: link.id };
      });
      assert.equal(decode(c, segments[segments.length - 1]!).kind, "decap", `${label}: ends with a decap SID`);
      const lost = { links: new Set([failed.id]), nodes: new Set<string>() };
      const w = walkEveryBranch(c.graph, pre, plr, steps, lost);
      assert.deepEqual(w.violations, [], label);
      assert.deepEqual([...w.arrivals], [destination], `${label}: every branch ends at ${destination}`);
      assert.deepEqual([...w.costs], [new Distances(c.graph, lost).between(plr, destination)], `${label}: every branch at the post-convergence cost`);
      if (w.splits > 0) splitByEcmp++;
      policiesChecked++;
    }
  }
  assert.ok(splitByEcmp >= 100, `backups that ECMP splits on the way: ${splitByEcmp}`);
  assert.ok(prefixesChecked >= 1000, `checked ${policiesChecked} policies (${prefixesChecked} prefixes) on ${linksProtected} protected links (max ${maxSegments} segments)`);
  console.log(`# property: ${CASES} topologies, ${linksProtected} protected links, ${policiesChecked} backup policies for ${prefixesChecked} prefixes, longest list ${maxSegments} segments, ${splitByEcmp} split by ECMP on the way`);
});
