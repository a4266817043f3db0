/**
 * The applied record: what srv6-protect last committed on a router, kept on
 * the router itself (no local state file). It lets an apply undo each of its
 * steps back to the previous configuration, lets Terraform change one
 * resource at a time, and lets a controller notice that someone else applied
 * since it planned.
 */
import { STATE_DIR, RUN_DIR } from "../dataplane/constants";
import { recordedPolicy, type RouterBundle } from "./bundle";
import type { RouterCommand } from "../dataplane/types";
import type { Operation } from "../dataplane/operations";

export const APPLIED_RECORD = `${STATE_DIR}/applied.json`;
export const LOCK_FILE = `${RUN_DIR}/apply.lock`;
export const STAGING_DIR = `${STATE_DIR}/staging`;
/** Where the applier keeps a transaction's file contents (its applied record), on disk rather than in /run (srv6p-apply.py PENDING_DIR). */
export const PENDING_DIR = `${STATE_DIR}/pending`;

export type RecordedCommand = Pick<RouterCommand, "argv" | "input" | "description" | "ignoreFailure">;

/** One operation as it was installed: its identity and its commands. */
export interface RecordedOperation {
  readonly key: string;
  readonly description: string;
  /** It loads a pushed file: re-installed after the files are put back. */
  readonly usesFiles: boolean;
  readonly install: readonly RecordedCommand[];
  readonly remove: readonly RecordedCommand[];
}

export interface AppliedRecord {
  readonly version: 2;
  /** The router's share of the desired state that was committed. */
  readonly bundle: RouterBundle;
  /** The operations that installed it, in install order. */
  readonly operations: readonly RecordedOperation[];
  readonly committedAt: string;
  readonly by: string;
}

/** Written by srv6-protect before typed operations: whole command lists. */
export interface AppliedRecordV1 {
  readonly version: 1;
  readonly bundle: RouterBundle;
  /** Replayed to restore it on a rollback. */
  readonly install: readonly RecordedCommand[];
  readonly remove?: readonly RecordedCommand[];
  readonly committedAt: string;
  readonly by: string;
}

export type AnyAppliedRecord = AppliedRecord | AppliedRecordV1;

const command = (c: RouterCommand): RecordedCommand => ({
  argv: c.argv, description: c.description, ...(c.input !== undefined ? { input: c.input } : {}), ...(c.ignoreFailure ? { ignoreFailure: true } : {}),
});

export function recordOperation(op: Operation): RecordedOperation {
  return { key: op.key, description: op.description, usesFiles: op.usesFiles, install: op.install.map(command), remove: op.remove.map(command) };
}

/** A record as read from a router, its bundle in today's shape (bundle.ts recordedPolicy); null when there is none. */
export function readAppliedRecord(raw: unknown): AnyAppliedRecord | null {
  if (raw === null || raw === undefined) return null;
  const record = raw as AnyAppliedRecord;
  if (!Array.isArray(record.bundle?.policies)) return record;
  return { ...record, bundle: { ...record.bundle, policies: record.bundle.policies.map(recordedPolicy) } };
}

/** Everything that removes what the record installed, last operation first. */
export function recordedRemoval(record: AnyAppliedRecord | null): readonly RecordedCommand[] {
  if (!record) return [];
  if (record.version === 1) return record.remove ?? [];
  return [...record.operations].reverse().flatMap((o) => o.remove);
}
