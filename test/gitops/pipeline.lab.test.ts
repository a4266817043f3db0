/*
 * The GitOps workflow's own commands, run for real against the diamond lab:
 *
 *          h1 - r1 ==(r1-r2 protected)== r2
 *               |                        |
 *               r3 --------------------- r4 - h2
 *
 * Each job's srv6/markdown steps are taken from the workflow file and run
 * with bash -e, as the runner would; install, synth (done here with
 * synthExample), SSH key and `gh` steps are the CI's own and are skipped.
 * Outcome: plan 0 with changes, apply 0, verify 0, plan again empty,
 * drift 0, then a tampered router makes the drift job fail with exit 2.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withLab, uniqueLabName } from "../helpers/lab";
import { synthExample, REPO, SRV6 } from "../helpers/stack";
import { parseWorkflow, srv6Steps, type WorkflowStep } from "./workflow-steps";
import { COMMENT_MARKER } from "../../examples/gitops/plan-comment";

const workflow = parseWorkflow(readFileSync(join(REPO, "examples/gitops/workflows/srv6-protect.yml"), "utf8"));
const stepsOf = (job: string): WorkflowStep[] => srv6Steps(workflow.jobs.find((j) => j.name === job)!);

function runStep(step: WorkflowStep, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    // GitHub runs `run:` with `bash -e {0}`; -o pipefail as its default shell does.
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.stdout.on("data", (d: Buffer) => { output += d; });
    child.stderr.on("data", (d: Buffer) => { output += d; });
    child.on("close", (code) => { clearTimeout(timer); resolve({ code: code ?? -1, output }); });
  });
}

test("the workflow's plan, apply and drift steps on the diamond lab", async () => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const stack = await synthExample("diamond", lab);
    const work = mkdtempSync(join(tmpdir(), "graph-gitops-"));
    try {
      // A checkout as the runner sees it: dist/ of the build, srv6 on PATH.
      symlinkSync(join(REPO, "dist"), join(work, "dist"));
      mkdirSync(join(work, "bin"));
      symlinkSync(SRV6, join(work, "bin/srv6"));
      const summary = join(work, "summary.md");
      const env = { ...process.env, PATH: `${join(work, "bin")}:${process.env.PATH}`, ...workflow.env, SRV6_STACK: stack.dir, GITHUB_STEP_SUMMARY: summary };
      const runJob = async (job: string, expect: number[]): Promise<void> => {
        const steps = stepsOf(job);
        assert.equal(steps.length, expect.length, `${job}: ${steps.length} steps to run`);
        for (const [i, step] of steps.entries()) {
          const r = await runStep(step, work, env);
          assert.equal(r.code, expect[i], `${job} / ${step.name ?? step.run}: exit ${r.code}\n${r.output}`);
        }
      };

      await runJob("plan", [0, 0, 0]);
      const plan = JSON.parse(readFileSync(join(work, "plan.json"), "utf8")) as { changes: number; routers: { router: string }[] };
      assert.ok(plan.changes > 0, `a fresh lab needs changes: ${plan.changes}`);
      const md = readFileSync(join(work, "plan.md"), "utf8");
      assert.equal(md.split("\n")[0], COMMENT_MARKER);
      assert.match(md, new RegExp(`^### srv6-protect plan: ${plan.changes} change\\(s\\) on 4 of 4 router\\(s\\)$`, "m"));
      for (const r of ["r1", "r2", "r3", "r4"]) assert.match(md, new RegExp(`^\\| ${r} \\| [1-9]\\d* \\| \\d+ \\| 0 \\| changes \\|$`, "m"), `${r}: adds, nothing to remove`);
      const svg = readFileSync(join(work, "network.svg"), "utf8");
      assert.match(svg, /data-link="r1-r2"/);

      await runJob("apply", [0, 0]);

      await runJob("plan", [0, 0, 0]);
      assert.match(readFileSync(join(work, "plan.md"), "utf8"), /^### srv6-protect plan: no changes: the routers match the stack$/m);

      writeFileSync(summary, "");
      await runJob("drift", [0]);
      assert.match(readFileSync(summary, "utf8"), /^### srv6-protect drift check: no changes/m);

      await lab.sh("r1", "ip -6 route del fc00:0:1:1::/128 proto 214");
      writeFileSync(summary, "");
      await runJob("drift", [2]);
      const drift = readFileSync(summary, "utf8");
      assert.match(drift, /^### srv6-protect drift check: 1 change\(s\) on 1 of 4 router\(s\)$/m);
      assert.match(drift, /^\| r1 \| 1 \| 0 \| 0 \| changes \|$/m);
      assert.match(drift, /fc00:0:1:1::\/128/);
    } finally {
      stack.cleanup();
      rmSync(work, { recursive: true, force: true });
    }
  }, { name: uniqueLabName("gr") });
});
