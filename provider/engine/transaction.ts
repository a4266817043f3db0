/**
 * Turns one router's rendered plan into the transaction the router-side
 * applier runs (router/srv6p-apply.py):
 *   1. "sids": what other routers point at (End, End.DT6, End.X), sysctls;
 *   2. barrier "go": every router of the apply has done step 1;
 *   3. files, monitors, stampers, maps, protected routes, probes, the
 *      removal of what is no longer desired, and the applied record;
 *   4. optional barrier "confirm" (commit-confirm).
 * So no probe or backup path ever points at a SID that does not exist yet,
 * and a router without its "go" (another router failed, or the controller
 * is gone) undoes step 1: each router ends with its old or its new
 * configuration.
 *
 * An operation the previous apply installed exactly so, and the router still
 * shows, gets no step at all (untouched.ts): neither the apply nor its undo
 * disturbs it.
 *
 * Every step is one operation and carries its own undo (operations.ts:
 * undoCommands): back to the operation as the previous apply installed it
 * (from the router's applied record), or away if it is new. A failed
 * transaction undoes exactly the steps that ran, in reverse. Putting the
 * previous files back also re-installs the previous operations that load
 * them, so the old programs run again, not the new ones from the old paths.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { DataplanePlan } from "../dataplane/types";
import { undoCommands, MAPS_OPERATION_KEY, type Operation } from "../dataplane/operations";
import type { Observation } from "./observe";
import type { Expectation } from "./expect";
import type { RouterBundle } from "./bundle";
import { recordableBundle, stableJson } from "./bundle";
import { APPLIED_RECORD, STAGING_DIR, recordOperation, type AppliedRecord, type RecordedCommand, type RecordedOperation } from "./record";
import { ROUTE_PROTOCOL } from "../dataplane/constants";
import { routeKey } from "./route-spec";
import { diffRouter, foreignRoutes } from "./diff";
import { untouchedOperations } from "./untouched";
import { GO_MARGIN_S } from "./barrier";
import { batchRouteSteps } from "./route-batch";

/** One command of a step, run without a shell. */
export interface StepCommand {
  readonly argv: readonly string[];
  readonly input?: string;
  /** A failure is recorded and tolerated (removal: "already gone" is fine). */
  readonly mayFail?: boolean;
}

export interface Step {
  readonly name: string;
  readonly do?: readonly StepCommand[];
  /** Takes the step back, run in reverse step order when a later step fails. */
  readonly undo?: readonly StepCommand[];
  readonly installFiles?: { src: string; dst: string; mode: number }[];
  readonly writeFile?: { path: string; content: string; mode: number };
  readonly barrier?: string;
  readonly timeoutS?: number;
}

export interface Transaction {
  readonly id: string;
  readonly controller: string;
  readonly lockTimeoutS: number;
  readonly expectRecord: { path: string; sha256: string | null };
  readonly steps: Step[];
  /**
   * Run after the undo when the previous record is of version 1 (whole
   * command lists, no operations to undo to): its install commands.
   */
  readonly rollback: Step[];
}

export interface TransactionOptions {
  /**
   * How long to wait for another apply on the same router.
   * @default DEFAULT_LOCK_TIMEOUT_S
   */
  readonly lockTimeoutS?: number;
  /**
   * How long a router waits for the network-wide "go".
   * @default barrierTimeoutSFor(routers in the apply, lockTimeoutS)
   */
  readonly goTimeoutS?: number;
  /** Commit-confirm: revert unless confirmed over a new connection within this time. */
  readonly confirmTimeoutS?: number;
  /**
   * Time every router must have left at its barrier for "go" to be given.
   * @default GO_MARGIN_S
   */
  readonly goMarginS?: number;
}

/**
 * Every transaction of an apply starts at once and waits at the "go" barrier
 * for the slowest router to stage its files and install its SIDs; that
 * spread grows with the number of routers sharing the controller's link and
 * CPU, so the wait does too: 30 s, plus 0.25 s per router.
 */
