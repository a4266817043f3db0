/**
 * Install, re-install, remove: the renderer's commands are idempotent
 * (re-applying keeps the live counters and causes no failover), the map
 * helper checks a whole batch before writing, and removal leaves every
 * router exactly as it was (routes, qdiscs, pinned maps, processes, files).
 *
 *   h1 --- r1 ==== r2 --- r4 --- h2     (diamond lab, r1-r2 protected)
 *           \             /
 *            r3 ---------/
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { withLab, uniqueLabName } from "../helpers/lab";
import { installDataplane, diamondDesiredState, linkStatus, waitFor, type LabLike } from "../helpers/dataplane";
import { BIN_DIR, MAP_NAMES } from "../../provider/dataplane/constants";
import { encodeLinkKey } from "../../provider/dataplane/map-layout";
import { sleep } from "./counters";

const SNAPSHOT = "ip -6 route show table all; ip sr tunsrc show; for i in $(ls /sys/class/net); do tc qdisc show dev $i; tc filter show dev $i egress 2>/dev/null; done; " +
  "ls -A /sys/fs/bpf /sys/fs/bpf/tc/globals /var/lib/srv6-protect /run/srv6-protect /etc/local.d/srv6-protect.start /etc/systemd/system/srv6-protect-boot.service 2>/dev/null; pgrep --ns $$ --nslist net -f 'probe-sende[r].py' || true";

async function snapshot(lab: LabLike, router: string): Promise<string> {
  const r = await lab.exec(router, ["sh", "-c", SNAPSHOT]);
  // Kernel-owned churn that has nothing to do with us.
  return r.stdout.split("\n").filter((l) => !/^(fe80|ff00|multicast|local fe80|anycast fe80)/.test(l.trim())).join("\n");
}

test("dataplane life cycle: idempotent re-apply, atomic map batches, removal leaves routers as they were", { timeout: 180_000 }, async () => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const routers = Object.keys(lab.inventory.routers).sort();
    const before = Object.fromEntries(await Promise.all(routers.map(async (r) => [r, await snapshot(lab, r)] as const)));
    const desired = diamondDesiredState(lab.inventory, { intervalMs: 2, multiplier: 3, holdDownMs: 200 });
    const first = await installDataplane(lab, desired);
    let removed = false;
    try {
      const s0 = await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => s.state!.probesSeen > 100n, 10_000);

      // Re-apply the same plan: everything is replace/sync, the pinned maps survive reloads.
      await installDataplane(lab, desired);
      await sleep(500);
      const s1 = await linkStatus(lab, "r1", "eth1");
      assert.ok(s1.state!.probesSeen > s0.state!.probesSeen, "counters kept across re-apply");
      assert.equal(s1.state!.failovers, 0n, "re-apply caused no failover");
      assert.equal(s1.state!.down, false);
      const routes = (await lab.exec("r1", ["ip", "-6", "route", "show", "proto", "214"])).stdout;
      assert.equal(routes.split("\n").filter((l) => l.startsWith("2001:db8:2::/64")).length, 1, "one protected route, not two");

      // The map helper: a batch with one bad operation writes nothing.
      const maps = `${BIN_DIR}/srv6p-maps.py`;
      const key = encodeLinkKey(4242).toString("hex");
      const bad = await lab.exec("r1", ["python3", maps, "apply"], {
        input: JSON.stringify([
          { op: "update", map: MAP_NAMES.linkConfig, key, value: "00".repeat(16) },
          { op: "update", map: MAP_NAMES.linkConfig, key, value: "00" },
        ]),
      });
      assert.equal(bad.code, 2, `bad batch refused with exit 2: ${bad.stderr}`);
      assert.match(bad.stderr, /srv6p_link_config: value must be 16 bytes/);
      const look = await lab.exec("r1", ["python3", maps, "lookup", MAP_NAMES.linkConfig, key]);
      assert.equal(look.code, 3, "the good half of the bad batch was not written");
      const noMap = await lab.exec("r1", ["python3", maps, "lookup", "srv6p_nope", key]);
      assert.equal(noMap.code, 4, "a missing map is exit 4");
      const evil = await lab.exec("r1", ["python3", maps, "lookup", "../../etc/passwd", key]);
      assert.equal(evil.code, 2, "map names are not paths");
      // sync: exactly the given entries remain.
      const extra = await lab.exec("r1", ["python3", maps, "update", MAP_NAMES.linkConfig, key, "03000000e8030000" + "00".repeat(8)]);
      assert.equal(extra.code, 0, extra.stderr);
      const stray = await lab.exec("r1", ["python3", maps, "update", MAP_NAMES.linkState, key, "00".repeat(112)]);
      assert.equal(stray.code, 0, stray.stderr);
      await installDataplane(lab, desired, { routers: ["r1"] });
      assert.equal((await lab.exec("r1", ["python3", maps, "lookup", MAP_NAMES.linkConfig, key])).code, 3, "re-apply removed the stray link_config entry");
      assert.equal((await lab.exec("r1", ["python3", maps, "lookup", MAP_NAMES.linkState, key])).code, 3, "and the stray link_state entry");
      const kept = await linkStatus(lab, "r1", "eth1");
      assert.ok(kept.state!.probesSeen >= s1.state!.probesSeen, "while the real link's counters stay");

      await first.remove();
      removed = true;
      for (const r of routers) assert.equal(await snapshot(lab, r), before[r], `${r} is as it was before the install`);
    } finally {
      if (!removed) await first.remove();
    }
  }, { name: uniqueLabName("dpc") });
});
