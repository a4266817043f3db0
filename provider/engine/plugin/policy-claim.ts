/**
 * A protected prefix belongs to one policy on its router. Terraform applies
 * resources in no set order, so when prefixes move from one policy to
 * another (a state upgraded from per-prefix policies, whose old resources are
 * destroyed while the per-destination ones are created; a prefix moved to
 * another destination), the policy applied first takes its prefixes from the
 * other one on the router, and the other's own update or delete then finds
 * that done. A policy left with no prefix leaves the router. The
 * whole-network rules (network-view.ts) refuse two policies that both keep a
 * prefix, so only such a move reaches here.
 */
import type { BackupPolicyConfig } from "../../../model/schema";

/** `policies` (one router's, normalized) with `policy` in, holding its prefixes alone. */
export function withClaimedPrefixes(policies: readonly BackupPolicyConfig[], policy: BackupPolicyConfig): BackupPolicyConfig[] {
  const claimed = new Set(policy.prefixes);
  const others = policies.filter((p) => p.name !== policy.name).flatMap((p) => {
    if (!p.prefixes.some((x) => claimed.has(x))) return [p];
    const kept = p.prefixes.filter((x) => !claimed.has(x));
    return kept.length ? [{ ...p, prefixes: kept }] : [];
  });
  return [...others, policy];
}
