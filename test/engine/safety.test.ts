/*
 * Safety of apply on the diamond lab (r1 ==protected== r2, r3, r4):
 * a management cut in the middle of an apply, a held router lock, a failed
 * preflight, an unknown host key, and commit-confirm without confirmation.
 * In every case each router ends with its complete old or complete new
 * configuration.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withLab, type TestLab } from "../helpers/lab";
import { cutManagement, restoreManagement } from "../helpers/management-cut";
import { synthExample, REPO } from "../helpers/stack";
import { loadDesiredState, type DesiredState } from "../../provider/state";
import { routerConnectionOptions, type RouterConnectionOptions } from "../../provider/ssh";
import { Engine, type ApplyReport } from "../../provider/engine/engine";

/** What an apply changes on a router, as text: our routes, maps, probe config. */
async function config(lab: TestLab, router: string): Promise<string> {
  return lab.sh(router, "ip -6 route show proto 214 | sort; python3 /var/lib/srv6-protect/bin/srv6p-maps.py dump srv6p_link_config srv6p_backups | sed 's/\"monotonicNs\":[0-9]*//'; sha256sum /var/lib/srv6-protect/probe-sender.json 2>/dev/null; true");
}

const applier = readFileSync(join(REPO, "router/srv6p-apply.py"), "utf8");

