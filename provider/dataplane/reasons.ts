/**
 * The drop / error / reject reasons of the eBPF programs, mirroring
 * bpf/lib/srv6p_reasons.h (index = value in the srv6p_reasons array map).
 * Append only; never renumber.
 */
export interface ReasonInfo {
  readonly code: number;
  readonly name: string;
  readonly description: string;
}

export const REASONS: readonly ReasonInfo[] = [
  { code: 0, name: "none", description: "no reason (not counted)" },
  { code: 1, name: "not_ipv6", description: "monitor: packet is not IPv6" },
  { code: 2, name: "no_srh", description: "monitor: no segment routing header" },
  { code: 3, name: "not_probe", description: "monitor: not UDP to the probe port, or bad magic/version" },
  { code: 4, name: "truncated", description: "a header ends past the end of the packet" },
  { code: 5, name: "unknown_link", description: "probe names an interface with no link configuration" },
  { code: 6, name: "not_stamped", description: "probe never left over the link it tests (routed another way)" },
  { code: 7, name: "wrong_ingress", description: "probe came back over another interface than its link" },
  { code: 8, name: "stale_stamp", description: "probe claims more probes than were sent (forged, or from before a reset)" },
  { code: 9, name: "no_backup", description: "reroute: protected route without a backup entry" },
  { code: 10, name: "encap_failed", description: "reroute: the kernel refused to push the backup header" },
  { code: 11, name: "gso_unsupported", description: "reroute (local traffic): GSO packet cannot take an SRH by ENCAP_IP" },
  { code: 12, name: "bad_backup", description: "reroute: backup entry with a segment count out of range" },
  { code: 13, name: "stamp_wrong_link", description: "egress: another link's probe left over this interface and was not stamped" },
];

export const REASON_COUNT = REASONS.length;

export function reasonName(code: number): string {
  return REASONS[code]?.name ?? `reason_${code}`;
}
