/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Finding a probe in a packet: IPv6, then a type-4 routing header (SRH),
 * then UDP to SRV6P_PROBE_PORT, then a struct srv6p_probe with our magic.
 * Every header is checked against data_end before it is read.
 */
#ifndef SRV6P_PROBE_H
#define SRV6P_PROBE_H

#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <linux/seg6.h>
#include <bpf/bpf_endian.h>
#include "srv6p_layout.h"
#include "srv6p_reasons.h"

#define SRV6P_IPPROTO_ROUTING 43
#define SRV6P_SRH_TYPE 4

/*
 * Locate the probe payload of the IPv6 packet starting at `ip6`.
 * Returns SRV6P_R_NONE and sets *probe and *srh_out, or the reason it is not a probe.
 */
static __always_inline __u32 srv6p_find_probe(void *ip6, void *data_end,
					      struct srv6p_probe **probe,
					      struct ipv6_sr_hdr **srh_out)
{
	struct ipv6hdr *ip = ip6;
	struct ipv6_sr_hdr *srh;
	struct udphdr *udp;
	struct srv6p_probe *p;
	__u32 srh_len;

	if ((void *)(ip + 1) > data_end)
		return SRV6P_R_TRUNCATED;
	if (ip->version != 6)
		return SRV6P_R_NOT_IPV6;
	if (ip->nexthdr != SRV6P_IPPROTO_ROUTING)
		return SRV6P_R_NO_SRH;
	srh = (void *)(ip + 1);
	if ((void *)(srh + 1) > data_end)
		return SRV6P_R_TRUNCATED;
	if (srh->type != SRV6P_SRH_TYPE)
		return SRV6P_R_NO_SRH;
	if (srh->nexthdr != IPPROTO_UDP)
		return SRV6P_R_NOT_PROBE;
	/* hdrlen is a u8, so srh_len <= 2048: a bounded variable offset the verifier accepts. */
	srh_len = ((__u32)srh->hdrlen + 1) * 8;
	udp = (void *)srh + srh_len;
	if ((void *)(udp + 1) > data_end)
		return SRV6P_R_TRUNCATED;
	if (udp->dest != bpf_htons(SRV6P_PROBE_PORT))
		return SRV6P_R_NOT_PROBE;
	p = (void *)(udp + 1);
	if ((void *)(p + 1) > data_end)
		return SRV6P_R_TRUNCATED;
	if (p->magic != bpf_htonl(SRV6P_PROBE_MAGIC) || p->version != SRV6P_PROBE_VERSION)
		return SRV6P_R_NOT_PROBE;
	*probe = p;
	*srh_out = srh;
	return SRV6P_R_NONE;
}

#endif
