import { run } from "./system/run";
import type { LabPlan } from "./topology/addressing";

/** Creates every link as a veth pair whose ends are born inside their namespaces. */
export async function createLinks(plan: LabPlan): Promise<void> {
  const netns = new Map<string, string>([
    ...plan.routers.map((r) => [r.name, r.netns] as const),
    ...plan.hosts.map((h) => [h.name, h.netns] as const),
  ]);
  for (const l of plan.links) {
    await run(["ip", "link", "add", l.a.ifname, "netns", netns.get(l.a.node)!, "type", "veth", "peer", "name", l.b.ifname, "netns", netns.get(l.b.node)!]);
  }
  // Router side: addresses and up, one batch per router.
  await Promise.all(plan.routers.map((r) => run(["ip", "-n", r.netns, "-6", "-batch", "-"], {
    input: r.interfaces.map((i) => `addr add ${i.address} dev ${i.name}\nlink set ${i.name} up\n`).join(""),
  })));
}
