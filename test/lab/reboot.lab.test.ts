/*
 * `srv6 lab reboot r3` on the diamond, with a silent failure on r3-r4 held
 * by the wire across the reboot:
 *
 *        h1            h2
 *        |             |
 *        r1 --10-- r2 --10-- r4
 *         \                 /
 *          +--20-- r3 --20-+        r3-r4: failed silently (lab fail)
 *              (rebooted)
 *
 * Before the reboot r3 gets what a reboot must take away (a route, an
 * address, a sysctl srv6-protect sets, a qdisc, the tunnel source, a pinned
 * map, a background process, files in /run/srv6-protect and /tmp) and what
 * it must keep (/var/lib/srv6-protect), plus boot hooks in /etc/local.d.
 * After it, r3's addresses, routes and sysctls are those lab up made, the
 * hooks ran in order (a failing one reported, a non-executable one
 * skipped), SSH works with the same host key, the failure is still there,
 * and a second reboot works too.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { withLab, type TestLab } from "../helpers/lab";
import { SRV6, runCli } from "../helpers/stack";
import { readInventory, readPlan, linkStates, type RebootReport } from "../../lab";

/** What lab up made on a router, in text that does not change with time. */
async function baseState(lab: TestLab, router: string): Promise<{ routes: string; addresses: string; sysctls: string }> {
  // Sorted: routes to one prefix over several devices list in the order they were made, which is not state.
  const routes = (await lab.sh(router, "ip -6 route show table all; ip -4 route show table all")).replace(/ expires \d+sec/g, "").split("\n").sort().join("\n");
  const addresses = (await lab.sh(router, "ip addr")).split("\n").filter((l) => !/valid_lft/.test(l)).join("\n");
  const sysctls = await lab.sh(router, "sysctl net.ipv6 net.ipv4.conf net.ipv4.neigh 2>/dev/null");
  return { routes, addresses, sysctls };
}

const MARKERS = `set -e
ip -6 route add 2001:db8:99::/64 dev lo proto 214
ip -6 addr add 2001:db8:98::1/128 dev lo
ip -6 addr add fd00:98::1/64 dev eth1
sysctl -q -w net.ipv6.neigh.eth1.retrans_time_ms=100
sysctl -q -w net.ipv6.conf.eth2.seg6_enabled=0
ip sr tunsrc set fc00:0:3::1
tc qdisc add dev eth1 clsact
bpftool map create /sys/fs/bpf/marker type hash key 4 value 4 entries 1 name marker
mkdir -p /var/lib/srv6-protect /run/srv6-protect
echo keep > /var/lib/srv6-protect/keep
echo gone > /run/srv6-protect/gone
echo gone > /tmp/gone
printf '#!/bin/sh\\ndate +%%s%%N > /run/srv6-protect/booted\\necho started\\n' > /etc/local.d/10-test.start
printf '#!/bin/sh\\necho boom >&2\\nexit 3\\n' > /etc/local.d/20-fail.start
printf '#!/bin/sh\\ntouch /run/srv6-protect/skipped\\n' > /etc/local.d/30-not-executable.start
printf '#!/bin/sh\\ntouch /run/srv6-protect/not-a-start\\n' > /etc/local.d/05-other.stop
chmod 755 /etc/local.d/10-test.start /etc/local.d/20-fail.start /etc/local.d/05-other.stop
chmod 644 /etc/local.d/30-not-executable.start
`;

