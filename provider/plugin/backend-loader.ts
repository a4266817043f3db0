/**
 * Finds the backend module and creates the backend, once, on first use:
 * loading the engine (SSH, ajv, ...) before the handshake would slow every
 * start of the provider.
 *
 * The module is `provider/engine/plugin-backend` (the engine's
 * implementation of ResourceBackend) unless SRV6_PROVIDER_BACKEND names
 * another module file exporting `createBackend` (the tests' fake backend).
 */
import { Srv6ProtectError } from "../../model/errors";
import * as path from "node:path";
import type { BackendFactory, ResourceBackend } from "./backend";

export const BACKEND_ENV = "SRV6_PROVIDER_BACKEND";
export const DEFAULT_BACKEND_MODULE = path.resolve(__dirname, "../engine/plugin-backend");

export class BackendLoadError extends Srv6ProtectError {
  override readonly name = "BackendLoadError";
  override readonly kind = "backend-load";
  constructor(
    message: string,
    readonly modulePath: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

let loading: Promise<ResourceBackend> | undefined;

export function backendModulePath(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env[BACKEND_ENV];
  return chosen ? path.resolve(chosen) : DEFAULT_BACKEND_MODULE;
}

async function load(modulePath: string): Promise<ResourceBackend> {
  let mod: { createBackend?: BackendFactory };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(modulePath) as { createBackend?: BackendFactory };
  } catch (err) {
    const first = String((err as Error).message).split("\n")[0];
    const hint = (err as { code?: string }).code === "MODULE_NOT_FOUND" ? " (is the engine built? run `npm run build`)" : "";
    throw new BackendLoadError(`cannot load the srv6 engine from ${modulePath}${hint}: ${first}`, modulePath, { cause: err });
  }
  if (typeof mod.createBackend !== "function") {
    throw new BackendLoadError(`the srv6 backend module ${modulePath} does not export a function createBackend`, modulePath);
  }
  return mod.createBackend();
}

export function getBackend(): Promise<ResourceBackend> {
  loading ??= load(backendModulePath());
  return loading;
}

/** The backend if something already asked for it; StopProvider must not load it just to stop it. */
export function backendIfRequested(): Promise<ResourceBackend> | undefined {
  return loading;
}
