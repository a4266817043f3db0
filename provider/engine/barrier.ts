/**
 * The network-wide "go": given only when every router of the apply waits at
 * its barrier with enough time left to receive it. Each router's barrier
 * deadline starts when it gets there, so an early router may be close to
 * giving up (and rolling back) while a late one, which waited for its lock,
 * has just arrived; a "go" then would commit the late one next to an early
 * one that rolled back. The controller knows every router's time left (the
 * router's own monotonic clock, reported by `wait`) and when it learnt it.
 */

/**
 * Time a router must have left when "go" is decided: the signal takes one
 * SSH exec on an open connection (tens of ms on a LAN, seconds on a
 * congested management path), so a generous margin.
 */
export const GO_MARGIN_S = 5;

export interface BarrierArrival {
  readonly router: string;
  /** What the router reported left of its barrier timeout. */
  readonly remainingS: number;
  /** When the controller received that report (Date.now()). */
  readonly receivedAtMs: number;
}

export interface BarrierDecision {
  readonly go: boolean;
  /** Routers whose time left at `nowMs` is below the margin. */
  readonly short: readonly { router: string; leftS: number }[];
  readonly missing: readonly string[];
}

export function decideGo(routers: readonly string[], arrivals: readonly BarrierArrival[], nowMs: number, marginS = GO_MARGIN_S): BarrierDecision {
  const byRouter = new Map(arrivals.map((a) => [a.router, a]));
  const missing = routers.filter((r) => !byRouter.has(r));
  const short = arrivals
    .map((a) => ({ router: a.router, leftS: a.remainingS - (nowMs - a.receivedAtMs) / 1000 }))
    .filter((a) => !(a.leftS >= marginS));
  return { go: missing.length === 0 && short.length === 0, short, missing };
}
