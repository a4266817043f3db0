/*
 * Interface names Linux allows beyond ethN reach routers intact: a protected
 * link between r1's br-core and r2's eth1.100 (test/lab/fixtures/diamond-names.json)
 * applies, plans empty, shows no drift, and protects h1 -> h2 through a silent
 * failure. The dot matters because sysctl keys are dotted (the renderer then
 * writes net/ipv6/conf/eth1.100/...), the dash because the observer must read
 * net.ipv6.neigh.br-core.* back.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withLab } from "../helpers/lab";
import { REPO, SRV6, runCli } from "../helpers/stack";
import { udpDelivered } from "../helpers/udp";

const TOPOLOGY = join(REPO, "test/lab/fixtures/diamond-names.json");

test("interface names br-core and eth1.100: apply, plan empty, drift 0, failover", async () => {
  await withLab(TOPOLOGY, async (lab) => {
    const work = mkdtempSync(join(tmpdir(), "s6names-"));
    try {
      const env = { SRV6_SCALE_TOPOLOGY: TOPOLOGY, SRV6_INVENTORY: join(lab.inventory.stateDir, "inventory.json") };
      const synth = await runCli([process.execPath, join(REPO, "dist/examples/scale/main.js")], { cwd: work, env });
      assert.equal(synth.code, 0, synth.stderr);
      const srv6 = (...args: string[]) => runCli([SRV6, ...args, "--stack", join(work, "cdktf.out")]);

      const apply = await srv6("apply", "--json");
      assert.equal(apply.code, 0, apply.stdout + apply.stderr);
      const plan = await srv6("plan", "--detailed-exitcode", "--json");
      assert.equal(plan.code, 0, `plan after apply is not empty: ${plan.stdout}`);
      const drift = await srv6("drift", "--json");
      assert.equal(drift.code, 0, `drift after apply: ${drift.stdout}`);

      assert.equal((await lab.sh("r2", "cat /proc/sys/net/ipv6/conf/eth1.100/seg6_enabled")).trim(), "1", "seg6 enabled on eth1.100");
      assert.equal((await lab.sh("r1", "cat /proc/sys/net/ipv6/neigh/br-core/retrans_time_ms")).trim(), "100", "neighbour retransmit time on br-core");
      assert.match(await lab.sh("r1", "tc filter show dev br-core egress"), /probe_egress\.bpf\.o/, "probe stamper on br-core");

      assert.equal(await udpDelivered(lab, "h1", "h2"), 40, "h1 -> h2 before the failure");
      await lab.fail("r1", "r2");
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await udpDelivered(lab, "h1", "h2"), 40, "h1 -> h2 during a silent failure of br-core -- eth1.100");
      assert.equal(await udpDelivered(lab, "h2", "h1"), 40, "h2 -> h1 during the failure");
      await lab.heal("r1", "r2");

      const destroy = await srv6("destroy", "--json");
      assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
      assert.equal((await lab.sh("r2", "ip -6 route show proto 214")).trim(), "", "nothing of ours left on r2");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
