/**
 * The outcomes of a transaction on a router, as router/srv6p-apply.py
 * reports them: its final states and the exit codes of `wait`. Defined on
 * both sides (the applier runs on routers with nothing but python3);
 * test/engine/applier.test.ts loads the applier and checks that both
 * say the same.
 */

/** States after which nothing changes any more on the router. */
export const FINAL_STATES = ["committed", "rolled-back", "rollback-failed", "reverted-unconfirmed", "locked", "conflict"] as const;
export type FinalState = (typeof FINAL_STATES)[number];

/** While it runs: "starting", "running", or "waiting:<barrier>". */
export type TxnState = FinalState | "starting" | "running" | `waiting:${string}` | "unknown";

/** Exit codes of `srv6p-apply.py wait`. */
export const WAIT_EXIT = { committed: 0, "not-committed": 1, usage: 2, timeout: 3, "at-barrier": 4 } as const;

/** The exit codes of `wait` that carry a status on stdout. */
export const WAIT_STATUS_EXITS: readonly number[] = [WAIT_EXIT.committed, WAIT_EXIT["not-committed"], WAIT_EXIT.timeout, WAIT_EXIT["at-barrier"]];

export function isFinal(state: string): state is FinalState {
  return (FINAL_STATES as readonly string[]).includes(state);
}
