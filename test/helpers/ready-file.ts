/**
 * A receiver on a lab host says it is bound by creating a file (hosts are
 * network namespaces over this machine's filesystem, so the test sees it):
 * senders start only then, never after a guessed sleep.
 */
import { existsSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh path for one receiver to create once it listens. */
export function readyPath(what: string): string {
  return join(tmpdir(), `s6-ready-${what}-${randomBytes(4).toString("hex")}`);
}

/** Resolves once `path` exists (and removes it); rejects with `describe()` once `receiver` ends first or after `timeoutMs`. */
export async function waitReady(path: string, receiver: Promise<{ code: number | null; stderr: string }>, timeoutMs = 10_000): Promise<void> {
  let ended: { code: number | null; stderr: string } | undefined;
  void receiver.then((r) => { ended = r; }, () => { ended = { code: null, stderr: "(failed to run)" }; });
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (ended) throw new Error(`receiver ended before it was bound (exit ${String(ended.code)}): ${ended.stderr.trim()}`);
    if (Date.now() > deadline) throw new Error(`receiver not bound after ${timeoutMs} ms (no ${path})`);
    await new Promise((r) => setTimeout(r, 10));
  }
  rmSync(path, { force: true });
}
