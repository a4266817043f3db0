/**
 * The Terraform provider's backend on the real engine (see
 * provider/plugin/backend.ts for the contract and docs/provider.md for the
 * behaviour users see). Loaded lazily by the plugin server after the
 * handshake; one Engine (one SSH connection per router) per provider process.
 */
import { connectionDefaults, type ProviderConfig } from "../../model/schema";
import type { ResourceBackend } from "../plugin/backend";
import { log } from "../plugin/log";
import { withProviderDefaults, type DesiredProvider, type DesiredRouter } from "../state/desired-state";
import { routerConnectionOptions, type RouterConnectionOptions } from "../ssh";
import { Srv6Error } from "../errors";
import { Engine } from "./engine";
import * as path from "node:path";
import { RouterDirectory, connectionCacheFile } from "./plugin/connections";
import { RouterStates } from "./plugin/routers";
import { linkHandler, policyHandler, routerHandler } from "./plugin/handlers";
import { NetworkView } from "./plugin/network-view";

export function createBackend(): ResourceBackend {
  let provider: DesiredProvider = withProviderDefaults({});
  let engine: Engine | undefined;
  const directory = new RouterDirectory();

  const connectionFor = (name: string): RouterConnectionOptions => {
    const c = directory.lookup(name);
    if (!c) {
      throw new Srv6Error(`no SSH settings known for router ${name}: declare srv6_router.${name} in this configuration (its host, user and keys are what the provider connects with)`, { router: name });
    }
    directory.markOpened(name, c);
    const router = { ...c, ...connectionDefaults(c) } as DesiredRouter;
    return routerConnectionOptions(router, provider);
  };
  const engineNow = (): Engine => {
    engine ??= new Engine({
      connectionFor,
      parallelism: provider.parallelism,
      onProgress: (router, message) => log("debug", `${router}: ${message}`),
    });
    return engine;
  };
  const states = new RouterStates(engineNow, directory);
  const ctx = { states, directory, network: new NetworkView(path.join(path.dirname(connectionCacheFile()), "planned.json")) };

  return {
    async configure(config: ProviderConfig) {
      provider = withProviderDefaults(config);
      return [];
    },
    resources: {
      srv6_router: routerHandler(ctx),
      srv6_protected_link: linkHandler(ctx),
      srv6_backup_policy: policyHandler(ctx),
    },
    async stop() {
      states.stop();
    },
  };
}
