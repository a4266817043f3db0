/*
 * `npm run demo` (the README's first command ends in it): mesh lab, cdktf
 * deploy through the provider, traffic both ways across r1-r2, a silent
 * failure, heal, a summary with the measured loss windows, lab torn down;
 * and Ctrl-C in the middle of the deploy leaves nothing behind.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { runCli, REPO } from "../helpers/stack";

const DEMO = join(REPO, "dist/examples/demo/run.js");
/** Far above what count-based detection at the demo's timers takes, even when the VM stalls the probe sender for 30 ms; far below the failure. */
const LOSS_CEILING_MS = 200;

function leftovers(): { namespaces: string[]; processes: string[] } {
  const namespaces = existsSync("/run/netns") ? readdirSync("/run/netns").filter((n) => n.startsWith("s6-demo-")) : [];
  const ps = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).split("\n");
  const processes = ps.filter((l) => /cdktf (deploy|destroy)|\/tofu |terraform-provider-srv6|srv6-demo-|s6-demo-/.test(l));
  return { namespaces, processes };
}

test("npm run demo: cdktf deploys the mesh, both directions survive a silent failure, the summary shows the loss windows, nothing is left", { timeout: 240_000 }, async (t) => {
  const started = Date.now();
  const r = await runCli([process.execPath, DEMO], { timeoutMs: 180_000 });
  const seconds = (Date.now() - started) / 1000;
  assert.equal(r.code, 0, `demo failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /deployed by cdktf\s+28 resources on 9 routers/, "cdktf deployed every resource of examples/mesh");
  assert.match(r.stdout, /srv6 plan after the deploy: 0 changes/, "the engine sees nothing left to do after the provider's apply");
  // Count-based detection: the sender skips the slots a stall cost it and
  // never bursts, so the end declares the link down at the earliest when it
  // sends its (multiplier + 1)th unanswered probe, the first of which may
  // have left just before the cut: (multiplier - 1) x interval after it.
  const probing = /probed every (\d+) ms, down after (\d+) missed/.exec(r.stdout);
  assert.ok(probing, `the demo states its probe settings:\n${r.stdout}`);
  const floorMs = (Number(probing[2]) - 1) * Number(probing[1]) - 1;
  for (const dir of ["h1->h3", "h3->h1"]) {
    const loss = new RegExp(`traffic loss window ${dir}\\s+([\\d.]+) ms`).exec(r.stdout);
    assert.ok(loss, `the summary reports the loss window of ${dir}:\n${r.stdout}`);
    t.diagnostic(`loss window ${dir}: ${loss[1]} ms (probes every ${probing[1]} ms x ${probing[2]})`);
    assert.ok(Number(loss[1]) >= floorMs && Number(loss[1]) < LOSS_CEILING_MS,
      `${dir} lost ${loss[1]} ms: at least ${floorMs} ms for probes every ${probing[1]} ms x ${probing[2]}, under ${LOSS_CEILING_MS} ms`);
  }
  assert.match(r.stdout, /failovers\s+r1: [1-9]\d*, r2: [1-9]\d*/, "both ends failed over");
  assert.match(r.stdout, /packets rerouted\s+r1: [1-9]\d*, r2: [1-9]\d*/, "both ends rerouted packets in the kernel");
  assert.match(r.stdout, /after the heal\s+r1-r2 up at both ends/);
  const table = /backup paths, probed end to end before they are needed:\n\s+POLICY[^\n]*\n((?:\s+r\d-r\d-r\d-to-r\d [^\n]*\n)+)/.exec(r.stdout);
  assert.ok(table, `the demo shows the backup paths' health:\n${r.stdout}`);
  const rows = table[1]!.trimEnd().split("\n");
  assert.equal(rows.length, 13, "one row per backup policy of the mesh");
  assert.ok(rows.every((l) => /\sok\s/.test(l)), `every backup path healthy before the drill:\n${table[1]}`);
  const drill = /drill of r1-r2 \(1\.5 s\)\s+r1 rerouted (\d+), r2 rerouted (\d+); h1->h3 lost (\d+), h3->h1 lost (\d+) packets/.exec(r.stdout);
  assert.ok(drill, `the summary reports the drill:\n${r.stdout}`);
  assert.ok(Number(drill[1]) > 5000 && Number(drill[2]) > 5000, `both ends carried the stream over their backups: ${drill[0]}`);
  assert.ok(Number(drill[3]) <= 50 && Number(drill[4]) <= 50, `a drill loses at most a few packets at the switches: ${drill[0]}`);
  assert.match(r.stdout, /removed 14 namespaces/);
  assert.ok(seconds < 120, `the demo runs in under two minutes (took ${seconds.toFixed(1)} s)`);
  assert.deepEqual(leftovers(), { namespaces: [], processes: [] }, "the demo's lab and processes are gone");
});

test("Ctrl-C during the deploy: the demo stops cdktf, tofu and the provider and tears the lab down", { timeout: 120_000 }, async () => {
  const child = spawn(process.execPath, [DEMO], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  const deploying = new Promise<void>((resolve) => {
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (/srv6_router\.r\d created/.test(stdout)) resolve();
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  await Promise.race([deploying, exited]);
  assert.equal(child.exitCode, null, `the demo was still deploying when interrupted:\n${stdout}`);
  child.kill("SIGINT");
  const code = await exited;
  assert.equal(code, 130, `exit code 130 after Ctrl-C:\n${stdout}`);
  assert.match(stdout, /interrupted[\s\S]*removed 14 namespaces/);
  assert.deepEqual(leftovers(), { namespaces: [], processes: [] }, "nothing of the demo is left");
});
