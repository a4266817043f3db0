/*
 * The engine end to end through the `srv6` CLI, on the diamond lab:
 *
 *        h1            h2
 *        |             |
 *        r1 ==10== r2 --10-- r4(srv6ops, sudo)     == protected link r1-r2
 *         \                 /
 *          +--20-- r3 --20-+
 *
 * apply from empty -> the dataplane protects h1 <-> h2; plan is then empty;
 * status reads the routers' maps; destroy leaves every router exactly as it
 * was before the apply.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { withLab } from "../helpers/lab";
import { synthExample } from "../helpers/stack";
import { udpDelivered } from "../helpers/udp";
import { routerSnapshot } from "../helpers/router-snapshot";

const ROUTERS = ["r1", "r2", "r3", "r4"];

test("apply from empty, protected traffic survives a silent failure, plan empty, destroy restores routers", async () => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const stack = await synthExample("diamond", lab);
    try {
      const before = Object.fromEntries(await Promise.all(ROUTERS.map(async (r) => [r, await routerSnapshot(lab, r)] as const)));

      const apply = await stack.srv6(["apply", "--json"]);
      assert.equal(apply.code, 0, `apply failed: ${apply.stdout}${apply.stderr}`);
      const report = JSON.parse(apply.stdout) as { ok: boolean; routers: { router: string; state?: string; changes: number }[] };
      assert.ok(report.ok);
      assert.deepEqual(report.routers.map((r) => [r.router, r.state]).sort(), ROUTERS.map((r) => [r, "committed"]));

      const plan = await stack.srv6(["plan", "--detailed-exitcode", "--json"]);
      assert.equal(plan.code, 0, `plan after apply is not empty: ${plan.stdout}`);
      assert.equal((JSON.parse(plan.stdout) as { changes: number }).changes, 0);

      const r1Routes = await lab.sh("r1", "ip -6 route show proto 214");
      assert.match(r1Routes, /2001:db8:2::\/64 +encap bpf in srv6p_reroute_in:\[\*fsobj\] xmit srv6p_reroute_xmit:\[\*fsobj\] via fd00:0:0:1::2 dev eth1 metric 10/, "protected route on r1, on the router's shared reroute programs");
      assert.match(r1Routes, /fc00:0:1:2001:: +encap seg6local action End\.BPF endpoint monitor\.bpf\.o:\[lwt_seg6local\]/, "monitor SID on r1");
      const backup = await lab.sh("r1", "python3 /var/lib/srv6-protect/bin/srv6p-maps.py dump srv6p_backups");
      assert.match(backup, /"entries":\[\{"key":"4000000020010db80002/, "backup path for 2001:db8:2::/64 in r1's map");
      assert.equal((await lab.sh("r4", "ip sr tunsrc show")).trim(), "tunsrc addr fc00:0:4::1", "sudo router r4 configured too");
      for (const r of ROUTERS) {
        assert.equal((await lab.sh(r, "stat -c %a /var/lib/srv6-protect/applied.json")).trim(), "600", `${r}'s record is root's alone`);
        assert.equal((await lab.sh(r, "grep -c -e private_key_file -e known_hosts_file /var/lib/srv6-protect/applied.json || true")).trim(), "0", `${r}'s record names no file of the controller`);
      }

      assert.equal(await udpDelivered(lab, "h1", "h2"), 40, "h1 -> h2 before the failure");
      await lab.fail("r1", "r2");
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await udpDelivered(lab, "h1", "h2"), 40, "h1 -> h2 during a silent failure of r1-r2: all on the backup path");
      assert.equal(await udpDelivered(lab, "h2", "h1"), 40, "h2 -> h1 during the failure: r2 protects its direction");

      const status = await stack.srv6(["status", "--json"]);
      assert.equal(status.code, 0, status.stderr);
      const links = (JSON.parse(status.stdout) as { links: { router: string; state: string; failovers: number; packetsRerouted: number }[] }).links;
      const r1 = links.find((l) => l.router === "r1")!;
      assert.equal(r1.state, "down", "r1 sees r1-r2 down");
      assert.ok(r1.failovers >= 1 && r1.packetsRerouted >= 40, `r1 counters: ${JSON.stringify(r1)}`);

      await lab.heal("r1", "r2");
      await new Promise((r) => setTimeout(r, 2000)); // hold-down is 1000 ms in the example
      const after = await stack.srv6(["status", "--json"]);
      assert.equal(after.code, 0, `status after the heal: ${after.stdout}${after.stderr}`);
      const healed = (JSON.parse(after.stdout) as { links: { router: string; state: string }[] }).links;
      assert.deepEqual(healed.map((l) => `${l.router} ${l.state}`).sort(), ["r1 up", "r2 up"], `both ends back up after the hold-down: ${JSON.stringify(healed)}`);

      const destroy = await stack.srv6(["destroy", "--json"]);
      assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
      for (const r of ROUTERS) assert.equal(await routerSnapshot(lab, r), before[r], `${r} is exactly as before the apply`);
    } finally {
      stack.cleanup();
    }
  }, { name: undefined });
});
