/**
 * The picture's content, independent of layout and SVG: which routers,
 * hosts and links to draw, which links are protected.
 *
 * A synthesized stack lists routers, protected links and adjacency SIDs, not
 * every IGP link. So the network is drawn from the best source at hand:
 * - with a lab topology file (`--topology`), every link with its metric and
 *   the hosts with their prefixes: backup paths can then be followed hop by
 *   hop on the pre-failure shortest paths;
 * - without one, the protected links plus the links implied by adjacency
 *   SIDs (two routers whose End.X next hops share a /64 face each other):
 *   backup paths are drawn segment to segment.
 */
import type { DesiredState } from "../state";
import type { PhysicalTopology } from "../../model/topology";
import { parseIpv6, parseIpv6Prefix, prefixContains, prefixMask } from "../../model/ipv6";
import { GraphInputError } from "./errors";

export interface PictureRouter {
  readonly name: string;
  readonly locator: string;
  /** False for a router of the topology file the stack does not manage. */
  readonly managed: boolean;
}

export interface PictureHost {
  readonly name: string;
  readonly prefix: string;
  /** The router the host hangs off. */
  readonly router: string;
}

export interface PictureLink {
  /** `a:ifA-b:ifB`, or the protected link's name when protected. */
  readonly id: string;
  readonly a: string;
  readonly b: string;
  readonly interfaceA?: string;
  readonly interfaceB?: string;
  /** Known only from a topology file. */
  readonly metric?: number;
  /** Name of the srv6_protected_link on this link, if any. */
  readonly protectedBy?: string;
}

export interface NetworkModel {
  /** Where the links came from: decides whether paths can be followed hop by hop. */
  readonly source: "topology" | "stack";
  readonly routers: PictureRouter[];
  readonly hosts: PictureHost[];
  /** Router-to-router links. */
  readonly links: PictureLink[];
  /** Interface address -> router owning it (next hops of End.X SIDs). */
  readonly addressOwner: Map<string, string>;
}

const canonical = (address: string): string => parseIpv6(address).toString(16);

/** Builds the model from the stack alone, or from the stack plus a lab topology plan. */
export function buildModel(state: DesiredState, topology?: PhysicalTopology): NetworkModel {
  return topology ? fromTopology(state, topology) : fromStack(state);
}

function protectedLinkOn(state: DesiredState, a: string, ifA: string, b: string, ifB: string): string | undefined {
  return state.links.find((l) => (l.router_a === a && l.interface_a === ifA && l.router_b === b && l.interface_b === ifB)
    || (l.router_a === b && l.interface_a === ifB && l.router_b === a && l.interface_b === ifA))?.name;
}

function fromTopology(state: DesiredState, plan: PhysicalTopology): NetworkModel {
  const stackRouters = new Map(state.routers.map((r) => [r.name, r]));
  for (const r of state.routers) {
    const inLab = plan.routers.find((p) => p.name === r.name);
    if (!inLab) throw new GraphInputError(`srv6_router.${r.name}`, "name", r.name, `the topology file has no router named ${r.name}`);
    if (parseIpv6Prefix(inLab.locator).network !== parseIpv6Prefix(r.locator).network) {
      throw new GraphInputError(`srv6_router.${r.name}`, "locator", r.locator, `the topology file gives ${r.name} the locator ${inLab.locator}: is it the stack's topology?`);
    }
  }
  const routers = plan.routers.map((p) => ({ name: p.name, locator: stackRouters.get(p.name)?.locator ?? p.locator, managed: stackRouters.has(p.name) }));
  const links: PictureLink[] = plan.links.filter((l) => l.betweenRouters).map((l) => {
    const protectedBy = protectedLinkOn(state, l.a.node, l.a.ifname, l.b.node, l.b.ifname);
    return { id: protectedBy ?? `${l.a.node}:${l.a.ifname}-${l.b.node}:${l.b.ifname}`, a: l.a.node, b: l.b.node, interfaceA: l.a.ifname, interfaceB: l.b.ifname, metric: l.metric, protectedBy };
  });
  for (const pl of state.links) {
    if (!links.some((l) => l.protectedBy === pl.name)) {
      throw new GraphInputError(`srv6_protected_link.${pl.name}`, "interface_a", `${pl.router_a}:${pl.interface_a}`, `the topology file has no link ${pl.router_a}:${pl.interface_a} - ${pl.router_b}:${pl.interface_b}`);
    }
  }
  const addressOwner = new Map<string, string>();
  for (const l of plan.links) {
    addressOwner.set(canonical(l.a.address), l.a.node);
    addressOwner.set(canonical(l.b.address), l.b.node);
  }
  const hosts = plan.hosts.map((h) => ({ name: h.name, prefix: h.prefix, router: h.router }));
  return { source: "topology", routers, hosts, links, addressOwner };
}

function fromStack(state: DesiredState): NetworkModel {
  const routers = state.routers.map((r) => ({ name: r.name, locator: r.locator, managed: true }));
  const links: PictureLink[] = state.links.map((l) => ({ id: l.name, a: l.router_a, b: l.router_b, interfaceA: l.interface_a, interfaceB: l.interface_b, protectedBy: l.name }));
  const addressOwner = new Map<string, string>();
  for (const l of state.links) {
    addressOwner.set(canonical(l.peer_address_a), l.router_b);
    addressOwner.set(canonical(l.peer_address_b), l.router_a);
  }
  // Two End.X SIDs whose next hops share a /64 are the two ends of one link:
  // each router's address there is the other's next hop.
  const adj = state.routers.flatMap((r) => r.adjacency_sids.map((s) => ({ router: r.name, interface: s.interface, nexthop: parseIpv6(s.nexthop) })));
  const mask64 = prefixMask(64);
  for (const [i, x] of adj.entries()) {
    for (const y of adj.slice(i + 1)) {
      if (x.router === y.router || x.nexthop === y.nexthop || (x.nexthop & mask64) !== (y.nexthop & mask64)) continue;
      addressOwner.set(x.nexthop.toString(16), y.router);
      addressOwner.set(y.nexthop.toString(16), x.router);
      const known = links.some((l) => (l.a === x.router && l.interfaceA === x.interface) || (l.b === x.router && l.interfaceB === x.interface));
      if (!known) links.push({ id: `${x.router}:${x.interface}-${y.router}:${y.interface}`, a: x.router, b: y.router, interfaceA: x.interface, interfaceB: y.interface });
    }
  }
  // Protected prefixes become hosts only with a topology; the stack knows no owner.
  return { source: "stack", routers, hosts: [], links, addressOwner };
}

/** The router whose locator holds the address, if any. */
export function routerOfAddress(model: NetworkModel, address: string): string | undefined {
  const value = parseIpv6(address);
  return model.routers.find((r) => prefixContains(parseIpv6Prefix(r.locator), value))?.name;
}

export function addressOwner(model: NetworkModel, address: string): string | undefined {
  return model.addressOwner.get(canonical(address));
}
