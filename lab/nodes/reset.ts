/**
 * What a reboot resets in a lab router's network namespace, once none of its
 * processes is left, back to what `lab up` made: every interface keeps
 * existing (the veths are the cables: the wire's ports and carrier stay as
 * they are), but loses its tc qdiscs and filters, XDP program, addresses and
 * neighbours; every route of every table, every nexthop object and the SRv6
 * tunnel source go; the sysctls go back to lab up's. Then the lab's
 * addresses and base routes come back from the same functions lab up uses.
 */
import { run } from "../system/run";
import { managementBatch } from "./router";
import { restoreSysctls } from "./sysctl-snapshot";
import { interfaceBatch } from "../links";
import { installBaseRoutes } from "../routing/install";
import type { LabPlan, PlannedRouter } from "../topology/addressing";

export interface ResetReport {
  /** Sysctl keys that differed from lab up's and were written back. */
  readonly sysctlsRestored: string[];
  /** Qdiscs removed, as `dev:kind`. */
  readonly qdiscsRemoved: string[];
}

export async function resetRouter(plan: LabPlan, r: PlannedRouter, routerDir: string): Promise<ResetReport> {
  const ns = r.netns;
  const links = (JSON.parse((await run(["ip", "-n", ns, "-j", "link", "show"])).stdout || "[]") as { ifname: string }[]).map((l) => l.ifname);
  const qdiscsRemoved = await removeQdiscs(ns);
  // disable_ipv6=1 drops every IPv6 address and route of the interface
  // without touching its carrier; restoreSysctls below sets it back to 0,
  // and the kernel makes the link-local (and lo's ::1) again, as at boot.
  // Slashes: an interface name may hold a dot (eth1.100), which the dotted form would split.
  await run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", ...links.map((l) => `net/ipv6/conf/${l}/disable_ipv6=1`)]);
  // lo goes down (it has no carrier to lose) so that bringing it up again
  // makes 127.0.0.1 as at boot; every other interface stays up.
  await run(["ip", "-n", ns, "-batch", "-"], {
    input: ["link set dev lo down\n", ...links.map((l) => `link set dev ${l} xdp off\naddr flush dev ${l}\nneigh flush nud all dev ${l}\n`)].join(""),
  });
  await run(["ip", "-n", ns, "-6", "route", "flush", "table", "all"]);
  await run(["ip", "-n", ns, "-4", "route", "flush", "table", "all"]);
  await run(["ip", "-n", ns, "nexthop", "flush"]);
  await run(["ip", "-n", ns, "sr", "tunsrc", "set", "::"]);
  const sysctlsRestored = await restoreSysctls(r, routerDir);
  await run(["ip", "-n", ns, "-batch", "-"], { input: managementBatch(r) });
  await run(["ip", "-n", ns, "-6", "-batch", "-"], { input: interfaceBatch(r) });
  await installBaseRoutes(plan, r);
  // /run/srv6-protect needs nothing: it is a tmpfs of the old mount namespace, gone with it.
  return { sysctlsRestored, qdiscsRemoved };
}

/** Deletes clsact/ingress qdiscs and any root qdisc the kernel did not make (handle 0: is its default). */
async function removeQdiscs(ns: string): Promise<string[]> {
  const qdiscs = JSON.parse((await run(["tc", "-n", ns, "-j", "qdisc", "show"])).stdout || "[]") as { kind: string; handle: string; dev: string; root?: boolean }[];
  const lines: string[] = [];
  const removed: string[] = [];
  for (const q of qdiscs) {
    if (q.kind === "clsact" || q.kind === "ingress") lines.push(`qdisc del dev ${q.dev} ${q.kind}`);
    else if (q.root && q.handle !== "0:") lines.push(`qdisc del dev ${q.dev} root`);
    else continue;
    removed.push(`${q.dev}:${q.kind}`);
  }
  if (lines.length > 0) await run(["tc", "-n", ns, "-batch", "-"], { input: `${lines.join("\n")}\n` });
  return removed;
}

