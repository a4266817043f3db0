// SPDX-License-Identifier: Apache-2.0
/*
 * udp-meter: a constant-rate, sequenced IPv6 UDP stream and its receiver,
 * for measuring traffic-loss windows in the lab (see
 * docs/benchmarks.md). Compiled on first use by lab/meter/build.ts.
 *
 *   udp-meter send --dst ADDR --port P --rate PPS [--duration S] [--size B]
 *   udp-meter recv --port P [--stall-us US] [--tick-ms MS]
 *   udp-meter clock
 *
 * Every time is CLOCK_MONOTONIC in nanoseconds: the same clock in every
 * network namespace of this machine and the one bpf_ktime_get_ns() reads,
 * so sender, receiver, harness and BPF maps can be compared directly.
 *
 * Sender pacing: one packet per absolute deadline (start + seq * period)
 * with clock_nanosleep(TIMER_ABSTIME) and a 1 us timer slack. It never
 * busy-waits (the machine has 2 CPUs shared with the routers being
 * measured). A late wake-up sends the overdue packets back to back, so the
 * sequence number always maps to a scheduled time.
 *
 * Receiver timestamps come from the kernel (SO_TIMESTAMPNS, taken when the
 * packet reached the socket layer), converted from CLOCK_REALTIME to
 * CLOCK_MONOTONIC with an offset sampled right after each recvmsg, so a
 * receiver that wakes up late does not widen a measured gap.
 * SO_RXQ_OVFL reports socket-buffer drops, so they are never mistaken for
 * network loss. Output: one JSON object per line on stdout.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define METER_MAGIC 0x53364d31u /* "S6M1" */
#define SEEN_BITS (1u << 20)     /* reorder/duplicate memory: ~100 s at 10 kpps */

struct meter_packet {
	uint32_t magic;
	uint32_t flags;
	uint64_t stream; /* the sender's start time: a restarted sender is a new stream */
	uint64_t seq;
	uint64_t sched_ns; /* when the sender meant to send it */
	uint64_t sent_ns;  /* when it actually did */
} __attribute__((packed));

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "udp-meter: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: udp-meter send --dst ADDR --port P --rate PPS [--duration S] [--size BYTES]\n"
		"       udp-meter recv --port P [--stall-us US] [--tick-ms MS]\n"
		"       udp-meter clock\n");
	exit(64);
}

static long parse_long(const char *opt, const char *s, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max) {
		fprintf(stderr, "udp-meter: %s: bad value '%s' (allowed %ld..%ld)\n", opt, s, min, max);
		exit(64);
	}
	return v;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A harness killed outright must not leave a stream running: stop with it. */
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() == 1)
		stop_requested = 1;
}

/* ---- clock: the REALTIME - MONOTONIC offset, for converting FRR's log stamps ---- */

static int run_clock(void)
{
	uint64_t best_span = UINT64_MAX, rt = 0, mono = 0;
	for (int i = 0; i < 9; i++) {
		/* Sandwich the realtime read between two monotonic reads; keep the tightest. */
		uint64_t m1 = now_ns(CLOCK_MONOTONIC);
		uint64_t r = now_ns(CLOCK_REALTIME);
		uint64_t m2 = now_ns(CLOCK_MONOTONIC);
		if (m2 - m1 < best_span) {
			best_span = m2 - m1;
			rt = r;
			mono = m1 + (m2 - m1) / 2;
		}
	}
	printf("{\"realtimeNs\":%llu,\"monotonicNs\":%llu,\"uncertaintyNs\":%llu}\n",
	       (unsigned long long)rt, (unsigned long long)mono, (unsigned long long)best_span);
	return 0;
}

/* ---- send ---- */

