/**
 * The FIB walk on hand-made forwarding tables: a backup that avoids its link
 * on every branch is clean; one whose node segment is routed (on one
 * equal-cost branch, or by a changed metric) over the protected link is
 * reported with the router, segment and next hop; a missing route is a problem.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { desiredSids, walkBackup, type RouterFib } from "../../provider/engine/fib-walk";
import type { KernelRoute } from "../../provider/observe/routes";

// r1 -- r2 protected (eth1 both ends); r1 -eth2- r3 -eth2- r4 -eth2- r2. Addresses fd00:N::R on link N.
const link = { name: "r1-r2", router_a: "r1", interface_a: "eth1", router_b: "r2", interface_b: "eth1" };
const R3_NODE = "fc00:0:3::";
const R2_DECAP = "fc00:0:2::d6";
const via = (gateway: string, dev: string): KernelRoute => ({ dst: "x", type: "unicast", gateway, dev, protocol: "static", flags: [], encap: { type: "none" } });
const ecmp = (...hops: [string, string][]): KernelRoute => ({ dst: "x", type: "unicast", protocol: "static", flags: [], encap: { type: "none" }, nexthops: hops.map(([gateway, dev]) => ({ gateway, dev, flags: [], encap: { type: "none" } })) });
const sid = (action: string, extra: { nh6?: string; dev?: string } = {}): KernelRoute => ({ dst: "x", type: "unicast", protocol: "214", flags: [], dev: extra.dev ?? "eth2", encap: { type: "seg6local", action, ...(extra.nh6 ? { nh6: extra.nh6 } : {}) } });

function fibs(r1ToR3: KernelRoute, r3ToR2: KernelRoute = via("fd00:3::4", "eth2")): Map<string, RouterFib> {
  const fib = (router: string, lookup: [string, KernelRoute[] | "local"][], addrs: [string, string][]): [string, RouterFib] =>
    [router, { router, sids: new Map(), lookup: new Map(lookup), addresses: new Map(addrs) }];
  return new Map([
    fib("r1", [[R3_NODE, [r1ToR3]], [R2_DECAP, [via("fd00:1::2", "eth1")]]], [["fd00:1::1", "eth1"], ["fd00:2::1", "eth2"]]),
    fib("r2", [[R3_NODE, [via("fd00:1::1", "eth1")]], [R2_DECAP, [sid("End.DT6")]]], [["fd00:1::2", "eth1"], ["fd00:4::2", "eth2"]]),
    fib("r3", [[R3_NODE, [sid("End")]], [R2_DECAP, [r3ToR2]]], [["fd00:2::3", "eth1"], ["fd00:3::3", "eth2"]]),
    fib("r4", [[R3_NODE, [via("fd00:3::3", "eth1")]], [R2_DECAP, [via("fd00:4::2", "eth2")]]], [["fd00:3::4", "eth1"], ["fd00:4::4", "eth2"]]),
  ]);
}
const policy = { name: "r1_to_r2", router: "r1", link: "r1-r2", segments: [R3_NODE, R2_DECAP] };

test("fib walk: a backup that avoids its link on every hop is clean", () => {
  const w = walkBackup(policy, link, fibs(via("fd00:2::3", "eth2")));
  assert.deepEqual([w.crossings, w.problems], [[], []]);
});

test("fib walk: an equal-cost branch over the protected link is reported with router, segment and next hop", () => {
  const w = walkBackup(policy, link, fibs(ecmp(["fd00:2::3", "eth2"], ["fd00:1::2", "eth1"])));
  assert.deepEqual(w.crossings, [{ router: "r1", segmentIndex: 0, segment: R3_NODE, nexthop: "fd00:1::2", dev: "eth1" }]);
});

test("fib walk: a transit router whose changed route sends the last segment back over the link (reverse direction) is reported", () => {
  // r3 now reaches r2's decap SID via r1, and r1 sends it over r1-r2.
  const w = walkBackup(policy, link, fibs(via("fd00:2::3", "eth2"), via("fd00:2::1", "eth1")));
  assert.deepEqual(w.crossings.map((c) => [c.router, c.segmentIndex, c.dev]), [["r1", 1, "eth1"]]);
});

test("fib walk: no route to a segment, and an End.X that leaves over the link, are reported", () => {
  const broken = fibs(via("fd00:2::3", "eth2"));
  (broken.get("r3")!.lookup as Map<string, KernelRoute[]>).delete(R2_DECAP);
  assert.match(walkBackup(policy, link, broken).problems.join(), /r3 has no route to segment 2/);
  const adj = "fc00:0:1:e001::";
  const viaAdj = fibs(via("fd00:2::3", "eth2"));
  (viaAdj.get("r1")!.lookup as Map<string, KernelRoute[]>).set(adj, [sid("End.X", { nh6: "fd00:1::2", dev: "eth1" })]);
  const w = walkBackup({ ...policy, segments: [adj, R2_DECAP] }, link, viaAdj);
  assert.deepEqual(w.crossings.map((c) => [c.router, c.segment, c.nexthop]), [["r1", adj, "fd00:1::2"]]);
});

test("fib walk: before the first apply, the routers' SIDs come from the desired state, not the FIB", () => {
  const fresh = fibs(via("fd00:2::3", "eth2"));
  (fresh.get("r3")!.lookup as Map<string, KernelRoute[]>).delete(R3_NODE);
  (fresh.get("r2")!.lookup as Map<string, KernelRoute[]>).delete(R2_DECAP);
  assert.match(walkBackup(policy, link, fresh).problems.join(), /no route/, "the bare FIB has no SID routes yet");
  const sids = desiredSids(
    [{ name: "r3", node_sid: R3_NODE, decap_sid: "fc00:0:3::d6" }, { name: "r2", node_sid: "fc00:0:2::", decap_sid: R2_DECAP }],
    [{ ...link, return_sid_a: "fc00:0:2:e001::", return_sid_b: "fc00:0:1:e001::", peer_address_a: "fd00:1::2", peer_address_b: "fd00:1::1" }],
  );
  const withSids = new Map([...fresh].map(([r, f]) => [r, { ...f, sids: sids.get(r) ?? new Map() }]));
  const w = walkBackup(policy, link, withSids);
  assert.deepEqual([w.crossings, w.problems], [[], []]);
});

test("fib walk: an IGP's link-local next hops name the neighbour; one that two routers hold is reported, not guessed", () => {
  // OSPFv3 routes via the neighbour's fe80:: address on the link.
  const ll = fibs(via("fe80::3", "eth2"), via("fe80::4", "eth2"));
  (ll.get("r3")!.addresses as Map<string, string>).set("fe80::3", "eth1");
  (ll.get("r4")!.addresses as Map<string, string>).set("fe80::4", "eth1");
  assert.deepEqual([walkBackup(policy, link, ll).crossings, walkBackup(policy, link, ll).problems], [[], []]);
  (ll.get("r2")!.addresses as Map<string, string>).set("fe80::3", "eth2");
  assert.match(walkBackup(policy, link, ll).problems.join(), /r1: next hop fe80::3 \(dev eth2\) for segment 1 is an address several observed routers hold/);
});
