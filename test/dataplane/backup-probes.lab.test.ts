/**
 * Backup paths that are known to work, on the mesh lab, installed by
 * `srv6 apply` and read back by `srv6 status`, `drift` and `drill`:
 *   (a) every backup path is healthy after the apply;
 *   (b) a transit router loses a node SID that backup paths use: exactly those
 *       paths turn broken, naming the segment; drift exits 2; reconcile repairs;
 *   (c) a backup hop whose MTU is below the probe size plus the SRH: degraded;
 *   (e) a base route changed by hand so that a backup's node segment goes over
 *       the protected link (an equal-cost branch): plan fails and drift reports
 *       exactly those backups, with router, segment and next hop;
 *   (d) a drill carries a 10 kpps stream over the backup and reverts; with the
 *       controller killed mid-drill, the router reverts by itself.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { withLab, type TestLab } from "../helpers/lab";
import { synthExample, SRV6, type TestStack } from "../helpers/stack";
import { loadDesiredState } from "../../provider/state";
import { nodeArgv } from "../../lab";
import { buildMeter } from "../../lab/meter/build";
import { TrafficMeter } from "../../lab/meter/meter";
import type { BackupPathStatus } from "../../provider/engine/backup-status";
import type { LinkEndStatus } from "../../provider/engine/link-status";
import { LIMITS } from "../../model/schema";
import { MAP_NAMES } from "../../provider/dataplane/constants";
import { decodeDrill } from "../../provider/dataplane/map-layout";

const MESH = "examples/lab/mesh.json";
const KILLED_DRILL_S = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface StatusDoc { links: LinkEndStatus[]; backupPaths: BackupPathStatus[] }

async function status(stack: TestStack): Promise<StatusDoc> {
  const r = await stack.srv6(["status", "--json"]);
  assert.equal(r.code, 0, `srv6 status: ${r.stderr}`);
  return JSON.parse(r.stdout) as StatusDoc;
}

/** Polls status until `ok` holds for it, or fails with the last status after `timeoutMs`. */
async function statusUntil(stack: TestStack, what: string, ok: (s: StatusDoc) => boolean, timeoutMs: number): Promise<{ doc: StatusDoc; afterMs: number }> {
  const start = Date.now();
  let doc = await status(stack);
  while (!ok(doc)) {
    if (Date.now() - start > timeoutMs) assert.fail(`${what} not seen within ${timeoutMs} ms; last status:\n${JSON.stringify(doc.backupPaths.map((p) => [p.policy, p.health, p.reason]), null, 1)}`);
    await sleep(250);
    doc = await status(stack);
  }
  return { doc, afterMs: Date.now() - start };
}

/** What is left of the one drill on `router`, by the router's own clock (the clock the reroute program reads). */
async function drillLeftMs(lab: TestLab, router: string): Promise<number> {
  const dump = JSON.parse(await lab.sh(router, `python3 /var/lib/srv6-protect/bin/srv6p-maps.py dump ${MAP_NAMES.drills}`)) as
    { monotonicNs: number; maps: Record<string, { entries: { key: string; value: string }[] } | null> };
  const entries = dump.maps[MAP_NAMES.drills]?.entries ?? [];
  assert.equal(entries.length, 1, `one drill on ${router}: ${JSON.stringify(entries)}`);
  return Number(decodeDrill(Buffer.from(entries[0]!.value, "hex")) - BigInt(dump.monotonicNs)) / 1e6;
}

const healthOf = (doc: StatusDoc) => new Map(doc.backupPaths.map((p) => [p.policy, p.health]));
const allOk = (doc: StatusDoc) => doc.backupPaths.length > 0 && doc.backupPaths.every((p) => p.health === "ok");

async function withMesh(fn: (lab: TestLab, stack: TestStack) => Promise<void>): Promise<void> {
  await withLab(MESH, async (lab) => {
    const stack = await synthExample("mesh", lab);
    try {
      const applied = await stack.srv6(["apply"], { timeoutMs: 180_000 });
      assert.equal(applied.code, 0, `srv6 apply: ${applied.stdout}\n${applied.stderr}`);
      await fn(lab, stack);
    } finally {
      stack.cleanup();
    }
  });
}

