/**
 * The lab topology file: JSON, in the spirit of containerlab's clab.yml.
 * Documented for users in docs/lab.md.
 */
import type { JSONSchemaType } from "ajv";

export interface TopologyFile {
  name: string;
  description?: string;
  mgmtSubnet?: string;
  routing?: LabRouting;
  nodes: Record<string, TopologyNode>;
  links: TopologyLink[];
}

/**
 * How the lab's routers route between each other: `static`, kernel routes
 * over every equal-cost next hop (what a converged IGP installs); `ospf6`,
 * FRR's OSPFv3 on every router link, so the routing is a real IGP's.
 */
export type LabRouting = "static" | "ospf6";
export const LAB_ROUTINGS: readonly LabRouting[] = ["static", "ospf6"];

/** A node of a topology file (`nodes.<name>`). */
export interface TopologyNode {
  kind: "router" | "host";
  locator?: string;
  user?: string;
  prefix?: string;
}

/** A link of a topology file (`links[i]`). */
export interface TopologyLink {
  endpoints: [string, string];
  metric?: number;
}

/** Lab names end up in interface names (15 bytes at most), hence the short limit. */
export const LAB_NAME_PATTERN = "^[a-z][a-z0-9]{0,7}$";
export const NODE_NAME_PATTERN = "^[a-z][a-z0-9]{0,14}$";
/** node:interface; the interface as Linux names it (15 bytes, e.g. eth1, br-core, eth1.100), see model/schema.ts IFNAME_PATTERN. */
export const ENDPOINT_PATTERN = "^[a-z][a-z0-9]{0,14}:[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$";

export const topologySchema: JSONSchemaType<TopologyFile> = {
  $id: "srv6-lab-topology",
  type: "object",
  description: "A network of Linux routers and hosts built from network namespaces on this machine.",
  additionalProperties: false,
  required: ["name", "nodes", "links"],
  properties: {
    name: { type: "string", pattern: LAB_NAME_PATTERN, description: "Lab name: 1 to 8 lower-case letters or digits, starting with a letter. Prefixes every namespace (s6-<name>-<node>)." },
    description: { type: "string", nullable: true, maxLength: 1000, description: "Free text shown by `srv6 lab status`." },
    mgmtSubnet: { type: "string", nullable: true, pattern: "^198\\.1[89]\\.[0-9]{1,3}\\.0/24$", description: "IPv4 /24 for management (inside 198.18.0.0/15, the benchmarking range). Default 198.18.0.0/24. The root namespace takes .1, the i-th router .(10+i)." },
    routing: { type: "string", nullable: true, enum: ["static", "ospf6"], description: "Base routing between routers. static (default): kernel routes over every equal-cost next hop (ECMP), as a converged IGP installs them; ospf6: FRR's zebra and ospf6d on every router, OSPFv3 point-to-point on every router link with the link's metric as cost, each router's locator and host subnets advertised as intra-area prefixes." },
    nodes: {
      type: "object",
      description: "Nodes by name.",
      propertyNames: { pattern: NODE_NAME_PATTERN },
      minProperties: 1,
      required: [],
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["kind"],
        properties: {
          kind: { type: "string", enum: ["router", "host"], description: "router: netns with sshd, forwarding and SRv6; host: an end system." },
          locator: { type: "string", nullable: true, pattern: "^[0-9a-fA-F:]+/[0-9]{1,3}$", description: "Router only, required: SRv6 locator prefix (16 to 64 bits); its ::1 is the loopback." },
          user: { type: "string", nullable: true, enum: ["root", "srv6ops"], description: "Router only: SSH login user. srv6ops has password-less sudo. Default root." },
          prefix: { type: "string", nullable: true, pattern: "^[0-9a-fA-F:]+/64$", description: "Host only, required: the host's /64; the router side takes ::1, the host ::2." },
        },
      },
    },
    links: {
      type: "array",
      description: "Point-to-point links (veth pairs).",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["endpoints"],
        properties: {
          endpoints: {
            type: "array",
            minItems: 2,
            maxItems: 2,
            items: [
              { type: "string", pattern: ENDPOINT_PATTERN, description: "node:interface" },
              { type: "string", pattern: ENDPOINT_PATTERN, description: "node:interface" },
            ],
            description: "The two ends as node:interface.",
          },
          metric: { type: "integer", nullable: true, minimum: 1, maximum: 65535, description: "IGP cost of the link, both directions. Default 10." },
        },
      },
    },
  },
};
