/**
 * The lab's diamond (examples/lab/diamond.json) as a cdktf app.
 *
 *          h1 (2001:db8:1::/64)
 *          |
 *          r1
 *   metric 10 \      / metric 20
 *   fd00:0:0:1::  r2  r3  fd00:0:0:3::
 *   metric 10  \      / metric 20
 *   fd00:0:0:2::  r4  fd00:0:0:4::
 *          |
 *          h2 (2001:db8:2::/64)
 *
 * h1 <-> h2 normally crosses r1-r2-r4. Protecting r1-r2 gives r1 a backup
 * for h2's prefix (via r3) and r2 a backup for h1's prefix (via r4, r3).
 *
 * Connection settings come from the lab inventory (env SRV6_INVENTORY, or
 * /run/srv6-lab/diamond/inventory.json, or the lab's deterministic layout).
 * Synthesize: npx tsc -p tsconfig.json && (cd examples/diamond && npx cdktf synth)
 */
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { ProtectedNetwork } from "../../constructs";
import { labConnections } from "../../lab/connections";

export interface LabStackProps {
  /**
   * Lab inventory file, or false for the lab's deterministic layout only.
   * @default env SRV6_INVENTORY, else /run/srv6-lab/diamond/inventory.json if present
   */
  readonly inventory?: string | false;
  /** @default 10 */
  readonly probeIntervalMs?: number;
  /** @default 3 */
  readonly multiplier?: number;
  /** @default 1000 */
  readonly holdDownMs?: number;
  /** Backup probes' interval; 0 turns them off. @default the provider's (1000) */
  readonly backupProbeIntervalMs?: number;
  /**
   * More prefixes behind r4, beside h2's: `extraPrefixesBehindR4(n)`, the
   * /64s of 2001:db8:100::/48 and up (the prefix-scale benchmark and test).
   * @default 0
   */
  readonly extraPrefixesBehindR4?: number;
}

/** The first `count` /64s from 2001:db8:100::/64 on: a routing table's worth of prefixes behind one router. */
export function extraPrefixesBehindR4(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `2001:db8:${(0x100 + Math.floor(i / 0x10000)).toString(16)}:${(i % 0x10000).toString(16)}::/64`);
}

export class DiamondStack extends TerraformStack {
  readonly network: ProtectedNetwork;

  constructor(scope: Construct, id: string, props: LabStackProps = {}) {
    super(scope, id);
    const ssh = labConnections({
      lab: "diamond",
      inventory: props.inventory,
      mgmtSubnet: "198.18.0.0/24",
      routers: [{ name: "r1" }, { name: "r2" }, { name: "r3" }, { name: "r4", user: "srv6ops" }],
    });
    const net = new ProtectedNetwork(this, "diamond", {
      probeIntervalMs: props.probeIntervalMs, multiplier: props.multiplier, holdDownMs: props.holdDownMs, backupProbeIntervalMs: props.backupProbeIntervalMs,
    });
    this.network = net;

    const r1 = net.addRouter("r1", { ...ssh.r1!, locator: "fc00:0:1::/48", prefixes: ["2001:db8:1::/64"] });
    const r2 = net.addRouter("r2", { ...ssh.r2!, locator: "fc00:0:2::/48" });
    const r3 = net.addRouter("r3", { ...ssh.r3!, locator: "fc00:0:3::/48" });
    const r4 = net.addRouter("r4", { ...ssh.r4!, locator: "fc00:0:4::/48", prefixes: ["2001:db8:2::/64", ...extraPrefixesBehindR4(props.extraPrefixesBehindR4 ?? 0)] });

    // Declaration order = the lab's link order (link k is fd00:0:0:k::/64).
    const r1r2 = net.addLink("r1-r2", { routerA: r1, interfaceA: "eth1", addressA: "fd00:0:0:1::1", routerB: r2, interfaceB: "eth1", addressB: "fd00:0:0:1::2", metric: 10 });
    net.addLink("r2-r4", { routerA: r2, interfaceA: "eth2", addressA: "fd00:0:0:2::1", routerB: r4, interfaceB: "eth1", addressB: "fd00:0:0:2::2", metric: 10 });
    net.addLink("r1-r3", { routerA: r1, interfaceA: "eth2", addressA: "fd00:0:0:3::1", routerB: r3, interfaceB: "eth1", addressB: "fd00:0:0:3::2", metric: 20 });
    net.addLink("r3-r4", { routerA: r3, interfaceA: "eth2", addressA: "fd00:0:0:4::1", routerB: r4, interfaceB: "eth2", addressB: "fd00:0:0:4::2", metric: 20 });

    net.protect(r1r2);
  }
}

if (require.main === module) {
  const app = new App();
  new DiamondStack(app, "diamond");
  app.synth();
}
