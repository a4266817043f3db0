/**
 * Preloaded into a controller process (`node -r .../memory-probe.js bin/srv6 ...`)
 * to measure its peak memory from the inside, where the V8 heap is visible:
 * samples process.memoryUsage() every 10 ms and, on exit, writes the peaks
 * the kernel's own peak RSS (getrusage ru_maxrss) and the CPU time used as JSON to the file
 * named by env SRV6_SCALE_MEMORY_FILE. Without that variable it does nothing.
 */
import { writeFileSync } from "node:fs";

export const MEMORY_FILE_ENV = "SRV6_SCALE_MEMORY_FILE";

/** What the probe writes (bytes). */
export interface MemoryPeaks {
  /** Kernel peak resident set size (ru_maxrss): every page ever resident at once, including before the first sample. */
  readonly maxRssBytes: number;
  /** Highest sampled V8 heap in use. */
  readonly peakHeapUsedBytes: number;
  /** Highest sampled V8 heap reserved. */
  readonly peakHeapTotalBytes: number;
  readonly samples: number;
  /** CPU time the controller itself used (user + system), ms: separates controller cost from the routers' side. */
  readonly cpuMs: number;
}

const file = process.env[MEMORY_FILE_ENV];
if (file) {
  let peakHeapUsedBytes = 0;
  let peakHeapTotalBytes = 0;
  let samples = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    peakHeapUsedBytes = Math.max(peakHeapUsedBytes, m.heapUsed);
    peakHeapTotalBytes = Math.max(peakHeapTotalBytes, m.heapTotal);
    samples++;
  };
  // unref: the probe must never keep the controller alive.
  setInterval(sample, 10).unref();
  process.once("exit", () => {
    sample();
    const usage = process.resourceUsage();
    const cpuMs = Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000);
    const peaks: MemoryPeaks = { maxRssBytes: usage.maxRSS * 1024, peakHeapUsedBytes, peakHeapTotalBytes, samples, cpuMs };
    writeFileSync(file, JSON.stringify(peaks));
  });
}
