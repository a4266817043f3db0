/**
 * SRLG protection on the lab: examples/node with r1-r2 and r2-r4 in one duct
 * ("duct-7"), and both links cut in one instant (a digger, not two faults).
 * h1 <-> h3 crossed r1-r2-r3. Around r1-r2 alone, r1's backup would be
 * r1-r4-r2-r3 and r2's r2-r4-r1, both through the cut r2-r4; in srlg mode
 * r1 goes r1-r4-r5-r3 and r2 goes r2-r3-r5-r4-r1. Traffic arriving both ways
 * proves the backups avoid the whole group.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { App } from "cdktf";
import { withLab } from "../helpers/lab";
import { synthStack } from "../helpers/stack";
import { linkStatus, waitFor } from "../helpers/dataplane";
import { startStream } from "./stream";
import { assertSurvived } from "./survived";
import { sleep } from "./counters";
import { labFailLinks, labHealGroup, linkStates } from "../../lab/failures";
import { readPlan } from "../../lab/state";
import { NodeStack } from "../../examples/node/main";

const DUCT = { "r1-r2": ["duct-7"], "r2-r4": ["duct-7"] };
const viaOf = (protection: "link" | "srlg", router: string, destination: string) =>
  new NodeStack(new App(), "n", { inventory: false, protection, srlgs: DUCT }).network.plan().policies.find((p) => p.router === router && p.link === "r1-r2" && p.destination === destination)!.via;

test("SRLG failure: r1-r2 and r2-r4 (one duct) cut at once; h1 <-> h3 arrive over backups that avoid both", { timeout: 300_000 }, async (t) => {
  // The premise: around the link alone both backups use r2-r4; around the duct neither does.
  assert.deepEqual(viaOf("link", "r1", "r3"), ["r1", "r4", "r2", "r3"]);
  assert.deepEqual(viaOf("link", "r2", "r1"), ["r2", "r4", "r1"]);
  assert.deepEqual(viaOf("srlg", "r1", "r3"), ["r1", "r4", "r5", "r3"]);
  assert.deepEqual(viaOf("srlg", "r2", "r1"), ["r2", "r3", "r5", "r4", "r1"]);

  await withLab("examples/lab/node.json", async (lab) => {
    const inventory = `${lab.inventory.stateDir}/inventory.json`;
    const stack = synthStack((app) => new NodeStack(app, "node", { inventory, protection: "srlg", srlgs: DUCT }));
    try {
      const applied = await stack.srv6(["apply"], { timeoutMs: 180_000 });
      assert.equal(applied.code, 0, `srv6 apply: ${applied.stdout}\n${applied.stderr}`);
      for (const router of ["r1", "r2"]) await waitFor(() => linkStatus(lab, router, "eth1"), (s) => s.state!.probesSeen > 100n, 10_000);

      const fwd = await startStream(lab, "h1", "h3", { rate: 1000, seconds: 4, port: 42011 });
      const rev = await startStream(lab, "h3", "h1", { rate: 1000, seconds: 4, port: 42012 });
      await sleep(1000);
      const cut = await labFailLinks(lab.name, [["r1", "r2"], ["r2", "r4"]]);
      assert.equal(cut.length, 2, "both links of the duct cut at once");
      const states = (await linkStates(readPlan(lab.name))).map((l) => `${l.endpoints.map((e) => e.split(":")[0]).join("-")} ${l.state}`);
      assert.deepEqual(states.filter((s) => !s.endsWith(" up")).sort(), ["r1-r2 silent", "r2-r4 silent"], `the wire shows the duct cut: ${states.join(", ")}`);
      try {
        for (const router of ["r1", "r2"]) {
          assert.equal((await waitFor(() => linkStatus(lab, router, "eth1"), (s) => s.state!.down, 5_000)).state!.down, true, `${router} declares r1-r2 down`);
        }
        const loss = await assertSurvived(lab, "the duct", [["h1->h3", await fwd.done], ["h3->h1", await rev.done]], [["r1", "eth1"], ["r2", "eth1"]]);
        t.diagnostic(`SRLG failure (r1-r2 + r2-r4): loss window ${loss}`);
      } finally {
        await labHealGroup(lab.name);
      }
      assert.ok((await linkStates(readPlan(lab.name))).every((l) => l.state === "up"), "heal-group brings both links back");
      await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => !s.state!.down, 15_000, 100);
      const again = await (await startStream(lab, "h1", "h3", { rate: 500, seconds: 1, port: 42013 })).done;
      assert.ok(again.received >= again.sent - 5, `h1->h3 delivered after the heal (${again.received}/${again.sent})`);
    } finally {
      stack.cleanup();
    }
  });
});
