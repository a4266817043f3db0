import { test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { main } from "../../bench/run";

function capture() {
  let text = "";
  const stream = new Writable({ write(chunk, _enc, cb) { text += String(chunk); cb(); } });
  return { stream, text: () => text };
}

async function runBench(argv: string[]) {
  const out = capture();
  const err = capture();
  const code = await main(argv, { stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}

test("--help: usage with every benchmark on stderr, exit 0", async () => {
  const r = await runBench(["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /without a name, every benchmark runs in turn/);
  for (const name of ["failover", "apply", "scale"]) assert.match(r.stderr, new RegExp(`\\b${name}\\b`));
  assert.equal(r.stdout, "");
});

test("no name with an option that is not for all: refused before anything runs, exit 64", async () => {
  const r = await runBench(["--failures", "3"]);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /only --quick and --json apply to all; got --failures 3/);
  assert.equal(r.stdout, "");
});

test("unknown benchmark: names the known ones, exit 64", async () => {
  const r = await runBench(["nope"]);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /unknown benchmark 'nope'\. Known: .*\bfailover\b/);
});

test("bad option: the message and the usage, exit 64, nothing on stdout", async () => {
  const r = await runBench(["failover", "--failures", "-3"]);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /--failures/);
  assert.match(r.stderr, /usage: npm run bench -- failover/);
  assert.equal(r.stdout, "");
});
