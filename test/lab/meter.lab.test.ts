/**
 * The traffic meter against a failure whose loss window we control: a
 * silent failure of r1-r2, then, after a pause, a plain static reroute on r1
 * via r3. The measured window must match when the reroute happened.
 *
 *        r2
 *   (X) /  \
 * h1 - r1    r4 - h2        stream h1 -> h2 at 10 kpps, normally r1-r2-r4
 *        \  /
 *         r3                after the reroute: r1-r3-r4
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { withLab } from "../helpers/lab";
import { buildMeter } from "../../lab/meter/build";
import { TrafficMeter } from "../../lab/meter/meter";
import { lossWindow } from "../../lab/meter/loss-window";
import { monoNowNs } from "../../lab/meter/clock";
import { nodeArgv } from "../../lab";
import type { TickEvent } from "../../lab/meter/events";

const RATE = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("meter: 10 kpps stream, loss window of a silent failure bridged by a static reroute", { timeout: 120_000 }, async (t) => {
  const binary = await buildMeter();
  await withLab("examples/lab/diamond.json", async (lab) => {
    const h2 = lab.inventory.hosts.h2!;
    const meter = await TrafficMeter.start({
      binary, onSender: (a) => nodeArgv(lab.name, "h1", a), onReceiver: (a) => nodeArgv(lab.name, "h2", a),
      senderNode: "h1", receiverNode: "h2", destination: h2.address, port: 47_990, ratePps: RATE,
    });
    try {
      // Rate: packets received between two receiver ticks (1 s apart).
      const t1 = (await meter.waitFor((e) => e.ev === "tick" && e.received > 0, 5000, "tick 1")) as TickEvent;
      const t2 = (await meter.waitFor((e) => e.ev === "tick" && e.nowNs > t1.nowNs, 5000, "tick 2")) as TickEvent;
      const pps = ((t2.received - t1.received) * 1e9) / (t2.nowNs - t1.nowNs);
      assert.ok(pps > RATE * 0.95 && pps < RATE * 1.05, `receiver sees ${pps.toFixed(0)} packets/s, expected ${RATE}`);
      assert.equal(t2.received, t2.highest + 1, "nothing lost before the failure");

      const injectStart = monoNowNs();
      await lab.fail("r1", "r2");
      const injectEnd = monoNowNs();
      await sleep(40);
      const rerouteStart = monoNowNs();
      const r3 = lab.inventory.routers.r1!.interfaces.eth2!;
      const reroute = await lab.exec("r1", ["ip", "-6", "route", "replace", h2.prefix, "via", r3.peerAddress, "dev", "eth2", "proto", "static"]);
      assert.equal(reroute.code, 0, `static reroute on r1: ${reroute.stderr}`);
      const rerouteEnd = monoNowNs();
      await meter.waitFor((e) => e.ev === "gap" && e.lastRxNs >= injectStart, 5000, "the stream to come back by r3");
      await sleep(100);

      const w = lossWindow(meter.events, injectStart - 1e6, monoNowNs(), RATE);
      t.diagnostic(`loss ${w.lossMs} ms (${w.lostPackets} packets, ${w.lossByCountMs} ms by count); reroute ran ${((rerouteStart - w.failedAtNs) / 1e6).toFixed(2)}..${((rerouteEnd - w.failedAtNs) / 1e6).toFixed(2)} ms after the cut; ${pps.toFixed(0)} packets/s`);
      assert.equal(w.gaps, 1, "one burst of loss");
      assert.ok(w.failedAtNs >= injectStart - 1e6 && w.failedAtNs <= injectEnd + 1e6,
        `cut at ${w.failedAtNs} lies within the injection [${injectStart}, ${injectEnd}]`);
      const lowMs = (rerouteStart - w.failedAtNs) / 1e6 - 1;
      const highMs = (rerouteEnd - w.failedAtNs) / 1e6 + 3;
      assert.ok(w.lossMs >= lowMs && w.lossMs <= highMs, `loss window ${w.lossMs} ms within the reroute [${lowMs.toFixed(2)}, ${highMs.toFixed(2)}] ms`);
      assert.ok(Math.abs(w.lossMs - w.lossByCountMs) < 2, `receive-time window ${w.lossMs} ms agrees with lost/rate ${w.lossByCountMs} ms`);
    } finally {
      await meter.stop();
      await lab.heal("r1", "r2");
    }
    const totals = meter.events.find((e) => e.ev === "end");
    assert.ok(totals, "the receiver printed its totals on SIGTERM");
  });
});