test("backup probes: every path healthy after apply; a transit router's lost node SID breaks exactly the paths through it; an MTU hole degrades", { timeout: 300_000 }, async (t) => {
  await withMesh(async (lab, stack) => {
    const state = loadDesiredState({ path: stack.dir });
    // (a)
    const healthy = await statusUntil(stack, "every backup path ok", allOk, 15_000);
    assert.equal(healthy.doc.backupPaths.length, state.policies.length, "one probed path per backup policy");
    for (const p of healthy.doc.backupPaths) assert.ok(p.returned > 0 && (p.lastRttMs ?? 0) > 0, `${p.policy} returned probes with an RTT`);
    const rtts = healthy.doc.backupPaths.map((p) => p.lastRttMs!).sort((x, y) => x - y);
    t.diagnostic(`(a) ${rtts.length} backup paths ok ${healthy.afterMs} ms after the apply; RTT median ${rtts[rtts.length >> 1]} ms, max ${rtts[rtts.length - 1]} ms`);

    // (b) a node SID used as a middle segment by some backup paths, on a router that is neither PLR nor destination.
    const owner = new Map(state.routers.map((r) => [r.node_sid, r.name]));
    const candidates = state.policies.flatMap((p) => p.segments.slice(0, -1).filter((s) => owner.has(s) && owner.get(s) !== p.router).map((s) => ({ sid: s, router: owner.get(s)! })));
    assert.ok(candidates.length, "the mesh's backups use node segments");
    const { sid, router } = candidates[0]!;
    const through = new Set(state.policies.filter((p) => p.segments.includes(sid)).map((p) => p.name));
    await lab.sh(router, `ip -6 route del ${sid}/128 proto 214`);
    const broken = await statusUntil(stack, `paths through ${sid} broken`,
      (d) => d.backupPaths.every((p) => (p.health === "broken") === through.has(p.policy)), 5_000);
    t.diagnostic(`(b) ${sid} deleted on ${router}: ${through.size} of ${broken.doc.backupPaths.length} paths broken after ${broken.afterMs} ms (status poll included)`);
    for (const p of broken.doc.backupPaths.filter((x) => through.has(x.policy))) {
      assert.equal(p.failingSegment?.sid, sid, `${p.policy} names the failing segment`);
      assert.equal(p.failingRouter, router);
    }
    const drift = await stack.srv6(["drift"]);
    assert.equal(drift.code, 2, drift.stdout);
    assert.match(drift.stdout, new RegExp(`route ${sid.replace(/:/g, ":")}/128 missing`));
    assert.match(drift.stdout, new RegExp(`backup-path .* is broken; segment \\d ${sid} \\(${router}\\) fails`));
    // A drill refuses to move traffic onto a backup known to be broken, and changes nothing.
    const victim = state.policies.find((p) => through.has(p.name))!;
    const refused = await stack.srv6(["drill", victim.link, "--end", victim.router, "--duration", "1"]);
    assert.equal(refused.code, 1, `drill over a broken backup: ${refused.stdout}${refused.stderr}`);
    assert.match(refused.stderr, new RegExp(`${victim.name} is broken`));
    const drills = JSON.parse(await lab.sh(victim.router, "python3 /var/lib/srv6-protect/bin/srv6p-maps.py dump srv6p_drills")) as { maps: { srv6p_drills: { entries: unknown[] } } };
    assert.deepEqual(drills.maps.srv6p_drills.entries, [], "no drill entry was written");
    const repaired = await stack.srv6(["reconcile"], { timeoutMs: 120_000 });
    assert.equal(repaired.code, 0, repaired.stdout + repaired.stderr);
    const back = await statusUntil(stack, "every backup path ok again after reconcile", allOk, 10_000);
    t.diagnostic(`(b) reconcile repaired it; every path ok ${back.afterMs} ms later`);
    assert.equal((await stack.srv6(["drift"])).code, 0, "no drift after the repair");

    // (c) one backup hop, after the first segment's first hop, takes no packet of 1280 bytes + SRH.
    const path = state.policies.find((p) => p.router === "r1")!;
    const hop = /via (\S+) dev (\S+)/.exec(await lab.sh("r1", `ip -6 route get ${path.segments[0]}`))!;
    let neighbour = "";
    for (const r of state.routers) if ((await lab.exec(r.name, ["sh", "-c", `ip -o -6 addr show | grep -q ' ${hop[1]}/'`])).code === 0) neighbour = r.name;
    const ifname = (await lab.sh(neighbour, `ip -o -6 addr show | awk '$4 ~ /^${hop[1]}\\// {print $2}'`)).trim();
    await lab.sh(neighbour, `ip link set dev ${ifname} mtu 1300`);
    const degraded = await statusUntil(stack, `${path.name} degraded`, (d) => healthOf(d).get(path.name) === "degraded", 10_000);
    assert.match(degraded.doc.backupPaths.find((p) => p.policy === path.name)!.reason!, /MTU/);
    t.diagnostic(`(c) mtu 1300 on ${neighbour} ${ifname}: ${path.name} degraded after ${degraded.afterMs} ms; ${degraded.doc.backupPaths.filter((p) => p.health === "degraded").length} path(s) degraded in all`);
    await lab.sh(neighbour, `ip link set dev ${ifname} mtu 1500`);
    await statusUntil(stack, "ok after the MTU is back", allOk, 6_000);

    // (e) r1 gains an equal-cost branch over r1-r2 towards the locator of the first segment of its r1-r2 backups.
    const plan = async () => {
      const r = await stack.srv6(["plan", "--json"]);
      const doc = JSON.parse(r.stdout) as { routers: { router: string; backupFib?: { policy: string; crossings: unknown[]; problems: string[] }[] }[] };
      return { code: r.code, findings: doc.routers.flatMap((x) => x.backupFib ?? []) };
    };
    assert.deepEqual(await plan(), { code: 0, findings: [] }, "on the lab's own routing every backup avoids its link");
    const r1r2 = state.links.find((l) => [l.router_a, l.router_b].sort().join() === "r1,r2")!;
    const r1If = r1r2.router_a === "r1" ? r1r2.interface_a : r1r2.interface_b;
    const r2Addr = r1r2.router_a === "r1" ? r1r2.peer_address_a : r1r2.peer_address_b;
    const first = state.policies.find((p) => p.router === "r1" && p.link === r1r2.name)!.segments[0]!;
    const locator = state.routers.find((r) => r.node_sid === first)!.locator;
    const base = /via (\S+) dev (\S+)/.exec(await lab.sh("r1", `ip -6 route show ${locator} proto static`))!;
    await lab.sh("r1", `ip -6 route replace ${locator} proto static metric 1024 nexthop via ${base[1]} dev ${base[2]} nexthop via ${r2Addr} dev ${r1If}`);
    const expected = state.policies.filter((p) => p.router === "r1" && p.link === r1r2.name && p.segments[0] === first).map((p) => p.name).sort();
    const bad = await plan();
    assert.equal(bad.code, 1, "plan fails on a backup that crosses its link");
    assert.deepEqual(bad.findings.map((f) => f.policy).sort(), expected);
    for (const f of bad.findings) {
      assert.deepEqual(f.crossings, [{ router: "r1", segmentIndex: 0, segment: first, nexthop: r2Addr, dev: r1If }]);
      assert.deepEqual(f.problems, []);
    }
    const fibDrift = await stack.srv6(["drift"]);
    assert.equal(fibDrift.code, 2);
    for (const name of expected) assert.match(fibDrift.stdout, new RegExp(`backup-fib +backup path of ${name} \\(r1, link ${r1r2.name}\\) crosses its protected link on r1's FIB: segment 1 ${first} goes via ${r2Addr} dev ${r1If}`));
    t.diagnostic(`(e) an equal-cost branch over ${r1r2.name} on r1 for ${locator}: plan exit 1, drift exit 2, naming ${expected.join(", ")}`);
    await lab.sh("r1", `ip -6 route replace ${locator} proto static metric 1024 via ${base[1]} dev ${base[2]}`);
    assert.deepEqual(await plan(), { code: 0, findings: [] }, "back to clean once the route is");
  });
});

