/**
 * A deterministic generator of large lab topologies (lab/topology/schema.ts
 * format) for the scale benchmark: N routers on a ring, plus seeded random
 * chords, plus a host behind a few evenly spaced routers.
 *
 *   r1 -- r2 -- r3 -- ... -- rN -- (back to r1)     ring, metric 10
 *    \___________/      \________/                 chords, metric 10..30
 *   h1 behind r1, h2 behind r(1+N/hosts), ...
 *
 * Why a ring with chords: the ring makes every router-router link part of a
 * cycle (no bridges), so every link can be protected; the chords give the
 * short diameter and the mix of 2..5 links per router of a real backbone, so
 * backup paths stay a few segments long. Same options, same file, byte for byte.
 *
 * Command line (after `npx tsc`):
 *   node dist/examples/scale/generate.js [--routers 50] [--seed 7] [--name scale] [--mgmt-subnet 198.18.50.0/24] [--out FILE]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Srv6ProtectError } from "../../model/errors";
import type { TopologyFile, TopologyLink, TopologyNode } from "../../lab/topology/schema";
import { parseTopology } from "../../lab/topology/load";
import { seededRng } from "../../model/seeded-random";

export interface ScaleTopologyOptions {
  /** Routers, 4 to 240 (the lab's management /24 holds 240). @default 50 */
  readonly routers?: number;
  /** PRNG seed of the chords and their metrics. @default 7 */
  readonly seed?: number;
  /** Lab name, 1 to 8 lower-case letters/digits. @default "scale" */
  readonly name?: string;
  /** Management /24 inside 198.18.0.0/15. @default "198.18.50.0/24" */
  readonly mgmtSubnet?: string;
  /** Hosts, each behind its own router. @default max(2, round(routers / 8)) */
  readonly hosts?: number;
}

export const DEFAULT_ROUTERS = 50;
export const DEFAULT_SEED = 7;
export const MIN_ROUTERS = 4;
export const MAX_ROUTERS = 240;
/** Router-router links per router; a router with a host has one less, so no router has more than 5 interfaces. */
export const MAX_ROUTER_LINKS = 5;
/** Chords per router: with the ring this averages about 3.2 router links per router. */
const CHORDS_PER_ROUTER = 0.6;
const RING_METRIC = 10;
/** Host links use this interface so they never collide with eth1..eth5. */
const HOST_INTERFACE = "eth9";

export class ScaleTopologyError extends Srv6ProtectError {
  override readonly name = "ScaleTopologyError";
  override readonly kind = "scale-topology";
  constructor(readonly field: string, readonly value: unknown, message: string) {
    super(`scale topology: ${field} = ${JSON.stringify(value)}: ${message}`);
  }
}


function routerName(i: number): string {
  return `r${i + 1}`;
}

