/**
 * Policies per destination, where state from before meets the provider:
 * the schema-version-0 upgrader (one `prefix` -> `prefixes`), the router
 * records written then (read in today's shape), and the claim that lets the
 * per-destination policy and the per-prefix ones it replaces be applied in
 * any order on a router.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { POLICY_SCHEMA_VERSION, upgradePolicyState } from "../../provider/engine/plugin/policy-upgrade";
import { withClaimedPrefixes } from "../../provider/engine/plugin/policy-claim";
import { readAppliedRecord } from "../../provider/engine/record";
import type { BackupPolicyConfig } from "../../model/schema";

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

test("the policy applied first takes its prefixes from the others on its router; one left with none leaves", () => {
  const p = (name: string, prefixes: string[]): BackupPolicyConfig => ({ name, router: "r1", link: "r1-r2", prefixes, segments });
  const old = [p("old-a", ["2001:db8:2::/64"]), p("old-b", ["2001:db8:3::/64"]), p("other", ["2001:db8:9::/64", "2001:db8:3::/64"])];
  const next = p("r1-r2-r1-to-r4", ["2001:db8:2::/64", "2001:db8:3::/64"]);
  assert.deepEqual(withClaimedPrefixes(old, next), [p("other", ["2001:db8:9::/64"]), next]);
  // Applied again (or after the old ones were deleted): the same.
  assert.deepEqual(withClaimedPrefixes(withClaimedPrefixes(old, next), next), [p("other", ["2001:db8:9::/64"]), next]);
  // An update of a policy replaces it by name.
  assert.deepEqual(withClaimedPrefixes([next], { ...next, prefixes: ["2001:db8:2::/64"] }), [{ ...next, prefixes: ["2001:db8:2::/64"] }]);
});
