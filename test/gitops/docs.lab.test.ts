/*
 * The ```sh samples of docs/gitops.md on a lab diamond of their own
 * (LAB/MGMT set to a unique name and a free subnet, as the page allows):
 *
 *          h1 - r1 ==(r1-r2 protected)== r2
 *               |                        |
 *               r3 --------------------- r4 - h2
 *
 * The walkthrough brings its lab up and down itself; the test takes it down
 * again whatever happens.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freeMgmtSubnet, uniqueLabName } from "../helpers/lab";
import { labDown } from "../../lab";
import { scratchTree, shellSamples } from "../graph/doc-samples";
import { COMMENT_MARKER } from "../../examples/gitops/plan-comment";

test("docs/gitops.md walkthrough: plan comment, apply, drift 0, tamper, drift exit 2", async () => {
  const [walkthrough, ...rest] = shellSamples("docs/gitops.md");
  assert.ok(walkthrough, "the page has a sample");
  assert.equal(rest.length, 0, "one sample");
  const lab = uniqueLabName("gr");
  const tree = scratchTree("graph-gitops-docs-");
  try {
    const r = await tree.run(walkthrough, { LAB: lab, MGMT: freeMgmtSubnet() }, 300_000);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const plan = readFileSync(join(tree.dir, "plan.md"), "utf8").split("\n");
    assert.equal(plan[0], COMMENT_MARKER);
    const page = readFileSync(join(__dirname, "../../../docs/gitops.md"), "utf8");
    assert.ok(page.includes(`\n${plan.slice(0, 3).join("\n")}\n`), `the page shows the real start of the comment:\n${plan.slice(0, 3).join("\n")}`);
    assert.match(r.stdout, /^drift exit code: 2$/m);
    assert.match(r.stdout, /^### srv6-protect drift check: 1 change\(s\) on 1 of 4 router\(s\)$/m);
    assert.match(r.stdout, /fc00:0:1:1::\/128/);
  } finally {
    await labDown(lab).catch(() => undefined);
    tree.remove();
  }
});
