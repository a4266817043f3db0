/**
 * Property test of the shell quoting: random byte strings, quoted, given to
 * a real /bin/sh, must come back byte for byte. Also checks that quoted
 * arguments never expand (globs, variables, command substitution, `~`, `=`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { commandLine, quoteArg, QuoteError } from "../../provider/ssh/quote";

/** Runs `printf '%s\0' ARGS...` in /bin/sh and splits the output on NUL. */
function shellRoundTrip(args: Buffer[]): Buffer[] {
  const line = Buffer.concat([Buffer.from("printf '%s\\0' "), commandLine(args)]);
  // The shell reads the script from stdin as raw bytes (no argv encoding in between).
  const r = spawnSync("/bin/sh", ["-s"], { input: line, env: { PATH: "/usr/bin:/bin", HOME: "/nonexistent", LC_ALL: "C" } });
  assert.equal(r.status, 0, `sh failed: ${r.stderr}`);
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < r.stdout.length; i++) {
    if (r.stdout[i] === 0) {
      out.push(r.stdout.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}

function randomArg(): Buffer {
  const len = Math.floor(Math.random() * 24);
  const b = randomBytes(len);
  for (let i = 0; i < b.length; i++) {
    // Bias towards the characters shells care about.
    if (Math.random() < 0.4) b[i] = "'\"\\$`!*?[]{}~=;&|<>()# \t\n%".charCodeAt(Math.floor(Math.random() * 27));
    if (b[i] === 0) b[i] = 1;
  }
  return b;
}

test("arbitrary bytes round-trip through /bin/sh (property, 60 batches of 8)", () => {
  for (let batch = 0; batch < 60; batch++) {
    const args = Array.from({ length: 8 }, randomArg);
    const back = shellRoundTrip(args);
    assert.equal(back.length, args.length, `argument count for ${args.map((a) => a.toString("hex")).join(",")}`);
    args.forEach((a, i) => assert.ok(back[i].equals(a), `argument ${a.toString("hex")} came back as ${back[i].toString("hex")}`));
  }
});

test("every single byte value 1..255 round-trips, alone and in context", () => {
  const args: Buffer[] = [];
  for (let b = 1; b < 256; b++) args.push(Buffer.from([b]), Buffer.from([0x61, b, 0x27, b]));
  const back = shellRoundTrip(args);
  args.forEach((a, i) => assert.ok(back[i].equals(a), `byte ${a.toString("hex")}`));
});

test("nothing expands", () => {
  const tricky = ["$HOME", "~", "~root", "*", "a=b", "$(id)", "`id`", "'", "''", "", " ", "a b", "--", "-n", "x;y", "${IFS}", "\\", "!!", "{a,b}", "é"];
  const back = shellRoundTrip(tricky.map((t) => Buffer.from(t))).map((b) => b.toString("utf8"));
  assert.deepEqual(back, tricky);
});

test("plain words stay readable; others are single-quoted", () => {
  assert.equal(quoteArg("fc00:0:1::/48").toString(), "fc00:0:1::/48");
  assert.equal(quoteArg("a b").toString(), "'a b'");
  assert.equal(quoteArg("it's").toString(), "'it'\\''s'");
  assert.equal(quoteArg("").toString(), "''");
  assert.equal(quoteArg("a=b").toString(), "'a=b'", "= would make an assignment as first word");
});

test("NUL bytes and malformed strings are refused", () => {
  assert.throws(() => quoteArg("a\0b"), QuoteError);
  assert.throws(() => quoteArg("\ud800"), QuoteError);
  assert.throws(() => commandLine([]), QuoteError);
});
