/**
 * `npm run bench -- scale`: a generated network of N routers (default 50) in
 * the lab, every router-router link protected, pushed by the real `srv6`
 * CLI. Times lab up, synth, and per run: apply from empty, no-op plan, drift
 * check, status (every probe stream alive, no false failover) and destroy;
 * reports the controller's peak memory. Always tears the lab down, also on
 * Ctrl-C.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Benchmark, BenchIO } from "../benchmark";
import { Cleanup } from "../cleanup";
import { BenchError } from "../errors";
import { labDown, labUp, LabStateError } from "../../lab";
import { stateDir } from "../../lab/system/names";
import { writeScaleTopology } from "../../examples/scale/generate";
import { parseScaleOptions, randomMgmtSubnet, SCALE_USAGE, type ScaleBenchOptions } from "./options";
import { synthesizeScale, type StackCounts } from "./stack";
import { routerErrors, ScaleController, type ControllerRun, type Verb } from "./controller";
import { labFootprint, type LabFootprint } from "./lab-footprint";
import { formatTable, mib, resultJson, secondsSummary, type MemorySummary, type ScaleResult } from "./report";

export const scaleBenchmark: Benchmark = {
  name: "scale",
  summary: "a generated 50-router network: lab up, apply from empty, no-op plan, drift check; controller memory",
  usage: SCALE_USAGE,
  run: (args, io) => runScaleBench(parseScaleOptions(args), io),
};

/** How long probes may take to be seen on every link end after an apply on a loaded machine. */
const LINKS_UP_WAIT_MS = 20_000;

/** Brings the lab up; with a drawn management subnet, draws again if another lab holds it. */
async function bringUpLab(opts: ScaleBenchOptions, topologyFile: string, log: (line: string) => void): Promise<void> {
  let subnet = opts.mgmtSubnet;
  for (let attempt = 1; ; attempt++) {
    try {
      log(`scale: bringing up lab '${opts.labName}' (${opts.routers} routers, mgmt ${subnet})`);
      // 50 sshd starting at once on 2 busy CPUs take longer than the lab's default 15 s.
      const started = performance.now();
      const elapsed = (): string => `+${((performance.now() - started) / 1000).toFixed(1)} s`;
      await labUp(topologyFile, { name: opts.labName, mgmtSubnet: subnet, readyTimeoutMs: 120_000, progress: (line) => log(`scale: lab ${elapsed()}: ${line}`) });
      return;
    } catch (err) {
      const subnetTaken = err instanceof LabStateError && /subnet .* already in use/.test(err.message);
      if (!subnetTaken || attempt >= 5 || opts.mgmtSubnetGiven) throw err;
      subnet = randomMgmtSubnet();
    }
  }
}

interface LinkEndJson {
  link: string;
  router: string;
  state: string;
  senderAlive: boolean;
  failovers?: number;
}

/** Polls `srv6 status` until every link end is up with a live sender; returns the last run and its figures. */
async function waitLinksUp(controller: ScaleController, expectedEnds: number, log: (line: string) => void): Promise<{ runs: ControllerRun[]; up: number; failovers: number }> {
  const deadline = Date.now() + LINKS_UP_WAIT_MS;
  const runs: ControllerRun[] = [];
  for (;;) {
    const r = await controller.run("status");
    runs.push(r);
    const links = (r.doc.links ?? []) as LinkEndJson[];
    const up = links.filter((l) => l.state === "up" && l.senderAlive).length;
    const failovers = links.reduce((n, l) => n + (l.failovers ?? 0), 0);
    if (links.length !== expectedEnds) throw new BenchError(`srv6 status reported ${links.length} link ends, expected ${expectedEnds}`, { command: controller.argv("status") });
    if (up === expectedEnds || Date.now() > deadline) {
      if (up < expectedEnds) {
        const down = links.filter((l) => !(l.state === "up" && l.senderAlive)).slice(0, 5).map((l) => `${l.link}@${l.router} ${l.state}${l.senderAlive ? "" : " sender dead"}`);
        log(`scale: only ${up}/${expectedEnds} link ends up after ${LINKS_UP_WAIT_MS} ms: ${down.join(", ")}`);
      }
      return { runs, up, failovers };
    }
    await new Promise((res) => setTimeout(res, 1000));
  }
}

/**
 * Nothing fails for `seconds` after the links came up: `srv6 status` every
 * 10 s, and every failover the routers count meanwhile (their counters are
 * cumulative since apply) is a false one. Returns the last figures.
 */
async function soak(controller: ScaleController, expectedEnds: number, seconds: number, log: (line: string) => void): Promise<{ runs: ControllerRun[]; minUp: number; failovers: number }> {
  const end = Date.now() + seconds * 1000;
  const runs: ControllerRun[] = [];
  let minUp = Infinity;
  let failovers = 0;
  for (;;) {
    const r = await controller.run("status");
    runs.push(r);
    const links = (r.doc.links ?? []) as LinkEndJson[];
    minUp = Math.min(minUp, links.filter((l) => l.state === "up" && l.senderAlive).length);
    failovers = links.reduce((n, l) => n + (l.failovers ?? 0), 0);
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    log(`scale: soak: ${minUp}/${expectedEnds} link ends up at the lowest, ${failovers} failovers, ${left} s to go`);
    if (Date.now() >= end) return { runs, minUp, failovers };
    await new Promise((res) => setTimeout(res, Math.min(10_000, end - Date.now())));
  }
}

