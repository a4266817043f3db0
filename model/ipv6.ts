/**
 * IPv6 address and prefix arithmetic on bigints, shared by the lab, the
 * engine's validation and the constructs' SID allocation.
 */
import { isIPv6 } from "node:net";

export interface Ipv6Prefix {
  /** Network address (host bits zero). */
  readonly network: bigint;
  readonly length: number;
}

const ALL_ONES = (1n << 128n) - 1n;

/**
 * Remembered results of parseIpv6: a router with thousands of prefixes has
 * each address parsed many times per plan (stack, layout, routes as the
 * router shows them). Bounded: cleared when full. (Not formatIpv6: V8 hashes
 * bigint keys so badly that a Map of them is slower than formatting.)
 */
const MEMO_LIMIT = 1 << 18;
const parsed = new Map<string, bigint>();

function remember(key: string, value: bigint): bigint {
  if (parsed.size >= MEMO_LIMIT) parsed.clear();
  parsed.set(key, value);
  return value;
}

/** Parses any RFC 4291 text form (including an embedded IPv4 tail). */
export function parseIpv6(text: string): bigint {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  return remember(text, parseIpv6Text(text));
}

function parseIpv6Text(text: string): bigint {
  if (!isIPv6(text) || text.includes("%")) throw new RangeError(`'${text}' is not an IPv6 address`);
  let head = text;
  let tailGroups: number[] = [];
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    tailGroups = [(a << 8) | b, (c << 8) | d];
    head = text.slice(0, v4.index) + "0:0";
  }
  const [left, right] = head.includes("::") ? head.split("::") : [head, undefined];
  const leftGroups = left ? left.split(":").filter((g) => g !== "") : [];
  const rightGroups = right ? right.split(":").filter((g) => g !== "") : [];
  const missing = 8 - leftGroups.length - rightGroups.length;
  const groups = [...leftGroups, ...Array<string>(right === undefined ? 0 : missing).fill("0"), ...rightGroups].map((g) => parseInt(g, 16));
  if (v4) groups.splice(6, 2, ...tailGroups);
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** RFC 5952 canonical text (lower case, longest zero run compressed). */
export function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

export function isIpv6Address(text: string): boolean {
  try { parseIpv6(text); return true; } catch { return false; }
}

/** Parses `addr/len`; host bits must be zero unless `allowHostBits`. */
export function parseIpv6Prefix(text: string, opts: { allowHostBits?: boolean } = {}): Ipv6Prefix {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!m) throw new RangeError(`'${text}' is not an IPv6 prefix (expected ADDRESS/LENGTH)`);
  const length = Number(m[2]);
  if (length > 128) throw new RangeError(`'${text}': prefix length ${length} is over 128`);
  const address = parseIpv6(m[1]!);
  const network = address & prefixMask(length);
  if (network !== address && !opts.allowHostBits) {
    throw new RangeError(`'${text}' has host bits set; did you mean ${formatIpv6(network)}/${length}?`);
  }
  return { network, length };
}

export function formatPrefix(p: Ipv6Prefix): string {
  return `${formatIpv6(p.network)}/${p.length}`;
}

export function prefixMask(length: number): bigint {
  return length === 0 ? 0n : (ALL_ONES << BigInt(128 - length)) & ALL_ONES;
}

export function prefixContains(p: Ipv6Prefix, address: bigint): boolean {
  return (address & prefixMask(p.length)) === p.network;
}

export function prefixesOverlap(a: Ipv6Prefix, b: Ipv6Prefix): boolean {
  const len = Math.min(a.length, b.length);
  return (a.network & prefixMask(len)) === (b.network & prefixMask(len));
}

/** The last address of the prefix (fc00::/48 ends at fc00:0:0:ffff:ffff:ffff:ffff:ffff). */
export function prefixEnd(p: Ipv6Prefix): bigint {
  return p.network | (~prefixMask(p.length) & ALL_ONES);
}

/** Address order: by network, a wider prefix before the ones it holds. */
export function comparePrefixes(a: Ipv6Prefix, b: Ipv6Prefix): number {
  return a.network < b.network ? -1 : a.network > b.network ? 1 : a.length - b.length;
}

/** Two items whose prefixes overlap: `item` comes after `other` in the list given. */
export interface PrefixOverlap<T> {
  readonly item: T;
  readonly other: T;
}

/**
 * Every pair of items whose prefixes overlap, by sort and sweep: O(n log n),
 * for the thousands of prefixes a router may protect. Two prefixes either
 * nest or are disjoint, so in address order a prefix that overlaps an
 * earlier one lies inside the last prefix that overlapped none before it.
 * Each overlap is reported on the item later in `items`, as a check that
 * walks the list would.
 */
export function prefixOverlaps<T>(items: readonly T[], prefixOf: (item: T) => Ipv6Prefix): PrefixOverlap<T>[] {
  const order = items.map((item, index) => ({ item, index, prefix: prefixOf(item) }))
    .sort((a, b) => comparePrefixes(a.prefix, b.prefix) || a.index - b.index);
  const out: PrefixOverlap<T>[] = [];
  let open: (typeof order)[number] | undefined;
  let openEnd = -1n;
  for (const x of order) {
    if (open !== undefined && x.prefix.network <= openEnd) {
      out.push(x.index > open.index ? { item: x.item, other: open.item } : { item: open.item, other: x.item });
      continue;
    }
    open = x;
    openEnd = prefixEnd(x.prefix);
  }
  return out;
}

