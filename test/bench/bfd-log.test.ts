import { test } from "node:test";
import assert from "node:assert/strict";
import { downEvents, parseBfdStateChanges } from "../../bench/failover/frr/bfd-log";

// Lines as bfdd 8.4 writes them with `debug bfd peer` and `log timestamp precision 6`.
const LOG = [
  "2026/11/24 04:21:05.467128 BFD: [V98V0-MTWPF] something unrelated",
  "2026/11/24 04:21:08.388928 BFD: [J1C6V-VMRW5] state-change: [mhop:no peer:fe80::2 local:fe80::1 vrf:default ifname:eth1] init -> up",
  "2026/11/24 04:21:36.971901 BFD: [SEY1D-NT8EQ] state-change: [mhop:no peer:fe80::2 local:fe80::1 vrf:default ifname:eth1] up -> down reason:control-expired",
  "2026/11/24 04:21:37.000001 BFD: [SEY1D-NT8EQ] state-change: [mhop:no peer:fe80::3 local:fe80::1 vrf:default ifname:eth2] up -> down reason:neighbor-down",
  "2026/11/24 04:21:39.816124 BFD: [J1C6V-VMRW5] state-change: [mhop:no peer:fe80::2 local:fe80::1 vrf:default ifname:eth1] down -> up",
  "",
].join("\n");

test("parses every state change with interface, transition, reason and microsecond time", () => {
  const changes = parseBfdStateChanges(LOG);
  assert.equal(changes.length, 4);
  const down = changes[1]!;
  assert.equal(down.ifname, "eth1");
  assert.equal(down.peer, "fe80::2");
  assert.equal(down.local, "fe80::1", "the local address: with peer and interface it names the session");
  assert.equal(down.from, "up");
  assert.equal(down.to, "down");
  assert.equal(down.reason, "control-expired");
  // Local wall-clock time, as the daemons on this machine write it.
  const expectedMs = new Date(2026, 10, 24, 4, 21, 36).getTime();
  assert.equal(down.realtimeNs, BigInt(expectedMs) * 1_000_000n + 971_901_000n);
});

test("downEvents keeps only up -> down on the given interface", () => {
  const downs = downEvents(parseBfdStateChanges(LOG), "eth1");
  assert.equal(downs.length, 1);
  assert.equal(downs[0]!.reason, "control-expired");
  assert.equal(downEvents(parseBfdStateChanges(LOG), "eth9").length, 0);
});
