// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fast reroute on a protected prefix's route (`encap bpf in ... xmit ...`).
 * Look the destination up in srv6p_backups (longest prefix); while that
 * backup's link is down, put the packet on the backup segment list:
 *   lwt_in   (forwarded traffic, Linux 4.18+ for BPF_LWT_ENCAP_SEG6):
 *            push the SRH, the kernel builds the outer IPv6 header (source
 *            = `ip sr tunsrc`) and routes on the first segment.
 *   lwt_xmit (locally originated traffic, Linux 5.2+ for BPF_LWT_ENCAP_IP):
 *            ENCAP_SEG6 is refused at run time there, so push a complete
 *            outer IPv6 header + SRH ourselves and ask for a reroute.
 * A failover drill (srv6p_drills) counts as down until its deadline.
 * Otherwise pass (BPF_OK): the route's own next hop, the link, is used.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "srv6p_layout.h"
/* Loaded once per router by bpftool, which hands it the pinned maps. */
#define SRV6P_MAPS_GIVEN_BY_LOADER
#include "srv6p_maps.h"

#define SRV6P_IPPROTO_ROUTING 43
#define SRV6P_SRH_MAX_LEN (8 + 16 * SRV6P_MAX_SEGMENTS)

/* An SRH (RFC 8754 layout, as struct ipv6_sr_hdr) with room for the longest backup path. */
struct srv6p_srh_buf {
	__u8 nexthdr;
	__u8 hdrlen;
	__u8 type;
	__u8 segments_left;
	__u8 first_segment;
	__u8 flags;
	__be16 tag;
	__u8 segs[SRV6P_MAX_SEGMENTS][16];
};

/* Outer IPv6 header followed by the SRH, for BPF_LWT_ENCAP_IP. */
struct srv6p_encap_buf {
	struct ipv6hdr ip;
	struct srv6p_srh_buf srh;
};

/* A drill on the link, not yet past its deadline. */
static __always_inline int srv6p_drilling(__u32 ifindex)
{
	struct srv6p_drill *d = bpf_map_lookup_elem(&srv6p_drills, &ifindex);

	return d && bpf_ktime_get_ns() < d->until_ns;
}

/* The backup of the packet's destination if its link is down (or drilled), else NULL. */
static __always_inline struct srv6p_backup *srv6p_backup_if_down(struct __sk_buff *skb,
								 struct srv6p_link_state **state)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct srv6p_backup_key key = { .prefixlen = 128 };
	struct ipv6hdr *ip = data;
	struct srv6p_link_state *st;
	struct srv6p_backup *b;

	if ((void *)(ip + 1) > data_end || ip->version != 6)
		return NULL;
	__builtin_memcpy(key.addr, &ip->daddr, 16);
	b = bpf_map_lookup_elem(&srv6p_backups, &key);
	if (!b) {
		srv6p_count_reason(SRV6P_R_NO_BACKUP);
		return NULL;
	}
	st = bpf_map_lookup_elem(&srv6p_link_state, &b->link_ifindex);
	if (!st || (!st->down && !srv6p_drilling(b->link_ifindex)))
		return NULL;
	if (b->nsegs < 1 || b->nsegs > SRV6P_MAX_SEGMENTS) {
		srv6p_count_reason(SRV6P_R_BAD_BACKUP);
		return NULL;
	}
	*state = st;
	return b;
}

/*
 * Fill an SRH carrying b's segments (reversed: segments[0] is the last one)
 * and return its length. The buffer is zeroed by the caller so the verifier
 * sees every byte initialised whatever nsegs is.
 */
static __always_inline __u32 srv6p_fill_srh(struct srv6p_srh_buf *srh,
					    const struct srv6p_backup *b, __u8 nexthdr)
{
	__u32 n = b->nsegs;
	__u32 i, d;

	if (n < 1 || n > SRV6P_MAX_SEGMENTS)
		return 0;
	srh->nexthdr = nexthdr;
	srh->hdrlen = n * 2;
	srh->type = 4;
	srh->segments_left = n - 1;
	srh->first_segment = n - 1;
#pragma unroll
	for (i = 0; i < SRV6P_MAX_SEGMENTS; i++) {
		/* The computed index is checked itself: clang may re-read n, and the
		 * verifier needs a bound on the variable stack offset. */
		d = n - 1 - i;
		if (i < n && d < SRV6P_MAX_SEGMENTS)
			__builtin_memcpy(srh->segs[d], b->segs[i], 16);
	}
	return 8 + 16 * n;
}

SEC("lwt_in")
int srv6p_reroute_in(struct __sk_buff *skb)
{
	struct srv6p_link_state *st = NULL;
	struct srv6p_srh_buf srh;
	struct srv6p_backup *b;
	__u32 len;

	b = srv6p_backup_if_down(skb, &st);
	if (!b || !st)
		return BPF_OK;
	__builtin_memset(&srh, 0, sizeof(srh));
	len = srv6p_fill_srh(&srh, b, IPPROTO_IPV6);
	/* 0 = bad nsegs; the upper bound is for the verifier (24..104 by construction). */
	if (!len || len > sizeof(srh))
		return BPF_OK;
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_SEG6, &srh, len)) {
		srv6p_count_reason(SRV6P_R_ENCAP_FAILED);
		return BPF_DROP;
	}
	__sync_fetch_and_add(&st->packets_rerouted, 1);
	/*
	 * Route the encapsulated packet as input: a list may start with this
	 * router's own End.X (TI-LFA, where even the first hop must be forced),
	 * and only the input path runs a local SID; with BPF_OK the packet would
	 * be forwarded on the original route's input towards the SID's address.
	 */
	return BPF_LWT_REROUTE;
}

SEC("lwt_xmit")
int srv6p_reroute_xmit(struct __sk_buff *skb)
{
	struct srv6p_link_state *st = NULL;
	struct srv6p_encap_buf enc;
	struct srv6p_backup *b;
	__u32 srh_len, len;

	b = srv6p_backup_if_down(skb, &st);
	if (!b || !st)
		return BPF_OK;
	if (skb->gso_segs > 1) {
		/* The kernel's ENCAP_IP GSO path knows GRE/UDP/IP-in-IP, not an SRH. */
		srv6p_count_reason(SRV6P_R_GSO_UNSUPPORTED);
		return BPF_DROP;
	}
	__builtin_memset(&enc, 0, sizeof(enc));
	srh_len = srv6p_fill_srh(&enc.srh, b, IPPROTO_IPV6);
	if (!srh_len || srh_len > sizeof(enc.srh))
		return BPF_OK;
	len = sizeof(enc.ip) + srh_len;
	enc.ip.version = 6;
	enc.ip.payload_len = bpf_htons(skb->len + srh_len);
	enc.ip.nexthdr = SRV6P_IPPROTO_ROUTING;
	enc.ip.hop_limit = 64;
	__builtin_memcpy(&enc.ip.saddr, b->source, 16);
	__builtin_memcpy(&enc.ip.daddr, b->segs[0], 16);
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_IP, &enc, len)) {
		srv6p_count_reason(SRV6P_R_ENCAP_FAILED);
		return BPF_DROP;
	}
	__sync_fetch_and_add(&st->packets_rerouted, 1);
	return BPF_LWT_REROUTE;
}

char LICENSE[] SEC("license") = "GPL";
