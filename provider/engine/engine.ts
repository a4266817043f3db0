/**
 * The engine: observe routers over SSH, plan the difference with the desired
 * state, apply it all-or-nothing per router, report drift, destroy. The
 * `srv6` CLI and the Terraform provider both drive this class.
 */
import { ConnectionPool, type RouterConnection, type RouterConnectionOptions } from "../ssh";
import { Srv6Error } from "../errors";
import { renderLayout } from "../dataplane/render";
import { layoutRouter } from "../dataplane/router-layout";
import type { DataplanePlan } from "../dataplane/types";
import { bundleFor, type RouterBundle, type StateLike } from "./bundle";
import { observeRequest, observeRouter, minimalObserveRequest, type Observation } from "./observe";
import { expectationOf, type Expectation } from "./expect";
import { diffRouter, type Change } from "./diff";
import { preflightProblems, PreflightError } from "./preflight";
import { applyTransaction, barrierTimeoutSFor, destroyTransaction, stagedPath, type Transaction, type TransactionOptions } from "./transaction";
import { startTransaction, awaitTransaction, signalTransaction, checkCommitted } from "./txn-runner";
import { STAGING_DIR, recordedRemoval } from "./record";
import { STATE_DIR } from "../dataplane/constants";
import { PACKAGE_ROOT, pythonArgv } from "./router-scripts";
import { linkStatuses, type LinkEndStatus } from "./link-status";
import { backupPathStatuses, withFailingRouters, type BackupPathStatus } from "./backup-status";
import { desiredSids, walkBackup, type FibWalkResult, type RouterFib } from "./fib-walk";
import { canonicalIpv6 } from "../../model/ipv6";
import { ApplyAbortedError, type TxnStatus } from "./errors";
import { decideGo, GO_MARGIN_S, type BarrierArrival } from "./barrier";

export interface EngineOptions {
  /** SSH settings of each router by name. */
  readonly connectionFor: (router: string) => RouterConnectionOptions;
  /** Routers worked on at once. Default 16. */
  readonly parallelism?: number;
  /** Progress lines (per router), for terminals. */
  readonly onProgress?: (router: string, message: string) => void;
}

/** One router planned: what it has, what it should have, and the changes between (`srv6 plan`). */
export interface RouterChanges {
  readonly router: string;
  readonly bundle: RouterBundle;
  readonly observation?: Observation;
  readonly plan?: DataplanePlan;
  readonly expectation?: Expectation;
  readonly changes: Change[];
  /**
   * Health of each of this router's backup paths, from the probes' counters.
   * Not a change an apply makes (a broken path is fixed elsewhere, often on
   * another router): `srv6 drift` reports the broken ones as drift.
   */
  readonly backupPaths?: BackupPathStatus[];
  /**
   * This router's backup paths, walked on every router's FIB: those whose
   * forwarding crosses the link they protect, or cannot be followed. Empty
   * when every backup avoids its link; absent when not every router was planned.
   */
  readonly fibFindings?: FibWalkResult[];
  /** Why this router cannot be planned (unreachable, preflight, bad input). */
  readonly error?: Srv6Error;
}

/** Walks every policy's backup on the observed FIBs and gives each router its findings. */
function withFibWalks(state: StateLike, planned: RouterChanges[]): RouterChanges[] {
  const fibs = new Map<string, RouterFib>();
  const sids = desiredSids(state.routers, state.links);
  for (const r of planned) if (r.observation) fibs.set(r.router, { router: r.router, sids: sids.get(r.router) ?? new Map(), lookup: r.observation.fib, addresses: r.observation.addresses });
  return planned.map((r) => {
    if (!r.observation) return r;
    const findings = state.policies.filter((p) => p.router === r.router).flatMap((p) => {
      const link = state.links.find((l) => l.name === p.link);
      const walk = link ? walkBackup(p, link, fibs) : undefined;
      return walk && (walk.crossings.length || walk.problems.length) ? [walk] : [];
    });
    return { ...r, fibFindings: findings };
  });
}

/** Every router of the state planned (the constructs' NetworkPlan is something else: the protection they declare). */
export interface NetworkChanges {
  readonly routers: RouterChanges[];
  readonly durationMs: number;
}

export interface ApplyOptions extends TransactionOptions {}

export interface RouterApplyResult {
  readonly router: string;
  readonly changes: number;
  readonly status?: TxnStatus;
  readonly error?: Srv6Error;
}

