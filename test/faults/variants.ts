/**
 * The desired states the fault suite moves the diamond lab between, each a
 * real synthesis of examples/diamond's stack:
 *   old: the example as it is (r1-r2 protected, 10 ms x 3);
 *   new: other timers on r1-r2 and r3-r4 protected too: every router changes,
 *        SIDs included, so the "go" barrier matters;
 *   alt: r2-r4 protected too: r2 and r4 change, r1's probes cross r2's
 *        unchanged End.X the whole time.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { DiamondStack } from "../../examples/diamond/main";
import { loadDesiredState, type DesiredState } from "../../provider/state";
import type { TestLab } from "../helpers/lab";

export type Variant = "old" | "new" | "alt";
export const VARIANTS: readonly Variant[] = ["old", "new", "alt"];

function synth(lab: TestLab, variant: Variant): DesiredState {
  const outdir = mkdtempSync(join(tmpdir(), `s6faults-${variant}-`));
  try {
    const app = new App({ outdir });
    const inventory = join(lab.inventory.stateDir, "inventory.json");
    const stack = new DiamondStack(app, "diamond", variant === "new" ? { inventory, probeIntervalMs: 20, multiplier: 4 } : { inventory });
    const extra = variant === "new" ? "r3-r4" : variant === "alt" ? "r2-r4" : undefined;
    if (extra) stack.network.protect(stack.network.links.find((l) => l.linkName === extra)!);
    app.synth();
    return loadDesiredState({ path: outdir });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export function synthVariants(lab: TestLab): Record<Variant, DesiredState> {
  return { old: synth(lab, "old"), new: synth(lab, "new"), alt: synth(lab, "alt") };
}
