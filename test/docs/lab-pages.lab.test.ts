/*
 * The ```sh samples that need a lab (README.md quickstart, docs/engine.md,
 * docs/troubleshooting.md), each on a lab diamond of its own: a unique name
 * and a free management subnet ($LAB, $MGMT; the pages' `bin/srv6 lab ...`
 * commands are pointed at it by adaptSample), always taken down.
 *
 *          h1 - r1 ==(r1-r2 protected)== r2
 *               |                        |
 *               r3 --------------------- r4 - h2
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { freeMgmtSubnet, uniqueLabName } from "../helpers/lab";
import { labDown } from "../../lab";
import { scratchTree } from "../graph/doc-samples";
import { adaptSample, pageSamples } from "./pages";

async function runOnLab(page: string, prefix: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const { run } = pageSamples(page);
  const lab = uniqueLabName(prefix);
  const tree = scratchTree(`docs-${prefix}-`);
  try {
    const script = run.map(adaptSample).join("\n");
    return await tree.run(script, { LAB: lab, MGMT: freeMgmtSubnet(), SRV6_INVENTORY: `/run/srv6-lab/${lab}/inventory.json` }, 150_000);
  } finally {
    await labDown(lab).catch(() => undefined);
    tree.remove();
  }
}

test("README.md quickstart: apply, a silent failure answered over the backup, status, no drift", async () => {
  const r = await runOnLab("README.md", "dcr");
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /3 packets transmitted, 3 received/, "ping across the failed link is answered");
  assert.match(r.stdout, /Apply complete/, "apply completed");
  for (const end of ["r1", "r2"]) {
    const row = r.stdout.match(new RegExp(`^r1-r2 +${end} +eth1 +down +\\S+ ms +\\d+ +\\d+ +(\\d+) +(\\d+) +running$`, "m"));
    assert.ok(row, `status shows r1-r2 down at ${end}:\n${r.stdout}`);
    assert.ok(Number(row[1]) >= 1, `${end} counted a failover`);
    assert.ok(Number(row[2]) >= 3, `${end} rerouted the pings (or their replies)`);
  }
  assert.match(r.stdout, /^No drift on 4 router\(s\)\.$/m, "no drift after the heal");
});

test("docs/engine.md: plan, apply, empty plan, drift names the sysctl, reconcile, destroy", async () => {
  const r = await runOnLab("docs/engine.md", "dce");
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^drift exit code: 2$/m, "drift exits 2");
  assert.match(r.stdout, /seg6_enabled/, "drift and reconcile name the sysctl");
});

test("docs/troubleshooting.md: drift kinds, reconcile, lab status, destroy", async () => {
  const r = await runOnLab("docs/troubleshooting.md", "dct");
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^drift exit code: 2$/m, "drift exits 2");
  assert.match(r.stdout, /^r2 sysctl net\.ipv6\.conf\.all\.seg6_enabled$/m, "the drift names r2's sysctl");
  assert.match(r.stdout, /proto 214|fc00:/, "our routes are listed on r1");
});
