/**
 * Silent failure of a protected link, both ways, and its healing.
 *
 *   h1 --- r1 ====X==== r2 --- r4 --- h2      primary: r1-r2-r4
 *           \                 /
 *            r3 ------------ /                 backup:  r1-r3-r4 (SRv6)
 *
 * r1-r2 is protected from both ends (1 ms probes x 3, hold-down 300 ms).
 * The lab fails it silently (nftables drop, carrier up). Traffic h1<->h2
 * must arrive by the backup: r3's End SID and the far end's End.DT6 count
 * it, tcpdump on r3 sees the SRH, and r1/r2 report the failover. After heal
 * both directions must return to r1-r2 (both ends recover), not before the
 * hold-down.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { withLab, uniqueLabName } from "../helpers/lab";
import { linkStatus, dataplaneStatus, waitFor } from "../helpers/dataplane";
import { applyDiamond } from "../helpers/applied-diamond";
import { startStream } from "./stream";
import { sidPackets, sleep } from "./counters";
import { sourceAddress } from "../../provider/dataplane/render";

const HOLD_DOWN_MS = 300;

test("silent failure both ways: traffic takes the SRv6 backup, returns after the hold-down", { timeout: 180_000 }, async (t) => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    // r3's End SID counter stands for the traffic on the backup here: backup probes through r3 would count too.
    const dp = await applyDiamond(lab, { intervalMs: 1, multiplier: 3, holdDownMs: HOLD_DOWN_MS, backupProbeIntervalMs: 0 });
    const desired = dp.desired;
    try {
      const r3Node = desired.routers.find((x) => x.name === "r3")!.node_sid;
      const r4Decap = desired.routers.find((x) => x.name === "r4")!.decap_sid;
      const r1Decap = desired.routers.find((x) => x.name === "r1")!.decap_sid;
      const up = await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => s.state!.probesSeen > 100n, 10_000);
      assert.equal(up.state!.down, false, "r1-r2 is up after install");
      assert.ok(up.state!.probesSeen > 100n, `r1 hears its probes (${up.state!.probesSeen})`);
      assert.equal((await linkStatus(lab, "r2", "eth1")).state!.down, false, "r2's end is up after install");
      const r3Before = await sidPackets(lab, "r3", r3Node);

      // Both directions at once, 1000 datagrams/s each, failure 1 s in.
      const fwd = await startStream(lab, "h1", "h2", { rate: 1000, seconds: 4, port: 41001 });
      const rev = await startStream(lab, "h2", "h1", { rate: 1000, seconds: 4, port: 41002 });
      // r1's backup of h1 -> h2 enters r3 on eth1 from r1; r2's backup of the reverse stream leaves r3 on
      // eth1 too, and since the cut is one instant for both directions it may come first: capture r1's only.
      const r1Source = sourceAddress(desired.routers.find((x) => x.name === "r1")!);
      const capture = lab.exec("r3", ["timeout", "5", "tcpdump", "-i", "eth1", "-Q", "in", "-nn", "-v", "-c", "3", `ip6 and ip6[6] == 43 and src host ${r1Source}`], { timeoutMs: 10_000 });
      await sleep(1000);
      await lab.fail("r1", "r2");
      const r1Down = await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => s.state!.down, 5_000);
      assert.equal(r1Down.state!.down, true, "r1 declares r1-r2 down");
      const r2Down = await waitFor(() => linkStatus(lab, "r2", "eth1"), (s) => s.state!.down, 5_000);
      assert.equal(r2Down.state!.down, true, "r2 declares r1-r2 down");
      const [f, b] = [await fwd.done, await rev.done];

      // Traffic arrived, with one short loss window (generous bound: timing is for the benchmark).
      for (const [dir, s] of [["h1->h2", f], ["h2->h1", b]] as const) {
        assert.equal(s.lastSeq, s.sent - 1, `${dir}: the last datagram arrived (by the backup)`);
        assert.ok(s.received >= s.sent - 500, `${dir}: at most 500 of ${s.sent} lost, got ${s.received}`);
        assert.ok(s.maxGapMs < 1000, `${dir}: loss window under 1 s, was ${s.maxGapMs.toFixed(1)} ms`);
      }
      t.diagnostic(`loss window h1->h2 ${f.maxGapMs.toFixed(1)} ms (${f.sent - f.received} lost), h2->h1 ${b.maxGapMs.toFixed(1)} ms (${b.sent - b.received} lost)`);
      // Seen on the backup path: transit End on r3, End.DT6 on both far ends, SRH on the wire.
      const r3Rerouted = (await sidPackets(lab, "r3", r3Node)) - r3Before;
      assert.ok(r3Rerouted >= 2000, `r3's End SID carried both directions' rerouted traffic (${r3Rerouted})`);
      assert.ok(await sidPackets(lab, "r4", r4Decap) >= 1000, "r4's End.DT6 decapsulated h1->h2 traffic");
      assert.ok(await sidPackets(lab, "r1", r1Decap) >= 1000, "r1's End.DT6 decapsulated h2->h1 traffic");
      const dump = (await capture).stdout;
      assert.match(dump, /RT6 \(len=\d+, type=4, segleft=\d+/, `tcpdump on r3 shows an SRH (routing header type 4): ${dump}`);
      assert.ok(dump.includes(`]${r4Decap}`), `an SRH on r3 lists r4's decap SID ${r4Decap}: ${dump}`);
      const s1 = (await linkStatus(lab, "r1", "eth1")).state!;
      assert.equal(s1.failovers, 1n, "exactly one failover on r1");
      assert.ok(s1.packetsRerouted >= 1000n, `r1 counted rerouted packets (${s1.packetsRerouted})`);
      assert.ok(s1.lastFailoverNs > 0n, "r1 recorded the failover time");

      // Locally originated traffic (lwt_xmit, BPF_LWT_ENCAP_IP) is rerouted too.
      const decapBefore = await sidPackets(lab, "r4", r4Decap);
      const local = await (await startStream(lab, "r1", "h2", { rate: 200, seconds: 1, port: 41004 })).done;
      assert.ok(local.received >= local.sent - 5, `r1's own datagrams reach h2 while the link is down (${local.received}/${local.sent})`);
      assert.ok((await sidPackets(lab, "r4", r4Decap)) - decapBefore >= local.received, "they arrived through r4's End.DT6");

      // Heal: traffic returns to r1-r2, but not before the hold-down. The link is back at some instant
      // inside [beforeHeal, afterHeal] (the wire's map write); bpf_ktime_get_ns and process.hrtime read the
      // same CLOCK_MONOTONIC, so the recovery stamps compare to both ends of that window.
      const beforeHeal = process.hrtime.bigint();
      await lab.heal("r1", "r2");
      const afterHeal = process.hrtime.bigint();
      const windowMs = Number(afterHeal - beforeHeal) / 1e6;
      assert.ok(windowMs < 100, `the heal took effect inside a ${windowMs.toFixed(1)} ms window`);
      for (const router of ["r1", "r2"]) {
        const back = await waitFor(() => linkStatus(lab, router, "eth1"), (s) => !s.state!.down, 15_000, 100);
        assert.equal(back.state!.down, false, `${router} returns to the link after heal`);
        assert.equal(back.state!.recoveries, 1n, `one recovery on ${router}`);
        const sinceMs = Number(back.state!.lastRecoveryNs - afterHeal) / 1e6;
        assert.ok(sinceMs >= HOLD_DOWN_MS - windowMs, `${router}: recovery ${sinceMs.toFixed(1)} ms after the heal is not before the ${HOLD_DOWN_MS} ms hold-down (window ${windowMs.toFixed(1)} ms)`);
        assert.ok(sinceMs < HOLD_DOWN_MS + 1500, `${router}: recovery ${sinceMs.toFixed(1)} ms after the heal: the hold-down, not much more`);
        t.diagnostic(`${router} back on the link ${sinceMs.toFixed(1)} ms after heal (hold-down ${HOLD_DOWN_MS} ms, heal window ${windowMs.toFixed(1)} ms)`);
      }
      const r3AfterHeal = await sidPackets(lab, "r3", r3Node);
      const againFwd = await startStream(lab, "h1", "h2", { rate: 500, seconds: 1, port: 41003 });
      const againRev = await startStream(lab, "h2", "h1", { rate: 500, seconds: 1, port: 41005 });
      for (const [dir, a] of [["h1->h2", await againFwd.done], ["h2->h1", await againRev.done]] as const) {
        assert.ok(a.received >= a.sent - 5, `${dir} delivered after heal (${a.received}/${a.sent})`);
      }
      assert.equal(await sidPackets(lab, "r3", r3Node), r3AfterHeal, "after heal no traffic of either direction crosses r3 any more");
      assert.equal((await dataplaneStatus(lab, "r1")).reasons.encap_failed, undefined, "no encapsulation failures");
    } finally {
      await dp.remove();
    }
  }, { name: uniqueLabName("dpf") });
});
