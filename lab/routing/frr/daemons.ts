/**
 * Starts and stops FRR daemons inside one lab router, with every file FRR
 * writes (configs, logs, pid files, vty and zserv sockets) under one
 * private directory in the router's own /tmp (its mount namespace), so
 * routers never share a socket and cleanup is one `rm -rf`. The daemons run
 * as the `frr` user (FRR refuses root unless root is in the frrvty group).
 * The lab's IGP (zebra, ospf6d) and the failover benchmark's
 * baseline (zebra, bfdd, ospf6d) both start theirs through here.
 */
import { LabFrrError } from "../../errors";

const FRR_BIN = "/usr/lib/frr";
export type FrrDaemon = "zebra" | "bfdd" | "ospf6d";

/** Runs argv inside the router; resolves with the exit code (never throws on a non-zero exit). */
export type RouterExec = (argv: readonly string[], opts?: { input?: string; timeoutMs?: number }) => Promise<{ code: number | null; stdout: string; stderr: string }>;

/** One router's FRR: where its files live and what each daemon is told. Daemons start in the map's order (zebra first). */
export interface FrrInstance {
  readonly router: string;
  readonly dir: string;
  readonly configs: ReadonlyMap<FrrDaemon, string>;
}

function daemonArgv(dir: string, daemon: FrrDaemon): string[] {
  const argv = [
    `${FRR_BIN}/${daemon}`, "-d",
    "-f", `${dir}/${daemon}.conf`,
    "-i", `${dir}/${daemon}.pid`,
    "-z", `${dir}/zserv.api`,
    "--vty_socket", dir,
    // No TCP vty: routers must not open ports the lab did not plan.
    "-P", "0",
  ];
  if (daemon === "bfdd") argv.push("--bfdctl", `${dir}/bfdd.sock`);
  return argv;
}

async function must(exec: RouterExec, router: string, argv: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  const r = await exec(argv, opts);
  if (r.code !== 0) throw new LabFrrError("FRR command failed", { node: router, command: argv, exitCode: r.code, stderr: r.stderr });
  return r.stdout;
}

export async function startFrr(exec: RouterExec, frr: FrrInstance): Promise<void> {
  if (frr.configs.keys().next().value !== "zebra") throw new LabFrrError("FRR's zebra must start first", { node: frr.router });
  await must(exec, frr.router, ["mkdir", "-p", frr.dir]);
  await must(exec, frr.router, ["chown", "frr:frr", frr.dir]);
  for (const [daemon, config] of frr.configs) {
    await must(exec, frr.router, ["sh", "-c", 'cat > "$1" && chmod 644 "$1"', "sh", `${frr.dir}/${daemon}.conf`], { input: config });
  }
  for (const daemon of frr.configs.keys()) {
    await must(exec, frr.router, daemonArgv(frr.dir, daemon), { timeoutMs: 20_000 });
    // Clients connect to zebra's socket: start them only once it exists.
    await waitForFile(exec, frr, daemon === "zebra" ? `${frr.dir}/zserv.api` : `${frr.dir}/${daemon}.pid`, 10_000);
  }
}

async function waitForFile(exec: RouterExec, frr: FrrInstance, path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await exec(["test", "-e", path])).code === 0) return;
    await sleep(50);
  }
  const log = await exec(["sh", "-c", 'tail -n 5 "$1"/*.log', "sh", frr.dir]);
  throw new LabFrrError(`FRR did not create ${path} within ${timeoutMs} ms`, { node: frr.router, stderr: log.stdout });
}

/**
 * Stops the daemons (by their pid files, after checking the pid still is
 * that daemon) and removes the directory. Never throws: returns what it
 * could not do, so cleanup carries on past failures.
 */
export async function stopFrr(exec: RouterExec, frr: FrrInstance): Promise<string[]> {
  const problems: string[] = [];
  for (const daemon of [...frr.configs.keys()].reverse()) {
    try {
      const pidText = await exec(["cat", `${frr.dir}/${daemon}.pid`]);
      const pid = Number(pidText.stdout.trim());
      if (pidText.code !== 0 || !Number.isInteger(pid) || pid <= 1) continue;
      const comm = await exec(["cat", `/proc/${pid}/comm`]);
      if (comm.code !== 0 || comm.stdout.trim() !== daemon) continue;
      await exec(["kill", "-TERM", String(pid)]);
      if (!(await waitGone(exec, pid, 5000))) {
        await exec(["kill", "-KILL", String(pid)]);
        if (!(await waitGone(exec, pid, 2000))) problems.push(`${frr.router}: ${daemon} (pid ${pid}) survived SIGKILL`);
      }
    } catch (err) {
      problems.push(`${frr.router}: stopping ${daemon}: ${(err as Error).message}`);
    }
  }
  const rm = await exec(["rm", "-rf", frr.dir]).catch((e: Error) => ({ code: 1, stderr: e.message }));
  if (rm.code !== 0) problems.push(`${frr.router}: rm -rf ${frr.dir}: ${rm.stderr}`);
  return problems;
}

async function waitGone(exec: RouterExec, pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await exec(["kill", "-0", String(pid)])).code !== 0) return true;
    await sleep(50);
  }
  return false;
}

/** vtysh against this router's private daemons. */
export async function vtysh(exec: RouterExec, frr: Pick<FrrInstance, "router" | "dir">, command: string): Promise<string> {
  return must(exec, frr.router, ["vtysh", "--vty_socket", frr.dir, "-c", command]);
}

export function readFrrLog(exec: RouterExec, frr: Pick<FrrInstance, "dir">, daemon: FrrDaemon): Promise<string> {
  return exec(["cat", `${frr.dir}/${daemon}.log`]).then((r) => (r.code === 0 ? r.stdout : ""));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
