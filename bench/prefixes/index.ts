/**
 * `npm run bench -- prefixes`: N protected prefixes behind r4 of the diamond
 * (examples/diamond with extra prefixes), r1-r2 protected at 1 ms x 3,
 * pushed by the real `srv6` CLI. Per size: synth, apply from empty, no-op
 * plan, drift check, add 100 prefixes, remove them again, destroy; the
 * routes, reroute programs and backup-map memory on r1; and the loss window
 * of both directions over silent failures of the lab's wire (one instant for
 * both directions). Writes the results and a plot of every figure against
 * the prefix count.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Benchmark, BenchIO } from "../benchmark";
import { BenchLab } from "../lab";
import { BenchError } from "../errors";
import { Cleanup } from "../cleanup";
import { summarize, type Summary } from "../stats";
import { expectExit, timedRun } from "../apply/process";
import { buildMeter } from "../../lab/meter/build";
import { TrafficMeter } from "../../lab/meter/meter";
import { measureFailures } from "../failover/measure";
import { protectedLink } from "../failover";
import { Srv6ProtectSystem } from "../failover/srv6/system";
import { RESULTS_DIR } from "../failover/report";
import type { FailureKind } from "../failover/inject";
import { PACKAGE_ROOT } from "../../provider/engine/router-scripts";
import { BPF_OBJECTS, MAP_NAMES, PIN_DIR } from "../../provider/dataplane/constants";
import { parsePrefixOptions, PREFIX_USAGE, type PrefixBenchOptions } from "./options";
import { synthesizePrefixStack, routeExtraPrefixes, extraPrefixAddress, type PrefixStack } from "./stack";
import { writePrefixPlot, type PlotPanel } from "./plot";

export const prefixesBenchmark: Benchmark = {
  name: "prefixes",
  summary: "thousands of protected prefixes behind one router: apply, plan, drift, add/remove 100, destroy, programs, memory, loss window",
  usage: PREFIX_USAGE,
  run: (args, io) => runPrefixBench(parsePrefixOptions(args), io),
};

const TIMERS = { probeIntervalMs: 1, multiplier: 3, holdDownMs: 300 } as const;
const METER_PORT = 47_981;
const RATE_PPS = 10_000;
const STEPS = ["synth", "apply", "plan", "drift", "add100", "remove100", "destroy"] as const;
type StepName = (typeof STEPS)[number];

export interface SizeResult {
  readonly prefixes: number;
  readonly backupPolicies: number;
  readonly resources: number;
  /** Seconds per step, over the runs. */
  readonly seconds: Record<StepName, Summary>;
  /** Protected routes on r1 after apply. */
  readonly routesOnR1: number;
  /** Reroute programs in the kernel (r1's and r2's: the lab's routers share it). */
  readonly reroutePrograms: number;
  /** What the kernel charges for r1's backup map. */
  readonly backupMapBytes: number;
  /** Loss windows (ms) of silent failures, h1 -> a prefix behind r4 (r1's protection) and back (r2's). */
  readonly lossMs?: Summary & { readonly p99: number; readonly n: number };
  readonly reverseLossMs?: Summary & { readonly p99: number; readonly n: number };
  /** The same for carrier losses (both ends at once). */
  readonly carrierLossMs?: Summary & { readonly p99: number; readonly n: number };
  readonly carrierReverseLossMs?: Summary & { readonly p99: number; readonly n: number };
  /** Kernel slab memory (machine-wide) grown by the apply, MiB. */
  readonly slabGrowthMiB: number;
  readonly problems: string[];
}

function withP99(samples: number[]): Summary & { p99: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { ...summarize(samples), p99: sorted[Math.max(0, Math.ceil(0.99 * sorted.length) - 1)]!, n: samples.length };
}

class Cli {
  constructor(private readonly inventoryFile: string) {}
  argv(verb: string, stack: PrefixStack): string[] {
    return [process.execPath, join(PACKAGE_ROOT, "bin", "srv6"), verb, "--stack", stack.stackDir, "--inventory", this.inventoryFile, "--json"];
  }
  async run(verb: string, stack: PrefixStack): Promise<{ s: number; doc: Record<string, unknown> }> {
    const argv = this.argv(verb, stack);
    const r = expectExit(await timedRun(argv, { timeoutMs: 600_000 }), argv, `srv6 ${verb}`);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    return { s: r.ms / 1000, doc };
  }
  async apply(stack: PrefixStack): Promise<number> {
    const { s, doc } = await this.run("apply", stack);
    if (doc.ok !== true) throw new BenchError(`srv6 apply failed: ${JSON.stringify(doc).slice(0, 600)}`, { command: this.argv("apply", stack) });
    return s;
  }
}

