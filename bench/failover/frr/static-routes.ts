/** Saving, removing and restoring a router's proto static IPv6 routes (the lab's base routes, multipath ones included). */
import type { BenchLab } from "../../lab";
import { BenchError } from "../../errors";
import { baseRouteBatch, type BaseRoute } from "../../../lab/routing/base-routes";

export type SavedRoute = BaseRoute;

const PREFIX = /^[0-9a-fA-F:]+(\/\d{1,3})?$/;
const IFNAME = /^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$/;

interface ShownRoute {
  readonly dst: string;
  readonly gateway?: string;
  readonly dev?: string;
  readonly nexthops?: readonly { gateway?: string; dev?: string }[];
}

/** Removes every proto static route and returns them, to be restored later. */
export async function removeStaticRoutes(lab: BenchLab, router: string): Promise<SavedRoute[]> {
  const shown = await lab.exec(router, ["ip", "-j", "-6", "route", "show", "proto", "static"]);
  const routes = (JSON.parse(shown.stdout || "[]") as ShownRoute[]).flatMap((r): SavedRoute[] => {
    const hops = (r.nexthops?.length ? r.nexthops : [{ gateway: r.gateway, dev: r.dev }])
      .filter((h): h is { gateway: string; dev: string } => typeof h.gateway === "string" && typeof h.dev === "string");
    return hops.length ? [{ prefix: r.dst, nexthops: hops.map((h) => ({ via: h.gateway, dev: h.dev })) }] : [];
  });
  if (routes.length > 0) await lab.exec(router, ["ip", "-6", "route", "flush", "proto", "static"]);
  return routes;
}

export async function restoreStaticRoutes(lab: BenchLab, router: string, routes: readonly SavedRoute[]): Promise<void> {
  for (const r of routes) {
    if (!PREFIX.test(r.prefix) || !r.nexthops.every((n) => PREFIX.test(n.via) && IFNAME.test(n.dev))) {
      throw new BenchError(`static route ${JSON.stringify(r)} has a field that is not an address or interface name`, { node: router });
    }
  }
  const batch = baseRouteBatch(routes);
  if (batch) await lab.exec(router, ["ip", "-6", "-batch", "-"], { input: batch });
}
