/**
 * A generated lab topology (examples/scale/generate.ts: N routers on a ring
 * with seeded chords, hosts behind a few routers) as a cdktf app: every
 * router-router link protected at the default 10 ms probes, every host
 * prefix protected by backup policies.
 *
 *   r1 -- r2 -- r3 -- ... -- rN -- r1    (+ chords)
 *   h1 behind r1, h2 behind r(1+N/hosts), ...
 *
 * Addresses come from the lab's own layout (lab/topology/addressing.ts), so
 * the declared links always match the lab built from the same file.
 *
 * Environment:
 *   SRV6_SCALE_TOPOLOGY  the topology file (default examples/scale/scale50.json, the committed 50-router one)
 *   SRV6_INVENTORY       the lab's inventory (connection settings); without it the lab's deterministic layout
 *   CDKTF_OUTDIR         where to synthesize (cdktf's own; default cdktf.out)
 * Synthesize: npx tsc -p tsconfig.json && (cd examples/scale && SRV6_SCALE_TOPOLOGY=/tmp/x.json node ../../dist/examples/scale/main.js)
 */
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { ProtectedNetwork, type Router } from "../../constructs";
import { labConnections } from "../../lab/connections";
import { loadTopology } from "../../lab/topology/load";
import { planLab } from "../../lab/topology/addressing";
import { PACKAGE_ROOT } from "../../provider/engine/router-scripts";

import { TOPOLOGY_ENV } from "./env";
export { TOPOLOGY_ENV };
export const DEFAULT_TOPOLOGY = join(PACKAGE_ROOT, "examples", "scale", "scale50.json");

export interface ScaleStackProps {
  /** Lab topology file. @default env SRV6_SCALE_TOPOLOGY, else examples/scale/scale50.json */
  readonly topologyFile?: string;
  /** Lab inventory file, or false for the lab's deterministic layout. @default env SRV6_INVENTORY, else the lab's own if up */
  readonly inventory?: string | false;
}

export class ScaleStack extends TerraformStack {
  readonly network: ProtectedNetwork;

  constructor(scope: Construct, id: string, props: ScaleStackProps = {}) {
    super(scope, id);
    const file = props.topologyFile ?? (process.env[TOPOLOGY_ENV] || DEFAULT_TOPOLOGY);
    // The lab's loader: a file the lab would refuse is refused here too, with the same field-level errors.
    const topology = loadTopology(file);
    const lab = planLab(topology);
    const ssh = labConnections({
      lab: lab.name,
      inventory: props.inventory,
      mgmtSubnet: lab.mgmtSubnet,
      routers: lab.routers.map((r) => ({ name: r.name, user: r.user })),
    });

    const net = new ProtectedNetwork(this, "scale");
    this.network = net;
    const routers = new Map<string, Router>();
    for (const r of lab.routers) {
      routers.set(r.name, net.addRouter(r.name, {
        ...ssh[r.name]!,
        locator: r.locator,
        prefixes: lab.hosts.filter((h) => h.router === r.name).map((h) => h.prefix),
      }));
    }
    for (const l of lab.links) {
      if (!l.betweenRouters) continue;
      net.addLink(`${l.a.node}-${l.b.node}`, {
        routerA: routers.get(l.a.node)!, interfaceA: l.a.ifname, addressA: l.a.address,
        routerB: routers.get(l.b.node)!, interfaceB: l.b.ifname, addressB: l.b.address,
        metric: l.metric,
      });
    }
    // A ring with chords has no bridges; should a hand-edited file have one, synth names it.
    net.protectAll();
  }
}

if (require.main === module) {
  const app = new App();
  new ScaleStack(app, "scale");
  app.synth();
}
