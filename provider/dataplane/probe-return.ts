/**
 * The way home of a backup probe. A probe that came home along the routers'
 * ordinary routes would cross the protected link whenever that is the
 * shortest way back (in the diamond, r4 reaches r1 over r2): then every
 * backup path of the link reads broken exactly while the link is down and
 * the backup carries the traffic. So a probe comes home the way it went,
 * mirrored: back through the routers its segments visited, in reverse, each
 * by its node SID, and back over each adjacency it crossed by the adjacency
 * SID of the other end. With symmetric metrics every leg of the mirror is a
 * shortest path whose reverse the backup already proved avoids the link.
 */
import { canonicalIpv6 as canonicalAddress } from "../../model/ipv6";
import type { ProtectedLinkConfig, RouterConfig } from "../../model/schema";


/**
 * What reaching one segment does: end at a router, or cross one adjacency
 * from a router to a neighbour. `nodeSid`: that router's node SID. Plain
 * data: a router's bundle carries the steps of its policies' segments, since
 * its renderer sees no routers beyond its link peers (provider/engine/bundle.ts).
 */
export interface Step {
  readonly sid: string;
  readonly kind: "node" | "adjacency";
  readonly router: string;
  readonly nodeSid: string;
  /** Adjacency only: the SID that crosses the same adjacency the other way, when the state names one. */
  readonly back?: string;
}

/** Every SID of the state, by canonical address, as the step it makes. */
export function segmentSteps(routers: readonly RouterConfig[], links: readonly ProtectedLinkConfig[]): ReadonlyMap<string, Step> {
  const steps = new Map<string, Step>();
  const nodeSid = new Map(routers.map((r) => [r.name, canonicalAddress(r.node_sid)]));
  const put = (step: Step) => steps.set(step.sid, step);
  for (const r of routers) {
    put({ sid: nodeSid.get(r.name)!, kind: "node", router: r.name, nodeSid: nodeSid.get(r.name)! });
    put({ sid: canonicalAddress(r.decap_sid), kind: "node", router: r.name, nodeSid: nodeSid.get(r.name)! });
    for (const a of r.adjacency_sids ?? []) put({ sid: canonicalAddress(a.sid), kind: "adjacency", router: r.name, nodeSid: nodeSid.get(r.name)! });
  }
  // return_sid_a is an End.X on b that sends to a; return_sid_b crosses the same link the other way.
  for (const l of links) {
    const a = canonicalAddress(l.return_sid_a), b = canonicalAddress(l.return_sid_b);
    if (nodeSid.has(l.router_b)) put({ sid: a, kind: "adjacency", router: l.router_b, nodeSid: nodeSid.get(l.router_b)!, back: b });
    if (nodeSid.has(l.router_a)) put({ sid: b, kind: "adjacency", router: l.router_a, nodeSid: nodeSid.get(l.router_a)!, back: a });
  }
  return steps;
}

/**
 * The segments that bring a probe from the end of `segments` back to
 * `origin`, ending with `home` (own monitor SID, own final address).
 * A segment without a known step makes the mirror unknowable: then the
 * probe comes straight home, along the ordinary routes.
 */
export function mirroredHome(origin: string, segments: readonly string[], steps: ReadonlyMap<string, Step>, home: readonly string[]): string[] {
  const path = segments.map((s) => steps.get(canonicalAddress(s)));
  if (path.some((s) => s === undefined)) return [...home];
  const back: string[] = [];
  for (let i = path.length - 1; i >= 0; i--) {
    const step = path[i]!;
    // An adjacency without a named way back: its router's node SID brings the probe there.
    if (step.kind === "adjacency") back.push(step.back ?? step.nodeSid);
    const previous = path[i - 1];
    if (previous?.kind === "node" && previous.router !== step.router && previous.router !== origin) back.push(previous.nodeSid);
  }
  return [...back.filter((s, i) => s !== back[i - 1]), ...home];
}
