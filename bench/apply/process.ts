/** Runs a command line tool (srv6, ansible-playbook) as a child process and times it from spawn to exit. */
import { spawn, type ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";
import { BenchError, BenchTimeoutError } from "../errors";
import { missingProgramMessage, programNotFound } from "../../lab/system/tools";

export interface TimedResult {
  /** Wall time from spawn to exit, in milliseconds. */
  readonly ms: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TimedOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Killed (and BenchTimeoutError) after this long. Default 10 minutes. */
  readonly timeoutMs?: number;
}

/** Children still running, so an interrupted benchmark can stop them (Ctrl-C reaches them anyway; SIGTERM to us does not). */
const running = new Set<ChildProcess>();

/** Sends SIGTERM to every child still running; resolves to how many there were. */
export function stopRunning(): number {
  for (const child of running) child.kill("SIGTERM");
  return running.size;
}

/** Spawns argv (never through a shell) and resolves with its exit code and output; never throws on a non-zero exit. */
export function timedRun(argv: readonly string[], opts: TimedOptions = {}): Promise<TimedResult> {
  const timeoutMs = opts.timeoutMs ?? 600_000;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      running.delete(child);
      const missing = programNotFound(argv, e, null, "");
      reject(new BenchError(missing ? missingProgramMessage(missing) : `cannot start ${argv[0]}`, { command: argv, cause: e }));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      running.delete(child);
      const ms = performance.now() - started;
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      if (timedOut) reject(new BenchTimeoutError(`timed out after ${timeoutMs} ms`, { command: argv, stderr: stderr || stdout }));
      else resolve({ ms, code, stdout, stderr });
    });
  });
}

/** Throws a BenchError naming the command unless it exited with one of the expected codes. */
export function expectExit(r: TimedResult, argv: readonly string[], what: string, expected: readonly number[] = [0]): TimedResult {
  if (r.code === null || !expected.includes(r.code)) {
    throw new BenchError(`${what} exited ${r.code} (expected ${expected.join(" or ")})`, { command: argv, exitCode: r.code, stderr: r.stderr.trim() ? r.stderr : r.stdout });
  }
  return r;
}
