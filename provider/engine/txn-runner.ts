/** Starting, awaiting and signalling transactions on a router (srv6p-apply.py). */
import type { RouterConnection } from "../ssh";
import { SshConnectionError } from "../errors";
import { pythonArgv } from "./router-scripts";
import type { Transaction } from "./transaction";
import { WAIT_STATUS_EXITS, type FinalState } from "./apply-outcomes";
import { ApplyError, ApplyInterruptedError, PlanConflictError, RollbackIncompleteError, RouterLockedError, type TxnStatus } from "./errors";

export async function startTransaction(conn: RouterConnection, txn: Transaction): Promise<void> {
  await conn.run(pythonArgv("srv6p-apply.py", ["run", "-"]), { input: JSON.stringify(txn) });
}

/** Waits until the transaction is final, or waiting at `barrier`. */
export async function awaitTransaction(conn: RouterConnection, id: string, opts: { barrier?: string; timeoutS?: number } = {}): Promise<TxnStatus> {
  const timeoutS = opts.timeoutS ?? 120;
  const args = ["wait", id, "--timeout", String(timeoutS), ...(opts.barrier ? ["--barrier", opts.barrier] : [])];
  try {
    const r = await conn.run(pythonArgv("srv6p-apply.py", args), { okExitCodes: WAIT_STATUS_EXITS, timeoutMs: (timeoutS + 5) * 1000 });
    return JSON.parse(r.stdout) as TxnStatus;
  } catch (err) {
    if (err instanceof SshConnectionError) {
      throw new ApplyInterruptedError(`connection to ${conn.router} lost during transaction ${id}: the router completes or reverts it on its own; run plan again`, { router: conn.router, cause: err });
    }
    throw err;
  }
}

export async function signalTransaction(conn: RouterConnection, id: string, signal: string): Promise<void> {
  await conn.run(pythonArgv("srv6p-apply.py", ["signal", id, signal]));
}

/** Throws the typed error a non-committed final state means. */
export function checkCommitted(router: string, status: TxnStatus): void {
  const state = status.state as FinalState;
  switch (state) {
    case "committed":
      return;
    case "locked":
      throw new RouterLockedError(`router ${router} is busy: transaction ${status.holder?.id ?? "?"} by ${status.holder?.controller ?? "another controller"} holds its lock; retry when it is done`, status, { router });
    case "conflict":
      throw new PlanConflictError(`router ${router} was changed by another apply since this plan; plan again`, status, { router });
    case "rolled-back": {
      const f = status.failedStep;
      const died = status.recovered ? " (its applier died; a later one undid it)" : "";
      throw new ApplyError(`apply on ${router} failed at '${f?.step ?? "?"}'${f ? ` (exit ${f.code}): ${f.stderr.trim()}` : ""}${died}; the router was rolled back to its previous configuration`, status,
        { router, command: f?.argv, exitCode: f?.code, stderr: f?.stderr });
    }
    case "reverted-unconfirmed":
      throw new ApplyError(`apply on ${router} was not confirmed in time; the router reverted to its previous configuration`, status, { router });
    case "rollback-failed": {
      const f = status.failedStep;
      const undo = (status.undoFailures ?? []).map((u) => `step '${u.step ?? "?"}' (exit ${u.code}): ${u.stderr.trim() || "no stderr"}`);
      const first = status.undoFailures?.[0];
      throw new RollbackIncompleteError(`apply on ${router} failed at '${f?.step ?? "?"}'; rollback incomplete: ${undo.join("; ") || "see the transaction's status"}; the router needs attention (transaction ${status.id})`, status,
        { router, command: first?.argv ? [...first.argv] : undefined, exitCode: first?.code, stderr: first?.stderr });
    }
    default: {
      // Not final (the wait timed out), or a state this controller does not know.
      const unknown: never = state;
      throw new ApplyError(`transaction ${status.id} on ${router} ended in state ${String(unknown)}`, status, { router });
    }
  }
}