async function routerFigures(lab: BenchLab): Promise<{ routes: number; programs: number; mapBytes: number }> {
  const routes = (JSON.parse((await lab.exec("r1", ["ip", "-6", "-j", "route", "show", "proto", "214", "metric", "10"])).stdout) as unknown[]).length;
  const names = new Set<string>(Object.values(BPF_OBJECTS.reroute.programs));
  const programs = (JSON.parse((await lab.exec("r1", ["bpftool", "-j", "prog", "show"])).stdout) as { name?: string }[]).filter((p) => names.has(p.name ?? "")).length;
  const map = JSON.parse((await lab.exec("r1", ["bpftool", "-j", "map", "show", "pinned", `${PIN_DIR}/${MAP_NAMES.backups}`])).stdout) as { bytes_memlock?: number };
  return { routes, programs, mapBytes: map.bytes_memlock ?? NaN };
}

async function measureSize(size: number, opts: PrefixBenchOptions, lab: BenchLab, cli: Cli, meterBinary: string, work: string, log: (l: string) => void): Promise<SizeResult> {
  const inventoryFile = join(lab.inventory.stateDir, "inventory.json");
  const problems: string[] = [];
  const samples: Record<StepName, number[]> = { synth: [], apply: [], plan: [], drift: [], add100: [], remove100: [], destroy: [] };
  // h2's own prefix is one of the `size`.
  const synth = (extra: number, dir: string) => {
    const st = synthesizePrefixStack(join(work, `${size}-${dir}`), { inventoryFile, extraPrefixes: extra, ...TIMERS });
    return st;
  };
  let figures = { routes: 0, programs: 0, mapBytes: NaN };
  let stack: PrefixStack | undefined;
  let loss: number[] = [];
  let reverseLoss: number[] = [];
  let carrier = { forward: [] as number[], reverse: [] as number[], problems: [] as string[] };
  let slabGrowthMiB = NaN;
  for (let run = 1; run <= opts.runs; run++) {
    stack = synth(size - 1, `run${run}`);
    samples.synth.push(stack.synthMs / 1000);
    const more = synth(size - 1 + 100, `run${run}-more`);
    const slabBefore = await slabKiB(lab);
    samples.apply.push(await cli.apply(stack));
    if (run === 1) slabGrowthMiB = (await slabKiB(lab) - slabBefore) / 1024;
    const plan = await cli.run("plan", stack);
    if (plan.doc.changes !== 0) problems.push(`run ${run}: plan after apply has ${String(plan.doc.changes)} change(s)`);
    samples.plan.push(plan.s);
    const drift = await cli.run("drift", stack);
    if (drift.doc.drift !== false) problems.push(`run ${run}: drift right after apply`);
    samples.drift.push(drift.s);
    if (run === 1) {
      figures = await routerFigures(lab);
      const measured = await lossWindows(size, opts.failures, "silent", lab, meterBinary, log);
      loss = measured.forward;
      reverseLoss = measured.reverse;
      problems.push(...measured.problems);
      carrier = await lossWindows(size, opts.carrierFailures, "carrier", lab, meterBinary, log);
      problems.push(...carrier.problems.map((p) => `carrier ${p}`));
    }
    samples.add100.push(await cli.apply(more));
    samples.remove100.push(await cli.apply(stack));
    const destroy = await cli.run("destroy", stack);
    if (destroy.doc.ok !== true) problems.push(`run ${run}: destroy failed`);
    samples.destroy.push(destroy.s);
    log(`prefixes: ${size}: run ${run}/${opts.runs}: apply ${samples.apply.at(-1)!.toFixed(2)} s, no-op plan ${plan.s.toFixed(2)} s, drift ${drift.s.toFixed(2)} s, `
      + `add 100 ${samples.add100.at(-1)!.toFixed(2)} s, remove 100 ${samples.remove100.at(-1)!.toFixed(2)} s, destroy ${destroy.s.toFixed(2)} s`);
  }
  return {
    prefixes: size, backupPolicies: stack!.policies, resources: stack!.resources,
    seconds: Object.fromEntries(STEPS.map((k) => [k, summarize(samples[k])])) as Record<StepName, Summary>,
    routesOnR1: figures.routes, reroutePrograms: figures.programs, backupMapBytes: figures.mapBytes,
    lossMs: loss.length ? withP99(loss) : undefined,
    reverseLossMs: reverseLoss.length ? withP99(reverseLoss) : undefined,
    carrierLossMs: carrier.forward.length ? withP99(carrier.forward) : undefined,
    carrierReverseLossMs: carrier.reverse.length ? withP99(carrier.reverse) : undefined,
    slabGrowthMiB: Math.round(slabGrowthMiB * 10) / 10,
    problems,
  };
}

