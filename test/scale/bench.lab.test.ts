/**
 * Smoke run of the whole `npm run bench -- scale` path on a small generated
 * network (12 routers, one run): lab up, synth, apply from empty through the
 * real `srv6` CLI, no-op plan, drift check, every probe stream up, destroy,
 * lab down. Asserts real outcomes, no timing goals.
 *
 *   r1 -- r2 -- ... -- r12 -- r1 + 7 seeded chords; h1 behind r1, h2 behind r7
 *
 * The benchmark always removes its lab; the test checks that nothing named
 * after it is left, and removes it itself should the benchmark not.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { Writable } from "node:stream";
import { main } from "../../bench/run";
import { randomLabName } from "../../bench/scale/options";
import { labDown, listLabs } from "../../lab";
import { freeMgmtSubnet } from "../helpers/lab";

function capture() {
  let text = "";
  const stream = new Writable({ write(chunk, _enc, cb) { text += String(chunk); cb(); } });
  return { stream, text: () => text };
}

test("bench scale --routers 12: every stage measured on the lab, routers configured, lab removed", { timeout: 240_000 }, async () => {
  const lab = randomLabName();
  // The benchmark draws from 198.18.64-254; a free one from the tests' range (198.19/16) keeps clear of it.
  const subnet = freeMgmtSubnet();
  const out = capture();
  const err = capture();
  try {
    const code = await main(["scale", "--routers", "12", "--runs", "1", "--soak-seconds", "15", "--json", "--lab", lab, "--mgmt-subnet", subnet], { stdout: out.stream, stderr: err.stream });
    assert.equal(code, 0, `exit code; stderr:\n${err.text()}`);
    const r = JSON.parse(out.text()) as Record<string, any>;
    assert.equal(r.ok, true, `errors: ${JSON.stringify(r.errors)}`);
    assert.equal(r.routers, 12);
    assert.equal(r.stack.routers, 12);
    assert.equal(r.stack.protectedLinks, r.links, "every router link protected");
    assert.ok(r.stack.backupPolicies > 0, "backup policies declared");
    assert.ok(r.applyChanges[0] > r.stack.routers, `apply from empty changed ${r.applyChanges} things`);
    assert.equal(r.linkEndsUp.of, 2 * r.links);
    assert.equal(r.linkEndsUp.min, r.linkEndsUp.of, "every link end's probes come back through its neighbour, also through the soak");
    assert.equal(r.soakSeconds, 15, "the soak's length is stated");
    assert.equal(r.falseFailovers, 0, "no failover while nothing failed, over the soak");
    assert.match(err.text(), /scale: soak: \d+\/\d+ link ends up at the lowest, 0 failovers, 0 s to go/, "the soak reports its end");
    for (const key of ["applyS", "noopPlanS", "driftS", "destroyS"]) {
      assert.equal(r[key].samples.length, 1, `${key} measured once`);
      assert.ok(r[key].median > 0, `${key} is a positive duration`);
    }
    assert.ok(r.labUpS > 0 && r.synthS > 0 && r.labDownS > 0, "lab up, synth and lab down timed");
    assert.ok(r.controllerPeakRssMiB > 20 && r.controllerPeakRssMiB < 4096, `controller peak RSS ${r.controllerPeakRssMiB} MiB`);
    assert.ok(r.controllerPeakHeapMiB > 1 && r.controllerPeakHeapMiB <= r.controllerPeakRssMiB, `controller peak heap ${r.controllerPeakHeapMiB} MiB`);
    for (const verb of ["apply", "plan", "drift", "status"]) assert.ok(r.memory[verb]?.peakRssMiB > 0, `memory of srv6 ${verb}`);
    assert.equal(r.labFootprint.probeSenders, 12, "one probe sender per router, found in the routers' namespaces");
    assert.ok(r.labFootprint.routerProcessesRssMiB > 0, "router processes' memory measured");
    assert.match(err.text(), /scale: run 1\/1: apply/, "progress on stderr");

    // Nothing of the lab is left on this machine.
    assert.ok(!listLabs().includes(lab), `lab ${lab} still listed`);
    const namespaces = existsSync("/run/netns") ? readdirSync("/run/netns").filter((n) => n.startsWith(`s6-${lab}-`)) : [];
    assert.deepEqual(namespaces, [], "namespaces left");
    const links = execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" }).split("\n").filter((l) => l.includes(`s6-${lab}`));
    assert.deepEqual(links, [], "root-namespace links left");
  } finally {
    await labDown(lab);
  }
});

test("bench scale: bad options exit 64 naming the option, nothing started", async () => {
  for (const [args, flag] of [[["--routers", "3"], "--routers"], [["--runs", "0"], "--runs"], [["--lab", "Bad_Name"], "--lab"], [["--mgmt-subnet", "10.0.0.0/24"], "--mgmt-subnet"]] as const) {
    const out = capture();
    const err = capture();
    const code = await main(["scale", ...args], { stdout: out.stream, stderr: err.stream });
    assert.equal(code, 64, `${args.join(" ")}`);
    assert.match(err.text(), new RegExp(flag.replace(/-/g, "\\-")), `${args.join(" ")} names ${flag}`);
    assert.equal(out.text(), "", "nothing on stdout");
  }
});
