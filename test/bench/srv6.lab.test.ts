/**
 * The benchmark's srv6-protect adapter on the lab: examples/diamond (1 ms x 3)
 * deployed by `srv6 apply`, one silent failure of r1-r2 while
 * the meter streams h1 -> h2; detection must come from r1's link_state map
 * and the traffic must come back by the SRv6 backup via r3.
 *
 *        r2
 *   (X) /  \
 * h1 - r1    r4 - h2
 *        \  /
 *         r3     backup [r3 End, r4 End.DT6]
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { withLab } from "../helpers/lab";
import { BenchLab } from "../../bench/lab";
import { buildMeter } from "../../lab/meter/build";
import { TrafficMeter } from "../../lab/meter/meter";
import { measureFailures } from "../../bench/failover/measure";
import { protectedLink } from "../../bench/failover";
import { createSystem } from "../../bench/failover/systems";

test("srv6-protect: one silent failure measured from the link_state map; uninstall removes the dataplane", { timeout: 180_000 }, async (t) => {
  const binary = await buildMeter();
  await withLab("examples/lab/diamond.json", async (testLab) => {
    const lab = BenchLab.attach(testLab.name);
    const link = protectedLink(lab, "r1", "r2");
    const h1 = lab.inventory.hosts.h1!;
    const h2 = lab.inventory.hosts.h2!;
    const system = createSystem({ system: "srv6-protect", intervalMs: 1, multiplier: 3 }, { lab, link, destinationPrefix: h2.prefix, meterBinary: binary });
    const meters: TrafficMeter[] = [];
    try {
      await system.install((line) => t.diagnostic(line));
      const meter = await TrafficMeter.start({
        binary, onSender: (a) => lab.argvOn("h1", a), onReceiver: (a) => lab.argvOn("h2", a),
        senderNode: "h1", receiverNode: "h2", destination: h2.address, port: 47_993, ratePps: 10_000,
      });
      meters.push(meter);
      const reverse = await TrafficMeter.start({
        binary, onSender: (a) => lab.argvOn("h2", a), onReceiver: (a) => lab.argvOn("h1", a),
        senderNode: "h2", receiverNode: "h1", destination: h1.address, port: 47_994, ratePps: 2_000,
      });
      meters.push(reverse);
      const before = await system.downCount();
      const { records: [rec] } = await measureFailures({
        lab, system, meter, reverse, link, ratePps: 10_000, reverseRatePps: 2_000, failures: 1, progress: (l) => t.diagnostic(l),
      });
      assert.ok(rec, "one failure measured");
      assert.equal(rec.problem, undefined, `no problem: ${rec.problem}`);
      // Generous bounds: the timing goals live in the benchmark.
      assert.ok(rec.detectMs !== undefined && rec.detectMs > 0 && rec.detectMs < 200, `r1 flipped the link down ${rec.detectMs} ms after the cut`);
      assert.ok(rec.lossMs > 0 && rec.lossMs < 500, `traffic came back by the backup after ${rec.lossMs} ms`);
      assert.equal((await system.downCount()) - before, 2, "one failover on each end of the link");
    } finally {
      for (const m of meters) await m.stop();
      assert.deepEqual(await system.uninstall(), [], "uninstall met no problem");
    }
    const routes = await lab.exec("r1", ["ip", "-6", "route", "show", h2.prefix]);
    assert.doesNotMatch(routes.stdout, /encap bpf/, "r1's route to h2 carries no BPF program any more");
  });
});
