/**
 * The FRR baseline on the lab: bfdd (10 ms x 3) + OSPFv3 on every router,
 * one silent failure of r1-r2 while the meter streams h1 -> h2; FRR must
 * reroute via r3, and uninstall must leave the lab as it found it.
 *
 *        r2
 *   (X) /  \
 * h1 - r1    r4 - h2
 *        \  /
 *         r3
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { withLab } from "../helpers/lab";
import { BenchLab } from "../../bench/lab";
import { buildMeter } from "../../lab/meter/build";
import { TrafficMeter } from "../../lab/meter/meter";
import { measureFailures } from "../../bench/failover/measure";
import { protectedLink } from "../../bench/failover";
import { FrrBfdSystem } from "../../bench/failover/frr/system";
import { FRR_DIR } from "../../bench/failover/frr/daemons";

test("frr-bfd: bfdd + OSPFv3 reroute one silent failure; uninstall restores the lab", { timeout: 180_000 }, async (t) => {
  const binary = await buildMeter();
  await withLab("examples/lab/diamond.json", async (testLab) => {
    const lab = BenchLab.attach(testLab.name);
    const link = protectedLink(lab, "r1", "r2");
    const h1 = lab.inventory.hosts.h1!;
    const h2 = lab.inventory.hosts.h2!;
    const routers = Object.keys(lab.inventory.routers);
    const staticBefore = await Promise.all(routers.map(async (r) => (await lab.exec(r, ["ip", "-6", "route", "show", "proto", "static"])).stdout));

    const system = new FrrBfdSystem({ system: "frr-bfd", intervalMs: 10, multiplier: 3 }, lab, link, h2.prefix, binary);
    const meters: TrafficMeter[] = [];
    try {
      await system.install((line) => t.diagnostic(line));
      const meter = await TrafficMeter.start({
        binary, onSender: (a) => lab.argvOn("h1", a), onReceiver: (a) => lab.argvOn("h2", a),
        senderNode: "h1", receiverNode: "h2", destination: h2.address, port: 47_991, ratePps: 10_000,
      });
      meters.push(meter);
      const reverse = await TrafficMeter.start({
        binary, onSender: (a) => lab.argvOn("h2", a), onReceiver: (a) => lab.argvOn("h1", a),
        senderNode: "h2", receiverNode: "h1", destination: h1.address, port: 47_992, ratePps: 10_000,
      });
      meters.push(reverse);
      const { records: [rec] } = await measureFailures({
        lab, system, meter, reverse, link, ratePps: 10_000, reverseRatePps: 10_000, failures: 1, progress: (l) => t.diagnostic(l),
      });
      assert.ok(rec, "one failure measured");
      assert.equal(rec.problem, undefined, `no problem: ${rec.problem}`);
      // Generous bounds: timing goals live in the benchmark.
      assert.ok(rec.detectMs !== undefined && rec.detectMs > 0 && rec.detectMs < 500, `bfdd declared the link down ${rec.detectMs} ms after the cut`);
      assert.ok(rec.lossMs > 0 && rec.lossMs < 2000, `traffic came back by r3 after ${rec.lossMs} ms`);
      assert.ok(rec.detectMs! <= rec.lossMs + 1, "traffic cannot come back before the failure was detected");
      assert.ok(rec.skewMs !== undefined && Math.abs(rec.skewMs) < 1, `both directions cut within ${rec.skewMs} ms (one instant in the wire)`);
      // During the failure: each end's one session on the link went up ->
      // down exactly once, by its own timer (nothing crosses the cut), and
      // the two are the two ends of one session. Downs before the cut (a flap
      // while the daemons converged) and after the heal (while OSPF forms
      // the adjacency again) are not this failure's: shown, and counted by
      // the benchmark as unprovoked downs and heal loss.
      const all = await system.linkDownsSince(0);
      const show = (from: number, to: number) => all.map((e) => `${e.node}: ${e.downs.filter((d) => d.monoNs >= from && d.monoNs < to).map((d) => `peer ${d.peer} local ${d.local} ${d.reason ?? ""}`).join("; ") || "none"}`).join(" | ");
      const cut = rec.injectStartNs - 1e6;
      t.diagnostic(`BFD downs before the cut: ${show(0, cut)}; during the failure: ${show(cut, rec.healStartNs)}; after the heal: ${show(rec.healStartNs, Infinity)}`);
      const shown = show(cut, rec.healStartNs);
      const ends = all.map((e) => ({ node: e.node, downs: e.downs.filter((d) => d.monoNs >= cut && d.monoNs < rec.healStartNs) }));
      for (const e of ends) {
        assert.equal(e.downs.length, 1, `${e.node}: its BFD session on the link went down once during the failure (${shown})`);
        assert.equal(e.downs[0]!.reason, "control-expired", `${e.node}: detected by its own timer (${shown})`);
      }
      const [da, db] = ends.map((e) => e.downs[0]!);
      assert.ok(da!.peer === db!.local && da!.local === db!.peer, `the two downs are the two ends of one session (${shown})`);
    } finally {
      for (const m of meters) await m.stop();
      const problems = await system.uninstall();
      assert.deepEqual(problems, [], "uninstall met no problem");
    }
    for (const [i, r] of routers.entries()) {
      const gone = await lab.exec(r, ["test", "-e", FRR_DIR], { allowFailure: true });
      assert.notEqual(gone.code, 0, `${r}: ${FRR_DIR} removed`);
      const after = (await lab.exec(r, ["ip", "-6", "route", "show", "proto", "static"])).stdout;
      assert.equal(after, staticBefore[i], `${r}: static base routes restored`);
      const ospf = (await lab.exec(r, ["ip", "-6", "route", "show", "proto", "ospf"])).stdout;
      assert.equal(ospf, "", `${r}: zebra took its routes away`);
    }
    // The pattern's bracket keeps grep from matching its own command line.
    const pgrep = await lab.exec("r1", ["sh", "-c", "grep -l 's6bn[-]frr' /proc/[0-9]*/cmdline 2>/dev/null || true"]);
    assert.equal(pgrep.stdout.trim(), "", "no process still runs with the benchmark's FRR paths");
  });
});
