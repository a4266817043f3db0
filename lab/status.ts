import { existsSync } from "node:fs";
import { connect } from "node:net";
import { readInventory, readPlan } from "./state";
import { linkStates, type LinkState } from "./failures";
import { listLabs } from "./down";

export interface LabStatus {
  readonly lab: string;
  readonly description?: string;
  readonly stateDir: string;
  readonly routers: RouterStatus[];
  readonly hosts: { name: string; netns: string; address: string; present: boolean }[];
  readonly links: LinkState[];
}

export interface RouterStatus {
  readonly name: string;
  readonly host: string;
  readonly user: string;
  readonly netns: string;
  readonly pid: number;
  readonly sshd: "running" | "dead";
  readonly sshReachable: boolean;
}

export async function labStatus(name?: string): Promise<LabStatus> {
  const inv = readInventory(name);
  const plan = readPlan(inv.lab);
  const routers = await Promise.all(Object.entries(inv.routers).map(async ([rname, r]): Promise<RouterStatus> => ({
    name: rname, host: r.host, user: r.user, netns: r.netns, pid: r.pid,
    sshd: alive(r.pid) ? "running" : "dead",
    sshReachable: await reachable(r.host, r.port),
  })));
  return {
    lab: inv.lab,
    description: plan.description,
    stateDir: inv.stateDir,
    routers,
    hosts: Object.entries(inv.hosts).map(([hname, h]) => ({ name: hname, netns: h.netns, address: h.address, present: existsSync(`/run/netns/${h.netns}`) })),
    links: await linkStates(plan),
  };
}

export async function allLabStatus(): Promise<LabStatus[]> {
  return Promise.all(listLabs().map((l) => labStatus(l)));
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 1000 });
    s.once("connect", () => { s.destroy(); resolve(true); });
    s.once("error", () => resolve(false));
    s.once("timeout", () => { s.destroy(); resolve(false); });
  });
}