async function runScaleBench(opts: ScaleBenchOptions, io: BenchIO): Promise<number> {
  const log = (line: string) => io.stderr.write(`${line}\n`);
  const cleanup = new Cleanup();
  const removeSignalHandlers = cleanup.onSignals(log);
  const errors: string[] = [];
  const loadStart = loadavg()[0]!;
  const samples: Record<Verb, number[]> = { apply: [], plan: [], drift: [], status: [], destroy: [] };
  const memory: Partial<Record<Verb, MemorySummary>> = {};
  const cpuMs: Partial<Record<Verb, number[]>> = {};
  const noteMemory = (r: ControllerRun): void => {
    const prev = memory[r.verb];
    (cpuMs[r.verb] ??= []).push(r.memory.cpuMs);
    memory[r.verb] = {
      peakRssMiB: Math.max(prev?.peakRssMiB ?? 0, mib(r.memory.maxRssBytes)),
      peakHeapUsedMiB: Math.max(prev?.peakHeapUsedMiB ?? 0, mib(r.memory.peakHeapUsedBytes)),
      cpuS: secondsSummary(cpuMs[r.verb]!).median,
    };
  };
  let labUpS = NaN;
  let synthS = NaN;
  let labDownS: number | undefined;
  let counts: StackCounts = { routers: 0, protectedLinks: 0, backupPolicies: 0 };
  let hosts = 0;
  let links = 0;
  const applyChanges: number[] = [];
  let minUp = Infinity;
  let falseFailovers = 0;
  let footprint: LabFootprint | undefined;
  try {
    const dir = mkdtempSync(join(tmpdir(), "srv6-bench-scale-"));
    cleanup.add(`work dir ${dir}`, async () => {
      if (opts.keep) log(`scale: kept the generated topology and stack in ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    });
    const topologyFile = join(dir, "topology.json");
    const topo = writeScaleTopology(topologyFile, { routers: opts.routers, seed: opts.seed, name: opts.labName, mgmtSubnet: opts.mgmtSubnet });
    hosts = Object.values(topo.nodes).filter((n) => n.kind === "host").length;
    links = topo.links.length - hosts;
    log(`scale: generated ${opts.routers} routers, ${links} router links, ${hosts} hosts (seed ${opts.seed}) in ${topologyFile}`);

    // Registered before `up`: a Ctrl-C while the lab comes up still removes it.
    const forgetLab = cleanup.add(`lab ${opts.labName}`, () => labDown(opts.labName).then((r) => r.errors));
    let t = performance.now();
    await bringUpLab(opts, topologyFile, log);
    labUpS = (performance.now() - t) / 1000;
    log(`scale: lab up in ${labUpS.toFixed(2)} s`);

    const inventoryFile = join(stateDir(opts.labName), "inventory.json");
    log("scale: synthesizing examples/scale against the lab inventory");
    const stack = await synthesizeScale(topologyFile, inventoryFile, dir);
    synthS = stack.ms / 1000;
    counts = stack.counts;
    log(`scale: synthesized in ${synthS.toFixed(2)} s: ${counts.routers} routers, ${counts.protectedLinks} protected links, ${counts.backupPolicies} backup policies`);
    if (counts.routers !== opts.routers) throw new BenchError(`the stack declares ${counts.routers} routers, the topology has ${opts.routers}`);

    const controller = new ScaleController(dir, stack.stackDir, inventoryFile, opts.parallelism);
    const expectedEnds = counts.protectedLinks * 2;
    for (let run = 1; run <= opts.runs; run++) {
      const apply = await controller.run("apply", [0, 1]);
      noteMemory(apply);
      if (apply.doc.ok !== true) throw new BenchError(`srv6 apply (run ${run}) failed: ${routerErrors(apply.doc)}`, { command: controller.argv("apply") });
      const changes = ((apply.doc.routers ?? []) as { changes: number }[]).reduce((n, r) => n + r.changes, 0);
      // Run 1 starts from a fresh lab; later runs start from what destroy left. Fewer changes means
      // destroy did not restore something apply had changed: a real failure, but the timings still count.
      if (run > 1 && changes !== applyChanges[0]) {
        errors.push(`apply in run ${run} made ${changes} changes, run 1 (fresh lab) ${applyChanges[0]}: srv6 destroy left ${applyChanges[0]! - changes} of apply's changes behind`);
        log(`scale: ${errors[errors.length - 1]}`);
      }
      applyChanges.push(changes);
      samples.apply.push(apply.ms);

      // The routers, observed again, must match the stack exactly.
      const plan = await controller.run("plan", [0, 1, 2]);
      noteMemory(plan);
      if (plan.doc.changes !== 0) throw new BenchError(`srv6 plan right after apply (run ${run}) is not empty: ${String(plan.doc.changes)} change(s) ${routerErrors(plan.doc)}`, { command: controller.argv("plan") });
      samples.plan.push(plan.ms);

      const drift = await controller.run("drift", [0, 1, 2]);
      noteMemory(drift);
      if (drift.doc.drift !== false) throw new BenchError(`srv6 drift found drift right after apply (run ${run})`, { command: controller.argv("drift") });
      samples.drift.push(drift.ms);

      // Every probe stream alive through its neighbour, and no failover while nothing failed.
      const status = await waitLinksUp(controller, expectedEnds, log);
      for (const r of status.runs) noteMemory(r);
      samples.status.push(status.runs[status.runs.length - 1]!.ms);
      minUp = Math.min(minUp, status.up);
      falseFailovers += status.failovers;
      if (status.up < expectedEnds) errors.push(`run ${run}: only ${status.up}/${expectedEnds} link ends up`);
      if (run === 1) {
        const soaked = await soak(controller, expectedEnds, opts.soakSeconds, log);
        for (const r of soaked.runs) noteMemory(r);
        minUp = Math.min(minUp, soaked.minUp);
        falseFailovers += soaked.failovers - status.failovers;
        if (soaked.minUp < expectedEnds) errors.push(`soak: only ${soaked.minUp}/${expectedEnds} link ends up at one point`);
        const routerNames = Object.entries(topo.nodes).filter(([, n]) => n.kind === "router").map(([name]) => name);
        footprint = await labFootprint(opts.labName, routerNames);
        log(`scale: ${footprint.probeSenders} probe senders use ${footprint.probeSendersCpuPercent}% of one CPU; ${footprint.routerProcesses} router processes hold ${footprint.routerProcessesRssMiB} MiB resident`);
        if (footprint.probeSenders !== counts.routers) errors.push(`run ${run}: ${footprint.probeSenders} probe senders running, expected one per router (${counts.routers})`);
      }

      const destroy = await controller.run("destroy", [0, 1]);
      noteMemory(destroy);
      if (destroy.doc.ok !== true) throw new BenchError(`srv6 destroy (run ${run}) failed: ${JSON.stringify(destroy.doc).slice(0, 300)}`, { command: controller.argv("destroy") });
      samples.destroy.push(destroy.ms);
      log(`scale: run ${run}/${opts.runs}: apply ${(apply.ms / 1000).toFixed(2)} s (${changes} changes), no-op plan ${(plan.ms / 1000).toFixed(2)} s, drift ${(drift.ms / 1000).toFixed(2)} s, `
        + `${status.up}/${expectedEnds} link ends up, ${status.failovers} failovers, destroy ${(destroy.ms / 1000).toFixed(2)} s; controller peak rss ${mib(apply.memory.maxRssBytes)} MiB, cpu ${(apply.memory.cpuMs / 1000).toFixed(2)} s (apply)`);
    }

    t = performance.now();
    const down = await labDown(opts.labName);
    labDownS = (performance.now() - t) / 1000;
    forgetLab();
    errors.push(...down.errors.map((e) => `lab down: ${e}`));
  } catch (err) {
    errors.push((err as Error).message);
    log(`scale: ${(err as Error).message}`);
  } finally {
    const problems = await cleanup.run();
    for (const p of problems) log(`scale: cleanup: ${p}`);
    errors.push(...problems.map((p) => `cleanup: ${p}`));
    removeSignalHandlers();
  }

  const memValues = Object.values(memory);
  const result: ScaleResult = {
    routers: opts.routers, hosts, links, seed: opts.seed, runs: opts.runs, parallelism: opts.parallelism,
    stack: counts, applyChanges, labUpS: Math.round(labUpS * 1000) / 1000, synthS: Math.round(synthS * 1000) / 1000,
    applyS: secondsSummary(samples.apply), noopPlanS: secondsSummary(samples.plan), driftS: secondsSummary(samples.drift),
    statusS: secondsSummary(samples.status), destroyS: secondsSummary(samples.destroy),
    labDownS: labDownS === undefined ? undefined : Math.round(labDownS * 1000) / 1000,
    linkEndsUp: { min: Number.isFinite(minUp) ? minUp : 0, of: counts.protectedLinks * 2 },
    falseFailovers,
    soakSeconds: opts.soakSeconds,
    labFootprint: footprint,
    controllerPeakRssMiB: memValues.length ? Math.max(...memValues.map((m) => m.peakRssMiB)) : NaN,
    controllerPeakHeapMiB: memValues.length ? Math.max(...memValues.map((m) => m.peakHeapUsedMiB)) : NaN,
    memory,
    loadAverage1m: { start: Math.round(loadStart * 10) / 10, end: Math.round(loadavg()[0]! * 10) / 10 },
    ok: errors.length === 0 && samples.apply.length === opts.runs,
    errors,
  };
  io.stdout.write(opts.json ? `${resultJson(result)}\n` : formatTable(result));
  return result.ok ? 0 : 1;
}
