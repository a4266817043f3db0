/**
 * One-way silent failure of the protected link.
 *
 *   h1 --- r1 ---X--> r2 --- r4 --- h2     r1 -> r2 is lost, r2 -> r1 works
 *           \                /
 *            r3 ----------- /
 *
 * Probes are round trips over the link (out to the neighbour's End.X and
 * back), so a loss in either direction breaks both ends' probe loops:
 * r1's probes die on the way out, r2's on the way back. Both ends fail
 * over. That is the right outcome for this design: neither end can tell
 * which direction failed, r1 must move (its direction is dead), and r2
 * moving too costs only a longer path, never loss. The test checks exactly
 * that, and that both directions of traffic keep flowing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { withLab, uniqueLabName } from "../helpers/lab";
import { linkStatus, waitFor } from "../helpers/dataplane";
import { applyDiamond } from "../helpers/applied-diamond";
import { startStream } from "./stream";
import { sleep } from "./counters";

test("one-way failure: the end whose traffic dies fails over, and so does the other (its probes cannot return)", { timeout: 180_000 }, async () => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const dp = await applyDiamond(lab, { intervalMs: 2, multiplier: 3, holdDownMs: 300 });
    try {
      await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => s.state!.probesSeen > 50n, 10_000);
      await waitFor(() => linkStatus(lab, "r2", "eth1"), (s) => s.state!.probesSeen > 50n, 10_000);
      const fwd = await startStream(lab, "h1", "h2", { rate: 500, seconds: 3, port: 41011 });
      const rev = await startStream(lab, "h2", "h1", { rate: 500, seconds: 3, port: 41012 });
      await sleep(800);
      await lab.fail("r1", "r2", { oneWayFrom: "r1" });
      const r1 = await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => s.state!.down, 5_000);
      assert.equal(r1.state!.down, true, "r1, whose outgoing direction is dead, fails over");
      const r2 = await waitFor(() => linkStatus(lab, "r2", "eth1"), (s) => s.state!.down, 5_000);
      assert.equal(r2.state!.down, true, "r2 fails over too: its probes go out fine but cannot come back");
      const [f, b] = [await fwd.done, await rev.done];
      assert.equal(f.lastSeq, f.sent - 1, "h1->h2 (the dead direction) keeps flowing by the backup");
      assert.ok(f.received >= f.sent - 250, `h1->h2 lost at most 250 of ${f.sent} (got ${f.received})`);
      assert.equal(b.lastSeq, b.sent - 1, "h2->h1 keeps flowing");
      assert.ok(b.received >= b.sent - 250, `h2->h1 lost at most 250 of ${b.sent} (got ${b.received})`);
      const s1 = (await linkStatus(lab, "r1", "eth1")).state!;
      const s2 = (await linkStatus(lab, "r2", "eth1")).state!;
      assert.ok(s1.packetsRerouted > 0n, "r1 rerouted h1->h2 traffic");
      assert.ok(s2.packetsRerouted > 0n, "r2 rerouted h2->h1 traffic");
      await lab.heal("r1", "r2");
      const back = await waitFor(() => linkStatus(lab, "r2", "eth1"), (s) => !s.state!.down, 15_000, 100);
      assert.equal(back.state!.down, false, "r2 returns to the link after heal");
    } finally {
      await dp.remove();
    }
  }, { name: uniqueLabName("dpo") });
});
