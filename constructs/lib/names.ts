/**
 * Resource names derived from other names. They must match NAME_PATTERN of
 * model/schema.ts (63 characters at most) and be stable.
 */
import { createHash } from "node:crypto";

const MAX_NAME = 63;

/**
 * `<link>-<router>-to-<destination>`: the policy on `router` for the
 * prefixes behind `destination` while `link` is down. Router and link names
 * follow NAME_PATTERN, so the result does too (it starts with the link's
 * letter); over 63 characters it is shortened with a hash of the whole.
 */
export function backupPolicyName(link: string, router: string, destination: string): string {
  const full = `${link}-${router}-to-${destination}`;
  if (full.length <= MAX_NAME) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 10);
  return `${full.slice(0, MAX_NAME - hash.length - 1)}-${hash}`;
}
