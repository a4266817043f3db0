/**
 * What a router must show once its rendered plan is installed: the files with
 * their hashes, sysctls, tunsrc, routes, tc filters, map entries and the
 * probe sender. Derived from the renderer's own commands, so the engine never
 * keeps a second description of the dataplane.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DataplanePlan, RouterCommand } from "../dataplane/types";
import { PACKAGE_ROOT } from "./router-scripts";
import { specFromArgv, routeKey, type RouteSpec } from "./route-spec";
import { sha256 } from "./bundle";

export interface ExpectedRoute extends RouteSpec {
  readonly resource: string;
  readonly description: string;
}

export interface Expectation {
  readonly files: Map<string, { sha256: string; localPath: string; mode: number }>;
  readonly sysctls: Map<string, string>;
  readonly tunsrc?: string;
  readonly routes: Map<string, ExpectedRoute>;
  readonly tcFilters: Map<string, { pref: number; handle: string; name: string; resource: string }>;
  readonly maps: Map<string, Map<string, string>>;
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

function basename(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

function tcFilterOf(c: RouterCommand): { ifname: string; pref: number; handle: string; name: string } | undefined {
  const a = c.argv;
  if (a[0] !== "tc" || a[1] !== "filter" || a[2] !== "replace") return undefined;
  const at = (w: string) => a[a.indexOf(w) + 1]!;
  return { ifname: at("dev"), pref: Number(at("pref")), handle: at("handle"), name: `${basename(at("obj"))}:[${at("sec")}]` };
}

export function expectationOf(plan: DataplanePlan): Expectation {
  const files = new Map(plan.files.map((f) => [f.remotePath, { sha256: localFileSha256(f.localPath), localPath: f.localPath, mode: f.mode }]));
  const sysctls = new Map<string, string>();
  const routes = new Map<string, ExpectedRoute>();
  const tcFilters = new Map<string, { pref: number; handle: string; name: string; resource: string }>();
  const maps = new Map<string, Map<string, string>>();
  let tunsrc: string | undefined;
  let probeConfigSha256: string | undefined;
  for (const c of plan.install) {
    const a = c.argv;
    const spec = specFromArgv(a);
    if (spec) routes.set(routeKey(spec), { ...spec, resource: c.resource, description: c.description });
    else if (a[0] === "sysctl") for (const kv of a.filter((x) => x.includes("="))) { const [k, v] = kv.split("="); sysctls.set(k!, v!); }
    else if (a[0] === "ip" && a[1] === "sr" && a[2] === "tunsrc") tunsrc = a[4];
    else if (tcFilterOf(c)) { const t = tcFilterOf(c)!; tcFilters.set(t.ifname, { ...t, resource: c.resource }); }
    else if (a.includes("apply") && a.some((x) => x.endsWith("srv6p-maps.py"))) {
      for (const op of JSON.parse(c.input ?? "[]") as { op: string; map: string; entries: { key: string; value: string }[] }[]) {
        if (op.op === "sync") maps.set(op.map, new Map(op.entries.map((e) => [e.key, e.value])));
      }
    } else if (a.includes("install-config")) probeConfigSha256 = sha256(c.input ?? "");
  }
  return { files, sysctls, tunsrc, routes, tcFilters, maps, probeConfigSha256 };
}
