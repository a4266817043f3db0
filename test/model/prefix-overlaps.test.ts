/*
 * The sort-and-sweep overlap check of model/ipv6.ts (prefixOverlaps), which
 * the rule book and the planner run on every protected prefix of a router:
 * against the pairwise definition on seeded random prefix sets (nested,
 * equal and disjoint ones), and fast on 20 000 prefixes, where the pairwise
 * check it replaces makes 200 million comparisons. Also the one order a
 * prefix list is kept in (sortedPrefixes).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatPrefix, prefixesOverlap, prefixOverlaps, sortedPrefixes, subnet, parseIpv6Prefix, type Ipv6Prefix } from "../../model/ipv6";
import { seededRng } from "../../model/seeded-random";

const BASE = parseIpv6Prefix("2001:db8::/32");

/** Prefixes inside 2001:db8::/32, of lengths 40 to 64, few enough bits apart that many nest or repeat. */
function randomPrefixes(rng: () => number, count: number): Ipv6Prefix[] {
  return Array.from({ length: count }, () => {
    const length = 40 + Math.floor(rng() * 25);
    const wide = subnet(BASE, 40, BigInt(Math.floor(rng() * 4)));
    return subnet(wide, length, BigInt(Math.floor(rng() * 2 ** Math.min(length - 40, 3))) << BigInt(Math.max(0, length - 43)));
  });
}

test("prefixOverlaps: an item is reported exactly when it overlaps an earlier one, and always against one it overlaps", () => {
  for (let seed = 1; seed <= 300; seed++) {
    const rng = seededRng(seed);
    const items = randomPrefixes(rng, 1 + Math.floor(rng() * 40)).map((prefix, index) => ({ prefix, index }));
    const found = prefixOverlaps(items, (x) => x.prefix);
    for (const { item, other } of found) {
      assert.ok(other.index < item.index, `seed ${seed}: reported on the later item`);
      assert.ok(prefixesOverlap(item.prefix, other.prefix), `seed ${seed}: ${formatPrefix(item.prefix)} overlaps ${formatPrefix(other.prefix)}`);
    }
    // Every item with an overlap appears in some pair (as item or other), and no item without one does.
    const named = new Set(found.flatMap((p) => [p.item.index, p.other.index]));
    for (const x of items) {
      const overlapsAny = items.some((y) => y !== x && prefixesOverlap(x.prefix, y.prefix));
      assert.equal(named.has(x.index), overlapsAny, `seed ${seed}: ${formatPrefix(x.prefix)} (#${x.index}) ${overlapsAny ? "overlaps" : "overlaps nothing"}`);
    }
  }
});

test("prefixOverlaps: disjoint sets report nothing; 20 000 prefixes take milliseconds, not a pairwise scan", () => {
  const prefixes = Array.from({ length: 20_000 }, (_, i) => subnet(BASE, 64, BigInt(i * 7 + 3)));
  const started = process.hrtime.bigint();
  assert.deepEqual(prefixOverlaps(prefixes, (p) => p), []);
  const withNested = [...prefixes, subnet(prefixes[12_345]!, 80, 1n)];
  const found = prefixOverlaps(withNested, (p) => p);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.deepEqual(found.map((f) => [formatPrefix(f.item), formatPrefix(f.other)]), [[formatPrefix(withNested[20_000]!), formatPrefix(prefixes[12_345]!)]]);
  assert.ok(ms < 2000, `two sweeps of 20 000 prefixes in ${ms.toFixed(0)} ms`);
});

test("sortedPrefixes: canonical text in address order, wider first; text that is no prefix last", () => {
  assert.deepEqual(sortedPrefixes(["2001:db8:9::/64", "2001:DB8:2:0::/64", "2001:db8:2::/48", "nope", "2001:db8:10::/64"]),
    ["2001:db8:2::/48", "2001:db8:2::/64", "2001:db8:9::/64", "2001:db8:10::/64", "nope"]);
  assert.deepEqual(sortedPrefixes([]), []);
});
