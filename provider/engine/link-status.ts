/** Per link end liveness and counters, decoded from an observation's maps. */
import { decodeLinkState, encodeLinkKey, type LinkStateValue } from "../dataplane/map-layout";
import { MAP_NAMES } from "../dataplane/constants";
import type { RouterBundle } from "./bundle";
import type { Observation } from "./observe";

export interface LinkEndStatus {
  readonly link: string;
  readonly router: string;
  readonly interface: string;
  /** up, down (failed over), or unknown (not installed / no state yet). */
  readonly state: "up" | "down" | "unknown";
  readonly lastProbeAgeMs?: number;
  readonly probesSent?: number;
  readonly probesSeen?: number;
  readonly failovers?: number;
  readonly packetsRerouted?: number;
  readonly lastFailoverAgeMs?: number;
  readonly senderAlive: boolean;
}

const ms = (ns: bigint) => Number(ns / 1000n) / 1000;

export function linkStatuses(bundle: RouterBundle, have: Observation): LinkEndStatus[] {
  const out: LinkEndStatus[] = [];
  const states = have.maps[MAP_NAMES.linkState];
  for (const l of bundle.links) {
    for (const end of ["a", "b"] as const) {
      if (l[`router_${end}`] !== bundle.router) continue;
      const ifname = l[`interface_${end}`];
      const ifindex = have.facts.ifindex[ifname];
      const raw = ifindex !== undefined ? states?.get(encodeLinkKey(ifindex).toString("hex")) : undefined;
      const s: LinkStateValue | undefined = raw ? decodeLinkState(Buffer.from(raw, "hex")) : undefined;
      const now = have.monotonicNs ?? 0n;
      out.push({
        link: l.name,
        router: bundle.router,
        interface: ifname,
        state: s ? (s.down ? "down" : "up") : "unknown",
        lastProbeAgeMs: s && s.lastSeenNs > 0n ? ms(now - s.lastSeenNs) : undefined,
        probesSent: s ? Number(s.probesSent) : undefined,
        probesSeen: s ? Number(s.probesSeen) : undefined,
        failovers: s ? Number(s.failovers) : undefined,
        packetsRerouted: s ? Number(s.packetsRerouted) : undefined,
        lastFailoverAgeMs: s && s.lastFailoverNs > 0n ? ms(now - s.lastFailoverNs) : undefined,
        senderAlive: have.probeSender.alive,
      });
    }
  }
  return out;
}
