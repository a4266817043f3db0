/**
 * The example apps model exactly the lab's topologies (examples/lab/*.json,
 * addressed by lab/topology/addressing.ts), take connection settings from a
 * lab inventory, and synthesize through the real `cdktf synth` CLI.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { testApp } from "./helpers/app";
import { DiamondStack } from "../../examples/diamond/main";
import { MeshStack } from "../../examples/mesh/main";
import type { ProtectedNetwork } from "../../constructs";
import { loadTopology } from "../../lab/topology/load";
import { planLab } from "../../lab/topology/addressing";
import type { Inventory } from "../../lab/inventory";
import { repoRoot } from "./helpers/snapshot";
import { resourcesOf, synthJson, type SynthesizedStack } from "./helpers/synth";
import { NodeStack } from "../../examples/node/main";

const ROOT = repoRoot();

function assertMatchesLab(network: ProtectedNetwork, labFile: string): void {
  const plan = planLab(loadTopology(join(ROOT, "examples", "lab", labFile)));
  assert.deepEqual(network.routers.map((r) => [r.routerName, r.locator]), plan.routers.map((r) => [r.name, r.locator]), "routers and locators, in order");
  const labLinks = plan.links.filter((l) => l.betweenRouters).map((l) => [l.a.node, l.a.ifname, l.a.address, l.b.node, l.b.ifname, l.b.address, l.metric]);
  const ourLinks = network.links.map((l) => [l.routerA.routerName, l.interfaceA, l.addressA, l.routerB.routerName, l.interfaceB, l.addressB, l.metric]);
  assert.deepEqual(ourLinks, labLinks, "links: ends, interfaces, addresses, metrics, in the lab's order");
  for (const r of network.routers) {
    assert.deepEqual([...r.prefixes].sort(), plan.hosts.filter((h) => h.router === r.routerName).map((h) => h.prefix).sort(), `prefixes behind ${r.routerName}`);
  }
}

function assertConnectionsMatchLab(json: SynthesizedStack, labFile: string): void {
  const plan = planLab(loadTopology(join(ROOT, "examples", "lab", labFile)));
  const routers = resourcesOf(json, "srv6_router");
  for (const r of plan.routers) {
    const res = routers[r.name]!;
    assert.equal(res.host, r.mgmtAddress, `${r.name} management address`);
    assert.equal(res.user, r.user, `${r.name} user`);
    assert.equal(res.sudo, r.user !== "root", `${r.name} sudo`);
    assert.equal(res.private_key_file, `/run/srv6-lab/${plan.name}/id_ed25519`);
  }
}

test("diamond example models examples/lab/diamond.json exactly", () => {
  const stack = new DiamondStack(testApp(), "diamond", { inventory: false });
  assertMatchesLab(stack.network, "diamond.json");
  assertConnectionsMatchLab(synthJson(stack), "diamond.json");
});

test("mesh example models examples/lab/mesh.json exactly", () => {
  const stack = new MeshStack(testApp(), "mesh", { inventory: false });
  assertMatchesLab(stack.network, "mesh.json");
  assertConnectionsMatchLab(synthJson(stack), "mesh.json");
});

test("node example models examples/lab/node.json exactly", () => {
  const stack = new NodeStack(testApp(), "node", { inventory: false });
  assertMatchesLab(stack.network, "node.json");
  assertConnectionsMatchLab(synthJson(stack), "node.json");
});

test("connection settings come from the inventory named by SRV6_INVENTORY", () => {
  const dir = mkdtempSync(join(tmpdir(), "a5-constructs-inv-"));
  const saved = process.env.SRV6_INVENTORY;
  try {
    const router = (i: number, user: string) => ({
      host: `203.0.113.${i}`, port: 2200 + i, user, sudo: user !== "root",
      privateKeyFile: `${dir}/key`, knownHostsFile: `${dir}/kh`, hostKeySha256: `SHA256:${"A".repeat(42)}${i}`,
      netns: `s6-x-r${i}`, pid: 1, locator: `fc00:0:${i}::/48`, loopback: `fc00:0:${i}::1`, interfaces: {},
    });
    const inventory: Inventory = {
      lab: "diamond", stateDir: dir, privateKeyFile: `${dir}/key`, knownHostsFile: `${dir}/kh`,
      routers: { r1: router(1, "root"), r2: router(2, "root"), r3: router(3, "root"), r4: router(4, "srv6ops") },
      hosts: {}, links: [],
    };
    const file = join(dir, "inventory.json");
    writeFileSync(file, JSON.stringify(inventory));
    process.env.SRV6_INVENTORY = file;
    const json = synthJson(new DiamondStack(testApp(), "diamond"));
    const r4 = resourcesOf(json, "srv6_router").r4!;
    assert.equal(r4.host, "203.0.113.4");
    assert.equal(r4.port, 2204);
    assert.equal(r4.user, "srv6ops");
    assert.equal(r4.sudo, true);
    assert.equal(r4.host_key_sha256, `SHA256:${"A".repeat(42)}4`);
    assert.equal(r4.known_hosts_file, `${dir}/kh`);

    writeFileSync(file, JSON.stringify({ ...inventory, routers: { r1: inventory.routers.r1 } }));
    assert.throws(() => new DiamondStack(testApp(), "diamond"), /router "r2" is missing/);
  } finally {
    if (saved === undefined) delete process.env.SRV6_INVENTORY;
    else process.env.SRV6_INVENTORY = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const name of ["diamond", "mesh"]) {
  test(`npx cdktf synth works for examples/${name} (real CLI, compiled app)`, () => {
    const out = mkdtempSync(join(tmpdir(), `a5-constructs-synth-${name}-`));
    try {
      execFileSync("npx", ["--no-install", "cdktf", "synth", "--output", out], {
        cwd: join(ROOT, "examples", name),
        env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1", SRV6_INVENTORY: "" },
        stdio: "pipe",
        timeout: 120_000,
      });
      const json = JSON.parse(readFileSync(join(out, "stacks", name, "cdk.tf.json"), "utf8")) as SynthesizedStack;
      const expected = JSON.parse(Testing.synth(name === "diamond" ? new DiamondStack(testApp(), name) : new MeshStack(testApp(), name), true)) as SynthesizedStack;
      assert.deepEqual(Object.keys(resourcesOf(json, "srv6_backup_policy")).sort(), Object.keys(resourcesOf(expected, "srv6_backup_policy")).sort());
      for (const [key, policy] of Object.entries(resourcesOf(json, "srv6_backup_policy"))) {
        assert.deepEqual(policy.segments, resourcesOf(expected, "srv6_backup_policy")[key]!.segments, `${key} segments`);
      }
      assert.deepEqual(json.terraform?.required_providers?.srv6, { source: "srv6-protect/srv6", version: "0.1.0" });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}
