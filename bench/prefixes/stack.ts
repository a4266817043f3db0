/**
 * The diamond with N more prefixes behind r4 (examples/diamond), synthesized
 * in-process into a private directory, and the lab routes that make those
 * prefixes reachable: the prefix-scale benchmark and its lab test share both.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { DiamondStack, extraPrefixesBehindR4 } from "../../examples/diamond/main";
import { baseRouteWords } from "../../lab/routing/base-routes";
import type { RunResult } from "../../lab/system/run";

/** The extra prefixes' aggregate (extraPrefixesBehindR4 stays inside it up to 65,536 prefixes). */
export const EXTRA_AGGREGATE = "2001:db8:100::/48";

export interface PrefixStackOptions {
  readonly inventoryFile: string;
  readonly extraPrefixes: number;
  readonly probeIntervalMs?: number;
  readonly multiplier?: number;
  readonly holdDownMs?: number;
}

export interface PrefixStack {
  /** `<outDir>/cdktf.out`, for `srv6 --stack`. */
  readonly stackDir: string;
  readonly synthMs: number;
  /** srv6_backup_policy resources in the stack. */
  readonly policies: number;
  readonly resources: number;
}

export function synthesizePrefixStack(outDir: string, o: PrefixStackOptions): PrefixStack {
  const started = process.hrtime.bigint();
  const stackDir = join(outDir, "cdktf.out");
  mkdirSync(outDir, { recursive: true });
  const app = new App({ outdir: stackDir });
  new DiamondStack(app, "diamond", {
    inventory: o.inventoryFile, probeIntervalMs: o.probeIntervalMs, multiplier: o.multiplier, holdDownMs: o.holdDownMs, extraPrefixesBehindR4: o.extraPrefixes,
  });
  app.synth();
  const synthMs = Number(process.hrtime.bigint() - started) / 1e6;
  const doc = JSON.parse(readFileSync(join(stackDir, "stacks", "diamond", "cdk.tf.json"), "utf8")) as { resource?: Record<string, Record<string, unknown>> };
  const resources = doc.resource ?? {};
  return {
    stackDir, synthMs,
    policies: Object.keys(resources.srv6_backup_policy ?? {}).length,
    resources: Object.values(resources).reduce((n, byName) => n + Object.keys(byName).length, 0),
  };
}

/** A host address inside the i-th extra prefix. */
export function extraPrefixAddress(i: number): string {
  return extraPrefixesBehindR4(i + 1)[i]!.replace("::/64", "::1");
}

type Exec = (node: string, argv: readonly string[]) => Promise<RunResult | { code: number; stdout: string; stderr: string }>;

/**
 * The lab's IGP stand-in routes h2's /64 only: route the aggregate the same
 * way on every router, r4 on to h2, and let h2 answer for all of it.
 */
export async function routeExtraPrefixes(exec: Exec, routers: readonly string[], h2: { readonly prefix: string; readonly address: string }): Promise<void> {
  const must = async (node: string, argv: string[]) => {
    const r = await exec(node, argv);
    if (r.code !== 0) throw new Error(`${node}: ${argv.join(" ")} failed (exit ${r.code}): ${r.stderr}`);
    return r.stdout;
  };
  for (const r of routers) {
    const [route] = JSON.parse(await must(r, ["ip", "-6", "-j", "route", "show", h2.prefix])) as { gateway?: string; dev?: string; nexthops?: { gateway: string; dev: string }[] }[];
    if (!route) throw new Error(`${r}: no route to ${h2.prefix}`);
    // r4 has h2's /64 attached: its next hop is h2 itself. Equal-cost branches are copied as they are.
    const nexthops = route.nexthops?.length ? route.nexthops.map((n) => ({ via: n.gateway, dev: n.dev })) : [{ via: route.gateway ?? h2.address, dev: route.dev! }];
    await must(r, ["ip", "-6", ...baseRouteWords({ prefix: EXTRA_AGGREGATE, nexthops })]);
  }
  await must("h2", ["ip", "-6", "route", "replace", "local", EXTRA_AGGREGATE, "dev", "lo"]);
}
