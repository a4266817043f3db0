/*
 * Fault: an apply aborted everywhere while a stream crosses a protected
 * link of a router the apply changes. "alt" protects r2-r4 too, so r2 gets
 * new SIDs, maps and probe config next to r1-r2's; r4's transaction then
 * cannot take part (its management cut after planning, or its apply lock
 * held by someone else), so r2 undoes its part. r1's probes loop through
 * r2's End.X the whole time: the abort must cause no failover on r1-r2 and
 * lose no packet of h1 -> h2 or h2 -> h1.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { BenchLab } from "../../bench/lab";
import { buildMeter } from "../../lab/meter/build";
import { TrafficMeter } from "../../lab/meter/meter";
import type { GapEvent } from "../../lab/meter/events";
import { FAULT_APPLY, newTally, report, withFaultLab, type FaultLab } from "./fault-lab";

async function l12Failovers(f: FaultLab): Promise<number> {
  const engine = f.engine();
  try {
    const { links, errors } = await engine.status(f.states.old, ["r1", "r2"]);
    assert.deepEqual(errors, []);
    const ends = links.filter((l) => l.link === "r1-r2");
    assert.equal(ends.length, 2, "both ends of r1-r2 report");
    for (const e of ends) assert.equal(e.state, "up", `${e.router}'s end of r1-r2 is up`);
    return ends.reduce((n, e) => n + (e.failovers ?? 0), 0);
  } finally {
    await engine.close();
  }
}

test("faults: an aborted apply causes no false failover and loses no packet on a crossing stream", { timeout: 600_000 }, async (t) => {
  const binary = await buildMeter();
  await withFaultLab(async (f) => {
    await f.learn(["alt"]);
    const lab = BenchLab.attach(f.lab.name);
    const h1 = lab.inventory.hosts.h1!;
    const h2 = lab.inventory.hosts.h2!;
    const forward = await TrafficMeter.start({ binary, onSender: (a) => lab.argvOn("h1", a), onReceiver: (a) => lab.argvOn("h2", a), senderNode: "h1", receiverNode: "h2", destination: h2.address, port: 47_901, ratePps: 2000 });
    const reverse = await TrafficMeter.start({ binary, onSender: (a) => lab.argvOn("h2", a), onReceiver: (a) => lab.argvOn("h1", a), senderNode: "h2", receiverNode: "h1", destination: h1.address, port: 47_902, ratePps: 1000 });
    const tally = newTally("abort-under-traffic");
    try {
      const before = await l12Failovers(f);
      for (const [i, how] of (["management cut", "lock held", "management cut", "lock held"] as const).entries()) {
        const engine = f.engine();
        try {
          const plan = await engine.plan(f.states.alt);
          const targets = plan.routers.filter((r) => r.changes.length > 0);
          assert.deepEqual(targets.map((r) => r.router).sort(), ["r2", "r4"], "alt changes r2 and r4");
          if (how === "management cut") await f.cutManagement("r4");
          else await f.lab.exec("r4", ["sh", "-c", "nohup flock /run/srv6-protect/apply.lock sleep 14 >/dev/null 2>&1 &"]);
          const results = await engine.applyPlanned(targets, FAULT_APPLY);
          await f.restoreManagement("r4");
          const r2 = results.find((r) => r.router === "r2")!;
          assert.equal(r2.error?.kind, "apply-aborted", `r2 was aborted: ${r2.error?.message}`);
          await f.judge(tally, `#${i + 1} r4 ${how}: ${results.map((r) => `${r.router}: ${r.error?.kind ?? "ok"}`).join(", ")}`, ["old"], "old", (l) => t.diagnostic(l));
        } finally {
          await f.restoreManagement("r4");
          await engine.close();
        }
      }
      const after = await l12Failovers(f);
      t.diagnostic(`failovers on r1-r2: ${before} before, ${after} after 4 aborted applies`);
      assert.equal(after - before, 0, "no false failover");
    } finally {
      const totals = [await forward.stop(), await reverse.stop()];
      const gaps = [...forward.events, ...reverse.events].filter((e): e is GapEvent => e.ev === "gap");
      t.diagnostic(`h1 -> h2: ${totals[0]!.sent?.packets} sent, ${totals[0]!.end?.received} received; h2 -> h1: ${totals[1]!.sent?.packets} sent, ${totals[1]!.end?.received} received; ${gaps.length} gaps`);
      assert.deepEqual(gaps.map((g) => `${g.missing} missing after seq ${g.afterSeq}`), [], "no packet lost on either stream");
    }
    report(tally, (l) => t.diagnostic(l));
  });
});
