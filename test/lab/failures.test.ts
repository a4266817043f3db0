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
import { readPlan, linkStates } from "../../lab";

test("failures: silent, one-way and carrier loss, each healed", async () => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const ping = await lab.exec("h1", ["ping", "-6", "-c", "3", "-i", "0.2", "-W", "1", lab.inventory.hosts.h2!.address]);
    assert.equal(ping.code, 0, `h1 pings h2 across the lab: ${ping.stdout}${ping.stderr}`);
    const trace = await lab.sh("r1", "ip -6 route get 2001:db8:2::2");
    assert.match(trace, /dev eth1/, "h1 -> h2 leaves r1 over r1-r2");
    assert.equal(await udpDelivered(lab, "h1", "h2"), 40, "all datagrams h1 -> h2 arrive on a healthy lab");

    const plan = readPlan(lab.name);
    const stateOf = async () => (await linkStates(plan)).find((l) => l.endpoints.join() === "r1:eth1,r2:eth1")!;
    assert.equal((await stateOf()).state, "up");
    // What a router could see of a failure: its rules, filters, links, addresses and routes.
    const view = (router: string) => lab.sh(router, "nft list ruleset; tc filter show dev eth1 ingress; tc filter show dev eth1 egress; tc qdisc show dev eth1; ip -br link show dev eth1; ip -6 addr show dev eth1; ip -6 route show");
    const viewBefore = await Promise.all(["r1", "r2"].map(view));

    // Silent: both directions lost, carrier still up on both ends, nothing changed inside either router.
    await lab.fail("r1", "r2");
    assert.deepEqual(await Promise.all(["r1", "r2"].map(view)), viewBefore, "a silent failure changes nothing inside r1 or r2");
    assert.equal((await stateOf()).state, "silent");
    assert.equal(await udpDelivered(lab, "h1", "h2"), 0, "silent failure: nothing h1 -> h2");
    assert.equal(await udpDelivered(lab, "h2", "h1"), 0, "silent failure: nothing h2 -> h1");
    for (const [router, ifname] of [["r1", "eth1"], ["r2", "eth1"]] as const) {
      const link = await lab.sh(router, `ip -br link show dev ${ifname}`);
      assert.match(link, /LOWER_UP/, `${router}:${ifname} still has carrier during a silent failure`);
      assert.match(link, /\bUP\b/, `${router}:${ifname} is still up`);
    }
    const dropped = (await stateOf()).frames;
    assert.ok(dropped["r1:eth1"]!.dropped >= 40 && dropped["r2:eth1"]!.dropped >= 40, `the wire counted the dropped datagrams of both ends: ${JSON.stringify(dropped)}`);
    await lab.heal("r1", "r2");
    assert.equal((await stateOf()).state, "up");
    assert.equal(await udpDelivered(lab, "h1", "h2"), 40, "heal restores h1 -> h2");
    assert.equal(await udpDelivered(lab, "h2", "h1"), 40, "heal restores h2 -> h1");

    // One way: r1 -> r2 lost, r2 -> r1 still delivered.
    await lab.fail("r1", "r2", { oneWayFrom: "r1" });
    assert.equal((await stateOf()).state, "one-way:r1");
    assert.equal(await udpDelivered(lab, "h1", "h2"), 0, "one-way failure r1 -> r2 stops h1 -> h2");
    assert.equal(await udpDelivered(lab, "h2", "h1"), 40, "one-way failure r1 -> r2 leaves h2 -> h1 intact");
    await lab.heal("r1", "r2");
    assert.equal(await udpDelivered(lab, "h1", "h2"), 40, "heal restores h1 -> h2 after the one-way failure");

    // Carrier loss: the kernel sees it (NO-CARRIER on r2); heal restores routes too.
    await lab.fail("r1", "r2", { carrier: true });
    for (const router of ["r1", "r2"]) {
      const link = await lab.sh(router, "ip -br link show dev eth1");
      assert.match(link, /NO-CARRIER/, `${router} sees the carrier loss: ${link}`);
    }
    assert.equal((await stateOf()).state, "down");
    assert.equal(await udpDelivered(lab, "h2", "h1"), 0, "carrier loss stops h2 -> h1");
    await lab.heal("r1", "r2");
    assert.equal(await udpDelivered(lab, "h1", "h2"), 40, "heal after carrier loss restores h1 -> h2 (routes re-installed)");
    assert.equal(await udpDelivered(lab, "h2", "h1"), 40, "heal after carrier loss restores h2 -> h1");

  });
});
