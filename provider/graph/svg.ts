/**
 * Writes the picture as SVG text (no dependency): links with metrics,
 * protected links marked, routers with their locators, hosts with their
 * prefixes, and for a chosen link the backup paths, hop by hop, one colour
 * per policy, with a legend spelling out each segment list.
 */
import type { NetworkModel } from "./model";
import { prefixSummary, type BackupPath, type PathHop, type ResolvedSegment } from "./backup-paths";
import { forceLayout, type Point } from "./layout";

export interface RenderOptions {
  readonly title: string;
  readonly subtitle?: string;
  /** The protected link whose failure is pictured. */
  readonly failedLink?: string;
  readonly paths?: readonly BackupPath[];
}

/** Canvas size grows with the router count so big topologies stay legible. */
function canvasFor(routers: number): { width: number; drawingHeight: number } {
  const extra = Math.max(0, routers - 10);
  return { width: Math.min(960 + extra * 30, 2400), drawingHeight: Math.min(600 + extra * 22, 1800) };
}
const HOST_DISTANCE = 80;
const MARGIN = 90;
const TOP = 70;
const ROUTER_R = 26;
const LINE_H = 19;
const FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";
const PALETTE = ["#1f6feb", "#2a9d3a", "#8e44ad", "#c0392b", "#0e9aa7", "#8c564b"];
const LINK_COLOUR = "#9aa5b1";
const PROTECTED_COLOUR = "#e07b00";

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

const f = (n: number): string => (Math.round(n * 10) / 10).toString();

function text(x: number, y: number, content: string, attrs = ""): string {
  return `<text x="${f(x)}" y="${f(y)}" ${attrs}>${escapeXml(content)}</text>`;
}

/**
 * Turns the layout so its widest spread runs horizontally (the canvas is
 * wider than tall), then scales it uniformly into the drawing area.
 */
