/**
 * The lab's mesh (examples/lab/mesh.json) as a cdktf app: nine routers in a
 * 3x3 grid with two diagonals, a host prefix at each corner.
 *
 *   h1            h3
 *   r1 --10-- r2 --10-- r3
 *   |  \       |        |
 *   15   25    15       15
 *   |      \   |        |
 *   r4 --10-- r5 --10-- r6
 *   |          |  \     |
 *   15         15   25  15
 *   |          |      \ |
 *   r7 --10-- r8 --10-- r9
 *   h7                  h9
 *
 * Protected: the whole middle row and column (r4-r5, r5-r6, r2-r5, r5-r8),
 * plus r1-r2 and r8-r9 with faster probes.
 * Synthesize: npx tsc -p tsconfig.json && (cd examples/mesh && npx cdktf synth)
 */
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { ProtectedNetwork, type Link, type ProtectionMode, type Router } from "../../constructs";
import { labConnections } from "../../lab/connections";

/** Router-router links in the lab file's order: link k uses fd00:0:0:k::/64. */
const LINKS: readonly (readonly [string, string, string, string, number])[] = [
  ["r1", "eth1", "r2", "eth1", 10],
  ["r2", "eth2", "r3", "eth1", 10],
  ["r4", "eth1", "r5", "eth1", 10],
  ["r5", "eth2", "r6", "eth1", 10],
  ["r7", "eth1", "r8", "eth1", 10],
  ["r8", "eth2", "r9", "eth1", 10],
  ["r1", "eth2", "r4", "eth2", 15],
  ["r4", "eth3", "r7", "eth2", 15],
  ["r2", "eth3", "r5", "eth3", 15],
  ["r5", "eth4", "r8", "eth3", 15],
  ["r3", "eth2", "r6", "eth2", 15],
  ["r6", "eth3", "r9", "eth2", 15],
  ["r1", "eth3", "r5", "eth5", 25],
  ["r5", "eth6", "r9", "eth3", 25],
];

/** Host prefixes behind the corner routers. */
const PREFIXES: Readonly<Record<string, string>> = {
  r1: "2001:db8:1::/64",
  r3: "2001:db8:3::/64",
  r7: "2001:db8:7::/64",
  r9: "2001:db8:9::/64",
};

export interface LabStackProps {
  /**
   * Lab inventory file, or false for the lab's deterministic layout only.
   * @default env SRV6_INVENTORY, else /run/srv6-lab/mesh/inventory.json if present
   */
  readonly inventory?: string | false;
  /** @default "link" */
  readonly protection?: ProtectionMode;
  /** @default false */
  readonly allowPartialCoverage?: boolean;
  /**
   * Shared risk link groups by link name (`"r1-r2": ["duct-7"]`).
   * @default none
   */
  readonly srlgs?: Readonly<Record<string, readonly string[]>>;
}

export class MeshStack extends TerraformStack {
  readonly network: ProtectedNetwork;

  constructor(scope: Construct, id: string, props: LabStackProps = {}) {
    super(scope, id);
    const names = ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"];
    const ssh = labConnections({
      lab: "mesh",
      inventory: props.inventory,
      mgmtSubnet: "198.18.1.0/24",
      routers: names.map((name) => ({ name, user: name === "r5" ? "srv6ops" : undefined })),
    });
    const net = new ProtectedNetwork(this, "mesh", { protection: props.protection, allowPartialCoverage: props.allowPartialCoverage });
    this.network = net;

    const routers = new Map<string, Router>();
    names.forEach((name, i) => {
      const prefix = PREFIXES[name];
      routers.set(name, net.addRouter(name, {
        ...ssh[name]!,
        locator: `fc00:0:${i + 1}::/48`,
        prefixes: prefix === undefined ? [] : [prefix],
      }));
    });

    const links = new Map<string, Link>(LINKS.map(([a, ifa, b, ifb, metric], i) => {
      const k = (i + 1).toString(16);
      return [`${a}-${b}`, net.addLink(`${a}-${b}`, {
        routerA: routers.get(a)!, interfaceA: ifa, addressA: `fd00:0:0:${k}::1`,
        routerB: routers.get(b)!, interfaceB: ifb, addressB: `fd00:0:0:${k}::2`,
        metric,
        srlgs: [...(props.srlgs?.[`${a}-${b}`] ?? [])],
      })] as const;
    }));

    net.protect(["r4-r5", "r5-r6", "r2-r5", "r5-r8"].map((name) => links.get(name)!));
    net.protect([links.get("r1-r2")!, links.get("r8-r9")!], { probeIntervalMs: 5, multiplier: 4 });
  }
}

if (require.main === module) {
  const app = new App();
  new MeshStack(app, "mesh");
  app.synth();
}
