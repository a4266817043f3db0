/**
 * Resource names derived from other names. They must match NAME_PATTERN of
 * model/schema.ts (63 characters at most) and be stable.
 */
import { createHash } from "node:crypto";

const MAX_NAME = 63;

/**
 * `2001:db8:2::/64` -> `2001-db8-2--_64`. One-to-one on canonical prefixes
 * (':' -> '-', '/' -> '_'), so two prefixes never share a slug.
 */
export function prefixSlug(prefix: string): string {
  return prefix.toLowerCase().replace(/:/g, "-").replace("/", "_");
}

/** `<link>-<router>-<prefix slug>`, shortened with a hash when over 63 characters. */
export function backupPolicyName(link: string, router: string, prefix: string): string {
  const full = `${link}-${router}-${prefixSlug(prefix)}`;
  if (full.length <= MAX_NAME) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 10);
  return `${full.slice(0, MAX_NAME - hash.length - 1)}-${hash}`;
}
