/**
 * Testing.app() makes a fresh temp directory per call and never removes it;
 * the property tests create hundreds of apps. testApp() puts every app of
 * this process under one temp directory, removed when the process exits.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing, type App } from "cdktf";

let root: string | undefined;

export function testApp(): App {
  if (root === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "a5-constructs-apps-"));
    root = dir;
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return Testing.app({ outdir: root });
}
