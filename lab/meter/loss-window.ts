/**
 * The traffic-loss window of one failure, from the receiver's gap events.
 *
 * A failure episode is the time from the injection to the heal. Every gap
 * whose last-before packet arrived inside the episode belongs to it (a
 * reroute may lose packets in more than one burst). Two figures:
 *  - lossMs: receive time of the first packet after the last gap minus
 *    receive time of the last packet before the first gap: what a user of
 *    the stream saw (it includes any sender stall that hit the same moment);
 *  - lossByCountMs: packets never received (missing minus those that arrived
 *    late) divided by the rate: immune to sender and receiver timing noise.
 * failedAtNs, the send time of the last packet that crossed before the
 * first gap, is when the link actually stopped carrying the stream (to one
 * packet period): the reference for detection times.
 */
import { Srv6ProtectError } from "../../model/errors";
import type { GapEvent, LateEvent, ReceiverEvent } from "./events";

export interface LossWindow {
  readonly lossMs: number;
  readonly lostPackets: number;
  readonly lossByCountMs: number;
  readonly gaps: number;
  readonly failedAtNs: number;
  readonly lastRxBeforeNs: number;
  readonly firstRxAfterNs: number;
}

export class NoLossObservedError extends Srv6ProtectError {
  override readonly name = "NoLossObservedError";
  override readonly kind = "no-loss-observed";
}

export function lossWindow(events: readonly ReceiverEvent[], fromNs: number, toNs: number, ratePps: number): LossWindow {
  if (!(ratePps > 0)) throw new RangeError(`lossWindow: rate must be positive, got ${ratePps}`);
  if (!(toNs > fromNs)) throw new RangeError(`lossWindow: empty episode [${fromNs}, ${toNs}]`);
  const gaps = events.filter((e): e is GapEvent => e.ev === "gap" && e.lastRxNs >= fromNs && e.lastRxNs <= toNs);
  if (gaps.length === 0) {
    throw new NoLossObservedError(
      `no packet lost between ${fromNs} and ${toNs} ns: the stream does not cross the failed link, or the failure was not applied`,
    );
  }
  gaps.sort((a, b) => a.lastRxNs - b.lastRxNs);
  const first = gaps[0]!;
  const last = gaps[gaps.length - 1]!;
  const missing = gaps.reduce((n, g) => n + g.missing, 0);
  const holes = gaps.map((g) => [g.afterSeq, g.beforeSeq] as const);
  const filledLate = events.filter(
    (e): e is LateEvent => e.ev === "late" && holes.some(([a, b]) => e.seq > a && e.seq < b),
  ).length;
  const lostPackets = missing - filledLate;
  return {
    lossMs: (last.firstRxNs - first.lastRxNs) / 1e6,
    lostPackets,
    lossByCountMs: (lostPackets / ratePps) * 1e3,
    gaps: gaps.length,
    failedAtNs: first.lastSentNs,
    lastRxBeforeNs: first.lastRxNs,
    firstRxAfterNs: last.firstRxNs,
  };
}
