// SPDX-License-Identifier: Apache-2.0
/*
 * The lab's wire: every lab link runs through a pair of veth ports in the
 * lab's wire namespace, and this program, on the ingress of every port,
 * hands each frame to the other port of its link. It is the "switch in the
 * middle" of a link: the routers' namespaces are untouched, carrier stays
 * up on both ends, and a failure is one write of the link's word in
 * `wire_cuts`, read by both directions' packets, so both directions die in
 * the same instant, as a real cut does. Several links (all of a router's,
 * or a shared risk group) fail in one instant the same way: each is marked a
 * member of the group first (bit 2, no effect by itself), then one write of
 * `wire_group` cuts every member at once, as a router's crash or a duct's
 * cut does.
 *
 * Port ifindexes are chosen by the lab (lab/wire/ports.ts): link k has its
 * ports at WIRE_FIRST_IFINDEX + 2k (side a) and + 2k + 1 (side b), so the
 * program needs no table to find a frame's link, direction and peer.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define WIRE_FIRST_IFINDEX 16
#define WIRE_MAX_LINKS 4096

/*
 * Bit d of a link's word: frames sent by side d (0 = a, 1 = b) are dropped.
 * Hash maps, so that a dump lists only the links that were ever failed or
 * carried traffic.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WIRE_MAX_LINKS);
	__type(key, __u32);
	__type(value, __u32);
} wire_cuts SEC(".maps");

#define WIRE_CUT_IN_GROUP (1U << 2)

/* Entry 0: nonzero while the group's members are cut (both directions). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} wire_group SEC(".maps");

/*
 * Times are CLOCK_MONOTONIC (bpf_ktime_get_ns), the clock the lab's traffic
 * meter uses. A frame that passes is stamped before the cut word is read and
 * a dropped one after, so one write of the word puts every pass of either
 * direction before every drop: the proof that a cut was one instant.
 */
struct wire_counters {
	__u64 passed;
	__u64 dropped;
	__u64 last_passed_ns;
	/* The first drop since the last frame passed: the start of the current cut. */
	__u64 first_dropped_ns;
};

/* Entry 2k + d: frames sent by side d of link k. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * WIRE_MAX_LINKS);
	__type(key, __u32);
	__type(value, struct wire_counters);
} wire_counters SEC(".maps");

SEC("tc")
int wire(struct __sk_buff *skb)
{
	__u32 port = skb->ingress_ifindex - WIRE_FIRST_IFINDEX;
	__u32 link = port / 2;
	__u32 side = port & 1;
	__u32 *cut, *group, zero_key = 0;
	__u64 before;
	struct wire_counters *c;

	if (skb->ingress_ifindex < WIRE_FIRST_IFINDEX || link >= WIRE_MAX_LINKS)
		return TC_ACT_SHOT;
	c = bpf_map_lookup_elem(&wire_counters, &port);
	if (!c) {
		struct wire_counters zero = {};

		bpf_map_update_elem(&wire_counters, &port, &zero, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&wire_counters, &port);
		if (!c)
			return TC_ACT_SHOT;
	}
	before = bpf_ktime_get_ns();
	cut = bpf_map_lookup_elem(&wire_cuts, &link);
	group = bpf_map_lookup_elem(&wire_group, &zero_key);
	if (cut && ((*cut & (1U << side)) || ((*cut & WIRE_CUT_IN_GROUP) && group && *group))) {
		__u64 after = bpf_ktime_get_ns();

		if (c->first_dropped_ns <= c->last_passed_ns)
			c->first_dropped_ns = after;
		__sync_fetch_and_add(&c->dropped, 1);
		return TC_ACT_SHOT;
	}
	if (before > c->last_passed_ns)
		c->last_passed_ns = before;
	__sync_fetch_and_add(&c->passed, 1);
	return bpf_redirect(skb->ingress_ifindex ^ 1, 0);
}

char LICENSE[] SEC("license") = "GPL";
