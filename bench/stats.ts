/** Order statistics for benchmark samples (milliseconds). */
export interface Summary {
  readonly median: number;
  readonly p95: number;
  readonly max: number;
}

/**
 * Median (mean of the two middle values for an even count), p95 by the
 * nearest-rank method (the smallest sample with at least 95% of samples at
 * or below it: never an interpolated value nobody measured) and maximum.
 * Rounded to microseconds. Throws on no samples or a non-finite one: a
 * summary of nothing must not look like a result.
 */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError("summarize: no samples");
  for (const s of samples) {
    if (!Number.isFinite(s)) throw new RangeError(`summarize: sample ${s} is not a finite number`);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { median: roundUs(median), p95: roundUs(nearestRank(sorted, 95)), max: roundUs(sorted[n - 1]!) };
}

/** The p-th percentile of ascending samples by nearest rank (1-based rank ceil(p/100 * n)). */
export function nearestRank(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) throw new RangeError("nearestRank: no samples");
  const rank = Math.max(1, Math.ceil((p / 100) * sortedAscending.length));
  return sortedAscending[rank - 1]!;
}

/** Milliseconds rounded to 3 decimals (1 us): finer digits are noise here. */
export function roundUs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export function nsToMs(ns: bigint | number): number {
  return Number(ns) / 1e6;
}
