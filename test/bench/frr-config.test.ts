import { test } from "node:test";
import assert from "node:assert/strict";
import { renderFrrConfig, validateBfdTimers } from "../../bench/failover/frr/config";
import type { Inventory, InventoryRouter } from "../../lab/inventory";

function router(interfaces: InventoryRouter["interfaces"]): InventoryRouter {
  return {
    host: "198.18.0.11", port: 22, user: "root", sudo: false, privateKeyFile: "/k", knownHostsFile: "/kh",
    hostKeySha256: "SHA256:x", netns: "s6-t-r1", pid: 1, locator: "fc00:0:1::/48", loopback: "fc00:0:1::1", interfaces,
  };
}

const inv: Inventory = {
  lab: "t", stateDir: "/run/srv6-lab/t", privateKeyFile: "/k", knownHostsFile: "/kh",
  routers: {
    r1: router({
      eth1: { address: "fd00:0:0:1::1/64", peer: "r2", peerInterface: "eth1", peerAddress: "fd00:0:0:1::2", metric: 10 },
      eth2: { address: "fd00:0:0:3::1/64", peer: "r3", peerInterface: "eth1", peerAddress: "fd00:0:0:3::2", metric: 20 },
      eth3: { address: "2001:db8:1::1/64", peer: "h1", peerInterface: "eth0", peerAddress: "2001:db8:1::2", metric: 10 },
    }),
    r2: router({}),
    r3: router({}),
  },
  hosts: {}, links: [],
};

test("ospf6d: point-to-point adjacency with the topology metric and BFD on router links only", () => {
  const c = renderFrrConfig(inv, "r1", { intervalMs: 10, multiplier: 3 }, "/tmp/s6bn-frr");
  assert.match(c.ospf6d, /interface eth1\n ipv6 ospf6 area 0\n ipv6 ospf6 network point-to-point\n ipv6 ospf6 cost 10\n/);
  assert.match(c.ospf6d, /interface eth2\n[^!]* ipv6 ospf6 cost 20\n[^!]* ipv6 ospf6 bfd profile bench\n/);
  assert.doesNotMatch(c.ospf6d, /interface eth3/, "the host-facing interface is advertised, not an adjacency");
  assert.match(c.ospf6d, / redistribute connected\n/);
  assert.match(c.ospf6d, / timers throttle spf 0 0 0\n/);
  assert.match(c.ospf6d, / ospf6 router-id 10\.255\.0\.1\n/);
});

test("bfdd: the profile carries the timers; state changes are logged with microseconds", () => {
  const c = renderFrrConfig(inv, "r1", { intervalMs: 10, multiplier: 2 }, "/tmp/s6bn-frr");
  assert.match(c.bfdd, / profile bench\n  detect-multiplier 2\n  receive-interval 10\n  transmit-interval 10\n/);
  assert.match(c.bfdd, /^log file \/tmp\/s6bn-frr\/bfdd\.log debugging$/m);
  assert.match(c.bfdd, /^log timestamp precision 6$/m);
  assert.match(c.bfdd, /^debug bfd peer$/m);
});

test("timers bfdd would refuse are rejected with the field and the value", () => {
  assert.throws(() => validateBfdTimers({ intervalMs: 5, multiplier: 3 }), /intervalMs 5 .*10\.\.60000/);
  assert.throws(() => validateBfdTimers({ intervalMs: 10, multiplier: 1 }), /multiplier 1 .*2\.\.255/);
  assert.throws(() => validateBfdTimers({ intervalMs: 10.5, multiplier: 3 }), /intervalMs 10\.5/);
});

test("unknown router and unsafe directory are refused", () => {
  assert.throws(() => renderFrrConfig(inv, "r9", { intervalMs: 10, multiplier: 3 }, "/tmp/x"), /no router 'r9'/);
  assert.throws(() => renderFrrConfig(inv, "r1", { intervalMs: 10, multiplier: 3 }, "/tmp/a b"), /directory '\/tmp\/a b'/);
});
