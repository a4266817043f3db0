/**
 * Node protection on the lab (examples/node): r2 crashes with its links up
 * (every link of r2 cut in one instant in the lab's wire). h1 <-> h3 crossed
 * r1-r2-r3; r1 and r3 detect their links to r2 down and move the traffic onto
 * backups that avoid r2 altogether. Link-protecting backups would have gone
 * through r2 again (r1-r4-r2-r3), so the traffic arriving proves the mode.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { App } from "cdktf";
import { withLab } from "../helpers/lab";
import { synthExample } from "../helpers/stack";
import { linkStatus, waitFor } from "../helpers/dataplane";
import { startStream } from "./stream";
import { assertSurvived } from "./survived";
import { sleep } from "./counters";
import { labFailNode, labHealGroup, linkStates } from "../../lab/failures";
import { readPlan } from "../../lab/state";
import { NodeStack } from "../../examples/node/main";

const viaOf = (protection: "link" | "node", router: string, destination: string) =>
  new NodeStack(new App(), "n", { inventory: false, protection }).network.plan().policies.find((p) => p.router === router && p.destination === destination)!.via;

test("node failure: r2 crashes with its links up; h1 <-> h3 arrive over backups that avoid r2", { timeout: 300_000 }, async (t) => {
  // The premise: around the link alone, both backups would cross r2; around the node, neither does.
  assert.ok(viaOf("link", "r1", "r3").includes("r2") && viaOf("link", "r3", "r1").includes("r2"), "link protection would go through r2");
  assert.deepEqual(viaOf("node", "r1", "r3"), ["r1", "r4", "r5", "r3"]);
  assert.deepEqual(viaOf("node", "r3", "r1"), ["r3", "r5", "r4", "r1"]);

  await withLab("examples/lab/node.json", async (lab) => {
    const stack = await synthExample("node", lab);
    try {
      const applied = await stack.srv6(["apply"], { timeoutMs: 180_000 });
      assert.equal(applied.code, 0, `srv6 apply: ${applied.stdout}\n${applied.stderr}`);
      await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => s.state!.probesSeen > 100n, 10_000);
      await waitFor(() => linkStatus(lab, "r3", "eth1"), (s) => s.state!.probesSeen > 100n, 10_000);

      const fwd = await startStream(lab, "h1", "h3", { rate: 1000, seconds: 4, port: 42001 });
      const rev = await startStream(lab, "h3", "h1", { rate: 1000, seconds: 4, port: 42002 });
      await sleep(1000);
      const cut = await labFailNode(lab.name, "r2");
      assert.equal(cut.length, 3, "r2's three links cut at once");
      const states = (await linkStates(readPlan(lab.name))).map((l) => `${l.endpoints.map((e) => e.split(":")[0]).join("-")} ${l.state}`);
      assert.deepEqual(states.filter((s) => s.includes("r2")).sort(), ["r1-r2 silent", "r2-r3 silent", "r2-r4 silent"], "the wire shows r2's links cut");
      assert.ok(states.filter((s) => !s.includes("r2")).every((s) => s.endsWith(" up")), `every other link up: ${states.join(", ")}`);
      try {
        assert.equal((await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => s.state!.down, 5_000)).state!.down, true, "r1 declares r1-r2 down");
        assert.equal((await waitFor(() => linkStatus(lab, "r3", "eth1"), (s) => s.state!.down, 5_000)).state!.down, true, "r3 declares r2-r3 down");
        const loss = await assertSurvived(lab, "r2", [["h1->h3", await fwd.done], ["h3->h1", await rev.done]], [["r1", "eth1"], ["r3", "eth1"]]);
        t.diagnostic(`node failure of r2: loss window ${loss}`);
      } finally {
        await labHealGroup(lab.name);
      }
      assert.ok((await linkStates(readPlan(lab.name))).every((l) => l.state === "up"), "heal-group brings every link back");
      await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => !s.state!.down, 15_000, 100);
      const again = await (await startStream(lab, "h1", "h3", { rate: 500, seconds: 1, port: 42003 })).done;
      assert.ok(again.received >= again.sent - 5, `h1->h3 delivered after the heal (${again.received}/${again.sent})`);
    } finally {
      stack.cleanup();
    }
  });
});
