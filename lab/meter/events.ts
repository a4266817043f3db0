/**
 * The JSON lines udp-meter prints (see udp-meter.c). Every time is
 * CLOCK_MONOTONIC in nanoseconds; monotonic values stay far below 2^53, so
 * plain numbers hold them exactly.
 */
export interface GapEvent {
  readonly ev: "gap";
  /** Highest sequence received before the gap, and the first one after it. */
  readonly afterSeq: number;
  readonly beforeSeq: number;
  readonly missing: number;
  /** Receive and send times of the last packet before the gap. */
  readonly lastRxNs: number;
  readonly lastSentNs: number;
  /** Receive and send times of the first packet after it. */
  readonly firstRxNs: number;
  readonly firstSentNs: number;
}

/** A packet older than the highest received: it fills a hole of an earlier gap. */
export interface LateEvent {
  readonly ev: "late";
  readonly seq: number;
  readonly rxNs: number;
}

/** Nothing lost, but nothing received for longer than the stall threshold. */
export interface StallEvent {
  readonly ev: "stall";
  readonly afterSeq: number;
  readonly lastRxNs: number;
  readonly firstRxNs: number;
  readonly lastSentNs: number;
  readonly firstSentNs: number;
}

export interface StartEvent { readonly ev: "start"; readonly stream: number; readonly seq: number; readonly rxNs: number; readonly sentNs: number }
export interface ReadyEvent { readonly ev: "ready"; readonly port: number }
export interface TickEvent {
  readonly ev: "tick";
  readonly nowNs: number;
  readonly received: number;
  readonly highest: number;
  readonly late: number;
  readonly dup: number;
  readonly socketDrops: number;
}
export interface EndEvent { readonly ev: "end"; readonly received: number; readonly highest: number; readonly late: number; readonly dup: number; readonly socketDrops: number }
export interface SentEvent {
  readonly ev: "sent";
  readonly packets: number;
  readonly errors: number;
  readonly rate: number;
  readonly startNs: number;
  readonly maxLateNs: number;
  readonly lateOver1ms: number;
}

export type ReceiverEvent = GapEvent | LateEvent | StallEvent | StartEvent | ReadyEvent | TickEvent | EndEvent;

const RECEIVER_EVENTS = new Set(["gap", "late", "stall", "start", "ready", "tick", "end"]);

/** Parses one receiver line; undefined for anything that is not a receiver event. */
export function parseReceiverLine(line: string): ReceiverEvent | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const v = JSON.parse(line) as { ev?: unknown };
    return typeof v.ev === "string" && RECEIVER_EVENTS.has(v.ev) ? (v as ReceiverEvent) : undefined;
  } catch {
    return undefined;
  }
}
