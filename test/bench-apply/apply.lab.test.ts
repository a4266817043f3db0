/**
 * `npm run bench -- apply` in its smallest setting, on the diamond lab:
 *
 *          h1
 *          |
 *          r1
 *        /    \
 *      r2      r3          r4 logs in as a sudo user (Ansible: become)
 *        \    /
 *          r4
 *          |
 *          h2
 *
 * One run per system (srv6-protect, ansible-default, ansible-tuned, ansible-batched). The
 * benchmark itself checks inside every router after each apply that every
 * route of the rendered plans is there with our protocol, every file has
 * the plan's bytes and the probe sender runs, and that the routers are
 * empty again afterwards; a system that fails any of that is left out of
 * the JSON and the exit code is 1. So: exit 0 and all four systems in the
 * JSON means every system really configured the routers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { main } from "../../bench/run";
import { labDown } from "../../lab";
import { PACKAGE_ROOT } from "../../provider/engine/router-scripts";

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on("data", (b: Buffer) => chunks.push(b));
  return () => Buffer.concat(chunks).toString("utf8");
}

// About 2 minutes on a quiet machine; Ansible's share grows with the load
// (other engineers' tests share 2 CPUs), hence the generous bound.
test("bench apply --runs 1 --json: one JSON object, every system configured the routers, nothing left behind", { timeout: 1_200_000 }, async () => {
  const lab = `ba${randomBytes(3).toString("hex")}`;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  // Progress also goes to the runner's stderr, so a slow or failed run shows where it was.
  stderr.on("data", (b: Buffer) => process.stderr.write(`  [bench apply] ${b.toString("utf8")}`));
  try {
    const code = await main(["apply", "--runs", "1", "--json", "--lab", lab, "--topology", join(PACKAGE_ROOT, "examples", "lab", "diamond.json")], { stdout, stderr });
    assert.equal(code, 0, `benchmark exit code; progress:\n${err()}`);
    const text = out().trim();
    assert.equal(text.split("\n").length, 1, "exactly one JSON line on stdout");
    const doc = JSON.parse(text) as { runs: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(doc), ["runs"]);
    assert.deepEqual(doc.runs.map((r) => r.system), ["srv6-protect", "ansible-default", "ansible-tuned", "ansible-batched"]);
    for (const r of doc.runs) {
      assert.equal(r.routers, 4, `${String(r.system)}: routers`);
      for (const op of ["applyS", "noopPlanS", "driftS"]) {
        const s = r[op] as { median: number; min: number; max: number };
        assert.deepEqual(Object.keys(s).sort(), ["max", "median", "min"], `${String(r.system)}.${op}`);
        assert.ok(s.min > 0 && s.min <= s.median && s.median <= s.max, `${String(r.system)}.${op}: 0 < min <= median <= max, got ${JSON.stringify(s)}`);
      }
    }
    // Progress says each system's apply was verified on the routers.
    for (const system of ["srv6-protect", "ansible-default", "ansible-tuned", "ansible-batched"]) {
      assert.match(err(), new RegExp(`${system} run 1/1: apply [0-9.]+ s \\(verified on 4 routers\\)`), `${system} verified`);
    }
  } finally {
    await labDown(lab).catch(() => undefined);
  }
  // Nothing left: no namespaces of the lab, no SSH control masters of the benchmark.
  const namespaces = existsSync("/run/netns") ? readdirSync("/run/netns").filter((n) => n.startsWith(`s6-${lab}-`)) : [];
  assert.deepEqual(namespaces, [], "lab namespaces left");
  const masters = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).split("\n").filter((l) => l.includes("srv6-bench-apply-") && l.includes("ssh"));
  assert.deepEqual(masters, [], "SSH control masters left");
});
