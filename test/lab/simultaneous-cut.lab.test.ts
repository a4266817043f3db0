/**
 * `srv6 lab fail A B` is one event: with a stream each way across r1-r2
 * (10 kpps, diamond, no protection installed), 20 failures of 20 cut both
 * directions in the same instant.
 *
 * The instant is judged where the cut happens: the wire stamps every frame
 * it passes before it reads the link's cut word and every frame it drops
 * after, so a cut made by one write has every pass of both directions
 * before every drop of both. Judged at the receivers instead, a sender or
 * softirq stall of a few hundred microseconds on a busy CPU moves one
 * stream's last packet through by as much (seen once in 20 on a loaded
 * machine); the receivers' skew is printed, and each stream must still lose
 * exactly one burst.
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
import { nodeArgv, readPlan } from "../../lab";
import { readWire } from "../../lab/wire/wire";

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
    const plan = readPlan(lab.name);
    const r1r2 = plan.links.findIndex((l) => [l.a.node, l.b.node].sort().join() === "r1,r2");
    assert.ok(r1r2 >= 0, "the diamond has an r1-r2 link");
    const skewsUs: number[] = [];
    const notOneInstant: string[] = [];
    const marginsUs: number[] = [];
    try {
      for (let i = 1; i <= FAILURES; i++) {
        await sleep(150 + Math.random() * 100);
        const from = monoNowNs();
        const failed = await execFileAsync(SRV6, ["lab", "fail", "r1", "r2", "--lab", lab.name]);
        assert.match(failed.stdout, /failed silently, both ways/);
        await sleep(30);
        const link = (await readWire(plan))[r1r2]!;
        const ends = [link.fromA, link.fromB];
        const lastPassed = Math.max(...ends.map((e) => e.lastPassedNs));
        const firstDropped = Math.min(...ends.map((e) => e.firstDroppedNs));
        assert.ok(ends.every((e) => e.firstDroppedNs >= from), `failure ${i}: both directions dropped frames in the wire: ${JSON.stringify(ends)}`);
        marginsUs.push((firstDropped - lastPassed) / 1e3);
        if (!(lastPassed < firstDropped)) notOneInstant.push(`failure ${i}: a frame passed ${((lastPassed - firstDropped) / 1e3).toFixed(1)} us after the other direction's first drop`);
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
    t.diagnostic(`at the receivers, last packet through, h2->h1 minus h1->h2, per failure (us): ${skewsUs.map((s) => s.toFixed(0)).join(" ")}; max |skew| ${abs.at(-1)!.toFixed(0)} us, one packet period ${PERIOD_NS / 1e3} us`);
    t.diagnostic(`in the wire, first drop minus last pass over both directions, per failure (us): ${marginsUs.map((m) => m.toFixed(1)).join(" ")}`);
    assert.deepEqual(notOneInstant, [], "no frame passed in either direction after the cut dropped one in the other");
  });
});
