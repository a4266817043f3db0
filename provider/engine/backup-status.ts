/** Per backup policy: the health of its backup path, decoded from an observation's maps. */
import { MAP_NAMES } from "../dataplane/constants";
import { decodePathSeen, decodePathSent, type PathSeenValue, type PathSentValue } from "../dataplane/map-layout";
import { backupPathHealth, type BackupPathHealth } from "../dataplane/backup-health";
import type { DataplanePlan } from "../dataplane/types";
import type { RouterBundle } from "./bundle";
import type { Observation } from "./observe";
import { canonicalIpv6 } from "../../model/ipv6";
import type { RouterConfig } from "../../model/schema";

/** The router that serves a SID of the desired state (node, decap or adjacency SID), if any. */
function sidOwner(routers: readonly RouterConfig[], sid: string): string | undefined {
  const want = canonicalIpv6(sid);
  return routers.find((r) => [r.node_sid, r.decap_sid, ...(r.adjacency_sids ?? []).map((a) => a.sid)].some((s) => canonicalIpv6(s) === want))?.name;
}

export interface BackupPathStatus extends BackupPathHealth {
  readonly router: string;
  readonly policy: string;
  readonly link: string;
  readonly destination?: string;
  readonly segments: readonly string[];
  /** Probe interval in use (after the router-wide cap); undefined when not probed. */
  readonly intervalMs?: number;
  /** broken: the router that serves the failing segment's SID, when it is one of ours. */
  readonly failingRouter?: string;
}

function decoded<T>(raw: Map<string, string> | null | undefined, decode: (b: Buffer) => T): Map<number, T> {
  const out = new Map<number, T>();
  for (const [k, v] of raw ?? []) out.set(Buffer.from(k, "hex").readUInt32LE(0), decode(Buffer.from(v, "hex")));
  return out;
}

export function backupPathStatuses(bundle: RouterBundle, plan: DataplanePlan, have: Observation): BackupPathStatus[] {
  const sent: Map<number, PathSentValue> = decoded(have.maps[MAP_NAMES.pathSent], decodePathSent);
  const seen: Map<number, PathSeenValue> = decoded(have.maps[MAP_NAMES.pathSeen], decodePathSeen);
  const probed = new Map((plan.probeConfig.paths ?? []).map((p) => [p.policy, p]));
  const now = have.monotonicNs ?? 0n;
  return bundle.policies.filter((p) => p.router === bundle.router).sort((a, b) => a.name.localeCompare(b.name)).map((p) => {
    const head = { router: bundle.router, policy: p.name, link: p.link, ...(p.destination ? { destination: p.destination } : {}) };
    const path = probed.get(p.name);
    if (!path) return { ...head, segments: p.segments, health: "unknown", reason: "not probed (backup probes are off for this link, or over the per-router cap)", sent: 0, returned: 0 };
    const intervalMs = path.intervalUs / 1000;
    const health = have.probeSender.alive
      ? backupPathHealth({ ...path, intervalMs, configuredIntervalMs: intervalMs }, sent, seen, now, path.packetBytes)
      : { health: "unknown" as const, reason: "the probe sender is not running", sent: 0, returned: 0 };
    return { ...head, segments: path.segments, intervalMs, ...health };
  });
}

/** Names the router of each failing segment, from every router of the state (a bundle holds only the neighbours). */
export function withFailingRouters(paths: readonly BackupPathStatus[], routers: readonly RouterConfig[]): BackupPathStatus[] {
  return paths.map((p) => {
    const owner = p.failingSegment ? sidOwner(routers, p.failingSegment.sid) : undefined;
    return owner ? { ...p, failingRouter: owner } : p;
  });
}
