/**
 * One comparable text per route, whether it comes from the renderer's
 * `ip -6 route replace ...` argv (desired) or from `ip -j route show`
 * (observed), so plan and drift compare like with like:
 *
 *   fc00:0:1:1::/128 dev eth1 metric 1024 seg6local End
 *   2001:db8:2::/64 via fd00:0:0:1::2 dev eth1 metric 10 bpf in reroute.bpf.o:[lwt_in] xmit reroute.bpf.o:[lwt_xmit]
 *
 * Route keys are `dst metric` (what the kernel keys IPv6 routes on within a table).
 */
import { basename } from "node:path";
import { formatIpv6, parseIpv6, parseIpv6Prefix, formatPrefix } from "../../model/ipv6";
import type { Route } from "../observe/routes";

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
const program = (file: string, sec: string): string => `${basename(file)}:[${sec}]`;

/** Parses the argv of `ip -6 route replace|add DST ...` as the renderer writes it. */
export function specFromArgv(argv: readonly string[]): RouteSpec | undefined {
  const i = argv.findIndex((a, k) => argv[k - 1] === "route" && (a === "replace" || a === "add"));
  if (argv[0] !== "ip" || i < 0) return undefined;
  const words = argv.slice(i + 1);
  const dst = canonDst(words[0]!);
  let via: string | undefined;
  let dev = "";
  let metric = DEFAULT_IPV6_METRIC;
  const encap: string[] = [];
  for (let k = 1; k < words.length; k++) {
    const w = words[k]!;
    if (w === "via") via = canonAddr(words[++k]!);
    else if (w === "dev") dev = words[++k]!;
    else if (w === "metric") metric = Number(words[++k]);
    else if (w === "proto") k++;
    else if (w === "encap") {
      const type = words[++k]!;
      if (type === "seg6local") {
        k += 2; // "action" ACTION
        encap.push("seg6local", words[k]!);
        while (k + 1 < words.length && words[k + 1] !== "dev") {
          const p = words[++k]!;
          if (p === "nh6") encap.push("nh6", canonAddr(words[++k]!));
          else if (p === "table") encap.push("table", table(words[++k]!));
          else if (p === "endpoint") { k += 2; const file = words[k]!; k += 2; encap.push("endpoint", program(file, words[k]!)); }
          // "count" changes nothing iproute2 6.1 shows: not compared.
        }
      } else if (type === "bpf") {
        encap.push("bpf");
        while (k + 1 < words.length && ["in", "out", "xmit", "headroom"].includes(words[k + 1]!)) {
          const hook = words[++k]!;
          if (hook === "headroom") { k++; continue; } // not printed by iproute2 6.1
          k += 2; const file = words[k]!; k += 2;
          encap.push(hook, program(file, words[k]!));
        }
      } else if (type === "seg6") {
        k += 2; const mode = words[k]!; k += 2;
        encap.push("seg6", mode, "segs", words[k]!.split(",").map(canonAddr).join(","));
      }
    }
  }
  return { dst, metric, text: [via ? `via ${via}` : "", `dev ${dev}`, ...encap].filter(Boolean).join(" ") };
}

export function specFromRoute(r: Route): RouteSpec {
  const encap: string[] = [];
  const e = r.encap;
  if (e.type === "seg6local") {
    encap.push("seg6local", e.action);
    if (e.nh6) encap.push("nh6", e.nh6);
    if (e.table) encap.push("table", table(e.table));
    if (e.endpoint) encap.push("endpoint", e.endpoint.object ? `${basename(e.endpoint.object)}:[${e.endpoint.section}]` : e.endpoint.raw);
  } else if (e.type === "bpf") {
    encap.push("bpf");
    for (const hook of ["in", "out", "xmit"] as const) {
      const p = e[hook];
      if (p) encap.push(hook, p.object ? `${basename(p.object)}:[${p.section}]` : p.raw);
    }
  } else if (e.type === "seg6") {
    encap.push("seg6", e.mode, "segs", e.segs.join(","));
  } else if (e.type === "other") {
    encap.push(e.encapType);
  }
  const text = [r.gateway ? `via ${r.gateway}` : "", r.dev ? `dev ${r.dev}` : "", r.type !== "unicast" ? r.type : "", ...encap].filter(Boolean).join(" ");
  return { dst: r.dst, metric: r.metric ?? DEFAULT_IPV6_METRIC, text };
}