async function slabKiB(lab: BenchLab): Promise<number> {
  const meminfo = (await lab.exec("r1", ["cat", "/proc/meminfo"])).stdout;
  return Number(/^Slab:\s+(\d+) kB/m.exec(meminfo)?.[1] ?? NaN);
}

async function lossWindows(size: number, failures: number, kind: FailureKind, lab: BenchLab, meterBinary: string, log: (l: string) => void): Promise<{ forward: number[]; reverse: number[]; problems: string[] }> {
  const link = protectedLink(lab, "r1", "r2");
  const h1 = lab.inventory.hosts.h1!;
  const h2 = lab.inventory.hosts.h2!;
  // The last prefix of the stack: the deepest the trie gets.
  const target = size > 1 ? extraPrefixAddress(size - 2) : h2.address;
  const meter = await TrafficMeter.start({ binary: meterBinary, onSender: (a) => lab.argvOn("h1", a), onReceiver: (a) => lab.argvOn("h2", a), senderNode: "h1", receiverNode: "h2", destination: target, port: METER_PORT, ratePps: RATE_PPS });
  const reverse = await TrafficMeter.start({ binary: meterBinary, onSender: (a) => lab.argvOn("h2", a), onReceiver: (a) => lab.argvOn("h1", a), senderNode: "h2", receiverNode: "h1", destination: h1.address, port: METER_PORT + 1, ratePps: RATE_PPS });
  try {
    const system = new Srv6ProtectSystem({ system: "srv6-protect", intervalMs: TIMERS.probeIntervalMs, multiplier: TIMERS.multiplier }, { lab, link, destinationPrefix: h2.prefix, meterBinary });
    await system.waitHealthy(30_000);
    log(`prefixes: ${size}: ${failures} ${kind} failures of r1-r2, ${RATE_PPS}/s h1 -> ${target} and back`);
    const { records } = await measureFailures({ lab, system, meter, reverse, link, ratePps: RATE_PPS, reverseRatePps: RATE_PPS, failures, kind, progress: log });
    const ok = records.filter((r) => !r.problem);
    return {
      forward: ok.map((r) => r.lossMs).filter(Number.isFinite),
      reverse: ok.map((r) => r.reverseLossMs ?? NaN).filter(Number.isFinite),
      problems: records.filter((r) => r.problem).map((r) => `failure ${r.index}: ${r.problem}`),
    };
  } finally {
    await meter.stop();
    await reverse.stop();
  }
}

const fmtS = (s: Summary) => `${s.median.toFixed(2)}`;
const lossText = (l: SizeResult["lossMs"]) => (l ? `${[l.median, l.p95, l.p99, l.max].map((x) => x.toFixed(2)).join("/")} (n=${l.n})` : "-");

function formatTable(rs: readonly SizeResult[]): string {
  const head = "prefixes  policies  synth s  apply s  no-op plan s  drift s  add 100 s  remove 100 s  destroy s  routes r1  reroute progs  map KiB  slab MiB  silent loss ms med/p95/p99/max fwd | rev  carrier fwd | rev";
  const rows = rs.map((r) => [
    String(r.prefixes).padStart(8), String(r.backupPolicies).padStart(9), fmtS(r.seconds.synth).padStart(8), fmtS(r.seconds.apply).padStart(8),
    fmtS(r.seconds.plan).padStart(13), fmtS(r.seconds.drift).padStart(8), fmtS(r.seconds.add100).padStart(10), fmtS(r.seconds.remove100).padStart(13),
    fmtS(r.seconds.destroy).padStart(10), String(r.routesOnR1).padStart(10), String(r.reroutePrograms).padStart(14), (r.backupMapBytes / 1024).toFixed(0).padStart(8),
    r.slabGrowthMiB.toFixed(1).padStart(9),
    `  ${lossText(r.lossMs)} | ${lossText(r.reverseLossMs)}`,
    `  ${lossText(r.carrierLossMs)} | ${lossText(r.carrierReverseLossMs)}`,
  ].join(" "));
  return `${head}\n${rows.join("\n")}\n(seconds: median of the runs; the lab's routers share one kernel, so reroute programs are r1's and r2's together)\n`;
}

