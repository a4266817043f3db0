/*
 * Fault: the management network of one router is cut at a seeded random
 * instant of an apply (20 points, spread over the whole apply and a little
 * beyond), and restored a few seconds later. Every router must then hold
 * its complete old or complete new configuration, and the next apply must
 * converge to an empty plan.
 */
import { test } from "node:test";
import { seededRng } from "../../model/seeded-random";
import { FAULT_APPLY, ROUTERS, newTally, report, withFaultLab } from "./fault-lab";

const INJECTIONS = 20;

test("faults: SSH cut at 20 seeded points of an apply", { timeout: 900_000 }, async (t) => {
  await withFaultLab(async (f) => {
    await f.learn(["new"]);
    // How long a clean apply takes, to spread the cut points over it.
    const started = Date.now();
    await f.converge("new");
    const applyMs = Date.now() - started;
    await f.converge("old");
    t.diagnostic(`a clean apply takes ${applyMs} ms`);
    const rng = seededRng(0x55c0_7001);
    const tally = newTally("ssh-cut");
    for (let i = 0; i < INJECTIONS; i++) {
      const target = f.current === "old" ? "new" : "old";
      const router = ROUTERS[Math.floor(rng() * ROUTERS.length)]!;
      const atMs = Math.round(rng() * applyMs * 1.2);
      const engine = f.engine();
      try {
        const applyStarted = Date.now();
        const applying = engine.apply(f.states[target], FAULT_APPLY);
        await new Promise((r) => setTimeout(r, atMs));
        await f.cutManagement(router);
        const outcome = await applying;
        await f.restoreManagement(router);
        const failed = outcome.routers.filter((r) => r.error).map((r) => `${r.router}: ${r.error!.kind}${r.error!.kind === "rollback-incomplete" ? ` (${r.error!.message})` : ""}`);
        await f.judge(tally, `#${i + 1} cut ${router} at ${atMs} ms (${outcome.ok ? "apply ok" : `apply failed: ${failed.join(", ")}`} after ${Date.now() - applyStarted} ms)`, ["old", "new"], target, (l) => t.diagnostic(l));
      } finally {
        await f.restoreManagement(router);
        await engine.close();
      }
    }
    report(tally, (l) => t.diagnostic(l));
  });
});
