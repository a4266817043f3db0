/**
 * Synthesizes an example cdktf app against a test lab's inventory, and runs
 * the real `srv6` CLI on the result.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import type { TestLab } from "./lab";

export const REPO = join(__dirname, "../../..");
export const SRV6 = join(REPO, "bin/srv6");

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(argv: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd ?? REPO, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
    child.stdout.on("data", (d: Buffer) => { stdout += d; });
    child.stderr.on("data", (d: Buffer) => { stderr += d; });
    child.on("close", (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
  });
}

export interface TestStack {
  /** cdktf.out directory of the synthesized app. */
  readonly dir: string;
  srv6(args: readonly string[], opts?: { timeoutMs?: number }): Promise<CliResult>;
  cleanup(): void;
}

/** Synthesizes the stack(s) `build` adds to a fresh app (in this process: a test may pass props the example's own main does not). */
export function synthStack(build: (app: App) => void): TestStack {
  const work = mkdtempSync(join(tmpdir(), "s6stack-"));
  const dir = join(work, "cdktf.out");
  const app = new App({ outdir: dir });
  build(app);
  app.synth();
  return {
    dir,
    srv6: (args, o) => runCli([SRV6, ...args, "--stack", dir], o),
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  };
}

/** Synthesizes examples/<example>/main.ts with the lab's connection settings. */
export async function synthExample(example: "diamond" | "mesh" | "node", lab: TestLab): Promise<TestStack> {
  const work = mkdtempSync(join(tmpdir(), `s6stack-${example}-`));
  const env = { SRV6_INVENTORY: join(lab.inventory.stateDir, "inventory.json") };
  const synth = await runCli([process.execPath, join(REPO, "dist/examples", example, "main.js")], { cwd: work, env });
  if (synth.code !== 0) throw new Error(`synth of ${example} failed: ${synth.stderr}`);
  const dir = join(work, "cdktf.out");
  return {
    dir,
    srv6: (args, o) => runCli([SRV6, ...args, "--stack", dir], o),
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  };
}