export function goTimeoutSFor(routers: number): number {
  return 30 + Math.ceil(routers / 4);
}

export const DEFAULT_LOCK_TIMEOUT_S = 30;

/**
 * The "go" wait of an apply: long enough for the routers' spread
 * (goTimeoutSFor), and for a router that waits its whole lock wait and then
 * installs its SIDs while the first one already waits, with the go margin to
 * spare for both, so that a busy router is reported before anyone gives up.
 */
export function barrierTimeoutSFor(routers: number, lockTimeoutS = DEFAULT_LOCK_TIMEOUT_S, goTimeoutS = goTimeoutSFor(routers), goMarginS = GO_MARGIN_S): number {
  return Math.max(goTimeoutS, lockTimeoutS + 2 * goMarginS);
}

/** The staged copy of a file on the router, named by content. */
export function stagedPath(sha256: string): string {
  return `${STAGING_DIR}/${sha256}`;
}

const stepCommand = (c: RecordedCommand): StepCommand => ({ argv: [...c.argv], ...(c.input !== undefined ? { input: c.input } : {}), ...(c.ignoreFailure ? { mayFail: true } : {}) });
const commands = (cs: readonly RecordedCommand[]): StepCommand[] => cs.map(stepCommand);

export function newTransactionId(): string {
  return `${new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${randomBytes(4).toString("hex")}`;
}

/** The previous apply's operations by key (none for a version 1 record or a first apply). */
function previousOperations(have: Observation): Map<string, RecordedOperation> {
  const record = have.applied;
  return new Map(record?.version === 2 ? record.operations.map((o) => [o.key, o]) : []);
}

function operationStep(op: Operation, previous: Map<string, RecordedOperation>, have: Observation): Step {
  return { name: op.description, do: commands(op.install), undo: commands(undoCommands(op, previous.get(op.key), have.sysctls)) };
}

