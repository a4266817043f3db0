/**
 * IPv6 address and prefix arithmetic for the semantic checks (SID inside a
 * locator, overlapping locators and prefixes). Addresses become 128-bit
 * bigints; syntax is checked by node's own parser (`net.isIPv6`).
 */
import { isIPv6 } from "node:net";

export interface Ipv6Prefix {
  /** Network address (host bits cleared). */
  readonly network: bigint;
  readonly length: number;
  /** Whether the text had host bits set (e.g. fc00::1/48). */
  readonly hostBitsSet: boolean;
}

const ALL_ONES = (1n << 128n) - 1n;

/** True for any text form node accepts as IPv6 (no zone index, no prefix). */
export function isIpv6Address(text: string): boolean {
  return typeof text === "string" && !text.includes("%") && isIPv6(text);
}

/** The address as a 128-bit integer; undefined when not an IPv6 address. */
export function parseIpv6(text: string): bigint | undefined {
  if (!isIpv6Address(text)) return undefined;
  let head = text;
  let tailV4: number[] | undefined;
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    tailV4 = text.slice(lastColon + 1).split(".").map(Number);
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left, right] = head.includes("::") ? head.split("::") : [head, undefined];
  const leftGroups = left ? left.split(":") : [];
  const rightGroups = right === undefined ? [] : right ? right.split(":") : [];
  const missing = 8 - leftGroups.length - rightGroups.length;
  const groups = [...leftGroups, ...Array(right === undefined ? 0 : missing).fill("0"), ...rightGroups];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(parseInt(g, 16));
  if (tailV4) value = (value & ~0xffffffffn) | BigInt(((tailV4[0] << 24) >>> 0) + (tailV4[1] << 16) + (tailV4[2] << 8) + tailV4[3]);
  return value;
}

/** `addr/len` with 0 <= len <= 128; undefined when malformed. */
export function parseIpv6Prefix(text: string): Ipv6Prefix | undefined {
  if (typeof text !== "string") return undefined;
  const m = /^([^/]+)\/([0-9]{1,3})$/.exec(text);
  if (!m) return undefined;
  const length = Number(m[2]);
  const addr = parseIpv6(m[1]);
  if (addr === undefined || length > 128) return undefined;
  const mask = prefixMask(length);
  return { network: addr & mask, length, hostBitsSet: (addr & ~mask & ALL_ONES) !== 0n };
}

export function prefixMask(length: number): bigint {
  return length === 0 ? 0n : (ALL_ONES << BigInt(128 - length)) & ALL_ONES;
}

export function prefixContains(prefix: Ipv6Prefix, address: bigint): boolean {
  return (address & prefixMask(prefix.length)) === prefix.network;
}

export function prefixesOverlap(a: Ipv6Prefix, b: Ipv6Prefix): boolean {
  const shorter = Math.min(a.length, b.length);
  const mask = prefixMask(shorter);
  return (a.network & mask) === (b.network & mask);
}

/** Canonical RFC 5952 text of an address (lower case, longest zero run compressed). */
export function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/** Canonical text of an address given as text; the input unchanged when it is not IPv6. */
export function canonicalIpv6(text: string): string {
  const v = parseIpv6(text);
  return v === undefined ? text : formatIpv6(v);
}
