/**
 * What a router must show once its rendered plan is installed: the files with
 * their hashes (the boot hook's included), sysctls, tunsrc, routes, tc
 * filters, map entries and the probe sender. Read from the renderer's typed operations, so the engine
 * never keeps a second description of the dataplane.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DataplanePlan } from "../dataplane/types";
import { PACKAGE_ROOT } from "./router-scripts";
import { specFromDesired, programName, routeKey, type RouteSpec } from "./route-spec";
import { sha256 } from "./bundle";

export interface ExpectedRoute extends RouteSpec {
  readonly resource: string;
  readonly description: string;
}

export interface Expectation {
  readonly files: Map<string, { sha256: string; localPath: string; mode: number }>;
  /** Path of the boot hook, one of `files`: drift names it apart, for what its loss means. */
  readonly bootHook?: string;
  readonly sysctls: Map<string, string>;
  readonly tunsrc?: string;
  readonly routes: Map<string, ExpectedRoute>;
  readonly tcFilters: Map<string, { pref: number; handle: string; name: string; resource: string }>;
  readonly maps: Map<string, Map<string, string>>;
  /** Pinned program directories and the programs each must hold. */
  readonly programs: Map<string, { programs: readonly string[]; resource: string }>;
  /** sha256 of the probe sender's config; undefined when no probe must run. */
  readonly probeConfigSha256?: string;
}

const fileHashes = new Map<string, string>();

export function localFileSha256(localPath: string): string {
  let h = fileHashes.get(localPath);
  if (!h) {
    h = sha256(readFileSync(join(PACKAGE_ROOT, localPath)));
    fileHashes.set(localPath, h);
  }
  return h;
}

export function expectationOf(plan: DataplanePlan): Expectation {
  const files = new Map<string, { sha256: string; localPath: string; mode: number }>();
  const sysctls = new Map<string, string>();
  const routes = new Map<string, ExpectedRoute>();
  const tcFilters = new Map<string, { pref: number; handle: string; name: string; resource: string }>();
  const maps = new Map<string, Map<string, string>>();
  const programs = new Map<string, { programs: readonly string[]; resource: string }>();
  let tunsrc: string | undefined;
  let probeConfigSha256: string | undefined;
  let bootHook: string | undefined;
  for (const op of plan.operations) {
    switch (op.kind) {
      case "files":
        for (const f of op.files) files.set(f.remotePath, { sha256: localFileSha256(f.localPath), localPath: f.localPath, mode: f.mode });
        break;
      case "sysctls":
        for (const [k, v] of op.values) sysctls.set(k, v);
        break;
      case "tunsrc":
        tunsrc = op.address;
        break;
      case "route": {
        const spec = specFromDesired(op.route);
        routes.set(routeKey(spec), { ...spec, resource: op.resource, description: op.description });
        break;
      }
      case "tc-filter":
        tcFilters.set(op.ifname, { pref: op.pref, handle: `0x${op.handle.toString(16)}`, name: programName(op.program.object, op.program.section), resource: op.resource });
        break;
      case "bpf-programs":
        programs.set(op.dir, { programs: op.programs, resource: op.resource });
        break;
      case "maps":
        for (const m of op.sync) maps.set(m.map, new Map(m.entries.map((e) => [e.key, e.value])));
        break;
      case "probe-sender":
        if (op.configText !== undefined) probeConfigSha256 = sha256(op.configText);
        break;
      case "boot-hook":
        files.set(op.file.remotePath, { sha256: localFileSha256(op.file.localPath), localPath: op.file.localPath, mode: op.file.mode });
        bootHook = op.file.remotePath;
        break;
      case "directories":
      case "clsact":
        break;
    }
  }
  return { files, bootHook, sysctls, tunsrc, routes, tcFilters, maps, programs, probeConfigSha256 };
}
