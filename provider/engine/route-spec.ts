/**
 * One comparable text per route, whether it comes from the renderer's
 * typed route operation (desired) or from `ip -j route show` (observed), so
 * plan and drift compare like with like:
 *
 *   fc00:0:1:1::/128 dev eth1 metric 1024 seg6local End
 *   2001:db8:2::/64 via fd00:0:0:1::2 dev eth1 metric 10 bpf in srv6p_reroute_in:[*fsobj] xmit srv6p_reroute_xmit:[*fsobj]
 *
 * Route keys are `dst metric` (what the kernel keys IPv6 routes on within a table).
 */
import { basename } from "node:path";
import { formatIpv6, parseIpv6, parseIpv6Prefix, formatPrefix } from "../../model/ipv6";
import type { KernelRoute } from "../observe/routes";
import type { DesiredRoute } from "../dataplane/operations";

/** The kernel's default metric of IPv6 routes. */
export const DEFAULT_IPV6_METRIC = 1024;

export interface RouteSpec {
  readonly dst: string;
  readonly metric: number;
  /** Everything else, canonical. */
  readonly text: string;
}

export function routeKey(r: { dst: string; metric: number }): string {
  return `${r.dst} metric ${r.metric}`;
}

const canonDst = (d: string): string => formatPrefix(parseIpv6Prefix(d.includes("/") ? d : `${d}/128`, { allowHostBits: true }));
const canonAddr = (a: string): string => formatIpv6(parseIpv6(a));
const table = (t: string): string => (t === "254" ? "main" : t);
/** How iproute2 names a program loaded from an object file: `reroute.bpf.o:[lwt_in]`. */
export const programName = (file: string, sec: string): string => `${basename(file)}:[${sec}]`;

/** How iproute2 names a program a route took from a pin: `srv6p_reroute_in:[*fsobj]`. */
export const pinnedProgramName = (name: string): string => `${name}:[*fsobj]`;

/** A route we install, as the router will show it (`count` and `headroom` are not printed back by iproute2 6.1). */
export function specFromDesired(r: DesiredRoute): RouteSpec {
  const encap: string[] = [];
  const e = r.encap;
  if (e?.type === "seg6local") {
    encap.push("seg6local", e.action);
    if (e.nh6 !== undefined) encap.push("nh6", canonAddr(e.nh6));
    if (e.table !== undefined) encap.push("table", table(String(e.table)));
    if (e.program !== undefined) encap.push("endpoint", programName(e.program.object, e.program.section));
  } else if (e?.type === "bpf") {
    encap.push("bpf", "in", pinnedProgramName(e.in.name), "xmit", pinnedProgramName(e.xmit.name));
  }
  const text = [r.via !== undefined ? `via ${canonAddr(r.via)}` : "", `dev ${r.dev}`, ...encap].filter(Boolean).join(" ");
  return { dst: canonDst(r.dst), metric: r.metric ?? DEFAULT_IPV6_METRIC, text };
}

export function specFromRoute(r: KernelRoute): RouteSpec {
  const encap: string[] = [];
  const e = r.encap;
  if (e.type === "seg6local") {
    encap.push("seg6local", e.action);
    if (e.nh6) encap.push("nh6", e.nh6);
    if (e.table) encap.push("table", table(e.table));
    if (e.endpoint) encap.push("endpoint", e.endpoint.object ? programName(e.endpoint.object, e.endpoint.section!) : e.endpoint.raw);
  } else if (e.type === "bpf") {
    encap.push("bpf");
    for (const hook of ["in", "out", "xmit"] as const) {
      const p = e[hook];
      if (p) encap.push(hook, p.object ? programName(p.object, p.section!) : p.raw);
    }
  } else if (e.type === "seg6") {
    encap.push("seg6", e.mode, "segs", e.segs.join(","));
  } else if (e.type === "other") {
    encap.push(e.encapType);
  }
  const text = [r.gateway ? `via ${r.gateway}` : "", r.dev ? `dev ${r.dev}` : "", r.type !== "unicast" ? r.type : "", ...encap].filter(Boolean).join(" ");
  return { dst: r.dst, metric: r.metric ?? DEFAULT_IPV6_METRIC, text };
}
