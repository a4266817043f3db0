import { run } from "../system/run";
import { baseRouteBatch, baseRoutes } from "./base-routes";
import type { LabPlan, PlannedRouter } from "../topology/addressing";

/** Installs (replaces) router r's base routes: lab up, heal after a carrier loss, and reboot all call this one. */
export async function installBaseRoutes(plan: LabPlan, r: PlannedRouter): Promise<void> {
  await run(["ip", "-n", r.netns, "-6", "-batch", "-"], { input: baseRouteBatch(baseRoutes(plan, r)) });
}
