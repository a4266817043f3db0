import { existsSync, readdirSync, rmSync, rmdirSync } from "node:fs";
import { run } from "./system/run";
import { netnsPids } from "./system/processes";
import { STATE_ROOT, bridgeName, labOfNetns, stateDir } from "./system/names";
import { ROUTER_PRIVATE_DIRS } from "./nodes/router";
import { removeWire } from "./wire/wire";

export interface DownReport {
  readonly lab: string;
  readonly namespaces: string[];
  readonly processes: number;
  readonly errors: string[];
}

async function rootLinks(pattern: RegExp): Promise<string[]> {
  const out = await run(["ip", "-j", "link", "show"], { allowFailure: true });
  return (JSON.parse(out.stdout || "[]") as { ifname: string }[]).map((l) => l.ifname).filter((n) => pattern.test(n));
}

/** Names of the labs present on this machine (state directory or namespaces). */
export function listLabs(): string[] {
  const names = new Set<string>();
  if (existsSync(STATE_ROOT)) for (const d of readdirSync(STATE_ROOT)) names.add(d);
  if (existsSync("/run/netns")) for (const n of readdirSync("/run/netns")) { const lab = labOfNetns(n); if (lab) names.add(lab); }
  return [...names].sort();
}

/**
 * Removes everything of a lab, found by name prefix alone, so it also cleans
 * up after a crash. Keeps going past failures and reports them together.
 */
export async function labDown(lab: string): Promise<DownReport> {
  const errors: string[] = [];
  const namespaces = existsSync("/run/netns") ? readdirSync("/run/netns").filter((n) => labOfNetns(n) === lab) : [];
  let processes = 0;
  // Processes first: sshd and everything started through it (probe senders)
  // hold the routers' mount namespaces, bpffs and pinned maps alive.
  for (const ns of namespaces) {
    for (const pid of await netnsPids(ns)) {
      try { process.kill(pid, "SIGKILL"); processes++; } catch (err) { if ((err as NodeJS.ErrnoException).code !== "ESRCH") errors.push(`kill ${pid}: ${(err as Error).message}`); }
    }
  }
  for (const ns of namespaces) {
    const r = await run(["ip", "netns", "del", ns], { allowFailure: true });
    if (r.code !== 0) errors.push(`ip netns del ${ns}: ${r.stderr.trim()}`);
  }
  // The kernel frees a namespace (and the veths in it) asynchronously once its
  // last process is gone; delete our root-namespace ends now and wait.
  const ours = new RegExp(`^${bridgeName(lab)}(-\\d+)?$`);
  for (let attempt = 0; ; attempt++) {
    const links = await rootLinks(ours);
    if (links.length === 0) break;
    if (attempt === 50) { errors.push(`links still present: ${links.join(", ")}`); break; }
    for (const l of links) await run(["ip", "link", "del", l], { allowFailure: true });
    await new Promise((r) => setTimeout(r, 100));
  }
  try { await removeWire(lab); } catch (err) { errors.push(`wire: ${(err as Error).message}`); }
  rmSync(stateDir(lab), { recursive: true, force: true });
  if (listLabs().length === 0) {
    for (const d of [...ROUTER_PRIVATE_DIRS, STATE_ROOT]) { try { rmdirSync(d); } catch { /* not empty or not ours */ } }
  }
  return { lab, namespaces, processes, errors };
}
