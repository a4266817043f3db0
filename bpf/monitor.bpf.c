// SPDX-License-Identifier: GPL-2.0-only
/*
 * End.BPF monitor SID (lwt_seg6local, Linux 4.18+): where a router's own
 * probes come home after the neighbour's End.X sent them back over the link.
 * The kernel has already advanced the SRH (the monitor is never the last
 * segment). A probe counts only if the tc egress program stamped it leaving
 * over the link it names AND it came back in over that same interface; then
 * the "on ack" half of the liveness state machine runs. Every packet that
 * reaches this SID is consumed (BPF_DROP): probes end here.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "srv6p_layout.h"
#include "srv6p_maps.h"
#include "srv6p_probe.h"
#include "srv6p_link.h"

static __always_inline __u32 srv6p_accept_path_probe(const struct srv6p_probe *probe)
{
	struct srv6p_path_seen zero = {}, *seen;
	struct srv6p_path_sent *sent;
	__u32 key = bpf_ntohl(probe->link_ifindex);
	__u32 seq = bpf_ntohl(probe->seq);
	__u64 now;

	sent = bpf_map_lookup_elem(&srv6p_path_sent, &key);
	if (!sent)
		return SRV6P_R_UNKNOWN_LINK;
	if (seq > sent->last_seq)
		return SRV6P_R_STALE_STAMP;
	seen = bpf_map_lookup_elem(&srv6p_path_seen, &key);
	if (!seen) {
		bpf_map_update_elem(&srv6p_path_seen, &key, &zero, BPF_NOEXIST);
		seen = bpf_map_lookup_elem(&srv6p_path_seen, &key);
		if (!seen)
			return SRV6P_R_UNKNOWN_LINK;
	}
	now = bpf_ktime_get_ns();
	__sync_fetch_and_add(&seen->returned, 1);
	seen->last_return_ns = now;
	seen->last_rtt_ns = now - bpf_be64_to_cpu(probe->stamp_ns);
	if (seq > seen->last_seq)
		seen->last_seq = seq;
	return SRV6P_R_NONE;
}

static __always_inline __u32 srv6p_accept_probe(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct srv6p_link_config *cfg;
	struct srv6p_link_state *st;
	struct srv6p_probe *probe;
	struct ipv6_sr_hdr *srh;
	__u64 now, stamp_count, stamp_ns;
	__u32 reason, ifindex;

	reason = srv6p_find_probe(data, data_end, &probe, &srh);
	if (reason != SRV6P_R_NONE)
		return reason;
	if (probe->flags & SRV6P_PROBE_F_PATH)
		return srv6p_accept_path_probe(probe);
	ifindex = bpf_ntohl(probe->link_ifindex);
	cfg = bpf_map_lookup_elem(&srv6p_link_config, &ifindex);
	if (!cfg)
		return SRV6P_R_UNKNOWN_LINK;
	st = srv6p_link_state_get(ifindex);
	if (!st)
		return SRV6P_R_UNKNOWN_LINK;
	if (probe->stamp_ifindex != probe->link_ifindex || !probe->stamp_count) {
		__sync_fetch_and_add(&st->probes_rejected, 1);
		return SRV6P_R_NOT_STAMPED;
	}
	if (skb->ingress_ifindex != ifindex) {
		__sync_fetch_and_add(&st->probes_rejected, 1);
		return SRV6P_R_WRONG_INGRESS;
	}
	stamp_count = bpf_be64_to_cpu(probe->stamp_count);
	stamp_ns = bpf_be64_to_cpu(probe->stamp_ns);
	if (stamp_count > st->probes_sent) {
		/* Claims a probe we never sent: forged or from before a reset. */
		__sync_fetch_and_add(&st->probes_rejected, 1);
		return SRV6P_R_STALE_STAMP;
	}
	now = bpf_ktime_get_ns();
	srv6p_link_on_ack(cfg, st, stamp_count, bpf_ntohl(probe->seq), now - stamp_ns, now);
	return SRV6P_R_NONE;
}

SEC("lwt_seg6local")
int srv6p_monitor(struct __sk_buff *skb)
{
	__u32 reason = srv6p_accept_probe(skb);

	if (reason != SRV6P_R_NONE)
		srv6p_count_reason(reason);
	return BPF_DROP;
}

char LICENSE[] SEC("license") = "GPL";
