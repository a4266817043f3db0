/** Square r1-r2-r3-r4 with r5 behind r2 only (r2 is a cut vertex for r5), r1-r2 protected: node protection's test network. */
import type { TerraformStack } from "cdktf";
import { ProtectedNetwork, type ProtectedNetworkProps } from "../../../constructs";

export function squareWithTail(stack: TerraformStack, props: ProtectedNetworkProps): ProtectedNetwork {
  const net = new ProtectedNetwork(stack, "net", props);
  const r = [1, 2, 3, 4, 5].map((i) => net.addRouter(`r${i}`, { host: `192.0.2.${i}`, locator: `fc00:0:${i}::/48`, prefixes: [`2001:db8:${i}::/64`] }));
  const link = (a: number, b: number, k: number, metric = 10) => net.addLink(`r${a}-r${b}`, {
    routerA: r[a - 1]!, interfaceA: `eth${k}a`, addressA: `fd00:0:0:${k}::1`, routerB: r[b - 1]!, interfaceB: `eth${k}b`, addressB: `fd00:0:0:${k}::2`, metric,
  });
  net.protect(link(1, 2, 1));
  link(2, 3, 2);
  link(3, 4, 3, 15);
  link(4, 1, 4, 15);
  link(2, 5, 5);
  return net;
}
