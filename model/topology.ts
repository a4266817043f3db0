/**
 * The physical network as a picture or a check needs it: routers with their
 * locators, hosts, and every link with its two ends and metric. The lab's
 * plan (lab/topology/addressing.ts) is one; a real network's inventory
 * could be another.
 */
export interface TopologyEnd {
  readonly node: string;
  readonly ifname: string;
  /** This end's address on the link. */
  readonly address: string;
}

export interface TopologyLink {
  readonly a: TopologyEnd;
  readonly b: TopologyEnd;
  readonly metric: number;
  /** False for a host's access link. */
  readonly betweenRouters: boolean;
}

export interface PhysicalTopology {
  readonly routers: readonly { readonly name: string; readonly locator: string }[];
  readonly hosts: readonly { readonly name: string; readonly prefix: string; readonly router: string }[];
  readonly links: readonly TopologyLink[];
}
