/**
 * A backup path's health, from its probes' counters (srv6p_path_sent, which
 * the probe sender writes, and srv6p_path_seen, which the monitor writes):
 *   ok        the full-size probe comes home;
 *   degraded  only the small probe does: packets of the probe size are lost
 *             on the path (an MTU too small for them plus the SRH);
 *   broken    neither does; the first list prefix whose probe does not come
 *             home names the segment that fails;
 *   unknown   not probed, not probed long enough, or the probes stopped.
 * Counts, not clocks, decide, as for the links: a kind is lost once
 * BACKUP_PROBE_MISSES probes in a row went unanswered.
 */
import { PATH_KIND } from "./constants";
import { pathKey, type ProbedPath } from "./backup-paths";
import type { PathSeenValue, PathSentValue } from "./map-layout";

export type BackupHealth = "ok" | "degraded" | "broken" | "unknown";

/** Unanswered probes in a row that make a probe kind lost (at 1 s, lost within 3 to 4 s). */
export const BACKUP_PROBE_MISSES = 3;
/** errno of a send larger than the first hop's MTU. */
const EMSGSIZE = 90;

export interface BackupPathHealth {
  readonly health: BackupHealth;
  /** Why, for anything but ok. */
  readonly reason?: string;
  /** broken: the first segment whose probe does not come home (0-based index into the segments). */
  readonly failingSegment?: { readonly index: number; readonly sid: string };
  readonly lastRttMs?: number;
  readonly lastReturnAgeMs?: number;
  /** Full-size probes sent and come home since the sender started. */
  readonly sent: number;
  readonly returned: number;
}

interface KindView {
  readonly sent?: PathSentValue;
  readonly seen?: PathSeenValue;
}

type KindState = "returning" | "lost" | "starting" | "stopped";

function kindState(k: KindView, nowNs: bigint, intervalMs: number): KindState {
  if (!k.sent) return "starting";
  // The sender writes before each send: no new send for 3 intervals (and 2 s) means it stopped.
  const quietNs = BigInt(Math.max(2000, 3 * intervalMs)) * 1_000_000n;
  if (nowNs - k.sent.lastSentNs > quietNs) return "stopped";
  const unanswered = k.sent.lastSeq - (k.seen?.lastSeq ?? 0);
  if (unanswered < BACKUP_PROBE_MISSES) return k.seen || k.sent.lastSeq >= BACKUP_PROBE_MISSES ? "returning" : "starting";
  return "lost";
}

const ms = (ns: bigint): number => Number(ns / 1000n) / 1000;

export function backupPathHealth(
  path: ProbedPath,
  sent: ReadonlyMap<number, PathSentValue>,
  seen: ReadonlyMap<number, PathSeenValue>,
  nowNs: bigint,
  packetBytes: number,
): BackupPathHealth {
  const view = (kind: number): KindView => ({ sent: sent.get(pathKey(path.id, kind)), seen: seen.get(pathKey(path.id, kind)) });
  const full = view(PATH_KIND.full);
  const base = {
    sent: Number(full.sent?.sent ?? 0n),
    returned: Number(full.seen?.returned ?? 0n),
    ...(full.seen && full.seen.lastRttNs > 0n ? { lastRttMs: ms(full.seen.lastRttNs) } : {}),
    ...(full.seen && full.seen.lastReturnNs > 0n ? { lastReturnAgeMs: ms(nowNs - full.seen.lastReturnNs) } : {}),
  };
  const fullState = kindState(full, nowNs, path.intervalMs);
  if (fullState === "returning") return { health: "ok", ...base };
  if (fullState === "starting") return { health: "unknown", reason: "probing has just started", ...base };
  if (fullState === "stopped") return { health: "unknown", reason: "no probe sent recently: the probe sender is not running this path", ...base };
  const small = kindState(view(PATH_KIND.small), nowNs, path.intervalMs);
  if (small === "returning") {
    const refused = full.sent?.lastErrno === EMSGSIZE ? ` (this router refuses to send them: larger than the first hop's MTU)` : "";
    return {
      health: "degraded", ...base,
      reason: `probes carrying a ${packetBytes}-byte packet are lost, small ones come home: an MTU on the path is below ${packetBytes} bytes plus the outer header and SRH${refused}`,
    };
  }
  for (let k = 1; k < path.segments.length; k++) {
    if (kindState(view(PATH_KIND.prefix + k - 1), nowNs, path.intervalMs) === "lost") {
      return { health: "broken", ...base, failingSegment: { index: k - 1, sid: path.segments[k - 1]! }, reason: `probes do not come back from segment ${k} (${path.segments[k - 1]})` };
    }
  }
  const last = path.segments.length - 1;
  return {
    health: "broken", ...base, failingSegment: { index: last, sid: path.segments[last]! },
    reason: path.segments.length > 1
      ? `probes come back from every segment before the last, not through the last (${path.segments[last]}): the destination does not decapsulate, or its way back fails`
      : `probes do not come back through ${path.segments[last]}`,
  };
}
