/**
 * Failures, one after another, while the meter streams across the protected
 * link: inject (the link silently or by carrier loss, or every link of the
 * link's far-end router at once), wait for the stream to come back (by the
 * backup path), read the detection time on the protected link, heal, wait
 * for the primary path.
 */
import type { BenchLab } from "../lab";
import type { TrafficMeter } from "../../lab/meter/meter";
import { lossWindow } from "../../lab/meter/loss-window";
import { monoNowNs } from "../../lab/meter/clock";
import type { GapEvent } from "../../lab/meter/events";
import type { FailoverSystem, ProtectedLink } from "./system";
import { sleep } from "./frr/daemons";
import { BenchError, BenchTimeoutError } from "../errors";
import { healFailure, injectFailure, type FailureKind } from "./inject";

export interface FailureRecord {
  readonly index: number;
  /** Monotonic ns around the lab's fail command. */
  readonly injectStartNs: number;
  readonly injectEndNs: number;
  /** Monotonic ns just before the heal. */
  readonly healStartNs: number;
  /**
   * When the link stopped carrying traffic: the earlier of the two streams'
   * last packet through (send time). Detection is measured from here.
   */
  readonly failedAtNs: number;
  /**
   * Reverse-direction cut minus forward-direction cut, from the last packet
   * each stream got through: zero by construction of the lab's wire, so
   * what is measured is one packet period of each stream plus path jitter.
   */
  readonly skewMs?: number;
  readonly detectedAtNs?: number;
  readonly detectMs?: number;
  /** Loss window of the stream link.a -> link.b (link.a's protection). */
  readonly lossMs: number;
  readonly lostPackets: number;
  readonly lossByCountMs: number;
  readonly gaps: number;
  /** Loss window of the reverse stream (link.b's protection; with a node failure, that of the router beyond the failed one), when that stream runs. */
  readonly reverseLossMs?: number;
  readonly reverseLostPackets?: number;
  /** Packets lost while traffic went back to the primary path after the heal. */
  readonly healLostPackets: number;
  readonly problem?: string;
}

export interface MeasureContext {
  readonly lab: BenchLab;
  readonly system: FailoverSystem;
  /** Stream across the link from link.a to link.b: the loss window. */
  readonly meter: TrafficMeter;
  /** Stream the other way: link.b's loss window, and when link.a stopped hearing link.b. */
  readonly reverse?: TrafficMeter;
  readonly link: ProtectedLink;
  readonly ratePps: number;
  readonly reverseRatePps?: number;
  readonly failures: number;
  readonly progress: (line: string) => void;
  /** Time for the stream to recover after a failure. */
  readonly recoverTimeoutMs?: number;
  /** @default "silent" */
  readonly kind?: FailureKind;
  /** With kind "node": the router whose links all fail. @default link.b */
  readonly node?: string;
}


export interface MeasureResult {
  readonly records: FailureRecord[];
  /** Down declarations nobody caused, seen while waiting to inject (no load running). */
  readonly unprovokedFailovers: number;
}

