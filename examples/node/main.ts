/**
 * The lab's node topology (examples/lab/node.json) as a cdktf app: node
 * protection, where link protection is not enough.
 *
 *   h1 - r1 --10-- r2 --10-- r3 - h3
 *         \         |         /
 *          16       5        15
 *           \       |       /
 *            r4 ---15--- r5
 *
 * h1 <-> h3 crosses r1-r2-r3. Around the link r1-r2 alone, r1's cheapest way
 * to r3 is r1-r4-r2-r3, through r2 again: if r2 itself dies (a crash, its
 * links staying up through a switch), that backup dies with it. With
 * `protection: "node"` r1's backup avoids r2 altogether (r1-r4-r5-r3), and so
 * does r3's for the reverse direction (r3-r5-r4-r1).
 *
 * Connection settings come from the lab inventory (env SRV6_INVENTORY, or
 * /run/srv6-lab/node/inventory.json, or the lab's deterministic layout).
 */
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { ProtectedNetwork, type ProtectionMode } from "../../constructs";
import { labConnections } from "../../lab/connections";

export interface NodeStackProps {
  /**
   * Lab inventory file, or false for the lab's deterministic layout only.
   * @default env SRV6_INVENTORY, else /run/srv6-lab/node/inventory.json if present
   */
  readonly inventory?: string | false;
  /** @default "node" */
  readonly protection?: ProtectionMode;
  /** @default 1 (a dead r2 shows within a few milliseconds at r1 and r3) */
  readonly probeIntervalMs?: number;
  /** @default 3 */
  readonly multiplier?: number;
  /** @default 300 */
  readonly holdDownMs?: number;
  /**
   * Shared risk link groups by link name (`"r1-r2": ["duct-7"]`).
   * @default none
   */
  readonly srlgs?: Readonly<Record<string, readonly string[]>>;
}

export class NodeStack extends TerraformStack {
  readonly network: ProtectedNetwork;

  constructor(scope: Construct, id: string, props: NodeStackProps = {}) {
    super(scope, id);
    const names = ["r1", "r2", "r3", "r4", "r5"];
    const ssh = labConnections({ lab: "node", inventory: props.inventory, mgmtSubnet: "198.18.3.0/24", routers: names.map((name) => ({ name })) });
    const net = new ProtectedNetwork(this, "node", {
      protection: props.protection ?? "node", probeIntervalMs: props.probeIntervalMs ?? 1, multiplier: props.multiplier ?? 3, holdDownMs: props.holdDownMs ?? 300,
    });
    this.network = net;
    const prefixes: Record<string, string[]> = { r1: ["2001:db8:1::/64"], r3: ["2001:db8:3::/64"] };
    const r = Object.fromEntries(names.map((n, i) => [n, net.addRouter(n, { ...ssh[n]!, locator: `fc00:0:${i + 1}::/48`, prefixes: prefixes[n] ?? [] })]));

    // Declaration order = the lab's link order (link k is fd00:0:0:k::/64).
    const link = (k: number, a: string, ifa: string, b: string, ifb: string, metric: number) => net.addLink(`${a}-${b}`, {
      routerA: r[a]!, interfaceA: ifa, addressA: `fd00:0:0:${k}::1`, routerB: r[b]!, interfaceB: ifb, addressB: `fd00:0:0:${k}::2`, metric,
      srlgs: [...(props.srlgs?.[`${a}-${b}`] ?? [])],
    });
    const r1r2 = link(1, "r1", "eth1", "r2", "eth1", 10);
    const r2r3 = link(2, "r2", "eth2", "r3", "eth1", 10);
    link(3, "r1", "eth2", "r4", "eth1", 16);
    link(4, "r4", "eth2", "r5", "eth1", 15);
    link(5, "r5", "eth2", "r3", "eth2", 15);
    link(6, "r2", "eth3", "r4", "eth3", 5);
    net.protect([r1r2, r2r3]);
  }
}

if (require.main === module) {
  const app = new App();
  new NodeStack(app, "node");
  app.synth();
}
