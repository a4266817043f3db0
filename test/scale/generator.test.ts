/**
 * The scale topology generator (examples/scale/generate.ts): deterministic,
 * connected without bridges (every link protectable), 2 to 5 interfaces per
 * router, accepted by the lab's own loader; and the scale cdktf app models
 * the generated file exactly and protects every router link. No lab needed.
 *
 *   r1 -- r2 -- ... -- rN -- r1   (ring, metric 10) + seeded chords
 *   hosts behind evenly spaced routers (eth9)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { generateScaleTopology, scaleTopologyText, ScaleTopologyError, DEFAULT_ROUTERS } from "../../examples/scale/generate";
import { ScaleStack, DEFAULT_TOPOLOGY } from "../../examples/scale/main";
import { parseTopology } from "../../lab/topology/load";
import { planLab } from "../../lab/topology/addressing";
import type { TopologyFile } from "../../lab/topology/schema";

function routerAdjacency(topo: TopologyFile): { nodes: string[]; edges: [string, string][] } {
  const nodes = Object.entries(topo.nodes).filter(([, n]) => n.kind === "router").map(([name]) => name);
  const isRouter = new Set(nodes);
  const edges = topo.links
    .map((l) => l.endpoints.map((e) => e.split(":")[0]!) as [string, string])
    .filter(([a, b]) => isRouter.has(a) && isRouter.has(b));
  return { nodes, edges };
}

/** Routers reachable from the first one, optionally without one edge. */
function reachable(nodes: string[], edges: [string, string][], skip = -1): number {
  const seen = new Set([nodes[0]!]);
  const queue = [nodes[0]!];
  while (queue.length) {
    const n = queue.shift()!;
    edges.forEach(([a, b], i) => {
      if (i === skip) return;
      const other = a === n ? b : b === n ? a : undefined;
      if (other !== undefined && !seen.has(other)) { seen.add(other); queue.push(other); }
    });
  }
  return seen.size;
}

for (const routers of [4, 12, 50, 120, 240]) {
  test(`${routers} routers: valid per the lab's loader, connected, no bridges, 2-5 interfaces per router`, () => {
    const text = scaleTopologyText({ routers, name: "scx", mgmtSubnet: "198.18.77.0/24" });
    const topo = parseTopology(text, `scale ${routers}`);
    const { nodes, edges } = routerAdjacency(topo);
    assert.equal(nodes.length, routers, "router count");
    assert.equal(topo.name, "scx");
    assert.equal(topo.mgmtSubnet, "198.18.77.0/24");
    assert.equal(reachable(nodes, edges), routers, "every router reachable from r1");
    for (let i = 0; i < edges.length; i++) {
      assert.equal(reachable(nodes, edges, i), routers, `link ${edges[i]!.join("-")} is a bridge: it could not be protected`);
    }
    const pairs = new Set(edges.map(([a, b]) => [a, b].sort().join("-")));
    assert.equal(pairs.size, edges.length, "no two links join the same pair (link names must be unique)");
    const interfaces = new Map<string, number>();
    for (const l of topo.links) for (const e of l.endpoints) interfaces.set(e.split(":")[0]!, (interfaces.get(e.split(":")[0]!) ?? 0) + 1);
    for (const r of nodes) {
      const k = interfaces.get(r) ?? 0;
      assert.ok(k >= 2 && k <= 5, `${r} has ${k} interfaces (want 2..5)`);
    }
    const hosts = Object.values(topo.nodes).filter((n) => n.kind === "host").length;
    assert.equal(hosts, Math.max(2, Math.round(routers / 8)), "host count");
    if (routers >= 12) assert.ok(edges.length >= routers * 1.4, `${edges.length} links for ${routers} routers: the chords are missing`);
  });
}

test("deterministic: the same options give the same bytes; another seed another layout", () => {
  const a = scaleTopologyText({ routers: 50, seed: 3 });
  assert.equal(scaleTopologyText({ routers: 50, seed: 3 }), a);
  assert.notEqual(scaleTopologyText({ routers: 50, seed: 4 }), a);
});

test("the committed examples/scale/scale50.json is what the generator's defaults give", () => {
  assert.equal(readFileSync(DEFAULT_TOPOLOGY, "utf8"), scaleTopologyText(), "regenerate with: node dist/examples/scale/generate.js --out examples/scale/scale50.json");
  assert.equal(Object.values(generateScaleTopology().nodes).filter((n) => n.kind === "router").length, DEFAULT_ROUTERS);
});

test("bad options name the option and the value", () => {
  assert.throws(() => generateScaleTopology({ routers: 3 }), (e: unknown) => e instanceof ScaleTopologyError && e.field === "routers" && e.value === 3 && /4 to 240/.test(e.message));
  assert.throws(() => generateScaleTopology({ routers: 241 }), (e: unknown) => e instanceof ScaleTopologyError && e.field === "routers");
  assert.throws(() => generateScaleTopology({ seed: -1 }), (e: unknown) => e instanceof ScaleTopologyError && e.field === "seed");
  assert.throws(() => generateScaleTopology({ routers: 10, hosts: 11 }), (e: unknown) => e instanceof ScaleTopologyError && e.field === "hosts");
  // Lab-level rules (name length) come from the lab's own loader, naming the field.
  assert.throws(() => scaleTopologyText({ name: "waytoolongname" }), /name/);
});

test("the scale app models the generated file exactly and protects every router link", () => {
  const dir = mkdtempSync(join(tmpdir(), "scale-gen-test-"));
  try {
    const file = join(dir, "topology.json");
    writeFileSync(file, scaleTopologyText({ routers: 20, seed: 11, name: "scy", mgmtSubnet: "198.18.78.0/24" }));
    const plan = planLab(parseTopology(readFileSync(file, "utf8")));
    const stack = new ScaleStack(Testing.app({ outdir: dir }), "scale", { topologyFile: file, inventory: false });
    const net = stack.network;
    assert.deepEqual(net.routers.map((r) => [r.routerName, r.locator]), plan.routers.map((r) => [r.name, r.locator]), "routers and locators, in order");
    const labLinks = plan.links.filter((l) => l.betweenRouters).map((l) => [l.a.node, l.a.ifname, l.a.address, l.b.node, l.b.ifname, l.b.address, l.metric]);
    assert.deepEqual(net.links.map((l) => [l.routerA.routerName, l.interfaceA, l.addressA, l.routerB.routerName, l.interfaceB, l.addressB, l.metric]), labLinks, "links in the lab's order");
    const json = JSON.parse(Testing.synth(stack, true)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    assert.equal(Object.keys(json.resource.srv6_router!).length, 20);
    assert.equal(Object.keys(json.resource.srv6_protected_link!).length, labLinks.length, "every router link protected");
    assert.ok(Object.keys(json.resource.srv6_backup_policy!).length > 0, "backup policies for the host prefixes");
    assert.equal(json.resource.srv6_router!.r1!.host, "198.18.78.11", "r1's management address from the file's subnet");
    for (const [name, p] of Object.entries(json.resource.srv6_protected_link!)) assert.equal(p.probe_interval_ms, 10, `${name}: the default 10 ms probes`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
