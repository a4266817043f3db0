/**
 * The way home of a backup probe mirrors the way out (probe-return.ts): it
 * must never depend on the routers' ordinary routes back, which in the
 * diamond cross the protected link whose backup the probe proves.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mirroredHome, segmentSteps } from "../../provider/dataplane/probe-return";
import { renderDataplane } from "../../provider/dataplane/render";
import { diamondInput } from "../helpers/diamond-input";
import { bundleFor } from "../../provider/engine/bundle";

const input = diamondInput();
const steps = segmentSteps(input.routers, input.links);
const home = (router: string) => [`fc00:0:${router.slice(1)}:2001::`, `fc00:0:${router.slice(1)}::1`];

test("mirrored home: node segments come back through the same routers, in reverse", () => {
  // r1 -> r3 -> r4 (End.DT6): home from r4 by r3, then r1's monitor SID.
  assert.deepEqual(mirroredHome("r1", ["fc00:0:3:1::", "fc00:0:4:2::"], steps, home("r1")),
    ["fc00:0:3:1::", ...home("r1")]);
  // r2 -> r4 -> r3 -> r1 (End.DT6): home from r1 by r3, then r4, then r2.
  assert.deepEqual(mirroredHome("r2", ["fc00:0:4:1::", "fc00:0:3:1::", "fc00:0:1:2::"], steps, home("r2")),
    ["fc00:0:3:1::", "fc00:0:4:1::", ...home("r2")]);
  // The first segment alone: the neighbour it reached is the last hop out, so home is direct.
  assert.deepEqual(mirroredHome("r1", ["fc00:0:3:1::"], steps, home("r1")), home("r1"));
});

test("mirrored home: an adjacency crossed is crossed back by the other end's SID", () => {
  // r2's return SID fc00:0:2:1001:: is an End.X on r2 towards r1; its way back is r1's fc00:0:1:1001::.
  assert.deepEqual(mirroredHome("r3", ["fc00:0:2:1::", "fc00:0:2:1001::", "fc00:0:1:2::"], steps, home("r3")),
    ["fc00:0:1:1001::", ...home("r3")]);
  // An adjacency SID with no named way back: its own router's node SID brings the probe there.
  const withAdj = diamondInput();
  const r3 = { ...withAdj.routers[2]!, adjacency_sids: [{ sid: "fc00:0:3:e1::", interface: "eth2", nexthop: "fd00:0:0:34::4" }] };
  const adjSteps = segmentSteps([...withAdj.routers.slice(0, 2), r3, withAdj.routers[3]!] as typeof withAdj.routers, withAdj.links);
  assert.deepEqual(mirroredHome("r1", ["fc00:0:3:e1::", "fc00:0:4:2::"], adjSteps, home("r1")),
    ["fc00:0:3:1::", ...home("r1")]);
});

test("mirrored home: addresses compare canonically, and an unknown SID falls back to straight home", () => {
  assert.deepEqual(mirroredHome("r1", ["FC00:0:3:1:0::", "fc00:0:4:2:0:0:0:0"], steps, home("r1")),
    ["fc00:0:3:1::", ...home("r1")]);
  assert.deepEqual(mirroredHome("r1", ["fc00:0:3:1::", "fc00:0:99::"], steps, home("r1")), home("r1"));
});

test("render: the sender's config carries each way home, whole list and every proper prefix", () => {
  const [path] = renderDataplane(diamondInput()).probeConfig.paths!;
  assert.deepEqual(path!.home, ["fc00:0:3:1::", "fc00:0:1:2001::", "fc00:0:1::1"]);
  assert.deepEqual(path!.prefixHomes, [["fc00:0:1:2001::", "fc00:0:1::1"]]);
});

test("bundle: a router's bundle carries the steps of its policies' segments, and a bundle rebuilt from it keeps them", () => {
  const whole = diamondInput();
  const bundle = bundleFor(whole, "r1");
  assert.deepEqual(bundle.routers.map((r) => r.name), ["r1", "r2"], "only itself and its link peers");
  assert.deepEqual(bundle.segment_steps, [
    { sid: "fc00:0:3:1::", kind: "node", router: "r3", nodeSid: "fc00:0:3:1::" },
    { sid: "fc00:0:4:2::", kind: "node", router: "r4", nodeSid: "fc00:0:4:1::" },
  ]);
  // What the Terraform provider and a router's record do: rebuild from the bundle alone.
  assert.deepEqual(bundleFor(bundle, "r1"), bundle);
  const [path] = renderDataplane({ ...bundle, facts: whole.facts }).probeConfig.paths!;
  assert.deepEqual(path!.home, ["fc00:0:3:1::", "fc00:0:1:2001::", "fc00:0:1::1"], "the layout mirrors from the carried steps");
  // Without the policy, nothing is carried.
  assert.equal(bundleFor({ ...bundle, policies: [] }, "r1").segment_steps, undefined);
});
