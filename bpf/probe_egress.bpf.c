// SPDX-License-Identifier: GPL-2.0-only
/*
 * tc egress on a protected link's interface (sched_cls, Linux 4.1+; clsact
 * 4.5+): stamps every probe that leaves over this interface for this link,
 * counts it as sent, and runs the "on send" half of the liveness state
 * machine. A probe that did not leave here carries no stamp and the monitor
 * refuses it, so only probes that really crossed the link keep it alive.
 * Always returns TC_ACT_OK: this program never drops traffic.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "srv6p_layout.h"
#include "srv6p_maps.h"
#include "srv6p_probe.h"
#include "srv6p_link.h"

/* Largest probe we pull into the linear area: L2 + IPv6 + full SRH + UDP + payload. */
#define SRV6P_MAX_PROBE_FRAME (14 + 40 + 2048 + 8 + sizeof(struct srv6p_probe))

SEC("tc")
int srv6p_probe_egress(struct __sk_buff *skb)
{
	struct srv6p_link_config *cfg;
	struct srv6p_link_state *st;
	struct srv6p_probe *probe;
	struct ipv6_sr_hdr *srh;
	struct ethhdr *eth;
	void *data, *data_end;
	__u32 ifindex = skb->ifindex;
	__u64 now, count;

	if (skb->protocol != bpf_htons(ETH_P_IPV6))
		return TC_ACT_OK;
	cfg = bpf_map_lookup_elem(&srv6p_link_config, &ifindex);
	if (!cfg)
		return TC_ACT_OK;
	/* Probes are small; make sure the whole of one is in the linear area. */
	if (skb->len <= SRV6P_MAX_PROBE_FRAME && skb->data_end - skb->data < skb->len)
		bpf_skb_pull_data(skb, skb->len);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IPV6))
		return TC_ACT_OK;
	if (srv6p_find_probe(eth + 1, data_end, &probe, &srh) != SRV6P_R_NONE)
		return TC_ACT_OK;
	/*
	 * Only our own probes, on their first hop: sent by a local socket and
	 * still heading for their first segment. A neighbour's probe that our
	 * End.X is returning also leaves here, and interface indexes are only
	 * unique per router, so its link_ifindex may well equal ours.
	 */
	if (!skb->sk || srh->segments_left != srh->first_segment)
		return TC_ACT_OK;
	/* A backup path probe tests no link: its first hop may be any interface. */
	if (probe->flags & SRV6P_PROBE_F_PATH)
		return TC_ACT_OK;
	if (probe->link_ifindex != bpf_htonl(ifindex)) {
		/* Another link's probe routed out of here: it proves nothing about either. */
		srv6p_count_reason(SRV6P_R_STAMP_WRONG_LINK);
		return TC_ACT_OK;
	}
	st = srv6p_link_state_get(ifindex);
	if (!st)
		return TC_ACT_OK;
	now = bpf_ktime_get_ns();
	count = srv6p_link_on_send(cfg, st, now);
	/* Direct packet write: the verifier makes the skb private (unclone) first. */
	probe->stamp_ifindex = bpf_htonl(ifindex);
	probe->stamp_count = bpf_cpu_to_be64(count);
	probe->stamp_ns = bpf_cpu_to_be64(now);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
