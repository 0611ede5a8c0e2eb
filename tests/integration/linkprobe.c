/*
 * linkprobe - drives one tcpstack link driver (no stack) for the
 * integration tests: sends and checks test frames, sniffs a hub, answers
 * whether a kernel-sent SYN arrived with its checksum left to offload, and
 * asks a kernel on a TAP/TUN device for ARP and ICMP echo replies.
 *
 *   linkprobe send  SPEC DSTMAC COUNT SIZE        [--mac M]
 *   linkprobe recv  SPEC COUNT SECONDS            [--mac M] [--promisc]
 *   linkprobe sniff SPEC SECONDS                  (promiscuous; summary)
 *   linkprobe syn   SPEC SECONDS                  [--mac M]
 *   linkprobe arp   SPEC SENDER_IP TARGET_IP SECONDS [--mac M]
 *   linkprobe ping  SPEC SRC_IP DST_IP SECONDS    (a tun: link)
 *
 * Exit status 0 when the probe saw what it waited for, 1 otherwise, 2 on
 * a usage or link error. Every wait is bounded by SECONDS.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ts_limits.h"
#include "ts_link.h"

#define PROBE_ETHERTYPE 0x88b5u  /* IEEE local experimental */
#define PROBE_HDR 18u            /* Ethernet header + 4-byte sequence */
#define PROBE_SEND_RETRY_MAX 1000u

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static struct ts_link *open_link(const char *spec, const char *mac,
				 bool promisc)
{
	struct ts_link_options opt = { .promiscuous = promisc };
	struct ts_link *l = NULL;
	char err[512];

	if (mac) {
		if (ts_parse_mac(mac, opt.mac) < 0) {
			fprintf(stderr, "linkprobe: bad MAC '%s'\n", mac);
			exit(2);
		}
		opt.mac_set = true;
	}
	if (ts_link_open(spec, &opt, &l, err, sizeof(err)) < 0) {
		fprintf(stderr, "linkprobe: %s\n", err);
		exit(2);
	}
	return l;
}

