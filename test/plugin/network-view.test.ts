/**
 * The Terraform provider's whole-network view, without tofu or routers: the
 * rule book's cross-resource rules over everything planned in one walk plus
 * what routers' records say; reported on the resource planned second, with
 * its attribute path; existence left to apply; destroyed resources forgotten.
 */
import { test } from "node:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import assert from "node:assert/strict";
import { NetworkView } from "../../provider/engine/plugin/network-view";
import type { TfObject } from "../../provider/plugin/backend";
import { UNKNOWN } from "../../provider/plugin/backend";
import type { AnyAppliedRecord } from "../../provider/engine/record";

const router = (n: number, extra: Record<string, unknown> = {}): TfObject => ({
  id: UNKNOWN, name: `r${n}`, host: `198.18.0.${10 + n}`, locator: `fc00:0:${n}::/48`, node_sid: `fc00:0:${n}:e::`, decap_sid: `fc00:0:${n}:d6::`, ...extra,
}) as TfObject;

test("network view: a locator overlapping one planned earlier fails the later plan, naming field and value", () => {
  const view = new NetworkView();
  assert.deepEqual(view.plan("srv6_router", null, router(2)), []);
  const d = view.plan("srv6_router", null, router(3, { locator: "fc00:0:2::/48", node_sid: "fc00:0:2:e::", decap_sid: "fc00:0:2:d6::" }));
  const fields = d.map((x) => JSON.stringify(x.path));
  assert.ok(fields.includes(JSON.stringify([{ attribute: "locator" }])), `locator: ${JSON.stringify(d)}`);
  assert.ok(fields.includes(JSON.stringify([{ attribute: "node_sid" }])), "duplicate node SID");
  assert.ok(fields.includes(JSON.stringify([{ attribute: "decap_sid" }])), "duplicate decap SID");
  const locator = d.find((x) => x.path?.[0] && "attribute" in x.path[0] && x.path[0].attribute === "locator")!;
  assert.match(locator.detail!, /srv6_router\.r3\.locator = "fc00:0:2::\/48": overlaps the locator fc00:0:2::\/48 of srv6_router\.r2/);
});

test("network view: what routers' records say counts too; a resource planned for destruction does not", () => {
  const view = new NetworkView();
  const record = { version: 2, bundle: { router: "r2", routers: [{ name: "r2", host: "198.18.0.12", locator: "fc00:0:2::/48", node_sid: "fc00:0:2:e::", decap_sid: "fc00:0:2:d6::" }], links: [], policies: [] }, operations: [], committedAt: "", by: "" } as unknown as AnyAppliedRecord;
  view.addRecord(record);
  const clash = router(5, { locator: "fc00:0:2::/56", node_sid: "fc00:0:2:5::", decap_sid: "fc00:0:2:6::" });
  assert.ok(view.plan("srv6_router", null, clash).some((x) => /overlaps the locator fc00:0:2::\/48 of srv6_router\.r2/.test(x.detail ?? "")));
  view.plan("srv6_router", router(2), null);
  assert.deepEqual(view.plan("srv6_router", null, clash), [], "r2 goes in the same apply: no conflict");
});

const link = { id: UNKNOWN, name: "l12", router_a: "r1", interface_a: "eth1", peer_address_a: "fd00::2", monitor_sid_a: "fc00:0:1:b1::", return_sid_a: "fc00:0:2:e1::",
  router_b: "r2", interface_b: "eth1", peer_address_b: "fd00::1", monitor_sid_b: "fc00:0:2:b1::", return_sid_b: "fc00:0:1:e1::" } as TfObject;
const policy = { id: UNKNOWN, name: "p1", router: "r1", link: "l12", prefixes: ["2001:db8:2::/64"], segments: ["fc00:0:4:d6::"] } as TfObject;

const lastSegment = (e: unknown) => (e as { diagnostics: { detail?: string; path?: unknown }[] }).diagnostics
  .some((d) => /last segment must be the decap_sid/.test(d.detail ?? "") && JSON.stringify(d.path) === JSON.stringify([{ attribute: "segments" }, { index: 0 }]));

test("network view: existence and 'some router's SID' wait for apply, which knows what the plan walk planned", () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "s6view-")), "planned.json");
  try {
    const planWalk = new NetworkView(file);
    planWalk.plan("srv6_router", null, router(1));
    assert.deepEqual(planWalk.plan("srv6_protected_link", null, link), [], "r2 may be planned later: not reported at plan");
    assert.deepEqual(planWalk.plan("srv6_backup_policy", null, policy), [], "r4 may be planned later: not reported at plan");
    assert.throws(() => planWalk.assertValid("srv6_backup_policy", "p1"), lastSegment, "at apply, no router owns fc00:0:4:d6::");
    planWalk.plan("srv6_router", null, router(2));
    planWalk.plan("srv6_router", null, router(4));

    const applyWalk = new NetworkView(file);
    applyWalk.plan("srv6_router", null, router(1));
    applyWalk.plan("srv6_backup_policy", null, policy);
    applyWalk.assertValid("srv6_backup_policy", "p1"); // r4 is known from the plan walk, not yet planned here
    applyWalk.plan("srv6_router", router(4), null);
    assert.throws(() => applyWalk.assertValid("srv6_backup_policy", "p1"), lastSegment, "r4 planned for destruction no longer counts");
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});

