/*
 * Waits that must grow with the network (findings 4 and 5 of
 * docs/benchmark-scale.md): the apply's "go" barrier and the lab's wait for
 * every sshd.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { goTimeoutSFor } from "../../provider/engine/transaction";
import { readyTimeoutMsFor } from "../../lab/up";

test("the go barrier waits 30 s for a few routers and grows by 0.25 s per router", () => {
  assert.equal(goTimeoutSFor(1), 31);
  assert.equal(goTimeoutSFor(4), 31);
  assert.equal(goTimeoutSFor(50), 43);
  assert.equal(goTimeoutSFor(400), 130);
  for (let n = 1; n < 500; n++) assert.ok(goTimeoutSFor(n + 1) >= goTimeoutSFor(n), `never shrinks (at ${n})`);
});

test("the lab waits 15 s for up to 10 sshd and 0.5 s more per router beyond", () => {
  assert.equal(readyTimeoutMsFor(4), 15_000);
  assert.equal(readyTimeoutMsFor(10), 15_000);
  assert.equal(readyTimeoutMsFor(50), 35_000);
  assert.equal(readyTimeoutMsFor(240), 130_000);
});
