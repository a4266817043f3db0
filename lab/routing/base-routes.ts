/**
 * The lab's stand-in for a converged IGP: static routes to every locator and
 * host prefix along the shortest paths of model/spf.ts, the same
 * function the backup-path computation assumes routers follow.
 */
import { nextHopLink, type Graph } from "../../model/spf";
import type { LabPlan, PlannedRouter } from "../topology/addressing";

export interface BaseRoute {
  readonly prefix: string;
  readonly via: string;
  readonly dev: string;
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
    const link = nextHopLink(graph, r.name, d.router);
    if (!link) throw new Error(`lab: no path from ${r.name} to ${d.router}`);
    const planned = plan.links[Number(link.id.slice(4))]!;
    const [mine, theirs] = planned.a.node === r.name ? [planned.a, planned.b] : [planned.b, planned.a];
    routes.push({ prefix: d.prefix, via: theirs.address, dev: mine.ifname });
  }
  return routes;
}

/** `ip -6 -batch` lines installing the routes (idempotent: replace). */
export function baseRouteBatch(routes: readonly BaseRoute[]): string {
  return routes.map((rt) => `route replace ${rt.prefix} via ${rt.via} dev ${rt.dev} proto static\n`).join("");
}
