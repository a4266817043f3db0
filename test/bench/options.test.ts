import { test } from "node:test";
import assert from "node:assert/strict";
import { parseFailoverOptions } from "../../bench/failover/options";
import { BenchUsageError } from "../../bench/benchmark";

test("defaults: 20 failures, 300 s of load, ours at 1 and 10 ms x 3, FRR at its minimum", () => {
  const o = parseFailoverOptions([]);
  assert.equal(o.failures, 20);
  assert.equal(o.loadSeconds, 300);
  assert.equal(o.ratePps, 10_000);
  assert.deepEqual(o.settings.map((s) => `${s.system}@${s.intervalMs}x${s.multiplier}`), [
    "srv6-protect@1x3", "srv6-protect@10x3", "frr-bfd@10x2", "frr-bfd@10x3",
  ]);
});

test("--quick: 5 failures and 30 s of load", () => {
  const o = parseFailoverOptions(["--quick", "--json"]);
  assert.equal(o.failures, 5);
  assert.equal(o.loadSeconds, 30);
  assert.equal(o.json, true);
});

test("--systems filters settings; bad values name the flag and the value", () => {
  assert.deepEqual(parseFailoverOptions(["--systems", "frr-bfd"]).settings.map((s) => s.system), ["frr-bfd", "frr-bfd"]);
  assert.throws(() => parseFailoverOptions(["--systems", "ospf"]), (e: Error) => e instanceof BenchUsageError && /--systems: unknown system 'ospf'/.test(e.message));
  assert.throws(() => parseFailoverOptions(["--failures", "0"]), /--failures: '0'/);
  assert.throws(() => parseFailoverOptions(["--rate", "fast"]), /--rate: 'fast'/);
  assert.throws(() => parseFailoverOptions(["--lab", "Bad-Name"]), /--lab: 'Bad-Name'/);
  assert.throws(() => parseFailoverOptions(["--link", "r1"]), /--link: 'r1'/);
  assert.throws(() => parseFailoverOptions(["--bogus"]), BenchUsageError);
});