export function applyTransaction(bundle: RouterBundle, plan: DataplanePlan, want: Expectation, have: Observation, opts: TransactionOptions = {}): Transaction {
  const id = newTransactionId();
  const previous = previousOperations(have);
  const legacy = have.applied?.version === 1 ? have.applied : undefined;
  const base = {
    controller: `${hostname()} pid ${process.pid}`,
    lockTimeoutS: opts.lockTimeoutS ?? DEFAULT_LOCK_TIMEOUT_S,
    expectRecord: { path: APPLIED_RECORD, sha256: have.appliedSha256 },
    rollback: legacy ? legacy.install.map((c) => ({ name: c.description, do: [stepCommand(c)] })) : [],
  };
  const changedFiles = [...want.files].filter(([path, f]) => have.files[path] !== f.sha256);
  const untouched = untouchedOperations(plan.operations, previous, diffRouter(bundle.router, want, have), changedFiles.length > 0);
  const installing = plan.operations.filter((op) => op.install.length > 0 && !untouched.has(op.key));

  const steps: Step[] = [...installing.filter((op) => op.stage === "sids").map((op) => operationStep(op, previous, have)),
    { name: "wait until every router has its SIDs", barrier: "go", timeoutS: opts.goTimeoutS ?? barrierTimeoutSFor(1, opts.lockTimeoutS, undefined, opts.goMarginS) }];
  if (changedFiles.length) {
    // The applier puts the previous files back itself; then the previous programs are loaded from them again.
    const reload = [...previous.values()].filter((o) => o.usesFiles).flatMap((o) => commands(o.install));
    steps.push({ name: `install ${changedFiles.length} file(s)`, installFiles: changedFiles.map(([path, f]) => ({ src: stagedPath(f.sha256), dst: path, mode: f.mode })), undo: reload });
    // Undo restores from the transaction's own backups, not from staging.
    steps.push({ name: "clear the staging directory", do: [{ argv: ["rm", "-rf", STAGING_DIR] }] });
  }
  steps.push(...installing.filter((op) => op.stage !== "sids").map((op) => operationStep(op, previous, have)));
  // What the previous configuration had and this one does not, last installed first
  // (a tc filter goes before the clsact qdisc that holds it).
  const keys = new Set(plan.operations.map((op) => op.key));
  const cleanup: Step[] = [];
  for (const o of [...previous.values()].reverse()) {
    if (keys.has(o.key) || !o.remove.length) continue;
    const remove = commands(o.remove).map((c) => ({ ...c, mayFail: true }));
    // Unpinning the maps waits until the rest has committed: nothing could refill them.
    if (o.key === MAPS_OPERATION_KEY) cleanup.push({ name: `remove: ${o.description}`, do: remove });
    else steps.push({ name: `remove: ${o.description}`, do: remove, undo: commands(o.install) });
  }
  if (legacy) {
    // Its route removals are left to the own-routes step below, which compares routes, not
    // argv: an older removal command for a route we still install would delete it again.
    const keep = new Set(plan.remove.map((c) => stableJson(c.argv)));
    const routeDeletion = (argv: readonly string[]) => argv[0] === "ip" && argv[1] === "-6" && argv[2] === "route" && argv[3] === "del";
    for (const c of legacy.remove ?? []) {
      if (!keep.has(stableJson(c.argv)) && !routeDeletion(c.argv)) steps.push({ name: `remove: ${c.description}`, do: [{ ...stepCommand(c), mayFail: true }] });
    }
  }
  // Neither kind below can be put back: we do not know how it was made.
  for (const f of foreignRoutes(want, have)) {
    const o = f.route;
    steps.push({ name: `remove foreign route on ${o.dst} (proto ${o.protocol})`, do: [{ argv: ["ip", "-6", "route", "del", o.dst, "metric", String(o.metric), "proto", o.protocol] }] });
  }
  for (const o of have.ownRoutes) {
    if (!want.routes.has(routeKey(o))) {
      // mayFail: the previous operations' removal steps above may already have taken it away.
      steps.push({ name: `remove route ${o.dst} (ours, no longer desired)`, do: [{ argv: ["ip", "-6", "route", "del", o.dst, "metric", String(o.metric), "proto", String(ROUTE_PROTOCOL)], mayFail: true }] });
    }
  }
  const record: AppliedRecord = {
    version: 2,
    bundle: recordableBundle(bundle),
    operations: plan.operations.map(recordOperation),
    committedAt: new Date().toISOString(),
    by: base.controller,
  };
  // Only root reads it: it names the routers and files of the whole apply.
  steps.push({ name: "record the applied configuration", writeFile: { path: APPLIED_RECORD, content: `${JSON.stringify(record)}\n`, mode: 0o600 } });
  if (opts.confirmTimeoutS) steps.push({ name: "wait for the controller's confirmation", barrier: "confirm", timeoutS: opts.confirmTimeoutS });
  steps.push(...cleanup);
  return { ...base, id, steps: batchRouteSteps(steps) };
}

/** Removes everything the router's record says we installed, and the record itself. */
export function destroyTransaction(have: Observation, removal: readonly RecordedCommand[], opts: TransactionOptions = {}): Transaction {
  const steps: Step[] = removal.map((c) => ({ name: c.description, do: [{ ...stepCommand(c), mayFail: true }] }));
  for (const o of have.ownRoutes) {
    steps.push({ name: `remove route ${o.dst}`, do: [{ argv: ["ip", "-6", "route", "del", o.dst, "metric", String(o.metric), "proto", String(ROUTE_PROTOCOL)], mayFail: true }] });
  }
  steps.push({ name: "remove the applied record and staged files", do: [{ argv: ["rm", "-rf", APPLIED_RECORD, STAGING_DIR] }] });
  return {
    id: `${newTransactionId()}-destroy`,
    controller: `${hostname()} pid ${process.pid}`,
    lockTimeoutS: opts.lockTimeoutS ?? 30,
    expectRecord: { path: APPLIED_RECORD, sha256: have.appliedSha256 },
    steps: batchRouteSteps(steps),
    rollback: [],
  };
}
