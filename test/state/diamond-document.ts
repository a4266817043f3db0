/**
 * A valid synthesized stack (the shape `cdktf synth` writes to
 * cdktf.out/stacks/<name>/cdk.tf.json) for the diamond lab, with cdktf-style
 * references between resources. Tests take a fresh copy and break one thing.
 *
 *        eth1  l12  eth1
 *   h1 - r1 ---------- r2
 *        | eth2     eth2 |
 *        r3 ---------- r4 - h2
 */
export function diamondDocument(): any {
  const router = (n: number, extra: Record<string, unknown> = {}) => ({
    "//": { metadata: { path: `diamond/r${n}/router`, uniqueId: `r${n}_router_ABC${n}` } },
    name: `r${n}`,
    host: `198.18.0.${n + 10}`,
    locator: `fc00:0:${n}::/48`,
    node_sid: `fc00:0:${n}:e::`,
    decap_sid: `fc00:0:${n}:d6::`,
    ...extra,
  });
  return {
    "//": { metadata: { backend: "local", stackName: "diamond", version: "0.21.0" }, outputs: {} },
    provider: { srv6: [{ parallelism: 8 }] },
    resource: {
      srv6_router: {
        r1: router(1, { adjacency_sids: [{ sid: "fc00:0:1:e1::", interface: "eth1", nexthop: "fd00:0:0:1::2" }] }),
        r2: router(2, { adjacency_sids: [{ sid: "fc00:0:2:e1::", interface: "eth1", nexthop: "fd00:0:0:1::1" }] }),
        r3: router(3),
        r4: router(4, { user: "srv6ops", port: 22 }),
      },
      srv6_protected_link: {
        l12: {
          "//": { metadata: { path: "diamond/l12", uniqueId: "l12" } },
          name: "l12",
          router_a: "${srv6_router.r1.name}",
          interface_a: "eth1",
          peer_address_a: "fd00:0:0:1::2",
          monitor_sid_a: "fc00:0:1:b1::",
          return_sid_a: "${srv6_router.r2.adjacency_sids[0].sid}",
          router_b: "${srv6_router.r2.name}",
          interface_b: "eth1",
          peer_address_b: "fd00:0:0:1::1",
          monitor_sid_b: "fc00:0:2:b1::",
          return_sid_b: "fc00:0:1:e1::",
          probe_interval_ms: 1,
          multiplier: 3,
          depends_on: ["srv6_router.r1", "srv6_router.r2"],
        },
      },
      srv6_backup_policy: {
        p1: {
          name: "r1-to-h2",
          router: "${srv6_router.r1.name}",
          link: "${srv6_protected_link.l12.name}",
          destination: "${srv6_router.r4.name}",
          prefixes: ["2001:db8:2::/64"],
          segments: ["${srv6_router.r3.node_sid}", "${srv6_router.r4.decap_sid}"],
        },
        p2: {
          name: "r2-to-h1",
          router: "r2",
          link: "l12",
          prefixes: ["2001:db8:1::/64"],
          segments: ["fc00:0:4:e::", "fc00:0:3:e::", "fc00:0:1:d6::"],
        },
      },
    },
    terraform: { required_providers: { srv6: { source: "srv6-protect/srv6" } } },
  };
}
