/**
 * Snapshot tests of the synthesized JSON: the two example apps (the lab's
 * diamond and mesh) and a stack written with the low-level resources only.
 * Snapshots: test/constructs/__snapshots__/*.json (UPDATE_SNAPSHOTS=1 rewrites).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { testApp } from "./helpers/app";
import { DiamondStack } from "../../examples/diamond/main";
import { MeshStack } from "../../examples/mesh/main";
import { resources } from "../../constructs";
import { matchSnapshot } from "./helpers/snapshot";
import { resourcesOf, schemaProblems, synthJson, type SynthesizedStack } from "./helpers/synth";

test("diamond example synthesizes to its snapshot", () => {
  const stack = new DiamondStack(testApp(), "diamond", { inventory: false });
  const text = Testing.synth(stack, true);
  matchSnapshot("diamond", text);
  const json = synthJson(stack);
  assert.deepEqual(schemaProblems(json), [], "every resource matches model/schema.ts");
  assert.deepEqual(json.terraform?.required_providers?.srv6, { source: "srv6-protect/srv6", version: "0.1.0" });
  const policies = resourcesOf(json, "srv6_backup_policy");
  assert.deepEqual(
    Object.entries(policies).map(([id, p]) => [id, p.router, p.destination, p.prefixes, p.segments]).sort(),
    [
      // r1 -> h2 without r1-r2: node r3, then r4's decap (r3 reaches r4 directly).
      ["r1-r2-r1-to-r4", "${srv6_router.r1.name}", "${srv6_router.r4.name}", ["2001:db8:2::/64"], ["fc00:0:3:1::", "fc00:0:4:2::"]],
      // r2 -> h1 without r1-r2: r4 (r2's tie to r3 would go via r1), r3, then r1's decap.
      ["r1-r2-r2-to-r1", "${srv6_router.r2.name}", "${srv6_router.r1.name}", ["2001:db8:1::/64"], ["fc00:0:4:1::", "fc00:0:3:1::", "fc00:0:1:2::"]],
    ],
    "both ends of r1-r2, one policy per destination router, both directions of h1 <-> h2",
  );
  const link = resourcesOf(json, "srv6_protected_link")["r1-r2"]!;
  assert.equal(link.router_a, "${srv6_router.r1.name}", "link refers to its routers by Terraform reference");
  assert.equal(link.return_sid_a, "fc00:0:2:1001::", "a's probes return over r2's End.X of link 1");
  assert.equal(link.monitor_sid_a, "fc00:0:1:2001::");
  const r2 = resourcesOf(json, "srv6_router").r2!;
  assert.deepEqual(r2.adjacency_sids, [{ interface: "eth1", nexthop: "fd00:0:0:1::1", sid: "fc00:0:2:1001::" }]);
});

test("mesh example synthesizes to its snapshot", () => {
  const stack = new MeshStack(testApp(), "mesh", { inventory: false });
  matchSnapshot("mesh", Testing.synth(stack, true));
  const json = synthJson(stack);
  assert.deepEqual(schemaProblems(json), []);
  assert.equal(Object.keys(resourcesOf(json, "srv6_router")).length, 9);
  assert.equal(Object.keys(resourcesOf(json, "srv6_protected_link")).length, 6);
  const fast = resourcesOf(json, "srv6_protected_link")["r1-r2"]!;
  assert.equal(fast.probe_interval_ms, 5, "per-link override");
  assert.equal(fast.multiplier, 4);
  assert.equal(resourcesOf(json, "srv6_protected_link")["r4-r5"]!.probe_interval_ms, 10, "product default");
  assert.ok(Object.keys(resourcesOf(json, "srv6_backup_policy")).length >= 10, "backup policies for the corner prefixes");
});

test("low-level resources alone synthesize the schema shapes with Terraform references", () => {
  const stack = new TerraformStack(testApp(), "lowlevel");
  new resources.Srv6Provider(stack, "srv6", { parallelism: 4, accept_new_host_keys: false });
  const r1 = new resources.Srv6Router(stack, "r1", {
    name: "r1", host: "192.0.2.1", locator: "fc00:0:1::/48", node_sid: "fc00:0:1:1::", decap_sid: "fc00:0:1:2::",
    adjacency_sids: [{ sid: "fc00:0:1:1001::", interface: "eth1", nexthop: "fd00:0:0:1::2" }],
  });
  const r2 = new resources.Srv6Router(stack, "r2", {
    name: "r2", host: "192.0.2.2", user: "ops", sudo: true, locator: "fc00:0:2::/48", node_sid: "fc00:0:2:1::", decap_sid: "fc00:0:2:2::",
    adjacency_sids: [{ sid: "fc00:0:2:1001::", interface: "eth1", nexthop: "fd00:0:0:1::1" }],
  });
  const link = new resources.Srv6ProtectedLink(stack, "r1-r2", {
    name: "r1-r2",
    router_a: r1.nameRef, interface_a: "eth1", peer_address_a: "fd00:0:0:1::2", monitor_sid_a: "fc00:0:1:2001::", return_sid_a: "fc00:0:2:1001::",
    router_b: r2.nameRef, interface_b: "eth1", peer_address_b: "fd00:0:0:1::1", monitor_sid_b: "fc00:0:2:2001::", return_sid_b: "fc00:0:1:1001::",
    probe_interval_ms: 1,
  });
  new resources.Srv6BackupPolicy(stack, "r1-h2", {
    name: "r1-h2", router: r1.nameRef, link: link.nameRef, prefixes: ["2001:db8:2::/64"], segments: ["fc00:0:2:1001::", "fc00:0:2:2::"],
  });
  const text = Testing.synth(stack, true);
  matchSnapshot("lowlevel", text);
  const json = synthJson(stack);
  assert.deepEqual(schemaProblems(json), []);
  const policy = Object.values(resourcesOf(json, "srv6_backup_policy"))[0]!;
  assert.equal(policy.router, "${srv6_router.r1.name}", "router is a reference");
  assert.match(String(policy.link), /^\$\{srv6_protected_link\..+\.name\}$/, "link is a reference");
  assert.deepEqual(json.provider?.srv6, [{ accept_new_host_keys: false, parallelism: 4 }]);
});

test("Testing.fullSynth writes a manifest and the same stack JSON", () => {
  const stack = new DiamondStack(testApp(), "diamond", { inventory: false });
  const outdir = Testing.fullSynth(stack);
  try {
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string; annotations: unknown[] }> };
    const entry = manifest.stacks.diamond!;
    assert.deepEqual(entry.annotations, [], "no warnings or errors");
    const written = JSON.parse(readFileSync(join(outdir, entry.synthesizedStackPath), "utf8")) as SynthesizedStack;
    const tested = JSON.parse(Testing.synth(new DiamondStack(testApp(), "diamond", { inventory: false }), true)) as SynthesizedStack;
    assert.deepEqual(Object.keys(written.resource ?? {}).sort(), ["srv6_backup_policy", "srv6_protected_link", "srv6_router"]);
    for (const type of Object.keys(tested.resource ?? {})) {
      assert.deepEqual(Object.keys(resourcesOf(written, type)).sort(), Object.keys(resourcesOf(tested, type)).sort(), type);
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
