/**
 * FRR configuration for the baseline: per router, zebra + bfdd + ospf6d,
 * each with its own file (a daemon given a shared file would warn on every
 * other daemon's lines). OSPFv3 runs point-to-point on every router-router
 * link with the topology's metric as cost, advertises loopbacks and host
 * prefixes by redistributing connected routes, and registers every
 * adjacency with bfdd: when BFD declares the neighbour down, ospf6d drops
 * the adjacency at once and reroutes, the fastest path FRR 8.4 has (no
 * backup next hops on Linux, no SRv6 TI-LFA).
 *
 * SPF runs with no delay and no hold (`timers throttle spf 0 0 0`) and LSAs
 * are accepted back to back, so the reroute is bounded by BFD plus one SPF
 * and a netlink update. Logs carry microseconds; `debug bfd peer` makes
 * bfdd log every state change, which is how detection time is measured.
 */
import type { Inventory } from "../../../lab/inventory";
import { BenchError } from "../../errors";

export interface BfdTimers {
  /** Transmit and receive interval, ms. bfdd 8.4 accepts 10..60000. */
  readonly intervalMs: number;
  /** bfdd 8.4 accepts 2..255. */
  readonly multiplier: number;
}

export interface FrrRouterConfig {
  readonly zebra: string;
  readonly bfdd: string;
  readonly ospf6d: string;
}

export const BFD_LIMITS = { intervalMs: { min: 10, max: 60000 }, multiplier: { min: 2, max: 255 } } as const;
const IFNAME = /^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$/;
const SAFE_PATH = /^\/[A-Za-z0-9_./-]+$/;

export function validateBfdTimers(t: BfdTimers, resource = "frr-bfd"): void {
  for (const field of ["intervalMs", "multiplier"] as const) {
    const v = t[field];
    const { min, max } = BFD_LIMITS[field];
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new BenchError(`${resource}: ${field} ${v} is not allowed by bfdd 8.4 (integer ${min}..${max})`);
    }
  }
}

/** Router ids must be unique IPv4-looking numbers: 10.255.<i / 256>.<i % 256>. */
function routerId(inv: Inventory, router: string): string {
  const i = Object.keys(inv.routers).indexOf(router) + 1;
  return `10.255.${Math.floor(i / 256)}.${i % 256}`;
}

export function renderFrrConfig(inv: Inventory, router: string, timers: BfdTimers, dir: string): FrrRouterConfig {
  const r = inv.routers[router];
  if (!r) throw new BenchError(`frr config: lab '${inv.lab}' has no router '${router}'`);
  validateBfdTimers(timers);
  if (!SAFE_PATH.test(dir)) throw new BenchError(`frr config: directory '${dir}' has characters FRR's config parser would split`);
  const head = (daemon: string, level: string) =>
    [`hostname ${router}`, `log file ${dir}/${daemon}.log ${level}`, "log timestamp precision 6", "!"].join("\n");

  const coreLinks = Object.entries(r.interfaces).filter(([, ifc]) => inv.routers[ifc.peer] !== undefined);
  for (const [name, ifc] of coreLinks) {
    if (!IFNAME.test(name)) throw new BenchError(`frr config: ${router} interface name '${name}' is not a plain interface name`);
    if (!Number.isInteger(ifc.metric) || ifc.metric < 1 || ifc.metric > 65535) {
      throw new BenchError(`frr config: ${router}:${name} metric ${ifc.metric} is outside OSPFv3's 1..65535`);
    }
  }

  const zebra = `${head("zebra", "informational")}\n`;
  const bfdd = [
    head("bfdd", "debugging"),
    "debug bfd peer",
    "!",
    "bfd",
    " profile bench",
    `  detect-multiplier ${timers.multiplier}`,
    `  receive-interval ${timers.intervalMs}`,
    `  transmit-interval ${timers.intervalMs}`,
    " exit",
    "exit",
    "",
  ].join("\n");
  const ospf6d = [
    head("ospf6d", "informational"),
    ...coreLinks.flatMap(([name, ifc]) => [
      `interface ${name}`,
      " ipv6 ospf6 area 0",
      " ipv6 ospf6 network point-to-point",
      ` ipv6 ospf6 cost ${ifc.metric}`,
      " ipv6 ospf6 hello-interval 1",
      " ipv6 ospf6 dead-interval 3",
      " ipv6 ospf6 bfd profile bench",
      "exit",
      "!",
    ]),
    "router ospf6",
    ` ospf6 router-id ${routerId(inv, router)}`,
    " redistribute connected",
    " timers throttle spf 0 0 0",
    " timers lsa min-arrival 0",
    "exit",
    "",
  ].join("\n");
  return { zebra, bfdd, ospf6d };
}
