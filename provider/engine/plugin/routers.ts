/**
 * One resource's apply = one transaction on each router it touches.
 *
 * For every touched router: read its applied record (the router is the
 * source of truth for what we installed there), derive the router's new
 * bundle with this resource added, changed or removed, plan that bundle with
 * the engine, and run the transactions of all touched routers together
 * (`applyPlanned`: all or nothing per router, a "go" barrier between them).
 * If another apply changed a record in between (the router answers
 * "conflict", or the record we planned from is not the one we derived the
 * bundle from), read again and redo, a few times.
 *
 * Reads observe through the same engine: plan the router's recorded bundle
 * and report the changes that plan would make (that is drift).
 */
import type { RouterConfig } from "../../../model/schema";
import { Srv6Error } from "../../errors";
import type { Engine, RouterChanges } from "../engine";
import { ApplyAbortedError, PlanConflictError } from "../errors";
import { bundleFor, stableJson, type RouterBundle, type StateLike } from "../bundle";
import { minimalObserveRequest, observeRouter } from "../observe";
import type { AnyAppliedRecord } from "../record";
import type { RouterDirectory } from "./connections";
import { RouterLocks } from "./router-locks";
import { withRenderDiagnostics } from "./render-errors";

export const EMPTY_STATE: StateLike = { routers: [], links: [], policies: [] };

export interface RecordRead {
  readonly router: string;
  readonly record: AnyAppliedRecord | null;
  readonly sha256: string | null;
}

export interface RouterObservation extends RecordRead {
  readonly plan: RouterChanges | null;
}

/** How a router's recorded state changes; `undefined` = leave this router alone. */
export type BundleEdit = (router: string, current: StateLike, records: ReadonlyMap<string, RecordRead>) => StateLike | undefined;

/** The router's own configuration in its record, if it has one. */
export function selfConfig(read: RecordRead): RouterConfig | undefined {
  return read.record?.bundle.routers.find((r) => r.name === read.router);
}

const MAX_ATTEMPTS = 5;
const OBSERVATION_TTL_MS = 5000;

export class RouterStates {
  private readonly locks = new RouterLocks();
  private readonly observations = new Map<string, { at: number; value: Promise<RouterObservation> }>();
  private stopped = false;

  constructor(
    private readonly engine: () => Engine,
    private readonly directory: RouterDirectory,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  /**
   * Makes `config`'s SSH settings the ones used for its router from now on.
   * A router replaced because its host changed keeps its name: its delete
   * must reach the old machine (the prior state's settings) and its create
   * the new one, so a pooled connection opened with other settings is closed.
   */
  async useSettings(config: RouterConfig): Promise<void> {
    await this.locks.withRouters([config.name], async () => {
      this.directory.rememberFromTerraform(config);
      if (this.directory.openedWithOther(config)) {
        await (await this.engine().pool.connection(config.name)).close();
        this.observations.delete(config.name);
      }
    });
  }

  async readRecord(router: string): Promise<RecordRead> {
    const conn = await this.engine().pool.connection(router);
    const obs = await observeRouter(conn, router, minimalObserveRequest());
    if (obs.applied) this.directory.rememberFromRecord(obs.applied.bundle.routers);
    return { router, record: obs.applied, sha256: obs.appliedSha256 };
  }

  /**
   * The router's record and the changes its recorded bundle would need now
   * (drift). Memoized for a few seconds: a refresh reads every resource, and
   * several resources live on the same router. Any apply forgets it.
   */
  observe(router: string): Promise<RouterObservation> {
    const hit = this.observations.get(router);
    if (hit && Date.now() - hit.at < OBSERVATION_TTL_MS) return hit.value;
    const value = this.observeNow(router);
    this.observations.set(router, { at: Date.now(), value });
    value.catch(() => this.observations.delete(router));
    return value;
  }

  private async observeNow(router: string): Promise<RouterObservation> {
    const read = await this.readRecord(router);
    if (!read.record || !selfConfig(read)) return { ...read, plan: null };
    const conn = await this.engine().pool.connection(router);
    const plan = await this.engine().planRouter(conn, read.record.bundle);
    if (plan.error) throw plan.error;
    return { ...read, plan };
  }

  /**
   * Applies `edit` on `routers` as one all-or-nothing change; retried on
   * conflicts. `resource` (`type.name`) is the resource being applied, so
   * that problems found in it carry its attribute path.
   */
  async edit(routers: readonly string[], edit: BundleEdit, resource?: string): Promise<void> {
    await this.locks.withRouters(routers, async () => {
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            await this.editOnce(routers, edit);
            return;
          } catch (err) {
            if (!(err instanceof PlanConflictError) || attempt >= MAX_ATTEMPTS || this.stopped) throw withRenderDiagnostics(err, resource);
            await new Promise((r) => setTimeout(r, 100 * attempt));
          }
        }
      } finally {
        for (const r of routers) this.observations.delete(r);
      }
    });
  }

  private async editOnce(routers: readonly string[], edit: BundleEdit): Promise<void> {
    const engine = this.engine();
    const reads = new Map<string, RecordRead>();
    await Promise.all(routers.map(async (r) => reads.set(r, await this.readRecord(r))));

    // Every new bundle first (a bad edit throws before any router is planned), then plan them at once.
    const bundles: { router: string; bundle: RouterBundle }[] = [];
    for (const router of routers) {
      const read = reads.get(router)!;
      const next = edit(router, read.record?.bundle ?? EMPTY_STATE, reads);
      if (next) bundles.push({ router, bundle: bundleFor(next, router) });
    }
    const settled = await Promise.allSettled(bundles.map(async ({ router, bundle }) => {
      const read = reads.get(router)!;
      const plan = await engine.planRouter(await engine.pool.connection(router), bundle);
      if (plan.error) throw plan.error;
      if ((plan.observation?.appliedSha256 ?? null) !== read.sha256) {
        throw new PlanConflictError(`router ${router}'s applied record changed while planning`, { id: "-", state: "conflict" }, { router });
      }
      const recordChanges = stableJson(read.record?.bundle ?? null) !== stableJson(bundle);
      return plan.changes.length > 0 || recordChanges ? plan : undefined;
    }));
    // The first router's problem first (a link's end a), whatever finished first.
    const refused = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (refused) throw refused.reason;
    const planned = settled.map((r) => (r as PromiseFulfilledResult<RouterChanges | undefined>).value).filter((p): p is RouterChanges => p !== undefined);
    if (this.stopped) throw new Srv6Error("the provider was asked to stop; nothing was applied");
    const results = await engine.applyPlanned(planned);
    const failed = results.filter((r) => r.error);
    if (failed.length === 0) return;
    // A conflict anywhere means "read again"; otherwise the router that really failed comes first.
    const conflict = failed.find((r) => r.error instanceof PlanConflictError);
    if (conflict) throw conflict.error;
    throw (failed.find((r) => !(r.error instanceof ApplyAbortedError)) ?? failed[0]!).error;
  }

  /** Removes everything we installed on the router (the router resource's delete). */
  async destroy(router: string): Promise<void> {
    await this.locks.withRouters([router], async () => {
      try {
        const [result] = await this.engine().destroy([router]);
        if (result?.error) throw result.error;
      } finally {
        this.observations.delete(router);
      }
    });
  }
}

export type { RouterBundle };
