/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Map definitions shared by every object. Each object that includes this
 * header declares the same maps with LIBBPF_PIN_BY_NAME, so iproute2 (libbpf
 * loader) pins the first copy under /sys/fs/bpf/tc/globals/<name> and every
 * later object (tc filter or route) reuses it: one link_state per router.
 * A definition change makes the pinned map incompatible and the load fail,
 * which is the behaviour we want (remove the pins on upgrade).
 *
 * An object loaded by bpftool instead (reroute: one program pair per router,
 * shared by every protected route) defines SRV6P_MAPS_GIVEN_BY_LOADER: its
 * maps carry no pinning, and bpftool is handed each pinned map by name
 * (`map name N pinned PATH`); with pinning, libbpf would also pin them a
 * second time under /sys/fs/bpf/<name>.
 */
#ifndef SRV6P_MAPS_H
#define SRV6P_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "srv6p_layout.h"
#include "srv6p_reasons.h"

#ifdef SRV6P_MAPS_GIVEN_BY_LOADER
#define SRV6P_PINNING
#else
#define SRV6P_PINNING __uint(pinning, LIBBPF_PIN_BY_NAME);
#endif

#define SRV6P_MAX_LINKS 256
/*
 * Protected prefixes per router. The trie allocates a node per entry as it
 * is inserted (BPF_F_NO_PREALLOC), so a large bound costs nothing until it is
 * used; model/schema.ts LIMITS.protectedPrefixesPerRouter is this figure.
 */
#define SRV6P_MAX_BACKUPS 65536
/*
 * Backup path probe keys per router: one per kind (srv6p_layout.h) of every
 * probed path; model/schema.ts LIMITS.probedBackupPathsPerRouter x 8.
 */
#define SRV6P_MAX_PATH_KEYS 8192

/* Per-link settings, key = ifindex of the link interface. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SRV6P_MAX_LINKS);
	__type(key, __u32);
	__type(value, struct srv6p_link_config);
	SRV6P_PINNING
} srv6p_link_config SEC(".maps");

/* Per-link liveness and counters, key = ifindex of the link interface. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SRV6P_MAX_LINKS);
	__type(key, __u32);
	__type(value, struct srv6p_link_state);
	SRV6P_PINNING
} srv6p_link_state SEC(".maps");

/* Backup path per protected destination prefix (longest match). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, SRV6P_MAX_BACKUPS);
	__type(key, struct srv6p_backup_key);
	__type(value, struct srv6p_backup);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	SRV6P_PINNING
} srv6p_backups SEC(".maps");

/* Backup path probes sent, key = path key (srv6p_layout.h). The probe sender's. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SRV6P_MAX_PATH_KEYS);
	__type(key, __u32);
	__type(value, struct srv6p_path_sent);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	SRV6P_PINNING
} srv6p_path_sent SEC(".maps");

/* Backup path probes that came home, key = path key. The monitor's. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SRV6P_MAX_PATH_KEYS);
	__type(key, __u32);
	__type(value, struct srv6p_path_seen);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	SRV6P_PINNING
} srv6p_path_seen SEC(".maps");

/* Failover drills in progress, key = ifindex of the link. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SRV6P_MAX_LINKS);
	__type(key, __u32);
	__type(value, struct srv6p_drill);
	SRV6P_PINNING
} srv6p_drills SEC(".maps");

/* Counter per reason of srv6p_reasons.h. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SRV6P_R__COUNT);
	__type(key, __u32);
	__type(value, __u64);
	SRV6P_PINNING
} srv6p_reasons SEC(".maps");

static __always_inline void srv6p_count_reason(__u32 reason)
{
	__u64 *n = bpf_map_lookup_elem(&srv6p_reasons, &reason);

	if (n)
		__sync_fetch_and_add(n, 1);
}

#endif
