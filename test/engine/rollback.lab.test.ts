/*
 * A transaction that fails after it changed everything on a router undoes
 * exactly the steps that ran, in reverse, each with its own undo: the router
 * shows its complete previous configuration again, down to the bytes of the
 * pushed files, the map entries and the probe sender's config. On the diamond
 * lab, with r1 changed in every kind of operation at once (timers -> maps and
 * probe config, a dropped policy -> a removed route, a file that differs ->
 * file install and program reload) and a fault injected as the last step.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { withLab, type TestLab } from "../helpers/lab";
import { synthExample } from "../helpers/stack";
import { routerSnapshot } from "../helpers/router-snapshot";
import { loadDesiredState } from "../../provider/state";
import { routerConnectionOptions } from "../../provider/ssh";
import { Engine, stageFiles } from "../../provider/engine/engine";
import { bundleFor } from "../../provider/engine/bundle";
import { applyTransaction } from "../../provider/engine/transaction";
import { startTransaction, awaitTransaction, signalTransaction } from "../../provider/engine/txn-runner";

/** Everything the apply may change on r1, contents included. */
async function fullConfig(lab: TestLab, router: string): Promise<string> {
  const contents = await lab.sh(router, [
    "cd /var/lib/srv6-protect && find . -type f ! -name applied.json | sort | xargs sha256sum",
    "python3 /var/lib/srv6-protect/bin/srv6p-maps.py dump srv6p_link_config srv6p_backups | sed 's/\"monotonicNs\":[0-9]*//'",
    "ip -6 route show proto 214 | sort",
    "tc -s filter show dev eth1 egress | grep -o 'probe_egress[^ ]*'",
    "test -s /run/srv6-protect/probe-sender.pid && kill -0 $(cat /run/srv6-protect/probe-sender.pid) && echo sender alive",
  ].join("; echo ---; "));
  // The transaction's own log stays as an audit trail; a program loaded again gets a new id (same tag).
  const snapshot = (await routerSnapshot(lab, router)).split("\n").filter((l) => !l.startsWith("/run/srv6-protect/txn")).join("\n").replace(/ id \d+ /g, " id N ");
  return `${snapshot}## contents\n${contents}`;
}

test("rollback: a fault after every change on r1 brings back its complete previous configuration", async () => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const stack = await synthExample("diamond", lab);
    const state = loadDesiredState({ path: stack.dir });
    const byName = new Map(state.routers.map((r) => [r.name, r]));
    const engine = new Engine({ connectionFor: (n) => routerConnectionOptions(byName.get(n)!, state.provider) });
    try {
      assert.equal((await stack.srv6(["apply", "--quiet"])).code, 0, "initial apply");
      // A previous configuration whose router tool differs from ours (as after an upgrade).
      await lab.sh("r1", "echo '# the previous version' >> /var/lib/srv6-protect/bin/srv6p-maps.py");
      const before = await fullConfig(lab, "r1");
      const recordBefore = await lab.sh("r1", "sha256sum /var/lib/srv6-protect/applied.json");

      const r1Policies = state.policies.filter((p) => p.router === "r1");
      assert.ok(r1Policies.length >= 1, "r1 protects a prefix");
      const next = {
        ...state,
        links: state.links.map((l) => ({ ...l, probe_interval_ms: 20, multiplier: 4 })),
        policies: state.policies.filter((p) => p !== r1Policies[0]),
      };
      const conn = await engine.pool.connection("r1");
      const planned = await engine.planRouter(conn, bundleFor(next, "r1"));
      assert.equal(planned.error, undefined, planned.error?.message);
      const kinds = new Set(planned.changes.map((c) => c.kind));
      for (const k of ["file", "route", "map-entry", "probe-sender"]) assert.ok(kinds.has(k as never), `the change touches ${k}: ${[...kinds].join(", ")}`);

      const txn = applyTransaction(planned.bundle, planned.plan!, planned.expectation!, planned.observation!);
      const record = txn.steps.findIndex((s) => s.writeFile);
      txn.steps.splice(record, 0, { name: "injected fault", do: [{ argv: ["sh", "-c", "echo disk full >&2; exit 7"] }] });
      await stageFiles(conn, planned);
      await startTransaction(conn, txn);
      const atGo = await awaitTransaction(conn, txn.id, { barrier: "go", timeoutS: 60 });
      assert.equal(atGo.state, "waiting:go");
      await signalTransaction(conn, txn.id, "go");
      const status = await awaitTransaction(conn, txn.id, { timeoutS: 120 });
      assert.equal(status.state, "rolled-back", JSON.stringify(status));
      assert.equal(status.failedStep?.step, "injected fault", JSON.stringify(status.failedStep));
      assert.equal(status.undone, record, "every step before the fault was undone, none after it ran");
      assert.deepEqual(status.undoFailures, [], "each undo succeeded");

      assert.equal(await fullConfig(lab, "r1"), before, "r1 shows its complete previous configuration");
      assert.equal(await lab.sh("r1", "sha256sum /var/lib/srv6-protect/applied.json"), recordBefore, "the applied record is the previous one");
      const again = await engine.plan(state, ["r1"]);
      assert.deepEqual(again.routers[0]!.changes.map((c) => `${c.kind} ${c.item}`), ["file /var/lib/srv6-protect/bin/srv6p-maps.py"],
        "against the previous desired state only the file that was different before differs");

      const converged = await engine.apply(next);
      assert.ok(converged.ok, converged.routers.map((r) => r.error?.message).join("; "));
      const empty = await engine.plan(next);
      assert.equal(empty.routers.reduce((n, r) => n + r.changes.length, 0), 0, "the next apply converges");
    } finally {
      await engine.close();
      stack.cleanup();
    }
  });
});
