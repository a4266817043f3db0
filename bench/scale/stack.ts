/**
 * Synthesizes examples/scale/main.ts (compiled to dist/) from a generated
 * topology file against a lab's inventory, into a private directory, and
 * counts what it declares.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../provider/engine/router-scripts";
import { BenchError } from "../errors";
import { expectExit, timedRun } from "../apply/process";
import { TOPOLOGY_ENV } from "../../examples/scale/env";
import { INVENTORY_ENV } from "../../lab/connections";

export interface StackCounts {
  readonly routers: number;
  readonly protectedLinks: number;
  readonly backupPolicies: number;
}

export interface SynthesizedStack {
  /** `<outDir>/cdktf.out`, for `srv6 --stack`. */
  readonly stackDir: string;
  readonly ms: number;
  readonly counts: StackCounts;
}

export async function synthesizeScale(topologyFile: string, inventoryFile: string, outDir: string): Promise<SynthesizedStack> {
  const main = join(PACKAGE_ROOT, "dist", "examples", "scale", "main.js");
  if (!existsSync(main)) throw new BenchError(`the scale example is not built: ${main} is missing (run npm run build)`);
  const stackDir = join(outDir, "cdktf.out");
  const argv = [process.execPath, main];
  const r = await timedRun(argv, {
    cwd: join(PACKAGE_ROOT, "examples", "scale"),
    env: { ...process.env, [TOPOLOGY_ENV]: topologyFile, [INVENTORY_ENV]: inventoryFile, CDKTF_OUTDIR: stackDir },
    timeoutMs: 300_000,
  });
  expectExit(r, argv, "synthesizing examples/scale");
  const file = join(stackDir, "stacks", "scale", "cdk.tf.json");
  if (!existsSync(file)) throw new BenchError(`synthesizing examples/scale wrote no ${file}`, { command: argv, stderr: r.stderr });
  const resources = (JSON.parse(readFileSync(file, "utf8")) as { resource?: Record<string, Record<string, unknown>> }).resource ?? {};
  const count = (type: string): number => Object.keys(resources[type] ?? {}).length;
  return { stackDir, ms: r.ms, counts: { routers: count("srv6_router"), protectedLinks: count("srv6_protected_link"), backupPolicies: count("srv6_backup_policy") } };
}
