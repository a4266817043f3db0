/**
 * Where the provider finds a router's SSH settings.
 *
 * Terraform gives a router's configuration only in that router's own calls;
 * a link or a policy names routers and the backend must still reach them.
 * Sources, best first:
 *   1. router configurations Terraform showed this provider process
 *      (every plan, apply and refresh plans or reads the router resources);
 *   2. the connection cache of this working directory,
 *      `$TF_DATA_DIR/srv6-protect/routers.json` (default `.terraform/...`),
 *      written from (1) so that a later process that sees no router call
 *      (`tofu import`, applying a saved plan) can still connect;
 *   3. router configurations found in applied records already read
 *      (a router's record holds its own settings and its link peers').
 * The cache holds what the configuration holds (host, port, user, key and
 * known_hosts paths, pinned fingerprint), never a secret.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { RouterConfig } from "../../../model/schema";
import { stableJson } from "../bundle";

const CONNECTION_KEYS: (keyof RouterConfig)[] = ["name", "host", "port", "user", "private_key_file", "known_hosts_file", "host_key_sha256", "jump_host", "sudo"];

export function connectionCacheFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return path.resolve(cwd, env.TF_DATA_DIR ?? ".terraform", "srv6-protect", "routers.json");
}

function connectionPart(c: RouterConfig): RouterConfig {
  const out: Record<string, unknown> = {};
  for (const k of CONNECTION_KEYS) if (c[k] !== undefined && c[k] !== null) out[k] = c[k];
  return out as unknown as RouterConfig;
}

export class RouterDirectory {
  private readonly fromTerraform = new Map<string, RouterConfig>();
  private readonly fromRecords = new Map<string, RouterConfig>();
  private cached: Map<string, RouterConfig> | undefined;

  constructor(private readonly cacheFile: string = connectionCacheFile()) {}

  /** A router configuration Terraform gave us (fully known values only). */
  rememberFromTerraform(config: RouterConfig): void {
    const part = connectionPart(config);
    const before = this.fromTerraform.get(config.name);
    this.fromTerraform.set(config.name, part);
    const cache = this.cache();
    if (!before || stableJson(before) !== stableJson(part) || stableJson(cache.get(config.name) ?? null) !== stableJson(part)) {
      cache.set(config.name, part);
      this.writeCache(cache);
    }
  }

  /** Router configurations read from a router's applied record. */
  rememberFromRecord(configs: readonly RouterConfig[]): void {
    for (const c of configs) this.fromRecords.set(c.name, connectionPart(c));
  }

  /** Settings the engine's pooled connection to `name` was opened with (see settingsChanged). */
  private readonly opened = new Map<string, string>();

  /** Called when the engine opens a connection with these settings. */
  markOpened(name: string, settings: RouterConfig): void {
    this.opened.set(name, stableJson(connectionPart(settings)));
  }

  /** True when a connection to `name` was opened with settings other than `config`'s. */
  openedWithOther(config: RouterConfig): boolean {
    const opened = this.opened.get(config.name);
    return opened !== undefined && opened !== stableJson(connectionPart(config));
  }

  lookup(name: string): RouterConfig | undefined {
    return this.fromTerraform.get(name) ?? this.cache().get(name) ?? this.fromRecords.get(name);
  }

  /** Every router name we could connect to. */
  known(): string[] {
    return [...new Set([...this.fromTerraform.keys(), ...this.cache().keys(), ...this.fromRecords.keys()])].sort();
  }

  private cache(): Map<string, RouterConfig> {
    if (!this.cached) {
      this.cached = new Map();
      try {
        const doc = JSON.parse(fs.readFileSync(this.cacheFile, "utf8")) as { routers?: Record<string, RouterConfig> };
        for (const [name, c] of Object.entries(doc.routers ?? {})) if (c && typeof c.host === "string") this.cached.set(name, { ...c, name });
      } catch {
        // No cache yet (or unreadable): only this process' sources count.
      }
    }
    return this.cached;
  }

  private writeCache(cache: Map<string, RouterConfig>): void {
    try {
      fs.mkdirSync(path.dirname(this.cacheFile), { recursive: true });
      const tmp = `${this.cacheFile}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, `${JSON.stringify({ version: 1, routers: Object.fromEntries([...cache].sort(([a], [b]) => a.localeCompare(b))) }, null, 2)}\n`, { mode: 0o600 });
      fs.renameSync(tmp, this.cacheFile);
    } catch {
      // A read-only working directory only loses the cross-process cache.
    }
  }
}
