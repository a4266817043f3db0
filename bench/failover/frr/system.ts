/**
 * The FRR baseline as a FailoverSystem: bfdd at the setting's timers
 * driving OSPFv3 on every router of the lab.
 *
 * The lab's base routes are kernel routes (proto static); zebra ranks kernel
 * routes above OSPF (distance 0), so it would never install its own. They
 * are saved and removed before FRR starts and restored after it stops.
 */
import type { BenchLab } from "../../lab";
import { BenchTimeoutError } from "../../errors";
import { realtimeOffsetNs, realtimeToMonotonicNs } from "../../clock";
import type { FailoverSystem, ProtectedLink, Setting } from "../system";
import { renderFrrConfig } from "./config";
import { readFrrLog, sleep, startFrr, stopFrr, vtysh } from "./daemons";
import { downEvents, parseBfdStateChanges, type BfdStateChange } from "./bfd-log";
import { removeStaticRoutes, restoreStaticRoutes, type SavedRoute } from "./static-routes";

export class FrrBfdSystem implements FailoverSystem {
  /**
   * Seen here: after a heal, OSPF re-forming the adjacency can black-hole
   * both directions for about a second, sometimes twice ~3 s apart (the
   * dead interval). The next failure waits until that is over.
   */
  readonly settleMs = 4000;
  private saved = new Map<string, SavedRoute[]>();
  private started: string[] = [];

  constructor(
    readonly setting: Setting,
    private readonly lab: BenchLab,
    private readonly link: ProtectedLink,
    /** Prefix the metered stream goes to: healthy means link.a routes it over link.aIf. */
    private readonly destinationPrefix: string,
    private readonly meterBinary: string,
  ) {}

  private get routers(): string[] {
    return Object.keys(this.lab.inventory.routers);
  }

  async install(progress: (line: string) => void): Promise<void> {
    for (const r of this.routers) this.saved.set(r, await removeStaticRoutes(this.lab, r));
    progress(`frr: removed the lab's static base routes on ${this.routers.join(", ")}`);
    for (const r of this.routers) {
      const config = renderFrrConfig(this.lab.inventory, r, this.setting, "/tmp/s6bn-frr");
      this.started.push(r);
      await startFrr(this.lab, r, config);
    }
    progress(`frr: zebra, bfdd, ospf6d up on ${this.routers.length} routers (bfd ${this.setting.intervalMs} ms x ${this.setting.multiplier}); waiting for OSPF and BFD`);
    await this.waitHealthy(60_000);
  }

  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      last = await this.unhealthyReason();
      if (!last) return;
      await sleep(100);
    }
    throw new BenchTimeoutError(`frr: not healthy after ${timeoutMs} ms: ${last}`, { node: this.link.a });
  }

  /** Empty when both BFD sessions on the link are up and link.a forwards the stream over it. */
  private async unhealthyReason(): Promise<string> {
    for (const [node, ifname] of [[this.link.a, this.link.aIf], [this.link.b, this.link.bIf]] as const) {
      const peers = JSON.parse(await vtysh(this.lab, node, "show bfd peers json")) as { interface?: string; status?: string }[];
      const session = peers.find((p) => p.interface === ifname);
      if (session?.status !== "up") return `${node}: BFD session on ${ifname} is ${session?.status ?? "absent"}`;
    }
    const route = await this.lab.exec(this.link.a, ["ip", "-j", "-6", "route", "show", this.destinationPrefix]);
    const entries = JSON.parse(route.stdout || "[]") as { dev?: string; protocol?: string; nexthops?: { dev?: string }[] }[];
    const devs = entries.flatMap((e) => [e.dev, ...(e.nexthops ?? []).map((n) => n.dev)]).filter(Boolean);
    if (!(entries.length === 1 && entries[0]!.protocol === "ospf" && devs.length === 1 && devs[0] === this.link.aIf)) {
      return `${this.link.a}: route to ${this.destinationPrefix} is not one OSPF route over ${this.link.aIf} (${route.stdout.trim() || "none"})`;
    }
    return "";
  }

  async detectedAt(sinceNs: number): Promise<number | undefined> {
    const offset = await realtimeOffsetNs(this.meterBinary);
    const downs = downEvents(parseBfdStateChanges(await readFrrLog(this.lab, this.link.a, "bfdd")), this.link.aIf)
      .map((c) => realtimeToMonotonicNs(c.realtimeNs, offset))
      .filter((t) => t >= sinceNs)
      .sort((x, y) => x - y);
    return downs[0];
  }

  /**
   * Each end's BFD up -> down transitions on the link at or after sinceNs
   * (monotonic), oldest first. bfdd logs one line per transition
   * (bfd.c ptm_bfd_sess_dn), so a flap shows as a second line.
   */
  async linkDownsSince(sinceNs: number): Promise<{ node: string; downs: (BfdStateChange & { monoNs: number })[] }[]> {
    const offset = await realtimeOffsetNs(this.meterBinary);
    return Promise.all([[this.link.a, this.link.aIf], [this.link.b, this.link.bIf]].map(async ([node, ifname]) => ({
      node: node!,
      downs: downEvents(parseBfdStateChanges(await readFrrLog(this.lab, node!, "bfdd")), ifname!)
        .map((c) => ({ ...c, monoNs: realtimeToMonotonicNs(c.realtimeNs, offset) }))
        .filter((d) => d.monoNs >= sinceNs)
        .sort((x, y) => x.monoNs - y.monoNs),
    })));
  }

  async downCount(): Promise<number> {
    let n = 0;
    for (const [node, ifname] of [[this.link.a, this.link.aIf], [this.link.b, this.link.bIf]] as const) {
      n += downEvents(parseBfdStateChanges(await readFrrLog(this.lab, node, "bfdd")), ifname).length;
    }
    return n;
  }

  async uninstall(): Promise<string[]> {
    const problems: string[] = [];
    for (const r of this.started) problems.push(...(await stopFrr(this.lab, r)));
    this.started = [];
    for (const [r, routes] of this.saved) {
      try {
        await restoreStaticRoutes(this.lab, r, routes);
      } catch (err) {
        problems.push(`${r}: restoring static routes: ${(err as Error).message}`);
      }
    }
    this.saved.clear();
    return problems;
  }
}
