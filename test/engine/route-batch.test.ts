/**
 * Consecutive route steps become one `ip -6 -batch -` each way, and the
 * batch does what the steps did, on a real ip(8) in a scratch namespace.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { BATCH_LINES, batchRouteSteps, isBatchableRouteCommand } from "../../provider/engine/route-batch";
import { readlinkSync } from "node:fs";
import type { Step } from "../../provider/engine/transaction";

const add = (dst: string): Step => ({
  name: `route ${dst}`,
  do: [{ argv: ["ip", "-6", "route", "replace", dst, "dev", "lo", "proto", "214", "metric", "10"] }],
  undo: [{ argv: ["ip", "-6", "route", "del", dst, "proto", "214", "metric", "10"], mayFail: true }],
});

test("route-batch: a run of route steps becomes one step; other steps keep their place", () => {
  const barrier: Step = { name: "go", barrier: "go", timeoutS: 5 };
  const sysctl: Step = { name: "sysctl", do: [{ argv: ["sysctl", "-w", "a=1"] }] };
  const out = batchRouteSteps([sysctl, add("2001:db8:1::/64"), barrier, add("2001:db8:2::/64"), add("2001:db8:3::/64"), add("2001:db8:4::/64"), sysctl], 2);
  assert.deepEqual(out.map((s) => s.name.split(":")[0]), ["sysctl", "route 2001", "go", "3 route steps", "sysctl"]);
  const merged = out[3]!;
  assert.deepEqual(merged.do, [{ argv: ["ip", "-6", "-batch", "-"], input: ["2", "3", "4"].map((n) => `route replace 2001:db8:${n}::/64 dev lo proto 214 metric 10\n`).join("") }]);
  // The undo takes the last route back first, tolerating routes never reached.
  assert.deepEqual(merged.undo, [{ argv: ["ip", "-6", "-force", "-batch", "-"], mayFail: true, input: ["4", "3", "2"].map((n) => `route del 2001:db8:${n}::/64 proto 214 metric 10\n`).join("") }]);
});

test("route-batch: a long run is cut into batches of BATCH_LINES lines, in order", () => {
  const n = BATCH_LINES * 2 + 7;
  const [merged] = batchRouteSteps(Array.from({ length: n }, (_, i) => add(`2001:db8:${i.toString(16)}::/64`)));
  const sizes = merged!.do!.map((c) => c.input!.split("\n").filter(Boolean).length);
  assert.deepEqual(sizes, [BATCH_LINES, BATCH_LINES, 7]);
  assert.equal(merged!.do!.map((c) => c.input).join("").split("\n")[0], "route replace 2001:db8:0::/64 dev lo proto 214 metric 10");
  assert.equal(merged!.undo!.length, 3);
});

test("route-batch: commands iproute2's batch reader would split or change are left alone", () => {
  for (const word of ["a b", 'say"x"', "it's", "back\\slash", "#comment", ""]) {
    assert.equal(isBatchableRouteCommand({ argv: ["ip", "-6", "route", "replace", word] }), false, JSON.stringify(word));
  }
  assert.equal(isBatchableRouteCommand({ argv: ["ip", "-6", "route", "replace", "x"], input: "" }), false, "a command with input");
  assert.equal(isBatchableRouteCommand({ argv: ["ip", "-4", "route", "replace", "x"] }), false);
  const odd: Step = { name: "odd", do: [{ argv: ["ip", "-6", "route", "replace", "a b"] }] };
  assert.equal(batchRouteSteps([add("2001:db8:1::/64"), odd, add("2001:db8:2::/64")], 1).length, 3);
  assert.equal(batchRouteSteps([add("2001:db8:1::/64"), add("2001:db8:2::/64")]).length, 2, "a short run stays a step per route");
});

test("route-batch: the batch installs and its undo removes, in a scratch network namespace", () => {
  const steps = batchRouteSteps(Array.from({ length: 300 }, (_, i) => add(`2001:db8:${i.toString(16)}::/64`)));
  assert.equal(steps.length, 1);
  const holder = spawn("unshare", ["--net", "sleep", "60"], { stdio: "ignore" });
  try {
    const inNs = (argv: readonly string[], input?: string) => spawnSync("nsenter", ["-t", String(holder.pid), "-n", ...argv], { input, encoding: "utf8" });
    // Until unshare has made the namespace, the pid's is ours: never touch that.
    const own = readlinkSync("/proc/self/ns/net");
    const nsOf = () => { try { return readlinkSync(`/proc/${holder.pid}/ns/net`); } catch { return own; } };
    for (let i = 0; i < 100 && nsOf() === own; i++) execFileSync("sleep", ["0.05"]);
    assert.notEqual(nsOf(), own, "a network namespace of its own");
    inNs(["ip", "link", "set", "lo", "up"]);
    const count = () => inNs(["ip", "-6", "route", "show", "proto", "214"]).stdout.trim().split("\n").filter(Boolean).length;
    for (const c of steps[0]!.do!) assert.equal(inNs(c.argv, c.input).status, 0, "the batch installs");
    assert.equal(count(), 300);
    // One route the apply never reached: the tolerant undo goes on past it.
    inNs(["ip", "-6", "route", "del", "2001:db8:7::/64", "proto", "214", "metric", "10"]);
    for (const c of steps[0]!.undo!) inNs(c.argv, c.input);
    assert.equal(count(), 0, "the undo removed every route it could");
  } finally {
    holder.kill();
  }
});
