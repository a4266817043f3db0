/**
 * The rendered dataplane of every router (the engine's RouterChanges.plan):
 * what Ansible is given to push, and what the verifier expects to find.
 */
import { Engine } from "../../provider/engine/engine";
import { loadDesiredState } from "../../provider/state";
import { inventoryConnectionOptions } from "../../provider/ssh";
import type { DataplanePlan } from "../../provider/dataplane/types";
import type { Inventory } from "../../lab";
import { BenchError } from "../errors";

/** Plans the stack against the lab (read only) and returns each router's rendered plan, by router name. */
export async function renderedPlans(stackDir: string, inventory: Inventory): Promise<Map<string, DataplanePlan>> {
  const state = loadDesiredState({ path: stackDir });
  const missing = state.routers.map((r) => r.name).filter((n) => !inventory.routers[n]);
  if (missing.length) throw new BenchError(`lab '${inventory.lab}' has no router named ${missing.join(", ")} (the stack and the lab topology differ)`);
  const engine = new Engine({ connectionFor: (name) => inventoryConnectionOptions(name, inventory.routers[name]!) });
  try {
    const plan = await engine.plan(state);
    const plans = new Map<string, DataplanePlan>();
    for (const r of plan.routers) {
      if (r.error || !r.plan) throw new BenchError(`cannot plan router ${r.router}: ${r.error?.message ?? "no rendered plan"}`, { node: r.router, cause: r.error });
      plans.set(r.router, r.plan);
    }
    return plans;
  } finally {
    await engine.close();
  }
}
