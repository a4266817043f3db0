/**
 * The failover benchmark's picture: the loss window of every injected
 * failure (x: failure number, y: ms), one series per system and timer
 * setting, a dashed median line per series and a legend. Hand-written SVG
 * text: the plot needs no library, and a reviewer can diff it.
 *
 * Usage: node dist/bench/failover/plot.js bench/results/failover-<time>.json
 * writes bench/results/failover-<time>.svg beside it.
 */
import { readFileSync, writeFileSync } from "node:fs";

/** One failure of one run, as the results file keeps it (details[].records[]). */
interface PlotRecord { readonly index: number; readonly lossMs?: number; readonly problem?: string }
interface PlotDetail { readonly system?: string; readonly intervalMs?: number; readonly multiplier?: number; readonly failure?: string; readonly records?: readonly PlotRecord[] }
export interface FailoverResultsDoc { readonly details?: readonly PlotDetail[] }

export interface PlotSeries { readonly label: string; readonly points: readonly { x: number; y: number }[]; readonly median: number }

const HEIGHT = 420;
/** `right` is the legend's column: at least 220 px, wider for long labels (about 7 px a character at 12 px); the picture grows with it. */
const MARGIN = { left: 70, right: 220, top: 40, bottom: 50 };
const PLOT_WIDTH = 470;
const legendWidth = (series: readonly PlotSeries[]) => Math.max(MARGIN.right, 66 + 7 * Math.max(0, ...series.map((s) => s.label.length)));
/** Distinct on white and for the common colour-vision deficiencies (Okabe-Ito). */
const COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"];

/** One series per run that kept its per-failure records; failures with a problem are left out. */
export function seriesOf(doc: FailoverResultsDoc): PlotSeries[] {
  return (doc.details ?? []).filter((d) => Array.isArray(d.records) && d.system !== undefined).map((d) => {
    const points = d.records!
      .filter((r) => !r.problem && typeof r.lossMs === "number" && Number.isFinite(r.lossMs) && r.lossMs > 0)
      .map((r) => ({ x: r.index, y: r.lossMs! }));
    return { label: seriesLabel(d), points, median: median(points.map((p) => p.y)) };
  });
}

/** "srv6-protect 1 ms x 3", and what failed when the run says so (results before the node case do not): "srv6-protect 1 ms x 3, node r2". */
export function seriesLabel(d: Pick<PlotDetail, "system" | "intervalMs" | "multiplier" | "failure">): string {
  return `${d.system} ${d.intervalMs} ms x ${d.multiplier}${d.failure ? `, ${d.failure}` : ""}`;
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const num = (x: number) => Number(x.toFixed(2)).toString();

/** A y axis: linear from 0, or log10 when the values span more than a factor of 10 (ours vs FRR). */
function yAxis(values: number[]): { log: boolean; at: (v: number) => number; ticks: number[] } {
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (hi / lo > 10) {
    const min = Math.floor(Math.log10(lo));
    const max = Math.ceil(Math.log10(hi));
    const ticks: number[] = [];
    for (let e = min; e <= max; e++) for (const m of [1, 2, 5]) if (m * 10 ** e >= 10 ** min && m * 10 ** e <= 10 ** max) ticks.push(m * 10 ** e);
    const at = (v: number) => MARGIN.top + plotH * (1 - (Math.log10(v) - min) / (max - min || 1));
    return { log: true, at, ticks };
  }
  const step = niceStep(hi / 5);
  const top = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(v);
  return { log: false, at: (v) => MARGIN.top + plotH * (1 - v / top), ticks };
}

function niceStep(raw: number): number {
  const e = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * e).find((s) => s >= raw) ?? 10 * e;
}

