/*
 * The failover benchmark's node-failure case, without a lab: which failure
 * the lab is asked for and how it is healed, how rows are labelled, the
 * example srv6-protect deploys (examples/node with the setting's timers),
 * and reports and plots that mix link and node rows.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { failureLabel, healFailure, injectFailure } from "../../bench/failover/inject";
import { failedNodeProblem, failureKind } from "../../bench/failover/options";
import { exampleFor, exampleProblem, synthExample } from "../../bench/failover/srv6/stacks";
import { formatTable, summarizeRun } from "../../bench/failover/report";
import { plotSvg, seriesLabel, seriesOf } from "../../bench/failover/plot";
import type { BenchLab } from "../../bench/lab";
import type { FailureRecord } from "../../bench/failover/measure";
import type { ProtectedLink } from "../../bench/failover/system";

const link: ProtectedLink = { a: "r1", aIf: "eth1", b: "r2", bIf: "eth1" };

/** A BenchLab that records the failure calls it gets. */
function recordingLab(): { lab: BenchLab; calls: string[] } {
  const calls: string[] = [];
  const lab = {
    fail: async (a: string, b: string, opts: { carrier?: boolean } = {}) => void calls.push(`fail ${a} ${b}${opts.carrier ? " carrier" : ""}`),
    heal: async (a: string, b: string) => void calls.push(`heal ${a} ${b}`),
    failNode: async (node: string) => (calls.push(`fail-node ${node}`), [0, 1, 5]),
    healGroup: async () => void calls.push("heal-group"),
  } as unknown as BenchLab;
  return { lab, calls };
}

test("a node failure is the lab's atomic node cut of the link's far end (or the named router), healed by heal-group", async () => {
  const { lab, calls } = recordingLab();
  await injectFailure(lab, link, "node");
  await healFailure(lab, link, "node");
  await injectFailure(lab, link, "node", "r7");
  await healFailure(lab, link, "node");
  assert.deepEqual(calls, ["fail-node r2", "heal-group", "fail-node r7", "heal-group"]);
});

test("link failures are unchanged: silent or carrier on the protected link, healed on it", async () => {
  const { lab, calls } = recordingLab();
  await injectFailure(lab, link, "silent");
  await healFailure(lab, link, "silent");
  await injectFailure(lab, link, "carrier");
  await healFailure(lab, link, "carrier");
  assert.deepEqual(calls, ["fail r1 r2", "heal r1 r2", "fail r1 r2 carrier", "heal r1 r2"]);
});

test("failureKind and failureLabel: what the --failure mode injects and how its rows are labelled", () => {
  assert.equal(failureKind("link"), "silent");
  assert.equal(failureKind("node"), "node");
  assert.equal(failureLabel("silent", link), "link r1-r2");
  assert.equal(failureLabel("carrier", link), "carrier r1-r2");
  assert.equal(failureLabel("node", link), "node r2", "the far end by default");
  assert.equal(failureLabel("node", link, "r2"), "node r2");
});

test("failedNodeProblem: the crashed node must be a router of the lab, and says which routers there are", () => {
  const inventory = { lab: "s6bnf", routers: { r1: {}, r2: {}, r3: {}, r4: {}, r5: {} } };
  assert.equal(failedNodeProblem("r2", inventory), undefined);
  assert.equal(failedNodeProblem("h1", inventory), "--node: lab 's6bnf' has no router 'h1' (routers: r1, r2, r3, r4, r5)");
  assert.match(failedNodeProblem("constructor", inventory) ?? "", /has no router 'constructor'/, "not fooled by Object.prototype");
});

test("srv6-protect deploys examples/diamond for link failures and examples/node for a node failure, on r1:eth1-r2:eth1 only", () => {
  assert.equal(exampleFor("silent").name, "diamond");
  assert.equal(exampleFor("carrier").name, "diamond");
  assert.equal(exampleFor("node").name, "node");
  const r = (...names: string[]) => Object.fromEntries(names.map((n) => [n, {}]));
  const nodeLab = { routers: r("r1", "r2", "r3", "r4", "r5"), hosts: r("h1", "h3") } as never;
  const diamondLab = { routers: r("r1", "r2", "r3", "r4"), hosts: r("h1", "h2") } as never;
  assert.equal(exampleProblem("node", link, nodeLab), undefined);
  assert.equal(exampleProblem("silent", link, diamondLab), undefined);
  assert.match(exampleProblem("node", link, diamondLab) ?? "", /examples\/node .*the lab lacks r5, h3/);
  assert.match(exampleProblem("silent", link, nodeLab) ?? "", /examples\/diamond .*the lab lacks h2/);
  assert.match(exampleProblem("node", { ...link, b: "r4", bIf: "eth1" }, nodeLab) ?? "", /protecting r1:eth1-r2:eth1 .*got r1:eth1-r4:eth1/);
});

