/**
 * A probe that did not cross the protected link both ways must not keep a
 * dead link alive.
 *
 *           eth1          eth1
 *   h1 --- r1 ============ r2 --- r4 --- h2
 *           \ eth2               /
 *            r3 ----------------/
 *
 * A. r1 -> r2 dead. r1's probe route is then forced via r3 (r3 -> r4 -> r2),
 *    so probes reach r2's End.X the long way and come back over the link's
 *    working direction, in on r1's eth1. They never left over eth1, so they
 *    carry no egress stamp: refused (not_stamped); the link stays down.
 * B. r2 -> r1 dead. A second sender on r1 sends probes for the link that
 *    leave over eth1 (stamped) but return r2 -> r4 -> r3 -> r1, in on eth2:
 *    refused (wrong_ingress); the link stays down.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { withLab, uniqueLabName } from "../helpers/lab";
import { linkStatus, dataplaneStatus, waitFor } from "../helpers/dataplane";
import { applyDiamond } from "../helpers/applied-diamond";
import { ROUTE_PROTOCOL } from "../../provider/dataplane/constants";
import { sleep } from "./counters";

test("probes that came back by another path do not keep a dead link up", { timeout: 180_000 }, async () => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const dp = await applyDiamond(lab, { intervalMs: 2, multiplier: 3, holdDownMs: 200 });
    const desired = dp.desired;
    const inv = lab.inventory;
    const sidOf = (r: string, f: "node_sid" | "decap_sid") => desired.routers.find((x) => x.name === r)![f];
    const link = desired.links[0]!;
    const sh = async (node: string, argv: string[]) => {
      const r = await lab.exec(node, argv);
      assert.equal(r.code, 0, `${node}: ${argv.join(" ")}: ${r.stderr}`);
    };
    try {
      await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => s.state!.probesSeen > 50n, 10_000);

      // A: probes routed around the link come back unstamped.
      await lab.fail("r1", "r2", { oneWayFrom: "r1" });
      const downA = await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => s.state!.down, 5_000);
      assert.equal(downA.state!.down, true, "A: r1 declares the link down");
      await sh("r3", ["ip", "-6", "route", "replace", `${link.return_sid_a}/128`, "via", inv.routers.r3!.interfaces.eth2!.peerAddress, "dev", "eth2"]);
      await sh("r1", ["ip", "-6", "route", "replace", `${link.return_sid_a}/128`, "via", inv.routers.r1!.interfaces.eth2!.peerAddress, "dev", "eth2", "proto", String(ROUTE_PROTOCOL)]);
      const before = (await linkStatus(lab, "r1", "eth1")).state!;
      await sleep(1200); // six hold-downs
      const afterA = await linkStatus(lab, "r1", "eth1");
      const reasonsA = (await dataplaneStatus(lab, "r1")).reasons;
      assert.ok((reasonsA.not_stamped ?? 0n) > 100n, `A: r1 refused the unstamped probes (${reasonsA.not_stamped})`);
      assert.ok(afterA.state!.probesRejected - before.probesRejected > 100n, "A: counted as rejected on the link");
      assert.equal(afterA.state!.probesSeen, before.probesSeen, "A: none of them counted as seen");
      assert.equal(afterA.state!.down, true, "A: the link stays down");
      assert.equal(afterA.state!.recoveries, 0n, "A: no recovery");
      // Put the probe route back and heal.
      await sh("r3", ["ip", "-6", "route", "del", `${link.return_sid_a}/128`]);
      await sh("r1", ["ip", "-6", "route", "replace", `${link.return_sid_a}/128`, "via", link.peer_address_a, "dev", "eth1", "proto", String(ROUTE_PROTOCOL)]);
      await lab.heal("r1", "r2");
      const healed = await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => !s.state!.down, 15_000, 100);
      assert.equal(healed.state!.down, false, "the link comes back once real probes return");

      // B: probes that leave over the link (stamped) but return over r3.
      await lab.fail("r1", "r2", { oneWayFrom: "r2" });
      const downB = await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => s.state!.down, 5_000);
      assert.equal(downB.state!.down, true, "B: r1 declares the link down");
      const rogue = {
        probes: [{
          link: "rogue", interface: "eth1", intervalUs: 1000,
          segments: [sidOf("r2", "node_sid"), sidOf("r4", "node_sid"), sidOf("r3", "node_sid"), link.monitor_sid_a, inv.routers.r1!.loopback],
        }],
      };
      const w = await lab.exec("r1", ["python3", "/var/lib/srv6-protect/bin/probe-sender.py", "install-config", "--config", "/tmp/rogue-probes.json"], { input: JSON.stringify(rogue) });
      assert.equal(w.code, 0, w.stderr);
      const beforeB = (await linkStatus(lab, "r1", "eth1")).state!;
      const r = await lab.exec("r1", ["timeout", "3", "python3", "/var/lib/srv6-protect/bin/probe-sender.py", "run", "--config", "/tmp/rogue-probes.json"], { timeoutMs: 10_000 });
      assert.equal(r.code, 124, `the second sender ran until its timeout: ${r.stderr}`);
      const afterB = await linkStatus(lab, "r1", "eth1");
      const reasonsB = (await dataplaneStatus(lab, "r1")).reasons;
      assert.ok((reasonsB.wrong_ingress ?? 0n) > 100n, `B: r1 refused probes that came back over eth2 (${reasonsB.wrong_ingress})`);
      assert.equal(afterB.state!.probesSeen, beforeB.probesSeen, "B: none of them counted as seen");
      assert.equal(afterB.state!.down, true, "B: the link stays down");
      assert.equal(afterB.state!.recoveries, healed.state!.recoveries, "B: no recovery");
    } finally {
      await dp.remove();
    }
  }, { name: uniqueLabName("dpp") });
});