/** The address `offset` into the prefix (offset 1 of fc00::/48 is fc00::1). */
export function addressInPrefix(p: Ipv6Prefix, offset: bigint): bigint {
  if (offset < 0n || offset >= 1n << BigInt(128 - p.length)) {
    throw new RangeError(`offset ${offset} does not fit in ${formatPrefix(p)}`);
  }
  return p.network + offset;
}

/** The `index`-th subnet of length `length` inside `p`. */
export function subnet(p: Ipv6Prefix, length: number, index: bigint): Ipv6Prefix {
  if (length < p.length) throw new RangeError(`/${length} is shorter than ${formatPrefix(p)}`);
  if (index < 0n || index >= 1n << BigInt(length - p.length)) {
    throw new RangeError(`subnet ${index} of length /${length} does not fit in ${formatPrefix(p)}`);
  }
  return { network: p.network + (index << BigInt(128 - length)), length };
}

/**
 * The lenient face, for validation that reports instead of throwing: the
 * try- parsers return undefined, and a prefix remembers whether its text
 * had host bits set (so the checks can name that mistake).
 */
export interface CheckedIpv6Prefix extends Ipv6Prefix {
  /** Whether the text had host bits set (e.g. fc00::1/48). */
  readonly hostBitsSet: boolean;
}

/** The address as a 128-bit integer; undefined when not an IPv6 address. */
export function tryParseIpv6(text: string): bigint | undefined {
  try {
    return typeof text === "string" ? parseIpv6(text) : undefined;
  } catch {
    return undefined;
  }
}

/** `addr/len` with 0 <= len <= 128, host bits allowed but noted; undefined when malformed. */
export function tryParseIpv6Prefix(text: string): CheckedIpv6Prefix | undefined {
  try {
    if (typeof text !== "string") return undefined;
    const p = parseIpv6Prefix(text, { allowHostBits: true });
    return { ...p, hostBitsSet: tryParseIpv6(text.split("/")[0]!) !== p.network };
  } catch {
    return undefined;
  }
}

/** Canonical text of a prefix given as text (its network address); the input unchanged when it is not a prefix. */
export function canonicalPrefix(text: string): string {
  const p = tryParseIpv6Prefix(text);
  return p ? formatPrefix(p) : text;
}

/**
 * A list of prefixes in the one order it is kept in: canonical text, in
 * address order (comparePrefixes), so that the order it was written in
 * never shows as a difference. Text that is no prefix goes last, as given.
 */
export function sortedPrefixes(texts: readonly string[]): string[] {
  const parsed = texts.map((text) => ({ text, prefix: tryParseIpv6Prefix(text) }));
  const good = parsed.filter((x): x is { text: string; prefix: CheckedIpv6Prefix } => x.prefix !== undefined).sort((a, b) => comparePrefixes(a.prefix, b.prefix));
  return [...good.map((x) => formatPrefix(x.prefix)), ...parsed.filter((x) => x.prefix === undefined).map((x) => x.text)];
}

/** Canonical text of an address given as text; the input unchanged when it is not IPv6. */
export function canonicalIpv6(text: string): string {
  const v = tryParseIpv6(text);
  return v === undefined ? text : formatIpv6(v);
}

/**
 * The ranges with a meaning of their own (RFC 4291 section 2.4), which a
 * locator, a SID, a source address or a protected prefix may not use.
 * Next hops (peer addresses, End.X nexthops) may be link-local: Linux
 * routes over a point-to-point link to a link-local neighbour.
 */
export type SpecialRangeKind = "unspecified" | "loopback" | "ipv4-mapped" | "link-local" | "multicast";

export interface SpecialRange {
  readonly kind: SpecialRangeKind;
  readonly prefix: Ipv6Prefix;
  /** "is the loopback address (::1)": said of an address in the range. */
  readonly address: string;
  /** "contains the loopback address (::1)": said of a prefix that overlaps the range. */
  readonly overlap: string;
}

const range = (kind: SpecialRangeKind, text: string, address: string, overlap: string): SpecialRange => ({ kind, prefix: parseIpv6Prefix(text), address, overlap });

export const SPECIAL_RANGES: readonly SpecialRange[] = [
  range("unspecified", "::/128", "is the unspecified address (::)", "contains the unspecified address (::)"),
  range("loopback", "::1/128", "is the loopback address (::1)", "contains the loopback address (::1)"),
  range("ipv4-mapped", "::ffff:0:0/96", "is an IPv4-mapped address (::ffff:0:0/96)", "overlaps the IPv4-mapped range ::ffff:0:0/96"),
  range("link-local", "fe80::/10", "is a link-local address (fe80::/10)", "overlaps the link-local range fe80::/10"),
  range("multicast", "ff00::/8", "is a multicast address (ff00::/8)", "overlaps the multicast range ff00::/8"),
];

/** The special range `address` lies in; undefined for an ordinary unicast address. */
export function specialRangeOf(address: bigint): SpecialRange | undefined {
  return SPECIAL_RANGES.find((r) => prefixContains(r.prefix, address));
}

/** The first special range `prefix` overlaps; undefined when it covers ordinary unicast space only. */
export function specialRangeOverlapping(prefix: Ipv6Prefix): SpecialRange | undefined {
  return SPECIAL_RANGES.find((r) => prefixesOverlap(r.prefix, prefix));
}
