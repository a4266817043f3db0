/**
 * Snapshots as committed JSON files under test/constructs/__snapshots__.
 * A missing or different snapshot fails; set UPDATE_SNAPSHOTS=1 to (re)write
 * them, then review the diff in git.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const UPDATE_ENV = "UPDATE_SNAPSHOTS";

/** The repository root: the nearest ancestor of this file holding package.json (works from dist/ too). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

export const SNAPSHOT_DIR = join(repoRoot(), "test", "constructs", "__snapshots__");

/**
 * Compares `actual` (JSON text) with the snapshot `name`. The JSON is
 * re-serialized first, so that only content counts, not the synthesizer's
 * own formatting (cdktf and cdktn print empty arrays differently).
 */
export function matchSnapshot(name: string, actual: string): void {
  const file = join(SNAPSHOT_DIR, `${name}.json`);
  const text = `${JSON.stringify(JSON.parse(actual), null, 2)}\n`;
  if (process.env[UPDATE_ENV] === "1") {
    mkdirSync(SNAPSHOT_DIR, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.ok(existsSync(file), `snapshot ${file} is missing; run the tests with ${UPDATE_ENV}=1 to write it, then review and commit it`);
  assert.equal(text, readFileSync(file, "utf8"), `synthesized JSON differs from snapshot ${name}.json; if the change is intended, rerun with ${UPDATE_ENV}=1 and commit the diff`);
}
