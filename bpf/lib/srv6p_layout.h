/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Layouts shared by the eBPF programs and by user space.
 *
 * Every struct here is read by the engine through router/srv6p-maps.py and
 * decoded by provider/dataplane/map-layout.ts; keep the two in step (the TS test
 * test/dataplane/render.test.ts compares sizes and offsets with the BTF of
 * the built objects). Only fixed-width fields, explicit padding, no holes.
 */
#ifndef SRV6P_LAYOUT_H
#define SRV6P_LAYOUT_H

#include <linux/types.h>

/* Maximum segments of a backup path (LIMITS.segments.maxItems in the schema). */
#define SRV6P_MAX_SEGMENTS 6
/* UDP destination port of probes; also what the tc egress stamper matches. */
#define SRV6P_PROBE_PORT 47831
/* First word of every probe payload: "S6PR". */
#define SRV6P_PROBE_MAGIC 0x53365052
#define SRV6P_PROBE_VERSION 1
/*
 * srv6p_probe.flags: a backup path probe. It follows a backup segment list
 * and comes home to the monitor SID, which counts it per path
 * (srv6p_path_seen); link_ifindex then holds the path key, and the tc
 * egress stamper leaves it alone.
 */
#define SRV6P_PROBE_F_PATH 0x01
/* Path key = (path id << SRV6P_PATH_KIND_BITS) | kind. */
#define SRV6P_PATH_KIND_BITS 3
/* Kinds: the whole list at the probe size, the whole list small, then list prefixes 1..n-1 (small). */
#define SRV6P_PATH_KIND_FULL 0
#define SRV6P_PATH_KIND_SMALL 1
#define SRV6P_PATH_KIND_PREFIX 2

/*
 * Probe payload (UDP payload, all fields network byte order).
 * The sender fills magic..seq and leaves the stamp zero; the tc egress
 * program on the link fills the stamp when, and only when, the probe leaves
 * over the interface it names. The End.BPF monitor accepts a probe only if it
 * is stamped by that interface and came back in on it.
 */
struct srv6p_probe {
	__be32 magic;
	__u8 version;
	__u8 flags;
	__be16 reserved;
	__be32 link_ifindex;  /* sender: ifindex of the link this probe tests */
	__be32 seq;           /* sender: per-link sequence number */
	__be32 stamp_ifindex; /* tc egress: interface the probe left over */
	__be32 reserved2;
	__be64 stamp_count;   /* tc egress: link's probes_sent including this one */
	__be64 stamp_ns;      /* tc egress: bpf_ktime_get_ns() when it left */
};

/* link_config value, key = __u32 ifindex of the link interface. Written by the engine. */
struct srv6p_link_config {
	__u32 multiplier;     /* unanswered probes that declare the link down */
	__u32 interval_us;    /* probe interval, informational (status, drift) */
	__u64 hold_down_ns;   /* probes must return without a miss this long before traffic returns */
};

/* link_state value, key = __u32 ifindex. Written only by the programs. */
struct srv6p_link_state {
	__u64 probes_sent;      /* probes stamped on egress over this link */
	__u64 probes_acked;     /* highest stamp_count among accepted returning probes */
	__u64 probes_seen;      /* accepted returning probes */
	__u64 probes_rejected;  /* returning probes refused (see reasons) */
	__u64 last_sent_ns;     /* ktime of the last probe stamped: a dead sender shows here */
	__u64 last_seen_ns;     /* ktime of the last accepted probe */
	__u64 last_rtt_ns;      /* egress stamp to return, last accepted probe */
	__u64 failovers;        /* up -> down transitions */
	__u64 recoveries;       /* down -> up transitions (after hold-down) */
	__u64 last_failover_ns; /* ktime of the last up -> down */
	__u64 last_recovery_ns; /* ktime of the last down -> up */
	__u64 heal_start_ns;    /* while down: first probe of the current clean run, 0 = none */
	__u64 packets_rerouted; /* packets pushed onto a backup path */
	__u32 down;             /* 1 while traffic uses the backup */
	__u32 last_seq;         /* sender sequence of the last accepted probe */
};

/* backups key: LPM trie key, prefix length then the destination prefix. */
struct srv6p_backup_key {
	__u32 prefixlen;
	__u8 addr[16];
};

/* backups value. Written by the engine. */
struct srv6p_backup {
	__u32 link_ifindex;   /* the protected link this prefix normally leaves over */
	__u32 nsegs;          /* 1..SRV6P_MAX_SEGMENTS */
	__u8 source[16];      /* outer source for locally originated traffic (lwt_xmit) */
	__u8 segs[SRV6P_MAX_SEGMENTS][16]; /* first segment first; last = End.DT6 SID */
};

/*
 * path_sent value, key = __u32 path key. Written only by the probe sender,
 * before each send: the monitor accepts path probes only for keys here.
 */
struct srv6p_path_sent {
	__u64 sent;           /* probes handed to the kernel */
	__u64 last_sent_ns;   /* CLOCK_MONOTONIC of the last one */
	__u32 last_seq;       /* sequence of the last one (= sent since the sender started) */
	__u32 send_errors;    /* sends the kernel refused (e.g. EMSGSIZE: larger than the first hop's MTU) */
	__u32 last_errno;     /* errno of the last refused send, 0 = none */
	__u32 reserved;
};

/* path_seen value, key = __u32 path key. Written only by the monitor. */
struct srv6p_path_seen {
	__u64 returned;       /* accepted path probes that came home */
	__u64 last_return_ns; /* ktime of the last one */
	__u64 last_rtt_ns;    /* sender's send time (in the probe) to return */
	__u32 last_seq;       /* highest sequence that came home */
	__u32 reserved;
};

/*
 * drills value, key = __u32 ifindex of a protected link. While ktime is
 * below until_ns, the reroute program treats the link as down: a failover
 * drill that ends by itself when the deadline passes, whatever happens to
 * the controller that started it.
 */
struct srv6p_drill {
	__u64 until_ns;
};

#endif
