import { run } from "./system/run";
import { connectLinks } from "./wire/wire";
import type { LabPlan, PlannedRouter } from "./topology/addressing";

/** Creates every link through the lab's wire (lab/wire/), then the routers' addresses. */
export async function createLinks(plan: LabPlan): Promise<void> {
  const netns = new Map<string, string>([
    ...plan.routers.map((r) => [r.name, r.netns] as const),
    ...plan.hosts.map((h) => [h.name, h.netns] as const),
  ]);
  await connectLinks(plan, (node) => netns.get(node)!);
  // Router side: addresses and up, one batch per router.
  await Promise.all(plan.routers.map((r) => run(["ip", "-n", r.netns, "-6", "-batch", "-"], { input: interfaceBatch(r) })));
}

/** `ip -6 -batch` lines giving a router's link interfaces their addresses and bringing them up (also after a reboot). */
export function interfaceBatch(r: PlannedRouter): string {
  return r.interfaces.map((i) => `addr add ${i.address} dev ${i.name}\nlink set ${i.name} up\n`).join("");
}
