/**
 * The lab router's init, after sshd: OpenRC's `local` service. Every
 * executable regular file `/etc/local.d/*.start`, in lexical (byte) order,
 * runs as root inside the router's network, mount and UTS namespaces, one
 * after the other, with a minimal environment. A hook that fails is
 * reported and the next one runs, as a real init goes on booting.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { run, routerArgv } from "../system/run";

export const HOOK_DIR = "/etc/local.d";
const HOOK_ENV = ["env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"];
// The same test OpenRC's local.start makes; LC_ALL=C makes the glob's order byte order.
const LIST = `for f in ${HOOK_DIR}/*.start; do if [ -f "$f" ] && [ -x "$f" ]; then printf '%s\\n' "$f"; fi; done`;
const TAIL_CHARS = 2000;

export interface HookResult {
  /** The hook's path as the router sees it, e.g. /etc/local.d/10-restore.start. */
  readonly path: string;
  /** Exit code; null when it was killed (see signal). */
  readonly code: number | null;
  /** The signal that ended it (SIGKILL after timeoutMs), or null. */
  readonly signal: string | null;
  readonly durationMs: number;
  /** The last 2000 characters it printed on each stream. */
  readonly stdout: string;
  readonly stderr: string;
}

/** The hooks the router holds now, in the order they run. */
export async function listHooks(sshdPid: number): Promise<string[]> {
  const out = await run(routerArgv(sshdPid, [...HOOK_ENV, "/bin/sh", "-c", LIST]));
  return out.stdout.split("\n").filter(Boolean);
}

/**
 * Runs every hook; their whole output goes to `<logDir>/<hook>.stdout|.stderr`
 * (files, not pipes: a hook may leave a daemon behind holding them).
 */
export async function runHooks(sshdPid: number, logDir: string, timeoutMs: number, progress: (line: string) => void): Promise<HookResult[]> {
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  const results: HookResult[] = [];
  for (const path of await listHooks(sshdPid)) {
    const result = await runHook(sshdPid, path, join(logDir, basename(path)), timeoutMs);
    progress(`hook ${path}: ${result.signal ? `killed by ${result.signal}` : `exit ${result.code}`} after ${result.durationMs} ms`);
    results.push(result);
  }
  return results;
}

function runHook(sshdPid: number, path: string, log: string, timeoutMs: number): Promise<HookResult> {
  const argv = routerArgv(sshdPid, [...HOOK_ENV, path]);
  const out = openSync(`${log}.stdout`, "w");
  const err = openSync(`${log}.stderr`, "w");
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", out, err] });
    closeSync(out);
    closeSync(err);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const done = (code: number | null, signal: string | null, spawnError?: Error): void => {
      clearTimeout(timer);
      resolve({
        path, code, signal, durationMs: Date.now() - started,
        stdout: tail(`${log}.stdout`),
        stderr: spawnError ? `${tail(`${log}.stderr`)}${spawnError.message}` : tail(`${log}.stderr`),
      });
    };
    child.once("error", (e) => done(null, null, e));
    child.once("exit", (code, signal) => done(code, signal));
  });
}

function tail(file: string): string {
  const text = readFileSync(file, "utf8");
  return text.length > TAIL_CHARS ? text.slice(-TAIL_CHARS) : text;
}