export interface ApplyReport {
  readonly plan: NetworkChanges;
  readonly routers: RouterApplyResult[];
  readonly ok: boolean;
  readonly durationMs: number;
}

function asSrv6Error(err: unknown, router: string): Srv6Error {
  if (err instanceof Srv6Error) return err;
  const e = err as Error;
  return new Srv6Error(`${router}: ${e.message}`, { router, cause: err });
}

/** Interfaces the router's share of the state names on the router itself. */
function ownInterfaces(b: RouterBundle): string[] {
  const me = b.routers.find((r) => r.name === b.router);
  const names = new Set<string>((me?.adjacency_sids ?? []).map((a) => a.interface));
  for (const l of b.links) {
    if (l.router_a === b.router) names.add(l.interface_a);
    if (l.router_b === b.router) names.add(l.interface_b);
  }
  return [...names].sort();
}

/**
 * Linux needs a real, up device on seg6local routes (a route over `lo` is a
 * reject route). A router with protected links uses their interface (the
 * renderer's default); a transit-only router uses its first up interface.
 */
function sidDevice(bundle: RouterBundle, have: Observation): string | undefined {
  if (ownInterfaces(bundle).length) return undefined;
  const up = Object.entries(have.facts.operstate).filter(([name, state]) => state === "up" && name !== "lo").map(([name]) => name).sort();
  return up[0];
}

// Run by the applier's `cleanup` with the apply lock held ($1: state dir). Directories may be
// mount points (the lab's): rmdir may fail. iproute2 creates its pin directories on first
// load; remove them only when empty.
const CLEANUP_SCRIPT = 'rmdir "$1/bpf" "$1/bin" "$1/staging" "$1/pending" 2>/dev/null; rmdir "$1" 2>/dev/null; '
  + "rmdir /sys/fs/bpf/tc/globals /sys/fs/bpf/tc 2>/dev/null && rm -f /sys/fs/bpf/ip; rmdir /sys/fs/bpf/xdp 2>/dev/null; exit 0";

/** Uploads the files a planned router lacks to its staging directory, where its transaction installs them from. */
export async function stageFiles(conn: RouterConnection, planned: RouterChanges, progress: (message: string) => void = () => undefined): Promise<void> {
  const changed = [...planned.expectation!.files].filter(([path, f]) => planned.observation!.files[path] !== f.sha256);
  if (!changed.length) return;
  progress(`uploading ${changed.length} file(s)`);
  await conn.run(["mkdir", "-p", STAGING_DIR]);
  for (const [, f] of changed) await conn.upload({ file: `${PACKAGE_ROOT}/${f.localPath}` }, stagedPath(f.sha256), { mode: 0o600 });
}

export class Engine {
  readonly pool: ConnectionPool;
  private readonly progress: (router: string, message: string) => void;