/* Next frame, waiting at most until deadline (ms); its length or 0. */
static ssize_t next_frame(struct ts_link *l, uint8_t *buf, bool *unverified,
			  uint64_t deadline)
{
	struct pollfd pfd = { .fd = ts_link_fd(l), .events = POLLIN };

	while (!stop) {
		uint64_t t = now_ms();
		ssize_t n = ts_link_recv(l, buf, TS_FRAME_MAX, unverified);

		if (n != 0)
			return n < 0 ? 0 : n;
		if (t >= deadline)
			return 0;
		poll(&pfd, 1, (int)(deadline - t));
	}
	return 0;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += rd16(p + i);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint8_t pattern(uint32_t seq, size_t i)
{
	return (uint8_t)(seq * 31u + i);
}

/* ---- send / recv: test frames --------------------------------------------- */

static int cmd_send(struct ts_link *l, const char *dst, unsigned count,
		    size_t size)
{
	struct ts_link_info info;
	uint8_t f[TS_FRAME_MAX];
	unsigned seq, tries;
	size_t i;

	ts_link_get_info(l, &info);
	if (ts_parse_mac(dst, f) < 0 || size < PROBE_HDR || size > TS_FRAME_MAX)
		return 2;
	memcpy(f + 6, info.mac, 6);
	wr16(f + 12, PROBE_ETHERTYPE);
	for (seq = 0; seq < count; seq++) {
		wr32(f + 14, seq);
		for (i = PROBE_HDR; i < size; i++)
			f[i] = pattern(seq, i);
		/* A full device queue drops: retry a bounded number of times. */
		for (tries = 0; ts_link_send(l, f, size) < 0 &&
				tries < PROBE_SEND_RETRY_MAX; tries++) {
			struct timespec ts = { 0, 100000 };
			nanosleep(&ts, NULL);
		}
	}
	printf("sent %u frames of %zu bytes\n", count, size);
	return 0;
}

static int cmd_recv(struct ts_link *l, unsigned count, unsigned secs)
{
	uint64_t deadline = now_ms() + secs * 1000u;
	uint8_t f[TS_FRAME_MAX];
	unsigned got = 0, bad = 0;
	ssize_t n;

	while (got + bad < count && (n = next_frame(l, f, NULL, deadline)) > 0) {
		uint32_t seq;
		ssize_t i;
		bool ok = true;

		if (n < (ssize_t)PROBE_HDR || rd16(f + 12) != PROBE_ETHERTYPE)
			continue; /* not ours: IPv6 noise and such */
		seq = (uint32_t)rd16(f + 14) << 16 | rd16(f + 16);
		for (i = PROBE_HDR; i < n && ok; i++)
			ok = f[i] == pattern(seq, (size_t)i);
		ok ? got++ : bad++;
	}
	printf("received %u of %u test frames, %u damaged\n", got, count, bad);
	return got == count && bad == 0 ? 0 : 1;
}

/* ---- sniff: a summary of the TCP conversation seen ------------------------- */

struct sniff_sum {
	unsigned frames, tcp, syn, synack, fin, rst;
	uint64_t payload;
};

static void sniff_tcp(const uint8_t *ip, size_t len, struct sniff_sum *s)
{
	size_t ihl, thl;
	uint8_t flags;

	if (len < 20 || ip[0] >> 4 != 4 || ip[9] != 6)
		return;
	ihl = (size_t)(ip[0] & 15) * 4;
	if (len < ihl + 20 || rd16(ip + 2) > len)
		return;
	len = rd16(ip + 2);
	thl = (size_t)(ip[ihl + 12] >> 4) * 4;
	flags = ip[ihl + 13];
	s->tcp++;
	s->syn += (flags & 0x12) == 0x02;
	s->synack += (flags & 0x12) == 0x12;
	s->fin += (flags & 0x01) != 0;
	s->rst += (flags & 0x04) != 0;
	if (len > ihl + thl)
		s->payload += len - ihl - thl;
}

static int cmd_sniff(struct ts_link *l, unsigned secs)
{
	uint64_t deadline = now_ms() + secs * 1000u;
	struct sniff_sum s = { 0 };
	uint8_t f[TS_FRAME_MAX];
	ssize_t n;

	printf("sniffing\n");
	fflush(stdout);
	while ((n = next_frame(l, f, NULL, deadline)) > 0) {
		s.frames++;
		if (n >= 14 && rd16(f + 12) == 0x0800)
			sniff_tcp(f + 14, (size_t)n - 14, &s);
	}
	printf("frames=%u tcp=%u syn=%u synack=%u fin=%u rst=%u payload=%llu\n",
	       s.frames, s.tcp, s.syn, s.synack, s.fin, s.rst,
	       (unsigned long long)s.payload);
	return s.frames > 0 ? 0 : 1;
}

/* ---- syn: checksum offload on a kernel-sent SYN --------------------------- */

static int cmd_syn(struct ts_link *l, unsigned secs)
{
	uint64_t deadline = now_ms() + secs * 1000u;
	uint8_t f[TS_FRAME_MAX];
	bool unv = false;
	ssize_t n;

	while ((n = next_frame(l, f, &unv, deadline)) > 0) {
		const uint8_t *ip = f + 14;
		size_t ihl;

		if (n < 54 || rd16(f + 12) != 0x0800 || ip[9] != 6)
			continue;
		ihl = (size_t)(ip[0] & 15) * 4;
		if ((size_t)n < 14 + ihl + 14 || (ip[ihl + 13] & 0x12) != 0x02)
			continue;
		printf("syn csum_unverified=%d\n", unv ? 1 : 0);
		return 0;
	}
	printf("no SYN seen\n");
	return 1;
}

/* ---- arp / ping: ask the kernel behind a TAP or TUN device ----------------- */

/* A request to the kernel and the reply it must bring. The builder writes
 * the request into buf and returns its length; the matcher says whether a
 * received frame is the reply (and prints it). */
struct ask {
	size_t (*build)(const struct ask *a, struct ts_link *l, uint8_t *buf);
	bool (*match)(const struct ask *a, const uint8_t *f, size_t n);
	uint32_t src, dst;
};

/* Sends the request once a second until the reply comes or secs pass. */
static int ask_kernel(struct ts_link *l, const struct ask *a, unsigned secs)
{
	uint64_t end = now_ms() + secs * 1000u;
	uint8_t f[TS_FRAME_MAX], req[128];
	ssize_t n;

	while (now_ms() < end && !stop) {
		uint64_t resend = now_ms() + 1000u;

		ts_link_send(l, req, a->build(a, l, req));
		while ((n = next_frame(l, f, NULL, resend < end ? resend : end)) > 0)
			if (a->match(a, f, (size_t)n))
				return 0;
	}
	return 1;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

static size_t arp_build(const struct ask *a, struct ts_link *l, uint8_t *f)
{
	struct ts_link_info info;

	ts_link_get_info(l, &info);
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, info.mac, 6);
	wr16(f + 12, 0x0806);
	wr16(f + 14, 1);          /* Ethernet */
	wr16(f + 16, 0x0800);     /* IPv4 */
	f[18] = 6;
	f[19] = 4;
	wr16(f + 20, 1);          /* request */
	memcpy(f + 22, info.mac, 6);
	wr32(f + 28, a->src);
	wr32(f + 38, a->dst);
	return 60;
}

static bool arp_match(const struct ask *a, const uint8_t *f, size_t n)
{
	char ip[16];

	if (n < 42 || rd16(f + 12) != 0x0806 || rd16(f + 20) != 2 ||
	    rd32(f + 28) != a->dst)
		return false;
	printf("arp reply: %s is-at %02x:%02x:%02x:%02x:%02x:%02x\n",
	       ts_ipv4_str(a->dst, ip), f[22], f[23], f[24], f[25], f[26], f[27]);
	return true;
}

static size_t echo_build(const struct ask *a, struct ts_link *l, uint8_t *p)
{
	size_t i, len = 84;

	(void)l;
	memset(p, 0, len);
	p[0] = 0x45;
	wr16(p + 2, (uint16_t)len);
	wr16(p + 4, 0x5150);
	p[8] = 64;
	p[9] = 1;                 /* ICMP */
	wr32(p + 12, a->src);
	wr32(p + 16, a->dst);
	wr16(p + 10, csum(p, 20));
	p[20] = 8;                /* echo request */
	wr16(p + 24, 0x7370);     /* id */
	wr16(p + 26, 1);          /* sequence */
	for (i = 28; i < len; i++)
		p[i] = (uint8_t)i;
	wr16(p + 22, csum(p + 20, len - 20));
	return len;
}

static bool echo_match(const struct ask *a, const uint8_t *p, size_t n)
{
	char ip[16];

	if (n < 28 || p[0] != 0x45 || p[9] != 1 || p[20] != 0 ||
	    rd32(p + 12) != a->dst)
		return false;
	printf("echo reply from %s\n", ts_ipv4_str(a->dst, ip));
	return true;
}

/* arp and ping: ask, or say what did not come. */
static int cmd_ask(struct ts_link *l, const struct ask *a, unsigned secs,
		   const char *what)
{
	char ip[16];

	if (ask_kernel(l, a, secs) == 0)
		return 0;
	printf("no %s from %s\n", what, ts_ipv4_str(a->dst, ip));
	return 1;
}

/* ---- command line ------------------------------------------------------------- */

static unsigned num(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end || v > 1000000000ul) {
		fprintf(stderr, "linkprobe: '%s' is not a number\n", s);
		exit(2);
	}
	return (unsigned)v;
}

