/** Errors of plan/apply, on top of the transport's (provider/errors.ts). */
import { Srv6Error, type Srv6ErrorContext } from "../errors";
import type { TxnState } from "./apply-outcomes";

export interface TxnStatus {
  readonly id: string;
  readonly state: TxnState;
  readonly failedStep?: { step?: string; argv: string[]; code: number; stderr: string; index: number };
  readonly holder?: { id?: string; controller?: string; since?: number } | null;
  readonly undone?: number;
  readonly undoFailures?: readonly UndoFailure[];
  /** Seconds left at the barrier the transaction waits at (`wait --barrier`). */
  readonly barrierRemainingS?: number;
  /** A later applier finished it: the one that ran it died. */
  readonly recovered?: boolean;
  readonly durationMs?: number;
  readonly done?: number;
}

/** An undo step that failed: the router holds neither configuration completely. */
export interface UndoFailure {
  readonly step?: string;
  readonly index?: number;
  readonly argv?: readonly string[];
  readonly code: number;
  readonly stderr: string;
}

/** The router refused or undid the transaction; it holds its previous configuration. */
export class ApplyError extends Srv6Error {
  override readonly name: string = "ApplyError";
  override readonly kind: string = "apply";
  constructor(message: string, readonly status: TxnStatus, ctx: Srv6ErrorContext = {}) {
    super(message, ctx);
  }
}

/** Another apply holds the router's lock. */
export class RouterLockedError extends ApplyError {
  override readonly name = "RouterLockedError";
  override readonly kind = "router-locked";
}

/** The router's applied record changed since the plan: plan again. */
export class PlanConflictError extends ApplyError {
  override readonly name = "PlanConflictError";
  override readonly kind = "plan-conflict";
}

/** The connection was lost while the router applied: it finishes or reverts on its own. */
export class ApplyInterruptedError extends Srv6Error {
  override readonly name = "ApplyInterruptedError";
  override readonly kind = "apply-interrupted";
}

/** This router was ready, but another router of the apply failed: nothing changed here. */
export class ApplyAbortedError extends Srv6Error {
  override readonly name = "ApplyAbortedError";
  override readonly kind = "apply-aborted";
  constructor(router: string) {
    super(`apply on ${router} aborted because another router failed; ${router} kept its previous configuration`, { router });
  }
}

/** The apply failed and undoing it failed too: the router needs attention. */
export class RollbackIncompleteError extends ApplyError {
  override readonly name = "RollbackIncompleteError";
  override readonly kind = "rollback-incomplete";
}