async function runPrefixBench(opts: PrefixBenchOptions, io: BenchIO): Promise<number> {
  const log = (line: string) => io.stderr.write(`${line}\n`);
  const cleanup = new Cleanup();
  const removeSignalHandlers = cleanup.onSignals(log);
  const results: SizeResult[] = [];
  const errors: string[] = [];
  const load = { start: loadavg()[0]!, end: NaN };
  try {
    const meterBinary = await buildMeter();
    log(`prefixes: bringing up lab '${opts.labName}' (diamond, mgmt ${opts.mgmtSubnet})`);
    const lab = await BenchLab.up("examples/lab/diamond.json", opts.labName, opts.mgmtSubnet);
    cleanup.add(`lab ${opts.labName}`, () => lab.down());
    await routeExtraPrefixes((n, a) => lab.exec(n, a, { allowFailure: true }).then((r) => ({ code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr })), ["r1", "r2", "r3", "r4"], lab.inventory.hosts.h2!);
    const work = mkdtempSync(join(tmpdir(), "srv6-bench-prefixes-"));
    cleanup.add(`work dir ${work}`, async () => rmSync(work, { recursive: true, force: true }));
    const cli = new Cli(join(lab.inventory.stateDir, "inventory.json"));
    for (const size of opts.sizes) {
      try {
        const r = await measureSize(size, opts, lab, cli, meterBinary, work, log);
        results.push(r);
        errors.push(...r.problems.map((p) => `${size} prefixes: ${p}`));
      } catch (err) {
        errors.push(`${size} prefixes: ${(err as Error).message}`);
        log(`prefixes: ${size}: FAILED: ${(err as Error).message}`);
        // Whatever the failure left on the routers goes before the next size.
        await timedRun(cli.argv("destroy", synthesizePrefixStack(join(work, `${size}-cleanup`), { inventoryFile: join(lab.inventory.stateDir, "inventory.json"), extraPrefixes: 0, ...TIMERS })), { timeoutMs: 600_000 });
      }
    }
  } catch (err) {
    errors.push((err as Error).message);
    log(`prefixes: ${(err as Error).message}`);
  } finally {
    const problems = await cleanup.run();
    errors.push(...problems.map((p) => `cleanup: ${p}`));
    removeSignalHandlers();
  }
  load.end = loadavg()[0]!;
  const doc = { benchmark: "prefixes", options: opts, conditions: { topology: "examples/lab/diamond.json, r1-r2 protected", timers: TIMERS, ratePps: RATE_PPS, loadAverage1m: load, idle: true }, results, errors };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `prefixes-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  const panels: PlotPanel[] = [
    ...STEPS.map((k) => ({ title: k === "plan" ? "no-op plan" : k, unit: "s", points: results.map((r) => ({ x: r.prefixes, y: r.seconds[k].median })) })),
    { title: "loss window h1->h2 (median)", unit: "ms", points: results.flatMap((r) => (r.lossMs ? [{ x: r.prefixes, y: r.lossMs.median }] : [])) },
    { title: "loss window h2->h1 (median)", unit: "ms", points: results.flatMap((r) => (r.reverseLossMs ? [{ x: r.prefixes, y: r.reverseLossMs.median }] : [])) },
    { title: "carrier loss window h1->h2 (median)", unit: "ms", points: results.flatMap((r) => (r.carrierLossMs ? [{ x: r.prefixes, y: r.carrierLossMs.median }] : [])) },
    { title: "backup map", unit: "KiB", points: results.map((r) => ({ x: r.prefixes, y: r.backupMapBytes / 1024 })) },
    { title: "reroute programs", unit: "count", points: results.map((r) => ({ x: r.prefixes, y: r.reroutePrograms })) },
  ];
  const svg = file.replace(/\.json$/, ".svg");
  writePrefixPlot(svg, panels, `srv6-protect, diamond lab, r1-r2 protected at 1 ms x 3, idle 2-CPU VM; ${new Date().toISOString().slice(0, 10)}`);
  log(`prefixes: results in ${file}, plot in ${svg}`);
  io.stdout.write(opts.json ? `${JSON.stringify(doc)}\n` : formatTable(results));
  return errors.length === 0 && results.length === opts.sizes.length ? 0 : 1;
}
