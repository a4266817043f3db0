/**
 * CPU load phase: one busy process per CPU for N seconds, at normal
 * priority, like the workloads that share a real router's CPUs. Uses
 * stress-ng (Debian package) when installed, else a shell busy loop per
 * CPU. The processes are named s6bn-cpuload (argv[0]) and killed by pid.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import type { FailoverSystem } from "./system";
import type { TrafficMeter } from "../../lab/meter/meter";
import type { GapEvent } from "../../lab/meter/events";
import { sleep } from "./frr/daemons";
import { monoNowNs } from "../../lab/meter/clock";
import type { Cleanup } from "../cleanup";

export interface LoadResult {
  readonly loadSeconds: number;
  readonly generator: string;
  readonly falseFailovers: number;
  /** Stream packets lost during the phase although no link failed. */
  readonly lostPackets: number;
}

export class CpuLoad {
  private readonly children: ChildProcess[] = [];
  readonly generator: string;

  constructor(readonly workers = cpus().length) {
    this.generator = stressNg() ? `stress-ng --cpu ${workers}` : `${workers} x sh busy loop`;
  }

  start(): void {
    if (stressNg()) {
      this.children.push(spawn(stressNg()!, ["--cpu", String(this.workers), "--quiet"], { stdio: "ignore", argv0: "s6bn-cpuload" }));
      return;
    }
    for (let i = 0; i < this.workers; i++) {
      this.children.push(spawn("sh", ["-c", "while :; do :; done"], { stdio: "ignore", argv0: "s6bn-cpuload" }));
    }
  }

  /** Stops every worker (stress-ng forwards SIGTERM to its own children). */
  async stop(): Promise<void> {
    await Promise.all(this.children.map((c) => new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once("exit", () => resolve());
      c.kill("SIGTERM");
      setTimeout(() => c.kill("SIGKILL"), 3000).unref();
    })));
    this.children.length = 0;
  }
}

function stressNg(): string | undefined {
  return ["/usr/bin/stress-ng", "/usr/local/bin/stress-ng"].find((p) => existsSync(p));
}

export async function loadPhase(
  system: FailoverSystem, meter: TrafficMeter, seconds: number, progress: (line: string) => void, cleanup: Cleanup,
): Promise<LoadResult> {
  const load = new CpuLoad();
  const before = await system.downCount();
  const startNs = monoNowNs();
  // Registered so that Ctrl-C or SIGTERM in the middle also stops the workers.
  const done = cleanup.add("cpu load", () => load.stop());
  load.start();
  progress(`  load: ${load.generator} for ${seconds} s`);
  try {
    for (let left = seconds; left > 0; left -= 10) {
      await sleep(Math.min(10, left) * 1000);
      meter.assertAlive();
      const elapsed = seconds - left + Math.min(10, left);
      if (left > 10) progress(`  load: ${elapsed}/${seconds} s, ${(await system.downCount()) - before} false failovers so far`);
    }
  } finally {
    await load.stop();
    done();
  }
  await sleep(500);
  const falseFailovers = (await system.downCount()) - before;
  const lostPackets = meter.events
    .filter((e): e is GapEvent => e.ev === "gap" && e.lastRxNs >= startNs)
    .reduce((n, g) => n + g.missing, 0);
  progress(`  load: done, ${falseFailovers} false failovers, ${lostPackets} stream packets lost`);
  return { loadSeconds: seconds, generator: load.generator, falseFailovers, lostPackets };
}