test("the node example is synthesized with the setting's timers, keeps node protection, and reports all four protected ends", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-node-stack-"));
  try {
    const ends = synthExample("node", join(dir, "cdktf.out"), false, { probeIntervalMs: 10, multiplier: 3, holdDownMs: 300 });
    assert.deepEqual(ends, [["r1", "eth1"], ["r2", "eth1"], ["r2", "eth2"], ["r3", "eth1"]]);
    const tf = JSON.parse(readFileSync(join(dir, "cdktf.out", "stacks", "node", "cdk.tf.json"), "utf8")) as {
      resource: { srv6_protected_link: Record<string, { probe_interval_ms: number; multiplier: number; hold_down_ms: number }>; srv6_backup_policy: Record<string, { name: string; segments: string[] }> };
    };
    const links = tf.resource.srv6_protected_link;
    assert.deepEqual(Object.keys(links).sort(), ["r1-r2", "r2-r3"]);
    for (const l of Object.values(links)) assert.deepEqual([l.probe_interval_ms, l.multiplier, l.hold_down_ms], [10, 3, 300], "the setting's timers, not NodeStack's 1 ms");
    // Node protection: r1's backup to r3 and r3's to r1 name no SID of r2 (locator fc00:0:2::/48).
    for (const name of ["r1-r2-r1-to-r3", "r2-r3-r3-to-r1"]) {
      const p = Object.values(tf.resource.srv6_backup_policy).find((x) => x.name === name);
      assert.ok(p, `policy ${name}`);
      assert.ok(p.segments.every((s) => !s.startsWith("fc00:0:2:")), `${name} avoids r2: ${p.segments.join(", ")}`);
    }
    const diamond = synthExample("silent", join(dir, "diamond.out"), false, { probeIntervalMs: 1, multiplier: 3, holdDownMs: 300 });
    assert.deepEqual(diamond, [["r1", "eth1"], ["r2", "eth1"]], "the diamond: the protected link's two ends, as before");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const record = (index: number, lossMs: number): FailureRecord => ({
  index, injectStartNs: 0, injectEndNs: 1, healStartNs: 2, failedAtNs: 0, detectMs: lossMs - 0.1, lossMs, lostPackets: lossMs * 10,
  lossByCountMs: lossMs, gaps: 1, reverseLossMs: lossMs, reverseLostPackets: lossMs * 10, healLostPackets: 0,
});

test("link and node rows sit in one report: every row and JSON run says what failed", () => {
  const setting = { system: "srv6-protect" as const, intervalMs: 1, multiplier: 3 };
  const linkRun = summarizeRun(setting, "link r1-r2", [record(1, 3.5), record(2, 3.7)], undefined, 30);
  const nodeRun = summarizeRun(setting, "node r2", [record(1, 4.0), record(2, 4.2)], undefined, 30);
  assert.equal(linkRun.failure, "link r1-r2");
  assert.equal(nodeRun.failure, "node r2");
  assert.equal(JSON.parse(JSON.stringify({ runs: [nodeRun] })).runs[0].failure, "node r2");
  assert.deepEqual(nodeRun.lossMs, { median: 4.1, p95: 4.2, max: 4.2 });
  const lines = formatTable([linkRun, nodeRun]).split("\n");
  assert.match(lines[0]!, /^system\s+timers\s+failure\s+fails\s/);
  assert.match(lines[2]!, /^srv6-protect\s+1 ms x 3\s+link r1-r2\s+2\/2\s/);
  assert.match(lines[3]!, /^srv6-protect\s+1 ms x 3\s+node r2\s+2\/2\s/);
});

test("the plot labels series by failure when the results say it, and still plots results from before", () => {
  assert.equal(seriesLabel({ system: "frr-bfd", intervalMs: 10, multiplier: 2 }), "frr-bfd 10 ms x 2");
  assert.equal(seriesLabel({ system: "frr-bfd", intervalMs: 10, multiplier: 2, failure: "node r2" }), "frr-bfd 10 ms x 2, node r2");
  const records = (n: number, ms: number) => Array.from({ length: n }, (_, k) => ({ index: k + 1, lossMs: ms + k * 0.1 }));
  const doc = { details: [
    { system: "srv6-protect", intervalMs: 10, multiplier: 3, failure: "link r1-r2", records: records(5, 35) },
    { system: "srv6-protect", intervalMs: 10, multiplier: 3, failure: "node r2", records: records(5, 36) },
    { system: "srv6-protect", intervalMs: 1, multiplier: 3, records: records(5, 3) },
  ] };
  const series = seriesOf(doc);
  assert.deepEqual(series.map((s) => s.label), ["srv6-protect 10 ms x 3, link r1-r2", "srv6-protect 10 ms x 3, node r2", "srv6-protect 1 ms x 3"]);
  const svg = plotSvg(series);
  assert.equal((svg.match(/<circle class="point"/g) ?? []).length, 15);
  const width = Number(/^<svg [^>]*width="(\d+)"/.exec(svg)?.[1]);
  assert.ok(width > 760, `the legend column grows for the longer labels (width ${width})`);
  assert.match(plotSvg(seriesOf({ details: [doc.details[2]!] })), /^<svg [^>]*width="760"/, "short labels: the picture keeps its size");
});
