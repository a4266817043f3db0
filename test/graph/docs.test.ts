/*
 * Every ```sh sample of docs/graph.md runs, in order, and makes what the
 * page says it makes. No lab: `srv6 graph` reads no router.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { scratchTree, shellSamples } from "./doc-samples";

test("docs/graph.md samples run and write the pictures they name", async () => {
  const samples = shellSamples("docs/graph.md");
  assert.equal(samples.length, 6, "samples found");
  const tree = scratchTree("graph-docs-");
  try {
    const outputs: string[] = [];
    for (const sample of samples) {
      const r = await tree.run(sample);
      assert.equal(r.code, 0, `sample failed:\n${sample}\n${r.stdout}${r.stderr}`);
      outputs.push(r.stdout);
    }
    for (const file of ["diamond.svg", "diamond-full.svg", "diamond-r1-r2.svg", "mesh-r5-r6.svg"]) {
      assert.match(readFileSync(join(tree.dir, file), "utf8"), /^<svg /, `${file} is an SVG`);
    }
    assert.equal(outputs[3], "r1 r1 > r3 > r4\nr2 r2 > r4 > r3 > r1\n", "the JSON sample prints the paths the page describes");
    assert.match(readFileSync(join(tree.dir, "diamond-r1-r2.svg"), "utf8"), /class="link protected" data-link="r1-r2"/);
    const shown = readFileSync("docs/graph.md", "utf8").split("```text\n")[1]!.split("```")[0];
    assert.equal(outputs[5], shown, "the coverage sample prints the report the page shows");
  } finally {
    tree.remove();
  }
});
