/**
 * Runs the ```sh samples of a doc page the way a reader would: from the
 * repository root, in order, each with `bash -eo pipefail`. They run in a
 * scratch tree (links to the repository's bin/, dist/, node_modules/ and
 * example inputs, fresh example output folders), so a sample's synth or
 * output files never touch the working tree.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REPO = join(__dirname, "../../..");

export function shellSamples(docFile: string): string[] {
  const text = readFileSync(join(REPO, docFile), "utf8");
  return [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

export interface ScratchTree {
  readonly dir: string;
  run(script: string, env?: NodeJS.ProcessEnv, timeoutMs?: number): Promise<{ code: number; stdout: string; stderr: string }>;
  remove(): void;
}

export function scratchTree(prefix: string): ScratchTree {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const p of ["bin", "dist", "node_modules", "package.json"]) symlinkSync(join(REPO, p), join(dir, p));
  mkdirSync(join(dir, "examples"));
  for (const p of ["lab", "gitops"]) symlinkSync(join(REPO, "examples", p), join(dir, "examples", p));
  for (const p of ["diamond", "mesh"]) mkdirSync(join(dir, "examples", p));
  return {
    dir,
    run: (script, env = {}, timeoutMs = 120_000) => new Promise((resolve) => {
      const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], { cwd: dir, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.stdout.on("data", (d: Buffer) => { stdout += d; });
      child.stderr.on("data", (d: Buffer) => { stderr += d; });
      child.on("close", (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
    }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
