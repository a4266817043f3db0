import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stateDir } from "./system/names";
import { LabStateError } from "./errors";
import { listLabs } from "./down";
import type { LabPlan } from "./topology/addressing";
import type { Inventory } from "./inventory";

/** The one lab that is up when no name is given; an error naming the choices otherwise. */
export function resolveLabName(name?: string): string {
  if (name) return name;
  const labs = listLabs();
  if (labs.length === 1) return labs[0]!;
  if (labs.length === 0) throw new LabStateError("no lab is up; start one with 'srv6 lab up FILE'");
  throw new LabStateError(`several labs are up (${labs.join(", ")}); name one with --lab NAME`);
}

export function readInventory(name?: string): Inventory {
  const lab = resolveLabName(name);
  const file = join(stateDir(lab), "inventory.json");
  if (!existsSync(file)) throw new LabStateError(`lab '${lab}' has no inventory (not up, or still starting): ${file}`);
  return JSON.parse(readFileSync(file, "utf8")) as Inventory;
}

export function readPlan(name?: string): LabPlan {
  const lab = resolveLabName(name);
  const file = join(stateDir(lab), "plan.json");
  if (!existsSync(file)) throw new LabStateError(`lab '${lab}' is not up`);
  return JSON.parse(readFileSync(file, "utf8")) as LabPlan;
}

/**
 * Records a router's new sshd pid (after a reboot) in pids.json and
 * inventory.json; each file is replaced whole, so a reader never sees half.
 */
export function recordRouterPid(lab: string, router: string, pid: number): void {
  const dir = stateDir(lab);
  const pidsFile = join(dir, "pids.json");
  const pids = existsSync(pidsFile) ? JSON.parse(readFileSync(pidsFile, "utf8")) as Record<string, number> : {};
  replaceFile(pidsFile, JSON.stringify({ ...pids, [router]: pid }));
  const inv = readInventory(lab);
  const routers = { ...inv.routers, [router]: { ...inv.routers[router]!, pid } };
  replaceFile(join(dir, "inventory.json"), JSON.stringify({ ...inv, routers }, null, 2));
}

function replaceFile(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}
