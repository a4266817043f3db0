/*
 * Fault: /run is full on one router. A lab router's /run/srv6-protect is a
 * small tmpfs of its own, as /run is on a real router; here it is filled to
 * leave a seeded few bytes free, so the transaction fails wherever its
 * writes stop fitting (its file, its journal, its status at the barrier).
 */
import { test } from "node:test";
import { seededRng } from "../../model/seeded-random";
import { FAULT_APPLY, ROUTERS, newTally, report, withFaultLab } from "./fault-lab";

const LEFT_FREE_BYTES = [0, 1024, 4096, 8192, 16384, 65536];

test("faults: /run full on one router during an apply", { timeout: 600_000 }, async (t) => {
  await withFaultLab(async (f) => {
    await f.learn(["new"]);
    const rng = seededRng(0x0f_0011);
    const tally = newTally("run-full");
    for (const [i, free] of LEFT_FREE_BYTES.entries()) {
      const target = f.current === "old" ? "new" : "old";
      const router = ROUTERS[Math.floor(rng() * ROUTERS.length)]!;
      // What the filesystem has free, less what we leave; a tmpfs counts whole pages.
      const fs = await f.lab.sh(router, `stat -f -c '%f %S' /run/srv6-protect`);
      const [blocks, size] = fs.trim().split(" ").map(Number) as [number, number];
      const fill = Math.max(0, blocks * size - free);
      await f.lab.sh(router, `head -c ${fill} /dev/zero > /run/srv6-protect/filler 2>/dev/null; true`);
      const engine = f.engine();
      try {
        const applyStarted = Date.now();
        const outcome = await engine.apply(f.states[target], FAULT_APPLY);
        t.diagnostic(`#${i + 1}: the faulted apply took ${Date.now() - applyStarted} ms`);
        const failed = outcome.routers.filter((r) => r.error).map((r) => `${r.router}: ${r.error!.kind}${r.error!.kind === "rollback-incomplete" ? ` (${r.error!.message})` : ""}`);
        await f.lab.sh(router, "rm -f /run/srv6-protect/filler");
        await f.judge(tally, `#${i + 1} ${router}'s /run with ${free} bytes free (${outcome.ok ? "apply ok" : `apply failed: ${failed.join(", ")}`})`, ["old", "new"], target, (l) => t.diagnostic(l));
      } finally {
        await f.lab.sh(router, "rm -f /run/srv6-protect/filler").catch(() => undefined);
        await engine.close();
      }
    }
    report(tally, (l) => t.diagnostic(l));
  });
});
