/**
 * Where the cdktn checks find CDK Terrain (`cdktn`, the maintained fork of
 * cdktf, same API): the repository's node_modules, which holds `cdktn` and
 * `cdktn-cli` as dev dependencies and a `constructs` both cdktf and cdktn
 * accept. Env CDKTN_MODULES may name another node_modules directory with
 * `cdktn` and a matching `constructs`, to check another cdktn release.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./snapshot";

export const CDKTN_MODULES = process.env.CDKTN_MODULES || join(repoRoot(), "node_modules");

/** Preload for `node --require`: `cdktf` and `constructs` resolve to the copies in CDKTN_MODULES. */
export const CDKTN_ALIAS = join(__dirname, "cdktn-alias.js");

export function cdktnVersion(): string {
  return (JSON.parse(readFileSync(join(CDKTN_MODULES, "cdktn", "package.json"), "utf8")) as { version: string }).version;
}
