/**
 * Installs srv6-protect's dataplane on a lab with the exact commands the
 * renderer (provider/dataplane) produces, run through `lab.exec`, and reads
 * its state back. Used by test/dataplane and by the failover benchmark.
 *
 *   const dp = await installDataplane(lab, diamondDesiredState(lab.inventory, { intervalMs: 1 }));
 *   ... const st = await linkState(lab, "r1", "eth1");
 *   await dp.remove();
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Inventory } from "../../lab/inventory";
import type { RouterConfig, ProtectedLinkConfig, BackupPolicyConfig } from "../../model/schema";
import { renderDataplane } from "../../provider/dataplane/render";
import { decodeStatus, statusArgv, type DataplaneStatus, type LinkStatus, type MapDump } from "../../provider/dataplane/status";
import type { DataplanePlan, RouterCommand, RouterFacts } from "../../provider/dataplane/types";
import type { RunResult } from "../../lab/system/run";

/** The part of TestLab (test/helpers/lab.ts) this helper needs. */
export interface LabLike {
  readonly inventory: Inventory;
  exec(node: string, argv: readonly string[], opts?: { input?: string; timeoutMs?: number }): Promise<RunResult>;
}

export interface DesiredState {
  readonly routers: RouterConfig[];
  readonly links: ProtectedLinkConfig[];
  readonly policies: BackupPolicyConfig[];
}

/** A command of a plan failed on a router. */
export class DataplaneCommandError extends Error {
  constructor(readonly router: string, readonly command: RouterCommand, readonly code: number | null, readonly stderr: string) {
    super(`${router}: ${command.description}: \`${command.argv.join(" ")}\` exited ${code}: ${stderr.trim()}`);
    this.name = "DataplaneCommandError";
  }
}

const REPO_ROOT = resolve(__dirname, "..", "..", "..");

export interface InstalledDataplane {
  readonly plans: Readonly<Record<string, DataplanePlan>>;
  /** Runs every router's remove steps (tolerating absent pieces). */
  remove(): Promise<void>;
}

/** Interface indexes and systemd presence, as the engine would observe them. */
export async function routerFacts(lab: LabLike, router: string): Promise<RouterFacts> {
  const r = await lab.exec(router, ["ip", "-j", "link", "show"]);
  if (r.code !== 0) throw new Error(`${router}: ip -j link show failed: ${r.stderr}`);
  const ifindex: Record<string, number> = {};
  for (const l of JSON.parse(r.stdout) as { ifname: string; ifindex: number }[]) {
    if (/^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/.test(l.ifname)) ifindex[l.ifname] = l.ifindex;
  }
  // Lab routers run no systemd (and share the host's /run/systemd): never use it there.
  // Every lab router has eth1: it carries the node and decap SID routes.
  return { ifindex, systemd: false, sidDevice: "eth1" };
}

async function runCommands(lab: LabLike, router: string, commands: readonly RouterCommand[]): Promise<void> {
  for (const c of commands) {
    const r = await lab.exec(router, c.argv, { input: c.input, timeoutMs: 30_000 });
    if (r.code !== 0 && !c.ignoreFailure) throw new DataplaneCommandError(router, c, r.code, r.stderr);
  }
}

/**
 * Places the plan's files on a lab router. The content goes through stdin:
 * a router has its own /tmp, so a checkout under /tmp (as in CI) is not
 * visible from inside it.
 */
async function pushFiles(lab: LabLike, plan: DataplanePlan): Promise<void> {
  for (const f of plan.files) {
    const content = readFileSync(resolve(REPO_ROOT, f.localPath)).toString("base64");
    const r = await lab.exec(plan.router, ["sh", "-c", 'mkdir -p "$(dirname "$2")" && base64 -d > "$2.tmp" && chmod "$1" "$2.tmp" && mv "$2.tmp" "$2"', "sh", f.mode.toString(8), f.remotePath], { input: content });
    if (r.code !== 0) throw new Error(`${plan.router}: pushing ${f.localPath} to ${f.remotePath} failed: ${r.stderr}`);
  }
}

/**
 * Renders and installs the dataplane on every router of `desired` (or only
 * `opts.routers`). If one router fails, that router's remove steps run
 * before the error is rethrown (all or nothing per router).
 */
export async function installDataplane(lab: LabLike, desired: DesiredState, opts: { routers?: readonly string[] } = {}): Promise<InstalledDataplane> {
  const names = opts.routers ?? desired.routers.map((r) => r.name);
  const plans: Record<string, DataplanePlan> = {};
  for (const name of names) {
    plans[name] = renderDataplane({ router: name, ...desired, facts: await routerFacts(lab, name) });
  }
  const installed: string[] = [];
  const remove = async (): Promise<void> => {
    for (const name of installed) await runCommands(lab, name, plans[name]!.remove);
  };
  try {
    // Stage by stage across routers: every End.X and decap SID exists before
    // any probe or backup path points at it.
    for (const name of names) {
      installed.push(name);
      await pushFiles(lab, plans[name]!);
    }
    for (const stage of ["sids", "local", "probes"] as const) {
      for (const name of names) await runCommands(lab, name, plans[name]!.install.filter((c) => c.stage === stage));
    }
  } catch (e) {
    await remove().catch(() => undefined);
    throw e;
  }
  return { plans, remove };
}

