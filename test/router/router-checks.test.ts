/*
 * The router tools (router/*.py) check their inputs with whole-string
 * matches: test/router/router_checks.py (plain python3, no namespaces, no
 * privileges) feeds values with a trailing newline to each of them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const REPO = join(__dirname, "../../..");

test("router tools refuse values with a trailing newline (python3 test/router/router_checks.py)", () => {
  const r = spawnSync("python3", [join(REPO, "test/router/router_checks.py")], { encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /\nOK\n?$/);
});
