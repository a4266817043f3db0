/*
 * `srv6 graph` on the synthesized examples (no router is contacted):
 *
 *   diamond:      h1 - r1 ==(r1-r2, protected)== r2          mesh: 3x3 grid r1..r9,
 *                      |  \                      |              hosts at the corners,
 *                   20 |    10 ... r2 -- 10 -- r4 - h2          six protected links
 *                      r3 ------- 20 ---------/
 *
 * Backup paths must be followed hop by hop exactly as the pre-failure
 * routing forwards them, never cross the link they protect, and end at the
 * host owning the prefix. Bad input exits 64 naming resource, field, value.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { squareWithTail } from "../constructs/helpers/square-with-tail";
import { DiamondStack } from "../../examples/diamond/main";
import { MeshStack } from "../../examples/mesh/main";
import { runCli, SRV6, REPO } from "../helpers/stack";
import { escapeXml } from "../../provider/graph/svg";
import { countCrossings, forceLayout } from "../../provider/graph/layout";

interface GraphJson {
  source: string;
  routers: { name: string; locator: string }[];
  hosts: { name: string; router: string }[];
  links: { id: string; a: string; b: string; metric?: number; protectedBy?: string }[];
  paths: { policy: string; router: string; prefixes: string[]; destination?: string; segments: { sid: string; router: string; kind: string }[]; hops: { from: string; to: string; link?: string }[]; delivery: { from: string; to: string }[]; hopByHop: boolean; crossesProtectedLink: boolean }[];
}

const work = mkdtempSync(join(tmpdir(), "graph-unit-"));
function synth(kind: "diamond" | "mesh"): string {
  const outdir = join(work, kind);
  const app = new App({ outdir });
  if (kind === "diamond") new DiamondStack(app, "diamond", { inventory: false });
  else new MeshStack(app, "mesh", { inventory: false });
  app.synth();
  return outdir;
}
const diamond = synth("diamond");
const mesh = synth("mesh");
test.after(() => rmSync(work, { recursive: true, force: true }));

async function graph(args: string[]): Promise<{ code: number; json?: GraphJson; stdout: string; stderr: string }> {
  const r = await runCli([SRV6, "graph", ...args]);
  return { ...r, json: r.code === 0 && args.includes("--json") ? JSON.parse(r.stdout) as GraphJson : undefined };
}

const route = (p: GraphJson["paths"][number]): string => [p.router, ...[...p.hops, ...p.delivery].map((h) => h.to)].join(">");

test("diamond with its topology: every link, r1-r2 protected, both backup paths hop by hop", async () => {
  const r = await graph(["--stack", diamond, "--topology", "examples/lab/diamond.json", "--link", "r1-r2", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const g = r.json!;
  assert.equal(g.source, "topology");
  assert.deepEqual(g.routers.map((x) => `${x.name} ${x.locator}`), ["r1 fc00:0:1::/48", "r2 fc00:0:2::/48", "r3 fc00:0:3::/48", "r4 fc00:0:4::/48"]);
  assert.deepEqual(g.links.map((l) => `${l.a}-${l.b}:${l.metric}${l.protectedBy ? "*" : ""}`), ["r1-r2:10*", "r2-r4:10", "r1-r3:20", "r3-r4:20"]);
  assert.deepEqual(g.paths.map((p) => [p.policy, p.router, p.destination, p.prefixes, route(p), p.hopByHop, p.crossesProtectedLink]), [
    ["r1-r2-r1-to-r4", "r1", "r4", ["2001:db8:2::/64"], "r1>r3>r4>h2", true, false],
    ["r1-r2-r2-to-r1", "r2", "r1", ["2001:db8:1::/64"], "r2>r4>r3>r1>h1", true, false],
  ]);
  assert.deepEqual(g.paths[1]!.segments.map((s) => `${s.router} ${s.kind}`), ["r4 node", "r3 node", "r1 decap"]);
});

test("diamond from the stack alone: only the protected link, paths as segment jumps", async () => {
  const r = await graph(["--stack", diamond, "--link", "r1-r2", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json!.source, "stack");
  assert.deepEqual(r.json!.links.map((l) => l.id), ["r1-r2"]);
  assert.deepEqual(r.json!.paths.map((p) => [route(p), p.hopByHop]), [["r1>r3>r4", false], ["r2>r4>r3>r1", false]]);
});

test("mesh: for every protected link, every backup path avoids it and reaches the prefix's host", async () => {
  const all = await graph(["--stack", mesh, "--topology", "examples/lab/mesh.json", "--json"]);
  assert.equal(all.code, 0, all.stderr);
  const protectedLinks = all.json!.links.filter((l) => l.protectedBy).map((l) => l.protectedBy!);
  assert.ok(protectedLinks.length >= 4, `mesh protects several links: ${protectedLinks.join(", ")}`);
  let checked = 0;
  for (const link of protectedLinks) {
    const r = await graph(["--stack", mesh, "--topology", "examples/lab/mesh.json", "--link", link, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    for (const p of r.json!.paths) {
      assert.equal(p.crossesProtectedLink, false, `${p.policy} avoids ${link}: ${route(p)}`);
      assert.ok(p.hops.every((h) => h.link !== link), `${p.policy}: no hop over ${link}`);
      const host = r.json!.hosts.find((h) => route(p).endsWith(`>${h.name}`));
      assert.ok(host, `${p.policy} ends at a host: ${route(p)}`);
      checked++;
    }
  }
  assert.ok(checked >= protectedLinks.length, `checked ${checked} paths`);
});

test("the SVG: well formed, deterministic, protected and failed links and backup hops marked", async () => {
  const out = join(work, "d.svg");
  const a = await graph(["--stack", diamond, "--topology", "examples/lab/diamond.json", "--link", "r1-r2", "--out", out]);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stderr, /wrote .*d\.svg \(4 routers, 4 links, 2 backup path\(s\) of r1-r2\)/);
  const svg = readFileSync(out, "utf8");
  const again = await graph(["--stack", diamond, "--topology", "examples/lab/diamond.json", "--link", "r1-r2"]);
  assert.equal(again.stdout, svg, "same input, same picture");
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.trimEnd().endsWith("</svg>"));
  // Every element opened is closed (the renderer writes no comments or CDATA).
  const opened = (svg.match(/<[a-z]+[\s>]/g) ?? []).length;
  const selfClosed = (svg.match(/\/>/g) ?? []).length;
  const closed = (svg.match(/<\/[a-z]+>/g) ?? []).length;
  assert.equal(opened, selfClosed + closed, "tags balance");
  assert.match(svg, /class="link protected" data-link="r1-r2"/);
  assert.match(svg, /<g class="failed"/);
  for (const hop of ["r1>r3", "r3>r4", "r2>r4", "r4>r3", "r3>r1"]) assert.match(svg, new RegExp(`data-hop="${hop.replace(">", "&gt;")}"`), `hop ${hop} drawn`);
  for (const r of ["r1", "r2", "r3", "r4"]) assert.match(svg, new RegExp(`data-router="${r}"`));
  assert.match(svg, />fc00:0:1::\/48</, "locators are labelled");
});

test("layout: deterministic and without crossings on the examples' router graphs", () => {
  const grid = { nodes: ["a", "b", "c", "d", "e", "f", "g", "h", "i"], edges: [["a", "b"], ["b", "c"], ["d", "e"], ["e", "f"], ["g", "h"], ["h", "i"], ["a", "d"], ["d", "g"], ["b", "e"], ["e", "h"], ["c", "f"], ["f", "i"]] as [string, string][] };
  const one = forceLayout(grid);
  assert.deepEqual(forceLayout(grid), one);
  assert.equal(countCrossings(one, grid.edges), 0, "a 3x3 grid unfolds");
});

test("text is XML-escaped", () => {
  assert.equal(escapeXml(`a<b>&"c'`), "a&lt;b&gt;&amp;&quot;c&apos;");
});

test("a backup path over the failed link itself is caught and flagged in the picture", async () => {
  // r1's policy rewritten to go straight to r4's decap SID: on the pre-failure routing (metrics 10 via r2,
  // 40 via r3) r1 reaches r4 over r1-r2. The rule book cannot see that (it knows no metrics; a first segment
  // that is r2's own node SID it refuses outright), the graph's hop-by-hop walk over the topology does.
  const doc = JSON.parse(readFileSync(join(diamond, "stacks/diamond/cdk.tf.json"), "utf8")) as { resource: { srv6_backup_policy: Record<string, { router: string; segments: string[] }> } };
  const policy = Object.values(doc.resource.srv6_backup_policy).find((p) => p.router.includes("srv6_router.r1."))!;
  policy.segments = ["fc00:0:4:2::"];
  const file = join(work, "through-r1-r2.tf.json");
  writeFileSync(file, JSON.stringify(doc));
  const r = await graph(["--stack", file, "--topology", "examples/lab/diamond.json", "--link", "r1-r2", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const bad = r.json!.paths.find((p) => p.router === "r1")!;
  assert.equal(route(bad), "r1>r2>r4>h2");
  assert.equal(bad.crossesProtectedLink, true);
  assert.equal(r.json!.paths.find((p) => p.router === "r2")!.crossesProtectedLink, false);
  const svg = await graph(["--stack", file, "--topology", "examples/lab/diamond.json", "--link", "r1-r2"]);
  assert.match(svg.stdout, /WARNING: this path crosses r1-r2 itself/);
});

test("bad input exits 64 and names resource, field and value", async () => {
  const unknown = await graph(["--stack", diamond, "--link", "r9-r9"]);
  assert.equal(unknown.code, 64);
  assert.match(unknown.stderr, /--link = "r9-r9": no srv6_protected_link of that name in the stack; known: r1-r2/);

  const topo = JSON.parse(readFileSync(join(REPO, "examples/lab/diamond.json"), "utf8")) as { nodes: Record<string, { locator?: string }> };
  topo.nodes.r3!.locator = "fc00:0:33::/48";
  const wrongTopo = join(work, "wrong.json");
  writeFileSync(wrongTopo, JSON.stringify(topo));
  const mismatch = await graph(["--stack", diamond, "--topology", wrongTopo]);
  assert.equal(mismatch.code, 64);
  assert.match(mismatch.stderr, /srv6_router\.r3: locator = "fc00:0:3::\/48": the topology file gives r3 the locator fc00:0:33::\/48/);

  const stackFile = join(diamond, "stacks/diamond/cdk.tf.json");
  const doc = JSON.parse(readFileSync(stackFile, "utf8")) as { resource: { srv6_backup_policy: Record<string, { segments: string[] }> } };
  const [name, policy] = Object.entries(doc.resource.srv6_backup_policy)[0]!;
  policy.segments[0] = "fc00:0:99:1::";
  const badStack = join(work, "bad.tf.json");
  writeFileSync(badStack, JSON.stringify(doc));
  const bad = await graph(["--stack", badStack, "--link", "r1-r2"]);
  assert.equal(bad.code, 64, bad.stderr);
  assert.ok(bad.stderr.includes(name) && bad.stderr.includes("segments[0]") && bad.stderr.includes("fc00:0:99:1::"), bad.stderr);

  const noTopo = await graph(["--stack", diamond, "--topology", join(work, "missing.json")]);
  assert.equal(noTopo.code, 64);
  assert.match(noTopo.stderr, /missing\.json/);
});

test("coverage: per protected link and mode, the pairs with a backup and why the others have none", async () => {
  // Square r1-r2-r3-r4 with r5 behind r2 only: in node mode r2 is a cut vertex for r5.
  const outdir = join(work, "coverage");
  const app = new App({ outdir });
  squareWithTail(new TerraformStack(app, "cov"), { protection: "node", allowPartialCoverage: true });
  app.synth();
  const res = await runCli([SRV6, "graph", "--coverage", "--stack", outdir, "--json"]);
  assert.equal(res.code, 0, res.stderr);
  const [report] = (JSON.parse(res.stdout) as { networks: { network: string; links: { link: string; mode: string; configured: boolean; pairs: number; covered: number; uncovered: { from: string; to: string; reason: string }[] }[] }[] }).networks;
  const of = (mode: string) => report!.links.find((l) => l.link === "r1-r2" && l.mode === mode)!;
  // r1 sends r2, r3, r5 over r1-r2; r2 sends r1 and r4.
  assert.deepEqual([of("link").pairs, of("link").covered, of("link").configured], [5, 5, false]);
  assert.deepEqual([of("node").pairs, of("node").covered, of("node").configured], [5, 4, true]);
  assert.deepEqual(of("node").uncovered, [{ from: "r1", to: "r5", reason: "router r2 is a cut vertex: every path from r1 to r5 crosses it" }]);
  const table = await runCli([SRV6, "graph", "--coverage", "--stack", outdir]);
  assert.match(table.stdout, /r1-r2\s+node \*\s+4\/5\s+80 %\s+r1 -> r5: router r2 is a cut vertex/);

  const meshReport = await runCli([SRV6, "graph", "--coverage", "--stack", mesh, "--json"]);
  const meshLinks = (JSON.parse(meshReport.stdout) as { networks: { links: { link: string; mode: string; pairs: number; covered: number }[] }[] }).networks[0]!.links;
  assert.ok(meshLinks.length === 18 && meshLinks.every((l) => l.pairs > 0 && l.covered === l.pairs), JSON.stringify(meshLinks));

  const stackFile = join(outdir, "stacks/cov/cdk.tf.json");
  const doc = JSON.parse(readFileSync(stackFile, "utf8")) as { locals?: unknown };
  delete doc.locals;
  const old = join(work, "no-coverage.tf.json");
  writeFileSync(old, JSON.stringify(doc));
  const missing = await runCli([SRV6, "graph", "--coverage", "--stack", old]);
  assert.equal(missing.code, 64, missing.stderr);
  assert.match(missing.stderr, /holds no coverage report/);
});
