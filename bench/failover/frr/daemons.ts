/**
 * Starts and stops FRR (zebra, bfdd, ospf6d) inside one lab router, with
 * every file FRR writes (configs, logs, pid files, vty and zserv sockets)
 * under one private directory in the router's own /tmp, so routers never
 * share a socket and cleanup is one `rm -rf`. The daemons run as the `frr`
 * user (FRR refuses root unless root is in the frrvty group).
 */
import type { BenchLab } from "../../lab";
import { BenchError, BenchTimeoutError } from "../../errors";
import type { FrrRouterConfig } from "./config";

/** Inside the router's private /tmp (its own mount namespace). */
export const FRR_DIR = "/tmp/s6bn-frr";
const FRR_BIN = "/usr/lib/frr";
/** Start order; stopped in reverse. */
export const FRR_DAEMONS = ["zebra", "bfdd", "ospf6d"] as const;
export type FrrDaemon = (typeof FRR_DAEMONS)[number];

function daemonArgv(daemon: FrrDaemon): string[] {
  const argv = [
    `${FRR_BIN}/${daemon}`, "-d",
    "-f", `${FRR_DIR}/${daemon}.conf`,
    "-i", `${FRR_DIR}/${daemon}.pid`,
    "-z", `${FRR_DIR}/zserv.api`,
    "--vty_socket", FRR_DIR,
    // No TCP vty: routers must not open ports the lab did not plan.
    "-P", "0",
  ];
  if (daemon === "bfdd") argv.push("--bfdctl", `${FRR_DIR}/bfdd.sock`);
  return argv;
}

export async function startFrr(lab: BenchLab, router: string, config: FrrRouterConfig): Promise<void> {
  await lab.exec(router, ["mkdir", "-p", FRR_DIR]);
  await lab.exec(router, ["chown", "frr:frr", FRR_DIR]);
  for (const daemon of FRR_DAEMONS) {
    await lab.exec(router, ["sh", "-c", 'cat > "$1" && chmod 644 "$1"', "sh", `${FRR_DIR}/${daemon}.conf`], { input: config[daemon] });
  }
  for (const daemon of FRR_DAEMONS) {
    await lab.exec(router, daemonArgv(daemon), { timeoutMs: 20_000 });
    // Clients connect to zebra's socket: start them only once it exists.
    const ready = daemon === "zebra" ? `${FRR_DIR}/zserv.api` : `${FRR_DIR}/${daemon}.pid`;
    await waitForFile(lab, router, ready, 10_000);
  }
}

async function waitForFile(lab: BenchLab, router: string, path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await lab.exec(router, ["test", "-e", path], { allowFailure: true });
    if (r.code === 0) return;
    await sleep(50);
  }
  const log = await lab.exec(router, ["sh", "-c", `tail -n 5 ${FRR_DIR}/*.log`], { allowFailure: true });
  throw new BenchTimeoutError(`FRR did not create ${path} within ${timeoutMs} ms`, { node: router, stderr: log.stdout });
}

/**
 * Stops the daemons this module started (by their pid files, after checking
 * the pid still is that daemon) and removes the directory. Never throws:
 * returns what it could not do, so cleanup carries on past failures.
 */
export async function stopFrr(lab: BenchLab, router: string): Promise<string[]> {
  const problems: string[] = [];
  for (const daemon of [...FRR_DAEMONS].reverse()) {
    try {
      const pidText = await lab.exec(router, ["cat", `${FRR_DIR}/${daemon}.pid`], { allowFailure: true });
      const pid = Number(pidText.stdout.trim());
      if (pidText.code !== 0 || !Number.isInteger(pid) || pid <= 1) continue;
      const comm = await lab.exec(router, ["cat", `/proc/${pid}/comm`], { allowFailure: true });
      if (comm.code !== 0 || comm.stdout.trim() !== daemon) continue;
      await lab.exec(router, ["kill", "-TERM", String(pid)], { allowFailure: true });
      if (!(await waitGone(lab, router, pid, 5000))) {
        await lab.exec(router, ["kill", "-KILL", String(pid)], { allowFailure: true });
        if (!(await waitGone(lab, router, pid, 2000))) problems.push(`${router}: ${daemon} (pid ${pid}) survived SIGKILL`);
      }
    } catch (err) {
      problems.push(`${router}: stopping ${daemon}: ${(err as Error).message}`);
    }
  }
  const rm = await lab.exec(router, ["rm", "-rf", FRR_DIR], { allowFailure: true }).catch((e: Error) => ({ code: 1, stderr: e.message }));
  if (rm.code !== 0) problems.push(`${router}: rm -rf ${FRR_DIR}: ${rm.stderr}`);
  return problems;
}

async function waitGone(lab: BenchLab, router: string, pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await lab.exec(router, ["kill", "-0", String(pid)], { allowFailure: true });
    if (r.code !== 0) return true;
    await sleep(50);
  }
  return false;
}

/** vtysh against this router's private daemons. */
export async function vtysh(lab: BenchLab, router: string, command: string): Promise<string> {
  const argv = ["vtysh", "--vty_socket", FRR_DIR, "-c", command];
  const r = await lab.exec(router, argv, { allowFailure: true });
  if (r.code !== 0) throw new BenchError("vtysh failed", { node: router, command: argv, exitCode: r.code, stderr: r.stderr });
  return r.stdout;
}

export async function readFrrLog(lab: BenchLab, router: string, daemon: FrrDaemon): Promise<string> {
  const r = await lab.exec(router, ["cat", `${FRR_DIR}/${daemon}.log`], { allowFailure: true });
  return r.code === 0 ? r.stdout : "";
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
