/*
 * The ```sh samples of the pages that need no lab run as written, in order
 * (in a scratch tree: see test/graph/doc-samples.ts), and make what the
 * page says. Samples marked "not run by the docs test" are counted here so a
 * new exclusion is a visible decision.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, scratchTree, shellSamples } from "../graph/doc-samples";
import { adaptSample, pageSamples } from "./pages";

/** Which test runs each page's samples. A new page with samples must be added here and to a test. */
const COVERED: Readonly<Record<string, string>> = {
  "README.md": "test/docs/lab-pages.lab.test.ts",
  "docs/engine.md": "test/docs/lab-pages.lab.test.ts",
  "docs/troubleshooting.md": "test/docs/lab-pages.lab.test.ts",
  "docs/concepts.md": "test/docs/pages.test.ts",
  "docs/real-routers.md": "test/docs/pages.test.ts",
  "docs/provider.md": "test/docs/pages.test.ts",
  "docs/constructs.md": "test/docs/pages.test.ts",
  "docs/benchmark-apply.md": "test/docs/pages.test.ts (its one sample is excluded)",
  "docs/graph.md": "test/graph/docs.test.ts",
  "docs/gitops.md": "test/gitops/docs.lab.test.ts",
};

test("every page with ```sh samples has a test that runs them", () => {
  const pages = ["README.md", ...readdirSync(join(REPO, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  const uncovered = pages.filter((p) => shellSamples(p).length > 0 && !COVERED[p]);
  assert.deepEqual(uncovered, [], "pages whose samples no test runs");
});

test("exclusions are few and say why", () => {
  const pages = ["README.md", "docs/benchmark-apply.md", "docs/benchmark-scale.md", "docs/benchmarks.md", "docs/constructs.md",
    "docs/engine.md", "docs/lab.md", "docs/provider.md", "docs/concepts.md", "docs/real-routers.md", "docs/troubleshooting.md"];
  const skipped = pages.flatMap((p) => pageSamples(p).skipped.map((s) => `${p}: ${s.why}`));
  assert.equal(skipped.length, 3, `excluded samples:\n${skipped.join("\n")}`);
});

test("docs/concepts.md: the diagram sample writes the backup-path picture the page shows", async () => {
  const { run } = pageSamples("docs/concepts.md");
  assert.equal(run.length, 1, "one sample");
  const tree = scratchTree("docs-concepts-");
  try {
    const r = await tree.run(run[0]!);
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    const svg = readFileSync(join(tree.dir, "diamond-r1-r2.svg"), "utf8");
    assert.match(svg, /^<svg /);
    assert.match(svg, /class="link protected" data-link="r1-r2"/);
    const committed = readFileSync(join(REPO, "docs/images/diamond-r1-r2.svg"), "utf8");
    const strip = (s: string) => s.replace(/stack [^<]*cdk\.tf\.json/, "stack STACK");
    assert.equal(strip(committed), strip(svg), "docs/images/diamond-r1-r2.svg is what the sample makes today (regenerate it)");
  } finally {
    tree.remove();
  }
});

test("docs/real-routers.md: the prerequisite checks pass on this machine", async () => {
  const { run } = pageSamples("docs/real-routers.md");
  assert.equal(run.length, 1, "one sample");
  const tree = scratchTree("docs-real-");
  try {
    const r = await tree.run(run[0]!);
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    const lines = r.stdout.trimEnd().split("\n");
    assert.equal(lines[0], "iproute2 has libbpf", "this machine's iproute2 has libbpf");
    assert.match(lines[1]!, /^bpffs is (mounted|not mounted \(mount -t bpf bpf \/sys\/fs\/bpf\))$/, "bpffs line");
    assert.match(lines[2]!, /^python3 3\.\d+\.\d+$/, "python3 version");
  } finally {
    tree.remove();
  }
});

test("docs/provider.md: install-provider writes the mirror and the CLI config the sample exports", async () => {
  const { run } = pageSamples("docs/provider.md");
  assert.equal(run.length, 1, "one sample");
  const tree = scratchTree("docs-provider-");
  try {
    const r = await tree.run(`${adaptSample(run[0]!)}\ntest -f "$TF_CLI_CONFIG_FILE" && echo "config: $TF_CLI_CONFIG_FILE"`, { HOME: tree.dir });
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /^config: .*\/\.local\/share\/srv6-protect\/provider-mirror\/srv6\.tfrc$/m);
    for (const dir of [join(tree.dir, ".local/share/srv6-protect/provider-mirror"), join(tree.dir, "mirror")]) {
      assert.ok(existsSync(join(dir, "registry.opentofu.org/srv6-protect/srv6/0.1.0/linux_amd64/terraform-provider-srv6_v0.1.0")), `provider in ${dir}`);
    }
  } finally {
    tree.remove();
  }
});

test("docs/constructs.md: cdktf synth writes the diamond stack", async () => {
  const { run } = pageSamples("docs/constructs.md");
  assert.equal(run.length, 1, "one sample run (the cdktn one is excluded)");
  const tree = scratchTree("docs-constructs-");
  try {
    copyFileSync(join(REPO, "examples/diamond/cdktf.json"), join(tree.dir, "examples/diamond/cdktf.json"));
    const r = await tree.run(adaptSample(run[0]!), {}, 90_000);
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    const stack = JSON.parse(readFileSync(join(tree.dir, "examples/diamond/cdktf.out/stacks/diamond/cdk.tf.json"), "utf8"));
    assert.equal(Object.keys(stack.resource.srv6_router).length, 4, "four routers");
  } finally {
    tree.remove();
  }
});
