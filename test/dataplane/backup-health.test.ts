/**
 * Backup path probing without a router: which paths a router probes (the
 * per-router cap, links with probes off), the path keys, and the health
 * each combination of counters means.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { planBackupProbes, pathKey, pathKeyParts, pathKinds } from "../../provider/dataplane/backup-paths";
import { backupPathHealth, BACKUP_PROBE_MISSES } from "../../provider/dataplane/backup-health";
import { PATH_KIND } from "../../provider/dataplane/constants";
import { LIMITS } from "../../model/schema";
import type { PathSeenValue, PathSentValue } from "../../provider/dataplane/map-layout";

const policy = (name: string, link: string, segments: string[]) => ({ name, router: "r1", link, prefixes: ["2001:db8::/64"], segments });
const S = ["fc00:0:3::", "fc00:0:4:e001::", "fc00:0:2::d6"];

test("backup probes: one path per policy in name order, links with probes off left out, the rate capped per router", () => {
  const plan = planBackupProbes([policy("b", "l1", S), policy("a", "l1", S), policy("c", "off", S)], (l) => (l === "off" ? 0 : undefined));
  assert.deepEqual(plan.paths.map((p) => [p.id, p.policy, p.intervalMs]), [[1, "a", 1000], [2, "b", 1000]]);
  assert.equal(plan.probesPerSecond, 2 * (S.length + 1));
  const many = Array.from({ length: 300 }, (_, i) => policy(`p${String(i).padStart(3, "0")}`, "l1", S));
  const capped = planBackupProbes(many, () => 1000);
  assert.ok(capped.probesPerSecond <= LIMITS.backupProbesPerSecondPerRouter, `${capped.probesPerSecond} probes/s`);
  assert.ok(capped.paths.every((p) => p.intervalMs > 1000 && p.configuredIntervalMs === 1000));
  const over = planBackupProbes(Array.from({ length: LIMITS.probedBackupPathsPerRouter + 2 }, (_, i) => policy(`q${String(i).padStart(5, "0")}`, "l1", S)), () => 60000);
  assert.equal(over.paths.length, LIMITS.probedBackupPathsPerRouter);
  assert.equal(over.unprobed.length, 2);
});

test("backup probes: path keys and the kinds of a path (full, small, every proper prefix)", () => {
  assert.deepEqual(pathKeyParts(pathKey(5, PATH_KIND.prefix + 1)), { id: 5, kind: PATH_KIND.prefix + 1 });
  assert.deepEqual(pathKinds(S).map((k) => [k.kind, k.segments.length]), [[0, 3], [1, 3], [2, 1], [3, 2]]);
  assert.deepEqual(pathKinds([S[2]!]).map((k) => k.kind), [0, 1]);
});

const NOW = 100_000_000_000n;
const path = { id: 1, policy: "a", link: "l1", segments: S, intervalMs: 1000, configuredIntervalMs: 1000 };
type Kind = { sentSeq: number; seenSeq?: number; errno?: number; quietS?: number };

function health(kinds: Record<number, Kind>) {
  const sent = new Map<number, PathSentValue>();
  const seen = new Map<number, PathSeenValue>();
  for (const [kind, k] of Object.entries(kinds)) {
    const key = pathKey(1, Number(kind));
    sent.set(key, { sent: BigInt(k.sentSeq), lastSentNs: NOW - BigInt((k.quietS ?? 0.2) * 1e9), lastSeq: k.sentSeq, sendErrors: k.errno ? 1 : 0, lastErrno: k.errno ?? 0 });
    if (k.seenSeq !== undefined) seen.set(key, { returned: BigInt(k.seenSeq), lastReturnNs: NOW - 300_000_000n, lastRttNs: 1_500_000n, lastSeq: k.seenSeq });
  }
  return backupPathHealth(path, sent, seen, NOW, 1280);
}

test("backup health: ok, degraded (only small probes come home), broken at the first failing segment, unknown", () => {
  const all = (sentSeq: number, seenSeq?: number): Record<number, Kind> => Object.fromEntries([0, 1, 2, 3].map((k) => [k, { sentSeq, seenSeq }]));
  const ok = health(all(10, 9));
  assert.equal(ok.health, "ok");
  assert.equal(ok.lastRttMs, 1.5);
  assert.equal(health(all(2)).health, "unknown", "just started: fewer probes than the misses that count");
  assert.equal(health({ ...all(10, 10), 0: { sentSeq: 10, seenSeq: 10, quietS: 5 } }).health, "unknown", "the sender stopped");

  const degraded = health({ ...all(20, 20), 0: { sentSeq: 20, seenSeq: 20 - BACKUP_PROBE_MISSES } });
  assert.equal(degraded.health, "degraded");
  assert.match(degraded.reason!, /1280-byte packet/);
  assert.match(health({ ...all(20, 20), 0: { sentSeq: 20, errno: 90 } }).reason!, /first hop's MTU/);

  const atSecond = health({ 0: { sentSeq: 20, seenSeq: 5 }, 1: { sentSeq: 20, seenSeq: 5 }, 2: { sentSeq: 20, seenSeq: 20 }, 3: { sentSeq: 20, seenSeq: 5 } });
  assert.equal(atSecond.health, "broken");
  assert.deepEqual(atSecond.failingSegment, { index: 1, sid: S[1] });
  const atLast = health({ ...all(20, 20), 0: { sentSeq: 20, seenSeq: 5 }, 1: { sentSeq: 20, seenSeq: 5 } });
  assert.deepEqual(atLast.failingSegment, { index: 2, sid: S[2] });
  assert.match(atLast.reason!, /decapsulate/);
});
