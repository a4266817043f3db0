/** Saving, removing and restoring a router's proto static IPv6 routes (the lab's base routes). */
import type { BenchLab } from "../../lab";
import { BenchError } from "../../errors";

export interface SavedRoute {
  readonly dst: string;
  readonly gateway: string;
  readonly dev: string;
}

const PREFIX = /^[0-9a-fA-F:]+(\/\d{1,3})?$/;
const IFNAME = /^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$/;

/** Removes every proto static route and returns them, to be restored later. */
export async function removeStaticRoutes(lab: BenchLab, router: string): Promise<SavedRoute[]> {
  const shown = await lab.exec(router, ["ip", "-j", "-6", "route", "show", "proto", "static"]);
  const routes = (JSON.parse(shown.stdout || "[]") as { dst: string; gateway?: string; dev?: string }[])
    .filter((r): r is SavedRoute => typeof r.gateway === "string" && typeof r.dev === "string")
    .map((r) => ({ dst: r.dst, gateway: r.gateway, dev: r.dev }));
  if (routes.length > 0) await lab.exec(router, ["ip", "-6", "route", "flush", "proto", "static"]);
  return routes;
}

export async function restoreStaticRoutes(lab: BenchLab, router: string, routes: readonly SavedRoute[]): Promise<void> {
  for (const r of routes) {
    if (!PREFIX.test(r.dst) || !PREFIX.test(r.gateway) || !IFNAME.test(r.dev)) {
      throw new BenchError(`static route ${JSON.stringify(r)} has a field that is not an address or interface name`, { node: router });
    }
  }
  const batch = routes.map((r) => `route replace ${r.dst} via ${r.gateway} dev ${r.dev} proto static\n`).join("");
  if (batch) await lab.exec(router, ["ip", "-6", "-batch", "-"], { input: batch });
}
