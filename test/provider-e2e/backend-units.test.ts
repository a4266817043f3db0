/**
 * The engine backend's pure parts: Terraform values <-> recorded configs
 * (the consistency rule: the user's spelling survives when the router
 * agrees), drift in `id`, plan's replace rules, per-resource validation with
 * attribute paths, and the in-process router locks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { mergeObserved, normalize, routerFromTf } from "../../provider/engine/plugin/convert";
import { idWithDrift, routerHandler } from "../../provider/engine/plugin/handlers";
import { pathOfField, validateOne } from "../../provider/engine/plugin/validate";
import { RouterLocks } from "../../provider/engine/plugin/router-locks";
import { RouterDirectory } from "../../provider/engine/plugin/connections";
import { NetworkView } from "../../provider/engine/plugin/network-view";
import { RouterStates } from "../../provider/engine/plugin/routers";
import type { Engine } from "../../provider/engine/engine";
import { withRenderDiagnostics } from "../../provider/engine/plugin/render-errors";
import { DataplaneInputError, DataplaneValidationError } from "../../provider/dataplane/errors";
import { Srv6Error } from "../../provider/errors";
import { BackendError } from "../../provider/plugin/backend";
import type { RouterConfig } from "../../model/schema";
import type { TfObject } from "../../provider/plugin/values";
import { UNKNOWN } from "../../provider/plugin/values";

const routerState = (over: Partial<TfObject> = {}): TfObject => ({
  name: "r1", host: "10.0.0.1", port: null, user: null, private_key_file: null, known_hosts_file: null, host_key_sha256: null,
  jump_host: null, sudo: null, locator: "fc00:0:1:0::/48", source_address: null, node_sid: "fc00:0:1:1:0::", decap_sid: "fc00:0:1:2::",
  adjacency_sids: null, id: "r1", ...over,
});

test("read keeps the declared spelling when the record means the same", () => {
  const recorded = normalize("srv6_router", routerFromTf(routerState())) as RouterConfig;
  assert.equal(recorded.node_sid, "fc00:0:1:1::", "records hold canonical addresses");
  assert.equal(recorded.port, 22, "and defaults");
  assert.deepEqual(mergeObserved("srv6_router", routerState(), recorded), routerState(), "no perpetual diff");
});

test("read shows the router's value where it differs, and only there", () => {
  const recorded = { ...(normalize("srv6_router", routerFromTf(routerState())) as RouterConfig), decap_sid: "fc00:0:1:3::" };
  const out = mergeObserved("srv6_router", routerState(), recorded);
  assert.equal(out.decap_sid, "fc00:0:1:3::");
  assert.equal(out.node_sid, "fc00:0:1:1:0::", "other attributes keep the user's spelling");
  assert.equal(out.port, null);
});

test("drift is carried by id", () => {
  assert.equal(idWithDrift("r1", []), "r1");
  assert.equal(idWithDrift("r1", ["r1: probe sender not running"]), "r1 (drift: r1: probe sender not running)");
  assert.equal(idWithDrift("l", ["a", "b", "c"]), "l (drift: a; and 2 more)");
});

test("plan: id is the name, host forces replacement, locator does not", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tfe2e-units-"));
  try {
    const handler = routerHandler({ directory: new RouterDirectory(path.join(dir, "routers.json")), states: undefined as never, network: new NetworkView() });
    const created = await handler.plan(null, routerState({ id: null }));
    assert.equal(created.planned.id, "r1");
    const drifted = await handler.plan(routerState({ id: "r1 (drift: x)" }), routerState({ id: "r1 (drift: x)" }));
    assert.equal(drifted.planned.id, "r1", "a drifted resource plans back to its name");
    assert.deepEqual(drifted.requiresReplace, []);
    const moved = await handler.plan(routerState(), routerState({ host: "10.0.0.2", locator: "fc00:0:9::/48" }));
    assert.deepEqual(moved.requiresReplace, [[{ attribute: "host" }]]);
    const unknownName = await handler.plan(null, routerState({ name: UNKNOWN }));
    assert.equal(unknownName.planned.id, UNKNOWN);
    // The router's SSH settings are remembered for other resources and later processes.
    const cache = JSON.parse(fs.readFileSync(path.join(dir, "routers.json"), "utf8")) as { routers: Record<string, RouterConfig> };
    assert.deepEqual(cache.routers.r1, { name: "r1", host: "10.0.0.2" });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("validation of one resource names the attribute path", () => {
  const diags = validateOne("srv6_router", routerState({ adjacency_sids: [{ sid: "fc00:0:2::1", interface: "eth1", nexthop: "fe80::1" }] }));
  assert.equal(diags.length, 1, JSON.stringify(diags));
  assert.deepEqual(diags[0]!.path, [{ attribute: "adjacency_sids" }, { index: 0 }, { attribute: "sid" }]);
  assert.match(diags[0]!.detail, /fc00:0:2::1.*must lie inside the router's locator/);
  assert.deepEqual(validateOne("srv6_router", routerState({ node_sid: UNKNOWN })), [], "unknown values are checked at apply");
  const link = { name: "l", router_a: "r1", interface_a: "eth1", peer_address_a: "fd00::2", monitor_sid_a: "fc00:0:1:2001::", return_sid_a: "fc00:0:2:1001::",
    router_b: "r1", interface_b: "eth2", peer_address_b: "fd00::1", monitor_sid_b: "fc00:0:2:2001::", return_sid_b: "fc00:0:1:1001::",
    probe_interval_ms: null, multiplier: null, hold_down_ms: null, id: null };
  const linkDiags = validateOne("srv6_protected_link", link);
  assert.deepEqual(linkDiags.map((d) => d.path), [[{ attribute: "router_b" }]], "same router at both ends; unknown routers are left to apply");
  assert.deepEqual(pathOfField("segments[2]"), [{ attribute: "segments" }, { index: 2 }]);
});

test("router locks serialize work on a router and never deadlock", async () => {
  const locks = new RouterLocks();
  const order: string[] = [];
  const job = (name: string, routers: string[], ms: number) => locks.withRouters(routers, async () => {
    order.push(`${name}+`);
    await new Promise((r) => setTimeout(r, ms));
    order.push(`${name}-`);
  });
  await Promise.all([job("a", ["r2", "r1"], 30), job("b", ["r1"], 5), job("c", ["r1", "r2"], 5), job("d", ["r3"], 1)]);
  const firstThree = order.filter((e) => !e.startsWith("d"));
  assert.deepEqual(firstThree, ["a+", "a-", "b+", "b-", "c+", "c-"], "jobs sharing a router run one after another");
  assert.ok(order.indexOf("d-") < order.indexOf("a-"), "a job on another router does not wait");
});

test("a router whose SSH settings changed gets a new connection (replace on host reaches the right machine)", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tfe2e-units-"));
  try {
    const directory = new RouterDirectory(path.join(dir, "routers.json"));
    let closed = 0;
    const fakeEngine = { pool: { connection: async () => ({ close: async () => { closed++; } }) } } as unknown as Engine;
    const states = new RouterStates(() => fakeEngine, directory);
    const old = { name: "r1", host: "10.0.0.1" } as RouterConfig;
    await states.useSettings(old);
    assert.equal(closed, 0, "nothing opened yet: nothing to close");
    directory.markOpened("r1", old);
    await states.useSettings(old);
    assert.equal(closed, 0, "same settings: the connection stays");
    await states.useSettings({ ...old, host: "10.0.0.2" });
    assert.equal(closed, 1, "new host: the old connection is closed");
    assert.equal(directory.lookup("r1")!.host, "10.0.0.2");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a bundle the renderer refuses becomes per-field diagnostics, with a path for the resource being applied", () => {
  const refused = new DataplaneValidationError("r3", [
    new DataplaneInputError("srv6_protected_link.bad", "interface_a", "eth9", "router r3 has no such interface"),
    new DataplaneInputError("srv6_router.r3", "adjacency_sids.0.interface", "eth7", "router r3 has no such interface"),
  ]);
  const err = withRenderDiagnostics(new Srv6Error("r3: cannot render", { router: "r3", cause: refused }), "srv6_protected_link.bad");
  assert.ok(err instanceof BackendError);
  assert.deepEqual(err.diagnostics.map((d) => [d.summary, d.path]), [
    ["Invalid srv6_protected_link.bad.interface_a on router r3", [{ attribute: "interface_a" }]],
    ["Invalid srv6_router.r3.adjacency_sids.0.interface on router r3", undefined],
  ]);
  const other = new Error("ssh down");
  assert.equal(withRenderDiagnostics(other, "x"), other, "other errors pass through");
});
