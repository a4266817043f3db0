/**
 * Turns a validated topology into concrete names and addresses. Deterministic,
 * so that the example cdktf apps can declare the same addresses:
 * - the k-th router-router link (1-based, file order) is fd00:0:0:k::/64,
 *   its first endpoint ::1 and its second ::2;
 * - a host link uses the host's /64: router side ::1, host ::2;
 * - the i-th router (1-based, nodes order) is <mgmtSubnet>.(10+i); the root
 *   namespace is .1 on the lab's management bridge;
 * - a router's loopback is its locator ::1.
 */
import type { LabRouting, TopologyFile } from "./schema";
import type { TopologyLink } from "../../model/topology";
import { loopbackAddress } from "../../model/sid-layout";
import { addressInPrefix, formatIpv6, parseIpv6Prefix, subnet, formatPrefix } from "../../model/ipv6";
import { bridgeName, mgmtVethName, netnsName } from "../system/names";

export const DEFAULT_MGMT_SUBNET = "198.18.0.0/24";
export const DEFAULT_METRIC = 10;
const LINK_PREFIX = parseIpv6Prefix("fd00::/48");

export interface PlannedInterface {
  readonly name: string;
  /** With /64. */
  readonly address: string;
  readonly peer: string;
  readonly peerInterface: string;
  readonly peerAddress: string;
  readonly metric: number;
  readonly subnet: string;
  /** True when the other end is a host. */
  readonly toHost: boolean;
}

export interface PlannedRouter {
  readonly name: string;
  readonly netns: string;
  readonly index: number;
  readonly mgmtAddress: string;
  readonly mgmtVeth: string;
  readonly locator: string;
  readonly loopback: string;
  readonly user: "root" | "srv6ops";
  readonly interfaces: PlannedInterface[];
}

export interface PlannedHost {
  readonly name: string;
  readonly netns: string;
  readonly interface: string;
  readonly address: string;
  readonly prefix: string;
  readonly router: string;
  readonly routerInterface: string;
  readonly gateway: string;
}

export interface PlannedLink extends TopologyLink {
  readonly subnet: string;
}

export interface LabPlan {
  readonly name: string;
  readonly description?: string;
  readonly mgmtSubnet: string;
  readonly mgmtGateway: string;
  readonly bridge: string;
  /** Plans written before routing was a choice routed statically. */
  readonly routing?: LabRouting;
  readonly routers: PlannedRouter[];
  readonly hosts: PlannedHost[];
  readonly links: PlannedLink[];
}

/** The i-th router's (1-based, nodes order) management address: <mgmtSubnet>.(10+i). */
export function mgmtAddress(mgmtSubnet: string, routerIndex: number): string {
  return `${mgmtSubnet.split("/")[0]!.split(".").slice(0, 3).join(".")}.${10 + routerIndex}`;
}

export function planLab(topo: TopologyFile, overrides: { name?: string; mgmtSubnet?: string; routing?: LabRouting } = {}): LabPlan {
  const name = overrides.name ?? topo.name;
  const mgmtSubnet = overrides.mgmtSubnet ?? topo.mgmtSubnet ?? DEFAULT_MGMT_SUBNET;
  const mgmtBase = mgmtSubnet.split("/")[0]!.split(".").slice(0, 3).join(".");
  const routers: PlannedRouter[] = [];
  const hosts: PlannedHost[] = [];
  const links: PlannedLink[] = [];

  let routerIndex = 0;
  for (const [nodeName, spec] of Object.entries(topo.nodes)) {
    if (spec.kind !== "router") continue;
    routerIndex++;
    const locator = parseIpv6Prefix(spec.locator!);
    routers.push({
      name: nodeName,
      netns: netnsName(name, nodeName),
      index: routerIndex,
      mgmtAddress: mgmtAddress(mgmtSubnet, routerIndex),
      mgmtVeth: mgmtVethName(name, routerIndex),
      locator: formatPrefix(locator),
      loopback: loopbackAddress(locator),
      user: spec.user === "srv6ops" ? "srv6ops" : "root",
      interfaces: [],
    });
  }
  const routerByName = new Map(routers.map((r) => [r.name, r]));

  let linkNumber = 0;
  for (const link of topo.links) {
    const [[an, ai], [bn, bi]] = link.endpoints.map((e) => e.split(":") as [string, string]) as [[string, string], [string, string]];
    const aSpec = topo.nodes[an]!;
    const bSpec = topo.nodes[bn]!;
    const metric = link.metric ?? DEFAULT_METRIC;
    if (aSpec.kind === "router" && bSpec.kind === "router") {
      linkNumber++;
      const net = subnet(LINK_PREFIX, 64, BigInt(linkNumber));
      const aAddr = formatIpv6(addressInPrefix(net, 1n));
      const bAddr = formatIpv6(addressInPrefix(net, 2n));
      const sub = formatPrefix(net);
      routerByName.get(an)!.interfaces.push({ name: ai, address: `${aAddr}/64`, peer: bn, peerInterface: bi, peerAddress: bAddr, metric, subnet: sub, toHost: false });
      routerByName.get(bn)!.interfaces.push({ name: bi, address: `${bAddr}/64`, peer: an, peerInterface: ai, peerAddress: aAddr, metric, subnet: sub, toHost: false });
      links.push({ a: { node: an, ifname: ai, address: aAddr }, b: { node: bn, ifname: bi, address: bAddr }, metric, subnet: sub, betweenRouters: true });
    } else {
      const [host, hostIf, router, routerIf] = aSpec.kind === "host" ? [an, ai, bn, bi] : [bn, bi, an, ai];
      const net = parseIpv6Prefix(topo.nodes[host]!.prefix!);
      const gateway = formatIpv6(addressInPrefix(net, 1n));
      const hostAddr = formatIpv6(addressInPrefix(net, 2n));
      routerByName.get(router)!.interfaces.push({ name: routerIf, address: `${gateway}/64`, peer: host, peerInterface: hostIf, peerAddress: hostAddr, metric, subnet: formatPrefix(net), toHost: true });
      hosts.push({ name: host, netns: netnsName(name, host), interface: hostIf, address: hostAddr, prefix: formatPrefix(net), router, routerInterface: routerIf, gateway });
      links.push({ a: { node: an, ifname: ai, address: an === host ? hostAddr : gateway }, b: { node: bn, ifname: bi, address: bn === host ? hostAddr : gateway }, metric, subnet: formatPrefix(net), betweenRouters: false });
    }
  }
  return { name, description: topo.description, mgmtSubnet, mgmtGateway: `${mgmtBase}.1`, bridge: bridgeName(name), routing: overrides.routing ?? topo.routing ?? "static", routers, hosts, links };
}
