/**
 * The lab routed by a real IGP (`"routing": "ospf6"`): FRR's zebra
 * and ospf6d on every router, OSPFv3 point-to-point on every router link
 * with the link's metric as cost. Each router advertises its host subnets
 * and its whole locator as intra-area prefixes: the locator sits on an
 * interface of its own (`loc0`, one end of a veth pair kept inside the
 * router: this kernel has no dummy driver), so every SID inside it is
 * routed to the router and an address no SID serves goes nowhere (the SIDs themselves are more
 * specific routes the product installs). Intra-area, not redistributed:
 * ospf6d 8.4 left equal-cost branches of external routes out for seconds
 * after SPF had found them. FRR's own SPF and ECMP make the FIBs, not
 * model/spf.ts: the backups are checked against an IGP that is not ours.
 */
import { run, routerArgv } from "../../system/run";
import { LabFrrError } from "../../errors";
import { formatIpv6, parseIpv6Prefix } from "../../../model/ipv6";
import { startFrr, vtysh, type FrrDaemon, type FrrInstance, type RouterExec } from "./daemons";
import type { LabPlan, PlannedRouter } from "../../topology/addressing";

/** Inside the router's private /tmp (its own mount namespace). */
export const LAB_FRR_DIR = "/tmp/srv6-lab-frr";

export function routerExec(pid: number): RouterExec {
  return (argv, opts = {}) => run(routerArgv(pid, argv), { ...opts, allowFailure: true });
}

/** OSPF router ids are IPv4-looking numbers, unique per lab: 10.255.<i / 256>.<i % 256>. */
function routerId(r: PlannedRouter): string {
  return `10.255.${Math.floor(r.index / 256)}.${r.index % 256}`;
}

/** The interface that holds the router's locator in an OSPF-routed lab, and its veth peer. */
export const LOCATOR_IFNAME = "loc0";
const LOCATOR_PEER = "loc0p";

/** `ip -batch` lines giving loc0 the locator (the link itself made first when `create`): lab up and reboot. */
export function locatorInterfaceBatch(r: PlannedRouter, create: boolean): string {
  const clash = r.interfaces.find((i) => i.name === LOCATOR_IFNAME || i.name === LOCATOR_PEER);
  if (clash) throw new LabFrrError(`router ${r.name}: interface ${clash.name} is the name an OSPF-routed lab gives the locator's interface; rename it in the topology`, { node: r.name });
  const locator = parseIpv6Prefix(r.locator);
  // The locator's last address: never a SID of the layout, nor its ::1 loopback.
  const address = formatIpv6(locator.network | ((1n << BigInt(128 - locator.length)) - 1n));
  return [
    ...(create ? [`link add ${LOCATOR_IFNAME} type veth peer name ${LOCATOR_PEER}`] : []),
    `link set ${LOCATOR_PEER} up`, `link set ${LOCATOR_IFNAME} up`, `addr replace ${address}/${locator.length} dev ${LOCATOR_IFNAME}`, "",
  ].join("\n");
}

export function labIgp(r: PlannedRouter): FrrInstance {
  const head = (daemon: FrrDaemon) => [`hostname ${r.name}`, `log file ${LAB_FRR_DIR}/${daemon}.log informational`, "!"].join("\n");
  const core = r.interfaces.filter((i) => !i.toHost);
  const passive = [LOCATOR_IFNAME, ...r.interfaces.filter((i) => i.toHost).map((i) => i.name)];
  const configs = new Map<FrrDaemon, string>([
    ["zebra", `${head("zebra")}\n`],
    ["ospf6d", [
      head("ospf6d"),
      ...core.flatMap((i) => [
        `interface ${i.name}`,
        " ipv6 ospf6 area 0",
        " ipv6 ospf6 network point-to-point",
        ` ipv6 ospf6 cost ${i.metric}`,
        " ipv6 ospf6 hello-interval 1",
        " ipv6 ospf6 dead-interval 3",
        "exit",
        "!",
      ]),
      ...passive.flatMap((name) => [`interface ${name}`, " ipv6 ospf6 area 0", " ipv6 ospf6 passive", "exit", "!"]),
      "router ospf6",
      ` ospf6 router-id ${routerId(r)}`,
      // SPF soon after a change, at most 0.5 s apart, and no LSA refused for
      // arriving too soon (it would come back only with the 5 s
      // retransmission): the lab converges quickly and its wait is reliable.
      " timers throttle spf 0 50 500",
      " timers lsa min-arrival 0",
      "exit",
      "",
    ].join("\n")],
  ]);
  return { router: r.name, dir: LAB_FRR_DIR, configs };
}

