/**
 * What the constructs emit is what the engine accepts: the synthesized
 * stacks (examples and random protected networks) pass the engine's own
 * document validation (provider/state: references, ajv schemas, semantic
 * rules), and the resolved desired state carries the computed values.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Testing, TerraformStack } from "cdktf";
import { testApp } from "./helpers/app";
import { validateDocument } from "../../provider/state";
import { DiamondStack } from "../../examples/diamond/main";
import { MeshStack } from "../../examples/mesh/main";
import { ProtectedNetwork, resources, type Router } from "../../constructs";
import { randomConnectedGraph, seededRng } from "./helpers/random";

function accepted(stack: TerraformStack) {
  const doc = JSON.parse(Testing.synth(stack, true)) as unknown;
  try {
    return validateDocument(doc, stack.node.path);
  } catch (err) {
    assert.fail(`engine rejects ${stack.node.path}: ${(err as Error).message}`);
  }
}

test("the engine accepts the diamond and mesh examples", () => {
  const diamond = accepted(new DiamondStack(testApp(), "diamond", { inventory: false }));
  assert.deepEqual(diamond.routers.map((r) => r.name), ["r1", "r2", "r3", "r4"]);
  const policy = diamond.policies.find((p) => p.router === "r1")!;
  assert.equal(policy.link, "r1-r2", "references resolved to names");
  assert.deepEqual(policy.segments, ["fc00:0:3:1::", "fc00:0:4:2::"]);
  const mesh = accepted(new MeshStack(testApp(), "mesh", { inventory: false }));
  assert.equal(mesh.links.length, 6);
  assert.equal(mesh.policies.length, 13);
});

test("the engine accepts 60 random protected networks (seeded)", () => {
  let policies = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const rng = seededRng(seed);
    const graph = randomConnectedGraph(rng, { minNodes: 2, maxNodes: 9, extraLinkRatio: 1, maxMetric: 5, parallelLinks: true });
    const stack = new TerraformStack(testApp(), `random${seed}`);
    const net = new ProtectedNetwork(stack, "net");
    const routers = new Map<string, Router>();
    graph.nodes.forEach((name, i) => {
      const k = (i + 1).toString(16);
      routers.set(name, net.addRouter(name, { host: `192.0.2.${i + 1}`, locator: `fc00:0:${k}::/48`, prefixes: rng() < 0.7 ? [`2001:db8:${k}::/64`] : [] }));
    });
    const ifs = new Map<string, number>();
    const nextIf = (r: string): string => `eth${ifs.set(r, (ifs.get(r) ?? 0) + 1).get(r)}`;
    graph.links.forEach((l, i) => {
      const k = (i + 1).toString(16);
      net.addLink(l.id, { routerA: routers.get(l.a)!, interfaceA: nextIf(l.a), addressA: `fd00:0:0:${k}::1`, routerB: routers.get(l.b)!, interfaceB: nextIf(l.b), addressB: `fd00:0:0:${k}::2`, metric: l.metric });
    });
    net.protectAll({ skipBridges: true });
    policies += accepted(stack).policies.length;
  }
  assert.ok(policies > 100, `${policies} policies accepted`);
});

test("resources named 'constructor' synthesize and are accepted (no lookup finds Object.prototype)", () => {
  const stack = new TerraformStack(testApp(), "proto");
  const a = new resources.Srv6Router(stack, "ra", {
    name: "constructor", host: "192.0.2.1", locator: "fc00:0:1::/48", node_sid: "fc00:0:1:1::", decap_sid: "fc00:0:1:2::",
    adjacency_sids: [{ sid: "fc00:0:1:1001::", interface: "eth1", nexthop: "fd00:0:0:1::2" }],
  });
  const b = new resources.Srv6Router(stack, "rb", {
    name: "r2", host: "192.0.2.2", locator: "fc00:0:2::/48", node_sid: "fc00:0:2:1::", decap_sid: "fc00:0:2:2::",
    adjacency_sids: [{ sid: "fc00:0:2:1001::", interface: "eth1", nexthop: "fd00:0:0:1::1" }],
  });
  new resources.Srv6Router(stack, "rc", { name: "r3", host: "192.0.2.3", locator: "fc00:0:3::/48", node_sid: "fc00:0:3:1::", decap_sid: "fc00:0:3:2::" });
  const link = new resources.Srv6ProtectedLink(stack, "l", {
    name: "constructor",
    router_a: a.nameRef, interface_a: "eth1", peer_address_a: "fd00:0:0:1::2", monitor_sid_a: "fc00:0:1:2001::", return_sid_a: "fc00:0:2:1001::",
    router_b: b.nameRef, interface_b: "eth1", peer_address_b: "fd00:0:0:1::1", monitor_sid_b: "fc00:0:2:2001::", return_sid_b: "fc00:0:1:1001::",
  });
  new resources.Srv6BackupPolicy(stack, "p", { name: "constructor", router: a.nameRef, link: link.nameRef, prefixes: ["2001:db8:2::/64"], segments: ["fc00:0:3:1::", "fc00:0:2:2::"] });
  const state = accepted(stack);
  assert.deepEqual(state.routers.map((r) => r.name), ["constructor", "r2", "r3"]);
  assert.deepEqual(state.policies.map((p) => [p.name, p.router, p.link]), [["constructor", "constructor", "constructor"]]);
});