test("drill: a 10 kpps stream crosses r1-r2 on the backup while the link is up, the drill reverts, and a killed controller's drill reverts by itself", { timeout: 300_000 }, async (t) => {
  await withMesh(async (lab, stack) => {
    await statusUntil(stack, "every backup path ok", allOk, 15_000);
    const link = loadDesiredState({ path: stack.dir }).links.find((l) => [l.router_a, l.router_b].sort().join() === "r1,r2")!.name;
    const rerouted = async () => (await status(stack)).links.find((l) => l.router === "r1" && l.link === link)!.packetsRerouted ?? 0;
    const meter = await TrafficMeter.start({
      binary: await buildMeter(), onSender: (argv) => nodeArgv(lab.name, "h1", argv), onReceiver: (argv) => nodeArgv(lab.name, "h3", argv),
      senderNode: "h1", receiverNode: "h3", destination: lab.inventory.hosts.h3!.address, port: 43000, ratePps: 10_000, tickMs: 250,
    });
    let totals;
    try {
      await sleep(500);
      const before = await rerouted();
      const drill = await stack.srv6(["drill", link, "--end", "r1", "--duration", "3", "--json"], { timeoutMs: 60_000 });
      assert.equal(drill.code, 0, drill.stdout + drill.stderr);
      const report = JSON.parse(drill.stdout) as { ends: { router: string; packetsRerouted: number; reverted: boolean; backupPaths: { health: string; returned: number }[] }[] };
      const r1 = report.ends.find((e) => e.router === "r1")!;
      assert.ok(r1.packetsRerouted >= 15_000, `the backup carried the stream: ${r1.packetsRerouted} packets rerouted in 3 s at 10 kpps`);
      assert.ok(r1.reverted);
      t.diagnostic(`(d) drill of ${link} at r1 for 3 s: ${r1.packetsRerouted} packets rerouted`);
      assert.ok(r1.backupPaths.every((p) => p.health === "ok" && p.returned > 0), JSON.stringify(r1.backupPaths));
      const settled = await rerouted();
      assert.ok(settled - before >= r1.packetsRerouted);
      await sleep(1000);
      assert.equal(await rerouted(), settled, "after the drill, traffic is back on the link");

      // The controller dies mid-drill: the router's deadline (duration + margin) ends it.
      // Long enough that the controller is surely killed before it would end the drill itself.
      const child = spawn(SRV6, ["drill", link, "--end", "r1", "--duration", String(KILLED_DRILL_S), "--stack", stack.dir], { stdio: "ignore" });
      const start = Date.now();
      let during = await rerouted();
      while (during - settled < 5000 && Date.now() - start < 15_000) { await sleep(200); during = await rerouted(); }
      assert.ok(during - settled >= 5000, "the second drill began rerouting");
      child.kill("SIGKILL");
      await sleep(500);
      assert.ok((await rerouted()) > during, "with its controller gone, the drill goes on until its deadline");
      // The deadline is the router's: the controller set it after its own startup, which a loaded machine delays.
      const leftMs = await drillLeftMs(lab, "r1");
      assert.ok(leftMs > 0 && leftMs <= (KILLED_DRILL_S + LIMITS.drillSelfRevertMarginS) * 1000, `r1's drill deadline is ahead, within duration + margin: ${leftMs} ms`);
      await sleep(leftMs + 1000);
      const gone = await rerouted();
      await sleep(1000);
      assert.equal(await rerouted(), gone, "past its deadline, the router is back on the link by itself");
      t.diagnostic(`(d) controller killed mid-drill: ${gone - settled} packets rerouted until the router's own deadline`);
    } finally {
      totals = await meter.stop();
    }
    {
      assert.ok(totals.end && totals.sent, "both ends of the stream reported their totals");
      // Lost = sent but never received (late packets are received, only out of order).
      const lost = totals.sent.packets - (totals.end.received - totals.end.dup);
      assert.ok(lost <= 50, `at most a few packets lost at the switches over two drills: ${lost} of ${totals.sent.packets}`);
      t.diagnostic(`(d) stream h1->h3 at 10 kpps over both drills: ${lost} of ${totals.sent.packets} packets lost`);
    }
  });
});