export async function measureFailures(ctx: MeasureContext): Promise<MeasureResult> {
  const records: FailureRecord[] = [];
  const { lab, system, meter, link } = ctx;
  const kind = ctx.kind ?? "silent";
  const meters = [meter, ...(ctx.reverse ? [ctx.reverse] : [])];
  let unprovoked = 0;
  for (let i = 1; i <= ctx.failures; i++) {
    for (let attempt = 1; ; attempt++) {
      await system.waitHealthy(60_000);
      // Also after the install: nothing of the previous step may still be settling.
      await settle(meters, system.settleMs, 60_000);
      const downsBefore = await system.downCount();
      const eventsBefore = meters.map((m) => m.events.length);
      // A random pause puts the failure at a random phase of the probe/BFD timers.
      await sleep(300 + Math.random() * 200);
      // A failover nobody caused (seen with FRR at idle) would leave the
      // stream on the backup path, and the failure would measure nothing.
      const lossMeanwhile = meters.some((m, k) => m.events.slice(eventsBefore[k]).some((e) => e.ev === "gap"));
      const downsMeanwhile = (await system.downCount()) - downsBefore;
      if (!lossMeanwhile && downsMeanwhile === 0) break;
      unprovoked += downsMeanwhile;
      ctx.progress(`  before failure ${i}: ${downsMeanwhile} unprovoked down declarations, loss ${lossMeanwhile ? "seen" : "none"}; waiting again`);
      if (attempt >= 5) throw new BenchError(`the protected link kept failing over by itself before failure ${i}`, { node: link.a });
    }
    meter.assertAlive();
    const injectStartNs = monoNowNs();
    await injectFailure(lab, link, kind, ctx.node ?? link.b);
    const injectEndNs = monoNowNs();
    let problem: string | undefined;
    for (const m of meters) {
      try {
        await m.waitFor(
          (e) => e.ev === "gap" && e.lastRxNs >= injectStartNs - 1e6,
          ctx.recoverTimeoutMs ?? 10_000,
          `traffic to ${m.receiverNode} to come back after failure ${i}`,
        );
      } catch (err) {
        problem = problem ?? (err as Error).message;
      }
    }
    // Let a second burst of loss (if any) show, and logs reach the disk.
    await sleep(250);
    const healStartNs = monoNowNs();
    const detectedAtNs = await system.detectedAt(injectStartNs - 1e6);
    await healFailure(lab, link, kind);
    let window;
    try {
      window = lossWindow(meter.events, injectStartNs - 1e6, healStartNs, ctx.ratePps);
    } catch (err) {
      problem = problem ?? (err as Error).message;
    }
    let reverseWindow;
    if (ctx.reverse && ctx.reverseRatePps) {
      try {
        reverseWindow = lossWindow(ctx.reverse.events, injectStartNs - 1e6, healStartNs, ctx.reverseRatePps);
      } catch (err) {
        problem = problem ?? `reverse stream: ${(err as Error).message}`;
      }
    }
    const reverseCutNs = reverseWindow?.failedAtNs;
    await system.waitHealthy(60_000);
    await settle([meter, ...(ctx.reverse ? [ctx.reverse] : [])], system.settleMs, 60_000);
    const healLostPackets = meter.events
      .filter((e): e is GapEvent => e.ev === "gap" && e.lastRxNs >= healStartNs)
      .reduce((n, g) => n + g.missing, 0);
    if (detectedAtNs === undefined) problem = problem ?? `${link.a} never declared ${link.aIf} down`;
    const forwardCutNs = window?.failedAtNs ?? injectEndNs;
    const failedAtNs = reverseCutNs === undefined ? forwardCutNs : Math.min(forwardCutNs, reverseCutNs);
    const rec: FailureRecord = {
      index: i,
      injectStartNs,
      injectEndNs,
      healStartNs,
      failedAtNs,
      skewMs: reverseCutNs === undefined || !window ? undefined : (reverseCutNs - window.failedAtNs) / 1e6,
      detectedAtNs,
      detectMs: detectedAtNs === undefined ? undefined : (detectedAtNs - failedAtNs) / 1e6,
      lossMs: window?.lossMs ?? NaN,
      lostPackets: window?.lostPackets ?? NaN,
      lossByCountMs: window?.lossByCountMs ?? NaN,
      gaps: window?.gaps ?? 0,
      reverseLossMs: reverseWindow?.lossMs,
      reverseLostPackets: reverseWindow?.lostPackets,
      healLostPackets,
      problem,
    };
    records.push(rec);
    ctx.progress(
      `  failure ${i}/${ctx.failures}: detect ${fmt(rec.detectMs)} ms, loss ${fmt(rec.lossMs)} ms ` +
        `(${rec.lostPackets} packets), reverse loss ${fmt(rec.reverseLossMs)} ms (${rec.reverseLostPackets ?? "-"} packets), skew ${fmt(rec.skewMs)} ms, heal loss ${healLostPackets} packets${problem ? `; PROBLEM: ${problem}` : ""}`,
    );
  }
  return { records, unprovokedFailovers: unprovoked };
}

/** Waits until every stream has run `quietMs` without losing a packet. */
async function settle(meters: readonly TrafficMeter[], quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = monoNowNs();
    const lastLossEnd = Math.max(0, ...meters.flatMap((m) => m.events.filter((e): e is GapEvent => e.ev === "gap").map((g) => g.firstRxNs)));
    if (now - lastLossEnd >= quietMs * 1e6) return;
    if (Date.now() > deadline) {
      throw new BenchTimeoutError(`the stream kept losing packets for ${timeoutMs} ms after a heal`, { node: meters[0]?.receiverNode });
    }
    await sleep(100);
  }
}

function fmt(ms: number | undefined): string {
  return ms === undefined || Number.isNaN(ms) ? "-" : ms.toFixed(2);
}
