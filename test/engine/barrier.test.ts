/** The network-wide "go" is given only when every router has time left to get it. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decideGo, GO_MARGIN_S } from "../../provider/engine/barrier";
import { barrierTimeoutSFor, goTimeoutSFor } from "../../provider/engine/transaction";

test("barrier: go when every router waits with time left; abort everywhere when one is short or missing", () => {
  const now = 100_000;
  const all = ["r1", "r2", "r3"];
  const fresh = all.map((router) => ({ router, remainingS: 30, receivedAtMs: now - 200 }));
  assert.deepEqual(decideGo(all, fresh, now), { go: true, short: [], missing: [] });

  // r1 arrived first and has been waiting 27 s for r3, which waited for its lock: r1 has 3 s left.
  const late = [{ router: "r1", remainingS: 30, receivedAtMs: now - 27_000 }, fresh[1]!, fresh[2]!];
  const d = decideGo(all, late, now);
  assert.equal(d.go, false);
  assert.deepEqual(d.short.map((s) => s.router), ["r1"]);
  assert.ok(Math.abs(d.short[0]!.leftS - 3) < 1e-9);

  assert.deepEqual(decideGo(all, fresh.slice(0, 2), now).missing, ["r3"], "a router that never got there");
  assert.equal(decideGo(all, [{ router: "r1", remainingS: Number.NaN, receivedAtMs: now }, fresh[1]!, fresh[2]!], now).go, false, "a router that does not say how long it waits");
  assert.equal(decideGo(all, all.map((router) => ({ router, remainingS: GO_MARGIN_S, receivedAtMs: now })), now).go, true, "exactly the margin is enough");
});

test("barrier: the go wait fits a router that waits its whole lock wait, with the margin on both sides", () => {
  for (const routers of [1, 4, 50, 400]) {
    for (const lock of [1, 10, 30, 120]) {
      const go = barrierTimeoutSFor(routers, lock);
      assert.ok(go >= goTimeoutSFor(routers) && go >= lock + 2 * GO_MARGIN_S, `${routers} routers, lock ${lock} s: go ${go} s`);
    }
  }
  assert.equal(barrierTimeoutSFor(4, 10, 60), 60, "a longer go wait asked for is kept");
  assert.equal(barrierTimeoutSFor(4, 10, 3), 20, "a shorter one grows to fit the lock wait");
  assert.equal(barrierTimeoutSFor(4, 10, 3, 2), 14, "with a 2 s go margin asked for, the lock wait plus 2 x 2 s");
  assert.equal(barrierTimeoutSFor(4, 1, 6, 2), 6);
});
