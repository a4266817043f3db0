/**
 * Failover drills: one end (or both) of a protected link sends its protected
 * traffic over the backup paths for a while, with the link up. The only
 * change is an entry in the router's srv6p_drills map, which the reroute
 * program honours until the deadline the entry holds: the controller
 * removes it when the drill ends (or on Ctrl-C), and if the controller
 * never comes back (lost SSH, a crash), the kernel's clock passes the
 * deadline and the router is back on the link by itself.
 */
import { LIMITS } from "../../model/schema";
import { BIN_DIR, MAP_NAMES, ROUTER_TOOLS } from "../dataplane/constants";
import { encodeDrill, encodeLinkKey } from "../dataplane/map-layout";
import { Srv6Error } from "../errors";
import type { RouterConnection } from "../ssh";
import type { BackupPathStatus } from "./backup-status";
import type { StateLike } from "./bundle";
import type { Engine } from "./engine";
import type { LinkEndStatus } from "./link-status";
import { pause } from "../pause";

/** The drill cannot start: nothing changed on any router. */
export class DrillRefusedError extends Srv6Error {
  override readonly name = "DrillRefusedError";
  override readonly kind = "drill-refused";
}

export interface DrillOptions {
  readonly link: string;
  /** One end only; default both. */
  readonly end?: string;
  readonly durationS: number;
  /** Ends the drill early (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Called about once a second with what the ends show. */
  readonly onProgress?: (sample: DrillSample) => void;
  readonly pollMs?: number;
}

export interface DrillSample {
  readonly elapsedS: number;
  readonly ends: readonly { router: string; packetsRerouted: number; backupPaths: readonly Pick<BackupPathStatus, "policy" | "health" | "lastRttMs">[] }[];
}

export interface DrillEndReport {
  readonly router: string;
  readonly link: string;
  readonly interface: string;
  readonly durationS: number;
  /** Packets the reroute program put on this end's backup paths during the drill. */
  readonly packetsRerouted: number;
  /** Each backup path of this end over the drill: probes sent and come home, health at the end. */
  readonly backupPaths: readonly { policy: string; destination?: string; health: string; sent: number; returned: number; lastRttMs?: number }[];
  /** The drill entry was removed by the controller (false: it could not be, and the router reverts at its deadline). */
  readonly reverted: boolean;
  readonly revertError?: string;
}

const mapsTool = `${BIN_DIR}/${ROUTER_TOOLS.maps}`;
const drillKey = (ifindex: number) => encodeLinkKey(ifindex).toString("hex");

/** Starts the drill on one end: the deadline is the router's own clock plus duration and margin. */
export async function startDrill(conn: RouterConnection, ifindex: number, durationS: number): Promise<void> {
  const dump = await conn.run(["python3", mapsTool, "dump", MAP_NAMES.drills]);
  const now = BigInt((JSON.parse(dump.stdout) as { monotonicNs: number }).monotonicNs);
  const until = now + BigInt(Math.round((durationS + LIMITS.drillSelfRevertMarginS) * 1e9));
  await conn.run(["python3", mapsTool, "update", MAP_NAMES.drills, drillKey(ifindex), encodeDrill(until).toString("hex")]);
}

export async function stopDrill(conn: RouterConnection, ifindex: number): Promise<void> {
  await conn.run(["python3", mapsTool, "delete", MAP_NAMES.drills, drillKey(ifindex), "--missing-ok"]);
}

interface EndView { link?: LinkEndStatus; paths: BackupPathStatus[] }

async function look(engine: Engine, state: StateLike, link: string, routers: readonly string[]): Promise<Map<string, EndView>> {
  const { links, backupPaths, errors } = await engine.status(state, [...routers]);
  if (errors.length) throw errors[0]!.error;
  return new Map(routers.map((r) => [r, {
    link: links.find((l) => l.router === r && l.link === link),
    paths: backupPaths.filter((p) => p.router === r && p.link === link),
  }]));
}

