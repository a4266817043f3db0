/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one table of drop / error / reject reasons. Counted in the `reasons`
 * array map (index = reason). Mirrored in provider/dataplane/reasons.ts: add
 * at the end, never renumber.
 */
#ifndef SRV6P_REASONS_H
#define SRV6P_REASONS_H

enum srv6p_reason {
	SRV6P_R_NONE = 0,
	SRV6P_R_NOT_IPV6 = 1,           /* monitor: packet is not IPv6 */
	SRV6P_R_NO_SRH = 2,             /* monitor: no segment routing header */
	SRV6P_R_NOT_PROBE = 3,          /* monitor: not UDP to the probe port or bad magic/version */
	SRV6P_R_TRUNCATED = 4,          /* a header ends past data_end */
	SRV6P_R_UNKNOWN_LINK = 5,       /* probe names an ifindex with no link_config */
	SRV6P_R_NOT_STAMPED = 6,        /* probe never left over its link (e.g. routed another way) */
	SRV6P_R_WRONG_INGRESS = 7,      /* probe came back over another interface */
	SRV6P_R_STALE_STAMP = 8,        /* stamp claims more probes than were sent (forged, or from before a reset) */
	SRV6P_R_NO_BACKUP = 9,          /* reroute: protected route without a backups entry */
	SRV6P_R_ENCAP_FAILED = 10,      /* reroute: bpf_lwt_push_encap refused the header */
	SRV6P_R_GSO_UNSUPPORTED = 11,   /* reroute (xmit): GSO packet cannot take an SRH by ENCAP_IP */
	SRV6P_R_BAD_BACKUP = 12,        /* reroute: backups entry with nsegs out of range */
	SRV6P_R_STAMP_WRONG_LINK = 13,  /* egress: probe for another link leaving here, not stamped */
	SRV6P_R__COUNT = 14,
};

#endif
