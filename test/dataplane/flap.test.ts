/**
 * A flapping link: r1-r2 fails and heals silently every few milliseconds
 * for a second (both ends' ingress toggled by nftables inside the routers).
 *
 *   h1 --- r1 ~~~~~~~~ r2 --- r4 --- h2
 *           \                /
 *            r3 ------------/
 *
 * With probes every 1 ms x 3 the flaps are seen, but traffic may return to
 * the link only after a hold-down of clean probes, so the number of path
 * changes is bounded by the hold-down, not by the number of flaps:
 *   recoveries <= flapSeconds / holdDown + 1,  failovers <= recoveries + 1.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { withLab, uniqueLabName } from "../helpers/lab";
import { linkStatus, waitFor } from "../helpers/dataplane";
import { applyDiamond } from "../helpers/applied-diamond";

const HOLD_DOWN_MS = 200;
const FLAP_SECONDS = 1;
const TABLE = "s6dp_flap";

/**
 * Toggles the policy of a drop chain on `ifname`'s ingress every `periodMs`
 * for `seconds`, through one long-lived `nft -i` (a process per toggle would
 * be slower than the flaps); prints the number of fail/heal cycles.
 */
const FLAPPER = `import subprocess,sys,time
ifname,seconds,period=sys.argv[1],float(sys.argv[2]),float(sys.argv[3])/1000
nft=subprocess.Popen(["nft","-i"],stdin=subprocess.PIPE,stdout=subprocess.DEVNULL,text=True)
def cmd(c):
    nft.stdin.write(c+"\\n");nft.stdin.flush()
cmd("add table netdev ${TABLE}")
cmd('add chain netdev ${TABLE} c { type filter hook ingress device "%s" priority -400; policy accept; }' % ifname)
end=time.monotonic()+seconds;flaps=0
while time.monotonic()<end:
    cmd("chain netdev ${TABLE} c { policy drop; }");time.sleep(period)
    cmd("chain netdev ${TABLE} c { policy accept; }");time.sleep(period);flaps+=1
cmd("delete table netdev ${TABLE}")
nft.stdin.close()
sys.exit(nft.wait() or print(flaps))
`;

test("flapping link: path changes bounded by the hold-down, not by the flaps", { timeout: 180_000 }, async (t) => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const dp = await applyDiamond(lab, { intervalMs: 1, multiplier: 3, holdDownMs: HOLD_DOWN_MS });
    try {
      const before = await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => s.state!.probesSeen > 200n, 10_000);
      assert.equal(before.state!.failovers, 0n, "no failover before the flapping");
      const [f1, f2] = await Promise.all(["r1", "r2"].map((r) => lab.exec(r, ["python3", "-c", FLAPPER, "eth1", String(FLAP_SECONDS), "3"], { timeoutMs: 30_000 })));
      assert.equal(f1!.code, 0, `flapper on r1: ${f1!.stderr}`);
      assert.equal(f2!.code, 0, `flapper on r2: ${f2!.stderr}`);
      const flaps = Number(f1!.stdout.trim());
      // Stable again: let a hold-down pass, then count.
      const after = await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => !s.state!.down, 10_000, 100);
      const { failovers, recoveries } = after.state!;
      t.diagnostic(`${flaps} flaps in ${FLAP_SECONDS} s -> ${failovers} failover(s), ${recoveries} recovery(ies) on r1`);
      assert.ok(flaps >= 50, `the link flapped (${flaps} times)`);
      assert.ok(failovers >= 1n, "the flapping was detected");
      const maxRecoveries = BigInt(Math.floor((FLAP_SECONDS * 1000) / HOLD_DOWN_MS) + 1);
      assert.ok(recoveries <= maxRecoveries, `recoveries ${recoveries} <= ${maxRecoveries}`);
      assert.ok(failovers <= recoveries + 1n, `failovers ${failovers} <= recoveries + 1`);
      assert.ok(failovers + recoveries < BigInt(flaps), "fewer path changes than flaps");
      assert.equal(after.state!.down, false, "back on the link once it is stable");
    } finally {
      for (const r of ["r1", "r2"]) await lab.exec(r, ["nft", "delete", "table", "netdev", TABLE]);
      await dp.remove();
    }
  }, { name: uniqueLabName("dpl") });
});
