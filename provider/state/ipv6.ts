/**
 * The lenient face of model/ipv6.ts for validation: the try- parsers return
 * undefined instead of throwing, and a prefix remembers whether its text had
 * host bits set (so the checks can name that mistake).
 */
import * as net from "../../model/ipv6";

export { prefixMask, prefixContains, prefixesOverlap, formatIpv6, isIpv6Address } from "../../model/ipv6";

export interface Ipv6Prefix extends net.Ipv6Prefix {
  /** Whether the text had host bits set (e.g. fc00::1/48). */
  readonly hostBitsSet: boolean;
}

/** The address as a 128-bit integer; undefined when not an IPv6 address. */
export function tryParseIpv6(text: string): bigint | undefined {
  try {
    return typeof text === "string" ? net.parseIpv6(text) : undefined;
  } catch {
    return undefined;
  }
}

/** `addr/len` with 0 <= len <= 128; undefined when malformed. */
export function tryParseIpv6Prefix(text: string): Ipv6Prefix | undefined {
  try {
    if (typeof text !== "string") return undefined;
    const p = net.parseIpv6Prefix(text, { allowHostBits: true });
    return { ...p, hostBitsSet: tryParseIpv6(text.split("/")[0]!) !== p.network };
  } catch {
    return undefined;
  }
}

/** Canonical text of an address given as text; the input unchanged when it is not IPv6. */
export function canonicalIpv6(text: string): string {
  const v = tryParseIpv6(text);
  return v === undefined ? text : net.formatIpv6(v);
}
