/**
 * Our eBPF dataplane as a FailoverSystem, installed on the diamond with the
 * dataplane's own lab entry point (test/helpers/dataplane.ts: the exact
 * commands provider/dataplane renders, run through the lab). It protects
 * r1-r2 from both ends (h2's prefix on r1, h1's on r2).
 *
 * Detection is read from the pinned link_state map on the upstream router:
 * last_failover_ns is bpf_ktime_get_ns(), the same CLOCK_MONOTONIC as the
 * meter, stamped by the program that flips the link down, i.e. the moment
 * traffic starts taking the backup. False failovers are the failovers
 * counter of both ends.
 */
import type { Inventory } from "../../../lab/inventory";
import type { RunResult } from "../../../lab/system/run";
import { BenchError, BenchTimeoutError } from "../../errors";
import type { FailoverSystem, Setting } from "../system";
import type { SystemContext } from "../systems";
import { sleep } from "../frr/daemons";
import {
  diamondDesiredState, installDataplane, linkStatus, type InstalledDataplane, type LabLike,
} from "../../../test/helpers/dataplane";

/** Hold-down before traffic returns to a healed link (the dataplane's lab default). */
export const HOLD_DOWN_MS = 300;

export class Srv6ProtectSystem implements FailoverSystem {
  /** Past the hold-down, so the return to the link is over. */
  readonly settleMs = HOLD_DOWN_MS + 500;
  private installed?: InstalledDataplane;
  private readonly labLike: LabLike;

  constructor(readonly setting: Setting, private readonly ctx: SystemContext) {
    const lab = ctx.lab;
    this.labLike = {
      inventory: lab.inventory,
      // The dataplane helper checks exit codes itself.
      exec: (node, argv, opts): Promise<RunResult> => lab.exec(node, argv, { ...opts, allowFailure: true }),
    };
  }

  private get link() {
    return this.ctx.link;
  }

  async install(progress: (line: string) => void): Promise<void> {
    const inv: Inventory = this.ctx.lab.inventory;
    const { a, aIf, b, bIf } = this.link;
    if (!(a === "r1" && b === "r2" && aIf === "eth1" && bIf === "eth1" && inv.hosts.h1 && inv.hosts.h2 && inv.routers.r3 && inv.routers.r4)) {
      throw new BenchError(`srv6-protect: the benchmark installs the dataplane on the diamond topology protecting r1:eth1-r2:eth1 only (got ${a}:${aIf}-${b}:${bIf})`);
    }
    const desired = diamondDesiredState(inv, {
      intervalMs: this.setting.intervalMs, multiplier: this.setting.multiplier, holdDownMs: HOLD_DOWN_MS,
    });
    this.installed = await installDataplane(this.labLike, desired);
    progress(`srv6-protect: dataplane installed (probes ${this.setting.intervalMs} ms x ${this.setting.multiplier}, hold-down ${HOLD_DOWN_MS} ms); waiting for probes`);
    await this.waitHealthy(30_000);
  }

  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      last = "";
      for (const [node, ifname] of [[this.link.a, this.link.aIf], [this.link.b, this.link.bIf]] as const) {
        const st = (await linkStatus(this.labLike, node, ifname)).state!;
        if (st.down) last ||= `${node}:${ifname} is down`;
        else if (st.probesSeen === 0n) last ||= `${node}:${ifname} has seen no probe yet`;
      }
      if (!last) return;
      await sleep(50);
    }
    throw new BenchTimeoutError(`srv6-protect: not healthy after ${timeoutMs} ms: ${last}`, { node: this.link.a });
  }

  async detectedAt(sinceNs: number): Promise<number | undefined> {
    const st = (await linkStatus(this.labLike, this.link.a, this.link.aIf)).state!;
    const at = Number(st.lastFailoverNs);
    return st.failovers > 0n && at >= sinceNs ? at : undefined;
  }

  async downCount(): Promise<number> {
    let n = 0n;
    for (const [node, ifname] of [[this.link.a, this.link.aIf], [this.link.b, this.link.bIf]] as const) {
      n += (await linkStatus(this.labLike, node, ifname)).state!.failovers;
    }
    return Number(n);
  }

  async uninstall(): Promise<string[]> {
    if (!this.installed) return [];
    try {
      await this.installed.remove();
      return [];
    } catch (err) {
      return [`removing the dataplane: ${(err as Error).message}`];
    } finally {
      this.installed = undefined;
    }
  }
}
