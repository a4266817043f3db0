/**
 * `npm run bench -- backup-probes`: what continuous backup probing costs the
 * routers. On the mesh lab (examples/mesh) and on a generated network of N
 * routers (examples/scale, every link protected), each pushed by the real
 * `srv6` CLI twice: as synthesized (backup probes every 1000 ms) and with
 * `backup_probe_interval_ms = 0` on every link (the stack file edited, as an
 * operator edits HCL). Per router, over a sampling window: backup probes sent
 * per second (the srv6p_path_sent counters) and the probe sender's CPU
 * (utime + stime of its process). The difference between the two runs is the
 * cost of backup probing. Always tears its labs down, also on Ctrl-C.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Benchmark, BenchIO } from "../benchmark";
import { BenchUsageError } from "../benchmark";
import { Cleanup } from "../cleanup";
import { BenchError } from "../errors";
import { integerOption } from "../integer-option";
import { summarize, type Summary } from "../stats";
import { expectExit, timedRun } from "../apply/process";
import { labDown, labUp, labExec } from "../../lab";
import { stateDir } from "../../lab/system/names";
import { writeScaleTopology } from "../../examples/scale/generate";
import { synthesizeScale } from "../scale/stack";
import { randomMgmtSubnet } from "../scale/options";
import { PACKAGE_ROOT } from "../../provider/engine/router-scripts";
import { BIN_DIR, MAP_NAMES, PROBE_PIDFILE, ROUTER_TOOLS } from "../../provider/dataplane/constants";
import { decodePathSent } from "../../provider/dataplane/map-layout";
import { parseArgs } from "node:util";

export const BACKUP_PROBES_USAGE = "[--routers N] [--seconds S] [--quick] [--json]";

export const backupProbesBenchmark: Benchmark = {
  name: "backup-probes",
  summary: "the routers' cost of probing every backup path: probes/s and probe sender CPU, with and without, mesh and N routers",
  usage: BACKUP_PROBES_USAGE,
  run: (args, io) => runBackupProbesBench(args, io),
};

interface Options { routers: number; seconds: number; json: boolean }

/** --quick: a check of the benchmark itself, on 10 routers for 5 s each. */
const QUICK = { routers: 10, seconds: 5 };

function parseOptions(args: string[]): Options {
  let v;
  try {
    v = parseArgs({ args, options: { routers: { type: "string" }, seconds: { type: "string" }, quick: { type: "boolean" }, json: { type: "boolean" } }, strict: true }).values;
  } catch (err) {
    throw new BenchUsageError((err as Error).message);
  }
  return {
    routers: integerOption("--routers", v.routers, 4, 100) ?? (v.quick ? QUICK.routers : 50),
    seconds: integerOption("--seconds", v.seconds, 5, 600) ?? (v.quick ? QUICK.seconds : 20),
    json: v.json === true,
  };
}

export interface ModeResult {
  /** Backup probes sent per second, per router (all kinds of all its paths). */
  readonly probesPerSecond: Summary & { readonly total: number };
  /** The probe sender's CPU, % of one core, per router. */
  readonly senderCpuPercent: Summary;
  readonly backupPaths: number;
  /** Routers measured: those with a probe sender. */
  readonly routers: number;
}

export interface TopologyResult {
  readonly topology: string;
  readonly routers: number;
  readonly on: ModeResult;
  readonly off: ModeResult;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TICKS_PER_S = 100;

/** utime + stime of a pid, in clock ticks (proc(5) fields 14 and 15). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]);
}

/** The routers that run a probe sender (an end of a protected link). */
async function probingRouters(lab: string, routers: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const r of routers) if ((await labExec(lab, r, ["test", "-s", `${PROBE_PIDFILE}.child`])).code === 0) out.push(r);
  return out;
}

