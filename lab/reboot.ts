/**
 * `srv6 lab reboot NODE`: the lab's stand-in for a router reboot. Every
 * process of the router dies (its mount namespace, bpffs and pins with
 * them), its network namespace is reset to what `lab up` made
 * (lab/nodes/reset.ts), then it boots: a new sshd in fresh mount and UTS
 * namespaces, and the router's /etc/local.d/*.start hooks
 * (lab/nodes/boot-hooks.ts). Its links, and any failure the wire holds on
 * them, are untouched: the wire is the cable, not the router.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readInventory, readPlan, recordRouterPid } from "./state";
import { killNetnsProcesses } from "./system/processes";
import { waitForPort } from "./system/wait-port";
import { stateDir } from "./system/names";
import { resetRouter } from "./nodes/reset";
import { startRouter } from "./nodes/router";
import { startLabIgp } from "./routing/frr/igp";
import { runHooks, type HookResult } from "./nodes/boot-hooks";
import { LabStateError } from "./errors";
import { readyTimeoutMsFor } from "./up";

export interface RebootOptions {
  /** Called with one line per step. */
  readonly progress?: (line: string) => void;
  /**
   * Time allowed for the new sshd to accept connections.
   * @default readyTimeoutMsFor(1): 15 s
   */
  readonly readyTimeoutMs?: number;
  /**
   * Time one hook may run before it is killed (SIGKILL) and the next one runs.
   * @default 60 s
   */
  readonly hookTimeoutMs?: number;
}

export interface RebootReport {
  readonly lab: string;
  readonly node: string;
  /** Processes of the router that were killed (SIGKILL). */
  readonly killedProcesses: number;
  /** From the start of the reboot until none of the router's processes was left. */
  readonly killMs: number;
  /** The reset of the network namespace, after the kill. */
  readonly resetMs: number;
  /** Date.now() when the boot sequence started, right after the reset. */
  readonly bootStartedAtMs: number;
  /** From bootStartedAtMs until the new sshd answered on port 22. */
  readonly sshReadyMs: number;
  /** The new sshd's pid, now in inventory.json and pids.json. */
  readonly pid: number;
  /** Every /etc/local.d/*.start hook, in the order it ran. */
  readonly hooks: HookResult[];
  /** Sysctl keys that differed from lab up's and were written back. */
  readonly sysctlsRestored: string[];
  /** Qdiscs removed, as `dev:kind`. */
  readonly qdiscsRemoved: string[];
}

export async function labReboot(lab: string | undefined, node: string, opts: RebootOptions = {}): Promise<RebootReport> {
  const inv = readInventory(lab);
  const plan = readPlan(inv.lab);
  const r = plan.routers.find((x) => x.name === node);
  if (!r) {
    const routers = plan.routers.map((x) => x.name).join(", ");
    const what = plan.hosts.some((h) => h.name === node) ? `'${node}' is a host; only routers reboot` : `lab '${plan.name}' has no node '${node}'`;
    throw new LabStateError(`${what} (routers: ${routers})`, { node });
  }
  const progress = (line: string): void => opts.progress?.(`${node}: ${line}`);
  const dir = join(stateDir(plan.name), r.name);

  const started = Date.now();
  const killedProcesses = await killNetnsProcesses(r.netns, node);
  const killMs = Date.now() - started;
  progress(`killed ${killedProcesses} processes in ${killMs} ms`);
  const reset = await resetRouter(plan, r, dir);
  const bootStartedAtMs = Date.now();
  const resetMs = bootStartedAtMs - started - killMs;
  progress(`reset routes, addresses, qdiscs, sysctls (${reset.sysctlsRestored.length} restored) and /run/srv6-protect in ${resetMs} ms`);

  const pid = startRouter(r, { dir });
  recordRouterPid(plan.name, node, pid);
  progress(`sshd started (pid ${pid})`);
  await waitForExec(pid, "sshd", node, dir);
  const ready = waitForPort(r.mgmtAddress, 22, opts.readyTimeoutMs ?? readyTimeoutMsFor(1), node).then(() => Date.now() - bootStartedAtMs);
  // The hooks run while sshd starts, as `local` does beside sshd at boot.
  const [hooks, sshReadyMs] = await Promise.all([runHooks(pid, join(dir, "boot"), opts.hookTimeoutMs ?? 60_000, progress), ready]);
  progress(`accepts SSH ${sshReadyMs} ms after boot started`);
  if (plan.routing === "ospf6") {
    // As a router's init starts its routing daemons; the IGP re-forms its adjacencies on its own.
    await startLabIgp(r, pid);
    progress("FRR started (zebra, staticd, ospf6d)");
  }
  return { lab: plan.name, node, killedProcesses, killMs, resetMs, bootStartedAtMs, sshReadyMs, pid, hooks, ...reset };
}

/**
 * Resolves once pid runs `comm`: the start script has made every mount of
 * the router's namespace and exec'd sshd, so nsenter -t pid -m sees the
 * router's /etc/local.d, bpffs and /run/srv6-protect.
 */
async function waitForExec(pid: number, comm: string, node: string, dir: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let now: string;
    try { now = readFileSync(`/proc/${pid}/comm`, "utf8").trim(); } catch { now = "(exited)"; }
    if (now === comm) return;
    if (now === "(exited)" || Date.now() > deadline) {
      const log = join(dir, "sshd.log");
      const lastLines = readFileSync(log, "utf8").trim().split("\n").slice(-3).join(" | ");
      throw new LabStateError(`router ${node}: sshd did not start (pid ${pid} is ${now}; ${log}: ${lastLines})`, { node });
    }
    await new Promise((res) => setTimeout(res, 5));
  }
}
