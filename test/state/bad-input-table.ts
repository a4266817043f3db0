/**
 * The table of bad desired states: each row breaks one thing in a fresh
 * diamond document (test/state/diamond-document.ts) and names the issue the
 * rule book must report: the resource (type.name), the field (attribute
 * path), the bad value and a fragment of the explanation. Shared by
 * test/state/bad-inputs.test.ts (the CLI's validateDocument) and by anyone
 * who runs the same rows through another path (the Terraform provider under
 * `tofu plan`, the constructs).
 */
import { diamondDocument } from "./diamond-document";
import { KEY_MATERIAL_NOT_SHOWN } from "../../model/issue";

/** A (made up) OpenSSH private key, as someone might paste it where its file name belongs. */
export const PASTED_KEY_BODY = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQ";
export const PASTED_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${PASTED_KEY_BODY}\nAAAAIHNydjYtcHJvdGVjdC10ZXN0LWtleS1ub3QtcmVhbAAAAA==\n-----END OPENSSH PRIVATE KEY-----\n`;

export interface BadInput {
  what: string;
  mutate: (doc: any) => void;
  resource: string;
  field: string;
  value: unknown;
  /** A fragment the explanation must contain (what is allowed). */
  says: RegExp;
  /** Text the row writes into the document that no message, issue or --json output may show (key material). */
  hidden?: readonly string[];
}

/** The router with logical id `id`. */
export const R = (doc: any, id: string) => doc.resource.srv6_router[id];
/** The one protected link, l12 (r1 eth1 - r2 eth1). */
export const L = (doc: any) => doc.resource.srv6_protected_link.l12;
/** A backup policy: p1 (r1-to-h2 on r1, destination r4) or p2 (r2-to-h1 on r2, no destination). */
export const P = (doc: any, id = "p1") => doc.resource.srv6_backup_policy[id];

export const BAD_INPUTS: readonly BadInput[] = [
  { what: "malformed SID", mutate: (d) => (R(d, "r1").node_sid = "fc00:0:1::zz"), resource: "srv6_router.r1", field: "node_sid", value: "fc00:0:1::zz", says: /IPv6 address/ },
  { what: "SID with too many groups", mutate: (d) => (R(d, "r2").decap_sid = "fc00:0:2:d6:0:0:0:0:1"), resource: "srv6_router.r2", field: "decap_sid", value: "fc00:0:2:d6:0:0:0:0:1", says: /IPv6 address/ },
  { what: "node SID outside the locator", mutate: (d) => (R(d, "r1").node_sid = "fc00:0:9:e::"), resource: "srv6_router.r1", field: "node_sid", value: "fc00:0:9:e::", says: /inside the router's locator fc00:0:1::\/48/ },
  { what: "adjacency SID outside the locator", mutate: (d) => (R(d, "r1").adjacency_sids[0].sid = "fc00:0:2:e9::"), resource: "srv6_router.r1", field: "adjacency_sids[0].sid", value: "fc00:0:2:e9::", says: /inside the router's locator/ },
  { what: "source address outside the locator", mutate: (d) => (R(d, "r3").source_address = "2001:db8::1"), resource: "srv6_router.r3", field: "source_address", value: "2001:db8::1", says: /inside the router's locator fc00:0:3::\/48/ },
  { what: "monitor SID outside its router's locator", mutate: (d) => (L(d).monitor_sid_a = "fc00:0:2:b9::"), resource: "srv6_protected_link.l12", field: "monitor_sid_a", value: "fc00:0:2:b9::", says: /locator fc00:0:1::\/48 of router r1/ },
  { what: "locator with host bits", mutate: (d) => (R(d, "r3").locator = "fc00:0:3::1/48"), resource: "srv6_router.r3", field: "locator", value: "fc00:0:3::1/48", says: /host bits/ },
  { what: "locator too long", mutate: (d) => (R(d, "r3").locator = "fc00:0:3::/96"), resource: "srv6_router.r3", field: "locator", value: "fc00:0:3::/96", says: /between 16 and 64/ },
  { what: "overlapping locators", mutate: (d) => { R(d, "r4").locator = "fc00::/32"; R(d, "r4").node_sid = "fc00:0:4:e::"; }, resource: "srv6_router.r4", field: "locator", value: "fc00::/32", says: /overlaps the locator fc00:0:[123]::\/48/ },
  { what: "duplicate SID across routers and links", mutate: (d) => (L(d).monitor_sid_a = "fc00:0:1:e::"), resource: "srv6_protected_link.l12", field: "monitor_sid_a", value: "fc00:0:1:e::", says: /already used by srv6_router.r1.node_sid/ },
  { what: "node SID equal to decap SID", mutate: (d) => (R(d, "r3").decap_sid = "fc00:0:3:e::"), resource: "srv6_router.r3", field: "decap_sid", value: "fc00:0:3:e::", says: /already used by srv6_router.r3.node_sid/ },
  { what: "link to an unknown router", mutate: (d) => (L(d).router_b = "r9"), resource: "srv6_protected_link.l12", field: "router_b", value: "r9", says: /no srv6_router named 'r9' \(known: r1, r2, r3, r4\)/ },
  { what: "policy on an unknown link", mutate: (d) => (P(d).link = "l99"), resource: "srv6_backup_policy.r1-to-h2", field: "link", value: "l99", says: /no srv6_protected_link named 'l99'/ },
  { what: "policy router not an end of its link", mutate: (d) => (P(d).router = "r3"), resource: "srv6_backup_policy.r1-to-h2", field: "router", value: "r3", says: /end of link l12 \(r1 or r2\)/ },
  { what: "reference to an unknown resource", mutate: (d) => (P(d, "p2").router = "${srv6_router.nope.name}"), resource: "srv6_backup_policy.r2-to-h1", field: "router", value: "${srv6_router.nope.name}", says: /unknown resource srv6_router.nope/ },
  { what: "unsupported Terraform expression", mutate: (d) => (P(d, "p2").prefixes[0] = "${var.prefix}"), resource: "srv6_backup_policy.r2-to-h1", field: "prefixes[0]", value: "${var.prefix}", says: /unsupported expression|not supported/ },
  { what: "probe interval 0", mutate: (d) => (L(d).probe_interval_ms = 0), resource: "srv6_protected_link.l12", field: "probe_interval_ms", value: 0, says: /between 1 and 10000/ },
  { what: "negative probe interval", mutate: (d) => (L(d).probe_interval_ms = -5), resource: "srv6_protected_link.l12", field: "probe_interval_ms", value: -5, says: /between 1 and 10000/ },
  { what: "fractional probe interval", mutate: (d) => (L(d).probe_interval_ms = 2.5), resource: "srv6_protected_link.l12", field: "probe_interval_ms", value: 2.5, says: /integer/ },
  { what: "multiplier too small", mutate: (d) => (L(d).multiplier = 1), resource: "srv6_protected_link.l12", field: "multiplier", value: 1, says: /between 2 and 255/ },
  { what: "multiplier too large", mutate: (d) => (L(d).multiplier = 256), resource: "srv6_protected_link.l12", field: "multiplier", value: 256, says: /between 2 and 255/ },
  { what: "negative hold-down", mutate: (d) => (L(d).hold_down_ms = -1), resource: "srv6_protected_link.l12", field: "hold_down_ms", value: -1, says: /between 0 and 600000/ },
  { what: "name with shell metacharacters", mutate: (d) => (R(d, "r3").name = "r3;rm -rf /"), resource: "srv6_router.r3", field: "name", value: "r3;rm -rf /", says: /must match/ },
  { what: "interface with command substitution", mutate: (d) => (L(d).interface_b = "eth1$(reboot)"), resource: "srv6_protected_link.l12", field: "interface_b", value: "eth1$(reboot)", says: /must match/ },
  { what: "host with shell metacharacters", mutate: (d) => (R(d, "r2").host = "r2.example;id"), resource: "srv6_router.r2", field: "host", value: "r2.example;id", says: /must match/ },
  { what: "empty segment list", mutate: (d) => (P(d).segments = []), resource: "srv6_backup_policy.r1-to-h2", field: "segments", value: [], says: /1 to 6 items/ },
  { what: "too many segments", mutate: (d) => (P(d).segments = ["fc00:0:3:e::", "fc00:0:4:e::", "fc00:0:3:e::", "fc00:0:4:e::", "fc00:0:3:e::", "fc00:0:4:e::", "fc00:0:4:d6::"]), resource: "srv6_backup_policy.r1-to-h2", field: "segments", value: ["fc00:0:3:e::", "fc00:0:4:e::", "fc00:0:3:e::", "fc00:0:4:e::", "fc00:0:3:e::", "fc00:0:4:e::", "fc00:0:4:d6::"], says: /1 to 6 items/ },
  { what: "last segment is not a decap SID", mutate: (d) => (P(d).segments = ["fc00:0:3:e::", "fc00:0:4:e::"]), resource: "srv6_backup_policy.r1-to-h2", field: "segments[1]", value: "fc00:0:4:e::", says: /last segment must be the decap_sid/ },
  { what: "overlapping protected prefixes on one router", mutate: (d) => (d.resource.srv6_backup_policy.p3 = { ...P(d), name: "r1-wide", prefixes: ["2001:db8::/32"] }), resource: "srv6_backup_policy.r1-wide", field: "prefixes[0]", value: "2001:db8::/32", says: /overlaps prefixes\[0\] = 2001:db8:2::\/64 of srv6_backup_policy.r1-to-h2 on router r1/ },
  { what: "overlapping protected prefixes in one policy", mutate: (d) => (P(d).prefixes = ["2001:db8:2::/64", "2001:db8:7::/64", "2001:db8:2::/48"]), resource: "srv6_backup_policy.r1-to-h2", field: "prefixes[2]", value: "2001:db8:2::/48", says: /overlaps prefixes\[0\] = 2001:db8:2::\/64 of this policy on router r1/ },
  { what: "the same protected prefix in another spelling", mutate: (d) => (P(d).prefixes = ["2001:db8:2::/64", "2001:DB8:2:0::/64"]), resource: "srv6_backup_policy.r1-to-h2", field: "prefixes[1]", value: "2001:DB8:2:0::/64", says: /overlaps prefixes\[0\] = 2001:db8:2::\/64 of this policy/ },
  { what: "a protected prefix listed twice", mutate: (d) => (P(d).prefixes = ["2001:db8:2::/64", "2001:db8:7::/64", "2001:db8:2::/64"]), resource: "srv6_backup_policy.r1-to-h2", field: "prefixes[2]", value: "2001:db8:2::/64", says: /repeats item \[0\]: list each value once/ },
  { what: "empty prefix list", mutate: (d) => (P(d).prefixes = []), resource: "srv6_backup_policy.r1-to-h2", field: "prefixes", value: [], says: /1 to 65536 items/ },
  { what: "malformed protected prefix further down the list", mutate: (d) => (P(d).prefixes = ["2001:db8:2::/64", "2001:db8:7::/64", "2001:db8:8::/64", "2001:db8:9::/640"]), resource: "srv6_backup_policy.r1-to-h2", field: "prefixes[3]", value: "2001:db8:9::/640", says: /must be an IPv6 prefix address\/length with length 0..128/ },
  { what: "policy destination an unknown router", mutate: (d) => (P(d).destination = "r9"), resource: "srv6_backup_policy.r1-to-h2", field: "destination", value: "r9", says: /unknown router: no srv6_router named 'r9'/ },
  { what: "last segment not the destination's decap SID", mutate: (d) => (P(d).destination = "r3"), resource: "srv6_backup_policy.r1-to-h2", field: "segments[1]", value: "fc00:0:4:d6::", says: /is the decap SID of router r4, but the policy's destination is r3: the backup path must end on the router the prefixes lie behind \(its decap_sid fc00:0:3:d6::\)/ },
  { what: "protected prefix with host bits", mutate: (d) => (P(d).prefixes[0] = "2001:db8:2::5/64"), resource: "srv6_backup_policy.r1-to-h2", field: "prefixes[0]", value: "2001:db8:2::5/64", says: /host bits/ },
  { what: "duplicate router names", mutate: (d) => (R(d, "r3").name = "r1"), resource: "srv6_router.r1", field: "name", value: "r1", says: /duplicate srv6_router name/ },
  { what: "interface used by two links on one router", mutate: (d) => (d.resource.srv6_protected_link.l13 = { ...L(d), name: "l13", router_b: "r3", interface_b: "eth1", peer_address_a: "fd00:0:0:2::2", peer_address_b: "fd00:0:0:2::1", monitor_sid_a: "fc00:0:1:b2::", return_sid_a: "fc00:0:3:e1::", monitor_sid_b: "fc00:0:3:b1::", return_sid_b: "fc00:0:1:e2::" }), resource: "srv6_protected_link.l13", field: "interface_a", value: "eth1", says: /already used by srv6_protected_link.l12/ },
  { what: "adjacency SID over the link points at the wrong nexthop", mutate: (d) => (R(d, "r1").adjacency_sids[0].nexthop = "fd00:0:0:1::9"), resource: "srv6_router.r1", field: "adjacency_sids[0].nexthop", value: "fd00:0:0:1::9", says: /must be that address/ },
  { what: "return SID is an adjacency over another interface", mutate: (d) => (R(d, "r2").adjacency_sids[0].interface = "eth2"), resource: "srv6_protected_link.l12", field: "return_sid_a", value: "fc00:0:2:e1::", says: /must leave over the link's interface eth1/ },
  { what: "same router at both ends", mutate: (d) => (L(d).router_b = "r1"), resource: "srv6_protected_link.l12", field: "router_b", value: "r1", says: /two different routers/ },
  { what: "unknown attribute", mutate: (d) => (R(d, "r1").colour = "red"), resource: "srv6_router.r1", field: "colour", value: "red", says: /unknown attribute/ },
  { what: "missing required attribute", mutate: (d) => delete R(d, "r2").decap_sid, resource: "srv6_router.r2", field: "decap_sid", value: undefined, says: /required/ },
  { what: "malformed pinned fingerprint", mutate: (d) => (R(d, "r1").host_key_sha256 = "MD5:aa:bb"), resource: "srv6_router.r1", field: "host_key_sha256", value: "MD5:aa:bb", says: /must match/ },
  { what: "bad SSH user", mutate: (d) => (R(d, "r4").user = "Root!"), resource: "srv6_router.r4", field: "user", value: "Root!", says: /must match/ },
  { what: "provider parallelism 0", mutate: (d) => (d.provider.srv6[0].parallelism = 0), resource: "provider.srv6", field: "parallelism", value: 0, says: /between 1 and 256/ },
  { what: "count meta-argument", mutate: (d) => (R(d, "r3").count = 2), resource: "srv6_router.r3", field: "count", value: 2, says: /not supported/ },

  // --- numbers JSON cannot write: 1e400 in a JSON file parses to Infinity; messages must not show JSON's null
  { what: "probe interval Infinity (1e400 in the JSON file)", mutate: (d) => (L(d).probe_interval_ms = Infinity), resource: "srv6_protected_link.l12", field: "probe_interval_ms", value: Infinity, says: /Infinity is not a finite number.*between 1 and 10000/ },
  { what: "hold-down -Infinity (-1e400)", mutate: (d) => (L(d).hold_down_ms = -Infinity), resource: "srv6_protected_link.l12", field: "hold_down_ms", value: -Infinity, says: /-Infinity is not a finite number.*between 0 and 600000/ },
  { what: "multiplier NaN", mutate: (d) => (L(d).multiplier = NaN), resource: "srv6_protected_link.l12", field: "multiplier", value: NaN, says: /NaN is not a finite number.*between 2 and 255/ },
  { what: "SSH port Infinity", mutate: (d) => (R(d, "r1").port = Infinity), resource: "srv6_router.r1", field: "port", value: Infinity, says: /not a finite number.*between 1 and 65535/ },
  { what: "provider parallelism Infinity", mutate: (d) => (d.provider.srv6[0].parallelism = Infinity), resource: "provider.srv6", field: "parallelism", value: Infinity, says: /not a finite number.*between 1 and 256/ },

  // --- addresses valid as IPv6 but wrong for their role (model/ipv6.ts SPECIAL_RANGES)
  { what: "link-local locator", mutate: (d) => (R(d, "r3").locator = "fe80:0:3::/48"), resource: "srv6_router.r3", field: "locator", value: "fe80:0:3::/48", says: /overlaps the link-local range fe80::\/10: a locator must be routable unicast space/ },
  { what: "multicast locator", mutate: (d) => (R(d, "r3").locator = "ff0e:0:3::/48"), resource: "srv6_router.r3", field: "locator", value: "ff0e:0:3::/48", says: /overlaps the multicast range ff00::\/8/ },
  { what: "locator holding the unspecified and loopback addresses", mutate: (d) => (R(d, "r3").locator = "::/16"), resource: "srv6_router.r3", field: "locator", value: "::/16", says: /contains the unspecified address \(::\)/ },
  { what: "link-local node SID", mutate: (d) => (R(d, "r1").node_sid = "fe80::1:e"), resource: "srv6_router.r1", field: "node_sid", value: "fe80::1:e", says: /is a link-local address \(fe80::\/10\): a SID must be a routable unicast address/ },
  { what: "loopback node SID", mutate: (d) => (R(d, "r1").node_sid = "::1"), resource: "srv6_router.r1", field: "node_sid", value: "::1", says: /is the loopback address \(::1\)/ },
  { what: "multicast decap SID", mutate: (d) => (R(d, "r2").decap_sid = "ff02::d6"), resource: "srv6_router.r2", field: "decap_sid", value: "ff02::d6", says: /is a multicast address \(ff00::\/8\)/ },
  { what: "unspecified decap SID", mutate: (d) => (R(d, "r3").decap_sid = "::"), resource: "srv6_router.r3", field: "decap_sid", value: "::", says: /is the unspecified address \(::\)/ },
  { what: "IPv4-mapped adjacency SID", mutate: (d) => (R(d, "r1").adjacency_sids[0].sid = "::ffff:198.18.0.1"), resource: "srv6_router.r1", field: "adjacency_sids[0].sid", value: "::ffff:198.18.0.1", says: /is an IPv4-mapped address \(::ffff:0:0\/96\)/ },
  { what: "link-local monitor SID", mutate: (d) => (L(d).monitor_sid_a = "fe80::b1"), resource: "srv6_protected_link.l12", field: "monitor_sid_a", value: "fe80::b1", says: /is a link-local address.*a SID must be/ },
  { what: "multicast return SID", mutate: (d) => (L(d).return_sid_b = "ff02::e1"), resource: "srv6_protected_link.l12", field: "return_sid_b", value: "ff02::e1", says: /is a multicast address/ },
  { what: "loopback source address", mutate: (d) => (R(d, "r3").source_address = "::1"), resource: "srv6_router.r3", field: "source_address", value: "::1", says: /is the loopback address \(::1\): the SRv6 source address must be a routable unicast address/ },
  { what: "link-local source address", mutate: (d) => (R(d, "r3").source_address = "fe80::3"), resource: "srv6_router.r3", field: "source_address", value: "fe80::3", says: /is a link-local address.*source address/ },
  { what: "multicast backup segment", mutate: (d) => (P(d).segments = ["ff0e::1", "fc00:0:4:d6::"]), resource: "srv6_backup_policy.r1-to-h2", field: "segments[0]", value: "ff0e::1", says: /is a multicast address \(ff00::\/8\): a backup segment must be a routable unicast SID/ },
  { what: "unspecified last segment", mutate: (d) => (P(d).segments = ["fc00:0:3:e::", "::"]), resource: "srv6_backup_policy.r1-to-h2", field: "segments[1]", value: "::", says: /is the unspecified address \(::\): a backup segment/ },
  { what: "unspecified peer address", mutate: (d) => (L(d).peer_address_a = "::"), resource: "srv6_protected_link.l12", field: "peer_address_a", value: "::", says: /is the unspecified address \(::\): a next hop must be a unicast address of the neighbour on the link \(link-local is allowed\)/ },
  { what: "multicast peer address", mutate: (d) => (L(d).peer_address_b = "ff02::1"), resource: "srv6_protected_link.l12", field: "peer_address_b", value: "ff02::1", says: /is a multicast address.*next hop/ },
  { what: "loopback peer address", mutate: (d) => (L(d).peer_address_a = "::1"), resource: "srv6_protected_link.l12", field: "peer_address_a", value: "::1", says: /is the loopback address \(::1\): a next hop/ },
  { what: "IPv4-mapped peer address", mutate: (d) => (L(d).peer_address_b = "::ffff:10.0.0.1"), resource: "srv6_protected_link.l12", field: "peer_address_b", value: "::ffff:10.0.0.1", says: /is an IPv4-mapped address.*next hop/ },
  { what: "multicast End.X nexthop", mutate: (d) => (R(d, "r3").adjacency_sids = [{ sid: "fc00:0:3:e2::", interface: "eth2", nexthop: "ff02::2" }]), resource: "srv6_router.r3", field: "adjacency_sids[0].nexthop", value: "ff02::2", says: /is a multicast address.*next hop/ },
  { what: "unspecified End.X nexthop", mutate: (d) => (R(d, "r3").adjacency_sids = [{ sid: "fc00:0:3:e2::", interface: "eth2", nexthop: "::" }]), resource: "srv6_router.r3", field: "adjacency_sids[0].nexthop", value: "::", says: /is the unspecified address \(::\): a next hop/ },
  { what: "multicast protected prefix", mutate: (d) => (P(d).prefixes[0] = "ff0e::/16"), resource: "srv6_backup_policy.r1-to-h2", field: "prefixes[0]", value: "ff0e::/16", says: /overlaps the multicast range ff00::\/8: a protected prefix must be routable unicast destinations/ },
  { what: "link-local protected prefix", mutate: (d) => (P(d).prefixes[0] = "fe80::/64"), resource: "srv6_backup_policy.r1-to-h2", field: "prefixes[0]", value: "fe80::/64", says: /overlaps the link-local range fe80::\/10/ },
  { what: "loopback protected prefix", mutate: (d) => (P(d).prefixes[0] = "::1/128"), resource: "srv6_backup_policy.r1-to-h2", field: "prefixes[0]", value: "::1/128", says: /contains the loopback address \(::1\)/ },
  { what: "IPv4-mapped protected prefix", mutate: (d) => (P(d, "p2").prefixes[0] = "::ffff:0:0/96"), resource: "srv6_backup_policy.r2-to-h1", field: "prefixes[0]", value: "::ffff:0:0/96", says: /overlaps the IPv4-mapped range/ },
  { what: "default route as protected prefix", mutate: (d) => (P(d).prefixes[0] = "::/0"), resource: "srv6_backup_policy.r1-to-h2", field: "prefixes[0]", value: "::/0", says: /is a \/0: a protected prefix must be \/16 or longer/ },
  { what: "protected prefix shorter than /16", mutate: (d) => (P(d).prefixes[0] = "2000::/3"), resource: "srv6_backup_policy.r1-to-h2", field: "prefixes[0]", value: "2000::/3", says: /is a \/3: a protected prefix must be \/16 or longer/ },
  { what: "protected prefix inside a router's locator", mutate: (d) => (P(d).prefixes[0] = "fc00:0:4:1::/64"), resource: "srv6_backup_policy.r1-to-h2", field: "prefixes[0]", value: "fc00:0:4:1::/64", says: /overlaps the locator fc00:0:4::\/48 of srv6_router.r4: locators hold SIDs/ },
  { what: "protected prefix covering the locators", mutate: (d) => (P(d, "p2").prefixes[0] = "fc00::/16"), resource: "srv6_backup_policy.r2-to-h1", field: "prefixes[0]", value: "fc00::/16", says: /overlaps the locator fc00:0:[1-4]::\/48 of srv6_router.r[1-4]/ },

  // --- segment lists: SIDs of routers, each once, never across the protected link
  { what: "segment that is no router's SID (inside a locator)", mutate: (d) => (P(d).segments = ["fc00:0:3:99::", "fc00:0:4:d6::"]), resource: "srv6_backup_policy.r1-to-h2", field: "segments[0]", value: "fc00:0:3:99::", says: /is not a SID of any router: a backup segment must be the node_sid, the decap_sid or an End.X SID/ },
  { what: "segment outside every locator", mutate: (d) => (P(d, "p2").segments = ["fc00:0:4:e::", "2001:db8:9::1", "fc00:0:1:d6::"]), resource: "srv6_backup_policy.r2-to-h1", field: "segments[1]", value: "2001:db8:9::1", says: /is not a SID of any router/ },
  { what: "segment that is a monitor SID", mutate: (d) => (P(d).segments = ["fc00:0:2:b1::", "fc00:0:4:d6::"]), resource: "srv6_backup_policy.r1-to-h2", field: "segments[0]", value: "fc00:0:2:b1::", says: /is srv6_protected_link.l12.monitor_sid_b, an End.BPF SID that only receives probes/ },
  { what: "repeated segment", mutate: (d) => (P(d, "p2").segments = ["fc00:0:4:e::", "fc00:0:4:e::", "fc00:0:1:d6::"]), resource: "srv6_backup_policy.r2-to-h1", field: "segments[1]", value: "fc00:0:4:e::", says: /repeats segments\[0\] \(fc00:0:4:e::\): a backup path visits each SID once/ },
  { what: "repeated segment in another spelling", mutate: (d) => (P(d, "p2").segments = ["fc00:0:4:e::", "fc00:0:3:e::", "FC00:0:4:E:0:0:0:0", "fc00:0:1:d6::"]), resource: "srv6_backup_policy.r2-to-h1", field: "segments[2]", value: "FC00:0:4:E:0:0:0:0", says: /repeats segments\[0\]/ },
  { what: "first segment is the End.X of the policy's router over the protected link", mutate: (d) => (P(d).segments = ["fc00:0:1:e1::", "fc00:0:4:d6::"]), resource: "srv6_backup_policy.r1-to-h2", field: "segments[0]", value: "fc00:0:1:e1::", says: /is srv6_router.r1.adjacency_sids\[0\].sid, the End.X SID of router r1 over eth1, which is the protected link l12: the backup path must not cross the link it protects/ },
  { what: "a later segment crosses the protected link back (the peer's End.X over it)", mutate: (d) => (P(d, "p2").segments = ["fc00:0:4:e::", "fc00:0:1:e1::", "fc00:0:1:d6::"]), resource: "srv6_backup_policy.r2-to-h1", field: "segments[1]", value: "fc00:0:1:e1::", says: /End.X SID of router r1 over eth1, which is the protected link l12/ },
  { what: "first segment is the node SID of the protected link's other end", mutate: (d) => (P(d).segments = ["fc00:0:2:e::", "fc00:0:4:d6::"]), resource: "srv6_backup_policy.r1-to-h2", field: "segments[0]", value: "fc00:0:2:e::", says: /is the node SID of router r2, the other end of the protected link l12: the route from r1 to it is that link/ },
  { what: "only segment is the decap SID of the protected link's other end", mutate: (d) => (P(d).segments = ["fc00:0:2:d6::"]), resource: "srv6_backup_policy.r1-to-h2", field: "segments[0]", value: "fc00:0:2:d6::", says: /is the decap SID of router r2, the other end of the protected link l12/ },

  // --- a SID is never one of the routers' own addresses
  { what: "source address equal to the router's node SID", mutate: (d) => (R(d, "r3").source_address = "fc00:0:3:e::"), resource: "srv6_router.r3", field: "source_address", value: "fc00:0:3:e::", says: /is also the SID srv6_router.r3.node_sid: the SRv6 source address is the router's own address/ },
  { what: "decap SID equal to the locator's ::1 (the default source address)", mutate: (d) => (R(d, "r3").decap_sid = "fc00:0:3::1"), resource: "srv6_router.r3", field: "decap_sid", value: "fc00:0:3::1", says: /is fc00:0:3::1, the locator's ::1, which is kept for the router's own address \(its loopback, and the SRv6 source address when source_address is unset\)/ },
  { what: "monitor SID equal to the locator's ::1", mutate: (d) => (L(d).monitor_sid_a = "fc00:0:1::1"), resource: "srv6_protected_link.l12", field: "monitor_sid_a", value: "fc00:0:1::1", says: /the locator's ::1, which is kept for the router's own address/ },
  { what: "peer address equal to a node SID", mutate: (d) => { L(d).peer_address_a = "fc00:0:2:e::"; R(d, "r1").adjacency_sids[0].nexthop = "fc00:0:2:e::"; }, resource: "srv6_protected_link.l12", field: "peer_address_a", value: "fc00:0:2:e::", says: /is also the SID srv6_router.r2.node_sid: a link address is a router's own address/ },
  { what: "peer address equal to a monitor SID", mutate: (d) => { L(d).peer_address_b = "fc00:0:1:b1::"; R(d, "r2").adjacency_sids[0].nexthop = "fc00:0:1:b1::"; }, resource: "srv6_protected_link.l12", field: "peer_address_b", value: "fc00:0:1:b1::", says: /is also the SID srv6_protected_link.l12.monitor_sid_a/ },

  // --- combinations
  { what: "detection time over 10 s (probe interval x multiplier)", mutate: (d) => (L(d).probe_interval_ms = 5000), resource: "srv6_protected_link.l12", field: "probe_interval_ms", value: 5000, says: /probe_interval_ms x multiplier = 5000 x 3 = 15000 ms: a failure must be detected within 10000 ms/ },
  { what: "backup probe interval below the minimum (neither off nor 100 ms)", mutate: (d) => (L(d).backup_probe_interval_ms = 50), resource: "srv6_protected_link.l12", field: "backup_probe_interval_ms", value: 50, says: /must be 0 \(no backup probes\) or at least 100 ms/ },
  { what: "backup probe interval over a minute", mutate: (d) => (L(d).backup_probe_interval_ms = 60001), resource: "srv6_protected_link.l12", field: "backup_probe_interval_ms", value: 60001, says: /between 0 and 60000/ },
  { what: "detection time over 10 s with the most misses allowed", mutate: (d) => { L(d).probe_interval_ms = 100; L(d).multiplier = 255; }, resource: "srv6_protected_link.l12", field: "probe_interval_ms", value: 100, says: /100 x 255 = 25500 ms/ },

  // --- interface names (Linux: at most 15 bytes, no '/', no whitespace, not '.' or '..')
  { what: "interface name of 16 characters", mutate: (d) => (L(d).interface_a = "eth1234567890123"), resource: "srv6_protected_link.l12", field: "interface_a", value: "eth1234567890123", says: /must match the pattern .*: a Linux interface name: 1 to 15 characters/ },
  { what: "interface named '.'", mutate: (d) => (L(d).interface_b = "."), resource: "srv6_protected_link.l12", field: "interface_b", value: ".", says: /1 to 15 characters.*not '\.' or '\.\.'/ },
  { what: "interface named '..'", mutate: (d) => (R(d, "r3").adjacency_sids = [{ sid: "fc00:0:3:e2::", interface: "..", nexthop: "fd00:0:0:3::1" }]), resource: "srv6_router.r3", field: "adjacency_sids[0].interface", value: "..", says: /a Linux interface name: 1 to 15 characters/ },
  { what: "interface name with '/'", mutate: (d) => (L(d).interface_a = "eth/1"), resource: "srv6_protected_link.l12", field: "interface_a", value: "eth/1", says: /1 to 15 characters.*no '\/', whitespace or shell metacharacters/ },
  { what: "interface name with a space", mutate: (d) => (L(d).interface_b = "eth 1"), resource: "srv6_protected_link.l12", field: "interface_b", value: "eth 1", says: /1 to 15 characters/ },
  { what: "interface name with a trailing newline", mutate: (d) => (L(d).interface_a = "eth1\n"), resource: "srv6_protected_link.l12", field: "interface_a", value: "eth1\n", says: /1 to 15 characters/ },

  // --- names that are also members of every JavaScript object: no lookup may find Object.prototype
  { what: "policy on a link named 'constructor' (not declared)", mutate: (d) => (P(d).link = "constructor"), resource: "srv6_backup_policy.r1-to-h2", field: "link", value: "constructor", says: /unknown link: no srv6_protected_link named 'constructor' \(known: l12\)/ },
  { what: "policy on a router named 'constructor' (not declared)", mutate: (d) => (P(d, "p2").router = "constructor"), resource: "srv6_backup_policy.r2-to-h1", field: "router", value: "constructor", says: /unknown router: no srv6_router named 'constructor'/ },
  { what: "link whose router_a is '__proto__'", mutate: (d) => (L(d).router_a = "__proto__"), resource: "srv6_protected_link.l12", field: "router_a", value: "__proto__", says: /must match the pattern .*: a resource name: 1 to 63 characters, lower-case letters, digits, '-' and '_', starting with a letter/ },
  { what: "policy router 'toString'", mutate: (d) => (P(d).router = "toString"), resource: "srv6_backup_policy.r1-to-h2", field: "router", value: "toString", says: /a resource name: 1 to 63 characters/ },
  { what: "link named 'hasOwnProperty'", mutate: (d) => (L(d).name = "hasOwnProperty"), resource: "srv6_protected_link.l12", field: "name", value: "hasOwnProperty", says: /a resource name/ },
  { what: "sudo as a string", mutate: (d) => (R(d, "r4").sudo = "yes; sudo -s"), resource: "srv6_router.r4", field: "sudo", value: "yes; sudo -s", says: /must be of type boolean/ },
  { what: "malformed monitor SID at end b", mutate: (d) => (L(d).monitor_sid_b = "fc00:0:2:b1::/64"), resource: "srv6_protected_link.l12", field: "monitor_sid_b", value: "fc00:0:2:b1::/64", says: /must be a valid IPv6 address/ },
  { what: "policy name with a space and a quote", mutate: (d) => (P(d).name = "r1 to 'h2'"), resource: "srv6_backup_policy.p1", field: "name", value: "r1 to 'h2'", says: /a resource name: 1 to 63 characters/ },
  { what: "reference to a resource named 'constructor'", mutate: (d) => (L(d).router_b = "${srv6_router.constructor.name}"), resource: "srv6_protected_link.l12", field: "router_b", value: "${srv6_router.constructor.name}", says: /reference to unknown resource srv6_router.constructor/ },
  { what: "reference to an attribute named 'constructor'", mutate: (d) => (P(d).router = "${srv6_router.r1.constructor}"), resource: "srv6_backup_policy.r1-to-h2", field: "router", value: "${srv6_router.r1.constructor}", says: /reference srv6_router.r1.constructor: that attribute is not set in srv6_router.r1/ },
  { what: "reference to an attribute named '__proto__'", mutate: (d) => (P(d, "p2").link = "${srv6_protected_link.l12.__proto__}"), resource: "srv6_backup_policy.r2-to-h1", field: "link", value: "${srv6_protected_link.l12.__proto__}", says: /that attribute is not set in srv6_protected_link.l12/ },
  { what: "reference into a list element's 'toString'", mutate: (d) => (L(d).return_sid_b = "${srv6_router.r1.adjacency_sids[0].toString}"), resource: "srv6_protected_link.l12", field: "return_sid_b", value: "${srv6_router.r1.adjacency_sids[0].toString}", says: /that attribute is not set/ },
  { what: "resource attribute named '__proto__'", mutate: (d) => Object.defineProperty(R(d, "r3"), "__proto__", { value: { colour: "red" }, enumerable: true, writable: true, configurable: true }), resource: "srv6_router.r3", field: "__proto__", value: { colour: "red" }, says: /unknown attribute/ },

  // --- connection settings: file names on one line (never the key itself, never echoed), jump host ports
  { what: "private key pasted into private_key_file", mutate: (d) => (R(d, "r1").private_key_file = PASTED_KEY), resource: "srv6_router.r1", field: "private_key_file", value: KEY_MATERIAL_NOT_SHOWN, says: /an absolute path \(\/\.\.\.\) or one under the home directory \(~\/\.\.\.\), on one line: the name of the file, not its content/, hidden: [PASTED_KEY, PASTED_KEY_BODY] },
  { what: "private key header on one line", mutate: (d) => (R(d, "r2").private_key_file = `-----BEGIN OPENSSH PRIVATE KEY----- ${PASTED_KEY_BODY}`), resource: "srv6_router.r2", field: "private_key_file", value: KEY_MATERIAL_NOT_SHOWN, says: /not its content/, hidden: [PASTED_KEY_BODY] },
  { what: "key body without its header in private_key_file", mutate: (d) => (R(d, "r3").private_key_file = "AAAAC3NzaC1lZDI1NTE5AAAAIHx7\nQ2hlY2sgdGhpcyBrZXkgYm9keQ=="), resource: "srv6_router.r3", field: "private_key_file", value: KEY_MATERIAL_NOT_SHOWN, says: /on one line/, hidden: ["AAAAC3NzaC1lZDI1NTE5AAAAIHx7", "Q2hlY2sgdGhpcyBrZXkgYm9keQ=="] },
  { what: "relative private key path", mutate: (d) => (R(d, "r4").private_key_file = "keys/id_ed25519"), resource: "srv6_router.r4", field: "private_key_file", value: "keys/id_ed25519", says: /an absolute path/ },
  { what: "known_hosts_file on two lines", mutate: (d) => (R(d, "r1").known_hosts_file = "/etc/ssh/known_hosts\n198.18.0.11 ssh-ed25519 AAAA"), resource: "srv6_router.r1", field: "known_hosts_file", value: "/etc/ssh/known_hosts\n198.18.0.11 ssh-ed25519 AAAA", says: /on one line: the name of the file, not its content/ },
  { what: "relative known_hosts_file", mutate: (d) => (R(d, "r2").known_hosts_file = "known_hosts"), resource: "srv6_router.r2", field: "known_hosts_file", value: "known_hosts", says: /an absolute path/ },
  { what: "jump host port over 65535", mutate: (d) => (R(d, "r1").jump_host = "ops@bastion:99999"), resource: "srv6_router.r1", field: "jump_host", value: "ops@bastion:99999", says: /the jump host's port '99999' is not a port: write \[user@\]host\[:port\] with a port from 1 to 65535/ },
  { what: "jump host port 0", mutate: (d) => (R(d, "r2").jump_host = "bastion:0"), resource: "srv6_router.r2", field: "jump_host", value: "bastion:0", says: /port '0' is not a port/ },
  { what: "jump host with an empty port", mutate: (d) => (R(d, "r3").jump_host = "bastion:"), resource: "srv6_router.r3", field: "jump_host", value: "bastion:", says: /port is empty/ },
  { what: "bracketed IPv6 jump host with a port over 65535", mutate: (d) => (R(d, "r4").jump_host = "[fd00::1]:70000"), resource: "srv6_router.r4", field: "jump_host", value: "[fd00::1]:70000", says: /port '70000' is not a port/ },
];

/**
 * Rows only a JSON document (cdk.tf.json, the CLI's path) can express, by name, and why: under
 * `tofu plan` Terraform itself answers them (references, meta-arguments, attributes the schema
 * does not have) or HCL cannot write the value (Infinity, NaN, a `__proto__` key).
 */
export const CLI_ONLY: ReadonlyMap<string, string> = new Map([
  ["reference to an unknown resource", "Terraform resolves references itself"],
  ["unsupported Terraform expression", "Terraform evaluates expressions itself"],
  ["unknown attribute", "Terraform refuses an attribute the provider schema does not have"],
  ["missing required attribute", "Terraform refuses a missing required attribute"],
  ["count meta-argument", "Terraform supports count"],
  ["sudo as a string", "Terraform refuses a value of the wrong type against the provider schema (\"a bool is required\", the snippet shows the value)"],
  ["probe interval Infinity (1e400 in the JSON file)", "HCL has no Infinity (1e400 is a finite number to Terraform)"],
  ["hold-down -Infinity (-1e400)", "HCL has no -Infinity"],
  ["multiplier NaN", "HCL has no NaN"],
  ["SSH port Infinity", "HCL has no Infinity"],
  ["provider parallelism Infinity", "HCL has no Infinity"],
  ["reference to a resource named 'constructor'", "Terraform resolves references itself"],
  ["reference to an attribute named 'constructor'", "Terraform resolves references itself"],
  ["reference to an attribute named '__proto__'", "Terraform resolves references itself"],
  ["reference into a list element's 'toString'", "Terraform resolves references itself"],
  ["resource attribute named '__proto__'", "Terraform refuses an attribute the provider schema does not have"],
]);

/** A fresh diamond document with `row`'s one mistake in it. */
export function badDocument(row: BadInput): any {
  const doc = diamondDocument();
  row.mutate(doc);
  return doc;
}

/** The row named `what` (rows are named uniquely). */
export function badInput(what: string): BadInput {
  const row = BAD_INPUTS.find((r) => r.what === what);
  if (!row) throw new Error(`no bad input named "${what}"`);
  return row;
}