async function routerSample(lab: string, router: string): Promise<{ pid: number; sent: number }> {
  const pid = Number((await labExec(lab, router, ["cat", `${PROBE_PIDFILE}.child`])).stdout.trim());
  if (!(pid > 0)) throw new BenchError(`${router}: no probe sender running`);
  const dump = await labExec(lab, router, ["python3", `${BIN_DIR}/${ROUTER_TOOLS.maps}`, "dump", MAP_NAMES.pathSent]);
  const doc = JSON.parse(dump.stdout) as { maps: Record<string, { entries: { value: string }[] } | null> };
  const sent = (doc.maps[MAP_NAMES.pathSent]?.entries ?? []).reduce((n, e) => n + Number(decodePathSent(Buffer.from(e.value, "hex")).sent), 0);
  return { pid, sent };
}

async function measure(lab: string, routers: readonly string[], seconds: number, paths: number): Promise<ModeResult> {
  const before = new Map<string, { pid: number; sent: number; ticks: number; at: number }>();
  for (const r of routers) { const s = await routerSample(lab, r); before.set(r, { ...s, ticks: cpuTicks(s.pid), at: Date.now() }); }
  await sleep(seconds * 1000);
  const rates: number[] = [];
  const cpu: number[] = [];
  for (const r of routers) {
    const s = await routerSample(lab, r);
    const b = before.get(r)!;
    if (s.pid !== b.pid) throw new BenchError(`${r}: the probe sender restarted during the window`);
    const dt = (Date.now() - b.at) / 1000;
    rates.push((s.sent - b.sent) / dt);
    cpu.push(((cpuTicks(s.pid) - b.ticks) / TICKS_PER_S / dt) * 100);
  }
  return { probesPerSecond: { ...summarize(rates), total: rates.reduce((a, b) => a + b, 0) }, senderCpuPercent: summarize(cpu), backupPaths: paths, routers: routers.length };
}

/** The stack file with backup probes off on every link. */
function withoutBackupProbes(stackDir: string, outDir: string): string {
  const name = readdirSync(join(stackDir, "stacks"))[0]!;
  const doc = JSON.parse(readFileSync(join(stackDir, "stacks", name, "cdk.tf.json"), "utf8")) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  for (const l of Object.values(doc.resource.srv6_protected_link ?? {})) l.backup_probe_interval_ms = 0;
  const file = join(outDir, "backup-probes-off.tf.json");
  writeFileSync(file, JSON.stringify(doc, null, 1));
  return file;
}

async function srv6(verb: string, stack: string, inventory: string): Promise<void> {
  const argv = [process.execPath, join(PACKAGE_ROOT, "bin", "srv6"), verb, "--stack", stack, "--inventory", inventory, "--quiet"];
  expectExit(await timedRun(argv, { cwd: PACKAGE_ROOT, timeoutMs: 900_000 }), argv, `srv6 ${verb}`);
}

