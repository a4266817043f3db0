/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-link liveness state machine, driven only by probe events (never by
 * elapsed time, so a stalled sender or a noisy timer cannot fail a link):
 *
 *   on send (tc egress, before counting the new probe):
 *     outstanding = probes_sent - probes_acked
 *     up   and outstanding >= multiplier  -> down (failover)
 *     down and outstanding >= 1           -> restart the hold-down (a miss)
 *   on an accepted return (End.BPF monitor):
 *     probes_acked = max(probes_acked, stamp_count)
 *     down: first clean probe starts the hold-down; once a probe returns
 *           hold_down_ns after that start with no miss in between -> up
 *
 * Writers run on different CPUs; fields are word-sized, counters use atomic
 * adds, and a lost race only shifts a transition by one probe.
 */
#ifndef SRV6P_LINK_H
#define SRV6P_LINK_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "srv6p_layout.h"
#include "srv6p_maps.h"

/* The state entry of a link, created zeroed (up, no probes) on first use. */
static __always_inline struct srv6p_link_state *srv6p_link_state_get(__u32 ifindex)
{
	struct srv6p_link_state *st = bpf_map_lookup_elem(&srv6p_link_state, &ifindex);
	struct srv6p_link_state zero = {};

	if (st)
		return st;
	/* BPF_NOEXIST: if another CPU created it meanwhile, keep theirs. */
	bpf_map_update_elem(&srv6p_link_state, &ifindex, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&srv6p_link_state, &ifindex);
}

/* A probe is leaving over the link; returns its stamp_count. */
static __always_inline __u64 srv6p_link_on_send(const struct srv6p_link_config *cfg,
						struct srv6p_link_state *st, __u64 now)
{
	__u64 outstanding = st->probes_sent - st->probes_acked;

	if (!st->down) {
		if (outstanding >= cfg->multiplier) {
			st->down = 1;
			st->heal_start_ns = 0;
			st->last_failover_ns = now;
			__sync_fetch_and_add(&st->failovers, 1);
		}
	} else if (outstanding >= 1) {
		st->heal_start_ns = 0;
	}
	st->last_sent_ns = now;
	return __sync_fetch_and_add(&st->probes_sent, 1) + 1;
}

/* An accepted probe came back; `stamp_count` is what egress stamped on it. */
static __always_inline void srv6p_link_on_ack(const struct srv6p_link_config *cfg,
					      struct srv6p_link_state *st,
					      __u64 stamp_count, __u32 seq, __u64 rtt, __u64 now)
{
	if (stamp_count > st->probes_acked)
		st->probes_acked = stamp_count;
	st->last_seen_ns = now;
	st->last_seq = seq;
	st->last_rtt_ns = rtt;
	__sync_fetch_and_add(&st->probes_seen, 1);
	if (!st->down)
		return;
	if (!st->heal_start_ns) {
		st->heal_start_ns = now;
		if (cfg->hold_down_ns)
			return;
	}
	if (now - st->heal_start_ns >= cfg->hold_down_ns &&
	    st->probes_sent == st->probes_acked) {
		st->down = 0;
		st->heal_start_ns = 0;
		st->last_recovery_ns = now;
		__sync_fetch_and_add(&st->recoveries, 1);
	}
}

#endif
