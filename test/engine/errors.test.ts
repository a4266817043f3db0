/** Every engine error says what kind it is, in `--json` too. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ApplyAbortedError, ApplyError, ApplyInterruptedError, PlanConflictError, RollbackIncompleteError, RouterLockedError } from "../../provider/engine/errors";
import { checkCommitted } from "../../provider/engine/txn-runner";

test("apply errors carry a kind of their own, and --json shows it", () => {
  const status = { id: "t1", state: "rolled-back" } as const;
  const cases: [Error & { kind: string; toJSON(): Record<string, unknown> }, string][] = [
    [new ApplyError("refused", status, { router: "r1" }), "apply"],
    [new RouterLockedError("locked by another controller", status, { router: "r1" }), "router-locked"],
    [new PlanConflictError("record changed", status, { router: "r1" }), "plan-conflict"],
    [new ApplyInterruptedError("connection lost", { router: "r1" }), "apply-interrupted"],
    [new ApplyAbortedError("r2"), "apply-aborted"],
    [new RollbackIncompleteError("undo failed", status, { router: "r1" }), "rollback-incomplete"],
  ];
  for (const [err, kind] of cases) {
    assert.equal(err.kind, kind, err.name);
    assert.equal(err.toJSON().kind, kind, `${err.name} in --json`);
  }
  assert.match(new ApplyAbortedError("r2").message, /^router r2: apply on r2 aborted because another router failed; r2 kept its previous configuration$/);
});

test("a failed undo is reported with the router, the step and its stderr, as 'rollback incomplete'", () => {
  const status = {
    id: "t2", state: "rollback-failed" as const,
    failedStep: { step: "install route", argv: ["ip"], code: 2, stderr: "RTNETLINK answers: No such device", index: 4 },
    undoFailures: [{ step: "SID fc00:0:1::e001 (End.X)", index: 1, argv: ["ip", "-6", "route", "replace"], code: 2, stderr: "Error: nexthop device is down\n" }],
  };
  assert.throws(() => checkCommitted("r1", status), (err: RollbackIncompleteError) => {
    assert.equal(err.kind, "rollback-incomplete");
    assert.match(err.message, /^router r1, command `ip -6 route replace`: apply on r1 failed at 'install route'; rollback incomplete: step 'SID fc00:0:1::e001 \(End\.X\)' \(exit 2\): Error: nexthop device is down; the router needs attention/);
    assert.equal(err.toJSON().exitCode, 2);
    return true;
  });
});
