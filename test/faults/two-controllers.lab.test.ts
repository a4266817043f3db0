/*
 * Faults of concurrency: two controllers applying different stacks at once,
 * and a destroy started in the middle of an apply. Every router must hold one
 * complete configuration it was given (for the destroy: or none at all), and
 * the next apply converges.
 */
import { test } from "node:test";
import { seededRng } from "../../model/seeded-random";
import { FAULT_APPLY, ROUTERS, newTally, report, withFaultLab } from "./fault-lab";

test("faults: two controllers apply different stacks at once; a destroy lands during an apply", { timeout: 600_000 }, async (t) => {
  await withFaultLab(async (f) => {
    await f.learn(["new", "alt"]);
    const rng = seededRng(0x2c0_0002);
    const log = (l: string) => t.diagnostic(l);

    const two = newTally("two-controllers");
    for (let i = 0; i < 4; i++) {
      const [a, b] = [f.engine(), f.engine()];
      const skewMs = Math.round(rng() * 400);
      try {
        const first = a.apply(f.states.new, FAULT_APPLY);
        await new Promise((r) => setTimeout(r, skewMs));
        const [ra, rb] = await Promise.all([first, b.apply(f.states.alt, FAULT_APPLY)]);
        const says = (r: typeof ra) => (r.ok ? "ok" : r.routers.filter((x) => x.error).map((x) => `${x.router}: ${x.error!.kind}`).join(", "));
        await f.judge(two, `#${i + 1} new and alt ${skewMs} ms apart (new: ${says(ra)}; alt: ${says(rb)})`, ["old", "new", "alt"], "old", log);
      } finally {
        await a.close();
        await b.close();
      }
    }
    report(two, log);

    const destroy = newTally("destroy-during-apply");
    for (let i = 0; i < 4; i++) {
      const [a, b] = [f.engine(), f.engine()];
      const atMs = Math.round(rng() * 1500);
      try {
        const applying = a.apply(f.states.new, FAULT_APPLY);
        await new Promise((r) => setTimeout(r, atMs));
        const [applied, destroyed] = await Promise.all([applying, b.destroy([...ROUTERS], { lockTimeoutS: 6 })]);
        const d = destroyed.map((r) => `${r.router}: ${r.error ? r.error.kind : `removed ${r.changes}`}`).join(", ");
        await f.judge(destroy, `#${i + 1} destroy at ${atMs} ms (apply: ${applied.ok ? "ok" : "failed"}; destroy: ${d})`, ["old", "new", "none"], "old", log);
      } finally {
        await a.close();
        await b.close();
      }
    }
    report(destroy, log);
  });
});
