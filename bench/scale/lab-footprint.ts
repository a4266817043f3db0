/**
 * What the lab's routers cost this machine while protection runs: the probe
 * senders' CPU over a window (they wake every probe interval on every
 * router) and the resident memory of every process in the routers'
 * namespaces (sshd, probe senders). Read from /proc; lab routers share the
 * root pid namespace, so their processes are visible here.
 */
import { readFileSync } from "node:fs";
import { run } from "../../lab/system/run";
import { netnsName } from "../../lab/system/names";

export interface LabFootprint {
  /** Probe sending loops found (one per router with protected links expected). */
  readonly probeSenders: number;
  /** Their supervisors (restart a dead loop). */
  readonly probeSupervisors: number;
  /** CPU of loops and supervisors over the window, in percent of one CPU (200 = both CPUs of this machine). */
  readonly probeSendersCpuPercent: number;
  /** Resident memory of every process in the routers' namespaces, MiB. */
  readonly routerProcessesRssMiB: number;
  readonly routerProcesses: number;
  readonly windowS: number;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

function cpuTicks(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command: state is field 3; utime 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined; // exited
  }
}

function rssKiB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** "worker": the sending loop (`probe-sender.py run`); "supervisor": the process restarting it (`start`). */
function probeSenderRole(pid: number): "worker" | "supervisor" | undefined {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const script = args.findIndex((a) => a.endsWith("probe-sender.py"));
    if (script < 0) return undefined;
    return args[script + 1] === "run" ? "worker" : "supervisor";
  } catch {
    return undefined;
  }
}

export async function labFootprint(lab: string, routers: readonly string[], windowMs = 5000): Promise<LabFootprint> {
  const pids: number[] = [];
  for (const r of routers) {
    const out = await run(["ip", "netns", "pids", netnsName(lab, r)], { allowFailure: true });
    pids.push(...out.stdout.split(/\s+/).filter(Boolean).map(Number));
  }
  const roles = new Map(pids.map((p) => [p, probeSenderRole(p)]));
  const senders = pids.filter((p) => roles.get(p) !== undefined);
  const before = new Map(senders.map((p) => [p, cpuTicks(p)]));
  const started = Date.now();
  await new Promise((res) => setTimeout(res, windowMs));
  const windowS = (Date.now() - started) / 1000;
  let ticks = 0;
  for (const p of senders) {
    const a = before.get(p);
    const b = cpuTicks(p);
    if (a !== undefined && b !== undefined) ticks += b - a;
  }
  const rss = pids.reduce((n, p) => n + rssKiB(p), 0);
  return {
    probeSenders: senders.filter((p) => roles.get(p) === "worker").length,
    probeSupervisors: senders.filter((p) => roles.get(p) === "supervisor").length,
    probeSendersCpuPercent: Math.round((ticks / CLOCK_TICKS / windowS) * 1000) / 10,
    routerProcessesRssMiB: Math.round((rss / 1024) * 10) / 10,
    routerProcesses: pids.length,
    windowS: Math.round(windowS * 10) / 10,
  };
}