export async function runDrill(engine: Engine, state: StateLike, opts: DrillOptions): Promise<DrillEndReport[]> {
  const link = state.links.find((l) => l.name === opts.link);
  if (!link) throw new DrillRefusedError(`no protected link named '${opts.link}' (known: ${state.links.map((l) => l.name).join(", ") || "none"})`);
  const ends = [link.router_a, link.router_b].filter((r) => opts.end === undefined || r === opts.end);
  if (!ends.length) throw new DrillRefusedError(`link ${link.name}: --end ${opts.end} is not one of its routers (${link.router_a}, ${link.router_b})`);
  const { minimum, maximum } = LIMITS.drill_duration_s;
  if (!(opts.durationS >= minimum && opts.durationS <= maximum)) throw new DrillRefusedError(`--duration must be ${minimum} to ${maximum} seconds, got ${opts.durationS}`);

  const plan = await engine.plan(state, ends);
  const ifindexOf = new Map<string, { ifname: string; ifindex: number }>();
  for (const r of plan.routers) {
    if (r.error || !r.observation) throw new DrillRefusedError(`cannot drill: ${r.error?.message ?? "no observation"}`, { router: r.router, cause: r.error });
    const ifname = r.router === link.router_a ? link.interface_a : link.interface_b;
    const ifindex = r.observation.facts.ifindex[ifname];
    if (ifindex === undefined) throw new DrillRefusedError(`interface ${ifname} of link ${link.name} not found`, { router: r.router });
    const paths = (r.backupPaths ?? []).filter((p) => p.link === link.name);
    if (!paths.length) throw new DrillRefusedError(`no backup policy of link ${link.name} starts here: nothing would move`, { router: r.router });
    const bad = paths.filter((p) => p.health === "broken" || p.health === "degraded");
    if (bad.length) {
      throw new DrillRefusedError(`backup path of ${bad.map((p) => `${p.policy} is ${p.health}${p.reason ? ` (${p.reason})` : ""}`).join("; ")}: a drill would lose that traffic`, { router: r.router });
    }
    if (r.changes.length) throw new DrillRefusedError(`the router differs from the stack (${r.changes.length} change(s)): apply or reconcile first`, { router: r.router });
    ifindexOf.set(r.router, { ifname, ifindex });
  }

  const before = await look(engine, state, link.name, ends);
  const started = Date.now();
  const begun: string[] = [];
  const reverted = new Map<string, string | undefined>();
  try {
    // Both ends at once: a drill of a link is one event, as a failure of it would be.
    const starts = await Promise.allSettled(ends.map(async (r) => {
      await startDrill(await engine.pool.connection(r), ifindexOf.get(r)!.ifindex, opts.durationS);
      begun.push(r);
    }));
    const failed = starts.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    const endAt = started + opts.durationS * 1000;
    while (!opts.signal?.aborted && Date.now() < endAt) {
      await pause(Math.min(opts.pollMs ?? 1000, Math.max(0, endAt - Date.now())), opts.signal);
      if (opts.signal?.aborted || Date.now() >= endAt || !opts.onProgress) continue;
      const now = await look(engine, state, link.name, ends);
      opts.onProgress({
        elapsedS: (Date.now() - started) / 1000,
        ends: ends.map((r) => ({
          router: r,
          packetsRerouted: (now.get(r)!.link?.packetsRerouted ?? 0) - (before.get(r)!.link?.packetsRerouted ?? 0),
          backupPaths: now.get(r)!.paths.map((p) => ({ policy: p.policy, health: p.health, lastRttMs: p.lastRttMs })),
        })),
      });
    }
  } finally {
    // Always take the entries back, also after an error or Ctrl-C; what cannot be removed expires by itself.
    await Promise.all(begun.map(async (r) => {
      try {
        await stopDrill(await engine.pool.connection(r), ifindexOf.get(r)!.ifindex);
        reverted.set(r, undefined);
      } catch (err) {
        reverted.set(r, `${(err as Error).message}; the router reverts by itself within ${LIMITS.drillSelfRevertMarginS} s of the drill's end`);
      }
    }));
  }
  const durationS = (Date.now() - started) / 1000;
  const after = await look(engine, state, link.name, ends);
  return ends.map((r) => {
    const b = before.get(r)!;
    const a = after.get(r)!;
    return {
      router: r, link: link.name, interface: ifindexOf.get(r)!.ifname, durationS,
      packetsRerouted: (a.link?.packetsRerouted ?? 0) - (b.link?.packetsRerouted ?? 0),
      backupPaths: a.paths.map((p) => {
        const was = b.paths.find((x) => x.policy === p.policy);
        return { policy: p.policy, ...(p.destination ? { destination: p.destination } : {}), health: p.health, sent: p.sent - (was?.sent ?? 0), returned: p.returned - (was?.returned ?? 0), ...(p.lastRttMs !== undefined ? { lastRttMs: p.lastRttMs } : {}) };
      }),
      reverted: reverted.get(r) === undefined,
      ...(reverted.get(r) ? { revertError: reverted.get(r) } : {}),
    };
  });
}
