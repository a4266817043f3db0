/**
 * The applied record: what srv6-protect last committed on a router, kept on
 * the router itself (no local state file). It lets an apply roll back to the
 * previous configuration, lets Terraform change one resource at a time, and
 * lets a controller notice that someone else applied since it planned.
 */
import { STATE_DIR, RUN_DIR } from "../dataplane/constants";
import type { RouterBundle } from "./bundle";
import type { RouterCommand } from "../dataplane/types";

export const APPLIED_RECORD = `${STATE_DIR}/applied.json`;
export const LOCK_FILE = `${RUN_DIR}/apply.lock`;
export const STAGING_DIR = `${STATE_DIR}/staging`;

export interface AppliedRecord {
  readonly version: 1;
  /** The router's share of the desired state that was committed. */
  readonly bundle: RouterBundle;
  /** The commands that installed it (replayed to restore it on a rollback). */
  readonly install: readonly Pick<RouterCommand, "argv" | "input" | "description">[];
  /** The commands that remove it (tolerant of "already gone"). */
  readonly remove?: readonly Pick<RouterCommand, "argv" | "description">[];
  readonly committedAt: string;
  readonly by: string;
}
