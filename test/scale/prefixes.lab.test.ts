/**
 * 5,000 protected prefixes behind one router, through `srv6 apply` as an
 * operator runs it: the diamond with 5,000 more /64s behind r4, r1-r2
 * protected (1 ms x 3).
 *
 * - the stack has one backup policy per (link end, destination), not one per prefix;
 * - after apply: plan empty, drift none, r1 has a route and a map entry per
 *   prefix, and every one of them runs the same two pinned programs;
 * - a silent failure and then a carrier loss of r1-r2: traffic to the last
 *   prefix and back arrives by the backup path (r3's End SID counts it);
 * - adding 100 prefixes changes those 100 routes and map entries only: the
 *   programs are not reloaded and a stream to another prefix loses nothing;
 * - destroy leaves no route, pin or program behind.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withLab, uniqueLabName, type TestLab } from "../helpers/lab";
import { linkStatus, waitFor } from "../helpers/dataplane";
import { startStream, type StreamResult } from "../dataplane/stream";
import { sidPackets, sleep } from "../dataplane/counters";
import { synthesizePrefixStack, routeExtraPrefixes, extraPrefixAddress, type PrefixStack } from "../../bench/prefixes/stack";
import { expectExit, timedRun } from "../../bench/apply/process";
import { PACKAGE_ROOT } from "../../provider/engine/router-scripts";
import { EngineWorkspace } from "../provider-e2e/workspace";
import { describe } from "../plugin/tofu-workspace";
import { REROUTE_PIN_DIR, BPF_OBJECTS } from "../../provider/dataplane/constants";

const PREFIXES = 5000;

async function srv6(verb: string, stack: PrefixStack, inventoryFile: string): Promise<Record<string, any>> {
  const argv = [process.execPath, join(PACKAGE_ROOT, "bin", "srv6"), verb, "--stack", stack.stackDir, "--inventory", inventoryFile, "--json"];
  // Exit 1 still prints the report, which the assertions show.
  const r = expectExit(await timedRun(argv, { timeoutMs: 300_000 }), argv, `srv6 ${verb}`, [0, 1]);
  return { ...(JSON.parse(r.stdout) as Record<string, any>), wallMs: r.ms };
}

const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");

/** Kernel-wide: the lab's routers share this machine's kernel. */
async function reroutePrograms(lab: TestLab): Promise<number> {
  const progs = JSON.parse(await lab.sh("r1", "bpftool -j prog show")) as { name?: string }[];
  return progs.filter((p) => p.name === BPF_OBJECTS.reroute.programs.lwtIn || p.name === BPF_OBJECTS.reroute.programs.lwtXmit).length;
}

async function pinnedProgramIds(lab: TestLab, router: string): Promise<number[]> {
  const ids: number[] = [];
  for (const name of Object.values(BPF_OBJECTS.reroute.programs)) {
    ids.push((JSON.parse(await lab.sh(router, `bpftool -j prog show pinned ${REROUTE_PIN_DIR}/${name}`)) as { id: number }).id);
  }
  return ids;
}

function assertDelivered(dir: string, s: StreamResult): void {
  assert.equal(s.lastSeq, s.sent - 1, `${dir}: the last datagram arrived (by the backup)`);
  assert.ok(s.received >= s.sent - 500, `${dir}: at most 500 of ${s.sent} lost, got ${s.received}`);
  assert.ok(s.maxGapMs < 1000, `${dir}: loss window under 1 s, was ${s.maxGapMs.toFixed(1)} ms`);
}

