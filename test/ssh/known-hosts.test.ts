/**
 * known_hosts parsing and matching, checked against files written by
 * OpenSSH's own ssh-keygen (hashing with -H, lookup with -F).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkKnownHosts, parseKnownHosts, patternsMatch, sha256Fingerprint, appendKnownHost, knownHostsName } from "../../provider/ssh/known-hosts";
import { decideHostKey } from "../../provider/ssh/host-key-policy";

function withKeys<T>(fn: (dir: string, keyA: { line: string; blob: Buffer }, keyB: { line: string; blob: Buffer }) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "s6en-kh-"));
  try {
    const key = (name: string) => {
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, name)]);
      const [type, b64] = readFileSync(join(dir, `${name}.pub`), "utf8").split(/\s+/);
      return { line: `${type} ${b64}`, blob: Buffer.from(b64, "base64") };
    };
    return fn(dir, key("a"), key("b"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("names: [host]:port only for non-22 ports", () => {
  assert.equal(knownHostsName("10.0.0.1", 22), "10.0.0.1");
  assert.equal(knownHostsName("10.0.0.1", 2222), "[10.0.0.1]:2222");
});

test("patterns: lists, wildcards, negation, case", () => {
  assert.ok(patternsMatch("r1,r2.lab", "r2.lab"));
  assert.ok(patternsMatch("*.lab", "r9.lab"));
  assert.ok(patternsMatch("r?", "r7"));
  assert.ok(!patternsMatch("r?", "r10"));
  assert.ok(!patternsMatch("*.lab,!evil.lab", "evil.lab"), "negation wins");
  assert.ok(patternsMatch("R1.LAB", "r1.lab"), "host names are case-insensitive");
  assert.ok(patternsMatch("[10.0.0.1]:2222", "[10.0.0.1]:2222"));
  assert.ok(!patternsMatch("10.0.0.1", "[10.0.0.1]:2222"), "a port-22 entry does not cover another port");
  assert.ok(!patternsMatch("10.0.0.1", "10.0.0.11"));
});

test("hashed entries written by ssh-keygen -H match; ssh-keygen -F agrees", () => {
  withKeys((dir, a) => {
    const file = join(dir, "known_hosts");
    writeFileSync(file, `r1.lab ${a.line}\n[10.9.9.9]:2200 ${a.line}\n`);
    execFileSync("ssh-keygen", ["-q", "-H", "-f", file]);
    const entries = parseKnownHosts(readFileSync(file, "utf8"));
    assert.equal(entries.length, 2);
    assert.ok(entries.every((e) => e.patterns.startsWith("|1|")));
    assert.equal(checkKnownHosts(entries, "r1.lab", 22, a.blob).status, "match");
    assert.equal(checkKnownHosts(entries, "10.9.9.9", 2200, a.blob).status, "match");
    assert.equal(checkKnownHosts(entries, "10.9.9.9", 22, a.blob).status, "unknown");
    // Cross-check with OpenSSH's own lookup.
    assert.match(execFileSync("ssh-keygen", ["-F", "[10.9.9.9]:2200", "-f", file], { encoding: "utf8" }), /found: line 2/);
  });
});

test("changed and revoked keys; comments and unknown markers ignored", () => {
  withKeys((_dir, a, b) => {
    const text = `# comment\n\nr1 ${a.line} comment here\n@cert-authority *.lab ${b.line}\n@revoked * ${b.line}\n@weird r1 ${b.line}\n`;
    const entries = parseKnownHosts(text);
    assert.equal(checkKnownHosts(entries, "r1", 22, a.blob).status, "match");
    assert.equal(checkKnownHosts(entries, "r1", 22, b.blob).status, "revoked");
    const noRevoke = parseKnownHosts(`r1 ${a.line}\n`);
    const changed = checkKnownHosts(noRevoke, "r1", 22, b.blob);
    assert.equal(changed.status, "changed");
  });
});

test("fingerprint equals ssh-keygen -l", () => {
  withKeys((dir, a) => {
    const printed = execFileSync("ssh-keygen", ["-l", "-f", join(dir, "a.pub")], { encoding: "utf8" }).split(" ")[1];
    assert.equal(sha256Fingerprint(a.blob), printed);
  });
});

test("policy: accept-new appends a line OpenSSH can read; pins win over known_hosts", () => {
  withKeys((dir, a, b) => {
    const file = join(dir, "sub", "known_hosts");
    const first = decideHostKey({ knownHostsFile: file, acceptNew: true }, "r1", "10.1.1.1", 2222, a.blob);
    assert.deepEqual(first, { trusted: true, how: "accepted-new", fingerprint: sha256Fingerprint(a.blob) });
    assert.match(execFileSync("ssh-keygen", ["-F", "[10.1.1.1]:2222", "-f", file], { encoding: "utf8" }), /found: line 1/);
    const again = decideHostKey({ knownHostsFile: file }, "r1", "10.1.1.1", 2222, a.blob);
    assert.equal(again.trusted && again.how, "known_hosts");
    const other = decideHostKey({ knownHostsFile: file, acceptNew: true }, "r1", "10.1.1.1", 2222, b.blob);
    assert.ok(!other.trusted && other.error.problem === "changed");
    const pinned = decideHostKey({ knownHostsFile: file, pinnedSha256: sha256Fingerprint(b.blob) }, "r1", "10.1.1.1", 2222, b.blob);
    assert.equal(pinned.trusted && pinned.how, "pinned");
    appendKnownHost(file, "10.1.1.2", 22, b.blob);
    assert.equal(parseKnownHosts(readFileSync(file, "utf8")).length, 2);
  });
});
