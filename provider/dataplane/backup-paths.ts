/**
 * The backup paths a router probes: one per backup policy (one protected
 * link end towards one destination router), each sending, every interval,
 * one probe of each kind (bpf/lib/srv6p_layout.h): the whole segment list
 * at the probe size, the whole list small, and each proper prefix of the
 * list small, so a broken path tells which segment fails.
 */
import { DEFAULTS, LIMITS, type BackupPolicyConfig } from "../../model/schema";
import { PATH_KIND, PATH_KIND_BITS } from "./constants";

export interface ProbedPath {
  /** 1.., in policy name order on this router: the path key's high bits. */
  readonly id: number;
  readonly policy: string;
  readonly link: string;
  readonly segments: readonly string[];
  /** After the router-wide cap (LIMITS.backupProbesPerSecondPerRouter). */
  readonly intervalMs: number;
  /** The link's own setting, before the cap. */
  readonly configuredIntervalMs: number;
}

export interface BackupProbePlan {
  readonly paths: readonly ProbedPath[];
  /** Policies whose link probes its backups but which are over LIMITS.probedBackupPathsPerRouter. */
  readonly unprobed: readonly string[];
  /** Probes per second of all paths together, after the cap. */
  readonly probesPerSecond: number;
}

/** One probe of each kind per interval: full, small, and the n-1 proper prefixes. */
export const probesPerRound = (segments: number): number => segments + 1;

export function pathKey(id: number, kind: number): number {
  return ((id << PATH_KIND_BITS) | kind) >>> 0;
}

export function pathKeyParts(key: number): { id: number; kind: number } {
  return { id: key >>> PATH_KIND_BITS, kind: key & ((1 << PATH_KIND_BITS) - 1) };
}

/** The kinds a path of `segments` segments sends, with the segment list each one follows. */
export function pathKinds(segments: readonly string[]): { kind: number; segments: readonly string[] }[] {
  const out: { kind: number; segments: readonly string[] }[] = [{ kind: PATH_KIND.full, segments }, { kind: PATH_KIND.small, segments }];
  for (let k = 1; k < segments.length; k++) out.push({ kind: PATH_KIND.prefix + k - 1, segments: segments.slice(0, k) });
  return out;
}

export function planBackupProbes(
  policies: readonly BackupPolicyConfig[],
  intervalOfLink: (link: string) => number | undefined,
): BackupProbePlan {
  const chosen: { policy: BackupPolicyConfig; intervalMs: number }[] = [];
  const unprobed: string[] = [];
  for (const p of [...policies].sort((x, y) => x.name.localeCompare(y.name))) {
    const intervalMs = intervalOfLink(p.link) ?? DEFAULTS.backup_probe_interval_ms;
    if (intervalMs === 0) continue;
    if (chosen.length >= LIMITS.probedBackupPathsPerRouter) unprobed.push(p.name);
    else chosen.push({ policy: p, intervalMs });
  }
  const rate = chosen.reduce((sum, c) => sum + (probesPerRound(c.policy.segments.length) * 1000) / c.intervalMs, 0);
  const stretch = rate > LIMITS.backupProbesPerSecondPerRouter ? rate / LIMITS.backupProbesPerSecondPerRouter : 1;
  const paths = chosen.map((c, i) => ({
    id: i + 1, policy: c.policy.name, link: c.policy.link, segments: c.policy.segments,
    // The epsilon keeps float rounding from landing a hair above the cap.
    intervalMs: stretch > 1 ? Math.ceil(c.intervalMs * stretch + 1e-6) : c.intervalMs, configuredIntervalMs: c.intervalMs,
  }));
  const probesPerSecond = paths.reduce((sum, p) => sum + (probesPerRound(p.segments.length) * 1000) / p.intervalMs, 0);
  return { paths, unprobed, probesPerSecond };
}