static uint32_t ipv4(const char *s)
{
	uint32_t a;

	if (ts_parse_ipv4(s, &a) < 0) {
		fprintf(stderr, "linkprobe: '%s' is not an IPv4 address\n", s);
		exit(2);
	}
	return a;
}

int main(int argc, char **argv)
{
	const char *mac = NULL;
	bool promisc = false;
	struct ts_link *l;
	int i, n = 0, rc = 2;
	char *pos[8];

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--mac") == 0 && i + 1 < argc)
			mac = argv[++i];
		else if (strcmp(argv[i], "--promisc") == 0)
			promisc = true;
		else if (n < 8)
			pos[n++] = argv[i];
	}
	if (n < 3) {
		fprintf(stderr, "usage: see the comment at the top of linkprobe.c\n");
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	l = open_link(pos[1], mac, promisc || strcmp(pos[0], "sniff") == 0);
	if (strcmp(pos[0], "send") == 0 && n == 5)
		rc = cmd_send(l, pos[2], num(pos[3]), num(pos[4]));
	else if (strcmp(pos[0], "recv") == 0 && n == 4)
		rc = cmd_recv(l, num(pos[2]), num(pos[3]));
	else if (strcmp(pos[0], "sniff") == 0 && n == 3)
		rc = cmd_sniff(l, num(pos[2]));
	else if (strcmp(pos[0], "syn") == 0 && n == 3)
		rc = cmd_syn(l, num(pos[2]));
	else if (strcmp(pos[0], "arp") == 0 && n == 5)
		rc = cmd_ask(l, &(struct ask){ arp_build, arp_match,
					       ipv4(pos[2]), ipv4(pos[3]) },
			     num(pos[4]), "ARP reply");
	else if (strcmp(pos[0], "ping") == 0 && n == 5)
		rc = cmd_ask(l, &(struct ask){ echo_build, echo_match,
					       ipv4(pos[2]), ipv4(pos[3]) },
			     num(pos[4]), "echo reply");
	else
		fprintf(stderr, "linkprobe: unknown command or wrong arguments\n");
	fflush(stdout);
	ts_link_close(l);
	return rc;
}