export async function dataplaneStatus(lab: LabLike, router: string): Promise<DataplaneStatus> {
  const r = await lab.exec(router, statusArgv());
  if (r.code !== 0) throw new Error(`${router}: reading the dataplane maps failed (exit ${r.code}): ${r.stderr}`);
  return decodeStatus(JSON.parse(r.stdout) as MapDump);
}

/** State of the link end on `router` whose interface is `ifname`. */
export async function linkStatus(lab: LabLike, router: string, ifname: string): Promise<LinkStatus> {
  const facts = await routerFacts(lab, router);
  const ifindex = facts.ifindex[ifname];
  const st = (await dataplaneStatus(lab, router)).links.find((l) => l.ifindex === ifindex);
  if (!st || !st.state) throw new Error(`${router}: no link state for ${ifname} (ifindex ${ifindex})`);
  return st;
}

/** Polls until `pred` holds or `timeoutMs` passes; returns the last value either way. */
export async function waitFor<T>(read: () => Promise<T>, pred: (v: T) => boolean, timeoutMs: number, stepMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (pred(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export interface DiamondOptions {
  readonly intervalMs?: number;
  readonly multiplier?: number;
  readonly holdDownMs?: number;
  /** The links' backup_probe_interval_ms (0: none); unset, the product default. */
  readonly backupProbeIntervalMs?: number;
}

/** SID of function `fn` in a /48 locator, as model/sid-layout.ts lays them out. */
function sid(locator: string, fn: number): string {
  const base = locator.split("::/")[0]!;
  return `${base}:${fn.toString(16)}::`;
}

/**
 * The diamond example protected on r1-r2 (see examples/lab/diamond.json):
 *
 *        h1                     h2
 *        |                      |
 *        r1 ==(eth1) r1-r2 (eth1)== r2
 *        |  \______ eth2           \ eth2
 *        |         r3 ---- r4 ------ (r4 eth1)
 *   r1 protects h2's prefix: backup [r3 End, r4 End.DT6]
 *   r2 protects h1's prefix: backup [r4 End, r3 End, r1 End.DT6]
 * (r2 -> r3 ties between r2-r4-r3 and r2-r1-r3, so r2's backup names r4 first.)
 */
export function diamondDesiredState(inv: Inventory, opts: DiamondOptions = {}): DesiredState {
  const r = inv.routers;
  const routers: RouterConfig[] = Object.entries(r).sort(([a], [b]) => a.localeCompare(b)).map(([name, x]) => ({
    name,
    host: x.host,
    locator: x.locator,
    node_sid: sid(x.locator, 0x1),
    decap_sid: sid(x.locator, 0x2),
  }));
  const r1if = r.r1!.interfaces.eth1!;
  const r2if = r.r2!.interfaces.eth1!;
  const links: ProtectedLinkConfig[] = [{
    name: "r1_r2",
    router_a: "r1", interface_a: "eth1", peer_address_a: r1if.peerAddress,
    monitor_sid_a: sid(r.r1!.locator, 0x2001), return_sid_a: sid(r.r2!.locator, 0x1001),
    router_b: "r2", interface_b: "eth1", peer_address_b: r2if.peerAddress,
    monitor_sid_b: sid(r.r2!.locator, 0x2001), return_sid_b: sid(r.r1!.locator, 0x1001),
    probe_interval_ms: opts.intervalMs ?? 10,
    multiplier: opts.multiplier ?? 3,
    hold_down_ms: opts.holdDownMs ?? 300,
    ...(opts.backupProbeIntervalMs !== undefined ? { backup_probe_interval_ms: opts.backupProbeIntervalMs } : {}),
  }];
  const h1 = inv.hosts.h1!;
  const h2 = inv.hosts.h2!;
  const policies: BackupPolicyConfig[] = [
    { name: "r1_to_h2", router: "r1", link: "r1_r2", destination: "r4", prefixes: [h2.prefix], segments: [sid(r.r3!.locator, 0x1), sid(r.r4!.locator, 0x2)] },
    { name: "r2_to_h1", router: "r2", link: "r1_r2", destination: "r1", prefixes: [h1.prefix], segments: [sid(r.r4!.locator, 0x1), sid(r.r3!.locator, 0x1), sid(r.r1!.locator, 0x2)] },
  ];
  return { routers, links, policies };
}