test(`${PREFIXES} prefixes behind r4: one program pair, plan empty, failover both ways (silent and carrier), incremental add`, { timeout: 600_000 }, async (t) => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const work = mkdtempSync(join(tmpdir(), "srv6-prefixes-"));
    const inventoryFile = join(lab.inventory.stateDir, "inventory.json");
    const synth = (extraPrefixes: number, dir: string) => synthesizePrefixStack(join(work, dir), { inventoryFile, extraPrefixes, probeIntervalMs: 1, multiplier: 3, holdDownMs: 300 });
    let applied: PrefixStack | undefined;
    try {
      await routeExtraPrefixes((n, a) => lab.exec(n, a), ["r1", "r2", "r3", "r4"], lab.inventory.hosts.h2!);
      const stack = synth(PREFIXES, "base");
      assert.ok(stack.policies <= 4, `one policy per (link end, destination): ${stack.policies} for ${PREFIXES + 2} prefixes`);
      const apply = await srv6("apply", stack, inventoryFile);
      applied = stack;
      assert.equal(apply.ok, true, JSON.stringify(apply).slice(0, 2000));
      t.diagnostic(`synth ${stack.synthMs.toFixed(0)} ms (${stack.resources} resources, ${stack.policies} backup policies); apply ${apply.wallMs.toFixed(0)} ms`);
      // The same stack through tofu and the provider: it plans, with the stack's handful of resources.
      const ws = new EngineWorkspace(lab, "tfpfx-");
      try {
        synthesizePrefixStack(ws.dir, { inventoryFile, extraPrefixes: PREFIXES, probeIntervalMs: 1, multiplier: 3, holdDownMs: 300 });
        const init = await ws.stackTofu(["init", "-no-color", "-input=false"]);
        assert.equal(init.code, 0, `tofu init: ${describe(init)}`);
        const started = Date.now();
        const tfPlan = await ws.stackTofu(["plan", "-no-color", "-input=false"], 300_000);
        assert.equal(tfPlan.code, 0, `tofu plan: ${describe(tfPlan)}`);
        const count = /Plan: (\d+) to add, 0 to change, 0 to destroy/.exec(tfPlan.stdout);
        assert.equal(Number(count?.[1]), stack.resources, `tofu plans the stack's ${stack.resources} resources: ${tfPlan.stdout.slice(-300)}`);
        t.diagnostic(`tofu plan of the ${PREFIXES}-prefix stack: ${count![0]} (${Date.now() - started} ms)`);
      } finally {
        ws.cleanup();
      }

      const plan = await srv6("plan", stack, inventoryFile);
      assert.equal(plan.changes, 0, `plan after apply is empty: ${JSON.stringify(plan.routers?.flatMap((r: any) => r.changes).slice(0, 5))}`);
      const drift = await srv6("drift", stack, inventoryFile);
      assert.equal(drift.drift, false, "no drift after apply");
      t.diagnostic(`no-op plan ${plan.wallMs.toFixed(0)} ms, drift ${drift.wallMs.toFixed(0)} ms`);

      // r1: one route per prefix, all on the same two pinned programs; one map entry per prefix.
      const routes = JSON.parse(await lab.sh("r1", "ip -6 -j route show proto 214 metric 10")) as { encap?: string; in?: string; xmit?: string }[];
      assert.equal(routes.length, PREFIXES + 1, `r1 protects h2's prefix and the ${PREFIXES} behind r4`);
      assert.ok(routes.every((r) => r.encap === "bpf" && r.in === "srv6p_reroute_in:[*fsobj]" && r.xmit === "srv6p_reroute_xmit:[*fsobj]"), "every protected route runs the pinned programs");
      assert.equal(await reroutePrograms(lab), 4, "two reroute programs on r1 and two on r2, whatever the number of prefixes");
      const backups = JSON.parse(await lab.sh("r1", "bpftool -j map dump pinned /sys/fs/bpf/tc/globals/srv6p_backups")) as unknown[];
      assert.equal(backups.length, PREFIXES + 1, "one backup entry per protected prefix on r1");

      const stackJson = JSON.parse(readFileSync(join(stack.stackDir, "stacks", "diamond", "cdk.tf.json"), "utf8")) as { resource: { srv6_router: Record<string, { node_sid: string }> } };
      const r3Node = Object.values(stackJson.resource.srv6_router).find((r) => (r as { name?: string }).name === "r3")!.node_sid;
      const target = extraPrefixAddress(PREFIXES - 1);
      await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => s.state!.probesSeen > 100n && !s.state!.down, 15_000);

      for (const kind of ["silent", "carrier"] as const) {
        const r3Before = await sidPackets(lab, "r3", r3Node);
        const fwd = await startStream(lab, "h1", "h2", { rate: 1000, seconds: 4, port: 41101, address: target });
        const rev = await startStream(lab, "h2", "h1", { rate: 1000, seconds: 4, port: 41102 });
        await sleep(1000);
        await lab.fail("r1", "r2", { carrier: kind === "carrier" });
        await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => s.state!.down, 5_000);
        const [f, b] = [await fwd.done, await rev.done];
        assertDelivered(`${kind}: h1 -> ${target}`, f);
        assertDelivered(`${kind}: h2 -> h1`, b);
        const viaR3 = (await sidPackets(lab, "r3", r3Node)) - r3Before;
        assert.ok(viaR3 >= 2000, `${kind}: r3's End SID carried both directions' rerouted traffic (${viaR3})`);
        const kept = JSON.parse(await lab.sh("r1", "ip -6 -j route show proto 214 metric 10")) as unknown[];
        assert.equal(kept.length, PREFIXES + 1, `${kind}: every protected route is still in place during the failure`);
        t.diagnostic(`${kind} failure: loss window h1->h2 ${f.maxGapMs.toFixed(1)} ms (${f.sent - f.received} lost), h2->h1 ${b.maxGapMs.toFixed(1)} ms (${b.sent - b.received} lost)`);
        await lab.heal("r1", "r2");
        await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => !s.state!.down, 15_000, 100);
        await waitFor(() => linkStatus(lab, "r2", "eth1"), (s) => !s.state!.down, 15_000, 100);
      }
      const afterFailures = await srv6("drift", stack, inventoryFile);
      assert.equal(afterFailures.drift, false, "no drift after both failures healed");

      // Adding 100 prefixes: 100 routes and 100 map entries on r1, nothing else anywhere.
      const more = synth(PREFIXES + 100, "more");
      const planMore = await srv6("plan", more, inventoryFile);
      const byRouter = Object.fromEntries((planMore.routers as { router: string; changes: { kind: string; action: string }[] }[]).map((r) => [r.router, r.changes]));
      assert.deepEqual(Object.keys(byRouter).filter((r) => byRouter[r]!.length), ["r1"], "only r1 changes");
      const kinds = byRouter.r1!.reduce<Record<string, number>>((m, c) => ({ ...m, [`${c.kind} ${c.action}`]: (m[`${c.kind} ${c.action}`] ?? 0) + 1 }), {});
      assert.deepEqual(kinds, { "route add": 100, "map-entry add": 100 }, "100 routes and 100 backup entries to add");
      const programsBefore = await pinnedProgramIds(lab, "r1");
      const steady = await startStream(lab, "h1", "h2", { rate: 1000, seconds: 5, port: 41103, address: extraPrefixAddress(7) });
      await sleep(500);
      const applyMore = await srv6("apply", more, inventoryFile);
      applied = more;
      t.diagnostic(`apply of 100 more prefixes: ${applyMore.wallMs.toFixed(0)} ms`);
      assert.equal(applyMore.ok, true, JSON.stringify(applyMore).slice(0, 2000));
      const s = await steady.done;
      assert.equal(s.received, s.sent, `a stream to another protected prefix lost nothing during the apply (${s.received}/${s.sent})`);
      assert.deepEqual(await pinnedProgramIds(lab, "r1"), programsBefore, "the reroute programs were not reloaded");
      assert.equal((JSON.parse(await lab.sh("r1", "ip -6 -j route show proto 214 metric 10")) as unknown[]).length, PREFIXES + 101);
      assert.equal((await srv6("plan", more, inventoryFile)).changes, 0, "plan empty after the incremental apply");
      t.diagnostic(`add 100 prefixes: plan ${planMore.wallMs.toFixed(0)} ms, apply ${applyMore.wallMs.toFixed(0)} ms`);

      const destroy = await srv6("destroy", more, inventoryFile);
      applied = undefined;
      assert.equal(destroy.ok, true);
      for (const r of ["r1", "r2"]) {
        assert.equal(lines(await lab.sh(r, "ip -6 route show proto 214")).length, 0, `${r}: no route of ours left`);
        assert.equal((await lab.exec(r, ["test", "-e", REROUTE_PIN_DIR])).code, 1, `${r}: the program pins are gone`);
      }
      assert.equal(await reroutePrograms(lab), 0, "no reroute program left in the kernel");
    } finally {
      if (applied) await srv6("destroy", applied, inventoryFile).catch(() => undefined);
      rmSync(work, { recursive: true, force: true });
    }
  }, { name: uniqueLabName("pfx") });
});
