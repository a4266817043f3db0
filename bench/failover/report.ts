/**
 * The failover benchmark's results: one run per setting, in the shape the
 * issue fixes (`{"runs": [...]}`), plus a table for people. Every run says
 * what it failed (`failure`), so link and node runs can share one report.
 * The results file under bench/results/ also keeps every failure's record.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { summarize, roundUs, type Summary } from "../stats";
import type { FailureRecord } from "./measure";
import type { LoadResult } from "./load";
import type { Setting } from "./system";

export interface RunResult {
  readonly system: Setting["system"];
  readonly intervalMs: number;
  readonly multiplier: number;
  /** What every failure of the run was (inject.ts failureLabel): "link r1-r2" (silent), "carrier r1-r2", "node r2". */
  readonly failure: string;
  /** Failures injected; failures whose detection or loss could not be measured are in `problems`. */
  readonly failures: number;
  readonly detectMs: Summary | null;
  /** Loss window of the forward stream (link.a's protection). */
  readonly lossMs: Summary | null;
  /** Loss window of the reverse stream (link.b's protection; with a node failure, the router's beyond it). */
  readonly reverseLossMs: Summary | null;
  /** Lost packets / rate: the loss window without sender or receiver timing noise. */
  readonly lossByCountMs: Summary | null;
  /** |reverse cut - forward cut| as the two streams see it: 0 by construction of the lab's wire, plus one packet period and jitter. */
  readonly injectSkewMs: Summary | null;
  readonly falseFailovers: number | null;
  readonly loadSeconds: number;
  readonly loadLostPackets: number | null;
  /** Down declarations outside the load phase that no injected failure caused. */
  readonly unprovokedFailovers: number;
  readonly healLostPackets: number;
  readonly problems: readonly string[];
}

export function summarizeRun(
  setting: Setting, failure: string, records: readonly FailureRecord[], load: LoadResult | undefined, loadSeconds: number,
  unprovokedFailovers = 0,
): RunResult {
  const finite = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
  const orNull = (xs: number[]) => (xs.length ? summarize(xs) : null);
  return {
    system: setting.system,
    intervalMs: setting.intervalMs,
    multiplier: setting.multiplier,
    failure,
    failures: records.length,
    detectMs: orNull(finite(records.map((r) => r.problem ? undefined : r.detectMs))),
    lossMs: orNull(finite(records.map((r) => r.problem ? undefined : r.lossMs))),
    reverseLossMs: orNull(finite(records.map((r) => r.problem ? undefined : r.reverseLossMs))),
    lossByCountMs: orNull(finite(records.map((r) => r.problem ? undefined : r.lossByCountMs)).map(roundUs)),
    injectSkewMs: orNull(finite(records.map((r) => (r.skewMs === undefined ? undefined : Math.abs(r.skewMs))))),
    falseFailovers: load ? load.falseFailovers : null,
    loadSeconds: load ? load.loadSeconds : loadSeconds,
    loadLostPackets: load ? load.lostPackets : null,
    unprovokedFailovers,
    healLostPackets: records.reduce((n, r) => n + r.healLostPackets, 0),
    problems: records.filter((r) => r.problem).map((r) => `failure ${r.index}: ${r.problem}`),
  };
}

export function formatTable(runs: readonly RunResult[]): string {
  const header = ["system", "timers", "failure", "fails", "detect med/p95/max ms", "loss a->b med/p95/max ms", "loss b->a med/p95/max ms", "loss by count med ms", "false failovers (load s)"];
  const s = (x: Summary | null) => (x ? `${x.median.toFixed(2)} / ${x.p95.toFixed(2)} / ${x.max.toFixed(2)}` : "-");
  const rows = runs.map((r) => [
    r.system,
    `${r.intervalMs} ms x ${r.multiplier}`,
    r.failure,
    `${r.failures - r.problems.length}/${r.failures}`,
    s(r.detectMs),
    s(r.lossMs),
    s(r.reverseLossMs),
    r.lossByCountMs ? r.lossByCountMs.median.toFixed(2) : "-",
    (r.falseFailovers === null ? "-" : `${r.falseFailovers} (${r.loadSeconds})`) +
      (r.unprovokedFailovers ? `, ${r.unprovokedFailovers} unprovoked at idle` : ""),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n") + "\n";
}

/** bench/results/ in the source tree (git-ignored). */
export const RESULTS_DIR = resolve(__dirname, "../../../bench/results");

export function writeResults(doc: object, dir = RESULTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `failover-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(doc, null, 2) + "\n");
  return file;
}
