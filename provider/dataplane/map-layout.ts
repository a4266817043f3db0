/**
 * TypeScript mirrors of the map keys and values of bpf/lib/srv6p_layout.h:
 * encoders for what the engine writes (link_config, backups) and decoders for
 * what it reads back (link_state, reasons). Values are in the router's byte
 * order; every supported router architecture is little-endian, and the map
 * helper reports its byte order so a big-endian router is refused, not misread.
 */
import { parseIpv6, parseIpv6Prefix, formatIpv6 } from "../../model/ipv6";
import { MAX_SEGMENTS } from "./constants";

export const LINK_KEY_SIZE = 4;
export const LINK_CONFIG_SIZE = 16;
export const LINK_STATE_SIZE = 112;
export const BACKUP_KEY_SIZE = 20;
export const BACKUP_VALUE_SIZE = 8 + 16 + 16 * MAX_SEGMENTS;
export const REASON_VALUE_SIZE = 8;
export const PATH_SENT_SIZE = 32;
export const PATH_SEEN_SIZE = 32;
export const DRILL_VALUE_SIZE = 8;

/** struct srv6p_link_config */
export interface LinkConfigValue {
  readonly multiplier: number;
  readonly intervalUs: number;
  readonly holdDownNs: bigint;
}

/** struct srv6p_link_state, field for field. Times are CLOCK_MONOTONIC ns on the router, 0 = never. */
export interface LinkStateValue {
  readonly probesSent: bigint;
  readonly probesAcked: bigint;
  readonly probesSeen: bigint;
  readonly probesRejected: bigint;
  readonly lastSentNs: bigint;
  readonly lastSeenNs: bigint;
  readonly lastRttNs: bigint;
  readonly failovers: bigint;
  readonly recoveries: bigint;
  readonly lastFailoverNs: bigint;
  readonly lastRecoveryNs: bigint;
  readonly healStartNs: bigint;
  readonly packetsRerouted: bigint;
  readonly down: boolean;
  readonly lastSeq: number;
}

/** struct srv6p_backup */
export interface BackupValue {
  readonly linkIfindex: number;
  readonly source: string;
  /** First segment first; the last one is the End.DT6 SID. */
  readonly segments: readonly string[];
}

const LINK_STATE_U64_FIELDS = [
  "probesSent", "probesAcked", "probesSeen", "probesRejected", "lastSentNs", "lastSeenNs", "lastRttNs",
  "failovers", "recoveries", "lastFailoverNs", "lastRecoveryNs", "healStartNs", "packetsRerouted",
] as const;

function ipv6Bytes(text: string): Buffer {
  const v = parseIpv6(text);
  const b = Buffer.alloc(16);
  b.writeBigUInt64BE(v >> 64n, 0);
  b.writeBigUInt64BE(v & 0xffffffffffffffffn, 8);
  return b;
}

function bytesIpv6(b: Buffer, offset: number): string {
  return formatIpv6((b.readBigUInt64BE(offset) << 64n) | b.readBigUInt64BE(offset + 8));
}

function expectSize(what: string, b: Buffer, size: number): void {
  if (b.length !== size) throw new RangeError(`${what}: expected ${size} bytes, got ${b.length}`);
}

export function encodeLinkKey(ifindex: number): Buffer {
  const b = Buffer.alloc(LINK_KEY_SIZE);
  b.writeUInt32LE(ifindex, 0);
  return b;
}

export function decodeLinkKey(b: Buffer): number {
  expectSize("link key", b, LINK_KEY_SIZE);
  return b.readUInt32LE(0);
}

export function encodeLinkConfig(v: LinkConfigValue): Buffer {
  const b = Buffer.alloc(LINK_CONFIG_SIZE);
  b.writeUInt32LE(v.multiplier, 0);
  b.writeUInt32LE(v.intervalUs, 4);
  b.writeBigUInt64LE(v.holdDownNs, 8);
  return b;
}

export function decodeLinkConfig(b: Buffer): LinkConfigValue {
  expectSize("link_config value", b, LINK_CONFIG_SIZE);
  return { multiplier: b.readUInt32LE(0), intervalUs: b.readUInt32LE(4), holdDownNs: b.readBigUInt64LE(8) };
}

