/**
 * Deterministic force-directed layout (Fruchterman-Reingold): nodes start on
 * a circle in the given order, nudged by a seeded generator so symmetric
 * graphs still unfold, then springs pull linked nodes together while every
 * pair repels, under a cooling step limit. Same input, same picture: the
 * SVG can be committed and diffed.
 */
import { seededRng } from "../../model/seeded-random";

export interface LayoutInput {
  readonly nodes: readonly string[];
  readonly edges: readonly (readonly [string, string])[];
}

export interface Point {
  x: number;
  y: number;
}


const ITERATIONS = 400;

const ATTEMPTS = 12;
const GRAVITY = 0.5;

/**
 * Positions in a unit-free plane; the renderer scales them to its canvas.
 * A spring layout can settle folded (a grid drawn twisted), so several
 * seeded starts are tried and the one with the fewest link crossings wins
 * (the earliest among equals): still the same picture for the same input.
 */
export function forceLayout(input: LayoutInput): Map<string, Point> {
  let best: { pos: Map<string, Point>; crossings: number } | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const pos = relax(input, attempt);
    const crossings = countCrossings(pos, input.edges);
    if (!best || crossings < best.crossings) best = { pos, crossings };
    if (crossings === 0) break;
  }
  return best!.pos;
}

/** Link pairs that cross (links sharing a node never count). */
export function countCrossings(pos: Map<string, Point>, edges: LayoutInput["edges"]): number {
  let n = 0;
  const side = (p: Point, q: Point, r: Point): number => Math.sign((q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x));
  for (let i = 0; i < edges.length; i++) {
    for (let j = i + 1; j < edges.length; j++) {
      const [a, b] = edges[i]!;
      const [c, d] = edges[j]!;
      if (a === c || a === d || b === c || b === d) continue;
      const [pa, pb, pc, pd] = [pos.get(a)!, pos.get(b)!, pos.get(c)!, pos.get(d)!];
      if (side(pa, pb, pc) * side(pa, pb, pd) < 0 && side(pc, pd, pa) * side(pc, pd, pb) < 0) n++;
    }
  }
  return n;
}

/** One run: attempt 0 starts on a circle in the given order, later ones at seeded random points. */
function relax(input: LayoutInput, attempt: number): Map<string, Point> {
  const n = input.nodes.length;
  const pos = new Map<string, Point>();
  const random = seededRng(attempt + 1); // never Math.random: the same stack draws the same picture
  input.nodes.forEach((name, i) => {
    const angle = (2 * Math.PI * i) / Math.max(n, 1) - Math.PI / 2;
    pos.set(name, attempt === 0
      ? { x: Math.cos(angle) + (random() - 0.5) * 0.1, y: Math.sin(angle) + (random() - 0.5) * 0.1 }
      : { x: random() * 2 - 1, y: random() * 2 - 1 });
  });
  if (n < 2) return pos;
  const k = 1.6 / Math.sqrt(n); // ideal edge length in a plane of side ~2
  const points = input.nodes.map((name) => pos.get(name)!);
  const index = new Map(input.nodes.map((name, i) => [name, i]));
  const edges = input.edges.map(([a, b]) => [index.get(a)!, index.get(b)!] as const).filter(([a, b]) => a !== undefined && b !== undefined && a !== b);
  let temperature = 0.2;
  for (let it = 0; it < ITERATIONS; it++) {
    const disp = points.map(() => ({ x: 0, y: 0 }));
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = points[i]!.x - points[j]!.x;
        const dy = points[i]!.y - points[j]!.y;
        const d = Math.max(Math.hypot(dx, dy), 1e-3);
        const f = (k * k) / d;
        disp[i]!.x += (dx / d) * f; disp[i]!.y += (dy / d) * f;
        disp[j]!.x -= (dx / d) * f; disp[j]!.y -= (dy / d) * f;
      }
    }
    for (const [a, b] of edges) {
      const dx = points[a]!.x - points[b]!.x;
      const dy = points[a]!.y - points[b]!.y;
      const d = Math.max(Math.hypot(dx, dy), 1e-3);
      const f = (d * d) / k;
      disp[a]!.x -= (dx / d) * f; disp[a]!.y -= (dy / d) * f;
      disp[b]!.x += (dx / d) * f; disp[b]!.y += (dy / d) * f;
    }
    // Weak pull to the centre: parts not linked to each other stay near instead of drifting apart.
    for (let i = 0; i < n; i++) {
      disp[i]!.x -= points[i]!.x * GRAVITY * k;
      disp[i]!.y -= points[i]!.y * GRAVITY * k;
    }
    for (let i = 0; i < n; i++) {
      const len = Math.max(Math.hypot(disp[i]!.x, disp[i]!.y), 1e-9);
      const step = Math.min(len, temperature);
      points[i]!.x += (disp[i]!.x / len) * step;
      points[i]!.y += (disp[i]!.y / len) * step;
    }
    temperature = Math.max(0.2 * (1 - it / ITERATIONS), 0.002);
  }
  return pos;
}
