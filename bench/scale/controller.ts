/**
 * Runs the real controller, the `srv6` CLI, once per operation as an
 * operator would, timed from spawn to exit, with the memory probe preloaded
 * (peak RSS and V8 heap of that process).
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../provider/engine/router-scripts";
import { BenchError } from "../errors";
import { expectExit, timedRun } from "../apply/process";
import { MEMORY_FILE_ENV, type MemoryPeaks } from "./memory-probe";

export type Verb = "apply" | "plan" | "drift" | "status" | "destroy";

export interface ControllerRun {
  readonly verb: Verb;
  readonly ms: number;
  readonly doc: Record<string, unknown>;
  readonly memory: MemoryPeaks;
}

export class ScaleController {
  private runs = 0;

  /** workDir: where the memory probe's files go (the benchmark's own work dir, removed by its cleanup also on Ctrl-C). */
  constructor(
    private readonly workDir: string,
    private readonly stackDir: string,
    private readonly inventoryFile: string,
    private readonly parallelism?: number,
  ) {}

  argv(verb: Verb): string[] {
    const argv = [process.execPath, "-r", join(__dirname, "memory-probe.js"), join(PACKAGE_ROOT, "bin", "srv6"), verb,
      "--stack", this.stackDir, "--inventory", this.inventoryFile, "--json"];
    if (this.parallelism !== undefined) argv.push("--parallelism", String(this.parallelism));
    return argv;
  }

  /** Runs one verb; throws a BenchError naming the command unless it exits with an expected code and prints a JSON document. */
  async run(verb: Verb, expected: readonly number[] = [0]): Promise<ControllerRun> {
    const argv = this.argv(verb);
    const memoryFile = join(this.workDir, `memory-${++this.runs}-${verb}.json`);
    try {
      const r = expectExit(await timedRun(argv, { timeoutMs: 900_000, env: { ...process.env, [MEMORY_FILE_ENV]: memoryFile } }), argv, `srv6 ${verb}`, expected);
      let doc: Record<string, unknown>;
      try {
        doc = JSON.parse(r.stdout) as Record<string, unknown>;
      } catch (err) {
        throw new BenchError(`srv6 ${verb} printed no JSON document`, { command: argv, stderr: r.stdout.slice(0, 400), cause: err });
      }
      let memory: MemoryPeaks;
      try {
        memory = JSON.parse(readFileSync(memoryFile, "utf8")) as MemoryPeaks;
      } catch (err) {
        throw new BenchError(`srv6 ${verb}: the memory probe wrote no result`, { command: argv, cause: err });
      }
      return { verb, ms: r.ms, doc, memory };
    } finally {
      rmSync(memoryFile, { force: true });
    }
  }
}

/** The first failed routers of an apply/plan document, for error messages. */
export function routerErrors(doc: Record<string, unknown>, max = 3): string {
  const routers = (doc.routers ?? []) as { router: string; error?: { message: string } }[];
  const failed = routers.filter((r) => r.error);
  return failed.slice(0, max).map((r) => `${r.router}: ${r.error!.message}`).join("; ") + (failed.length > max ? ` (and ${failed.length - max} more)` : "");
}
