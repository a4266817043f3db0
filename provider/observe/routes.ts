/**
 * Parses `ip -j -6 route show` into one typed KernelRoute model, whatever the
 * iproute2 version on the router:
 *
 * - iproute2 up to 6.2 (Debian 12 ships 6.1) prints encapsulation fields flat
 *   on the route: `"encap": "seg6local", "action": "End.X", "nh6": ...`,
 *   `"encap": "seg6", "mode": ..., "segs": [...]`, `"encap": "bpf", "in": ...`.
 * - iproute2 6.3 and later nest them: `"encap": {"encap_type": "seg6local",
 *   "action": ..., ...}` (a 2023 fix to ip/iproute_lwtunnel.c: lwt_print_encap()
 *   opens a JSON object "encap" and names the type `encap_type`). Field names inside are the
 *   same; 6.3+ also prints the LWT BPF `headroom`, which 6.1 omits.
 *
 * Pure: text in, data out. Addresses are returned in canonical form.
 */
import { ParseError } from "../errors";
import { canonicalIpv6, formatIpv6, tryParseIpv6Prefix } from "../../model/ipv6";

/** A BPF program as iproute2 names it on a route: `file.o:[section]`. */
export interface BpfProgramRef {
  /** Exactly as printed. */
  raw: string;
  /** Object file name (iproute2 keeps only the base name given at load time). */
  object?: string;
  section?: string;
}

export type RouteEncap =
  | { type: "none" }
  | {
      type: "seg6local";
      action: string;
      nh6?: string;
      nh4?: string;
      /** Table name or number as printed (`main` for 254). */
      table?: string;
      vrftable?: string;
      iif?: string;
      oif?: string;
      /** End.BPF program. */
      endpoint?: BpfProgramRef;
      /** End.B6 / End.B6.Encaps SRH segments. */
      srhSegs?: string[];
    }
  | {
      type: "seg6";
      /** `encap`, `inline`, `l2encap`, ... */
      mode: string;
      /** Segment list in the order it was configured (first segment first). */
      segs: string[];
    }
  | { type: "bpf"; in?: BpfProgramRef; out?: BpfProgramRef; xmit?: BpfProgramRef; headroom?: number }
  | { type: "other"; encapType: string; fields: Record<string, unknown> };

export interface RouteNexthop {
  gateway?: string;
  dev?: string;
  weight?: number;
  flags: string[];
  encap: RouteEncap;
}

export interface KernelRoute {
  /** Canonical prefix with length: `fc00:0:1:e::/128`, `::/0` for default. */
  dst: string;
  /** `unicast` unless printed otherwise (blackhole, unreachable, local...). */
  type: string;
  dev?: string;
  gateway?: string;
  /** Protocol as printed: a name from rt_protos (`static`, `kernel`) or a number (`201`). */
  protocol: string;
  /** The protocol's number, when printed as a number or a well-known name. */
  protocolNumber?: number;
  metric?: number;
  /** Table as printed (only present with `table all` or a non-main table). */
  table?: string;
  flags: string[];
  nexthops?: RouteNexthop[];
  encap: RouteEncap;
}

/** Numbers of the names in iproute2's default /etc/iproute2/rt_protos. */
export const RT_PROTOS: Readonly<Record<string, number>> = {
  redirect: 1, kernel: 2, boot: 3, static: 4, gated: 8, ra: 9, mrt: 10, zebra: 11, bird: 12,
  dnrouted: 13, xorp: 14, ntk: 15, dhcp: 16, keepalived: 18, babel: 42, openr: 99, bgp: 186,
  isis: 187, ospf: 188, rip: 189, eigrp: 192,
};

type Json = Record<string, unknown>;

export interface ParseContext {
  /** Router and command, for error messages. */
  router?: string;
  command?: readonly string[];
}

export interface RouteParseContext extends ParseContext {
  /**
   * Fields iproute2 leaves out because the command filtered on them
   * (`ip route show proto 201` prints no "protocol", `... dev X` no "dev").
   */
  filtered?: { protocol?: string; dev?: string; table?: string };
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
}

export function parseBpfProgramRef(raw: string): BpfProgramRef {
  const m = /^(.*):\[(.*)\]$/.exec(raw);
  return m ? { raw, object: m[1], section: m[2] } : { raw };
}

function canonicalDst(dst: string): string {
  if (dst === "default") return "::/0";
  const withLength = dst.includes("/") ? dst : `${dst}/128`;
  const p = tryParseIpv6Prefix(withLength);
  return p ? `${formatIpv6(p.network)}/${p.length}` : dst;
}

