/*
 * The `srv6` command line without a router: help for the whole tool, for a
 * command group and for one verb; an unknown command exits 64.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { srv6InProcess } from "../helpers/cli";

const srv6 = srv6InProcess;

test("--help lists every verb and exits 0; no arguments prints the same and exits 64", async () => {
  const help = await srv6("--help");
  assert.equal(help.code, 0);
  for (const verb of ["plan", "apply", "drift", "reconcile", "status", "destroy", "graph", "install-provider", "lab up", "lab fail"]) {
    assert.match(help.stdout, new RegExp(`^  srv6 ${verb} `, "m"), `lists ${verb}`);
  }
  const none = await srv6();
  assert.equal(none.code, 64);
  assert.equal(none.stdout, help.stdout);
});

test("a command group's --help lists only its verbs (exit 0); the group alone exits 64", async () => {
  const lab = await srv6("lab", "--help");
  assert.equal(lab.code, 0, lab.stderr);
  const lines = lab.stdout.trim().split("\n").slice(1);
  assert.deepEqual(lines.map((l) => l.trim().split(/\s+/).slice(0, 3).join(" ")), ["srv6 lab up", "srv6 lab down", "srv6 lab status", "srv6 lab inventory", "srv6 lab exec", "srv6 lab fail", "srv6 lab fail-node", "srv6 lab fail-links", "srv6 lab heal", "srv6 lab heal-group", "srv6 lab reboot"]);
  const bare = await srv6("lab");
  assert.equal(bare.code, 64);
  assert.equal(bare.stdout, lab.stdout);
});

test("a verb's --help prints its usage; an unknown command names itself and the known ones (exit 64)", async () => {
  const plan = await srv6("plan", "--help");
  assert.equal(plan.code, 0);
  assert.match(plan.stdout, /^usage: srv6 plan \[--stack DIR\|FILE\].*--detailed-exitcode/);
  const bad = await srv6("labx");
  assert.equal(bad.code, 64);
  assert.match(bad.stderr, /unknown command 'labx'\. Known commands: plan, apply/);
  assert.equal(bad.stdout, "");
});
