/**
 * The stored state of `srv6_backup_policy` across its schema versions:
 *   0: one policy per protected prefix, `prefix = "2001:db8:4::/64"`;
 *   1: one policy per (protected link end, destination router),
 *      `prefixes = [...]` and an optional `destination`.
 * An upgrade turns one stored instance into one: it cannot merge the old
 * per-prefix resources into the new per-destination one. Those keep their
 * addresses, so a configuration written per destination plans the old ones
 * destroyed and the new ones created (policy-claim.ts keeps the routes in
 * place whatever order they run in).
 */
export const POLICY_SCHEMA_VERSION = 1;

export function upgradePolicyState(fromVersion: number, raw: Record<string, unknown>): Record<string, unknown> {
  if (fromVersion !== 0) throw new Error(`srv6_backup_policy has no schema version ${fromVersion} to upgrade from (this provider writes version ${POLICY_SCHEMA_VERSION})`);
  const { prefix, ...rest } = raw;
  return { ...rest, prefixes: typeof prefix === "string" ? [prefix] : null };
}