export async function startLabIgp(r: PlannedRouter, pid: number): Promise<void> {
  const exists = await routerExec(pid)(["ip", "link", "show", LOCATOR_IFNAME]);
  await run(routerArgv(pid, ["ip", "-batch", "-"]), { input: locatorInterfaceBatch(r, exists.code !== 0) });
  await startFrr(routerExec(pid), labIgp(r));
}

/** The prefixes router `r` must learn from the IGP: every other router's locator and every host subnet not on `r`. */
export function remotePrefixes(plan: LabPlan, r: PlannedRouter): string[] {
  return [
    ...plan.routers.filter((d) => d.name !== r.name).map((d) => d.locator),
    ...plan.hosts.filter((h) => h.router !== r.name).map((h) => h.prefix),
  ];
}

/** Core interfaces of `r` with no Full OSPFv3 neighbour yet. */
async function interfacesNotFull(r: PlannedRouter, pid: number): Promise<string[]> {
  const out = await vtysh(routerExec(pid), { router: r.name, dir: LAB_FRR_DIR }, "show ipv6 ospf6 neighbor json");
  const full = new Set((JSON.parse(out) as { neighbors?: { state?: string; interfaceName?: string }[] }).neighbors
    ?.filter((n) => n.state === "Full").map((n) => n.interfaceName) ?? []);
  return r.interfaces.filter((i) => !i.toHost && !full.has(i.name)).map((i) => i.name);
}

/**
 * Resolves once every router link has a Full adjacency at both ends, every
 * router has an OSPF route to every remote prefix, and no router's OSPF
 * routes changed over `stableMs` (equal-cost branches arrive with later SPF
 * runs); rejects after `timeoutMs`, naming what is missing.
 */
export async function waitIgpConverged(plan: LabPlan, pids: ReadonlyMap<string, number>, timeoutMs = 60_000, stableMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let previous = "";
  let stableSince = Date.now();
  for (;;) {
    const missing: string[] = [];
    const snapshot: string[] = [];
    for (const r of plan.routers) {
      const pid = pids.get(r.name)!;
      for (const ifname of await interfacesNotFull(r, pid)) missing.push(`${r.name}:${ifname} adjacency not Full`);
      const out = await run(routerArgv(pid, ["ip", "-j", "-6", "route", "show", "proto", "ospf"]));
      const have = new Set((JSON.parse(out.stdout || "[]") as { dst: string }[]).map((x) => x.dst));
      for (const p of remotePrefixes(plan, r)) if (!have.has(p)) missing.push(`${r.name}: no route to ${p}`);
      snapshot.push(`${r.name} ${out.stdout}`);
    }
    const now = snapshot.join("\n");
    if (now !== previous || missing.length > 0) { previous = now; stableSince = Date.now(); }
    if (missing.length === 0 && Date.now() - stableSince >= stableMs) return;
    if (Date.now() > deadline) {
      throw new LabFrrError(`OSPFv3 did not converge within ${timeoutMs} ms: ${missing.length ? `${missing.slice(0, 8).join(", ")}${missing.length > 8 ? ", ..." : ""}` : "routes still changing"}`);
    }
    await new Promise((res) => setTimeout(res, 250));
  }
}
