/**
 * Synthesizes an example cdktf app (examples/<name>/main.ts, compiled to
 * dist/) against a lab's inventory into a private directory, so the
 * benchmark never writes into the shared examples/ tree.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../provider/engine/router-scripts";
import { BenchError } from "../errors";
import { expectExit, timedRun } from "./process";

/** Returns the synthesized stack directory (`<outDir>/cdktf.out`) for `srv6 --stack`. */
export async function synthesizeExample(example: string, inventoryFile: string, outDir: string): Promise<string> {
  const main = join(PACKAGE_ROOT, "dist", "examples", example, "main.js");
  if (!existsSync(main)) throw new BenchError(`example '${example}' is not built: ${main} is missing (run npm run build)`);
  const stackDir = join(outDir, "cdktf.out");
  const argv = [process.execPath, main];
  const r = await timedRun(argv, {
    cwd: join(PACKAGE_ROOT, "examples", example),
    env: { ...process.env, SRV6_INVENTORY: inventoryFile, CDKTF_OUTDIR: stackDir },
    timeoutMs: 120_000,
  });
  expectExit(r, argv, `synthesizing example '${example}'`);
  const stacks = existsSync(join(stackDir, "stacks")) ? readdirSync(join(stackDir, "stacks")) : [];
  if (stacks.length !== 1) throw new BenchError(`synthesizing example '${example}' produced ${stacks.length} stacks in ${stackDir} (expected one)`);
  return stackDir;
}
