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
 * configuration. A rollback restores the previous configuration: the new
 * plan's removal steps, then the previous record's install steps.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { DataplanePlan, RouterCommand } from "../dataplane/types";
import type { Observation } from "./observe";
import type { Expectation } from "./expect";
import type { RouterBundle } from "./bundle";
import { stableJson } from "./bundle";
import { APPLIED_RECORD, STAGING_DIR, type AppliedRecord } from "./record";
import { ROUTE_PROTOCOL } from "../dataplane/constants";
import { routeKey } from "./route-spec";
import { foreignRoutes } from "./diff";

export interface Step {
  readonly name: string;
  readonly do?: readonly string[];
  readonly undo?: readonly string[] | null;
  readonly input?: string;
  readonly installFiles?: { src: string; dst: string; mode: number }[];
  readonly writeFile?: { path: string; content: string; mode: number };
  readonly barrier?: string;
  readonly timeoutS?: number;
  /** A failure is recorded and tolerated (removal steps: "already gone" is fine). */
  readonly mayFail?: boolean;
}

export interface Transaction {
  readonly id: string;
  readonly controller: string;
  readonly lockTimeoutS: number;
  readonly expectRecord: { path: string; sha256: string | null };
  readonly steps: Step[];
  readonly rollback: Step[];
}

export interface TransactionOptions {
  /** How long to wait for another apply on the same router. Default 30. */
  readonly lockTimeoutS?: number;
  /**
   * How long a router waits for the network-wide "go".
   * @default goTimeoutSFor(routers in the apply)
   */
  readonly goTimeoutS?: number;
  /** Commit-confirm: revert unless confirmed over a new connection within this time. */
  readonly confirmTimeoutS?: number;
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

/** The staged copy of a file on the router, named by content. */
export function stagedPath(sha256: string): string {
  return `${STAGING_DIR}/${sha256}`;
}

const step = (c: Pick<RouterCommand, "argv" | "input" | "description">): Step => ({ name: c.description, do: [...c.argv], ...(c.input !== undefined ? { input: c.input } : {}) });

export function newTransactionId(): string {
  return `${new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${randomBytes(4).toString("hex")}`;
}

export function applyTransaction(bundle: RouterBundle, plan: DataplanePlan, want: Expectation, have: Observation, opts: TransactionOptions = {}): Transaction {
  const id = newTransactionId();
  const pushedFiles = new Set(plan.files.map((f) => f.remotePath));
  // Rolling back must not delete the files the previous configuration loads.
  const removal = plan.remove.filter((c) => !(c.argv[0] === "rm" && c.argv.some((a) => pushedFiles.has(a))));
  const previous = have.applied;
  const rollback: Step[] = [...removal.map(step), ...(previous ? previous.install.map(step) : [])];
  const base = {
    controller: `${hostname()} pid ${process.pid}`,
    lockTimeoutS: opts.lockTimeoutS ?? 30,
    expectRecord: { path: APPLIED_RECORD, sha256: have.appliedSha256 },
    rollback,
  };

  const changedFiles = [...want.files].filter(([path, f]) => have.files[path] !== f.sha256);
  const steps: Step[] = [...plan.install.filter((c) => c.stage === "sids").map(step), { name: "wait until every router has its SIDs", barrier: "go", timeoutS: opts.goTimeoutS ?? goTimeoutSFor(1) }];
  if (changedFiles.length) {
    steps.push({ name: `install ${changedFiles.length} file(s)`, installFiles: changedFiles.map(([path, f]) => ({ src: stagedPath(f.sha256), dst: path, mode: f.mode })) });
    // Undo restores from the transaction's own backups, not from staging.
    steps.push({ name: "clear the staging directory", do: ["rm", "-rf", STAGING_DIR] });
  }
  steps.push(...plan.install.filter((c) => c.stage !== "sids").map(step));
  // What the previous configuration had and this one does not.
  const keep = new Set(plan.remove.map((c) => stableJson(c.argv)));
  for (const c of previous?.remove ?? []) if (!keep.has(stableJson(c.argv))) steps.push({ ...step(c), name: `remove: ${c.description}`, mayFail: true });
  for (const f of foreignRoutes(want, have)) {
    const o = f.route;
    steps.push({ name: `remove foreign route on ${o.dst} (proto ${o.protocol})`, do: ["ip", "-6", "route", "del", o.dst, "metric", String(o.metric), "proto", o.protocol] });
  }
  for (const o of have.ownRoutes) {
    if (!want.routes.has(routeKey(o))) {
      // mayFail: the previous record's removal steps above may already have taken it away.
      steps.push({ name: `remove route ${o.dst} (ours, no longer desired)`, do: ["ip", "-6", "route", "del", o.dst, "metric", String(o.metric), "proto", String(ROUTE_PROTOCOL)], mayFail: true });
    }
  }
  const record: AppliedRecord = {
    version: 1,
    bundle,
    install: plan.install.map((c) => ({ argv: c.argv, ...(c.input !== undefined ? { input: c.input } : {}), description: c.description })),
    remove: plan.remove.map((c) => ({ argv: c.argv, description: c.description })),
    committedAt: new Date().toISOString(),
    by: base.controller,
  };
  steps.push({ name: "record the applied configuration", writeFile: { path: APPLIED_RECORD, content: `${JSON.stringify(record)}\n`, mode: 0o644 } });
  if (opts.confirmTimeoutS) steps.push({ name: "wait for the controller's confirmation", barrier: "confirm", timeoutS: opts.confirmTimeoutS });
  return { ...base, id, steps: steps };
}

/** Removes everything the router's record says we installed, and the record itself. */
export function destroyTransaction(have: Observation, removal: readonly Pick<RouterCommand, "argv" | "description">[], opts: TransactionOptions = {}): Transaction {
  const steps: Step[] = removal.map((c) => ({ name: c.description, do: [...c.argv], mayFail: true }));
  for (const o of have.ownRoutes) {
    steps.push({ name: `remove route ${o.dst}`, do: ["sh", "-c", 'ip -6 route del "$1" metric "$2" proto "$3" 2>/dev/null || true', "sh", o.dst, String(o.metric), String(ROUTE_PROTOCOL)] });
  }
  steps.push({ name: "remove the applied record and staged files", do: ["rm", "-rf", APPLIED_RECORD, STAGING_DIR] });
  return {
    id: `${newTransactionId()}-destroy`,
    controller: `${hostname()} pid ${process.pid}`,
    lockTimeoutS: opts.lockTimeoutS ?? 30,
    expectRecord: { path: APPLIED_RECORD, sha256: have.appliedSha256 },
    steps,
    rollback: [],
  };
}
