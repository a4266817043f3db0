/*
 * examples/gitops/plan-comment.ts: plan JSON in, pull-request markdown out.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkPlanDocument, planMarkdown, COMMENT_MARKER, PlanDocumentError } from "../../examples/gitops/plan-comment";

const SCRIPT = join(__dirname, "../../examples/gitops/plan-comment.js");

const plan = {
  durationMs: 712,
  changes: 3,
  routers: [
    { router: "r1", changes: [
      { router: "r1", kind: "route", action: "add", item: "fc00:0:1:1::/128", resource: "srv6_router.r1", summary: "add route fc00:0:1:1::/128 encap seg6local action End" },
      { router: "r1", kind: "sysctl", action: "change", item: "net.ipv6.conf.all.seg6_enabled", summary: "sysctl seg6_enabled 0 -> 1" },
    ] },
    { router: "r2", changes: [{ router: "r2", kind: "file", action: "remove", item: "/x", summary: "remove a|b <script>" }] },
    { router: "r3", changes: [] },
  ],
};

test("markdown: marker, verdict, per-router counts, folded changes", () => {
  const md = planMarkdown(checkPlanDocument(plan));
  const lines = md.split("\n");
  assert.equal(lines[0], COMMENT_MARKER);
  assert.equal(lines[1], "### srv6-protect plan: 3 change(s) on 2 of 3 router(s)");
  assert.ok(lines.includes("| r1 | 1 | 1 | 0 | changes |"), md);
  assert.ok(lines.includes("| r2 | 0 | 0 | 1 | changes |"), md);
  assert.ok(lines.includes("| r3 | 0 | 0 | 0 | up to date |"), md);
  assert.ok(lines.includes("<details><summary>r1: 2 change(s)</summary>"), md);
  assert.ok(lines.includes("| + | route | add route fc00:0:1:1::/128 encap seg6local action End | srv6_router.r1 |"), md);
  assert.ok(!md.includes("r3: "), "an up-to-date router has no details block");
});

test("markdown: table cells cannot break the table or inject HTML", () => {
  const md = planMarkdown(checkPlanDocument(plan));
  assert.ok(md.includes("remove a\\|b &lt;script&gt;"), md);
  assert.ok(!md.includes("<script>"));
});

test("markdown: empty plan, router errors, drift documents", () => {
  assert.match(planMarkdown({ routers: [{ router: "r1", changes: [] }] }), /plan: no changes: the routers match the stack/);
  const failed = planMarkdown({ routers: [{ router: "r1", changes: [], error: { message: "router r1: connection refused" } }] });
  assert.match(failed, /\*\*1 router\(s\) could not be planned\*\*/);
  assert.match(failed, /\| r1 \| 0 \| 0 \| 0 \| error: router r1: connection refused \|/);
  assert.match(planMarkdown({ drift: true, routers: plan.routers } as never), /^### srv6-protect drift check: 3 change/m);
});

test("bad documents name the field and the value", () => {
  assert.throws(() => checkPlanDocument([]), (e: unknown) => e instanceof PlanDocumentError && e.field === "(root)");
  assert.throws(() => checkPlanDocument({ routers: [{ router: "r1", changes: [{ action: "explode", summary: "x" }] }] }),
    (e: unknown) => e instanceof PlanDocumentError && e.field === "routers[0].changes[0].action" && e.message.includes('"explode"'));
});

test("CLI: file in, markdown out (exit 0); not JSON or not a plan: exit 64", () => {
  const dir = mkdtempSync(join(tmpdir(), "graph-plancomment-"));
  try {
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
    const ok = spawnSync(process.execPath, [SCRIPT, join(dir, "plan.json")], { encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, planMarkdown(checkPlanDocument(plan)));
    const stdin = spawnSync(process.execPath, [SCRIPT], { input: JSON.stringify(plan), encoding: "utf8" });
    assert.equal(stdin.status, 0, "reads stdin without a file");
    writeFileSync(join(dir, "bad.json"), "{not json");
    const bad = spawnSync(process.execPath, [SCRIPT, join(dir, "bad.json")], { encoding: "utf8" });
    assert.equal(bad.status, 64);
    assert.match(bad.stderr, /plan-comment: /);
    const missing = spawnSync(process.execPath, [SCRIPT, join(dir, "none.json")], { encoding: "utf8" });
    assert.equal(missing.status, 64);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
