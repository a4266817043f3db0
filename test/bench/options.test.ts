import { test } from "node:test";
import assert from "node:assert/strict";
import { FAILOVER_USAGE, parseFailoverOptions } from "../../bench/failover/options";
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

test("--failure: link by default (the diamond, h1 <-> h2); node: examples/lab/node.json, h1 <-> h3, r2 crashes, detected on r1-r2", () => {
  const link = parseFailoverOptions([]);
  assert.equal(link.failure, "link");
  assert.equal(link.node, undefined);
  assert.equal(link.topology, "examples/lab/diamond.json");
  assert.deepEqual([link.from, link.to], ["h1", "h2"]);
  const node = parseFailoverOptions(["--failure", "node", "--failures", "20"]);
  assert.equal(node.failure, "node");
  assert.equal(node.node, "r2");
  assert.equal(node.topology, "examples/lab/node.json");
  assert.deepEqual([node.linkA, node.linkB, node.from, node.to], ["r1", "r2", "h1", "h3"]);
  assert.equal(node.failures, 20);
  assert.equal(node.settings.length, 4, "every system and setting runs the node case too");
  // Explicit options still win over the mode's defaults.
  const mine = parseFailoverOptions(["--failure", "node", "--topology", "my.json", "--stream", "h1,h9", "--link", "r1,r7", "--node", "r7"]);
  assert.deepEqual([mine.topology, mine.to, mine.linkB, mine.node], ["my.json", "h9", "r7", "r7"]);
  assert.equal(parseFailoverOptions(["--failure", "node", "--link", "r1,r4"]).node, "r4", "the failed node defaults to the protected link's far end");
  assert.equal(parseFailoverOptions(["--failure", "link"]).failure, "link");
});

test("--failure and --node: bad values name the flag and the value", () => {
  const usage = (args: string[], re: RegExp) => assert.throws(() => parseFailoverOptions(args), (e: Error) => e instanceof BenchUsageError && re.test(e.message), args.join(" "));
  usage(["--failure", "router"], /^--failure: 'router' is not one of link, node$/);
  usage(["--failure", ""], /^--failure: '' is not one of link, node$/);
  usage(["--failure", "node", "--node", "R2"], /^--node: 'R2' is not a node name$/);
  usage(["--failure", "node", "--node", "r4"], /^--node: 'r4' is not the far end of the protected link r1-r2.*--link r1,r4/);
  usage(["--failure", "node", "--node", "r1"], /^--node: 'r1' is not the far end/);
  usage(["--node", "r2"], /^--node: 'r2' is for --failure node only/);
  usage(["--failure", "link", "--node", "r2"], /^--node: 'r2' is for --failure node only/);
});

test("FAILOVER_USAGE names --failure link|node and --node", () => {
  assert.match(FAILOVER_USAGE, /\[--failure link\|node\] \[--node NAME\]/);
});
