/**
 * The router's sysctls as `lab up` left them, saved once the router's links
 * exist, so a reboot can put back every per-interface value (seg6_enabled,
 * neigh retrans_time_ms...) the kernel would otherwise only reset by
 * recreating the interface. Only the trees that live per network namespace
 * are saved: writing back a global key would change this machine.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../system/run";
import { LabStateError } from "../errors";
import type { PlannedRouter } from "../topology/addressing";

const TREES = ["net.ipv6", "net.ipv4.conf", "net.ipv4.neigh"] as const;
const FILE = "sysctls.json";

export type SysctlValues = Readonly<Record<string, string>>;

/** Every key of the saved trees and its value, as `sysctl` prints them inside the namespace. */
export async function readSysctls(netns: string): Promise<SysctlValues> {
  // Some keys cannot be read (stable_secret when unset): sysctl says so on stderr and goes on.
  const out = await run(["ip", "netns", "exec", netns, "sysctl", ...TREES], { allowFailure: true });
  const values: Record<string, string> = {};
  for (const line of out.stdout.split("\n")) {
    const m = /^(\S+) = (.*)$/.exec(line);
    if (m) values[m[1]!] = m[2]!;
  }
  return values;
}

export async function saveSysctls(r: PlannedRouter, routerDir: string): Promise<void> {
  writeFileSync(join(routerDir, FILE), JSON.stringify(await readSysctls(r.netns), null, 1));
}

/**
 * Writes back every saved key whose value differs now; resolves to those keys.
 * Order matters: `all.*` first (writing all.forwarding rewrites every
 * interface's), then `default.*`, then per-interface keys, and disable_ipv6
 * last, so that an interface whose IPv6 comes back up (and makes its
 * link-local address) already has its other settings.
 */
export async function restoreSysctls(r: PlannedRouter, routerDir: string): Promise<string[]> {
  const file = join(routerDir, FILE);
  if (!existsSync(file)) throw new LabStateError(`router ${r.name}: ${file} is missing (the lab was built by an older srv6); run 'srv6 lab down' and 'up' again`, { node: r.name });
  const saved = JSON.parse(readFileSync(file, "utf8")) as SysctlValues;
  const now = await readSysctls(r.netns);
  const changed = Object.keys(saved).filter((k) => now[k] !== undefined && now[k] !== saved[k]).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  if (changed.length > 0) {
    await run(["ip", "netns", "exec", r.netns, "sysctl", "-q", "-w", ...changed.map((k) => `${k}=${saved[k]}`)]);
  }
  return changed;
}

function rank(key: string): number {
  if (key.endsWith(".disable_ipv6")) return 3;
  if (/\.all\./.test(key)) return 0;
  if (/\.default\./.test(key)) return 1;
  return 2;
}
