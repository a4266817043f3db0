/**
 * srv6-protect as a FailoverSystem, installed the way an operator installs
 * it: an example's constructs (with the setting's timers) synthesized into a
 * stack, then `srv6 apply` over SSH; `srv6 destroy` removes it. For link
 * failures examples/diamond: r1-r2 protected from both ends (h2's prefix on
 * r1, h1's on r2); for a node failure examples/node: node protection of
 * r1-r2 and r2-r3 around r2 (srv6/stacks.ts). Healthy means every end of
 * every link the stack protects is up and has heard probes.
 *
 * Detection is read from the pinned link_state map on the upstream router
 * (the engine's own map reader): last_failover_ns is bpf_ktime_get_ns(), the
 * same CLOCK_MONOTONIC as the meter, stamped by the program that flips the
 * link down, i.e. the moment traffic starts taking the backup. False
 * failovers are the failovers counter of both ends.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../../provider/engine/router-scripts";
import { decodeStatus, statusArgv, type LinkStatus, type MapDump } from "../../../provider/dataplane/status";
import { BenchError, BenchTimeoutError } from "../../errors";
import { expectExit, timedRun } from "../../apply/process";
import type { FailoverSystem, Setting } from "../system";
import type { SystemContext } from "../systems";
import { sleep } from "../frr/daemons";
import { exampleFor, exampleProblem, synthExample } from "./stacks";

/** Hold-down before traffic returns to a healed link. */
export const HOLD_DOWN_MS = 300;

export class Srv6ProtectSystem implements FailoverSystem {
  /** Past the hold-down, so the return to the link is over. */
  readonly settleMs = HOLD_DOWN_MS + 500;
  private workDir?: string;
  private installed = false;
  private readonly ifindex = new Map<string, number>();
  /** Link ends waitHealthy checks: the protected link's until install() knows the stack's. */
  private ends: readonly (readonly [string, string])[];

  constructor(readonly setting: Setting, private readonly ctx: SystemContext) {
    this.ends = [[ctx.link.a, ctx.link.aIf], [ctx.link.b, ctx.link.bIf]];
  }

  private get link() {
    return this.ctx.link;
  }

  private srv6(verb: string): string[] {
    return [process.execPath, join(PACKAGE_ROOT, "bin", "srv6"), verb, "--stack", join(this.workDir!, "cdktf.out"), "--inventory", join(this.ctx.lab.inventory.stateDir, "inventory.json"), "--json"];
  }

  async install(progress: (line: string) => void): Promise<void> {
    const kind = this.ctx.failure ?? "silent";
    const inv = this.ctx.lab.inventory;
    const problem = exampleProblem(kind, this.link, inv);
    if (problem) throw new BenchError(problem);
    this.workDir = mkdtempSync(join(tmpdir(), "srv6-bench-failover-"));
    this.ends = synthExample(kind, join(this.workDir, "cdktf.out"), join(inv.stateDir, "inventory.json"), {
      probeIntervalMs: this.setting.intervalMs, multiplier: this.setting.multiplier, holdDownMs: HOLD_DOWN_MS,
    });
    const argv = this.srv6("apply");
    const r = expectExit(await timedRun(argv, { timeoutMs: 300_000 }), argv, "srv6 apply");
    this.installed = true;
    progress(`srv6-protect: examples/${exampleFor(kind).name} applied by srv6 apply in ${(r.ms / 1000).toFixed(2)} s (probes ${this.setting.intervalMs} ms x ${this.setting.multiplier}, hold-down ${HOLD_DOWN_MS} ms, protected ends ${this.ends.map((e) => e.join(":")).join(", ")}); waiting for probes`);
    await this.waitHealthy(30_000);
  }

  private async linkStatus(router: string, ifname: string): Promise<LinkStatus> {
    let ifindex = this.ifindex.get(`${router}:${ifname}`);
    if (ifindex === undefined) {
      const out = await this.ctx.lab.exec(router, ["ip", "-j", "link", "show", "dev", ifname]);
      ifindex = (JSON.parse(out.stdout) as { ifindex: number }[])[0]!.ifindex;
      this.ifindex.set(`${router}:${ifname}`, ifindex);
    }
    const dump = await this.ctx.lab.exec(router, statusArgv());
    const st = decodeStatus(JSON.parse(dump.stdout) as MapDump).links.find((l) => l.ifindex === ifindex);
    if (!st?.state) throw new BenchError(`srv6-protect: no link state for ${ifname} (ifindex ${ifindex})`, { node: router });
    return st;
  }

  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      last = "";
      for (const [node, ifname] of this.ends) {
        const st = (await this.linkStatus(node, ifname)).state!;
        if (st.down) last ||= `${node}:${ifname} is down`;
        else if (st.probesSeen === 0n) last ||= `${node}:${ifname} has seen no probe yet`;
      }
      if (!last) return;
      await sleep(50);
    }
    throw new BenchTimeoutError(`srv6-protect: not healthy after ${timeoutMs} ms: ${last}`, { node: this.link.a });
  }

  async detectedAt(sinceNs: number): Promise<number | undefined> {
    const st = (await this.linkStatus(this.link.a, this.link.aIf)).state!;
    const at = Number(st.lastFailoverNs);
    return st.failovers > 0n && at >= sinceNs ? at : undefined;
  }

  async downCount(): Promise<number> {
    let n = 0n;
    for (const [node, ifname] of [[this.link.a, this.link.aIf], [this.link.b, this.link.bIf]] as const) {
      n += (await this.linkStatus(node, ifname)).state!.failovers;
    }
    return Number(n);
  }

  async uninstall(): Promise<string[]> {
    const problems: string[] = [];
    try {
      if (this.installed) {
        const argv = this.srv6("destroy");
        expectExit(await timedRun(argv, { timeoutMs: 300_000 }), argv, "srv6 destroy");
      }
    } catch (err) {
      problems.push(`srv6 destroy: ${(err as Error).message}`);
    } finally {
      this.installed = false;
      if (this.workDir) rmSync(this.workDir, { recursive: true, force: true });
      this.workDir = undefined;
    }
    return problems;
  }
}
