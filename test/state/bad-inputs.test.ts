/**
 * A table of bad desired states. Each must be rejected with a SchemaError
 * whose issue names the exact resource (type.name), field (attribute path)
 * and bad value, and whose message shows them. No router may be contacted:
 * every socket connect in this process is trapped and must stay at zero, and
 * a fresh process that loads the state module must not load ssh2 at all.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { trapConnects } from "../helpers/connect-trap";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { loadDesiredState, validateDocument } from "../../provider/state";
import { SchemaError, formatIssue } from "../../provider/errors";
import { formatValue } from "../../model/issue";
import { RESOURCE_TYPES } from "../../model/schema";
import { diamondDocument } from "./diamond-document";
import { BAD_INPUTS as table, CLI_ONLY, badDocument } from "./bad-input-table";

// Every outgoing connection made while the table runs is counted.
const connects = trapConnects();
after(() => {
  connects.restore();
});

for (const bad of table) {
  test(`rejects: ${bad.what}`, () => {
    const doc = badDocument(bad);
    let error: unknown;
    try {
      validateDocument(doc, "bad.tf.json");
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof SchemaError, `expected a SchemaError, got ${String(error)}`);
    const issue = error.issues.find((i) => i.resource === bad.resource && i.field === bad.field);
    assert.ok(issue, `no issue for ${bad.resource} ${bad.field}; got:\n${error.message}`);
    assert.deepEqual(issue.value, bad.value, "issue carries the bad value");
    assert.match(issue.message, bad.says, "explains what is allowed");
    const line = formatIssue(issue);
    const where = `${bad.resource}.${bad.field}`;
    assert.ok(error.message.includes(line), "the error message lists the issue");
    assert.ok(line.startsWith(where), `message names ${where}: ${line}`);
    // The value as the rule book prints it: JSON, but Infinity as Infinity (not JSON's null) and key material not at all.
    if (bad.value !== undefined) assert.ok(line.includes(formatValue(bad.value)), `message shows the value: ${line}`);
    for (const secret of bad.hidden ?? []) {
      assert.ok(!error.message.includes(secret), `the message never shows ${JSON.stringify(secret)}`);
      assert.ok(!JSON.stringify(error.issues).includes(JSON.stringify(secret).slice(1, -1)), "no issue carries it");
      assert.ok(!JSON.stringify(error.toJSON()).includes(JSON.stringify(secret).slice(1, -1)), "--json does not carry it");
    }
  });
}

test("every attribute of every resource type has a bad-input row", () => {
  const missing: string[] = [];
  for (const [type, schema] of Object.entries(RESOURCE_TYPES) as [string, { properties: Record<string, unknown> }][]) {
    for (const field of Object.keys(schema.properties)) {
      const covered = table.some((b) => b.resource.startsWith(`${type}.`) && (b.field === field || b.field.startsWith(`${field}[`) || b.field.startsWith(`${field}.`)));
      if (!covered) missing.push(`${type}.${field}`);
    }
  }
  assert.deepEqual(missing, [], "attributes no bad-input row tries");
});

test("accepted: link-local next hops (peer addresses, End.X nexthops) on a point-to-point link", () => {
  const doc = diamondDocument();
  const l = doc.resource.srv6_protected_link.l12;
  l.peer_address_a = "fe80::2";
  l.peer_address_b = "fe80::1";
  doc.resource.srv6_router.r1.adjacency_sids[0].nexthop = "fe80::2";
  doc.resource.srv6_router.r2.adjacency_sids[0].nexthop = "fe80::1";
  const state = validateDocument(doc);
  assert.equal(state.links[0]!.peer_address_a, "fe80::2");
});

test("accepted: interface names Linux allows (a VLAN eth1.100, a bridge br-core, 15 characters)", () => {
  const doc = diamondDocument();
  const l = doc.resource.srv6_protected_link.l12;
  l.interface_a = "eth1.100";
  l.interface_b = "br-core";
  doc.resource.srv6_router.r1.adjacency_sids[0].interface = "eth1.100";
  doc.resource.srv6_router.r2.adjacency_sids[0].interface = "br-core";
  doc.resource.srv6_router.r3.adjacency_sids = [{ sid: "fc00:0:3:e2::", interface: "abcdefghijklmno", nexthop: "fd00:0:0:3::1" }];
  const state = validateDocument(doc);
  assert.deepEqual([state.links[0]!.interface_a, state.links[0]!.interface_b], ["eth1.100", "br-core"]);
});

test("accepted: a detection time of exactly 10 s", () => {
  const doc = diamondDocument();
  doc.resource.srv6_protected_link.l12.probe_interval_ms = 5000;
  doc.resource.srv6_protected_link.l12.multiplier = 2;
  assert.equal(validateDocument(doc).links[0]!.probe_interval_ms, 5000);
});

test("accepted: a router and a link named 'constructor' (names are looked up in maps, never in an object's prototype)", () => {
  const doc = diamondDocument();
  doc.resource.srv6_router.r1.name = "constructor";
  doc.resource.srv6_protected_link.l12.name = "constructor";
  doc.resource.srv6_backup_policy.p2.link = "constructor";
  const state = validateDocument(doc);
  assert.deepEqual(state.routers.map((r) => r.name), ["constructor", "r2", "r3", "r4"]);
  assert.deepEqual(state.links.map((l) => [l.name, l.router_a]), [["constructor", "constructor"]]);
  assert.deepEqual(state.policies.map((p) => [p.router, p.link]), [["constructor", "constructor"], ["r2", "constructor"]]);
});

test("a resource cannot hide attributes in a '__proto__' key (JSON.parse makes it an own key; it stays one)", () => {
  const doc = JSON.parse(JSON.stringify(diamondDocument()).replace('"name":"r3",', '"name":"r3","__proto__":{"adjacency_sids":[]},'));
  delete doc.resource.srv6_router.r3.decap_sid;
  assert.throws(() => validateDocument(doc), (e: unknown) => {
    assert.ok(e instanceof SchemaError);
    assert.ok(e.issues.some((i) => i.resource === "srv6_router.r3" && i.field === "__proto__" && /unknown attribute/.test(i.message)), e.message);
    assert.ok(e.issues.some((i) => i.resource === "srv6_router.r3" && i.field === "decap_sid" && /required/.test(i.message)), e.message);
    return true;
  });
});

test("every row has its own name; the rows marked CLI-only exist", () => {
  assert.equal(new Set(table.map((b) => b.what)).size, table.length);
  for (const what of CLI_ONLY.keys()) assert.ok(table.some((b) => b.what === what), `CLI_ONLY names a row: ${what}`);
});

test("every problem of a document is reported at once", () => {
  const doc = diamondDocument();
  for (const bad of table.slice(0, 6)) bad.mutate(doc);
  assert.throws(
    () => validateDocument(doc),
    (e: unknown) => e instanceof SchemaError && table.slice(0, 6).every((b) => e.issues.some((i) => i.resource === b.resource && i.field === b.field)),
  );
});

test("a number too large for JSON (1e400) in the stack file is refused showing Infinity, not null", () => {
  const dir = mkdtempSync(join(tmpdir(), "bad-inputs-"));
  try {
    const file = join(dir, "cdk.tf.json");
    writeFileSync(file, JSON.stringify(diamondDocument(), null, 1).replace('"probe_interval_ms": 1,', '"probe_interval_ms": 1e400,'));
    assert.throws(() => loadDesiredState({ path: file }), (e: unknown) => {
      assert.ok(e instanceof SchemaError);
      assert.match(e.message, /srv6_protected_link\.l12\.probe_interval_ms = Infinity: Infinity is not a finite number/);
      assert.doesNotMatch(e.message, /= null/);
      assert.deepEqual((e.toJSON().issues as { value: unknown }[]).map((i) => i.value), ["Infinity"], "--json says Infinity too");
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("no connection was attempted while validating", () => {
  assert.equal(connects.count(), 0);
});

test("loading the state module loads no SSH code at all", () => {
  const stateModule = join(__dirname, "../../provider/state/index.js");
  const script = `
    const state = require(${JSON.stringify(stateModule)});
    try { state.validateDocument({ resource: { srv6_router: { x: { name: "x" } } } }); } catch {}
    const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\/]ssh2[\\/]|provider[\\/]ssh[\\/]/.test(f));
    process.stdout.write(JSON.stringify(loaded));`;
  const loaded = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
  assert.deepEqual(loaded, []);
});
