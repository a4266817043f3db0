/** Parses `ip -j link show` (and `ip -j -d link show`). Pure. */
import { ParseError } from "../errors";
import type { ParseContext } from "./routes";

export interface Link {
  ifindex: number;
  name: string;
  flags: string[];
  /** Administratively up (flag UP). */
  up: boolean;
  /** Carrier present (flag LOWER_UP). A silent failure keeps this true. */
  lowerUp: boolean;
  operstate?: string;
  mtu?: number;
  address?: string;
  linkType?: string;
  master?: string;
  /** Device kind from `-d` output (veth, dummy, ...). */
  kind?: string;
}

export function parseLinks(text: string, ctx: ParseContext = {}): Link[] {
  if (text.trim() === "") return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new ParseError(`output of ip -j link is not JSON: ${(cause as Error).message}`, { ...ctx, cause });
  }
  if (!Array.isArray(data)) throw new ParseError("output of ip -j link is not a JSON array", ctx);
  return data.map((l: Record<string, unknown>, i) => {
    if (typeof l?.ifname !== "string" || typeof l.ifindex !== "number") throw new ParseError(`link #${i} of ip -j link has no ifname/ifindex`, ctx);
    const flags = Array.isArray(l.flags) ? l.flags.filter((f): f is string => typeof f === "string") : [];
    const info = l.linkinfo as { info_kind?: unknown } | undefined;
    return {
      ifindex: l.ifindex,
      name: l.ifname,
      flags,
      up: flags.includes("UP"),
      lowerUp: flags.includes("LOWER_UP"),
      operstate: typeof l.operstate === "string" ? l.operstate : undefined,
      mtu: typeof l.mtu === "number" ? l.mtu : undefined,
      address: typeof l.address === "string" ? l.address : undefined,
      linkType: typeof l.link_type === "string" ? l.link_type : undefined,
      master: typeof l.master === "string" ? l.master : undefined,
      kind: typeof info?.info_kind === "string" ? info.info_kind : undefined,
    };
  });
}
