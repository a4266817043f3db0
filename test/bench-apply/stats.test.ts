/** Statistics and the JSON shape of `npm run bench -- apply --json`. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spread, msToS, systemRun, resultJson, checkTargets, formatTable } from "../../bench/apply/stats";

test("spread: odd count takes the middle sample, seconds rounded to ms", () => {
  assert.deepEqual(spread([2300.4, 1999.6, 2100]), { median: 2.1, min: 2, max: 2.3 });
});

test("spread: even count takes the mean of the two middle samples", () => {
  assert.deepEqual(spread([4000, 1000, 3000, 2000]), { median: 2.5, min: 1, max: 4 });
});

test("spread: one sample is median, min and max", () => {
  assert.deepEqual(spread([812]), { median: 0.812, min: 0.812, max: 0.812 });
});

test("spread: refuses no samples and non-finite or negative ones", () => {
  assert.throws(() => spread([]), /no samples/);
  assert.throws(() => spread([1, Number.NaN]), /NaN/);
  assert.throws(() => spread([Infinity]), /Infinity/);
  assert.throws(() => spread([-1]), /-1/);
});

test("msToS rounds to whole milliseconds", () => {
  assert.equal(msToS(1234.4), 1.234);
  assert.equal(msToS(1234.6), 1.235);
});

const ours = systemRun("srv6-protect", 9, { apply: [2000, 2200, 2400], noopPlan: [800, 900, 700], drift: [850, 800, 900] });
const tuned = systemRun("ansible-tuned", 9, { apply: [60_000, 70_000, 65_000], noopPlan: [40_000], drift: [41_000] });

test("resultJson: exactly {runs: [{system, routers, applyS, noopPlanS, driftS}]}", () => {
  const doc = JSON.parse(JSON.stringify(resultJson([ours, tuned])));
  assert.deepEqual(Object.keys(doc), ["runs"]);
  assert.equal(doc.runs.length, 2);
  for (const r of doc.runs) {
    assert.deepEqual(Object.keys(r).sort(), ["applyS", "driftS", "noopPlanS", "routers", "system"]);
    for (const k of ["applyS", "noopPlanS", "driftS"]) assert.deepEqual(Object.keys(r[k]).sort(), ["max", "median", "min"]);
  }
  assert.deepEqual(doc.runs[0], {
    system: "srv6-protect", routers: 9,
    applyS: { median: 2.2, min: 2, max: 2.4 },
    noopPlanS: { median: 0.8, min: 0.7, max: 0.9 },
    driftS: { median: 0.85, min: 0.8, max: 0.9 },
  });
});

test("checkTargets: speed-up against tuned Ansible from medians, plan and drift under 1 s", () => {
  const checks = checkTargets([ours, tuned]);
  assert.equal(checks.length, 3);
  assert.match(checks[0]!.measured, /^29\.5x$/);
  assert.ok(checks.every((c) => c.met));
  const slow = systemRun("srv6-protect", 9, { apply: [20_000], noopPlan: [1000], drift: [999] });
  const [speed, plan, drift] = checkTargets([slow, tuned]);
  assert.equal(speed!.met, false, "3.3x is under 5x");
  assert.equal(plan!.met, false, "1.000 s is not under 1 s");
  assert.equal(drift!.met, true);
});

test("checkTargets: no speed-up target without tuned Ansible, none without ours", () => {
  assert.equal(checkTargets([ours]).length, 2);
  assert.deepEqual(checkTargets([tuned]), []);
});

test("formatTable: one row per system and the targets", () => {
  const table = formatTable([ours, tuned], 3);
  assert.match(table, /median \(min-max\) of 3 run\(s\)/);
  assert.match(table, /^srv6-protect\s+9\s+2\.200 \(2\.000-2\.400\)/m);
  assert.match(table, /^ansible-tuned\s+9\s+65\.000 \(60\.000-70\.000\)/m);
  assert.match(table, /met\s+apply >= 5x faster than ansible-tuned \(medians\): 29\.5x/);
});
