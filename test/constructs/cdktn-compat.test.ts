/**
 * cdktn compatibility: reruns the construct tests (snapshots, validation,
 * the examples against the lab files, both property tests) with `cdktf`
 * resolved to `cdktn` (a dev dependency, so it
 * always runs). Env CDKTN_MODULES may name another node_modules directory
 * with cdktn and a matching constructs to check another release, e.g.
 *   mkdir /tmp/cdktn && cd /tmp/cdktn && npm init -y && npm i --save-exact cdktn@0.24.0 constructs@10.6.0
 *   CDKTN_MODULES=/tmp/cdktn/node_modules node --test dist/test/constructs/cdktn-compat.test.js
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { CDKTN_ALIAS, cdktnVersion } from "./helpers/cdktn";

test("the constructs synthesize identically under cdktn", () => {
  const version = cdktnVersion();
  // cdktf is installed too: make sure the children really load cdktn.
  const loaded = spawnSync(process.execPath, ["--require", CDKTN_ALIAS, "-p", 'require("cdktf/package.json").name'], { encoding: "utf8" });
  assert.equal(loaded.stdout.trim(), "cdktn", `cdktf resolves to cdktn under the alias: ${loaded.stderr}`);
  const files = ["snapshot.test.js", "validation.test.js", "examples.test.js", "backup-paths.property.test.js", "node-srlg.property.test.js"].map((f) => join(__dirname, f));
  // Without NODE_TEST_CONTEXT the child runner prints TAP instead of reporting to this one.
  const { NODE_TEST_CONTEXT: _parent, ...env } = process.env;
  const result = spawnSync(process.execPath, ["--require", CDKTN_ALIAS, "--test", "--test-reporter=tap", ...files], {
    env: { ...env, PROPERTY_CASES: "100", UPDATE_SNAPSHOTS: "" },
    encoding: "utf8",
    timeout: 300_000,
  });
  const summary = (result.stdout.match(/^# (pass|fail) \d+$/gm) ?? []).join(", ");
  assert.equal(result.status, 0, `construct tests under cdktn ${version} failed (${summary}):\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-2000)}`);
  assert.match(summary, /# pass [1-9]\d*, # fail 0/, `cdktn ${version}: ${summary}`);
  // Every file ran: each reports its own tests, so the count covers all five.
  assert.ok(Number(/# pass (\d+)/.exec(summary)![1]) >= files.length, `cdktn ${version}: ${summary}`);
  console.log(`# cdktn ${version}: ${summary}`);
});
