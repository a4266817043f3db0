/** Loading a valid stack: references resolved, defaults applied, stack selection. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDesiredState, validateDocument } from "../../provider/state";
import { StackLoadError } from "../../provider/errors";
import { diamondDocument } from "./diamond-document";

test("valid diamond: references resolved, defaults filled, sorted by name", () => {
  const s = validateDocument(diamondDocument(), "diamond");
  assert.deepEqual(s.routers.map((r) => r.name), ["r1", "r2", "r3", "r4"]);
  assert.equal(s.provider.parallelism, 8, "provider block read");
  assert.equal(s.provider.connect_timeout_ms, 10000, "provider default");
  const l12 = s.links[0];
  assert.equal(l12.router_a, "r1");
  assert.equal(l12.return_sid_a, "fc00:0:2:e1::", "list-indexed reference resolved");
  assert.equal(l12.hold_down_ms, 1000, "link default");
  const p1 = s.policies.find((p) => p.name === "r1-to-h2")!;
  assert.deepEqual(p1.segments, ["fc00:0:3:e::", "fc00:0:4:d6::"]);
  assert.equal(p1.link, "l12");
  const r4 = s.routers[3];
  assert.equal(r4.user, "srv6ops");
  assert.equal(r4.sudo, true, "non-root user defaults to sudo");
  assert.equal(s.routers[0].sudo, false, "root defaults to no sudo");
  assert.equal(s.routers[0].source_address, "fc00:0:1::1", "tunsrc defaults to locator ::1");
});

test("addresses are canonicalized as iproute2 prints them", () => {
  const doc = diamondDocument();
  doc.resource.srv6_router.r1.node_sid = "FC00:0000:0001:000E:0:0:0:0";
  doc.resource.srv6_router.r1.locator = "FC00:0:1:0::/48";
  const s = validateDocument(doc);
  assert.equal(s.routers[0].node_sid, "fc00:0:1:e::");
  assert.equal(s.routers[0].locator, "fc00:0:1::/48");
});

test("$${ escapes are not references", () => {
  const doc = diamondDocument();
  doc.resource.srv6_router.r1.private_key_file = "/keys/$${literal}";
  assert.equal(validateDocument(doc).routers[0].private_key_file, "/keys/${literal}");
});

test("stack selection: single stack by default, error listing several, --stack picks", () => {
  const dir = mkdtempSync(join(tmpdir(), "s6en-stack-"));
  try {
    const write = (name: string) => {
      mkdirSync(join(dir, "cdktf.out", "stacks", name), { recursive: true });
      writeFileSync(join(dir, "cdktf.out", "stacks", name, "cdk.tf.json"), JSON.stringify(diamondDocument()));
    };
    write("diamond");
    assert.equal(loadDesiredState({ path: join(dir, "cdktf.out") }).routers.length, 4);
    write("mesh");
    assert.throws(() => loadDesiredState({ path: join(dir, "cdktf.out") }), (e: unknown) => e instanceof StackLoadError && /2 stacks \(diamond, mesh\)/.test(e.message));
    assert.equal(loadDesiredState({ path: join(dir, "cdktf.out"), stack: "mesh" }).routers.length, 4);
    assert.throws(() => loadDesiredState({ path: join(dir, "cdktf.out"), stack: "nope" }), /stack 'nope' not found.*stacks: diamond, mesh/);
    assert.equal(loadDesiredState({ path: join(dir, "cdktf.out", "stacks", "mesh", "cdk.tf.json") }).links.length, 1);
    assert.throws(() => loadDesiredState({ path: join(dir, "missing") }), /does not exist/);
    writeFileSync(join(dir, "bad.json"), "{not json");
    assert.throws(() => loadDesiredState({ path: join(dir, "bad.json") }), (e: unknown) => e instanceof StackLoadError && /not valid JSON/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the manifest written by cdktf is honoured", () => {
  const dir = mkdtempSync(join(tmpdir(), "s6en-stack-"));
  try {
    mkdirSync(join(dir, "elsewhere"), { recursive: true });
    writeFileSync(join(dir, "elsewhere", "x.json"), JSON.stringify(diamondDocument()));
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ stacks: { only: { synthesizedStackPath: "elsewhere/x.json" } } }));
    assert.equal(loadDesiredState({ path: dir }).routers.length, 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("validateResource checks one resource alone", async () => {
  const { validateResource } = await import("../../provider/state");
  const { "//": _meta, ...r1 } = diamondDocument().resource.srv6_router.r1;
  assert.deepEqual(validateResource("srv6_router", r1), []);
  const issues = validateResource("srv6_protected_link", { name: "l1", multiplier: 1 });
  assert.ok(issues.some((i) => i.resource === "srv6_protected_link.l1" && i.field === "multiplier" && i.value === 1));
  assert.ok(issues.some((i) => i.field === "router_a" && /required/.test(i.message)));
});
