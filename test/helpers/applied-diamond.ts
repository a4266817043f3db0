/**
 * The diamond's dataplane installed the way an operator installs it: the
 * examples/diamond constructs with the test's timers, synthesized, then
 * `srv6 apply` over SSH; `remove()` is `srv6 destroy`. Dataplane tests use
 * this, so what they check is what the product installs (helpers/dataplane.ts
 * installDataplane stays for tests that must isolate one program).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DiamondStack } from "../../examples/diamond/main";
import { synthStack } from "./stack";
import type { DesiredState, DiamondOptions, LabLike } from "./dataplane";

export interface AppliedDiamond {
  /** The resources `srv6 apply` installed, as the synthesized stack declares them. */
  readonly desired: DesiredState;
  /** `srv6 destroy`: throws with its output if it fails. */
  remove(): Promise<void>;
}

export async function applyDiamond(lab: LabLike, opts: DiamondOptions = {}): Promise<AppliedDiamond> {
  const inventory = join(lab.inventory.stateDir, "inventory.json");
  const stack = synthStack((app) => new DiamondStack(app, "diamond", {
    inventory, probeIntervalMs: opts.intervalMs, multiplier: opts.multiplier, holdDownMs: opts.holdDownMs, backupProbeIntervalMs: opts.backupProbeIntervalMs,
  }));
  const json = JSON.parse(readFileSync(join(stack.dir, "stacks", "diamond", "cdk.tf.json"), "utf8")) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  // References between resources (`${srv6_router.r1.name}`) are names once applied.
  const resolve = (v: unknown): unknown => (typeof v === "string" ? v.replace(/^\$\{srv6_[a-z_]+\.([A-Za-z0-9_-]+)\.name\}$/, "$1") : v);
  const of = <T>(type: string): T[] => Object.values(json.resource[type] ?? {}).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== "depends_on").map(([k, v]) => [k, resolve(v)])) as T);
  const desired = { routers: of("srv6_router"), links: of("srv6_protected_link"), policies: of("srv6_backup_policy") } as DesiredState;
  const applied = await stack.srv6(["apply", "--inventory", inventory], { timeoutMs: 180_000 });
  if (applied.code !== 0) {
    await stack.srv6(["destroy", "--inventory", inventory], { timeoutMs: 180_000 });
    stack.cleanup();
    throw new Error(`srv6 apply failed (exit ${applied.code}): ${applied.stdout}\n${applied.stderr}`);
  }
  return {
    desired,
    async remove() {
      try {
        const r = await stack.srv6(["destroy", "--inventory", inventory], { timeoutMs: 180_000 });
        if (r.code !== 0) throw new Error(`srv6 destroy failed (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
      } finally {
        stack.cleanup();
      }
    },
  };
}
