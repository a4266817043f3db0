/**
 * SSH connection settings of the built-in lab's routers, for example apps
 * (their router props): the lab's own naming and addressing rules.
 *
 * Looks, in order, at the inventory file named by env SRV6_INVENTORY, at the
 * lab's own `/run/srv6-lab/<lab>/inventory.json`, and otherwise falls back
 * to the lab's deterministic layout (management address <mgmt>.(10+i) for
 * the i-th router, keys under /run/srv6-lab/<lab>/), so `cdktf synth` works
 * before the lab is up.
 */
import { existsSync, readFileSync } from "node:fs";
import type { Inventory, InventoryRouter } from "./inventory";
import { LabStateError } from "./errors";
import { stateDir } from "./system/names";
import { mgmtAddress } from "./topology/addressing";
import { connectionDefaults } from "../model/schema";

export const INVENTORY_ENV = "SRV6_INVENTORY";

/** How to reach a lab router: the fields a construct's router props take, by the same names (no host key before the lab is up). */
export type LabConnection = Pick<InventoryRouter, "host" | "port" | "user" | "sudo" | "privateKeyFile" | "knownHostsFile"> & Partial<Pick<InventoryRouter, "hostKeySha256">>;

export interface LabRouterDefaults {
  readonly name: string;
  /** @default "root" */
  readonly user?: string;
}

export interface LabConnectionsOptions {
  /** Lab name (the topology's `name`). */
  readonly lab: string;
  /** Management subnet of the topology, e.g. 198.18.0.0/24. */
  readonly mgmtSubnet: string;
  /** The topology's routers, in its `nodes` order. */
  readonly routers: readonly LabRouterDefaults[];
  /**
   * Inventory file to read, or false to use only the deterministic layout.
   * @default env SRV6_INVENTORY, else /run/srv6-lab/<lab>/inventory.json if it exists
   */
  readonly inventory?: string | false;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Connection settings by router name. */
export function labConnections(opts: LabConnectionsOptions): Record<string, LabConnection> {
  const env = opts.env ?? process.env;
  const fromEnv = env[INVENTORY_ENV];
  const conventional = `${stateDir(opts.lab)}/inventory.json`;
  const file = opts.inventory === false ? undefined
    : opts.inventory !== undefined ? opts.inventory
    : fromEnv !== undefined && fromEnv !== "" ? fromEnv
    : existsSync(conventional) ? conventional : undefined;
  if (file !== undefined) return fromInventory(file, opts);
  const dir = stateDir(opts.lab);
  return Object.fromEntries(opts.routers.map((r, i) => [r.name, {
    host: mgmtAddress(opts.mgmtSubnet, i + 1),
    ...connectionDefaults({ user: r.user }),
    privateKeyFile: `${dir}/id_ed25519`,
    knownHostsFile: `${dir}/known_hosts`,
  }]));
}

function fromInventory(file: string, opts: LabConnectionsOptions): Record<string, LabConnection> {
  let inventory: Inventory;
  try {
    inventory = JSON.parse(readFileSync(file, "utf8")) as Inventory;
  } catch (err) {
    throw new LabStateError(`lab inventory ${file} (${INVENTORY_ENV}): cannot read it as JSON: ${(err as Error).message}`, { cause: err });
  }
  const result: Record<string, LabConnection> = {};
  for (const { name } of opts.routers) {
    const r = Object.hasOwn(inventory.routers ?? {}, name) ? inventory.routers[name] : undefined;
    if (r === undefined) {
      throw new LabStateError(`lab inventory ${file}: routers.${name}: router "${name}" is missing; is this the inventory of lab "${opts.lab}" (it says "${inventory.lab}")?`);
    }
    result[name] = {
      host: r.host, port: r.port, user: r.user, sudo: r.sudo,
      privateKeyFile: r.privateKeyFile, knownHostsFile: r.knownHostsFile, hostKeySha256: r.hostKeySha256,
    };
  }
  return result;
}
