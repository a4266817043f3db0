/** Every engine error says what kind it is, in `--json` too. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ApplyAbortedError, ApplyError, ApplyInterruptedError, PlanConflictError, RouterLockedError } from "../../provider/engine/errors";

test("apply errors carry a kind of their own, and --json shows it", () => {
  const status = { id: "t1", state: "rolled-back" } as const;
  const cases: [Error & { kind: string; toJSON(): Record<string, unknown> }, string][] = [
    [new ApplyError("refused", status, { router: "r1" }), "apply"],
    [new RouterLockedError("locked by another controller", status, { router: "r1" }), "router-locked"],
    [new PlanConflictError("record changed", status, { router: "r1" }), "plan-conflict"],
    [new ApplyInterruptedError("connection lost", { router: "r1" }), "apply-interrupted"],
    [new ApplyAbortedError("r2"), "apply-aborted"],
  ];
  for (const [err, kind] of cases) {
    assert.equal(err.kind, kind, err.name);
    assert.equal(err.toJSON().kind, kind, `${err.name} in --json`);
  }
  assert.match(new ApplyAbortedError("r2").message, /^router r2: apply on r2 aborted because another router failed; r2 kept its previous configuration$/);
});
