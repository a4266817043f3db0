/**
 * The validated desired state the engine plans from: resources with their
 * defaults filled in and IPv6 addresses in canonical form (as iproute2
 * prints them), so plan can compare them with observed routes directly.
 */
import {
  DEFAULTS,
  PROVIDER_DEFAULTS,
  connectionDefaults,
  type AdjacencySid,
  type BackupPolicyConfig,
  type ProtectedLinkConfig,
  type ProviderConfig,
  type RouterConfig,
} from "../../model/schema";
import { canonicalIpv6, canonicalPrefix, sortedPrefixes, tryParseIpv6Prefix } from "../../model/ipv6";
import { loopbackAddress } from "../../model/sid-layout";


export type DesiredProvider = Required<ProviderConfig>;

export interface DesiredRouter extends Omit<RouterConfig, "port" | "user" | "sudo" | "source_address" | "adjacency_sids"> {
  port: number;
  user: string;
  sudo: boolean;
  source_address: string;
  adjacency_sids: AdjacencySid[];
  /** Terraform logical id in the stack. */
  logicalId: string;
}

/**
 * Every setting filled, except backup_probe_interval_ms: it stays as written
 * (absent = the default, which the renderer applies), so a record, and a
 * resource imported from one, keeps the configuration's spelling.
 */
export interface DesiredLink extends Required<Omit<ProtectedLinkConfig, "backup_probe_interval_ms">>, Pick<ProtectedLinkConfig, "backup_probe_interval_ms"> {
  logicalId: string;
}

export interface DesiredPolicy extends BackupPolicyConfig {
  logicalId: string;
}

export interface DesiredState {
  /** Where the document came from (file path), for messages. */
  source?: string;
  provider: DesiredProvider;
  /** Sorted by name. */
  routers: DesiredRouter[];
  links: DesiredLink[];
  policies: DesiredPolicy[];
}

function locatorLoopback(locator: string): string {
  const p = tryParseIpv6Prefix(locator);
  return p ? loopbackAddress(p) : locator;
}

export function withProviderDefaults(c: ProviderConfig): DesiredProvider {
  return {
    parallelism: c.parallelism ?? PROVIDER_DEFAULTS.parallelism,
    connect_timeout_ms: c.connect_timeout_ms ?? PROVIDER_DEFAULTS.connect_timeout_ms,
    command_timeout_ms: c.command_timeout_ms ?? PROVIDER_DEFAULTS.command_timeout_ms,
    accept_new_host_keys: c.accept_new_host_keys ?? PROVIDER_DEFAULTS.accept_new_host_keys,
  };
}

export function withRouterDefaults(c: RouterConfig, logicalId: string): DesiredRouter {
  return {
    ...c,
    logicalId,
    ...connectionDefaults(c),
    locator: canonicalPrefix(c.locator),
    source_address: c.source_address ? canonicalIpv6(c.source_address) : locatorLoopback(c.locator),
    node_sid: canonicalIpv6(c.node_sid),
    decap_sid: canonicalIpv6(c.decap_sid),
    adjacency_sids: (c.adjacency_sids ?? []).map((a) => ({ ...a, sid: canonicalIpv6(a.sid), nexthop: canonicalIpv6(a.nexthop) })),
  };
}

export function withLinkDefaults(c: ProtectedLinkConfig, logicalId: string): DesiredLink {
  return {
    ...c,
    logicalId,
    peer_address_a: canonicalIpv6(c.peer_address_a),
    monitor_sid_a: canonicalIpv6(c.monitor_sid_a),
    return_sid_a: canonicalIpv6(c.return_sid_a),
    peer_address_b: canonicalIpv6(c.peer_address_b),
    monitor_sid_b: canonicalIpv6(c.monitor_sid_b),
    return_sid_b: canonicalIpv6(c.return_sid_b),
    probe_interval_ms: c.probe_interval_ms ?? DEFAULTS.probe_interval_ms,
    multiplier: c.multiplier ?? DEFAULTS.multiplier,
    hold_down_ms: c.hold_down_ms ?? DEFAULTS.hold_down_ms,
  };
}

/** The prefixes canonical and sorted: a list that behaves as a set, whose order never shows as a change. */
export function withPolicyDefaults(c: BackupPolicyConfig, logicalId: string): DesiredPolicy {
  return { ...c, logicalId, prefixes: sortedPrefixes(c.prefixes), segments: c.segments.map(canonicalIpv6) };
}
