import { spawn } from "node:child_process";
import { LabCommandError } from "../errors";
import { missingProgramMessage, programNotFound } from "./tools";

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

export interface RunOptions {
  readonly input?: string;
  /** Resolve with the result instead of throwing on a non-zero exit. */
  readonly allowFailure?: boolean;
  readonly timeoutMs?: number;
}

/** Runs argv (no shell) on this machine; throws LabCommandError on failure. */
export function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["pipe", "pipe", "pipe"], timeout: opts.timeoutMs ?? 60_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
    child.stderr.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
    child.on("error", (err) => {
      const missing = programNotFound(argv, err, null, "");
      reject(new LabCommandError(argv, null, missing ? missingProgramMessage(missing) : String(err), Date.now() - started, { cause: err }));
    });
    child.on("close", (code) => {
      const missing = code !== 0 ? programNotFound(argv, undefined, code, stderr) : undefined;
      if (missing) stderr = `${stderr.trimEnd()}\n${missingProgramMessage(missing)}\n`;
      if (code !== 0 && !opts.allowFailure) reject(new LabCommandError(argv, code, stderr, Date.now() - started));
      else resolve({ stdout, stderr, code });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
  });
}

/** Runs argv inside a router: its network, mount (bpffs) and UTS namespaces. */
export function routerArgv(pid: number, argv: readonly string[]): string[] {
  return ["nsenter", "-t", String(pid), "-n", "-m", "-u", "--", ...argv];
}

/** Runs argv inside a host's network namespace. */
export function hostArgv(netns: string, argv: readonly string[]): string[] {
  return ["ip", "netns", "exec", netns, ...argv];
}
