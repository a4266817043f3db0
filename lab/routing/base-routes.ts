/**
 * The lab's stand-in for a converged IGP: static routes to every locator and
 * host prefix over every equal-cost next hop of model/spf.ts (ECMP, as an
 * IGP installs them), the routing the backup computation assumes.
 */
import { equalCostNextHops, type Graph } from "../../model/spf";
import type { LabPlan, PlannedRouter } from "../topology/addressing";

export interface BaseNexthop {
  readonly via: string;
  readonly dev: string;
}

export interface BaseRoute {
  readonly prefix: string;
  /** One per equal-cost branch, in the order model/spf ranks them. */
  readonly nexthops: readonly BaseNexthop[];
}

export function routerGraph(plan: LabPlan): Graph {
  return {
    nodes: plan.routers.map((r) => r.name),
    links: plan.links
      .map((l, i) => ({ l, id: `link${i}` }))
      .filter(({ l }) => l.betweenRouters)
      .map(({ l, id }) => ({ a: l.a.node, b: l.b.node, metric: l.metric, id })),
  };
}

/** Routes router `r` needs for every prefix not directly attached to it. */
export function baseRoutes(plan: LabPlan, r: PlannedRouter, graph = routerGraph(plan)): BaseRoute[] {
  const destinations: { prefix: string; router: string }[] = [
    ...plan.routers.map((d) => ({ prefix: d.locator, router: d.name })),
    ...plan.hosts.map((h) => ({ prefix: h.prefix, router: h.router })),
  ];
  const routes: BaseRoute[] = [];
  for (const d of destinations) {
    if (d.router === r.name) continue;
    const links = equalCostNextHops(graph, r.name, d.router);
    if (links.length === 0) throw new Error(`lab: no path from ${r.name} to ${d.router}`);
    routes.push({
      prefix: d.prefix,
      nexthops: links.map((link) => {
        const planned = plan.links[Number(link.id.slice(4))]!;
        const [mine, theirs] = planned.a.node === r.name ? [planned.a, planned.b] : [planned.b, planned.a];
        return { via: theirs.address, dev: mine.ifname };
      }),
    });
  }
  return routes;
}

/** The words after `ip -6` that install one route (idempotent: replace), multipath where there is more than one branch. */
export function baseRouteWords(rt: BaseRoute): string[] {
  const [only, ...more] = rt.nexthops;
  if (more.length === 0) return ["route", "replace", rt.prefix, "via", only!.via, "dev", only!.dev, "proto", "static"];
  return ["route", "replace", rt.prefix, "proto", "static", ...rt.nexthops.flatMap((n) => ["nexthop", "via", n.via, "dev", n.dev])];
}

/** `ip -6 -batch` lines installing the routes. */
export function baseRouteBatch(routes: readonly BaseRoute[]): string {
  return routes.map((rt) => `${baseRouteWords(rt).join(" ")}\n`).join("");
}
