/*
 * The GitOps workflow's shape, read without YAML library: the right jobs on
 * the right events, and the commands each one runs. The lab test
 * (pipeline.lab.test.ts) then executes those commands for real.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseWorkflow, srv6Steps } from "./workflow-steps";

const REPO = join(__dirname, "../../..");
const workflow = parseWorkflow(readFileSync(join(REPO, "examples/gitops/workflows/srv6-protect.yml"), "utf8"));
const job = (name: string) => {
  const j = workflow.jobs.find((x) => x.name === name);
  assert.ok(j, `job ${name} exists`);
  return j;
};

test("triggers: pull requests, pushes to main, a schedule, manual runs", () => {
  assert.deepEqual(workflow.triggers, ["pull_request", "push", "schedule", "workflow_dispatch"]);
  assert.equal(workflow.env.SRV6_STACK, "cdktf.out");
  assert.deepEqual(workflow.jobs.map((j) => j.name), ["plan", "apply", "drift"]);
});

test("each job synthesizes before it touches a router", () => {
  for (const name of ["plan", "apply", "drift"]) {
    const steps = job(name).steps;
    const synth = steps.findIndex((s) => s.run === "npx cdktf synth");
    const firstSrv6 = steps.findIndex((s) => srv6Steps(job(name)).includes(s));
    assert.ok(synth >= 0 && synth < firstSrv6, `${name}: synth (${synth}) before the first srv6 step (${firstSrv6})`);
  }
});

test("plan job: on pull requests, plan --json, markdown, picture, comment", () => {
  const plan = job("plan");
  assert.equal(plan.if, "github.event_name == 'pull_request'");
  assert.deepEqual(srv6Steps(plan).map((s) => s.run), [
    'srv6 plan --stack "$SRV6_STACK" --json > plan.json',
    "node dist/examples/gitops/plan-comment.js plan.json > plan.md",
    'srv6 graph --stack "$SRV6_STACK" --out network.svg',
  ]);
  const comment = plan.steps.find((s) => s.run?.includes("gh pr comment"));
  assert.ok(comment?.run?.includes("--body-file plan.md"), "the comment posts plan.md");
});

test("apply job: only on main, applies then verifies an empty plan", () => {
  const apply = job("apply");
  assert.equal(apply.if, "github.event_name == 'push' && github.ref == 'refs/heads/main'");
  assert.deepEqual(srv6Steps(apply).map((s) => s.run), ['srv6 apply --stack "$SRV6_STACK"', 'srv6 drift --stack "$SRV6_STACK"']);
});

test("drift job: scheduled, keeps drift's exit code so drift fails the run", () => {
  const drift = job("drift");
  assert.match(drift.if ?? "", /schedule/);
  const [step] = srv6Steps(drift);
  assert.match(step!.run!, /^srv6 drift --stack "\$SRV6_STACK" --json > drift\.json$/m);
  assert.match(step!.run!, /^exit \$code$/m, "the step exits with drift's code");
});
