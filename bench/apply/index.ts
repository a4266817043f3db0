/**
 * `npm run bench -- apply`: how long pushing a network's protection takes
 * with srv6-protect (apply from empty, no-op plan, drift check) and with
 * Ansible pushing the very same files and commands, default and tuned, on
 * the same lab routers in the same run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Benchmark, BenchIO } from "../benchmark";
import { Cleanup } from "../cleanup";
import { BenchLab } from "../lab";
import { labDown, labUp, readInventory, LabStateError } from "../../lab";
import { APPLY_USAGE, parseApplyOptions, randomMgmtSubnet, type ApplyBenchOptions, type SystemName } from "./options";
import { synthesizeExample } from "./stack";
import { stopRunning } from "./process";
import { renderedPlans } from "./plans";
import { Srv6System } from "./srv6";
import { AnsibleSystem } from "./ansible/system";
import type { PushSystem } from "./system";
import { configuredProblems, leftoverProblems } from "./verify";
import { formatTable, resultJson, systemRun, type Samples, type SystemRun } from "./stats";
import { BenchError } from "../errors";
import type { DataplanePlan } from "../../provider/dataplane/types";

export const applyBenchmark: Benchmark = {
  name: "apply",
  summary: "push the mesh's protection: apply from empty, no-op plan, drift check (ours vs Ansible default/tuned/batched)",
  usage: APPLY_USAGE,
  run: (args, io) => runApplyBench(parseApplyOptions(args), io),
};

/** Brings the lab up; with a drawn management subnet, draws again if another lab holds it. */
async function bringUpLab(opts: ApplyBenchOptions, log: (line: string) => void): Promise<BenchLab> {
  let subnet = opts.mgmtSubnet;
  for (let attempt = 1; ; attempt++) {
    try {
      log(`apply: bringing up lab '${opts.labName}' from ${opts.topology} (mgmt ${subnet})`);
      await labUp(opts.topology, { name: opts.labName, mgmtSubnet: subnet });
      return BenchLab.attach(opts.labName);
    } catch (err) {
      const subnetTaken = err instanceof LabStateError && /subnet .* already in use/.test(err.message);
      if (!subnetTaken || attempt >= 5 || opts.mgmtSubnetGiven) throw err;
      subnet = randomMgmtSubnet();
    }
  }
}

function createSystem(name: SystemName, ctx: { dir: string; stackDir: string; inventoryFile: string; lab: BenchLab; plans: ReadonlyMap<string, DataplanePlan>; log: (line: string) => void }): PushSystem {
  switch (name) {
    case "srv6-protect": return new Srv6System(ctx.stackDir, ctx.inventoryFile, ctx.log);
    case "ansible-default": return new AnsibleSystem("default", join(ctx.dir, name), ctx.lab, ctx.lab.inventory, ctx.plans);
    case "ansible-tuned": return new AnsibleSystem("tuned", join(ctx.dir, name), ctx.lab, ctx.lab.inventory, ctx.plans);
    case "ansible-batched": return new AnsibleSystem("batched", join(ctx.dir, name), ctx.lab, ctx.lab.inventory, ctx.plans);
  }
}

async function expectEmpty(lab: BenchLab, plans: ReadonlyMap<string, DataplanePlan>, when: string): Promise<void> {
  const left = await leftoverProblems(lab, plans);
  if (left.length) throw new BenchError(`routers are not empty ${when}: ${left.slice(0, 5).join("; ")}`);
}

/** One run of one system: apply from empty, verify, no-op plan, drift, back to empty. */
async function measureRun(system: PushSystem, samples: Samples, run: string, lab: BenchLab, plans: ReadonlyMap<string, DataplanePlan>, log: (line: string) => void): Promise<void> {
  await expectEmpty(lab, plans, `before ${system.name} run ${run}`);
  const applyMs = await system.apply();
  const problems = await configuredProblems(lab, plans);
  if (problems.length) throw new BenchError(`${system.name} apply exited successfully but the routers are not configured: ${problems.slice(0, 5).join("; ")}`);
  const noopMs = await system.noopPlan();
  const driftMs = await system.drift();
  samples.apply.push(applyMs);
  samples.noopPlan.push(noopMs);
  samples.drift.push(driftMs);
  log(`apply: ${system.name} run ${run}: apply ${(applyMs / 1000).toFixed(3)} s (verified on ${plans.size} routers), no-op plan ${(noopMs / 1000).toFixed(3)} s, drift ${(driftMs / 1000).toFixed(3)} s`);
  await system.reset();
  await expectEmpty(lab, plans, `after ${system.name} run ${run}`);
}

