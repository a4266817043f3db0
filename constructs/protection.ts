/** How a protected link is probed and when traffic moves back to it. */
import { DEFAULTS, LIMITS } from "../model/schema";
import { ConstructConfigError } from "./errors";
import { backupProbeIntervalProblem, detectionTimeProblem } from "../model/network-rules";
import type { ProtectionMode } from "./lib/ti-lfa";

export type { ProtectionMode };
export const PROTECTION_MODES: readonly ProtectionMode[] = ["link", "node", "srlg"];
const DEFAULT_PROTECTION: ProtectionMode = "link";

export interface ProtectionOptions {
  /**
   * Interval between two probes sent by each end of the link, in milliseconds.
   * @default 10 (detection in about multiplier x 10 ms)
   */
  readonly probeIntervalMs?: number;
  /**
   * Missed probes in a row that declare the link down and move traffic to the backup paths.
   * @default 3
   */
  readonly multiplier?: number;
  /**
   * How long probes must come back without a miss before traffic returns to the link, in milliseconds.
   * Stops a flapping link from flapping traffic.
   * @default 1000
   */
  readonly holdDownMs?: number;
  /**
   * Interval of the probes that check each of the link's backup paths
   * end to end, in milliseconds; 0 turns them off.
   * @default 1000
   */
  readonly backupProbeIntervalMs?: number;
  /**
   * What the backup paths avoid: `link` the protected link; `node` the
   * neighbour router at its other end with all its links (traffic to that
   * neighbour itself keeps link protection); `srlg` every link that shares
   * a risk group (`srlgs` of addLink) with the protected one.
   * @default "link"
   */
  readonly protection?: ProtectionMode;
  /**
   * With `node` or `srlg`, a destination that no path can reach around the
   * failed elements (a cut vertex, a group that partitions the network) gets
   * a link-protecting backup instead of failing synth.
   * @default false
   */
  readonly allowPartialCoverage?: boolean;
}

export interface ResolvedProtection {
  readonly probeIntervalMs: number;
  readonly multiplier: number;
  readonly holdDownMs: number;
  /** Only when set (on the link or the network): the provider applies the default. */
  readonly backupProbeIntervalMs?: number;
  readonly protection: ProtectionMode;
  readonly allowPartialCoverage: boolean;
}

/** Fills defaults (first `options`, then `fallback`, then the product defaults) and checks ranges. */
export function resolveProtection(subject: string, options: ProtectionOptions = {}, fallback: ProtectionOptions = {}): ResolvedProtection {
  const resolved = {
    probeIntervalMs: options.probeIntervalMs ?? fallback.probeIntervalMs ?? DEFAULTS.probe_interval_ms,
    multiplier: options.multiplier ?? fallback.multiplier ?? DEFAULTS.multiplier,
    holdDownMs: options.holdDownMs ?? fallback.holdDownMs ?? DEFAULTS.hold_down_ms,
    backupProbeIntervalMs: options.backupProbeIntervalMs ?? fallback.backupProbeIntervalMs,
    protection: options.protection ?? fallback.protection ?? DEFAULT_PROTECTION,
    allowPartialCoverage: options.allowPartialCoverage ?? fallback.allowPartialCoverage ?? false,
  };
  if (!PROTECTION_MODES.includes(resolved.protection)) {
    throw new ConstructConfigError(subject, "protection", resolved.protection, `must be one of ${PROTECTION_MODES.map((m) => `"${m}"`).join(", ")}`);
  }
  if (typeof resolved.allowPartialCoverage !== "boolean") {
    throw new ConstructConfigError(subject, "allowPartialCoverage", resolved.allowPartialCoverage, "must be true or false");
  }
  checkInteger(subject, "probeIntervalMs", resolved.probeIntervalMs, LIMITS.probe_interval_ms);
  checkInteger(subject, "multiplier", resolved.multiplier, LIMITS.multiplier);
  checkInteger(subject, "holdDownMs", resolved.holdDownMs, LIMITS.hold_down_ms);
  if (resolved.backupProbeIntervalMs !== undefined) {
    checkInteger(subject, "backupProbeIntervalMs", resolved.backupProbeIntervalMs, LIMITS.backup_probe_interval_ms);
    const problem = backupProbeIntervalProblem(resolved.backupProbeIntervalMs);
    if (problem) throw new ConstructConfigError(subject, "backupProbeIntervalMs", resolved.backupProbeIntervalMs, problem);
  } else delete (resolved as { backupProbeIntervalMs?: number }).backupProbeIntervalMs;
  const slow = detectionTimeProblem(resolved.probeIntervalMs, resolved.multiplier);
  if (slow) throw new ConstructConfigError(subject, "probeIntervalMs", resolved.probeIntervalMs, `probeIntervalMs x multiplier = ${slow}`);
  return resolved;
}

function checkInteger(subject: string, field: string, value: number, range: { minimum: number; maximum: number }): void {
  if (!Number.isInteger(value) || value < range.minimum || value > range.maximum) {
    throw new ConstructConfigError(subject, field, value, `must be an integer from ${range.minimum} to ${range.maximum}`);
  }
}
