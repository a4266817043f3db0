/**
 * Link failures. A silent failure drops every packet in the *receiving*
 * end's netdev ingress hook while carrier stays up: the wire eats packets
 * after they left the sender, so the sender's qdisc and tc egress programs
 * still see them leave, as with a real cut fibre behind a live switch port.
 * (An egress-hook drop would run before tc egress and hide the loss from it.)
 */
import { run } from "./system/run";
import { readPlan } from "./state";
import { baseRouteBatch, baseRoutes } from "./routing/base-routes";
import { LabStateError } from "./errors";
import type { LabPlan, PlannedLink } from "./topology/addressing";

export interface FailOptions {
  /** Only traffic sent by this node over the link is lost. */
  readonly oneWayFrom?: string;
  /** Take the link down with carrier loss instead of silently. */
  readonly carrier?: boolean;
}

const TABLE_PREFIX = "s6lab_fail_";

export function findLink(plan: LabPlan, a: string, b: string): PlannedLink {
  const matches = plan.links.filter((l) => (l.a.node === a && l.b.node === b) || (l.a.node === b && l.b.node === a));
  if (matches.length === 0) throw new LabStateError(`lab '${plan.name}' has no link between ${a} and ${b}`);
  if (matches.length > 1) throw new LabStateError(`${a} and ${b} are joined by ${matches.length} links; the lab fails the first only when there is one`);
  return matches[0]!;
}

function netnsOf(plan: LabPlan, node: string): string {
  const ns = plan.routers.find((r) => r.name === node)?.netns ?? plan.hosts.find((h) => h.name === node)?.netns;
  if (!ns) throw new LabStateError(`lab '${plan.name}' has no node '${node}'`);
  return ns;
}

async function dropIngress(netns: string, ifname: string): Promise<void> {
  const table = `${TABLE_PREFIX}${ifname}`;
  await run(["ip", "netns", "exec", netns, "nft", "-f", "-"], {
    input: `table netdev ${table} {\n  chain ingress {\n    type filter hook ingress device "${ifname}" priority -500; policy drop;\n  }\n}\n`,
  });
}

export async function labFail(lab: string | undefined, a: string, b: string, opts: FailOptions = {}): Promise<void> {
  const plan = readPlan(lab);
  const link = findLink(plan, a, b);
  if (opts.oneWayFrom !== undefined && opts.oneWayFrom !== a && opts.oneWayFrom !== b) {
    throw new LabStateError(`--one-way must name ${a} or ${b}, not ${opts.oneWayFrom}`);
  }
  if (opts.carrier) {
    if (opts.oneWayFrom) throw new LabStateError("a carrier failure is always both ways; drop --one-way or --carrier");
    await run(["ip", "-n", netnsOf(plan, link.a.node), "link", "set", "dev", link.a.ifname, "down"]);
    return;
  }
  const ends = [link.a, link.b];
  const receivers = opts.oneWayFrom ? ends.filter((e) => e.node !== opts.oneWayFrom) : ends;
  for (const end of receivers) await dropIngress(netnsOf(plan, end.node), end.ifname);
}

/** Removes any failure of the link and restores its base routes. */
export async function labHeal(lab: string | undefined, a: string, b: string): Promise<void> {
  const plan = readPlan(lab);
  const link = findLink(plan, a, b);
  for (const end of [link.a, link.b]) {
    const ns = netnsOf(plan, end.node);
    await run(["ip", "netns", "exec", ns, "nft", "delete", "table", "netdev", `${TABLE_PREFIX}${end.ifname}`], { allowFailure: true });
    await run(["ip", "-n", ns, "link", "set", "dev", end.ifname, "up"]);
  }
  // An administratively downed interface lost its routes: put them back.
  for (const end of [link.a, link.b]) {
    const router = plan.routers.find((r) => r.name === end.node);
    if (router) await run(["ip", "-n", router.netns, "-6", "-batch", "-"], { input: baseRouteBatch(baseRoutes(plan, router)) });
    const host = plan.hosts.find((h) => h.name === end.node);
    if (host) await run(["ip", "-n", host.netns, "-6", "route", "replace", "default", "via", host.gateway, "dev", host.interface]);
  }
}

export interface LinkState {
  readonly endpoints: [string, string];
  /** up, down (carrier), silent (both ways), or one-way:<from>. */
  readonly state: string;
}

/** Observes every link's failure state from the namespaces themselves. */
export async function linkStates(plan: LabPlan): Promise<LinkState[]> {
  const dropped = new Set<string>();
  const down = new Set<string>();
  const namespaces = [...plan.routers.map((r) => [r.name, r.netns] as const), ...plan.hosts.map((h) => [h.name, h.netns] as const)];
  await Promise.all(namespaces.map(async ([node, ns]) => {
    const tables = await run(["ip", "netns", "exec", ns, "nft", "list", "tables", "netdev"], { allowFailure: true });
    for (const m of tables.stdout.matchAll(new RegExp(`table netdev ${TABLE_PREFIX}(\\S+)`, "g"))) dropped.add(`${node}:${m[1]}`);
    const links = await run(["ip", "-n", ns, "-j", "link", "show"], { allowFailure: true });
    for (const l of JSON.parse(links.stdout || "[]") as { ifname: string; flags: string[] }[]) {
      if (!l.flags.includes("UP") || !l.flags.includes("LOWER_UP")) down.add(`${node}:${l.ifname}`);
    }
  }));
  return plan.links.map((l) => {
    const a = `${l.a.node}:${l.a.ifname}`;
    const b = `${l.b.node}:${l.b.ifname}`;
    const state = down.has(a) || down.has(b) ? "down"
      : dropped.has(a) && dropped.has(b) ? "silent"
      : dropped.has(b) ? `one-way:${l.a.node}`
      : dropped.has(a) ? `one-way:${l.b.node}` : "up";
    return { endpoints: [a, b], state };
  });
}
