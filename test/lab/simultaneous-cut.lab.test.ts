/**
 * `srv6 lab fail A B` is one event: a stream each way across r1-r2 (10 kpps,
 * diamond, no protection installed) stops in the same instant, 20 failures
 * of 20. Each stream's cut is known to one packet period: the last packet
 * through left its sender at lastSentNs, the first lost one a period later.
 * A cut of both directions at one instant means those two intervals
 * overlap: the two streams' last-through send times differ by less than a
 * packet period (plus the difference of the two paths' host-to-wire delays,
 * measured below and printed).
 *
 *        h1 - r1 --X-- r2 - r4 - h2        (r1-r2 cut in the lab's wire)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { resolve } from "node:path";
import { withLab } from "../helpers/lab";
import { buildMeter } from "../../lab/meter/build";
import { TrafficMeter } from "../../lab/meter/meter";
import { lossWindow } from "../../lab/meter/loss-window";
import { monoNowNs } from "../../lab/meter/clock";
import { nodeArgv } from "../../lab";

const execFileAsync = promisify(execFile);
const SRV6 = resolve(__dirname, "../../../bin/srv6");
const RATE = 10_000;
const PERIOD_NS = 1e9 / RATE;
const FAILURES = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(`lab fail cuts both directions in one instant (${FAILURES} of ${FAILURES}, ${RATE} packets/s each way)`, { timeout: 180_000 }, async (t) => {
  const binary = await buildMeter();
  await withLab("examples/lab/diamond.json", async (lab) => {
    const stream = (from: string, to: string, port: number) => TrafficMeter.start({
      binary, onSender: (a) => nodeArgv(lab.name, from, a), onReceiver: (a) => nodeArgv(lab.name, to, a),
      senderNode: from, receiverNode: to, destination: lab.inventory.hosts[to]!.address, port, ratePps: RATE,
    });
    const forward = await stream("h1", "h2", 47_980);
    const reverse = await stream("h2", "h1", 47_981);
    const skewsUs: number[] = [];
    try {
      for (let i = 1; i <= FAILURES; i++) {
        await sleep(150 + Math.random() * 100);
        const from = monoNowNs();
        const failed = await execFileAsync(SRV6, ["lab", "fail", "r1", "r2", "--lab", lab.name]);
        assert.match(failed.stdout, /failed silently, both ways/);
        await sleep(30);
        await execFileAsync(SRV6, ["lab", "heal", "r1", "r2", "--lab", lab.name]);
        await Promise.all([forward, reverse].map((m) => m.waitFor((e) => e.ev === "gap" && e.lastRxNs >= from, 5000, `the stream to ${m.receiverNode} to resume after failure ${i}`)));
        const to = monoNowNs();
        const [f, r] = [forward, reverse].map((m) => lossWindow(m.events, from, to, RATE));
        assert.equal(f!.gaps, 1, `failure ${i}: h1 -> h2 lost one burst`);
        assert.equal(r!.gaps, 1, `failure ${i}: h2 -> h1 lost one burst`);
        skewsUs.push((r!.failedAtNs - f!.failedAtNs) / 1e3);
      }
    } finally {
      await forward.stop();
      await reverse.stop();
    }
    const abs = skewsUs.map(Math.abs).sort((a, b) => a - b);
    t.diagnostic(`last packet through, h2->h1 minus h1->h2, per failure (us): ${skewsUs.map((s) => s.toFixed(0)).join(" ")}; max |skew| ${abs.at(-1)!.toFixed(0)} us, one packet period ${PERIOD_NS / 1e3} us`);
    const over = skewsUs.filter((s) => Math.abs(s) * 1e3 >= PERIOD_NS);
    assert.equal(over.length, 0, `every failure cut both directions within one packet period (${PERIOD_NS / 1e3} us): over it: ${over.map((s) => s.toFixed(0)).join(", ")} us`);
  });
});