test("network view: a conflict a later resource brings is reported on it, naming the earlier one's field", () => {
  const view = new NetworkView();
  view.plan("srv6_router", null, router(1));
  view.plan("srv6_router", null, router(2));
  const d = view.plan("srv6_protected_link", null, { ...link, peer_address_a: "fc00:0:2:e::" } as TfObject);
  assert.ok(d.some((x) => /because of srv6_protected_link\.l12/.test(x.summary) || /peer_address_a/.test(x.detail ?? "")), JSON.stringify(d));
});

test("network view: unknown values (references not yet known) are not checked", () => {
  const view = new NetworkView();
  view.plan("srv6_router", null, router(2));
  assert.deepEqual(view.plan("srv6_router", null, router(3, { locator: UNKNOWN })), []);
});

test("network view: a second resource under a name already planned is a duplicate", () => {
  const view = new NetworkView();
  assert.deepEqual(view.plan("srv6_router", null, router(1)), []);
  const d = view.plan("srv6_router", null, router(3, { name: "r1" }));
  assert.ok(d.some((x) => /duplicate srv6_router name/.test(x.detail ?? "") && JSON.stringify(x.path) === JSON.stringify([{ attribute: "name" }])), JSON.stringify(d));
});

test("network view: per-prefix policies destroyed while a per-destination one takes their prefixes (a state upgrade) plan and apply in any order", () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "s6view-")), "planned.json");
  const old = (n: number) => ({ name: `old-${n}`, router: "r1", link: "l12", prefixes: [`2001:db8:${n}::/64`], segments: ["fc00:0:4:d6::"] });
  const record = { version: 2, bundle: { router: "r1", routers: [], links: [], policies: [old(2), old(3)] }, operations: [], committedAt: "", by: "" } as unknown as AnyAppliedRecord;
  const next = { ...policy, name: "l12-r1-to-r4", prefixes: ["2001:db8:2::/64", "2001:db8:3::/64"] } as TfObject;
  try {
    const planWalk = new NetworkView(file);
    planWalk.addRecord(record); // refresh read the old policies, still in state
    for (const n of [1, 2, 4]) planWalk.plan("srv6_router", null, router(n));
    planWalk.plan("srv6_protected_link", null, link);
    assert.deepEqual(planWalk.plan("srv6_backup_policy", null, next), [], "planned before the old ones' destroys: a recorded-only policy does not count at plan");
    planWalk.plan("srv6_backup_policy", { ...old(2), id: "old-2" } as TfObject, null);
    planWalk.plan("srv6_backup_policy", { ...old(3), id: "old-3" } as TfObject, null);

    const applyWalk = new NetworkView(file);
    applyWalk.plan("srv6_backup_policy", null, next);
    applyWalk.addRecord(record); // the create's edit reads r1's record, the old policies still in it
    applyWalk.assertValid("srv6_backup_policy", "l12-r1-to-r4"); // they are going: the plan walk said so
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});

test("network view: at apply, a recorded policy no walk destroys still conflicts (another workspace keeps it)", () => {
  const view = new NetworkView();
  for (const n of [1, 2, 4]) view.plan("srv6_router", null, router(n));
  view.plan("srv6_protected_link", null, link);
  const theirs = { name: "theirs", router: "r1", link: "l12", prefixes: ["2001:db8:2::/48"], segments: ["fc00:0:4:d6::"] };
  view.addRecord({ version: 2, bundle: { router: "r1", routers: [], links: [], policies: [theirs] }, operations: [], committedAt: "", by: "" } as unknown as AnyAppliedRecord);
  assert.deepEqual(view.plan("srv6_backup_policy", null, policy), [], "not at plan: it may be going");
  assert.throws(() => view.assertValid("srv6_backup_policy", "p1"), (e: unknown) => (e as { diagnostics: { detail?: string; path?: unknown }[] }).diagnostics
    .some((d) => /overlaps prefixes\[0\] = 2001:db8:2::\/48 of srv6_backup_policy\.theirs on router r1/.test(d.detail ?? "") && JSON.stringify(d.path) === JSON.stringify([{ attribute: "prefixes" }, { index: 0 }])));
});
