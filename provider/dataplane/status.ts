/**
 * Turns the JSON that `srv6p-maps.py dump` prints on a router into typed
 * per-link status: what `srv6 status` shows and what the tests assert on.
 */
import { DEFAULTS } from "../../model/schema";
import { Srv6ProtectError } from "../../model/errors";
import { BIN_DIR, MAP_NAMES, ROUTER_TOOLS } from "./constants";
import {
  decodeLinkKey, decodeLinkConfig, decodeLinkState, decodeBackupKey, decodeBackup, decodeReasonCount,
  type LinkConfigValue, type LinkStateValue, type BackupValue,
} from "./map-layout";
import { reasonName } from "./reasons";

/** The raw shape printed by `srv6p-maps.py dump NAME...`. */
export interface MapDump {
  readonly monotonicNs: number;
  readonly byteOrder?: string;
  readonly maps: Readonly<Record<string, { readonly entries: readonly { key: string; value: string }[] } | null>>;
}

export interface LinkStatus {
  readonly ifindex: number;
  readonly config?: LinkConfigValue;
  readonly state?: LinkStateValue;
  /** ns since the last accepted probe came back, undefined if never. */
  readonly lastSeenAgeNs?: bigint;
  /** ns since the last probe left over the link: a large value means a dead sender. */
  readonly lastSentAgeNs?: bigint;
  /** Probes sent since the last one came back. */
  readonly outstanding?: bigint;
}

export interface DataplaneStatus {
  readonly monotonicNs: bigint;
  readonly links: readonly LinkStatus[];
  readonly backups: readonly { prefix: string; backup: BackupValue }[];
  /** Non-zero reason counters by reason name. */
  readonly reasons: Readonly<Record<string, bigint>>;
}

export class StatusDecodeError extends Srv6ProtectError {
  override readonly kind = "status-decode";
  constructor(message: string, readonly detail?: unknown) {
    super(message);
    this.name = "StatusDecodeError";
  }
}

function entries(dump: MapDump, name: string): readonly { key: string; value: string }[] {
  return dump.maps[name]?.entries ?? [];
}

export function decodeStatus(dump: MapDump): DataplaneStatus {
  if (dump.byteOrder !== undefined && dump.byteOrder !== "little") {
    throw new StatusDecodeError(`router byte order is ${dump.byteOrder}; only little-endian routers are supported`);
  }
  const now = BigInt(dump.monotonicNs);
  const byIfindex = new Map<number, { config?: LinkConfigValue; state?: LinkStateValue }>();
  const slot = (ifindex: number) => {
    let s = byIfindex.get(ifindex);
    if (!s) byIfindex.set(ifindex, (s = {}));
    return s;
  };
  for (const e of entries(dump, MAP_NAMES.linkConfig)) slot(decodeLinkKey(Buffer.from(e.key, "hex"))).config = decodeLinkConfig(Buffer.from(e.value, "hex"));
  for (const e of entries(dump, MAP_NAMES.linkState)) slot(decodeLinkKey(Buffer.from(e.key, "hex"))).state = decodeLinkState(Buffer.from(e.value, "hex"));
  const links: LinkStatus[] = [...byIfindex.entries()].sort(([a], [b]) => a - b).map(([ifindex, s]) => {
    const st = s.state;
    return {
      ifindex,
      ...s,
      lastSeenAgeNs: st && st.lastSeenNs > 0n ? now - st.lastSeenNs : undefined,
      lastSentAgeNs: st && st.lastSentNs > 0n ? now - st.lastSentNs : undefined,
      outstanding: st ? st.probesSent - st.probesAcked : undefined,
    };
  });
  const backups = entries(dump, MAP_NAMES.backups).map((e) => ({
    prefix: decodeBackupKey(Buffer.from(e.key, "hex")),
    backup: decodeBackup(Buffer.from(e.value, "hex")),
  }));
  const reasons: Record<string, bigint> = {};
  for (const e of entries(dump, MAP_NAMES.reasons)) {
    const n = decodeReasonCount(Buffer.from(e.value, "hex"));
    if (n > 0n) reasons[reasonName(decodeLinkKey(Buffer.from(e.key, "hex")))] = n;
  }
  return { monotonicNs: now, links, backups, reasons };
}

/** argv that prints the dump decodeStatus() reads (run on the router). */
export function statusArgv(binDir: string = BIN_DIR): string[] {
  return ["python3", `${binDir}/${ROUTER_TOOLS.maps}`, "dump", ...Object.values(MAP_NAMES)];
}

/** One protected link end on a router, by name, as `srv6 status` shows it. */
export interface LinkEndSummary {
  readonly link: string;
  readonly router: string;
  readonly interface: string;
  readonly ifindex: number | undefined;
  /** "up", "down" (traffic on the backup), or "unknown" (no state: nothing probed yet, or not installed). */
  readonly liveness: "up" | "down" | "unknown";
  readonly lastProbeAgeMs?: number;
  readonly lastSentAgeMs?: number;
  /** No probe left over the link for 10 intervals (at least 1 s): the sender is dead or its probes are routed elsewhere. Drift. */
  readonly senderDead: boolean;
  readonly probesSent: string;
  readonly probesSeen: string;
  readonly probesRejected: string;
  readonly failovers: string;
  readonly packetsRerouted: string;
  readonly lastRttUs?: number;
}

const ms = (ns: bigint | undefined): number | undefined => (ns === undefined ? undefined : Number(ns / 1000n) / 1000);

/**
 * Names the link ends of `router` in a decoded status, using the same
 * link configs and interface indexes the renderer used. Counters are strings
 * (u64) so the result is JSON-safe for `--json`.
 */
export function summarizeLinkEnds(
  router: string,
  links: readonly { name: string; router_a: string; interface_a: string; router_b: string; interface_b: string; probe_interval_ms?: number }[],
  ifindex: Readonly<Record<string, number>>,
  status: DataplaneStatus,
): LinkEndSummary[] {
  const out: LinkEndSummary[] = [];
  for (const l of links) {
    for (const end of ["a", "b"] as const) {
      if (l[`router_${end}`] !== router) continue;
      const ifname = l[`interface_${end}`];
      const idx = ifindex[ifname];
      const s = status.links.find((x) => x.ifindex === idx);
      const st = s?.state;
      const intervalMs = l.probe_interval_ms ?? DEFAULTS.probe_interval_ms;
      const deadAfterNs = BigInt(Math.max(1000, 10 * intervalMs)) * 1_000_000n;
      out.push({
        link: l.name,
        router,
        interface: ifname,
        ifindex: idx,
        liveness: !st ? "unknown" : st.down ? "down" : "up",
        lastProbeAgeMs: ms(s?.lastSeenAgeNs),
        lastSentAgeMs: ms(s?.lastSentAgeNs),
        senderDead: s?.lastSentAgeNs === undefined || s.lastSentAgeNs > deadAfterNs,
        probesSent: String(st?.probesSent ?? 0n),
        probesSeen: String(st?.probesSeen ?? 0n),
        probesRejected: String(st?.probesRejected ?? 0n),
        failovers: String(st?.failovers ?? 0n),
        packetsRerouted: String(st?.packetsRerouted ?? 0n),
        lastRttUs: st && st.lastRttNs > 0n ? Number(st.lastRttNs) / 1000 : undefined,
      });
    }
  }
  return out;
}