function addresses(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string").map(canonicalIpv6) : [];
}

/** Reads the encapsulation from either shape: `fields` holds the encap keys (the route itself, or the nested object). */
function encapFrom(type: string | undefined, fields: Json): RouteEncap {
  if (!type) return { type: "none" };
  const prog = (k: string) => (typeof fields[k] === "string" ? parseBpfProgramRef(fields[k] as string) : undefined);
  switch (type) {
    case "seg6local": {
      const srh = fields.srh as Json | undefined;
      return {
        type,
        action: str(fields.action) ?? "unknown",
        nh6: typeof fields.nh6 === "string" ? canonicalIpv6(fields.nh6) : undefined,
        nh4: str(fields.nh4),
        table: str(fields.table),
        vrftable: str(fields.vrftable),
        iif: str(fields.iif),
        oif: str(fields.oif),
        endpoint: prog("endpoint"),
        srhSegs: srh && Array.isArray(srh.segs) ? addresses(srh.segs) : undefined,
      };
    }
    case "seg6": {
      const mode = str(fields.mode) ?? "encap";
      let segs = addresses(fields.segs);
      // In inline mode the SRH's last entry is a placeholder for the original
      // destination, printed as "::": it is not part of the configured list.
      if (mode === "inline" && segs[segs.length - 1] === "::") segs = segs.slice(0, -1);
      return { type, mode, segs };
    }
    case "bpf":
      return { type, in: prog("in"), out: prog("out"), xmit: prog("xmit"), headroom: typeof fields.headroom === "number" ? fields.headroom : undefined };
    default: {
      const rest = { ...fields };
      delete rest.encap_type;
      return { type: "other", encapType: type, fields: rest };
    }
  }
}

function encapOf(obj: Json): RouteEncap {
  const e = obj.encap;
  if (e && typeof e === "object" && !Array.isArray(e)) return encapFrom(str((e as Json).encap_type), e as Json);
  return encapFrom(str(e), obj);
}

function parseRoute(obj: Json, filtered: RouteParseContext["filtered"] = {}): KernelRoute {
  // Without a filter, a missing protocol is RTPROT_BOOT: iproute2 prints nothing for it.
  const protocol = str(obj.protocol) ?? filtered.protocol ?? "boot";
  const protocolNumber = /^[0-9]+$/.test(protocol) ? Number(protocol) : RT_PROTOS[protocol];
  const route: KernelRoute = {
    dst: canonicalDst(str(obj.dst) ?? "default"),
    type: str(obj.type) ?? "unicast",
    dev: str(obj.dev) ?? filtered.dev,
    gateway: typeof obj.gateway === "string" ? canonicalIpv6(obj.gateway) : undefined,
    protocol,
    protocolNumber,
    metric: typeof obj.metric === "number" ? obj.metric : undefined,
    // iproute2 6.1 prints a seg6local action's table (End.DT6 table 254) as the
    // route's own "table" key; in that flat shape the key belongs to the encap.
    table: (obj.encap === "seg6local" ? undefined : str(obj.table)) ?? filtered.table,
    flags: Array.isArray(obj.flags) ? obj.flags.filter((f): f is string => typeof f === "string") : [],
    encap: encapOf(obj),
  };
  if (Array.isArray(obj.nexthops)) {
    route.nexthops = (obj.nexthops as Json[]).map((n) => ({
      gateway: typeof n.gateway === "string" ? canonicalIpv6(n.gateway) : undefined,
      dev: str(n.dev),
      weight: typeof n.weight === "number" ? n.weight : undefined,
      flags: Array.isArray(n.flags) ? n.flags.filter((f): f is string => typeof f === "string") : [],
      encap: encapOf(n),
    }));
  }
  return route;
}

/** Parses the JSON printed by `ip -j -6 route show [...]`. Empty output means no routes. */
export function parseRoutes(text: string, ctx: RouteParseContext = {}): KernelRoute[] {
  if (text.trim() === "") return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new ParseError(`output of ip -j route is not JSON: ${(cause as Error).message}`, { ...ctx, cause });
  }
  if (!Array.isArray(data)) throw new ParseError("output of ip -j route is not a JSON array", ctx);
  return data.map((entry, i) => {
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) throw new ParseError(`route #${i} of ip -j route is not an object`, ctx);
    return parseRoute(entry as Json, ctx.filtered);
  });
}