export function decodeLinkState(b: Buffer): LinkStateValue {
  expectSize("link_state value", b, LINK_STATE_SIZE);
  const out: Record<string, bigint | boolean | number> = {};
  LINK_STATE_U64_FIELDS.forEach((f, i) => { out[f] = b.readBigUInt64LE(i * 8); });
  out.down = b.readUInt32LE(104) !== 0;
  out.lastSeq = b.readUInt32LE(108);
  return out as unknown as LinkStateValue;
}

export function encodeBackupKey(prefix: string): Buffer {
  const p = parseIpv6Prefix(prefix);
  const b = Buffer.alloc(BACKUP_KEY_SIZE);
  b.writeUInt32LE(p.length, 0);
  b.writeBigUInt64BE(p.network >> 64n, 4);
  b.writeBigUInt64BE(p.network & 0xffffffffffffffffn, 12);
  return b;
}

export function decodeBackupKey(b: Buffer): string {
  expectSize("backups key", b, BACKUP_KEY_SIZE);
  return `${bytesIpv6(b, 4)}/${b.readUInt32LE(0)}`;
}

export function encodeBackup(v: BackupValue): Buffer {
  if (v.segments.length < 1 || v.segments.length > MAX_SEGMENTS) {
    throw new RangeError(`backup: ${v.segments.length} segments, expected 1..${MAX_SEGMENTS}`);
  }
  const b = Buffer.alloc(BACKUP_VALUE_SIZE);
  b.writeUInt32LE(v.linkIfindex, 0);
  b.writeUInt32LE(v.segments.length, 4);
  ipv6Bytes(v.source).copy(b, 8);
  v.segments.forEach((s, i) => ipv6Bytes(s).copy(b, 24 + 16 * i));
  return b;
}

export function decodeBackup(b: Buffer): BackupValue {
  expectSize("backups value", b, BACKUP_VALUE_SIZE);
  const n = b.readUInt32LE(4);
  const segments: string[] = [];
  for (let i = 0; i < Math.min(n, MAX_SEGMENTS); i++) segments.push(bytesIpv6(b, 24 + 16 * i));
  return { linkIfindex: b.readUInt32LE(0), source: bytesIpv6(b, 8), segments };
}

export function decodeReasonCount(b: Buffer): bigint {
  expectSize("reasons value", b, REASON_VALUE_SIZE);
  return b.readBigUInt64LE(0);
}

/** struct srv6p_path_sent: what the probe sender sent on one path key. */
export interface PathSentValue {
  readonly sent: bigint;
  readonly lastSentNs: bigint;
  readonly lastSeq: number;
  readonly sendErrors: number;
  readonly lastErrno: number;
}

/** struct srv6p_path_seen: what came home on one path key. */
export interface PathSeenValue {
  readonly returned: bigint;
  readonly lastReturnNs: bigint;
  readonly lastRttNs: bigint;
  readonly lastSeq: number;
}

export function decodePathSent(b: Buffer): PathSentValue {
  expectSize("path_sent value", b, PATH_SENT_SIZE);
  return { sent: b.readBigUInt64LE(0), lastSentNs: b.readBigUInt64LE(8), lastSeq: b.readUInt32LE(16), sendErrors: b.readUInt32LE(20), lastErrno: b.readUInt32LE(24) };
}

export function decodePathSeen(b: Buffer): PathSeenValue {
  expectSize("path_seen value", b, PATH_SEEN_SIZE);
  return { returned: b.readBigUInt64LE(0), lastReturnNs: b.readBigUInt64LE(8), lastRttNs: b.readBigUInt64LE(16), lastSeq: b.readUInt32LE(24) };
}

/** struct srv6p_drill: the reroute program treats the link as down while ktime < untilNs. */
export function encodeDrill(untilNs: bigint): Buffer {
  const b = Buffer.alloc(DRILL_VALUE_SIZE);
  b.writeBigUInt64LE(untilNs, 0);
  return b;
}

export function decodeDrill(b: Buffer): bigint {
  expectSize("drills value", b, DRILL_VALUE_SIZE);
  return b.readBigUInt64LE(0);
}
