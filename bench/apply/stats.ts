/**
 * Wall-time statistics and the JSON shape of `npm run bench -- apply --json`:
 * `{"runs": [{system, routers, applyS, noopPlanS, driftS}]}`, each spread
 * `{median, min, max}` in seconds.
 */
import type { SystemName } from "./options";

/** Median, minimum and maximum of wall times, in seconds. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The operations measured for every system. */
export type Operation = "apply" | "noopPlan" | "drift";
export const OPERATIONS: readonly Operation[] = ["apply", "noopPlan", "drift"];

/** Samples of one system, in milliseconds, per operation. */
export type Samples = Record<Operation, number[]>;

export interface SystemRun {
  readonly system: SystemName;
  readonly routers: number;
  readonly applyS: Spread;
  readonly noopPlanS: Spread;
  readonly driftS: Spread;
}

/**
 * Median (mean of the two middle values for an even count), min and max of
 * millisecond samples, as seconds rounded to milliseconds. Throws on no
 * samples or a non-finite one: a spread of nothing must not look like a result.
 */
export function spread(samplesMs: readonly number[]): Spread {
  if (samplesMs.length === 0) throw new RangeError("spread: no samples");
  for (const s of samplesMs) {
    if (!Number.isFinite(s) || s < 0) throw new RangeError(`spread: sample ${s} is not a non-negative finite number`);
  }
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { median: msToS(median), min: msToS(sorted[0]!), max: msToS(sorted[n - 1]!) };
}

/** Milliseconds to seconds with 3 decimals: finer digits are process-start noise. */
export function msToS(ms: number): number {
  return Math.round(ms) / 1000;
}

export function systemRun(system: SystemName, routers: number, samples: Samples): SystemRun {
  return { system, routers, applyS: spread(samples.apply), noopPlanS: spread(samples.noopPlan), driftS: spread(samples.drift) };
}

/** The one JSON document printed with --json. */
export function resultJson(runs: readonly SystemRun[]): { runs: SystemRun[] } {
  return { runs: runs.map((r) => ({ system: r.system, routers: r.routers, applyS: r.applyS, noopPlanS: r.noopPlanS, driftS: r.driftS })) };
}

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

/** Issue 4's targets: apply at least 5x faster than tuned Ansible; our no-op plan and drift check each under 1 s. */
export function checkTargets(runs: readonly SystemRun[]): TargetCheck[] {
  const ours = runs.find((r) => r.system === "srv6-protect");
  if (!ours) return [];
  const checks: TargetCheck[] = [];
  const tuned = runs.find((r) => r.system === "ansible-tuned");
  if (tuned) {
    const ratio = tuned.applyS.median / ours.applyS.median;
    checks.push({ target: "apply >= 5x faster than ansible-tuned (medians)", measured: `${ratio.toFixed(1)}x`, met: ratio >= 5 });
  }
  checks.push({ target: "no-op plan < 1 s (median)", measured: `${ours.noopPlanS.median.toFixed(3)} s`, met: ours.noopPlanS.median < 1 });
  checks.push({ target: "drift check < 1 s (median)", measured: `${ours.driftS.median.toFixed(3)} s`, met: ours.driftS.median < 1 });
  return checks;
}

/** The human-readable result: one row per system, then the targets. */
export function formatTable(runs: readonly SystemRun[], runsPerSystem: number): string {
  const cell = (s: Spread) => `${s.median.toFixed(3)} (${s.min.toFixed(3)}-${s.max.toFixed(3)})`.padEnd(26);
  const lines = [
    `wall time in seconds: median (min-max) of ${runsPerSystem} run(s)`,
    `${"system".padEnd(17)}${"routers".padEnd(9)}${"apply from empty".padEnd(26)}${"no-op plan".padEnd(26)}${"drift check".padEnd(26)}`,
    ...runs.map((r) => `${r.system.padEnd(17)}${String(r.routers).padEnd(9)}${cell(r.applyS)}${cell(r.noopPlanS)}${cell(r.driftS)}`),
  ];
  const targets = checkTargets(runs);
  if (targets.length) {
    lines.push("", "targets:");
    for (const t of targets) lines.push(`  ${t.met ? "met    " : "MISSED "} ${t.target}: ${t.measured}`);
  }
  return `${lines.join("\n")}\n`;
}
