/*
 * Link failures on the diamond lab:
 *
 *        h1            h2
 *        |             |
 *        r1 --10-- r2 --10-- r4      h1 <-> h2 crosses r1-r2 in both directions
 *         \                 /       (the lab's base routes have no backup:
 *          +--20-- r3 --20-+         a failed r1-r2 loses the traffic)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { withLab } from "../helpers/lab";
import { udpDelivered } from "../helpers/udp";

test("failures: silent, one-way and carrier loss, each healed", async () => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const ping = await lab.exec("h1", ["ping", "-6", "-c", "3", "-i", "0.2", "-W", "1", lab.inventory.hosts.h2!.address]);
    assert.equal(ping.code, 0, `h1 pings h2 across the lab: ${ping.stdout}${ping.stderr}`);
    const trace = await lab.sh("r1", "ip -6 route get 2001:db8:2::2");
    assert.match(trace, /dev eth1/, "h1 -> h2 leaves r1 over r1-r2");
    assert.equal(await udpDelivered(lab, "h1", "h2"), 40, "all datagrams h1 -> h2 arrive on a healthy lab");

    // Silent: both directions lost, carrier still up on both ends.
    await lab.fail("r1", "r2");
    assert.equal(await udpDelivered(lab, "h1", "h2"), 0, "silent failure: nothing h1 -> h2");
    assert.equal(await udpDelivered(lab, "h2", "h1"), 0, "silent failure: nothing h2 -> h1");
    for (const [router, ifname] of [["r1", "eth1"], ["r2", "eth1"]] as const) {
      const link = await lab.sh(router, `ip -br link show dev ${ifname}`);
      assert.match(link, /LOWER_UP/, `${router}:${ifname} still has carrier during a silent failure`);
      assert.match(link, /\bUP\b/, `${router}:${ifname} is still up`);
    }
    await lab.heal("r1", "r2");
    assert.equal(await udpDelivered(lab, "h1", "h2"), 40, "heal restores h1 -> h2");
    assert.equal(await udpDelivered(lab, "h2", "h1"), 40, "heal restores h2 -> h1");

    // One way: r1 -> r2 lost, r2 -> r1 still delivered.
    await lab.fail("r1", "r2", { oneWayFrom: "r1" });
    assert.equal(await udpDelivered(lab, "h1", "h2"), 0, "one-way failure r1 -> r2 stops h1 -> h2");
    assert.equal(await udpDelivered(lab, "h2", "h1"), 40, "one-way failure r1 -> r2 leaves h2 -> h1 intact");
    await lab.heal("r1", "r2");
    assert.equal(await udpDelivered(lab, "h1", "h2"), 40, "heal restores h1 -> h2 after the one-way failure");

    // Carrier loss: the kernel sees it (NO-CARRIER on r2); heal restores routes too.
    await lab.fail("r1", "r2", { carrier: true });
    const r2link = await lab.sh("r2", "ip -br link show dev eth1");
    assert.match(r2link, /NO-CARRIER|LOWERLAYERDOWN|DOWN/, "r2 sees the carrier loss");
    assert.equal(await udpDelivered(lab, "h2", "h1"), 0, "carrier loss stops h2 -> h1");
    await lab.heal("r1", "r2");
    assert.equal(await udpDelivered(lab, "h1", "h2"), 40, "heal after carrier loss restores h1 -> h2 (routes re-installed)");
    assert.equal(await udpDelivered(lab, "h2", "h1"), 40, "heal after carrier loss restores h2 -> h1");

  });
});