  constructor(options: EngineOptions) {
    this.pool = new ConnectionPool(options.connectionFor, { parallelism: options.parallelism });
    this.progress = options.onProgress ?? (() => undefined);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** Observes every router of the state and computes its changes. Read only. */
  async plan(state: StateLike, routers = state.routers.map((r) => r.name)): Promise<NetworkChanges> {
    const started = Date.now();
    // The FIB walk needs every router's forwarding of every segment: only when the whole network is planned.
    const whole = state.routers.every((r) => routers.includes(r.name));
    const fibAddresses = whole ? [...new Set(state.policies.flatMap((p) => p.segments.map(canonicalIpv6)))].sort() : undefined;
    const outcomes = await this.pool.forEachRouter(routers, async (conn, router) => this.planRouter(conn, bundleFor(state, router), { fibAddresses }));
    const planned = outcomes.map((o) => (o.ok
      ? (o.value.backupPaths ? { ...o.value, backupPaths: withFailingRouters(o.value.backupPaths, state.routers) } : o.value)
      : { router: o.router, bundle: bundleFor(state, o.router), changes: [], error: o.error }));
    return {
      routers: whole ? withFibWalks(state, planned) : planned,
      durationMs: Date.now() - started,
    };
  }

  /** Plans one router from its share of the state (also used by the Terraform provider). */
  async planRouter(conn: RouterConnection, bundle: RouterBundle, extra: { fibAddresses?: string[] } = {}): Promise<RouterChanges> {
    const router = bundle.router;
    try {
      this.progress(router, "observing");
      // What to look at depends only on the desired state, not on the router's facts.
      const layout = bundle.routers.some((r) => r.name === router) ? layoutRouter(bundle) : undefined;
      const observation = await observeRouter(conn, router, { ...observeRequest(layout), ...(extra.fibAddresses ? { fibAddresses: extra.fibAddresses } : {}) });
      const problems = preflightProblems(observation.facts, { sharedPrograms: (layout?.prefixes.length ?? 0) > 0 });
      if (problems.length) return { router, bundle, observation, changes: [], error: new PreflightError(router, problems) };
      // Without its srv6_router the layout is refused, naming what is missing.
      const plan = renderLayout(layout ?? layoutRouter(bundle), { ifindex: observation.facts.ifindex, systemd: observation.facts.systemd, sidDevice: sidDevice(bundle, observation) });
      const expectation = expectationOf(plan);
      const changes = diffRouter(router, expectation, observation);
      this.progress(router, changes.length ? `${changes.length} change(s)` : "up to date");
      return { router, bundle, observation, plan, expectation, changes, backupPaths: backupPathStatuses(bundle, plan, observation) };
    } catch (err) {
      return { router, bundle, changes: [], error: asSrv6Error(err, router) };
    }
  }

  /**
   * Applies the state: plans, refuses if any router cannot be planned (nothing
   * changes anywhere), then runs one transaction per changed router with a
   * network-wide barrier between SIDs and the rest, and verifies.
   */
  async apply(state: StateLike, opts: ApplyOptions = {}): Promise<ApplyReport> {
    const started = Date.now();
    const plan = await this.plan(state);
    const failed = plan.routers.filter((r) => r.error);
    if (failed.length) {
      return { plan, ok: false, durationMs: Date.now() - started, routers: failed.map((r) => ({ router: r.router, changes: 0, error: r.error })) };
    }
    const targets = plan.routers.filter((r) => r.changes.length > 0);
    const results = await this.applyPlanned(targets, opts);
    const skipped = plan.routers.filter((r) => r.changes.length === 0).map((r) => ({ router: r.router, changes: 0 }));
    return { plan, routers: [...results, ...skipped], ok: results.every((r) => !r.error), durationMs: Date.now() - started };
  }

  /** Runs the transactions of already planned routers (each plan must be error-free). */
  async applyPlanned(targets: readonly RouterChanges[], given: ApplyOptions = {}): Promise<RouterApplyResult[]> {
    if (targets.length === 0) return [];
    const marginS = given.goMarginS ?? GO_MARGIN_S;
    const opts: ApplyOptions = { ...given, goTimeoutS: barrierTimeoutSFor(targets.length, given.lockTimeoutS, given.goTimeoutS, marginS) };
    const txns = new Map<string, Transaction>();
    const results = new Map<string, RouterApplyResult>();
    const fail = (router: string, err: unknown, status?: TxnStatus) => {
      const t = targets.find((x) => x.router === router)!;
      results.set(router, { router, changes: t.changes.length, status, error: asSrv6Error(err, router) });
    };

    // 1. Stage changed files and start every transaction (SIDs, then wait for "go").
    await Promise.all(targets.map(async (t) => {
      try {
        const conn = await this.pool.connection(t.router);
        await stageFiles(conn, t, (m) => this.progress(t.router, m));
        const txn = applyTransaction(t.bundle, t.plan!, t.expectation!, t.observation!, opts);
        this.progress(t.router, `applying ${t.changes.length} change(s) (transaction ${txn.id})`);
        await startTransaction(conn, txn);
        txns.set(t.router, txn);
      } catch (err) {
        fail(t.router, err);
      }
    }));

    // 2. Barrier: "go" only when every router has its SIDs; otherwise every router undoes.
    const atBarrier = new Map<string, TxnStatus>();
    const arrivals: BarrierArrival[] = [];
    await Promise.all([...txns].map(async ([router, txn]) => {
      try {
        const conn = await this.pool.connection(router);
        const status = await awaitTransaction(conn, txn.id, { barrier: "go", timeoutS: opts.goTimeoutS! + 5 });
        if (status.state === "waiting:go") {
          atBarrier.set(router, status);
          arrivals.push({ router, remainingS: status.barrierRemainingS ?? Number.NaN, receivedAtMs: Date.now() });
          this.progress(router, "SIDs installed, waiting for every router to get there");
        }
        else { checkCommitted(router, status); fail(router, new Srv6Error(`transaction ended before the barrier: ${status.state}`, { router }), status); }
      } catch (err) {
        fail(router, err);
      }
    }));
    // Every router must be there, including any whose transaction could not even be started
    // (the others' backup paths may point at its SIDs), and each with time to get the signal.
    const decision = decideGo(targets.map((t) => t.router), arrivals, Date.now(), marginS);
    const go = decision.go ? "go" : "abort";
    for (const s of decision.short) {
      fail(s.router, new Srv6Error(`${s.router} had ${Math.max(0, s.leftS).toFixed(1)} s left at the barrier when every router got there (at least ${marginS} s needed): aborted on every router; a router that waited for its lock can make the others wait that long`, { router: s.router }));
    }
    await Promise.all([...atBarrier.keys()].map(async (router) => {
      try {
        await signalTransaction(await this.pool.connection(router), txns.get(router)!.id, go);
      } catch (err) {
        fail(router, err);
      }
    }));

    // 3. Final states (and commit-confirm over a fresh connection).
    await Promise.all([...atBarrier.keys()].map(async (router) => {
      const txn = txns.get(router)!;
      try {
        let status = await awaitTransaction(await this.pool.connection(router), txn.id, { barrier: opts.confirmTimeoutS ? "confirm" : undefined });
        if (status.state === "waiting:confirm") {
          // Confirm over a new connection: proof that management access survived the change.
          await (await this.pool.connection(router)).close();
          const conn = await this.pool.connection(router);
          await signalTransaction(conn, txn.id, "confirm");
          status = await awaitTransaction(conn, txn.id);
        }
        if (go === "abort" && !results.has(router)) {
          fail(router, new ApplyAbortedError(router), status);
          return;
        }
        checkCommitted(router, status);
        const t = targets.find((x) => x.router === router)!;
        results.set(router, { router, changes: t.changes.length, status });
        this.progress(router, `committed in ${status.durationMs ?? "?"} ms`);
      } catch (err) {
        fail(router, err);
      }
    }));
    return targets.map((t) => results.get(t.router) ?? { router: t.router, changes: t.changes.length, error: new Srv6Error("no result", { router: t.router }) });
  }

  /** Removes everything srv6-protect installed on the routers (from their own records). */
  async destroy(routers: readonly string[], opts: TransactionOptions = {}): Promise<RouterApplyResult[]> {
    const outcomes = await this.pool.forEachRouter(routers, async (conn, router) => {
      const have = await observeRouter(conn, router, minimalObserveRequest());
      if (!have.applied && have.ownRoutes.length === 0) return { router, changes: 0 };
      const removal = recordedRemoval(have.applied);
      const txn = destroyTransaction(have, removal, opts);
      this.progress(router, `removing (transaction ${txn.id})`);
      await startTransaction(conn, txn);
      const status = await awaitTransaction(conn, txn.id);
      checkCommitted(router, status);
      // The transaction logs and the lock file outlive the transaction itself; once
      // nothing of ours is left, leave the router as it was before us. Under the lock:
      // another controller's transaction that started meanwhile keeps its directory and lock.
      await conn.run(pythonArgv("srv6p-apply.py", ["cleanup", "sh", "-c", CLEANUP_SCRIPT, "sh", STATE_DIR]));
      return { router, changes: removal.length + have.ownRoutes.length, status };
    });
    return outcomes.map((o) => (o.ok ? o.value : { router: o.router, changes: 0, error: o.error }));
  }

  /** Link liveness and counters, read from each router's pinned maps. */
  async status(state: StateLike, routers = state.routers.map((r) => r.name)): Promise<{ links: LinkEndStatus[]; backupPaths: BackupPathStatus[]; errors: { router: string; error: Srv6Error }[] }> {
    const plan = await this.plan(state, routers);
    const links: LinkEndStatus[] = [];
    const backupPaths: BackupPathStatus[] = [];
    const errors: { router: string; error: Srv6Error }[] = [];
    for (const r of plan.routers) {
      if (r.error || !r.observation) { errors.push({ router: r.router, error: r.error! }); continue; }
      links.push(...linkStatuses(r.bundle, r.observation));
      backupPaths.push(...(r.backupPaths ?? []));
    }
    return { links, backupPaths, errors };
  }
}