/** Builds the topology; throws ScaleTopologyError naming the bad option. The result passes the lab's loader. */
export function generateScaleTopology(opts: ScaleTopologyOptions = {}): TopologyFile {
  const n = opts.routers ?? DEFAULT_ROUTERS;
  const seed = opts.seed ?? DEFAULT_SEED;
  const name = opts.name ?? "scale";
  const mgmtSubnet = opts.mgmtSubnet ?? "198.18.50.0/24";
  if (!Number.isInteger(n) || n < MIN_ROUTERS || n > MAX_ROUTERS) throw new ScaleTopologyError("routers", n, `must be an integer from ${MIN_ROUTERS} to ${MAX_ROUTERS}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ScaleTopologyError("seed", seed, "must be an integer from 0 to 4294967295");
  const hostCount = opts.hosts ?? Math.max(2, Math.round(n / 8));
  if (!Number.isInteger(hostCount) || hostCount < 0 || hostCount > n) throw new ScaleTopologyError("hosts", hostCount, `must be an integer from 0 to the number of routers (${n})`);

  // Hosts sit behind evenly spaced routers (r1 always has one when there are hosts).
  const hostOf = new Map<number, number>();
  for (let h = 0; h < hostCount; h++) hostOf.set(Math.floor((h * n) / hostCount), h);
  const capOf = (i: number): number => MAX_ROUTER_LINKS - (hostOf.has(i) ? 1 : 0);

  const degree = new Array<number>(n).fill(0);
  const nextInterface = new Array<number>(n).fill(1);
  const linked = new Set<string>();
  const links: TopologyLink[] = [];
  const addLink = (a: number, b: number, metric: number): void => {
    links.push({ endpoints: [`${routerName(a)}:eth${nextInterface[a]!++}`, `${routerName(b)}:eth${nextInterface[b]!++}`], metric });
    degree[a]!++;
    degree[b]!++;
    linked.add(`${Math.min(a, b)}-${Math.max(a, b)}`);
  };

  for (let i = 0; i < n; i++) addLink(i, (i + 1) % n, RING_METRIC);

  const random = seededRng(seed);
  const wanted = Math.round(n * CHORDS_PER_ROUTER);
  let chords = 0;
  // Bounded attempts: near the degree caps few pairs remain; stop rather than loop forever.
  for (let attempt = 0; chords < wanted && attempt < wanted * 200; attempt++) {
    const a = Math.floor(random() * n);
    const b = Math.floor(random() * n);
    const ringDistance = Math.min((a - b + n) % n, (b - a + n) % n);
    if (ringDistance < 2) continue; // itself or a ring neighbour
    if (linked.has(`${Math.min(a, b)}-${Math.max(a, b)}`)) continue;
    if (degree[a]! >= capOf(a) || degree[b]! >= capOf(b)) continue;
    // Longer chords cost more, like longer fibres.
    const metric = 10 + 5 * Math.min(4, Math.floor((ringDistance / n) * 8) + Math.floor(random() * 2));
    addLink(Math.min(a, b), Math.max(a, b), metric);
    chords++;
  }

  const nodes: Record<string, TopologyNode> = {};
  for (let i = 0; i < n; i++) nodes[routerName(i)] = { kind: "router", locator: `fc00:0:${(i + 1).toString(16)}::/48` };
  for (const [router, h] of [...hostOf].sort((x, y) => x[1] - y[1])) {
    const host = `h${h + 1}`;
    nodes[host] = { kind: "host", prefix: `2001:db8:${(router + 1).toString(16)}::/64` };
    links.push({ endpoints: [`${host}:eth0`, `${routerName(router)}:${HOST_INTERFACE}`] });
  }

  return {
    name,
    description: `Generated scale topology: ${n} routers on a ring with ${chords} seeded chords (seed ${seed}), ${hostCount} hosts.`,
    mgmtSubnet,
    nodes,
    links,
  };
}

/** The file's text (stable formatting, trailing newline). */
export function scaleTopologyText(opts: ScaleTopologyOptions = {}): string {
  const topo = generateScaleTopology(opts);
  const text = `${JSON.stringify(topo, null, 2)}\n`;
  parseTopology(text, `generated ${topo.name}`); // never hand out a file the lab would refuse
  return text;
}

/** Writes the topology to `file`; returns it. */
export function writeScaleTopology(file: string, opts: ScaleTopologyOptions = {}): TopologyFile {
  const text = scaleTopologyText(opts);
  writeFileSync(file, text);
  return JSON.parse(text) as TopologyFile;
}

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      routers: { type: "string" },
      seed: { type: "string" },
      name: { type: "string" },
      "mgmt-subnet": { type: "string" },
      hosts: { type: "string" },
      out: { type: "string" },
    },
  });
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : /^\d+$/.test(v) ? Number(v) : NaN);
  const text = scaleTopologyText({ routers: num(values.routers), seed: num(values.seed), name: values.name, mgmtSubnet: values["mgmt-subnet"], hosts: num(values.hosts) });
  if (values.out) writeFileSync(values.out, text);
  else process.stdout.write(text);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 64;
  }
}
