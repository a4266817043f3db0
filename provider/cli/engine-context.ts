/**
 * What every engine verb shares: read the synthesized stack (validated whole
 * before any router is contacted), the routers' connection settings (the
 * stack's, or a lab inventory's), and an Engine with progress output.
 */
import { readFileSync } from "node:fs";
import { loadDesiredState, type DesiredState } from "../state";
import { routerConnectionOptions, inventoryConnectionOptions, type InventoryRouterEndpoint } from "../ssh";
import { Engine } from "../engine/engine";
import { UsageError, type CliIO } from "./command";
import { readInventory } from "../../lab/state";
import { InventoryError, parseInventory } from "../../model/inventory";

export const STACK_OPTIONS = {
  stack: { type: "string" },
  "stack-name": { type: "string" },
  inventory: { type: "string" },
  lab: { type: "string" },
  parallelism: { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean" },
} as const;

export const STACK_USAGE = "[--stack DIR|FILE] [--stack-name N] [--inventory FILE | --lab NAME] [--parallelism N] [--json]";

export interface StackFlags {
  stack?: string;
  "stack-name"?: string;
  inventory?: string;
  lab?: string;
  parallelism?: string;
  json?: boolean;
  quiet?: boolean;
}

export interface EngineContext {
  readonly state: DesiredState;
  readonly engine: Engine;
}

/**
 * The routers' connection settings from --inventory FILE (checked whole by the
 * rule book, model/inventory.ts, before any router is contacted) or from the
 * lab's own inventory, by router name (a Map: a router named `constructor`
 * is not found in an object's prototype).
 */
function inventoryRouters(flags: StackFlags): ReadonlyMap<string, InventoryRouterEndpoint> | undefined {
  if (flags.inventory) {
    let text: string;
    try {
      text = readFileSync(flags.inventory, "utf8");
    } catch (err) {
      throw new InventoryError(flags.inventory, [{ resource: "inventory", field: "", value: flags.inventory, message: `cannot be read: ${(err as Error).message}` }]);
    }
    return new Map(Object.entries(parseInventory(text, flags.inventory).routers));
  }
  if (flags.lab) return new Map(Object.entries(readInventory(flags.lab).routers));
  return undefined;
}

export function openEngine(flags: StackFlags, io: CliIO): EngineContext {
  const state = loadDesiredState({ path: flags.stack, stack: flags["stack-name"] });
  const parallelism = flags.parallelism === undefined ? state.provider.parallelism : Number(flags.parallelism);
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 256) throw new UsageError(`--parallelism must be 1 to 256, got ${flags.parallelism}`);
  const inventory = inventoryRouters(flags);
  const byName = new Map(state.routers.map((r) => [r.name, r]));
  if (inventory) {
    const missing = state.routers.map((r) => r.name).filter((n) => !inventory.has(n));
    if (missing.length) throw new UsageError(`the inventory has no router named ${missing.join(", ")}`);
  }
  const showProgress = !flags.json && !flags.quiet;
  const engine = new Engine({
    parallelism,
    connectionFor: (name) => inventory
      ? inventoryConnectionOptions(name, inventory.get(name)!, { connectTimeoutMs: state.provider.connect_timeout_ms, commandTimeoutMs: state.provider.command_timeout_ms })
      : routerConnectionOptions(byName.get(name)!, state.provider),
    onProgress: showProgress ? (router, message) => io.stderr.write(`  ${router.padEnd(12)} ${message}\n`) : undefined,
  });
  return { state, engine };
}
