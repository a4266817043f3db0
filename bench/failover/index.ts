/**
 * `npm run bench -- failover`: detection time and traffic-loss window of
 * silent link failures (or, with --failure node, of a router's crash: every
 * link of it cut at once), and false failovers under CPU load, for our eBPF
 * dataplane and for FRR's bfdd + OSPFv3, in the same lab and run.
 */
import type { Benchmark, BenchIO } from "../benchmark";
import { BenchLab } from "../lab";
import { BenchError } from "../errors";
import { Cleanup } from "../cleanup";
import { buildMeter } from "../../lab/meter/build";
import { TrafficMeter } from "../../lab/meter/meter";
import { failedNodeProblem, failureKind, parseFailoverOptions, FAILOVER_USAGE, type FailoverOptions } from "./options";
import { failureLabel } from "./inject";
import { measureFailures } from "./measure";
import { loadPhase } from "./load";
import { formatTable, summarizeRun, writeResults, type RunResult } from "./report";
import { writePlot } from "./plot";
import { createSystem } from "./systems";
import type { ProtectedLink } from "./system";

const METER_PORT = 47_999;

export const failoverBenchmark: Benchmark = {
  name: "failover",
  summary: "silent link (or node) failures: detection and loss windows, false failovers under CPU load (ours vs FRR bfdd)",
  usage: FAILOVER_USAGE,
  run: (args, io) => runFailover(parseFailoverOptions(args), io),
};

export function protectedLink(lab: BenchLab, a: string, b: string): ProtectedLink {
  const inv = lab.inventory;
  const ifOf = (x: string, peer: string) => {
    const r = inv.routers[x];
    if (!r) throw new BenchError(`--link: lab '${inv.lab}' has no router '${x}' (routers: ${Object.keys(inv.routers).join(", ")})`);
    const found = Object.entries(r.interfaces).filter(([, i]) => i.peer === peer);
    if (found.length !== 1) throw new BenchError(`--link: ${x} has ${found.length} links to ${peer}; need exactly one`);
    return found[0]![0];
  };
  return { a, aIf: ifOf(a, b), b, bIf: ifOf(b, a) };
}

async function runFailover(opts: FailoverOptions, io: BenchIO): Promise<number> {
  const log = (line: string) => io.stderr.write(`${line}\n`);
  const cleanup = new Cleanup();
  const removeSignalHandlers = cleanup.onSignals(log);
  const runs: RunResult[] = [];
  const details: object[] = [];
  let failed = false;
  try {
    const meterBinary = await buildMeter();
    log(`failover: traffic meter built (${meterBinary})`);
    log(`failover: bringing up lab '${opts.labName}' from ${opts.topology} (mgmt ${opts.mgmtSubnet})`);
    const lab = await BenchLab.up(opts.topology, opts.labName, opts.mgmtSubnet);
    cleanup.add(`lab ${opts.labName}`, () => lab.down());
    const kind = failureKind(opts.failure);
    const node = opts.node;
    if (node !== undefined) {
      const problem = failedNodeProblem(node, lab.inventory);
      if (problem) throw new BenchError(problem);
    }
    const link = protectedLink(lab, opts.linkA, opts.linkB);
    const failure = failureLabel(kind, link, node);
    const src = lab.inventory.hosts[opts.from];
    const dst = lab.inventory.hosts[opts.to];
    if (!src || !dst) throw new BenchError(`--stream: lab has no host '${!src ? opts.from : opts.to}'`);

    const meter = await TrafficMeter.start({
      binary: meterBinary,
      onSender: (argv) => lab.argvOn(opts.from, argv),
      onReceiver: (argv) => lab.argvOn(opts.to, argv),
      senderNode: opts.from,
      receiverNode: opts.to,
      destination: dst.address,
      port: METER_PORT,
      ratePps: opts.ratePps,
    });
    cleanup.add("traffic meter", async () => void (await meter.stop()));
    // Same rate both ways: each direction's loss window is one end's protection.
    const reverseRatePps = opts.ratePps;
    const reverse = await TrafficMeter.start({
      binary: meterBinary,
      onSender: (argv) => lab.argvOn(opts.to, argv),
      onReceiver: (argv) => lab.argvOn(opts.from, argv),
      senderNode: opts.to,
      receiverNode: opts.from,
      destination: src.address,
      port: METER_PORT + 1,
      ratePps: reverseRatePps,
    });
    cleanup.add("reverse traffic meter", async () => void (await reverse.stop()));
    log(`failover: ${opts.ratePps} packets/s ${opts.from} -> ${opts.to} (${dst.address}) and ${reverseRatePps}/s back, protected link ${link.a}:${link.aIf} - ${link.b}:${link.bIf}`);

    for (const setting of opts.settings) {
      const label = `${setting.system} ${setting.intervalMs} ms x ${setting.multiplier}`;
      log(`failover: ${label}: installing`);
      const system = createSystem(setting, { lab, link, destinationPrefix: dst.prefix, meterBinary, failure: kind });
      const forgetUninstall = cleanup.add(`${label} uninstall`, () => system.uninstall());
      try {
        await system.install(log);
        log(`failover: ${label}: ${opts.failures} failures (${kind === "node" ? `${failure}: all its links at once, detected on ${link.a}-${link.b}` : `${failure}, silent`})`);
        const { records, unprovokedFailovers } = await measureFailures({ lab, system, meter, reverse, link, ratePps: opts.ratePps, reverseRatePps, failures: opts.failures, kind, node, progress: log });
        await system.waitHealthy(60_000);
        const load = await loadPhase(system, meter, opts.loadSeconds, log, cleanup);
        const run = summarizeRun(setting, failure, records, load, opts.loadSeconds, unprovokedFailovers);
        if (run.problems.length) failed = true;
        runs.push(run);
        details.push({ ...run, records, load });
      } catch (err) {
        failed = true;
        log(`failover: ${label}: FAILED: ${(err as Error).message}`);
        details.push({ ...setting, failure, error: (err as Error).message });
      } finally {
        forgetUninstall();
        const problems = await system.uninstall();
        for (const p of problems) log(`failover: ${label}: uninstall: ${p}`);
        if (problems.length) failed = true;
      }
    }
    const quiet = (e: { ev: string }) => e.ev !== "tick";
    details.push({
      meter: await meter.stop(),
      reverseMeter: await reverse.stop(),
      meterEvents: meter.events.filter(quiet),
      reverseMeterEvents: reverse.events.filter(quiet),
    });
  } finally {
    const problems = await cleanup.run();
    for (const p of problems) log(`failover: cleanup: ${p}`);
    if (problems.length) failed = true;
    removeSignalHandlers();
  }
  const file = writeResults({ benchmark: "failover", options: opts, runs, details });
  log(`failover: results written to ${file}`);
  log(`failover: plot written to ${writePlot(file)}`);
  io.stdout.write(opts.json ? `${JSON.stringify({ runs })}\n` : formatTable(runs));
  return failed || runs.length < opts.settings.length ? 1 : 0;
}