async function runApplyBench(opts: ApplyBenchOptions, io: BenchIO): Promise<number> {
  const log = (line: string) => io.stderr.write(`${line}\n`);
  const cleanup = new Cleanup();
  const removeSignalHandlers = cleanup.onSignals(log);
  const results: SystemRun[] = [];
  let failed = false;
  try {
    const dir = mkdtempSync(join(tmpdir(), "srv6-bench-apply-"));
    cleanup.add(`work dir ${dir}`, async () => {
      if (opts.keep) log(`apply: kept generated stack, inventory and playbooks in ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    });
    const lab = await bringUpLab(opts, log);
    cleanup.add(`lab ${opts.labName}`, () => labDown(opts.labName).then(() => undefined));
    const inventoryFile = join(readInventory(opts.labName).stateDir, "inventory.json");
    const example = basename(opts.topology, ".json");
    log(`apply: synthesizing examples/${example} against the lab inventory`);
    const stackDir = await synthesizeExample(example, inventoryFile, dir);
    const plans = await renderedPlans(stackDir, lab.inventory);
    const commands = [...plans.values()].reduce((n, p) => n + p.install.length, 0);
    log(`apply: ${plans.size} routers, ${commands} install commands and ${[...plans.values()].reduce((n, p) => n + p.files.length, 0)} files in the rendered plans`);

    // Runs first on an interrupt: stop srv6/ansible-playbook before their routers go away.
    cleanup.add("running commands", async () => {
      const n = stopRunning();
      if (n) log(`apply: stopped ${n} running command(s)`);
    });
    // Runs are interleaved (run 1 of every system, then run 2...) so a
    // machine whose load changes over minutes weighs on all systems alike.
    const live: { system: PushSystem; samples: Samples; forgetClose: () => void }[] = [];
    for (const name of opts.systems) {
      const system = createSystem(name, { dir, stackDir, inventoryFile, lab, plans, log });
      live.push({ system, samples: { apply: [], noopPlan: [], drift: [] }, forgetClose: cleanup.add(`${name} close`, () => system.close()) });
    }
    const retire = async (entry: (typeof live)[number], err?: Error): Promise<void> => {
      live.splice(live.indexOf(entry), 1);
      if (err) {
        failed = true;
        log(`apply: ${entry.system.name}: FAILED: ${err.message}`);
        // Leave empty routers for the next system whatever state the failure left.
        await entry.system.reset().catch((e: Error) => log(`apply: ${entry.system.name}: reset: ${e.message}`));
      }
      entry.forgetClose();
      for (const p of await entry.system.close()) log(`apply: ${entry.system.name}: close: ${p}`);
    };
    for (const entry of [...live]) await entry.system.prepare().catch((err: Error) => retire(entry, err));
    for (let i = 1; i <= opts.runs; i++) {
      for (const entry of [...live]) {
        try {
          await measureRun(entry.system, entry.samples, `${i}/${opts.runs}`, lab, plans, log);
        } catch (err) {
          await retire(entry, err as Error);
        }
      }
    }
    for (const entry of [...live]) {
      results.push(systemRun(entry.system.name, plans.size, entry.samples));
      await retire(entry);
    }
    // Results in the order the systems were asked for.
    results.sort((a, b) => opts.systems.indexOf(a.system) - opts.systems.indexOf(b.system));
  } catch (err) {
    failed = true;
    log(`apply: ${(err as Error).message}`);
  } finally {
    const problems = await cleanup.run();
    for (const p of problems) log(`apply: cleanup: ${p}`);
    if (problems.length) failed = true;
    removeSignalHandlers();
  }
  io.stdout.write(opts.json ? `${JSON.stringify(resultJson(results))}\n` : formatTable(results, opts.runs));
  return failed || results.length < opts.systems.length ? 1 : 0;
}
