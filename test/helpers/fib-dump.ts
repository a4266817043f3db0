/**
 * The lab routers' real forwarding tables, read with `ip -j -6 route show
 * table main`, and a lookup that gives every branch the kernel can pick for
 * an address: the longest prefix that covers it, at its lowest metric, with
 * all its next hops (ECMP). The next router of a branch is the peer of the
 * interface it leaves by (every lab link is point to point); the gateway
 * must be one of that peer's addresses on the link, global or link-local
 * (an IGP like OSPFv3 routes via link-local next hops).
 */
import assert from "node:assert/strict";
import { parseIpv6, parseIpv6Prefix, prefixContains, type Ipv6Prefix } from "../../model/ipv6";
import type { Inventory } from "../../lab";
import type { TestLab } from "./lab";

interface DumpedRoute {
  readonly dst: string;
  readonly type?: string;
  readonly metric?: number;
  readonly protocol?: string;
  readonly gateway?: string;
  readonly dev?: string;
  readonly nexthops?: readonly { gateway?: string; dev?: string }[];
}

export interface FibBranch {
  readonly dev: string;
  readonly gateway?: string;
  /** The router at the other end of `dev`. */
  readonly next: string;
}

export interface FibRoute {
  readonly dst: string;
  readonly prefix: Ipv6Prefix;
  readonly metric: number;
  readonly type: string;
  readonly protocol: string;
  readonly branches: readonly FibBranch[];
}

export type LabFibs = ReadonlyMap<string, readonly FibRoute[]>;

/** Every router's main table, with each branch's next router checked against the lab's addressing. */
export async function readLabFibs(lab: TestLab): Promise<LabFibs> {
  const inv = lab.inventory;
  const linkLocal = new Map<string, string>();
  for (const router of Object.keys(inv.routers)) {
    const r = await lab.exec(router, ["ip", "-j", "-6", "addr", "show", "scope", "link"]);
    for (const l of JSON.parse(r.stdout || "[]") as { ifname: string; addr_info?: { local?: string }[] }[]) {
      for (const a of l.addr_info ?? []) if (a.local) linkLocal.set(`${router}|${l.ifname}`, a.local);
    }
  }
  const fibs = new Map<string, FibRoute[]>();
  for (const router of Object.keys(inv.routers)) {
    const r = await lab.exec(router, ["ip", "-j", "-6", "route", "show", "table", "main"]);
    assert.equal(r.code, 0, `${router}: ip route show: ${r.stderr}`);
    const routes: FibRoute[] = [];
    for (const d of JSON.parse(r.stdout || "[]") as DumpedRoute[]) {
      if (d.dst === "default" || d.dst.startsWith("fe80:")) continue;
      const hops = d.nexthops?.length ? d.nexthops : d.dev ? [{ gateway: d.gateway, dev: d.dev }] : [];
      const branches = hops.flatMap((h): FibBranch[] => {
        const ifc = h.dev ? inv.routers[router]!.interfaces[h.dev] : undefined;
        if (!ifc || !inv.routers[ifc.peer]) return [];
        if (h.gateway !== undefined) {
          const peerAddresses = [ifc.peerAddress, linkLocal.get(`${ifc.peer}|${ifc.peerInterface}`)];
          assert.ok(peerAddresses.includes(h.gateway), `${router}: route ${d.dst} via ${h.gateway} dev ${h.dev}: not ${ifc.peer}'s address on the link (${peerAddresses.join(", ")})`);
        }
        return [{ dev: h.dev!, gateway: h.gateway, next: ifc.peer }];
      });
      routes.push({
        dst: d.dst, prefix: parseIpv6Prefix(d.dst.includes("/") ? d.dst : `${d.dst}/128`), metric: d.metric ?? 0,
        type: d.type ?? "unicast", protocol: d.protocol ?? "", branches,
      });
    }
    fibs.set(router, routes);
  }
  return fibs;
}

/** What `router` does with `address`: the best routes' branches, deduplicated by interface. */
export function lookup(fibs: LabFibs, router: string, address: string): { route?: FibRoute; branches: FibBranch[] } {
  const value = parseIpv6(address);
  let best: FibRoute[] = [];
  for (const r of fibs.get(router) ?? []) {
    if (!prefixContains(r.prefix, value)) continue;
    const b = best[0];
    if (!b || r.prefix.length > b.prefix.length || (r.prefix.length === b.prefix.length && r.metric < b.metric)) best = [r];
    else if (r.prefix.length === b.prefix.length && r.metric === b.metric) best.push(r);
  }
  const branches = new Map(best.flatMap((r) => r.branches).map((x) => [x.dev, x]));
  return { route: best[0], branches: [...branches.values()] };
}

/** The router whose locator holds `address`. */
export function ownerOf(inv: Inventory, address: string): string {
  const value = parseIpv6(address);
  const owner = Object.entries(inv.routers).find(([, r]) => prefixContains(parseIpv6Prefix(r.locator), value));
  assert.ok(owner, `${address} lies in a router's locator`);
  return owner[0];
}
