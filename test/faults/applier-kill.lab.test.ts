/*
 * Fault: the applier of one router is SIGKILLed (as the OOM killer would)
 * when its transaction begins a seeded random step. A watcher on the router
 * itself follows the transaction's journal and kills at that step, so the
 * kill lands where it is meant to, not where SSH round trips happen to be.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { seededRng } from "../../model/seeded-random";
import { FAULT_APPLY, ROUTERS, newTally, report, withFaultLab } from "./fault-lab";

const INJECTIONS = 8;

// argv: FRACTION EXISTING_TXN_ID...; kills the applier of the first new transaction at step floor(FRACTION x steps).
const WATCHER = `
import glob, json, os, sys, time
frac, before = float(sys.argv[1]), set(sys.argv[2:])
deadline = time.time() + 60
while time.time() < deadline:
    for d in glob.glob("/run/srv6-protect/txn/*"):
        if os.path.basename(d) in before:
            continue
        try:
            txn = json.load(open(d + "/txn.json"))
            status = json.load(open(d + "/status.json"))
            journal = open(d + "/journal").read()
        except (OSError, ValueError):
            continue
        k = min(int(frac * len(txn["steps"])), len(txn["steps"]) - 1)
        if ('{"begin": %d}' % k) in journal and status.get("pid"):
            os.kill(status["pid"], 9)
            with open("/tmp/s6-killed", "w") as f:
                f.write("step %d of %d: %s" % (k + 1, len(txn["steps"]), txn["steps"][k].get("name")))
            sys.exit(0)
    time.sleep(0.001)
`;

test("faults: SIGKILL of the applier at a seeded random step", { timeout: 600_000 }, async (t) => {
  await withFaultLab(async (f) => {
    await f.learn(["new"]);
    const rng = seededRng(0x4b11_0009);
    const tally = newTally("applier-sigkill");
    let killed = 0;
    for (let i = 0; i < INJECTIONS; i++) {
      const target = f.current === "old" ? "new" : "old";
      const router = ROUTERS[Math.floor(rng() * ROUTERS.length)]!;
      const frac = rng();
      const existing = (await f.lab.sh(router, "ls /run/srv6-protect/txn 2>/dev/null; rm -f /tmp/s6-killed; true")).split("\n").filter(Boolean);
      await f.lab.exec(router, ["sh", "-c", 'nohup python3 -c "$0" "$@" >/dev/null 2>&1 &', WATCHER, String(frac), ...existing]);
      const engine = f.engine();
      try {
        const outcome = await engine.apply(f.states[target], FAULT_APPLY);
        const where = (await f.lab.sh(router, "cat /tmp/s6-killed 2>/dev/null; true")).trim();
        if (where) killed++;
        const failed = outcome.routers.filter((r) => r.error).map((r) => `${r.router}: ${r.error!.kind}${r.error!.kind === "rollback-incomplete" ? ` (${r.error!.message})` : ""}`);
        await f.judge(tally, `#${i + 1} kill ${router}'s applier at ${where || "(no step reached: nothing to kill)"} (${outcome.ok ? "apply ok" : `apply failed: ${failed.join(", ")}`})`, ["old", "new"], target, (l) => t.diagnostic(l));
      } finally {
        await f.lab.sh(router, "pkill -f '[s]6-killed'; true").catch(() => undefined);
        await engine.close();
      }
    }
    t.diagnostic(`${killed} of ${INJECTIONS} injections killed an applier`);
    assert.ok(killed >= INJECTIONS - 1, `the watcher killed an applier in ${killed} of ${INJECTIONS} injections`);
    report(tally, (l) => t.diagnostic(l));
  });
});
