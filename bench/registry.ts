import type { Benchmark } from "./benchmark";
import { failoverBenchmark } from "./failover";
import { applyBenchmark } from "./apply";
import { scaleBenchmark } from "./scale";
import { prefixesBenchmark } from "./prefixes";
import { backupProbesBenchmark } from "./backup-probes";

/** Every benchmark. Add one by writing bench/<name>/index.ts and listing it here. */
export const benchmarks: readonly Benchmark[] = [failoverBenchmark, applyBenchmark, scaleBenchmark, prefixesBenchmark, backupProbesBenchmark];

export function findBenchmark(name: string): Benchmark | undefined {
  return benchmarks.find((b) => b.name === name);
}
