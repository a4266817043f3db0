/**
 * A router's share of the desired state: itself, the routers at the other
 * end of its protected links, its links and its backup policies. This is what
 * the renderer needs for one router, and what the router keeps in its applied
 * record, so that Terraform can change one resource at a time.
 */
import { createHash } from "node:crypto";
import { CONTROLLER_ONLY_ATTRIBUTES, type RouterConfig, type ProtectedLinkConfig, type BackupPolicyConfig } from "../../model/schema";
import { canonicalIpv6 } from "../../model/ipv6";
import { segmentSteps, type Step } from "../dataplane/probe-return";

export interface RouterBundle {
  readonly router: string;
  readonly routers: RouterConfig[];
  readonly links: ProtectedLinkConfig[];
  readonly policies: BackupPolicyConfig[];
  /**
   * What each segment of the policies does (which router, node or adjacency),
   * resolved over the whole state: the way home of a backup probe mirrors the
   * way out (dataplane/probe-return.ts), and the segments' routers are mostly
   * not among this bundle's routers. Absent when no segment resolves.
   */
  readonly segment_steps?: Step[];
}

export interface StateLike {
  readonly routers: readonly RouterConfig[];
  readonly links: readonly ProtectedLinkConfig[];
  readonly policies: readonly BackupPolicyConfig[];
  /** Steps known beyond these routers and links (a router's record, or what the Terraform provider resolved); later entries win. */
  readonly segment_steps?: readonly Step[];
}

/** Strips engine-only fields (logicalId...) so bundles compare by content. */
function pick<T extends object>(o: T, keys: readonly (keyof T)[]): T {
  const out = {} as T;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

// Without CONTROLLER_ONLY_ATTRIBUTES: a bundle is what a router records.
const ROUTER_KEYS = (["name", "host", "port", "user", "private_key_file", "known_hosts_file", "host_key_sha256", "jump_host", "sudo", "locator", "source_address", "node_sid", "decap_sid", "adjacency_sids"] as (keyof RouterConfig)[])
  .filter((k) => !CONTROLLER_ONLY_ATTRIBUTES.includes(k));
const LINK_KEYS: (keyof ProtectedLinkConfig)[] = ["name", "router_a", "interface_a", "peer_address_a", "monitor_sid_a", "return_sid_a", "router_b", "interface_b", "peer_address_b", "monitor_sid_b", "return_sid_b", "probe_interval_ms", "multiplier", "hold_down_ms", "backup_probe_interval_ms"];
const POLICY_KEYS: (keyof BackupPolicyConfig)[] = ["name", "router", "link", "destination", "prefixes", "segments"];

/**
 * A policy as a router's record holds it, in today's shape: records written
 * before policies were per destination hold one `prefix`, read as
 * `prefixes: [prefix]` (the renderer then installs the same route and map entry).
 */
export function recordedPolicy(p: BackupPolicyConfig | (Omit<BackupPolicyConfig, "prefixes"> & { prefix: string })): BackupPolicyConfig {
  if (!("prefix" in p) || "prefixes" in p) return p as BackupPolicyConfig;
  const { prefix, ...rest } = p;
  return { ...rest, prefixes: [prefix] };
}

/** The bundle as a router may record it: without the controller's file paths (however it was built). */
export function recordableBundle(b: RouterBundle): RouterBundle {
  return { ...b, routers: b.routers.map((r) => pick(r, ROUTER_KEYS)) };
}

export function bundleFor(state: StateLike, router: string): RouterBundle {
  const links = state.links.filter((l) => l.router_a === router || l.router_b === router).map((l) => pick(l, LINK_KEYS));
  const names = new Set([router, ...links.flatMap((l) => [l.router_a, l.router_b])]);
  const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
  const policies = state.policies.filter((p) => p.router === router).map((p) => pick(p, POLICY_KEYS)).sort(byName);
  const steps = stepsOf(state, policies);
  return {
    router,
    routers: state.routers.filter((r) => names.has(r.name)).map((r) => pick(r, ROUTER_KEYS)).sort(byName),
    links: links.sort(byName),
    policies,
    ...(steps.length ? { segment_steps: steps } : {}),
  };
}

/** The steps of the policies' segments, by address: from the state's routers and links, else as carried. */
function stepsOf(state: StateLike, policies: readonly BackupPolicyConfig[]): Step[] {
  const known = new Map([...(state.segment_steps ?? []).map((s): [string, Step] => [s.sid, s]), ...segmentSteps(state.routers, state.links)]);
  const sids = [...new Set(policies.flatMap((p) => p.segments.map(canonicalIpv6)))].sort();
  return sids.flatMap((sid) => (known.has(sid) ? [pick(known.get(sid)!, ["sid", "kind", "router", "nodeSid", "back"])] : []));
}

/** Routers the state configures, by name. */
export function routerNames(state: StateLike): string[] {
  return state.routers.map((r) => r.name).sort();
}

export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v);
}

export function sha256(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}
