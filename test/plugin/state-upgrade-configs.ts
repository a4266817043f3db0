/**
 * The configurations of test/plugin/state-upgrade.test.ts: the one the old
 * provider (schema version 0, one policy per prefix) applied to write the
 * fixtures, and today's two readings of it. No imports: the fixture's
 * generator loads it on its own.
 */
export const PREFIXES = ["2001:db8:2::/64", "2001:db8:20::/64"];
export const OLD_NAMES = ["l12-r1-2001-db8-2--_64", "l12-r1-2001-db8-20--_64"];

const BASE = `
terraform {
  required_providers {
    srv6 = { source = "srv6-protect/srv6", version = "0.1.0" }
  }
}

provider "srv6" {}

resource "srv6_router" "r1" {
  name      = "r1"
  host      = "127.0.0.1"
  locator   = "fc00:1::/48"
  node_sid  = "fc00:1::1"
  decap_sid = "fc00:1::d6"
}

resource "srv6_router" "r2" {
  name      = "r2"
  host      = "127.0.0.2"
  locator   = "fc00:2::/48"
  node_sid  = "fc00:2::1"
  decap_sid = "fc00:2::d6"
}

resource "srv6_protected_link" "l12" {
  name           = "l12"
  router_a       = srv6_router.r1.id
  interface_a    = "r1-r2"
  peer_address_a = "fe80::2"
  monitor_sid_a  = "fc00:1::b1"
  return_sid_a   = "fc00:2::e1"
  router_b       = srv6_router.r2.id
  interface_b    = "r2-r1"
  peer_address_b = "fe80::1"
  monitor_sid_b  = "fc00:2::b1"
  return_sid_b   = "fc00:1::e2"
}
`;

const policy = (name: string, attribute: string) => `
resource "srv6_backup_policy" "${name}" {
  name     = "${name}"
  router   = srv6_router.r1.id
  link     = srv6_protected_link.l12.id
  ${attribute}
  segments = ["fc00:3::1", "fc00:2::d6"]
}
`;

/** What the old provider applied to write the fixtures. */
export const V0_CONFIG = BASE + OLD_NAMES.map((n, i) => policy(n, `prefix   = "${PREFIXES[i]}"`)).join("");
/** The same resources, in today's schema. */
export const V1_SAME = BASE + OLD_NAMES.map((n, i) => policy(n, `prefixes = ["${PREFIXES[i]}"]`)).join("");
/** Per destination: one policy for both prefixes behind r2. */
export const V1_PER_DESTINATION = BASE + policy("l12-r1-to-r2", `destination = srv6_router.r2.id\n  prefixes    = ${JSON.stringify(PREFIXES)}`);
