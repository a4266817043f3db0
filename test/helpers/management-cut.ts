/**
 * Cuts a lab router's management network in both directions at one instant
 * (one nft transaction with an ingress and an egress chain on mgmt0), as a
 * real cut does: with only ingress dropped, the router's own output (a
 * `wait` reporting the barrier) would still reach the controller.
 */
import type { TestLab } from "./lab";

const TABLE = "s6test_mgmt_cut";

export async function cutManagement(lab: TestLab, router: string): Promise<void> {
  await lab.sh(router, `nft -f - <<'EOF'
table netdev ${TABLE} {
  chain in { type filter hook ingress device "mgmt0" priority -500; policy drop; }
  chain out { type filter hook egress device "mgmt0" priority -500; policy drop; }
}
EOF`);
}

export async function restoreManagement(lab: TestLab, router: string): Promise<void> {
  await lab.sh(router, `nft delete table netdev ${TABLE} 2>/dev/null; true`);
}
