/**
 * Every relative import between two rooms is one that docs/architecture.md's
 * `imports` block allows (the graph is written down there, once).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

const REPO = join(__dirname, "../../..");
const SOURCE_ROOTS = ["model", "constructs", "lab", "provider", "bench", "examples", "test"];

/** room -> rooms it may import ("*": any). */
function allowedGraph(): Map<string, Set<string>> {
  const doc = readFileSync(join(REPO, "docs/architecture.md"), "utf8");
  const block = /```imports\n([\s\S]*?)```/.exec(doc);
  assert.ok(block, "docs/architecture.md has an ```imports block");
  const graph = new Map<string, Set<string>>();
  for (const line of block[1]!.split("\n").filter((l) => l.trim())) {
    const m = /^([a-z0-9/-]+):\s*(.*)$/.exec(line.trim());
    assert.ok(m, `docs/architecture.md: cannot read the imports line '${line}'`);
    graph.set(m[1]!, new Set(m[2]!.split(/\s+/).filter(Boolean)));
  }
  return graph;
}

function sources(dir: string): string[] {
  return readdirSync(join(REPO, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name === "cdktf.out") return [];
    if (statSync(join(REPO, path)).isDirectory()) return sources(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

/** The nearest room at or above a path. */
function roomOf(graph: Map<string, Set<string>>, path: string): string | undefined {
  let best: string | undefined;
  for (const room of graph.keys()) {
    if ((path === room || path.startsWith(`${room}/`)) && (best === undefined || room.length > best.length)) best = room;
  }
  return best;
}

/** A room may import another if the graph lists it, or lists a room above it that is not itself a room of its own. */
function allows(graph: Map<string, Set<string>>, from: string, to: string): boolean {
  const list = new Set<string>();
  for (let r: string | undefined = from; r !== undefined; r = r.includes("/") ? r.slice(0, r.lastIndexOf("/")) : undefined) {
    if (!graph.has(r)) continue;
    for (const x of graph.get(r)!) list.add(x);
    if (r !== from) break;
  }
  return list.has("*") || list.has(to);
}

test("every import between rooms follows docs/architecture.md", () => {
  const graph = allowedGraph();
  const violations: string[] = [];
  let imports = 0;
  for (const file of SOURCE_ROOTS.flatMap(sources)) {
    const from = roomOf(graph, file);
    assert.ok(from, `${file} is in no room of docs/architecture.md`);
    for (const m of readFileSync(join(REPO, file), "utf8").matchAll(/(?:from|import|require\()\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = normalize(join(dirname(file), m[1]!));
      if (relative(REPO, join(REPO, target)).startsWith("..")) continue;
      const to = roomOf(graph, target);
      imports++;
      if (!to) { violations.push(`${file} imports ${m[1]} (${target} is in no room)`); continue; }
      if (to !== from && !allows(graph, from, to)) violations.push(`${file} (${from}) imports ${m[1]} (${to})`);
    }
  }
  assert.ok(imports > 500, `read the project's imports (${imports})`);
  assert.deepEqual(violations, [], `imports against the allowed graph:\n${violations.join("\n")}`);
});

test("the check finds an import against the graph", () => {
  const graph = allowedGraph();
  assert.equal(allows(graph, "model", "provider"), false, "model imports nothing");
  assert.equal(allows(graph, "lab", "provider/cli"), false, "the lab does not import the CLI");
  assert.equal(allows(graph, "constructs", "lab"), false, "the constructs do not import the lab");
  assert.equal(allows(graph, "provider/cli", "lab"), true);
  assert.equal(allows(graph, "bench", "test"), false, "the benchmarks measure the product, not a test helper");
});
