/**
 * Brings a lab up under a unique name for one test and always tears it down,
 * also when the test fails or the runner is interrupted.
 */
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { labUp, labDown, labExec, labFail, labHeal, type Inventory, type FailOptions } from "../../lab";
import type { RunResult } from "../../lab/system/run";
import type { LabRouting } from "../../lab/topology/schema";

export interface TestLab {
  readonly name: string;
  readonly inventory: Inventory;
  exec(node: string, argv: readonly string[], opts?: { input?: string; timeoutMs?: number }): Promise<RunResult>;
  /** Runs a shell script on a node; throws with its output if it exits non-zero. */
  sh(node: string, script: string, opts?: { input?: string; timeoutMs?: number }): Promise<string>;
  fail(a: string, b: string, opts?: FailOptions): Promise<void>;
  heal(a: string, b: string): Promise<void>;
}

const live = new Set<string>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const cleanup = (): void => {
    for (const name of live) {
      try { execFileSync(process.execPath, ["-e", `require(${JSON.stringify(require.resolve("../../lab/down"))}).labDown(${JSON.stringify(name)})`]); } catch { /* best effort */ }
    }
  };
  process.once("exit", cleanup);
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => { cleanup(); process.exit(130); });
}

/** A management /24 no other lab on this machine uses. */
export function freeMgmtSubnet(): string {
  const used = execFileSync("ip", ["-4", "route", "show"], { encoding: "utf8" });
  for (let attempt = 0; attempt < 200; attempt++) {
    const x = 2 + Math.floor(Math.random() * 250);
    const subnet = `198.19.${x}.0/24`;
    if (!used.includes(`198.19.${x}.0/24`)) return subnet;
  }
  throw new Error("no free management subnet in 198.19.0.0/16");
}

export function uniqueLabName(prefix = "t"): string {
  return `${prefix}${randomBytes(4).toString("hex")}`.slice(0, 8);
}

export async function withLab<T>(topologyFile: string, fn: (lab: TestLab) => Promise<T>, opts: { name?: string; routing?: LabRouting } = {}): Promise<T> {
  hookExit();
  const name = opts.name ?? uniqueLabName();
  live.add(name);
  let result: T | undefined;
  let failure: unknown;
  try {
    const inventory = await labUp(topologyFile, { name, mgmtSubnet: freeMgmtSubnet(), routing: opts.routing });
    const lab: TestLab = {
      name,
      inventory,
      exec: (node, argv, o) => labExec(name, node, argv, o),
      async sh(node, script, o) {
        const r = await labExec(name, node, ["sh", "-c", script], o);
        if (r.code !== 0) throw new Error(`${node}: script failed (exit ${r.code}): ${script}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
        return r.stdout;
      },
      fail: (a, b, o) => labFail(name, a, b, o),
      heal: (a, b) => labHeal(name, a, b),
    };
    result = await fn(lab);
  } catch (err) {
    failure = err;
  }
  // A lab that does not come down cleanly leaks into the next test: that is a failure too, never ignored.
  const down = await labDown(name);
  live.delete(name);
  if (failure !== undefined) {
    if (down.errors.length && failure instanceof Error) failure.message += `\n(and lab ${name} did not come down cleanly: ${down.errors.join("; ")})`;
    throw failure;
  }
  if (down.errors.length) throw new Error(`lab ${name} did not come down cleanly: ${down.errors.join("; ")}`);
  return result as T;
}
