/**
 * Loss windows computed from synthetic receiver events: a 10 kpps stream
 * (one packet per 100 us) with gaps cut into it at known places.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { lossWindow, NoLossObservedError } from "../../lab/meter/loss-window";
import type { GapEvent, LateEvent, ReceiverEvent, StallEvent } from "../../lab/meter/events";

const RATE = 10_000;
const PERIOD_NS = 100_000;
const T0 = 5_000_000_000; // monotonic ns of seq 0
const LATENCY_NS = 30_000; // one-way delay of the path

/** The gap event the receiver prints when packets afterSeq+1..beforeSeq-1 never arrive. */
function gap(afterSeq: number, beforeSeq: number, extraDelayAfterNs = 0): GapEvent {
  return {
    ev: "gap",
    afterSeq,
    beforeSeq,
    missing: beforeSeq - afterSeq - 1,
    lastSentNs: T0 + afterSeq * PERIOD_NS,
    lastRxNs: T0 + afterSeq * PERIOD_NS + LATENCY_NS,
    firstSentNs: T0 + beforeSeq * PERIOD_NS,
    firstRxNs: T0 + beforeSeq * PERIOD_NS + LATENCY_NS + extraDelayAfterNs,
  };
}

test("one gap: window between last-before and first-after receive times; lost count / rate", () => {
  // Link dies after seq 1000; the backup path carries seq 1250 onwards.
  const events: ReceiverEvent[] = [gap(1000, 1250)];
  const w = lossWindow(events, T0, T0 + 1e9, RATE);
  assert.equal(w.lossMs, 25);
  assert.equal(w.lostPackets, 249);
  assert.equal(w.lossByCountMs, 24.9);
  assert.equal(w.gaps, 1);
  assert.equal(w.failedAtNs, T0 + 1000 * PERIOD_NS, "the cut is the send time of the last packet through");
});

test("a longer backup path (extra delay) widens the receive-time window, not the count", () => {
  const w = lossWindow([gap(1000, 1250, 2_000_000)], T0, T0 + 1e9, RATE);
  assert.equal(w.lossMs, 27);
  assert.equal(w.lossByCountMs, 24.9);
});

test("two bursts in one episode span from the first gap's start to the last gap's end", () => {
  const events: ReceiverEvent[] = [gap(1000, 1100), gap(1150, 1300)];
  const w = lossWindow(events, T0, T0 + 1e9, RATE);
  assert.equal(w.gaps, 2);
  assert.equal(w.lossMs, 30); // seq 1000 -> seq 1300
  assert.equal(w.lostPackets, 99 + 149);
});

test("packets that arrive late (reordered onto the backup path) are not lost", () => {
  const late: LateEvent[] = [1001, 1002, 1003].map((seq) => ({ ev: "late", seq, rxNs: T0 + 1260 * PERIOD_NS }));
  const outside: LateEvent = { ev: "late", seq: 500, rxNs: T0 + 1260 * PERIOD_NS };
  const w = lossWindow([gap(1000, 1250), ...late, outside], T0, T0 + 1e9, RATE);
  assert.equal(w.lostPackets, 246);
});

test("gaps outside the episode (before the injection, after the heal) are ignored", () => {
  const before = gap(100, 200);
  const during = gap(1000, 1250);
  const after = gap(9000, 9100);
  const from = T0 + 900 * PERIOD_NS;
  const to = T0 + 8000 * PERIOD_NS;
  const w = lossWindow([before, during, after], from, to, RATE);
  assert.equal(w.gaps, 1);
  assert.equal(w.lossMs, 25);
});

test("a stall without loss is not a loss window", () => {
  const stall: StallEvent = { ev: "stall", afterSeq: 1000, lastRxNs: T0 + 1000 * PERIOD_NS, firstRxNs: T0 + 1000 * PERIOD_NS + 5e6, lastSentNs: 0, firstSentNs: 0 };
  assert.throws(() => lossWindow([stall], T0, T0 + 1e9, RATE), NoLossObservedError);
});

test("no gap in the episode is an error, not a zero-length window", () => {
  assert.throws(() => lossWindow([], T0, T0 + 1e9, RATE), NoLossObservedError);
});

test("bad rate or empty episode is refused", () => {
  assert.throws(() => lossWindow([gap(1, 5)], T0, T0 + 1e9, 0), /rate must be positive/);
  assert.throws(() => lossWindow([gap(1, 5)], T0, T0, RATE), /empty episode/);
});