static int run_send(int argc, char **argv)
{
	const char *dst = NULL;
	long port = 0, rate = 10000, duration_s = 0, size = 64;
	static const struct option opts[] = {
		{ "dst", required_argument, 0, 'd' },	   { "port", required_argument, 0, 'p' },
		{ "rate", required_argument, 0, 'r' },	   { "duration", required_argument, 0, 't' },
		{ "size", required_argument, 0, 's' },	   { 0, 0, 0, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dst = optarg; break;
		case 'p': port = parse_long("--port", optarg, 1, 65535); break;
		case 'r': rate = parse_long("--rate", optarg, 1, 1000000); break;
		case 't': duration_s = parse_long("--duration", optarg, 0, 86400); break;
		case 's': size = parse_long("--size", optarg, (long)sizeof(struct meter_packet), 1400); break;
		default: usage();
		}
	}
	if (!dst || !port)
		usage();

	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET6, dst, &to.sin6_addr) != 1) {
		fprintf(stderr, "udp-meter: --dst: not an IPv6 address: '%s'\n", dst);
		return 64;
	}
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	int sndbuf = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	/* Default timer slack (50 us) would smear a 100 us period. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	install_signals();

	char buf[1500];
	memset(buf, 0, sizeof(buf));
	struct meter_packet *pkt = (struct meter_packet *)buf;
	const uint64_t period = 1000000000ull / (uint64_t)rate;
	const uint64_t start = now_ns(CLOCK_MONOTONIC) + 1000000ull;
	const uint64_t end = duration_s ? start + (uint64_t)duration_s * 1000000000ull : UINT64_MAX;
	uint64_t seq = 0, errors = 0, late_1ms = 0, max_late = 0;

	while (!stop_requested) {
		uint64_t sched = start + seq * period;
		if (sched >= end)
			break;
		struct timespec ts = { .tv_sec = (time_t)(sched / 1000000000ull),
				       .tv_nsec = (long)(sched % 1000000000ull) };
		int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		if (rc == EINTR)
			continue;
		uint64_t sent = now_ns(CLOCK_MONOTONIC);
		uint64_t late = sent > sched ? sent - sched : 0;
		if (late > max_late)
			max_late = late;
		if (late > 1000000ull)
			late_1ms++;
		pkt->magic = htobe32(METER_MAGIC);
		pkt->stream = htobe64(start);
		pkt->seq = htobe64(seq);
		pkt->sched_ns = htobe64(sched);
		pkt->sent_ns = htobe64(sent);
		/* Errors (no route while a link is down) are counted, never fatal. */
		if (sendto(fd, buf, (size_t)size, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			errors++;
		seq++;
	}
	printf("{\"ev\":\"sent\",\"packets\":%llu,\"errors\":%llu,\"rate\":%ld,\"startNs\":%llu,"
	       "\"maxLateNs\":%llu,\"lateOver1ms\":%llu}\n",
	       (unsigned long long)seq, (unsigned long long)errors, rate, (unsigned long long)start,
	       (unsigned long long)max_late, (unsigned long long)late_1ms);
	return 0;
}

/* ---- recv ---- */

struct rx_state {
	uint8_t seen[SEEN_BITS / 8];
	uint64_t stream;
	uint64_t highest; /* highest sequence received so far */
	uint64_t last_rx_ns, last_sent_ns;
	uint64_t received, late, dup, socket_drops;
	int started;
};

static int seen_test_and_set(struct rx_state *s, uint64_t seq)
{
	uint32_t bit = (uint32_t)(seq % SEEN_BITS);
	int was = (s->seen[bit / 8] >> (bit % 8)) & 1;
	s->seen[bit / 8] |= (uint8_t)(1u << (bit % 8));
	return was;
}

static void seen_clear(struct rx_state *s, uint64_t seq)
{
	uint32_t bit = (uint32_t)(seq % SEEN_BITS);
	s->seen[bit / 8] &= (uint8_t)~(1u << (bit % 8));
}

static void on_packet(struct rx_state *s, const struct meter_packet *p, uint64_t rx_ns, uint64_t stall_ns)
{
	uint64_t seq = be64toh(p->seq), sent = be64toh(p->sent_ns), stream = be64toh(p->stream);
	s->received++;
	if (!s->started || stream != s->stream) {
		if (s->started)
			memset(s->seen, 0, sizeof(s->seen));
		s->started = 1;
		s->stream = stream;
		s->highest = seq;
		s->last_rx_ns = rx_ns;
		s->last_sent_ns = sent;
		seen_test_and_set(s, seq);
		printf("{\"ev\":\"start\",\"stream\":%llu,\"seq\":%llu,\"rxNs\":%llu,\"sentNs\":%llu}\n",
		       (unsigned long long)stream, (unsigned long long)seq, (unsigned long long)rx_ns,
		       (unsigned long long)sent);
		return;
	}
	if (seq <= s->highest) {
		/* Arrived after a higher one: fills a hole (late) or repeats one (dup). */
		if (s->highest - seq >= SEEN_BITS || seen_test_and_set(s, seq)) {
			s->dup++;
		} else {
			s->late++;
			printf("{\"ev\":\"late\",\"seq\":%llu,\"rxNs\":%llu}\n", (unsigned long long)seq,
			       (unsigned long long)rx_ns);
		}
		return;
	}
	uint64_t missing = seq - s->highest - 1;
	if (missing > 0) {
		printf("{\"ev\":\"gap\",\"afterSeq\":%llu,\"beforeSeq\":%llu,\"missing\":%llu,"
		       "\"lastRxNs\":%llu,\"lastSentNs\":%llu,\"firstRxNs\":%llu,\"firstSentNs\":%llu}\n",
		       (unsigned long long)s->highest, (unsigned long long)seq, (unsigned long long)missing,
		       (unsigned long long)s->last_rx_ns, (unsigned long long)s->last_sent_ns,
		       (unsigned long long)rx_ns, (unsigned long long)sent);
		uint64_t clear_from = missing >= SEEN_BITS ? seq - SEEN_BITS : s->highest + 1;
		for (uint64_t q = clear_from; q < seq; q++)
			seen_clear(s, q);
	} else if (rx_ns > s->last_rx_ns + stall_ns) {
		/* Nothing lost but nothing arrived for a while: a sender or path stall. */
		printf("{\"ev\":\"stall\",\"afterSeq\":%llu,\"lastRxNs\":%llu,\"firstRxNs\":%llu,"
		       "\"lastSentNs\":%llu,\"firstSentNs\":%llu}\n",
		       (unsigned long long)s->highest, (unsigned long long)s->last_rx_ns, (unsigned long long)rx_ns,
		       (unsigned long long)s->last_sent_ns, (unsigned long long)sent);
	}
	seen_clear(s, seq);
	seen_test_and_set(s, seq);
	s->highest = seq;
	s->last_rx_ns = rx_ns;
	s->last_sent_ns = sent;
}

