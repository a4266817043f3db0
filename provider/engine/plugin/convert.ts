/**
 * Terraform values <-> the engine's resource configs.
 *
 * Terraform hands us objects with every attribute present (null = not set)
 * plus the computed `id`. The engine, and the routers' applied records, keep
 * configs with defaults filled in and addresses in canonical form (exactly
 * what the `srv6` CLI would record), so that a router applied by the CLI and
 * one applied by tofu hold the same record. Comparisons are made on that
 * normalized form; what goes back to Terraform keeps the user's spelling
 * wherever the router agrees with it (the host's consistency rule).
 */
import { CONTROLLER_ONLY_ATTRIBUTES, type BackupPolicyConfig, type ProtectedLinkConfig, type ResourceType, type RouterConfig } from "../../../model/schema";
import { withLinkDefaults, withPolicyDefaults, withRouterDefaults } from "../../state/desired-state";
import { bundleFor, stableJson } from "../bundle";
import { isUnknown, type TfObject, type TfValue } from "../../plugin/values";

export type AnyConfig = RouterConfig | ProtectedLinkConfig | BackupPolicyConfig;

/** A TfObject without nulls and without `id`, as a plain config. */
function plain(value: TfValue): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object" && !isUnknown(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as TfObject)) if (v !== null && k !== "id") out[k] = plain(v);
    return out;
  }
  return value;
}

export function routerFromTf(obj: TfObject): RouterConfig {
  return plain(obj) as RouterConfig;
}
export function linkFromTf(obj: TfObject): ProtectedLinkConfig {
  return plain(obj) as ProtectedLinkConfig;
}
export function policyFromTf(obj: TfObject): BackupPolicyConfig {
  return plain(obj) as BackupPolicyConfig;
}

/** Strips the engine-only `logicalId` the defaulting helpers add. */
function withoutLogicalId<T extends { logicalId?: string }>(c: T): Omit<T, "logicalId"> {
  const { logicalId: _ignored, ...rest } = c;
  return rest;
}

/** The form the engine plans with and the routers record. */
export function normalize(type: ResourceType, config: AnyConfig): AnyConfig {
  switch (type) {
    case "srv6_router":
      return withoutLogicalId(withRouterDefaults(config as RouterConfig, "terraform")) as RouterConfig;
    case "srv6_protected_link":
      return withoutLogicalId(withLinkDefaults(config as ProtectedLinkConfig, "terraform")) as ProtectedLinkConfig;
    case "srv6_backup_policy":
      return withoutLogicalId(withPolicyDefaults(config as BackupPolicyConfig, "terraform")) as BackupPolicyConfig;
  }
}

/** A recorded config as a Terraform object (attributes the record lacks are null). */
export function tfFromConfig(config: AnyConfig, attributes: readonly string[]): TfObject {
  const out: TfObject = {};
  for (const a of attributes) out[a] = ((config as unknown as Record<string, unknown>)[a] ?? null) as TfValue;
  return out;
}

/**
 * What Terraform should see for a resource the router records as `recorded`:
 * each attribute keeps the state's spelling when it means the same thing
 * (e.g. `port` unset vs the recorded default 22, `fc00:0:1:0::1` vs
 * `fc00:0:1::1`), and takes the router's value where the router differs.
 */
export function mergeObserved(type: ResourceType, state: TfObject, recorded: AnyConfig): TfObject {
  const declared = normalize(type, plainConfig(state)) as unknown as Record<string, unknown>;
  const rec = recorded as unknown as Record<string, unknown>;
  const out: TfObject = { ...state };
  for (const key of Object.keys(state)) {
    // The record never holds the controller's file paths: the state's stand.
    if (key === "id" || (CONTROLLER_ONLY_ATTRIBUTES as readonly string[]).includes(key)) continue;
    if (stableJson(declared[key] ?? null) !== stableJson(rec[key] ?? null)) out[key] = (rec[key] ?? null) as TfValue;
  }
  return out;
}

export function plainConfig(obj: TfObject): AnyConfig {
  return plain(obj) as AnyConfig;
}

/** Same resource config, compared in normalized form. */
export function sameConfig(type: ResourceType, a: AnyConfig, b: AnyConfig): boolean {
  return stableJson(normalize(type, a)) === stableJson(normalize(type, b));
}

/** Keeps bundle contents comparable with what bundleFor produces. */
export { bundleFor, stableJson };
