/**
 * srv6-protect measured as users run it: one `srv6` process per operation
 * (apply, plan, drift), each opening its own SSH connections, on the
 * synthesized stack and the lab inventory.
 */
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../provider/engine/router-scripts";
import { BenchError } from "../errors";
import { expectExit, timedRun } from "./process";
import type { PushSystem } from "./system";

export class Srv6System implements PushSystem {
  readonly name = "srv6-protect" as const;

  /**
   * @param log progress: the engine's own duration next to the process wall
   *   time, so the cost of starting node is visible.
   */
  constructor(private readonly stackDir: string, private readonly inventoryFile: string, private readonly log: (line: string) => void = () => undefined) {}

  private argv(verb: string): string[] {
    return [process.execPath, join(PACKAGE_ROOT, "bin", "srv6"), verb, "--stack", this.stackDir, "--inventory", this.inventoryFile, "--json"];
  }

  private async json(verb: string, expected: readonly number[] = [0]): Promise<{ ms: number; doc: Record<string, unknown> }> {
    const argv = this.argv(verb);
    const r = expectExit(await timedRun(argv, { timeoutMs: 300_000 }), argv, `srv6 ${verb}`, expected);
    try {
      const doc = JSON.parse(r.stdout) as Record<string, unknown>;
      if (typeof doc.durationMs === "number") this.log(`apply: srv6 ${verb}: ${(r.ms / 1000).toFixed(3)} s wall, of which the engine ${(doc.durationMs / 1000).toFixed(3)} s`);
      return { ms: r.ms, doc };
    } catch (err) {
      throw new BenchError(`srv6 ${verb} printed no JSON document`, { command: argv, stderr: r.stdout.slice(0, 400), cause: err });
    }
  }

  async prepare(): Promise<void> {}

  async apply(): Promise<number> {
    const { ms, doc } = await this.json("apply");
    if (doc.ok !== true) throw new BenchError(`srv6 apply reported ok=${String(doc.ok)}`, { command: this.argv("apply") });
    return ms;
  }

  async noopPlan(): Promise<number> {
    const { ms, doc } = await this.json("plan");
    if (doc.changes !== 0) throw new BenchError(`srv6 plan after apply is not empty: ${String(doc.changes)} change(s)`, { command: this.argv("plan") });
    return ms;
  }

  async drift(): Promise<number> {
    const { ms, doc } = await this.json("drift");
    if (doc.drift !== false) throw new BenchError("srv6 drift found drift right after apply", { command: this.argv("drift") });
    return ms;
  }

  async reset(): Promise<void> {
    const { doc } = await this.json("destroy");
    if (doc.ok !== true) throw new BenchError(`srv6 destroy reported ok=${String(doc.ok)}`, { command: this.argv("destroy") });
  }

  async close(): Promise<string[]> {
    return [];
  }
}
