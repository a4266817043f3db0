/**
 * The provider under the real OpenTofu binary, with the fake backend
 * (test/plugin/fake-backend.ts) standing in for the engine and its routers.
 *
 *   tofu ──go-plugin/gRPC/mTLS──> terraform-provider-srv6 ──> fake backend
 *                                  (from the filesystem         (JSON file =
 *                                   mirror of install-provider)   "the routers")
 *
 * One workspace walks the whole life of a small network: init through the
 * mirror (no network), plan with unknown values, apply, an empty
 * plan -detailed-exitcode, update in place, replace, drift and repair,
 * state upgrade, import and destroy. Everything lives in one temp dir that
 * is removed at the end, also on failure.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, TofuWorkspace } from "./tofu-workspace";

interface NetworkOptions {
  r2User?: string;
  probeIntervalMs?: number;
  policyRouter?: "r1" | "r2";
  withImportedLink?: boolean;
}

function network(o: NetworkOptions = {}): string {
  return `
terraform {
  required_providers {
    srv6 = { source = "srv6-protect/srv6", version = "0.1.0" }
  }
}

provider "srv6" {
  parallelism = 4
}

resource "srv6_router" "r1" {
  name      = "r1"
  host      = "127.0.0.1"
  locator   = "fc00:1::/48"
  node_sid  = "fc00:1::1"
  decap_sid = "fc00:1::d6"
  adjacency_sids = [{ sid = "fc00:1::e2", interface = "r1-r2", nexthop = "fe80::2" }]
}

resource "srv6_router" "r2" {
  name      = "r2"
  host      = "127.0.0.2"${o.r2User ? `\n  user      = "${o.r2User}"` : ""}
  locator   = "fc00:2::/48"
  node_sid  = "fc00:2::1"
  decap_sid = "fc00:2::d6"
}

resource "srv6_protected_link" "l12" {
  name              = "l12"
  router_a          = srv6_router.r1.id
  interface_a       = "r1-r2"
  peer_address_a    = "fe80::2"
  monitor_sid_a     = "fc00:1::b1"
  return_sid_a      = "fc00:2::e1"
  router_b          = srv6_router.r2.id
  interface_b       = "r2-r1"
  peer_address_b    = "fe80::1"
  monitor_sid_b     = "fc00:2::b1"
  return_sid_b      = "fc00:1::e2"
  probe_interval_ms = ${o.probeIntervalMs ?? 10}
}

resource "srv6_backup_policy" "p1" {
  name     = "p1"
  router   = srv6_router.${o.policyRouter ?? "r1"}.id
  link     = srv6_protected_link.l12.id
  prefixes = ["2001:db8:2::/64"]
  segments = ["fc00:3::1", "fc00:2::d6"]
}
${
  o.withImportedLink
    ? `
resource "srv6_protected_link" "l23" {
  name           = "l23"
  router_a       = "r2"
  interface_a    = "r2-r3"
  peer_address_a = "fe80::3"
  monitor_sid_a  = "fc00:2::b3"
  return_sid_a   = "fc00:3::e2"
  router_b       = "r3"
  interface_b    = "r3-r2"
  peer_address_b = "fe80::2"
  monitor_sid_b  = "fc00:3::b2"
  return_sid_b   = "fc00:2::e3"
  multiplier     = 4
}
`
    : ""
}`;
}

interface PlanJson {
  resource_changes?: Array<{
    address: string;
    change: { actions: string[]; after_unknown?: Record<string, unknown>; after?: Record<string, unknown>; replace_paths?: unknown[][] };
  }>;
}

async function planJson(ws: TofuWorkspace, extra: string[] = []): Promise<PlanJson> {
  const plan = await ws.tofu(["plan", "-no-color", "-input=false", "-out=tfplan", ...extra]);
  assert.equal(plan.code, 0, `tofu plan: ${describe(plan)}`);
  const show = await ws.tofu(["show", "-json", "-no-color", "tfplan"]);
  assert.equal(show.code, 0, `tofu show: ${describe(show)}`);
  return JSON.parse(show.stdout) as PlanJson;
}

function changeOf(plan: PlanJson, address: string) {
  const rc = plan.resource_changes?.find((c) => c.address === address);
  assert.ok(rc, `plan has a change for ${address}: ${JSON.stringify(plan.resource_changes?.map((c) => c.address))}`);
  return rc.change;
}

async function applyPlan(ws: TofuWorkspace): Promise<void> {
  const apply = await ws.tofu(["apply", "-no-color", "-input=false", "tfplan"]);
  assert.equal(apply.code, 0, `tofu apply: ${describe(apply)}`);
}

async function assertNoChanges(ws: TofuWorkspace, extra: string[] = []): Promise<void> {
  const plan = await ws.tofu(["plan", "-no-color", "-input=false", "-detailed-exitcode", ...extra]);
  assert.equal(plan.code, 0, `plan -detailed-exitcode is empty: ${describe(plan)}`);
}

test("tofu drives the srv6 provider through a whole lifecycle", { timeout: 600_000 }, async (t) => {
  const ws = new TofuWorkspace("srv6-plugin-life-");
  try {
    ws.writeConfig(network());

    await t.test("init installs the provider from the mirror, without network", async () => {
      const init = await ws.tofu(["init", "-no-color", "-input=false"]);
      assert.equal(init.code, 0, `tofu init: ${describe(init)}`);
      assert.match(init.stdout, /Installed srv6-protect\/srv6 v0\.1\.0/);
      const installed = path.join(ws.dir, ".terraform/providers/registry.opentofu.org/srv6-protect/srv6/0.1.0/linux_amd64");
      assert.ok(fs.existsSync(installed), `${installed} exists`);
      assert.match(fs.readFileSync(path.join(ws.dir, ".terraform.lock.hcl"), "utf8"), /registry\.opentofu\.org\/srv6-protect\/srv6/);
    });

    await t.test("plan shows values that depend on computed ids as unknown", async () => {
      const plan = await planJson(ws);
      const link = changeOf(plan, "srv6_protected_link.l12");
      assert.deepEqual(link.actions, ["create"]);
      assert.equal(link.after_unknown?.router_a, true, "router_a = srv6_router.r1.id is unknown until r1 exists");
      assert.equal(link.after_unknown?.id, true, "id is computed");
      assert.equal(link.after?.interface_a, "r1-r2");
      const r1 = changeOf(plan, "srv6_router.r1");
      assert.deepEqual(r1.after?.adjacency_sids, [{ sid: "fc00:1::e2", interface: "r1-r2", nexthop: "fe80::2" }]);
    });

    await t.test("apply creates every resource; the next plan is empty", async () => {
      await applyPlan(ws);
      const world = ws.world();
      assert.deepEqual(Object.keys(world.resources).sort(), ["srv6_backup_policy/p1", "srv6_protected_link/l12", "srv6_router/r1", "srv6_router/r2"]);
      assert.equal(world.resources["srv6_protected_link/l12"].router_a, "r1", "the unknown became r1's id at apply");
      assert.equal(world.resources["srv6_backup_policy/p1"].link, "l12");
      assert.deepEqual(world.configured, { parallelism: 4 }, "the provider block reached configure()");
      await assertNoChanges(ws);
    });

    await t.test("a changed probe interval is updated in place", async () => {
      ws.writeConfig(network({ probeIntervalMs: 5 }));
      const plan = await planJson(ws);
      assert.deepEqual(changeOf(plan, "srv6_protected_link.l12").actions, ["update"]);
      const before = ws.world().calls.length;
      await applyPlan(ws);
      const world = ws.world();
      assert.equal(world.resources["srv6_protected_link/l12"].probe_interval_ms, 5);
      assert.deepEqual(world.calls.slice(before), [{ op: "update", type: "srv6_protected_link", name: "l12" }]);
      await assertNoChanges(ws);
    });

    await t.test("moving a policy to another router replaces it", async () => {
      ws.writeConfig(network({ probeIntervalMs: 5, policyRouter: "r2" }));
      const plan = await planJson(ws);
      const change = changeOf(plan, "srv6_backup_policy.p1");
      assert.deepEqual(change.actions, ["delete", "create"]);
      assert.deepEqual(change.replace_paths, [["router"]]);
      const before = ws.world().calls.length;
      await applyPlan(ws);
      const world = ws.world();
      assert.equal(world.resources["srv6_backup_policy/p1"].router, "r2");
      assert.deepEqual(world.calls.slice(before).map((c) => `${c.op} ${c.name}`), ["delete p1", "create p1"]);
      await assertNoChanges(ws);
    });

    await t.test("a failing apply reports the router, command, exit code and stderr, and keeps the old state", async () => {
      ws.writeConfig(network({ probeIntervalMs: 5, policyRouter: "r2", r2User: "unreachable" }));
      const apply = await ws.tofu(["apply", "-no-color", "-input=false", "-auto-approve"]);
      assert.equal(apply.code, 1, `apply fails: ${describe(apply)}`);
      assert.match(apply.stderr, /r2/);
      assert.match(apply.stderr, /ip -6 route replace/);
      assert.match(apply.stderr, /exit code: 2/);
      assert.match(apply.stderr, /RTNETLINK answers: No route to host/);
      assert.equal(ws.world().resources["srv6_router/r2"].user, null, "the router was not changed");
      ws.writeConfig(network({ probeIntervalMs: 5, policyRouter: "r2" }));
      await assertNoChanges(ws);
    });

    await t.test("drift on a router shows in plan and apply repairs it", async () => {
      const world = ws.world();
      world.resources["srv6_protected_link/l12"].probe_interval_ms = 50; // someone changed the router by hand
      ws.setWorld(world);
      const plan = await ws.tofu(["plan", "-no-color", "-input=false", "-detailed-exitcode"]);
      assert.equal(plan.code, 2, `plan sees the drift: ${describe(plan)}`);
      assert.match(plan.stdout, /srv6_protected_link\.l12 will be updated in-place/);
      assert.match(plan.stdout, /probe_interval_ms\s+= 50 -> 5/);
      const apply = await ws.tofu(["apply", "-no-color", "-input=false", "-auto-approve"]);
      assert.equal(apply.code, 0, `apply repairs: ${describe(apply)}`);
      assert.equal(ws.world().resources["srv6_protected_link/l12"].probe_interval_ms, 5);
      await assertNoChanges(ws);
    });

    await t.test("state written with schema version 0 is upgraded", async () => {
      const stateFile = path.join(ws.dir, "terraform.tfstate");
      const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as {
        resources: Array<{ type: string; instances: Array<{ schema_version: number; attributes: Record<string, unknown> }> }>;
      };
      const link = state.resources.find((r) => r.type === "srv6_protected_link")!.instances[0];
      assert.equal(link.schema_version, 1);
      // What an older provider would have stored: the interval under its old name.
      const { probe_interval_ms, ...rest } = link.attributes;
      link.schema_version = 0;
      link.attributes = { ...rest, interval_ms: probe_interval_ms };
      fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
      // -refresh=false: only the upgrade (not a read of the routers) can make the plan empty.
      await assertNoChanges(ws, ["-refresh=false"]);
      const apply = await ws.tofu(["apply", "-no-color", "-input=false", "-auto-approve", "-refresh=false"]);
      assert.equal(apply.code, 0, describe(apply));
      const upgraded = JSON.parse(fs.readFileSync(stateFile, "utf8")) as typeof state;
      const after = upgraded.resources.find((r) => r.type === "srv6_protected_link")!.instances[0];
      assert.equal(after.schema_version, 1);
      assert.equal(after.attributes.probe_interval_ms, 5);
      assert.ok(!("interval_ms" in after.attributes));
    });

    await t.test("import adopts an existing protected link", async () => {
      const world = ws.world();
      world.resources["srv6_protected_link/l23"] = {
        name: "l23", router_a: "r2", interface_a: "r2-r3", peer_address_a: "fe80::3", monitor_sid_a: "fc00:2::b3", return_sid_a: "fc00:3::e2",
        router_b: "r3", interface_b: "r3-r2", peer_address_b: "fe80::2", monitor_sid_b: "fc00:3::b2", return_sid_b: "fc00:2::e3",
        probe_interval_ms: null, multiplier: 4, hold_down_ms: null, id: "l23",
      };
      ws.setWorld(world);
      ws.writeConfig(network({ probeIntervalMs: 5, policyRouter: "r2", withImportedLink: true }));
      const missing = await ws.tofu(["import", "-no-color", "-input=false", "srv6_protected_link.l23", "nope"]);
      assert.equal(missing.code, 1, describe(missing));
      assert.match(missing.stderr, /Cannot import srv6_protected_link "nope": not found/);
      const imp = await ws.tofu(["import", "-no-color", "-input=false", "srv6_protected_link.l23", "l23"]);
      assert.equal(imp.code, 0, `tofu import: ${describe(imp)}`);
      assert.match(imp.stdout, /Import successful/);
      await assertNoChanges(ws);
    });

    await t.test("destroy removes everything", async () => {
      const destroy = await ws.tofu(["destroy", "-no-color", "-input=false", "-auto-approve"]);
      assert.equal(destroy.code, 0, `tofu destroy: ${describe(destroy)}`);
      assert.match(destroy.stdout, /Resources: 5 destroyed/);
      assert.deepEqual(ws.world().resources, {});
    });

    await t.test("every provider process shut down and removed its socket", () => {
      assert.deepEqual(ws.leftoverSockets(), []);
    });
  } finally {
    ws.cleanup();
  }
});
