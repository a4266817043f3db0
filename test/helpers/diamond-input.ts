/** r1's renderer input on a hand-written diamond (r1 ==r1_r2== r2, r3, r4), for tests without a router. */
import type { DataplaneInput } from "../../provider/dataplane/types";

export function diamondInput(opts: { intervalMs?: number; withPolicy?: boolean } = {}): DataplaneInput {
  const router = (n: number) => ({ name: `r${n}`, host: `198.18.0.1${n}`, locator: `fc00:0:${n}::/48`, node_sid: `fc00:0:${n}:1::`, decap_sid: `fc00:0:${n}:2::` });
  return {
    router: "r1",
    routers: [1, 2, 3, 4].map(router),
    links: [{
      name: "r1_r2",
      router_a: "r1", interface_a: "eth1", peer_address_a: "fd00:0:0:1::2", monitor_sid_a: "fc00:0:1:2001::", return_sid_a: "fc00:0:2:1001::",
      router_b: "r2", interface_b: "eth1", peer_address_b: "fd00:0:0:1::1", monitor_sid_b: "fc00:0:2:2001::", return_sid_b: "fc00:0:1:1001::",
      probe_interval_ms: opts.intervalMs ?? 1, multiplier: 3, hold_down_ms: 500,
    }],
    policies: opts.withPolicy === false ? [] : [{ name: "r1_to_h2", router: "r1", link: "r1_r2", prefixes: ["2001:db8:2::/64"], segments: ["fc00:0:3:1::", "fc00:0:4:2::"] }],
    facts: { ifindex: { lo: 1, eth1: 3, eth2: 4 }, systemd: false },
  };
}
