import { run } from "../system/run";
import { baseRouteBatch, baseRoutes } from "./base-routes";
import type { LabPlan, PlannedRouter } from "../topology/addressing";

/**
 * Installs (replaces) router r's static base routes: lab up, heal after a
 * carrier loss, and reboot all call this one. A lab routed by OSPFv3 has
 * none: its routers learn their routes from FRR (routing/frr/igp.ts).
 */
export async function installBaseRoutes(plan: LabPlan, r: PlannedRouter): Promise<void> {
  if (plan.routing === "ospf6") return;
  await run(["ip", "-n", r.netns, "-6", "-batch", "-"], { input: baseRouteBatch(baseRoutes(plan, r)) });
}
