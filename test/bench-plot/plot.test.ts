/*
 * The failover plot on synthetic results: a well-formed SVG with one series
 * per run that kept records, one point per measured failure, a median line
 * and a legend entry per series; written beside the JSON it came from.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { plotSvg, seriesOf, writePlot } from "../../bench/failover/plot";
import { missingProgramMessage } from "../../lab/system/tools";

const records = (n: number, ms: (i: number) => number) => Array.from({ length: n }, (_, k) => ({ index: k + 1, lossMs: ms(k + 1) }));
const doc = {
  details: [
    { system: "srv6-protect", intervalMs: 1, multiplier: 3, records: records(20, (i) => 3 + (i % 3) * 0.5) },
    { system: "frr-bfd", intervalMs: 10, multiplier: 2, records: [...records(19, (i) => 28 + i), { index: 20, lossMs: 0, problem: "no detection" }] },
    { meter: {}, meterEvents: [] },
  ],
};

test("one series per run, one point per measured failure, medians", () => {
  const series = seriesOf(doc);
  assert.deepEqual(series.map((s) => s.label), ["srv6-protect 1 ms x 3", "frr-bfd 10 ms x 2"], "series labels");
  assert.deepEqual(series.map((s) => s.points.length), [20, 19], "the failure with a problem is left out");
  assert.equal(series[1]!.median, 38, "median of 29..47");
});

test("the SVG is well formed, log scale when ranges differ, and has every point", () => {
  const svg = plotSvg(seriesOf(doc));
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\n$/);
  assert.equal((svg.match(/<g class="series"/g) ?? []).length, 2, "series groups");
  assert.equal((svg.match(/<circle class="point"/g) ?? []).length, 39, "points");
  assert.equal((svg.match(/<line class="median"/g) ?? []).length, 2, "median lines");
  assert.equal((svg.match(/<g class="legend-entry"/g) ?? []).length, 2, "legend entries");
  assert.match(svg, /log scale/, "3 ms vs 47 ms: log scale");
  const linear = plotSvg(seriesOf({ details: [doc.details[1]!] }));
  assert.doesNotMatch(linear, /log scale/, "one range: linear");
  // rsvg-convert parses it as XML: a malformed file fails here.
  const dir = mkdtempSync(join(tmpdir(), "docs-plot-"));
  try {
    writeFileSync(join(dir, "p.svg"), svg);
    const r = spawnSync("rsvg-convert", ["-o", join(dir, "p.png"), join(dir, "p.svg")], { encoding: "utf8" });
    assert.equal(r.status, 0, r.error ? missingProgramMessage("rsvg-convert") : `rsvg-convert: ${r.stderr}`);
    assert.ok(readFileSync(join(dir, "p.png")).subarray(1, 4).toString() === "PNG", "a PNG was rendered");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("writePlot puts failover-<time>.svg beside failover-<time>.json", () => {
  const dir = mkdtempSync(join(tmpdir(), "docs-plot-"));
  try {
    const json = join(dir, "failover-2026-01-01T00-00-00-000Z.json");
    writeFileSync(json, JSON.stringify(doc));
    const svg = writePlot(json);
    assert.equal(svg, join(dir, "failover-2026-01-01T00-00-00-000Z.svg"));
    assert.ok(existsSync(svg), "svg written");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
