/*
 * Drift and reconcile on the diamond lab (r1 ==protected== r2, r3, r4 sudo):
 * five kinds of tampering, each on one router, must be reported exactly,
 * with exit code 2, then repaired by reconcile.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { withLab } from "../helpers/lab";
import { synthExample } from "../helpers/stack";

interface DriftJson {
  drift: boolean;
  routers: { router: string; changes: { kind: string; item: string; summary: string }[] }[];
}

test("drift reports exactly what was tampered with (exit 2); reconcile repairs; drift is then 0", async () => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const stack = await synthExample("diamond", lab);
    try {
      const apply = await stack.srv6(["apply", "--quiet"]);
      assert.equal(apply.code, 0, apply.stdout + apply.stderr);
      const clean = await stack.srv6(["drift", "--json"]);
      assert.equal(clean.code, 0, `no drift right after apply: ${clean.stdout}`);

      await lab.sh("r1", "ip -6 route del fc00:0:1:1::/128 proto 214");                       // delete a route
      await lab.sh("r2", "echo tampered > /var/lib/srv6-protect/bpf/monitor.bpf.o");          // replace an object file
      await lab.sh("r2", "kill -9 $(cat /run/srv6-protect/probe-sender.pid) $(cat /run/srv6-protect/probe-sender.pid.child)"); // kill the sender
      await lab.sh("r3", "sysctl -q -w net.ipv6.conf.all.seg6_enabled=0");                    // flip seg6_enabled
      await lab.sh("r4", "ip -6 route add fc00:0:4:1::/128 dev eth1 metric 100 proto static"); // foreign route on our SID

      const drift = await stack.srv6(["drift", "--json"]);
      assert.equal(drift.code, 2, `drift exits 2: ${drift.stdout}${drift.stderr}`);
      const report = JSON.parse(drift.stdout) as DriftJson;
      const found = report.routers.flatMap((r) => r.changes.map((c) => `${r.router} ${c.kind} ${c.item}`)).sort();
      assert.deepEqual(found, [
        "r1 route fc00:0:1:1::/128 metric 1024",
        "r2 file /var/lib/srv6-protect/bpf/monitor.bpf.o",
        "r2 probe-sender process",
        "r3 sysctl net.ipv6.conf.all.seg6_enabled",
        "r4 foreign-route fc00:0:4:1::/128 metric 100 proto static",
      ]);
      const text = await stack.srv6(["drift"]);
      assert.equal(text.code, 2);
      assert.match(text.stdout, /probe sender not running/);
      assert.match(text.stdout, /Drift on 4 of 4 router\(s\)/);

      const reconcile = await stack.srv6(["reconcile"]);
      assert.equal(reconcile.code, 0, reconcile.stdout + reconcile.stderr);
      assert.equal(reconcile.stdout.trim().split("\n").filter((l) => / repaired /.test(l)).length, 5, `reconcile logs five repairs: ${reconcile.stdout}`);

      const after = await stack.srv6(["drift", "--json"]);
      assert.equal(after.code, 0, `no drift after reconcile: ${after.stdout}`);
      assert.match(await lab.sh("r1", "ip -6 route show fc00:0:1:1::/128 proto 214"), /End/, "node SID restored on r1");
      assert.equal((await lab.sh("r3", "sysctl -n net.ipv6.conf.all.seg6_enabled")).trim(), "1");
      assert.equal((await lab.sh("r4", "ip -6 route show fc00:0:4:1::/128 proto static")).trim(), "", "foreign route removed");
      assert.match(await lab.sh("r2", "python3 /var/lib/srv6-protect/bin/probe-sender.py status --pidfile /run/srv6-protect/probe-sender.pid"), /"running": true/);
    } finally {
      stack.cleanup();
    }
  });
});
