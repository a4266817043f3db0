#!/usr/bin/env node
// Runs every compiled *.test.js under dist/test with node's test runner, one
// file at a time (lab tests build network namespaces and must not overlap).
// Node 20 would treat every .js under a "test" folder as a test file when
// given the folder, helpers included; listing the files avoids that.
"use strict";
const { readdirSync, statSync } = require("node:fs");
const { join } = require("node:path");
const { spawnSync } = require("node:child_process");

function find(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith(".test.js") ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = find(join(__dirname, "../dist/test")).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`run-tests: no test file matches ${filters.join(" ")}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--test", "--test-concurrency=1", ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
