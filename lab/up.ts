import { mkdirSync, writeFileSync, readFileSync, existsSync, readdirSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { loadTopology } from "./topology/load";
import { planLab, type LabPlan } from "./topology/addressing";
import { installBaseRoutes } from "./routing/install";
import { startLabIgp, waitIgpConverged } from "./routing/frr/igp";
import { createRouter, startRouter, type RouterFiles } from "./nodes/router";
import { createHost, configureHost } from "./nodes/host";
import { generateKey } from "./nodes/identity";
import { saveSysctls } from "./nodes/sysctl-snapshot";
import { createLinks } from "./links";
import { attachWire, createWire } from "./wire/wire";
import { run } from "./system/run";
import { waitForPort } from "./system/wait-port";
import { stateDir, labOfNetns } from "./system/names";
import { labDown } from "./down";
import { LabStateError } from "./errors";
import type { Inventory } from "./inventory";
import { connectionDefaults } from "../model/schema";
import type { LabRouting } from "./topology/schema";

export interface UpOptions {
  /** Overrides the topology's name (tests use unique names). */
  readonly name?: string;
  /** Overrides the topology's management /24. */
  readonly mgmtSubnet?: string;
  /** Overrides the topology's `routing`. */
  readonly routing?: LabRouting;
  /** Called with one line per step. */
  readonly progress?: (line: string) => void;
  /**
   * Time allowed for every sshd to accept connections.
   * @default readyTimeoutMsFor(routers): 15 s, plus 0.5 s per router beyond 10
   */
  readonly readyTimeoutMs?: number;
}

/**
 * sshd start-up competes for the machine's CPUs with every other router
 * being built, so the wait for all of them grows with their number (at 50
 * routers on two busy CPUs the last sshd answered after 16 s).
 */
export function readyTimeoutMsFor(routers: number): number {
  return 15_000 + 500 * Math.max(0, routers - 10);
}

/** Builds the lab; on any failure removes whatever it had built. */
export async function labUp(file: string, opts: UpOptions = {}): Promise<Inventory> {
  const topo = loadTopology(file);
  const plan = planLab(topo, opts);
  const progress = opts.progress ?? (() => undefined);
  await refuseIfPresent(plan);
  const dir = stateDir(plan.name);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  try {
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan, null, 2));
    copyFileSync(file, join(dir, "topology.json"));
    return await build(plan, dir, progress, opts.readyTimeoutMs ?? readyTimeoutMsFor(plan.routers.length));
  } catch (err) {
    progress(`failed, removing what was built: ${(err as Error).message}`);
    await labDown(plan.name).catch(() => undefined);
    throw err;
  }
}

async function refuseIfPresent(plan: LabPlan): Promise<void> {
  const namespaces = existsSync("/run/netns") ? readdirSync("/run/netns") : [];
  if (existsSync(stateDir(plan.name)) || namespaces.some((n) => labOfNetns(n) === plan.name)) {
    throw new LabStateError(`lab '${plan.name}' is already up; run 'srv6 lab down ${plan.name}' first, or pass --name to start another`);
  }
  const routes = await run(["ip", "-4", "route", "show", "match", plan.mgmtGateway]);
  if (routes.stdout.split("\n").some((l) => l.startsWith(plan.mgmtSubnet))) {
    throw new LabStateError(`management subnet ${plan.mgmtSubnet} is already in use on this machine; choose another mgmtSubnet`);
  }
}

async function build(plan: LabPlan, dir: string, progress: (line: string) => void, readyTimeoutMs: number): Promise<Inventory> {
  progress(`creating management bridge ${plan.bridge} (${plan.mgmtSubnet})`);
  await run(["ip", "link", "add", plan.bridge, "type", "bridge"]);
  await run(["ip", "addr", "add", `${plan.mgmtGateway}/24`, "dev", plan.bridge]);
  await run(["ip", "link", "set", plan.bridge, "up"]);

  const privateKeyFile = join(dir, "id_ed25519");
  await generateKey(privateKeyFile, `srv6-lab-${plan.name}`);
  const authorizedKeys = join(dir, "authorized_keys");
  writeFileSync(authorizedKeys, readFileSync(`${privateKeyFile}.pub`), { mode: 0o644 });

  progress(`creating ${plan.routers.length} routers and ${plan.hosts.length} hosts`);
  const files = new Map<string, RouterFiles>();
  await Promise.all(plan.routers.map(async (r) => { files.set(r.name, await createRouter(r, dir, plan.bridge, authorizedKeys)); }));
  await Promise.all(plan.hosts.map((h) => createHost(h)));

  progress(`creating ${plan.links.length} links through the lab's wire`);
  await createWire(plan);
  await createLinks(plan);
  await Promise.all(plan.hosts.map((h) => configureHost(h)));

  if (plan.routing !== "ospf6") progress("installing base routes (static, over every equal-cost path)");
  await Promise.all(plan.routers.map((r) => installBaseRoutes(plan, r)));
  // What a reboot puts back (lab/reboot.ts): every interface exists now.
  await Promise.all(plan.routers.map((r) => saveSysctls(r, files.get(r.name)!.dir)));

  progress("starting sshd on every router");
  const pids = new Map(plan.routers.map((r) => [r.name, startRouter(r, files.get(r.name)!)]));
  writeFileSync(join(dir, "pids.json"), JSON.stringify(Object.fromEntries(pids)));

  const knownHostsFile = join(dir, "known_hosts");
  writeFileSync(knownHostsFile, plan.routers.map((r) => `${r.mgmtAddress} ${files.get(r.name)!.hostKeyPub}\n`).join(""));

  await Promise.all(plan.routers.map((r) => waitForPort(r.mgmtAddress, 22, readyTimeoutMs, r.name)));
  progress("all routers accept SSH");
  // Only now: every router's mount namespace exists, and the wire's bpffs must not be in any of them.
  await attachWire(plan);
  if (plan.routing === "ospf6") {
    progress("starting FRR (zebra, ospf6d) on every router");
    for (const r of plan.routers) await startLabIgp(r, pids.get(r.name)!);
    await waitIgpConverged(plan, pids);
    progress("OSPFv3 converged: every router has a route to every locator and host");
  }

  const inventory: Inventory = {
    lab: plan.name,
    stateDir: dir,
    privateKeyFile,
    knownHostsFile,
    routers: Object.fromEntries(plan.routers.map((r) => [r.name, {
      host: r.mgmtAddress,
      ...connectionDefaults({ user: r.user }),
      privateKeyFile,
      knownHostsFile,
      hostKeySha256: files.get(r.name)!.hostKeySha256,
      netns: r.netns,
      pid: pids.get(r.name)!,
      locator: r.locator,
      loopback: r.loopback,
      interfaces: Object.fromEntries(r.interfaces.map((i) => [i.name, {
        address: i.address, peer: i.peer, peerInterface: i.peerInterface, peerAddress: i.peerAddress, metric: i.metric,
      }])),
    }])),
    hosts: Object.fromEntries(plan.hosts.map((h) => [h.name, {
      netns: h.netns, address: h.address, prefix: h.prefix, router: h.router, interface: h.interface,
    }])),
    links: plan.links.map((l) => ({ endpoints: [`${l.a.node}:${l.a.ifname}`, `${l.b.node}:${l.b.ifname}`] as [string, string], metric: l.metric, subnet: l.subnet })),
  };
  writeFileSync(join(dir, "inventory.json"), JSON.stringify(inventory, null, 2));
  return inventory;
}
