/**
 * Connection settings of one router, normalized in one place: defaults,
 * jump host parsing, auth source. Built from a DesiredRouter plus the
 * provider block, or given directly (lab inventory, tests).
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { DEFAULTS, PROVIDER_DEFAULTS, splitJumpHost } from "../../model/schema";
import type { InventoryFileRouter } from "../../model/inventory";
import type { DesiredProvider, DesiredRouter } from "../state/desired-state";
import type { HostKeyPolicy } from "./host-key-policy";

export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
  /** Private key file on the controller; when absent, ssh-agent ($SSH_AUTH_SOCK) is used. */
  privateKeyFile?: string;
  /** ssh-agent socket; default $SSH_AUTH_SOCK. */
  agentSocket?: string;
  hostKey: HostKeyPolicy;
}

export interface RouterConnectionOptions extends SshEndpoint {
  /** Router name, used in every message. */
  router: string;
  /** Wrap commands in `sudo -n` (non-root users). */
  sudo: boolean;
  /** Bastion the router is reached through (ssh2 forwardOut over a first connection). */
  jump?: SshEndpoint;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** SSH keepalive, so a dead peer is noticed while a command runs. Default 5000 ms. */
  keepaliveIntervalMs?: number;
}

/** The rule book's connection defaults (model/schema.ts), under the names the SSH layer uses. */
export const SSH_DEFAULTS = {
  port: DEFAULTS.port,
  connectTimeoutMs: PROVIDER_DEFAULTS.connect_timeout_ms,
  commandTimeoutMs: PROVIDER_DEFAULTS.command_timeout_ms,
  keepaliveIntervalMs: 5000,
} as const;

/** `[user@]host[:port]`; `[v6addr]:port` also accepted (split as the rule book does: model/schema.ts splitJumpHost). */
export function parseJumpHost(text: string, defaults: Omit<SshEndpoint, "host" | "port">): SshEndpoint {
  const parts = splitJumpHost(text);
  return { ...defaults, user: parts.user ?? defaults.user, host: parts.host, port: parts.port ? Number(parts.port) : SSH_DEFAULTS.port };
}

/** A controller file as written in the desired state or an inventory: `~/` is the home directory, as for ssh. */
export function expandHome(path: string): string;
export function expandHome(path: string | undefined): string | undefined;
export function expandHome(path: string | undefined): string | undefined {
  return path !== undefined && path.startsWith("~/") ? join(homedir(), path.slice(2)) : path;
}

/** Connection options for a router of the desired state. */
export function routerConnectionOptions(router: DesiredRouter, provider: DesiredProvider): RouterConnectionOptions {
  const hostKey: HostKeyPolicy = {
    knownHostsFile: expandHome(router.known_hosts_file),
    pinnedSha256: router.host_key_sha256,
    acceptNew: provider.accept_new_host_keys,
  };
  const privateKeyFile = expandHome(router.private_key_file);
  const auth = { user: router.user, privateKeyFile, hostKey: { ...hostKey, pinnedSha256: undefined } };
  return {
    router: router.name,
    host: router.host,
    port: router.port,
    user: router.user,
    privateKeyFile,
    hostKey,
    sudo: router.sudo,
    // The bastion is checked against known_hosts (a pin names the router's key, not the bastion's).
    jump: router.jump_host ? parseJumpHost(router.jump_host, auth) : undefined,
    connectTimeoutMs: provider.connect_timeout_ms,
    commandTimeoutMs: provider.command_timeout_ms,
  };
}

/** A router's connection settings in an inventory file (its schema and checks: model/inventory.ts; `srv6 lab up` records all of them, lab/inventory.ts). */
export type InventoryRouterEndpoint = InventoryFileRouter;

/** Connection options for a router from its inventory entry (the lab pins every host key). */
export function inventoryConnectionOptions(
  router: string,
  inv: InventoryRouterEndpoint,
  timeouts: { connectTimeoutMs?: number; commandTimeoutMs?: number } = {},
): RouterConnectionOptions {
  return {
    router,
    host: inv.host,
    port: inv.port,
    user: inv.user,
    privateKeyFile: expandHome(inv.privateKeyFile),
    hostKey: { knownHostsFile: expandHome(inv.knownHostsFile), pinnedSha256: inv.hostKeySha256 },
    sudo: inv.sudo,
    connectTimeoutMs: timeouts.connectTimeoutMs ?? SSH_DEFAULTS.connectTimeoutMs,
    commandTimeoutMs: timeouts.commandTimeoutMs ?? SSH_DEFAULTS.commandTimeoutMs,
  };
}
