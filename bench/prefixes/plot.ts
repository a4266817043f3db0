/**
 * The prefix-scale benchmark's picture: each figure (seconds or ms) against
 * the number of protected prefixes, log-log, one small panel per figure.
 * Hand-written SVG, like the failover plot: no library, diffable.
 */
import { writeFileSync } from "node:fs";

export interface PlotPanel {
  readonly title: string;
  readonly unit: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

const W = 300;
const H = 200;
const M = { left: 55, right: 15, top: 30, bottom: 35 };
const COLS = 3;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function decades(values: number[]): [number, number] {
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  return [lo, hi === lo ? lo + 1 : hi];
}

function panel(p: PlotPanel, ox: number, oy: number): string {
  const pts = p.points.filter((q) => q.x > 0 && q.y > 0 && Number.isFinite(q.y));
  const out = [`<text x="${ox + W / 2}" y="${oy + 18}" text-anchor="middle" font-size="13">${esc(p.title)} (${esc(p.unit)})</text>`];
  if (!pts.length) return out.join("\n");
  const [xl, xh] = decades(pts.map((q) => q.x));
  const [yl, yh] = decades(pts.map((q) => q.y));
  const X = (x: number) => ox + M.left + ((Math.log10(x) - xl) / (xh - xl)) * (W - M.left - M.right);
  const Y = (y: number) => oy + H - M.bottom - ((Math.log10(y) - yl) / (yh - yl)) * (H - M.top - M.bottom);
  out.push(`<rect x="${ox + M.left}" y="${oy + M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#999"/>`);
  for (let e = xl; e <= xh; e++) out.push(`<text x="${X(10 ** e)}" y="${oy + H - M.bottom + 14}" text-anchor="middle" font-size="10">${10 ** e}</text>`);
  for (let e = yl; e <= yh; e++) out.push(`<text x="${ox + M.left - 4}" y="${Y(10 ** e) + 3}" text-anchor="end" font-size="10">${fmt(10 ** e)}</text>`);
  out.push(`<polyline fill="none" stroke="#0072b2" stroke-width="1.5" points="${pts.map((q) => `${X(q.x).toFixed(1)},${Y(q.y).toFixed(1)}`).join(" ")}"/>`);
  for (const q of pts) out.push(`<circle cx="${X(q.x).toFixed(1)}" cy="${Y(q.y).toFixed(1)}" r="3" fill="#0072b2"><title>${q.x}: ${fmt(q.y)} ${esc(p.unit)}</title></circle>`);
  out.push(`<text x="${ox + W / 2}" y="${oy + H - 6}" text-anchor="middle" font-size="10">protected prefixes</text>`);
  return out.join("\n");
}

export function prefixPlotSvg(panels: readonly PlotPanel[], caption: string): string {
  const rows = Math.ceil(panels.length / COLS);
  const width = COLS * W;
  const height = rows * H + 30;
  const body = panels.map((p, i) => panel(p, (i % COLS) * W, Math.floor(i / COLS) * H)).join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${body}\n`
    + `<text x="8" y="${height - 10}" font-size="11">${esc(caption)}</text>\n</svg>\n`;
}

export function writePrefixPlot(file: string, panels: readonly PlotPanel[], caption: string): void {
  writeFileSync(file, prefixPlotSvg(panels, caption));
}
