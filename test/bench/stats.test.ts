import { test } from "node:test";
import assert from "node:assert/strict";
import { nearestRank, summarize } from "../../bench/stats";

test("summarize: odd count, median is the middle sample", () => {
  assert.deepEqual(summarize([5, 1, 3]), { median: 3, p95: 5, max: 5 });
});

test("summarize: even count, median is the mean of the two middle samples", () => {
  assert.deepEqual(summarize([4, 1, 3, 2]), { median: 2.5, p95: 4, max: 4 });
});

test("summarize: p95 of 20 samples is the 19th smallest (nearest rank), not the max", () => {
  const samples = Array.from({ length: 20 }, (_, i) => i + 1); // 1..20
  const s = summarize(samples.reverse());
  assert.equal(s.p95, 19);
  assert.equal(s.max, 20);
  assert.equal(s.median, 10.5);
});

test("summarize: p95 of 100 samples is the 95th smallest", () => {
  const samples = Array.from({ length: 100 }, (_, i) => (i + 1) / 10);
  assert.equal(summarize(samples).p95, 9.5);
});

test("summarize: rounds to microseconds", () => {
  assert.deepEqual(summarize([1.23456789]), { median: 1.235, p95: 1.235, max: 1.235 });
});

test("summarize: refuses no samples and non-finite samples", () => {
  assert.throws(() => summarize([]), /no samples/);
  assert.throws(() => summarize([1, NaN]), /not a finite number/);
  assert.throws(() => summarize([Infinity]), /not a finite number/);
});

test("nearestRank: rank is at least 1", () => {
  assert.equal(nearestRank([7, 8, 9], 0), 7);
  assert.equal(nearestRank([7, 8, 9], 100), 9);
});