function fit(raw: Map<string, Point>, WIDTH: number, DRAWING_HEIGHT: number): Map<string, Point> {
  const pts = [...raw.values()];
  const cx = pts.reduce((s, p) => s + p.x, 0) / pts.length;
  const cy = pts.reduce((s, p) => s + p.y, 0) / pts.length;
  let [sxx, syy, sxy] = [0, 0, 0];
  for (const p of pts) { sxx += (p.x - cx) ** 2; syy += (p.y - cy) ** 2; sxy += (p.x - cx) * (p.y - cy); }
  const theta = 0.5 * Math.atan2(2 * sxy, sxx - syy); // principal axis
  const [cos, sin] = [Math.cos(-theta), Math.sin(-theta)];
  const pos = new Map([...raw].map(([k, p]) => [k, { x: (p.x - cx) * cos - (p.y - cy) * sin, y: (p.x - cx) * sin + (p.y - cy) * cos }]));
  const xs = [...pos.values()].map((p) => p.x);
  const ys = [...pos.values()].map((p) => p.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const w = WIDTH - 2 * MARGIN - HOST_DISTANCE;
  // Room for a host (HOST_DISTANCE away) and its label beyond the outermost routers.
  const top = TOP + 10 + HOST_DISTANCE;
  const h = DRAWING_HEIGHT - top - 50 - HOST_DISTANCE;
  // Each axis may stretch up to 1.8 times the other: a flat layout then uses the canvas' height too.
  const sx = w / Math.max(maxX - minX, 1e-6);
  const sy = h / Math.max(maxY - minY, 1e-6);
  const scaleX = Math.min(sx, sy * 1.8);
  const scaleY = Math.min(sy, sx * 1.8);
  const offX = MARGIN + HOST_DISTANCE / 2 + (w - (maxX - minX) * scaleX) / 2;
  const offY = top + (h - (maxY - minY) * scaleY) / 2;
  return new Map([...pos].map(([k, p]) => [k, { x: offX + (p.x - minX) * scaleX, y: offY + (p.y - minY) * scaleY }]));
}

function segmentLabel(s: ResolvedSegment): string {
  const what = s.kind === "adjacency" ? `End.X ${s.router}\u2192${s.neighbour ?? "?"}` : s.kind === "node" ? `node ${s.router}` : s.kind === "decap" ? `decap ${s.router}` : `SID on ${s.router}`;
  return `${s.sid} (${what})`;
}

function hopNodes(hops: readonly PathHop[], start: string): string {
  return [start, ...hops.map((h) => h.to)].join(" \u2192 ");
}

/** A hop shifted to the right of its direction of travel, shortened to clear the node shapes. */
function hopLine(from: Point, to: Point, offset: number, clearance: number): [Point, Point] {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const len = Math.max(Math.hypot(dx, dy), 1e-6);
  const [ux, uy] = [dx / len, dy / len];
  const [nx, ny] = [-uy, ux];
  const c = Math.min(clearance, len / 3);
  return [
    { x: from.x + ux * c + nx * offset, y: from.y + uy * c + ny * offset },
    { x: to.x - ux * c + nx * offset, y: to.y - uy * c + ny * offset },
  ];
}

/** Angles (radians) of the lines leaving a node, to keep its label off them. */
function angleGap(a: number, b: number): number {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return Math.min(d, 2 * Math.PI - d);
}

/** Of 16 directions, the one farthest from every taken direction (first wins ties: deterministic). */
function freestAngle(taken: readonly number[]): number {
  let best = Math.PI / 2;
  let bestGap = -1;
  for (let i = 0; i < 16; i++) {
    const angle = Math.PI / 2 + (i * Math.PI) / 8;
    const gap = taken.length ? Math.min(...taken.map((t) => angleGap(t, angle))) : Math.PI;
    if (gap > bestGap + 1e-9) { best = angle; bestGap = gap; }
  }
  return best;
}

/** The locator goes where no line leaves the router: below, above, right or left, in that preference. */
function locatorLabel(c: Point, edges: readonly number[], locator: string): string {
  const candidates = [Math.PI / 2, -Math.PI / 2, 0, Math.PI];
  let best = candidates[0]!;
  let bestGap = -1;
  for (const angle of candidates) {
    const gap = edges.length ? Math.min(...edges.map((e) => angleGap(e, angle))) : Math.PI;
    if (gap > bestGap + 0.05) { best = angle; bestGap = gap; }
  }
  const style = `font-size="11" fill="#1d3557" stroke="#ffffff" stroke-width="3" paint-order="stroke"`;
  if (best === Math.PI / 2) return text(c.x, c.y + ROUTER_R + 16, locator, `text-anchor="middle" ${style}`);
  if (best === -Math.PI / 2) return text(c.x, c.y - ROUTER_R - 8, locator, `text-anchor="middle" ${style}`);
  if (best === 0) return text(c.x + ROUTER_R + 8, c.y + 4, locator, `text-anchor="start" ${style}`);
  return text(c.x - ROUTER_R - 8, c.y + 4, locator, `text-anchor="end" ${style}`);
}

export function renderSvg(model: NetworkModel, opts: RenderOptions): string {
  const paths = opts.paths ?? [];
  const { width: WIDTH, drawingHeight: DRAWING_HEIGHT } = canvasFor(model.routers.length);
  // Routers get the whole canvas; each host then sits just outside its router, where no link leaves.
  const routerEdges: [string, string][] = model.links.map((l) => [l.a, l.b]);
  const pos = fit(forceLayout({ nodes: model.routers.map((r) => r.name), edges: routerEdges }), WIDTH, DRAWING_HEIGHT);
  for (const h of model.hosts) {
    const r = pos.get(h.router)!;
    const taken = routerEdges.filter(([a, b]) => a === h.router || b === h.router).map(([a, b]) => {
      const o = pos.get(a === h.router ? b : a)!;
      return Math.atan2(o.y - r.y, o.x - r.x);
    });
    taken.push(...model.hosts.filter((x) => x.router === h.router && pos.has(x.name)).map((x) => Math.atan2(pos.get(x.name)!.y - r.y, pos.get(x.name)!.x - r.x)));
    const angle = freestAngle(taken);
    pos.set(h.name, { x: r.x + Math.cos(angle) * HOST_DISTANCE, y: r.y + Math.sin(angle) * HOST_DISTANCE });
  }
  const edges: [string, string][] = [...routerEdges, ...model.hosts.map((h) => [h.name, h.router] as [string, string])];
  const at = (name: string): Point => pos.get(name)!;
  const edgeAngles = (name: string): number[] => edges.filter(([a, b]) => a === name || b === name).map(([a, b]) => {
    const [from, to] = a === name ? [at(a), at(b)] : [at(b), at(a)];
    return Math.atan2(to.y - from.y, to.x - from.x);
  });

  const legend: { colour?: string; lines: { content: string; attrs?: string }[] }[] = [];
  const key = [{ content: "Key: grey = link, number = metric \u00b7 thick orange = protected link (name \u00b7 metric; pale when another link is pictured failed) \u00b7 dark circle = router (locator) \u00b7 green box = host (prefix)", attrs: `fill="#444"` }];
  if (opts.failedLink) key.push({ content: "\u2715 = link assumed failed \u00b7 coloured arrows = backup path, numbered badge n = segment n, dashed = after decapsulation", attrs: `fill="#444"` });
  legend.push({ lines: key });
  for (const [i, p] of paths.entries()) {
    const lines = [
      { content: `${p.policy}: at ${p.router}, traffic to ${prefixSummary(p)} while ${opts.failedLink} is down`, attrs: `font-weight="bold"` },
      { content: `segments: ${p.segments.map(segmentLabel).join("  \u2192  ")}` },
      { content: `${p.hopByHop ? "forwarded" : "segment jumps (give --topology for hop-by-hop)"}: ${hopNodes([...p.hops, ...p.delivery], p.router)}` },
    ];
    if (p.crossesProtectedLink) lines.push({ content: `WARNING: this path crosses ${opts.failedLink} itself`, attrs: `fill="#c0392b" font-weight="bold"` });
    legend.push({ colour: PALETTE[i % PALETTE.length], lines });
  }
  const legendLines = legend.reduce((n, e) => n + e.lines.length, 0) + legend.length;
  const height = DRAWING_HEIGHT + 20 + legendLines * LINE_H;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT}" font-size="13">`);
  out.push(`<title>${escapeXml(opts.title)}</title>`);
  out.push(`<defs>${PALETTE.map((c, i) => `<marker id="arrow${i}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${c}"/></marker>`).join("")}</defs>`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(text(24, 32, opts.title, `font-size="20" font-weight="bold" fill="#1d3557"`));
  if (opts.subtitle) out.push(text(24, 54, opts.subtitle, `font-size="12" fill="#555"`));

  // Links, then their labels on top so paths never hide a metric.
  const labels: string[] = [];
  for (const l of model.links) {
    const [a, b] = [at(l.a), at(l.b)];
    const isProtected = l.protectedBy !== undefined;
    // With a failed link chosen, the other protected links step back so the failure and its paths stand out.
    const muted = isProtected && opts.failedLink !== undefined && l.protectedBy !== opts.failedLink;
    out.push(`<line class="link${isProtected ? " protected" : ""}" data-link="${escapeXml(l.id)}" x1="${f(a.x)}" y1="${f(a.y)}" x2="${f(b.x)}" y2="${f(b.y)}" stroke="${isProtected ? PROTECTED_COLOUR : LINK_COLOUR}" stroke-width="${isProtected ? (muted ? 4 : 6) : 2.5}"${muted ? ` stroke-opacity="0.35"` : ""} stroke-linecap="round"/>`);
    const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    const caption = [isProtected && !muted ? l.protectedBy! : "", l.metric !== undefined ? String(l.metric) : ""].filter(Boolean).join(" \u00b7 ");
    if (caption) {
      const w = caption.length * 6.6 + 10;
      const loud = isProtected && !muted;
      labels.push(`<rect x="${f(mid.x - w / 2)}" y="${f(mid.y - 9)}" width="${f(w)}" height="17" rx="4" fill="#ffffff" fill-opacity="0.9" stroke="${loud ? PROTECTED_COLOUR : "#d0d7de"}"/>`);
      labels.push(text(mid.x, mid.y + 4, caption, `text-anchor="middle" font-size="11" fill="${loud ? "#9a4f00" : "#444"}"`));
    }
    if (opts.failedLink && l.protectedBy === opts.failedLink) {
      const c = { x: a.x + (b.x - a.x) * 0.3, y: a.y + (b.y - a.y) * 0.3 };
      labels.push(`<g class="failed" stroke="#c0392b" stroke-width="4" stroke-linecap="round"><line x1="${f(c.x - 9)}" y1="${f(c.y - 9)}" x2="${f(c.x + 9)}" y2="${f(c.y + 9)}"/><line x1="${f(c.x - 9)}" y1="${f(c.y + 9)}" x2="${f(c.x + 9)}" y2="${f(c.y - 9)}"/></g>`);
    }
  }
  for (const h of model.hosts) {
    const [a, b] = [at(h.name), at(h.router)];
    out.push(`<line class="access" x1="${f(a.x)}" y1="${f(a.y)}" x2="${f(b.x)}" y2="${f(b.y)}" stroke="#b8c4a9" stroke-width="2"/>`);
  }

  // Backup paths: each hop offset to the right of travel, so opposite directions and parallel policies separate.
  for (const [i, p] of paths.entries()) {
    const colour = PALETTE[i % PALETTE.length]!;
    const offset = 7 + 6 * i;
    const draw = (hop: PathHop, dashed: boolean): void => {
      const [s, e] = hopLine(at(hop.from), at(hop.to), offset, ROUTER_R + 6);
      const dash = dashed ? ` stroke-dasharray="7 5"` : "";
      if (hop.link === undefined && !p.hopByHop) {
        // A segment jump crosses routers we cannot name without a topology: bend it to show it is not one link.
        const mx = (s.x + e.x) / 2 - (e.y - s.y) * 0.15;
        const my = (s.y + e.y) / 2 + (e.x - s.x) * 0.15;
        out.push(`<path class="backup" data-policy="${escapeXml(p.policy)}" d="M${f(s.x)},${f(s.y)} Q${f(mx)},${f(my)} ${f(e.x)},${f(e.y)}" fill="none" stroke="${colour}" stroke-width="3" stroke-dasharray="2 4" marker-end="url(#arrow${i % PALETTE.length})"/>`);
      } else {
        out.push(`<line class="backup" data-policy="${escapeXml(p.policy)}" data-hop="${escapeXml(`${hop.from}>${hop.to}`)}" x1="${f(s.x)}" y1="${f(s.y)}" x2="${f(e.x)}" y2="${f(e.y)}" stroke="${colour}" stroke-width="3"${dash} marker-end="url(#arrow${i % PALETTE.length})"/>`);
      }
    };
    for (const hop of p.hops) draw(hop, false);
    for (const hop of p.delivery) draw(hop, true);
  }

  out.push(...labels);

  for (const r of model.routers) {
    const c = at(r.name);
    out.push(`<g class="router" data-router="${escapeXml(r.name)}"><circle cx="${f(c.x)}" cy="${f(c.y)}" r="${ROUTER_R}" fill="${r.managed ? "#1d3557" : "#8d99ae"}" stroke="#ffffff" stroke-width="3"/>`
      + text(c.x, c.y + 5, r.name, `text-anchor="middle" font-size="15" font-weight="bold" fill="#ffffff"`)
      + locatorLabel(c, edgeAngles(r.name), r.locator)
      + `</g>`);
  }
  for (const h of model.hosts) {
    const c = at(h.name);
    out.push(`<g class="host" data-host="${escapeXml(h.name)}"><rect x="${f(c.x - 24)}" y="${f(c.y - 14)}" width="48" height="28" rx="6" fill="#e9f5db" stroke="#6a994e" stroke-width="2"/>`
      + text(c.x, c.y + 5, h.name, `text-anchor="middle" font-size="13" fill="#31572c"`)
      + text(c.x, c.y + 30, h.prefix, `text-anchor="middle" font-size="11" fill="#31572c" stroke="#ffffff" stroke-width="3" paint-order="stroke"`)
      + `</g>`);
  }

  // Segment badges: which router processes segment n of each path.
  for (const [i, p] of paths.entries()) {
    const colour = PALETTE[i % PALETTE.length]!;
    for (const [n, s] of p.segments.entries()) {
      const c = at(s.router);
      const angle = -Math.PI / 4 + i * 0.9 + n * 0.35;
      const bx = c.x + Math.cos(angle) * (ROUTER_R + 4);
      const by = c.y + Math.sin(angle) * (ROUTER_R + 4);
      out.push(`<g class="segment"><circle cx="${f(bx)}" cy="${f(by)}" r="9" fill="${colour}" stroke="#ffffff" stroke-width="1.5"/>${text(bx, by + 4, String(n + 1), `text-anchor="middle" font-size="11" font-weight="bold" fill="#ffffff"`)}</g>`);
    }
  }

  let y = DRAWING_HEIGHT + 10;
  out.push(`<line x1="24" y1="${y - 12}" x2="${WIDTH - 24}" y2="${y - 12}" stroke="#e1e4e8"/>`);
  for (const entry of legend) {
    for (const [n, line] of entry.lines.entries()) {
      if (entry.colour && n === 0) out.push(`<line x1="24" y1="${f(y - 4)}" x2="52" y2="${f(y - 4)}" stroke="${entry.colour}" stroke-width="4"/>`);
      const attrs = line.attrs ?? "";
      out.push(text(entry.colour ? 60 : 24, y, line.content, `font-size="12"${attrs.includes("fill=") ? "" : ` fill="#222"`} ${attrs}`));
      y += LINE_H;
    }
    y += LINE_H;
  }
  out.push(`</svg>`);
  return `${out.join("\n")}\n`;
}
