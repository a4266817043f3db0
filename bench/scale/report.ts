/** The scale benchmark's result: one JSON document, or a table for people. */
import type { StackCounts } from "./stack";
import type { Verb } from "./controller";
import type { LabFootprint } from "./lab-footprint";

/** Seconds, summarized over runs. */
export interface SecondsSummary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: number[];
}

/** Peak memory of the controller process during one kind of operation (max over runs), MiB. */
export interface MemorySummary {
  readonly peakRssMiB: number;
  readonly peakHeapUsedMiB: number;
  /** Median controller CPU time (user + system) of this verb, seconds. */
  readonly cpuS: number;
}

export interface ScaleResult {
  readonly routers: number;
  readonly hosts: number;
  readonly links: number;
  readonly seed: number;
  readonly runs: number;
  readonly parallelism?: number;
  readonly stack: StackCounts;
  /** Changes each run's apply made (run 1 on a fresh lab; later runs after destroy: equal when destroy restores everything). */
  readonly applyChanges: number[];
  readonly labUpS: number;
  readonly synthS: number;
  readonly applyS: SecondsSummary;
  readonly noopPlanS: SecondsSummary;
  readonly driftS: SecondsSummary;
  readonly statusS: SecondsSummary;
  readonly destroyS: SecondsSummary;
  readonly labDownS?: number;
  /** Link ends whose probes came back (state up, sender alive), out of all, at every status check. */
  readonly linkEndsUp: { readonly min: number; readonly of: number };
  /** Failovers counted by the routers during the runs: with no failure injected, every one is false. */
  readonly falseFailovers: number;
  /** How long run 1 soaked with nothing failed (the false failovers include that time). */
  readonly soakSeconds: number;
  /** The routers' cost on this machine while protection runs (measured in run 1). */
  readonly labFootprint?: LabFootprint;
  readonly controllerPeakRssMiB: number;
  readonly controllerPeakHeapMiB: number;
  readonly memory: Partial<Record<Verb, MemorySummary>>;
  readonly loadAverage1m: { readonly start: number; readonly end: number };
  readonly ok: boolean;
  readonly errors: string[];
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function secondsSummary(ms: readonly number[]): SecondsSummary {
  const s = ms.map((x) => round3(x / 1000));
  if (s.length === 0) return { median: NaN, min: NaN, max: NaN, samples: [] };
  const sorted = [...s].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { median: round3(median), min: sorted[0]!, max: sorted[n - 1]!, samples: s };
}

export function mib(bytes: number): number {
  return Math.round((bytes / 1048576) * 10) / 10;
}

/** JSON with NaN (no sample) as null: a summary of nothing must not look like a result. */
export function resultJson(r: ScaleResult): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v));
}

export function formatTable(r: ScaleResult): string {
  const s = (x: SecondsSummary): string => (x.samples.length ? `${x.median.toFixed(2)} s  (min ${x.min.toFixed(2)}, max ${x.max.toFixed(2)}, n=${x.samples.length})` : "-");
  const m = (v: Verb): string => {
    const x = r.memory[v];
    return x ? `rss ${x.peakRssMiB} MiB, heap ${x.peakHeapUsedMiB} MiB, controller cpu ${x.cpuS.toFixed(2)} s` : "-";
  };
  const rows: [string, string][] = [
    ["network", `${r.routers} routers, ${r.links} links, ${r.hosts} hosts (seed ${r.seed})`],
    ["declared", `${r.stack.routers} srv6_router, ${r.stack.protectedLinks} srv6_protected_link, ${r.stack.backupPolicies} srv6_backup_policy`],
    ["apply changes", r.applyChanges.join(", ") + (r.applyChanges.length > 1 ? " (per run)" : "")],
    ["lab up", `${r.labUpS.toFixed(2)} s`],
    ["synth", `${r.synthS.toFixed(2)} s`],
    ["apply from empty", s(r.applyS)],
    ["no-op plan", s(r.noopPlanS)],
    ["drift check", s(r.driftS)],
    ["status", s(r.statusS)],
    ["destroy", s(r.destroyS)],
    ["lab down", r.labDownS === undefined ? "-" : `${r.labDownS.toFixed(2)} s`],
    ["link ends up", `${r.linkEndsUp.min}/${r.linkEndsUp.of} (lowest of every status check)`],
    ["false failovers", `${r.falseFailovers} (every run's counters right after apply, plus a ${r.soakSeconds} s soak in run 1)`],
    ["probe senders", r.labFootprint ? `${r.labFootprint.probeSenders} running, ${r.labFootprint.probeSendersCpuPercent}% of one CPU together (over ${r.labFootprint.windowS} s)` : "-"],
    ["router processes", r.labFootprint ? `${r.labFootprint.routerProcesses} (sshd, senders), ${r.labFootprint.routerProcessesRssMiB} MiB resident` : "-"],
    ["controller peak", `rss ${r.controllerPeakRssMiB} MiB, heap ${r.controllerPeakHeapMiB} MiB`],
    ["  apply", m("apply")],
    ["  plan", m("plan")],
    ["  drift", m("drift")],
    ["  destroy", m("destroy")],
    ["load average 1m", `${r.loadAverage1m.start.toFixed(1)} at start, ${r.loadAverage1m.end.toFixed(1)} at end (2 CPUs)`],
    ["result", r.ok ? "ok" : `FAILED: ${r.errors.join(" | ")}`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return `scale benchmark (runs: ${r.runs}${r.parallelism ? `, parallelism ${r.parallelism}` : ""})\n${rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join("\n")}\n`;
}
