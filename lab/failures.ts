/**
 * Link failures, made in the lab's wire (lab/wire/) between the two ends,
 * the way a dead switch or a cut fibre between two routers behaves:
 * - silent (default): the link's cut word drops every frame in both
 *   directions from one map write, so both directions stop in the same
 *   instant; carrier stays up and nothing changes in either router;
 * - one way: only what FROM sends is dropped;
 * - carrier: both wire ports go down, both ends see NO-CARRIER;
 * - a group (all links of a router, or any set of links: a shared risk
 *   group): every member silently, both ways, in one instant (one write of
 *   the wire's group word). One group failure at a time.
 * Frames are dropped after they left the sender, so the sender's qdisc and
 * tc egress programs still see them leave, as with a real cut.
 */
import { run } from "./system/run";
import { readPlan } from "./state";
import { installBaseRoutes } from "./routing/install";
import { LabStateError } from "./errors";
import { groupCutOn, hasCarrier, readWire, setCarrier, setCut, setGroupCut, type WirePortFrames } from "./wire/wire";
import { CUT_BOTH, CUT_FROM_A, CUT_FROM_B, CUT_IN_GROUP } from "./wire/ports";
import type { LabPlan } from "./topology/addressing";

export interface FailOptions {
  /** Only traffic sent by this node over the link is lost. */
  readonly oneWayFrom?: string;
  /** Take the link down with carrier loss (at both ends) instead of silently. */
  readonly carrier?: boolean;
}

/** The index in plan.links of the one link between a and b. */
export function findLink(plan: LabPlan, a: string, b: string): number {
  const matches = plan.links.flatMap((l, i) => ((l.a.node === a && l.b.node === b) || (l.a.node === b && l.b.node === a) ? [i] : []));
  if (matches.length === 0) throw new LabStateError(`lab '${plan.name}' has no link between ${a} and ${b}`);
  if (matches.length > 1) throw new LabStateError(`${a} and ${b} are joined by ${matches.length} links; the lab fails a link only when there is one`);
  return matches[0]!;
}

export async function labFail(lab: string | undefined, a: string, b: string, opts: FailOptions = {}): Promise<void> {
  const plan = readPlan(lab);
  const index = findLink(plan, a, b);
  const link = plan.links[index]!;
  if (opts.oneWayFrom !== undefined && opts.oneWayFrom !== a && opts.oneWayFrom !== b) {
    throw new LabStateError(`--one-way must name ${a} or ${b}, not ${opts.oneWayFrom}`);
  }
  if (opts.carrier) {
    if (opts.oneWayFrom) throw new LabStateError("a carrier failure is always both ways; drop --one-way or --carrier");
    await setCarrier(plan, index, false);
    return;
  }
  const bits = opts.oneWayFrom === undefined ? CUT_BOTH : opts.oneWayFrom === link.a.node ? CUT_FROM_A : CUT_FROM_B;
  await setCut(plan.name, index, bits);
}

/** Removes any failure of the link; after a carrier loss also restores its base routes. */
export async function labHeal(lab: string | undefined, a: string, b: string): Promise<void> {
  const plan = readPlan(lab);
  const index = findLink(plan, a, b);
  const link = plan.links[index]!;
  const carrier = await hasCarrier(plan, index);
  await setCut(plan.name, index, 0);
  if (carrier) return;
  await setCarrier(plan, index, true);
  // Routes through a device that lost carrier may be gone (nexthop objects are deleted): put the lab's back.
  for (const end of [link.a, link.b]) {
    const router = plan.routers.find((r) => r.name === end.node);
    if (router) await installBaseRoutes(plan, router);
    const host = plan.hosts.find((h) => h.name === end.node);
    if (host) await run(["ip", "-n", host.netns, "-6", "route", "replace", "default", "via", host.gateway, "dev", host.interface]);
  }
}

/** The links of the lab that end at `node` (a router or a host), by index. */
function linksOf(plan: LabPlan, node: string): number[] {
  if (!plan.routers.some((r) => r.name === node) && !plan.hosts.some((h) => h.name === node)) throw new LabStateError(`lab '${plan.name}' has no node ${node}`);
  return plan.links.flatMap((l, i) => (l.a.node === node || l.b.node === node ? [i] : []));
}

/**
 * Fails every link in `pairs` ([a, b] each) silently, both ways, in one
 * instant: each is marked a member of the group, then one write cuts them all.
 */
export async function labFailLinks(lab: string | undefined, pairs: readonly (readonly [string, string])[]): Promise<number[]> {
  const plan = readPlan(lab);
  return failGroup(plan, [...new Set(pairs.map(([a, b]) => findLink(plan, a, b)))]);
}

/** Fails every link of `node` at once, as its crash does when its links stay up through a switch. */
export async function labFailNode(lab: string | undefined, node: string): Promise<number[]> {
  const plan = readPlan(lab);
  return failGroup(plan, linksOf(plan, node));
}

async function failGroup(plan: LabPlan, links: readonly number[]): Promise<number[]> {
  if (links.length === 0) throw new LabStateError("no link to fail");
  if (await groupCutOn(plan.name)) throw new LabStateError(`lab '${plan.name}' already has a group of links failed: heal it first (srv6 lab heal-group)`);
  const wire = await readWire(plan);
  // Members first (no effect until the group word is written), then the one write that cuts them all.
  for (const i of links) await setCut(plan.name, i, (wire[i]!.cut & CUT_BOTH) | CUT_IN_GROUP);
  await setGroupCut(plan.name, true);
  return [...links];
}

/** Heals the group failure: every member at once, then each member is healed entirely (marks and any cut of its own). */
export async function labHealGroup(lab: string | undefined): Promise<void> {
  const plan = readPlan(lab);
  const wire = await readWire(plan);
  await setGroupCut(plan.name, false);
  for (const [i, w] of wire.entries()) if (w.inGroup) await setCut(plan.name, i, 0);
}

export interface LinkState {
  readonly endpoints: [string, string];
  /** up, down (no carrier, or an end administratively down), silent (both ways), or one-way:<from>. */
  readonly state: string;
  /** Frames each endpoint sent into the link that the wire passed on or dropped. */
  readonly frames: { readonly [endpoint: string]: WirePortFrames };
}

/** Every link's failure state, from the wire and from the ends' interfaces. */
export async function linkStates(plan: LabPlan): Promise<LinkState[]> {
  const down = new Set<string>();
  const namespaces = [...plan.routers.map((r) => [r.name, r.netns] as const), ...plan.hosts.map((h) => [h.name, h.netns] as const)];
  const [wire] = await Promise.all([readWire(plan), ...namespaces.map(async ([node, ns]) => {
    const links = await run(["ip", "-n", ns, "-j", "link", "show"], { allowFailure: true });
    for (const l of JSON.parse(links.stdout || "[]") as { ifname: string; flags: string[] }[]) {
      if (!l.flags.includes("UP") || !l.flags.includes("LOWER_UP")) down.add(`${node}:${l.ifname}`);
    }
  })]);
  return plan.links.map((l, i) => {
    const a = `${l.a.node}:${l.a.ifname}`;
    const b = `${l.b.node}:${l.b.ifname}`;
    const w = wire[i]!;
    const state = !w.carrier || down.has(a) || down.has(b) ? "down"
      : w.cut === CUT_BOTH ? "silent"
      : w.cut === CUT_FROM_A ? `one-way:${l.a.node}`
      : w.cut === CUT_FROM_B ? `one-way:${l.b.node}` : "up";
    return { endpoints: [a, b], state, frames: { [a]: w.fromA, [b]: w.fromB } };
  });
}
