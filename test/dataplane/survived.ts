/**
 * What a test of a wide failure (a node, a duct) asserts once the streams
 * are done: both directions arrived over the backups with one short loss
 * window (generous bounds: timing belongs to the benchmark), and the points
 * of local repair rerouted them. Returns the loss line for the diagnostics.
 */
import assert from "node:assert/strict";
import { linkStatus, type LabLike } from "../helpers/dataplane";
import type { StreamResult } from "./stream";

export async function assertSurvived(lab: LabLike, around: string, streams: readonly (readonly [string, StreamResult])[], repairs: readonly (readonly [string, string])[]): Promise<string> {
  for (const [dir, s] of streams) {
    assert.equal(s.lastSeq, s.sent - 1, `${dir}: the last datagram arrived (around ${around})`);
    assert.ok(s.received >= s.sent - 500, `${dir}: at most 500 of ${s.sent} lost, got ${s.received}`);
    assert.ok(s.maxGapMs < 1000, `${dir}: loss window under 1 s, was ${s.maxGapMs.toFixed(1)} ms`);
  }
  for (const [router, ifname] of repairs) {
    const st = (await linkStatus(lab, router, ifname)).state!;
    assert.ok(st.packetsRerouted >= 1000n, `${router} rerouted the traffic (${st.packetsRerouted})`);
  }
  return streams.map(([dir, s]) => `${dir} ${s.maxGapMs.toFixed(1)} ms (${s.sent - s.received} lost)`).join(", ");
}