export function plotSvg(series: readonly PlotSeries[], title = "Loss window per failure"): string {
  const all = series.flatMap((s) => s.points.map((p) => p.y));
  const maxX = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.x)));
  const plotW = PLOT_WIDTH;
  const width = MARGIN.left + plotW + legendWidth(series);
  const x = (i: number) => MARGIN.left + (maxX === 1 ? plotW / 2 : (plotW * (i - 1)) / (maxX - 1));
  const y = yAxis(all.length ? all : [1]);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${HEIGHT}" fill="white"/>`);
  out.push(`<text x="${MARGIN.left}" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`);
  // Axes and grid.
  const bottom = HEIGHT - MARGIN.bottom;
  const right = MARGIN.left + plotW;
  out.push(`<g class="grid" stroke="#ddd">`);
  for (const t of y.ticks) out.push(`<line x1="${MARGIN.left}" x2="${right}" y1="${num(y.at(t))}" y2="${num(y.at(t))}"/>`);
  out.push(`</g>`);
  out.push(`<g class="axis" stroke="#333"><line x1="${MARGIN.left}" x2="${right}" y1="${bottom}" y2="${bottom}"/><line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${bottom}"/></g>`);
  out.push(`<g class="y-ticks" text-anchor="end">`);
  for (const t of y.ticks) out.push(`<text x="${MARGIN.left - 6}" y="${num(y.at(t) + 4)}">${num(t)}</text>`);
  out.push(`</g>`);
  const xStep = Math.max(1, Math.ceil(maxX / 10));
  out.push(`<g class="x-ticks" text-anchor="middle">`);
  for (let i = 1; i <= maxX; i += xStep) out.push(`<text x="${num(x(i))}" y="${bottom + 16}">${i}</text>`);
  out.push(`</g>`);
  out.push(`<text x="${num(MARGIN.left + plotW / 2)}" y="${HEIGHT - 12}" text-anchor="middle">failure number</text>`);
  out.push(`<text transform="translate(18 ${num(MARGIN.top + (bottom - MARGIN.top) / 2)}) rotate(-90)" text-anchor="middle">loss window, ms${y.log ? " (log scale)" : ""}</text>`);
  // Series: points, a dashed median line, a legend entry.
  series.forEach((s, k) => {
    const colour = COLOURS[k % COLOURS.length]!;
    out.push(`<g class="series" data-label="${esc(s.label)}" fill="${colour}" stroke="${colour}">`);
    for (const p of s.points) out.push(`<circle class="point" cx="${num(x(p.x))}" cy="${num(y.at(p.y))}" r="3.5"/>`);
    if (Number.isFinite(s.median)) {
      out.push(`<line class="median" x1="${MARGIN.left}" x2="${right}" y1="${num(y.at(s.median))}" y2="${num(y.at(s.median))}" stroke-dasharray="6 4" stroke-width="1.2"/>`);
    }
    out.push(`</g>`);
    const ly = MARGIN.top + 10 + k * 36;
    out.push(`<g class="legend-entry"><circle cx="${right + 20}" cy="${ly}" r="4" fill="${colour}"/><line x1="${right + 30}" x2="${right + 50}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-dasharray="6 4"/>` +
      `<text x="${right + 56}" y="${ly + 4}">${esc(s.label)}</text>` +
      `<text x="${right + 56}" y="${ly + 18}" fill="#555">median ${Number.isFinite(s.median) ? num(s.median) : "-"} ms, n=${s.points.length}</text></g>`);
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

/** Writes the SVG beside a results file (failover-<time>.json -> failover-<time>.svg) and returns its path. */
export function writePlot(resultsFile: string): string {
  const doc = JSON.parse(readFileSync(resultsFile, "utf8")) as FailoverResultsDoc;
  const svgFile = resultsFile.replace(/\.json$/, "") + ".svg";
  writeFileSync(svgFile, plotSvg(seriesOf(doc)));
  return svgFile;
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write("usage: node dist/bench/failover/plot.js bench/results/failover-<time>.json...\n");
    process.exit(64);
  }
  for (const f of files) process.stdout.write(`${writePlot(f)}\n`);
}