async function reboot(t: TestContext, lab: TestLab): Promise<RebootReport> {
  const r = await runCli([SRV6, "lab", "reboot", "r3", "--lab", lab.name, "--json"]);
  // One of the hooks fails on purpose: the reboot completes and says so with exit 1.
  assert.equal(r.code, 1, `lab reboot reports the failed hook: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, /^lab: r3: killed \d+ processes/m, "progress lines on stderr");
  const report = JSON.parse(r.stdout) as RebootReport;
  t.diagnostic(`r3 reboot: kill ${report.killMs} ms, reset ${report.resetMs} ms, ssh ready ${report.sshReadyMs} ms after boot start, hooks ${report.hooks.map((h) => `${h.path} ${h.durationMs} ms`).join(", ")}`);
  return report;
}

function ssh(lab: TestLab, router: string, command: string) {
  const inv = readInventory(lab.name);
  const r = inv.routers[router]!;
  return runCli(["ssh", "-i", r.privateKeyFile, "-o", `UserKnownHostsFile=${r.knownHostsFile}`, "-o", "StrictHostKeyChecking=yes",
    "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-p", String(r.port), `${r.user}@${r.host}`, command]);
}

/** A map id stays in `bpftool map show` until the kernel freed the map (deferred work): wait a little. */
async function mapGone(id: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if ((await runCli(["bpftool", "map", "show", "id", String(id)])).code !== 0) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

test("lab reboot r3: kills, resets to lab up's state, keeps /var/lib and the wire's failure, runs /etc/local.d hooks", async (t) => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    assert.ok(existsSync("/etc/local.d"), "lab up made /etc/local.d as a mount point");
    assert.deepEqual(readdirSync("/etc/local.d"), [], "this machine's /etc/local.d is empty");
    const before = await baseState(lab, "r3");
    await lab.fail("r3", "r4");

    await lab.sh("r3", MARKERS);
    const mapId = (JSON.parse(await lab.sh("r3", "bpftool -j map show pinned /sys/fs/bpf/marker")) as { id: number }).id;
    const sleeper = Number((await lab.sh("r3", "setsid sleep 1000 >/dev/null 2>&1 </dev/null & echo $!")).trim());
    assert.deepEqual(readdirSync("/etc/local.d"), [], "the hooks went to r3's own /etc/local.d, not this machine's");
    const oldPid = readInventory(lab.name).routers.r3!.pid;

    const report = await reboot(t, lab);
    assert.equal(report.node, "r3");
    assert.equal(report.lab, lab.name);
    assert.ok(report.killedProcesses >= 2, `sshd and the sleeper were killed (${report.killedProcesses})`);
    assert.notEqual(report.pid, oldPid, "a new sshd");
    assert.equal(readInventory(lab.name).routers.r3!.pid, report.pid, "inventory.json has the new sshd's pid");
    assert.ok(report.sysctlsRestored.includes("net.ipv6.neigh.eth1.retrans_time_ms"), `sysctls restored: ${report.sysctlsRestored.join(", ")}`);
    assert.deepEqual(report.qdiscsRemoved, ["eth1:clsact"]);
    assert.deepEqual(report.hooks.map((h) => [h.path, h.code]), [["/etc/local.d/10-test.start", 0], ["/etc/local.d/20-fail.start", 3]],
      "executable *.start hooks ran in order; the failing one is reported; others were not run");
    assert.equal(report.hooks[0]!.stdout, "started\n");
    assert.equal(report.hooks[1]!.stderr, "boom\n");
    assert.ok(report.sshReadyMs > 0 && report.sshReadyMs < 15_000, `ssh ready after ${report.sshReadyMs} ms`);

    const bootedNs = BigInt((await lab.sh("r3", "cat /run/srv6-protect/booted")).trim());
    assert.ok(bootedNs / 1_000_000n >= BigInt(report.bootStartedAtMs), "the hook ran after the boot started");
    assert.equal(await lab.sh("r3", "ls /run/srv6-protect"), "booted\n", "/run/srv6-protect was emptied; only what the boot wrote is in it");
    assert.equal(await lab.sh("r3", "cat /var/lib/srv6-protect/keep"), "keep\n", "/var/lib/srv6-protect persists");
    assert.equal(await lab.sh("r3", "ls -A /tmp"), "", "/tmp is a fresh tmpfs");
    assert.equal(await lab.sh("r3", "ls -A /sys/fs/bpf"), await lab.sh("r2", "ls -A /sys/fs/bpf"), "the bpffs is a fresh one (as r2's, never used)");
    assert.equal((await lab.sh("r3", "mount -t bpf | wc -l")).trim(), "1", "r3 sees only its own bpffs (not the wire's)");
    assert.ok(await mapGone(mapId), `the map pinned in the old bpffs (id ${mapId}) is freed`);
    const sleeperState = await runCli(["ps", "-o", "stat=", "-p", String(sleeper)]);
    assert.ok(sleeperState.code !== 0 || sleeperState.stdout.trim().startsWith("Z"), `the background process ${sleeper} is dead`);

    const after = await baseState(lab, "r3");
    assert.equal(after.routes, before.routes, "routes of every table are lab up's (the marker route is gone)");
    assert.equal(after.addresses, before.addresses, "addresses are lab up's (the marker addresses are gone)");
    assert.equal(after.sysctls, before.sysctls, "sysctls are lab up's");
    assert.match(await lab.sh("r3", "ip sr tunsrc show"), /tunsrc addr ::$/m, "tunnel source reset");
    assert.doesNotMatch(await lab.sh("r3", "tc qdisc show"), /clsact/, "no clsact qdisc left");

    const login = await ssh(lab, "r3", "hostname; ls /etc/local.d");
    assert.equal(login.code, 0, `ssh to r3 with its known host key: ${login.stderr}`);
    assert.equal(login.stdout, "r3\n05-other.stop\n10-test.start\n20-fail.start\n30-not-executable.start\n", "hostname and r3's /etc/local.d kept");

    const states = await linkStates(readPlan(lab.name));
    assert.equal(states.find((l) => l.endpoints.join() === "r3:eth2,r4:eth2")!.state, "silent", "the wire still holds r3-r4's failure");
    assert.equal(states.find((l) => l.endpoints.join() === "r1:eth2,r3:eth1")!.state, "up", "r1-r3 is up (carrier stayed)");
    const ping = (from: string, to: string) => lab.exec(from, ["ping", "-6", "-c", "3", "-i", "0.2", "-W", "1", to]);
    assert.equal((await ping("h1", lab.inventory.hosts.h2!.address)).code, 0, "h1 pings h2 across the diamond");
    assert.equal((await ping("h1", "fc00:0:3::1")).code, 0, "h1 pings r3's loopback: r3 forwards and routes back with its base routes");
    assert.notEqual((await ping("r3", "fd00:0:0:4::2")).code, 0, "r3 -> r4 over the failed link is still dropped by the wire");
    await lab.heal("r3", "r4");
    assert.equal((await ping("r3", "fd00:0:0:4::2")).code, 0, "after heal r3 reaches r4 over r3-r4: the wire forwards to the rebooted router");

    const second = await reboot(t, lab);
    assert.ok(second.killedProcesses >= 1, "a second reboot kills the new sshd");
    assert.deepEqual(second.hooks.map((h) => h.code), [0, 3], "hooks run again");
    const again = await baseState(lab, "r3");
    assert.equal(again.routes, before.routes, "routes after the second reboot");
    assert.equal(again.addresses, before.addresses, "addresses after the second reboot");
    assert.equal((await ssh(lab, "r3", "cat /var/lib/srv6-protect/keep")).stdout, "keep\n", "SSH works and /var/lib persists after the second reboot");
    assert.deepEqual(readdirSync("/etc/local.d"), [], "this machine's /etc/local.d is still empty");
  });
});

test("lab reboot refuses a host and an unknown node, naming the routers", async () => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const host = await runCli([SRV6, "lab", "reboot", "h1", "--lab", lab.name, "--json"]);
    assert.equal(host.code, 1);
    const err = (JSON.parse(host.stdout) as { error: { kind: string; message: string } }).error;
    assert.equal(err.kind, "lab-state");
    assert.match(err.message, /'h1' is a host; only routers reboot \(routers: r1, r2, r3, r4\)/);
    const unknown = await runCli([SRV6, "lab", "reboot", "r9", "--lab", lab.name]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /has no node 'r9' \(routers: r1, r2, r3, r4\)/);
  });
});