async function runTopology(kind: "mesh" | "scale", opts: Options, log: (l: string) => void, cleanup: Cleanup): Promise<TopologyResult> {
  const lab = `bp${Math.random().toString(36).slice(2, 7)}`;
  const dir = mkdtempSync(join(tmpdir(), "srv6-bench-bp-"));
  const forgetDir = cleanup.add(`work dir ${dir}`, async () => rmSync(dir, { recursive: true, force: true }));
  let topologyFile = join(PACKAGE_ROOT, "examples", "lab", "mesh.json");
  if (kind === "scale") {
    topologyFile = join(dir, "topology.json");
    writeScaleTopology(topologyFile, { routers: opts.routers, seed: 1, name: lab, mgmtSubnet: randomMgmtSubnet() });
  }
  const forgetLab = cleanup.add(`lab ${lab}`, () => labDown(lab).then((r) => r.errors));
  log(`backup-probes: ${kind}: lab ${lab} up`);
  const inv = await labUp(topologyFile, { name: lab, ...(kind === "mesh" ? { mgmtSubnet: randomMgmtSubnet() } : {}), readyTimeoutMs: 120_000 });
  const inventory = join(stateDir(lab), "inventory.json");
  let stackDir: string;
  if (kind === "scale") stackDir = (await synthesizeScale(topologyFile, inventory, dir)).stackDir;
  else {
    const argv = [process.execPath, join(PACKAGE_ROOT, "dist", "examples", "mesh", "main.js")];
    expectExit(await timedRun(argv, { cwd: dir, env: { ...process.env, SRV6_INVENTORY: inventory }, timeoutMs: 120_000 }), argv, "synthesizing examples/mesh");
    stackDir = join(dir, "cdktf.out");
  }
  const routers = Object.keys(inv.routers).sort();
  const paths = Object.keys((JSON.parse(readFileSync(join(stackDir, "stacks", readdirSync(join(stackDir, "stacks"))[0]!, "cdk.tf.json"), "utf8")) as { resource: Record<string, object> }).resource.srv6_backup_policy ?? {}).length;
  const result: Partial<Record<"on" | "off", ModeResult>> = {};
  for (const mode of ["on", "off"] as const) {
    const stack = mode === "on" ? stackDir : withoutBackupProbes(stackDir, dir);
    log(`backup-probes: ${kind}: apply with backup probes ${mode}, then ${opts.seconds} s of sampling on ${routers.length} routers`);
    await srv6("apply", stack, inventory);
    await sleep(5000);
    result[mode] = await measure(lab, await probingRouters(lab, routers), opts.seconds, mode === "on" ? paths : 0);
    log(`backup-probes: ${kind} ${mode}: ${result[mode]!.probesPerSecond.total.toFixed(0)} backup probes/s in all, sender CPU median ${result[mode]!.senderCpuPercent.median.toFixed(2)} % per router`);
  }
  await labDown(lab);
  forgetLab();
  rmSync(dir, { recursive: true, force: true });
  forgetDir();
  return { topology: kind === "mesh" ? "mesh (9 routers)" : `scale (${opts.routers} routers)`, routers: routers.length, on: result.on!, off: result.off! };
}

function table(results: readonly TopologyResult[], load: { start: number; end: number }): string {
  const f = (v: number) => v.toFixed(2);
  const lines = ["| topology | routers probing | backup paths | backup probes/s per router (median / max) | sender CPU per router, probes on (median / max) | probes off (median / max) | cost (median) |", "|---|---|---|---|---|---|---|"];
  for (const r of results) {
    lines.push(`| ${r.topology} | ${r.on.routers} | ${r.on.backupPaths} | ${f(r.on.probesPerSecond.median)} / ${f(r.on.probesPerSecond.max)} | ${f(r.on.senderCpuPercent.median)} % / ${f(r.on.senderCpuPercent.max)} % | ${f(r.off.senderCpuPercent.median)} % / ${f(r.off.senderCpuPercent.max)} % | ${f(r.on.senderCpuPercent.median - r.off.senderCpuPercent.median)} % of a core |`);
  }
  return `${lines.join("\n")}\nload average (1 min) ${load.start} at the start, ${load.end} at the end\n`;
}

async function runBackupProbesBench(args: string[], io: BenchIO): Promise<number> {
  const opts = parseOptions(args);
  const log = (l: string) => io.stderr.write(`${l}\n`);
  const cleanup = new Cleanup();
  const removeSignalHandlers = cleanup.onSignals(log);
  const load = { start: Math.round(loadavg()[0]! * 10) / 10, end: 0 };
  const results: TopologyResult[] = [];
  let failed = false;
  try {
    results.push(await runTopology("mesh", opts, log, cleanup));
    results.push(await runTopology("scale", opts, log, cleanup));
  } catch (err) {
    failed = true;
    log(`backup-probes: ${(err as Error).message}`);
  } finally {
    for (const p of await cleanup.run()) { failed = true; log(`backup-probes: cleanup: ${p}`); }
    removeSignalHandlers();
  }
  load.end = Math.round(loadavg()[0]! * 10) / 10;
  io.stdout.write(opts.json ? `${JSON.stringify({ results, load, ok: !failed })}\n` : table(results, load));
  return failed ? 1 : 0;
}
