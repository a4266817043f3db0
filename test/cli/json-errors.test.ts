/*
 * `srv6 ... --json` reports a failure as data: {"error": {kind, name,
 * message, ...}} on stdout, for any error of the project (not only the
 * engine's), with the exit code it had before; the text on stderr stays.
 * No router is contacted.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { DiamondStack } from "../../examples/diamond/main";
import { srv6InProcess } from "../helpers/cli";
import { applyJson, planJson } from "../../provider/cli/render-plan";
import { ApplyAbortedError } from "../../provider/engine/errors";
import type { ApplyReport, NetworkChanges } from "../../provider/engine/engine";
import { CommandError } from "../../provider/errors";

const srv6 = srv6InProcess;

const work = mkdtempSync(join(tmpdir(), "json-errors-"));
test.after(() => rmSync(work, { recursive: true, force: true }));

test("a bad command line with --json: kind usage on stdout, usage on stderr, exit 64; without --json stdout stays empty", async () => {
  const r = await srv6("plan", "--bogus", "--json");
  assert.equal(r.code, 64);
  const doc = JSON.parse(r.stdout) as { error: Record<string, unknown> };
  assert.equal(doc.error.kind, "usage");
  assert.equal(doc.error.name, "UsageError");
  assert.match(String(doc.error.message), /--bogus/);
  assert.match(r.stderr, /^srv6 plan: .*--bogus[\s\S]*\nusage: srv6 plan /);
  const text = await srv6("plan", "--bogus");
  assert.equal(text.code, 64);
  assert.equal(text.stdout, "");
  assert.equal(text.stderr, r.stderr);
});

test("an engine error (Srv6Error) and a graph error (not one) both give their kind; exit codes as before", async () => {
  const missing = await srv6("graph", "--stack", join(work, "missing"), "--json");
  assert.equal(missing.code, 64);
  const stack = (JSON.parse(missing.stdout) as { error: Record<string, unknown> }).error;
  assert.equal(stack.kind, "stack");
  assert.equal(stack.name, "StackLoadError");
  assert.match(missing.stderr, /missing does not exist/);

  const outdir = join(work, "diamond");
  const app = new App({ outdir });
  new DiamondStack(app, "diamond", { inventory: false });
  app.synth();
  const unknown = await srv6("graph", "--stack", outdir, "--link", "r9-r9", "--json");
  assert.equal(unknown.code, 64, unknown.stderr);
  const graph = (JSON.parse(unknown.stdout) as { error: Record<string, unknown> }).error;
  assert.equal(graph.kind, "graph-input");
  assert.equal(graph.name, "GraphInputError");
  assert.match(String(graph.message), /--link = "r9-r9": no srv6_protected_link of that name/);
});

test("plan and apply --json: a router's error carries its kind and context", () => {
  const err = new CommandError({ router: "r1", command: ["ip", "-6", "route"], exitCode: 2, stdout: "", stderr: "no" });
  const plan = planJson({ routers: [{ router: "r1", changes: [], error: err }], durationMs: 1 } as unknown as NetworkChanges) as { routers: { error: Record<string, unknown> }[] };
  assert.deepEqual(plan.routers[0]!.error, err.toJSON());
  assert.equal(plan.routers[0]!.error.kind, "command");
  const rep = { ok: false, durationMs: 1, plan: { routers: [], durationMs: 0 }, routers: [{ router: "r2", changes: 0, error: new ApplyAbortedError("r2") }] } as unknown as ApplyReport;
  const apply = applyJson(rep) as { routers: { error: Record<string, unknown> }[] };
  assert.equal(apply.routers[0]!.error.kind, "apply-aborted");
  assert.equal(apply.routers[0]!.error.router, "r2");
  assert.equal(apply.routers[0]!.error.name, "ApplyAbortedError");
});