static int run_recv(int argc, char **argv)
{
	long port = 0, stall_us = 2000, tick_ms = 1000;
	static const struct option opts[] = {
		{ "port", required_argument, 0, 'p' },
		{ "stall-us", required_argument, 0, 'S' },
		{ "tick-ms", required_argument, 0, 'T' },
		{ 0, 0, 0, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': port = parse_long("--port", optarg, 1, 65535); break;
		case 'S': stall_us = parse_long("--stall-us", optarg, 100, 10000000); break;
		case 'T': tick_ms = parse_long("--tick-ms", optarg, 10, 3600000); break;
		default: usage();
		}
	}
	if (!port)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);

	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	int one = 1, rcvbuf = 8 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) < 0)
		die("SO_TIMESTAMPNS");
	if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)) < 0)
		die("SO_RXQ_OVFL");
	struct sockaddr_in6 me = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port),
				   .sin6_addr = in6addr_any };
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0)
		die("bind");
	/* A receive timeout lets the loop notice SIGTERM and print ticks while traffic is cut. */
	struct timeval tv = { .tv_sec = 0, .tv_usec = 100000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	install_signals();

	struct rx_state *s = calloc(1, sizeof(*s));
	if (!s)
		die("calloc");
	printf("{\"ev\":\"ready\",\"port\":%ld}\n", port);
	const uint64_t stall_ns = (uint64_t)stall_us * 1000ull, tick_ns = (uint64_t)tick_ms * 1000000ull;
	uint64_t next_tick = now_ns(CLOCK_MONOTONIC) + tick_ns;
	char buf[2048], ctrl[256];

	while (!stop_requested) {
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctrl,
				      .msg_controllen = sizeof(ctrl) };
		ssize_t n = recvmsg(fd, &msg, 0);
		uint64_t mono = now_ns(CLOCK_MONOTONIC);
		uint64_t real = now_ns(CLOCK_REALTIME);
		if (mono >= next_tick) {
			printf("{\"ev\":\"tick\",\"nowNs\":%llu,\"received\":%llu,\"highest\":%llu,\"late\":%llu,"
			       "\"dup\":%llu,\"socketDrops\":%llu}\n",
			       (unsigned long long)mono, (unsigned long long)s->received,
			       (unsigned long long)s->highest, (unsigned long long)s->late,
			       (unsigned long long)s->dup, (unsigned long long)s->socket_drops);
			next_tick = mono + tick_ns;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				continue;
			die("recvmsg");
		}
		if ((size_t)n < sizeof(struct meter_packet))
			continue;
		const struct meter_packet *p = (const struct meter_packet *)buf;
		if (be32toh(p->magic) != METER_MAGIC)
			continue;
		uint64_t rx_ns = mono;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level != SOL_SOCKET)
				continue;
			if (cm->cmsg_type == SCM_TIMESTAMPNS) {
				struct timespec kts;
				memcpy(&kts, CMSG_DATA(cm), sizeof(kts));
				uint64_t k_real = (uint64_t)kts.tv_sec * 1000000000ull + (uint64_t)kts.tv_nsec;
				/* Same instant on both clocks: convert the kernel stamp to monotonic. */
				if (k_real <= real)
					rx_ns = mono - (real - k_real);
			} else if (cm->cmsg_type == SO_RXQ_OVFL) {
				uint32_t drops;
				memcpy(&drops, CMSG_DATA(cm), sizeof(drops));
				s->socket_drops = drops;
			}
		}
		on_packet(s, p, rx_ns, stall_ns);
	}
	printf("{\"ev\":\"end\",\"received\":%llu,\"highest\":%llu,\"late\":%llu,\"dup\":%llu,\"socketDrops\":%llu}\n",
	       (unsigned long long)s->received, (unsigned long long)s->highest, (unsigned long long)s->late,
	       (unsigned long long)s->dup, (unsigned long long)s->socket_drops);
	free(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "send"))
		return run_send(argc - 1, argv + 1);
	if (!strcmp(argv[1], "recv"))
		return run_recv(argc - 1, argv + 1);
	if (!strcmp(argv[1], "clock"))
		return run_clock();
	usage();
	return 64;
}