async function waitFinal(lab: TestLab, router: string): Promise<string> {
  // The newest transaction on the router, once it is final.
  for (let i = 0; i < 400; i++) {
    const state = await lab.sh(router, "d=$(ls -t /run/srv6-protect/txn | head -1); python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"state\"])' /run/srv6-protect/txn/$d/status.json");
    if (!/^(running|starting|waiting:)/.test(state.trim())) return state.trim();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${router}: transaction not final`);
}

interface CutCase {
  /** Router whose lock another transaction holds (as a second apply would), and for how long. */
  readonly hold: string;
  readonly holdS: number;
  /** The router whose arrival at the "go" barrier, as the controller sees it, triggers the cut of r2. */
  readonly cutWhenAtBarrier: string;
  readonly goTimeoutS: number;
  /** Longer than the hold, so the held router does get its lock; the "go" wait grows to fit it. */
  readonly lockTimeoutS: number;
  readonly connectionFor: (router: string) => RouterConnectionOptions;
  readonly state: DesiredState;
}

/** Applies `state` and cuts r2's management at the chosen moment; restores it before returning. */
async function applyWithCut(lab: TestLab, c: CutCase): Promise<{ report: ApplyReport; r2Final: string }> {
  const holder = `hold-${c.hold}-${Date.now()}`;
  const holdStart = Date.now();
  let cutAtMs = Number.NaN;
  await lab.exec(c.hold, ["python3", "-c", applier, "run", "-"], { input: JSON.stringify({ id: holder, controller: "test", steps: [{ name: "hold", barrier: "never", timeoutS: c.holdS }] }) });
  let cut: Promise<void> | undefined;
  const engine = new Engine({
    connectionFor: c.connectionFor,
    onProgress: (router, message) => {
      if (router === c.cutWhenAtBarrier && message.startsWith("SIDs installed") && !cut) {
        cutAtMs = Date.now() - holdStart;
        cut = cutManagement(lab, "r2");
      }
    },
  });
  try {
    const report = await engine.apply(c.state, { goTimeoutS: c.goTimeoutS, lockTimeoutS: c.lockTimeoutS });
    assert.ok(cut, `management of r2 was cut once ${c.cutWhenAtBarrier} was at the barrier`);
    // The case's premise: the held router was still waiting for its lock when the cut came.
    assert.ok(cutAtMs < c.holdS * 1000 - 1000, `the cut came ${cutAtMs} ms after the hold began, before ${c.hold} could get its lock (${c.holdS} s)`);
    await cut;
    return { report, r2Final: await waitFinal(lab, "r2") };
  } finally {
    await engine.close();
    await restoreManagement(lab, "r2").catch(() => undefined);
  }
}

test("safety: management cut mid-apply, router lock, preflight, host key, commit-confirm", async () => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const stack = await synthExample("diamond", lab);
    try {
      assert.equal((await stack.srv6(["apply", "--quiet"])).code, 0, "initial apply");
      const state = loadDesiredState({ path: stack.dir });
      const byName = new Map(state.routers.map((r) => [r.name, r]));

      // --- 1. Management of r2 cut while its transaction runs. ---------------
      // Each case pins the moment of the cut with another transaction holding a router's lock
      // (a second apply, as far as the router knows): the held router cannot reach the barrier,
      // so no "go" can be sent, until the cut is in place.
      const v2 = { ...state, links: state.links.map((l) => ({ ...l, probe_interval_ms: 20, multiplier: 4 })) };
      const old = { r1: await config(lab, "r1"), r2: await config(lab, "r2") };
      const connectionFor = (n: string) => ({ ...routerConnectionOptions(byName.get(n)!, state.provider), commandTimeoutMs: 15_000, connectTimeoutMs: 3000 });

      // 1a. Cut before r2 reaches the barrier: r2's transaction has started but waits for its
      // lock (held 8 s, well beyond the time r1 takes to reach the barrier even on a busy
      // machine) when r1 gets there; it then installs its SIDs, never hears "go", and rolls back
      // by itself (its "go" wait: 10 s of lock wait + 2 x 5 s of margin). The controller never
      // sees r2 at the barrier, so it aborts r1 too: the whole network keeps the old configuration.
      const a = await applyWithCut(lab, { hold: "r2", holdS: 8, cutWhenAtBarrier: "r1", goTimeoutS: 3, lockTimeoutS: 10, connectionFor, state: v2 });
      assert.equal(a.report.ok, false, "the apply fails");
      assert.ok(a.report.routers.find((r) => r.router === "r2")?.error, "r2 reports its error");
      assert.match(a.r2Final, /rolled-back/, "r2 rolled back on its own (no 'go' reached it)");
      assert.equal(await config(lab, "r2"), old.r2, "r2 holds its complete old configuration");
      assert.equal(await config(lab, "r1"), old.r1, "r1 (aborted) holds its complete old configuration");

      // 1b. Cut after the controller saw r2 at the barrier, while r1 still waits for its lock
      // (held 6 s): r2 still has about 12 s of its 18 s wait when r1 arrives, so "go" goes out;
      // it reaches r1, which commits, but not r2, which rolls back when its wait ends. Each
      // router holds one complete configuration (r1 the new, r2 the old); the apply reports
      // r2's failure and the next apply converges.
      const b = await applyWithCut(lab, { hold: "r1", holdS: 6, cutWhenAtBarrier: "r2", goTimeoutS: 8, lockTimeoutS: 8, connectionFor, state: v2 });
      assert.equal(b.report.ok, false, "the apply fails");
      assert.ok(b.report.routers.find((r) => r.router === "r2")?.error, "r2 reports its error");
      assert.equal(b.report.routers.find((r) => r.router === "r1")?.error, undefined, "r1 committed");
      assert.match(b.r2Final, /rolled-back/, "r2 rolled back on its own");
      assert.equal(await config(lab, "r2"), old.r2, "r2 holds its complete old configuration");
      const r1New = await config(lab, "r1");
      assert.notEqual(r1New, old.r1, "r1 holds the new configuration");
      assert.match(r1New, /"srv6p_link_config".*"value":"04000000204e0000/, "r1's link config is the new one whole (multiplier 4, 20 ms)");

      const engine2 = new Engine({ connectionFor: (n) => routerConnectionOptions(byName.get(n)!, state.provider) });
      try {
        const again = await engine2.apply(v2);
        assert.ok(again.ok, `the next apply converges: ${again.routers.map((r) => r.error?.message).join("; ")}`);
        const plan = await engine2.plan(v2);
        assert.equal(plan.routers.reduce((n, r) => n + r.changes.length, 0), 0, "plan is empty afterwards");
        assert.notEqual(await config(lab, "r2"), old.r2, "r2 now holds the new configuration");
        assert.equal(await config(lab, "r1"), r1New, "r1 kept the new configuration");
      } finally {
        await engine2.close();
      }
      // Back to the stack's configuration for the CLI checks below.
      assert.equal((await stack.srv6(["apply", "--quiet"])).code, 0);

      // --- 2. A router lock held by another apply. ---------------------------
      await lab.sh("r1", "ip -6 route del fc00:0:1:1::/128 proto 214");
      const blocker = JSON.stringify({ id: "blocker", controller: "test", steps: [{ name: "hold", barrier: "never", timeoutS: 30 }] });
      await lab.exec("r1", ["python3", "-c", applier, "run", "-"], { input: blocker });
      const locked = await stack.srv6(["apply", "--lock-timeout", "1"]);
      assert.equal(locked.code, 1, "apply fails while r1 is locked");
      assert.match(locked.stdout + locked.stderr, /r1 is busy: transaction blocker by test holds its lock/);
      assert.equal((await lab.sh("r1", "ip -6 route show fc00:0:1:1::/128 proto 214")).trim(), "", "nothing was applied to r1");
      await lab.exec("r1", ["python3", "-c", applier, "signal", "blocker", "abort"]);

      // --- 3. A failed preflight changes nothing anywhere. --------------------
      await lab.sh("r3", "umount /sys/fs/bpf");
      const pre = await stack.srv6(["apply"]);
      assert.equal(pre.code, 1);
      assert.match(pre.stdout + pre.stderr, /r3 failed preflight, nothing was changed:\s+- bpffs is not mounted on \/sys\/fs\/bpf/);
      assert.equal((await lab.sh("r1", "ip -6 route show fc00:0:1:1::/128 proto 214")).trim(), "", "r1 untouched because r3 failed preflight");
      await lab.sh("r3", "mount -t bpf bpf /sys/fs/bpf");
      assert.equal((await stack.srv6(["apply", "--quiet"])).code, 0, "apply works again");

      // --- 4. An unknown host key is refused. ---------------------------------
      const dir = mkdtempSync(join(tmpdir(), "s6hk-"));
      const inv = JSON.parse(readFileSync(join(lab.inventory.stateDir, "inventory.json"), "utf8"));
      writeFileSync(join(dir, "known_hosts"), "");
      for (const r of Object.values(inv.routers) as { knownHostsFile: string; hostKeySha256?: string }[]) { r.knownHostsFile = join(dir, "known_hosts"); delete r.hostKeySha256; }
      writeFileSync(join(dir, "inventory.json"), JSON.stringify(inv));
      const hk = await stack.srv6(["plan", "--inventory", join(dir, "inventory.json")]);
      assert.equal(hk.code, 1);
      assert.match(hk.stdout + hk.stderr, /host key/i);

      // --- 5. Commit-confirm: no confirmation, the router reverts by itself. --
      const txn = JSON.stringify({ id: "unconfirmed", controller: "test", steps: [
        { name: "add a route", do: [{ argv: ["ip", "-6", "route", "add", "2001:db8:77::/64", "via", "fd00:0:0:1::2", "dev", "eth1", "proto", "214"] }], undo: [{ argv: ["ip", "-6", "route", "del", "2001:db8:77::/64", "proto", "214"] }] },
        { name: "wait for confirmation", barrier: "confirm", timeoutS: 1 },
      ] });
      await lab.exec("r1", ["python3", "-c", applier, "run", "-"], { input: txn });
      const waited = await lab.exec("r1", ["python3", "-c", applier, "wait", "unconfirmed", "--timeout", "10"]);
      assert.equal(JSON.parse(waited.stdout).state, "reverted-unconfirmed");
      assert.equal((await lab.sh("r1", "ip -6 route show 2001:db8:77::/64")).trim(), "", "the unconfirmed change is gone");
      await lab.sh("r1", "ip -6 route del fc00:0:1:1::/128 proto 214");
      const confirmed = await stack.srv6(["apply", "--confirm-timeout", "10", "--json"]);
      assert.equal(confirmed.code, 0, `an apply that keeps management access confirms itself: ${confirmed.stdout}`);
      assert.equal(JSON.parse(confirmed.stdout).routers.find((r: { router: string }) => r.router === "r1").state, "committed");
      assert.match(await lab.sh("r1", "ip -6 route show fc00:0:1:1::/128 proto 214"), /End/, "the confirmed change stays");
    } finally {
      stack.cleanup();
    }
  });
});
