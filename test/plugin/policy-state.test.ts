/**
 * Policies per destination, where state from before meets the provider:
 * the schema-version-0 upgrader (one `prefix` -> `prefixes`) and the router
 * records written then (read in today's shape).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { POLICY_SCHEMA_VERSION, upgradePolicyState } from "../../provider/engine/plugin/policy-upgrade";
import { readAppliedRecord } from "../../provider/engine/record";

const segments = ["fc00:0:3:1::", "fc00:0:4:2::"];

test("upgrade from schema version 0: prefix becomes a one-item prefixes, everything else kept", () => {
  assert.equal(POLICY_SCHEMA_VERSION, 1);
  const v0 = { id: "r1-r2-r1-2001-db8-2--_64", name: "r1-r2-r1-2001-db8-2--_64", router: "r1", link: "r1-r2", prefix: "2001:db8:2::/64", segments };
  assert.deepEqual(upgradePolicyState(0, v0), { id: v0.id, name: v0.name, router: "r1", link: "r1-r2", prefixes: ["2001:db8:2::/64"], segments });
  assert.throws(() => upgradePolicyState(2, v0), /no schema version 2 to upgrade from \(this provider writes version 1\)/);
});

test("a router record written with per-prefix policies reads in today's shape; today's records are left as they are", () => {
  const old = { version: 2, bundle: { router: "r1", routers: [], links: [], policies: [{ name: "p", router: "r1", link: "l", prefix: "2001:db8:2::/64", segments }] }, operations: [], committedAt: "", by: "" };
  assert.deepEqual(readAppliedRecord(old)!.bundle.policies, [{ name: "p", router: "r1", link: "l", prefixes: ["2001:db8:2::/64"], segments }]);
  const now = { ...old, bundle: { ...old.bundle, policies: [{ name: "p", router: "r1", link: "l", prefixes: ["2001:db8:2::/64"], segments }] } };
  assert.deepEqual(readAppliedRecord(now), now);
  assert.equal(readAppliedRecord(null), null);
});
