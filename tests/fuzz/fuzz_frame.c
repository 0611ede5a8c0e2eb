/*
 * fuzz_frame.c - libFuzzer target: frames into ts_input of a fresh stack
 * (a listener on port 21 and an active open to 76.88.16.104:21 already
 * there), so every parser, ARP, IPv4, reassembly, ICMP, the trace and the
 * TCP input path see arbitrary bytes. Frames sent are discarded.
 *
 * Input: one mode byte, then records of [time step: 1][length: 2, big
 * endian][frame]. Mode bits:
 *   FZ_MODE_IP_LINK     bare IPv4 link instead of Ethernet
 *   FZ_MODE_UNVERIFIED  frames arrive as checksum-offloaded
 *   FZ_MODE_FIX_CSUM    IPv4/TCP/ICMP checksums are filled in first, so the
 *                       fuzzer gets past them to the state machines
 */
#include <stdint.h>
#include <string.h>

#include "stack_internal.h"

#define FZ_MODE_IP_LINK 0x01u
#define FZ_MODE_UNVERIFIED 0x02u
#define FZ_MODE_FIX_CSUM 0x04u
#define FZ_FRAMES_MAX 64u                       /* records per input      */
#define FZ_TICK (10ULL * TS_USEC_PER_MSEC)      /* one time-step unit     */
#define FZ_ACCEPT_MAX 8u
#define FZ_ADDR 0x4c581010u                     /* 76.88.16.16            */
#define FZ_PEER 0x4c581068u                     /* 76.88.16.104           */
#define FZ_GATEWAY 0x4c581001u                  /* 76.88.16.1             */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t fz_buf[TS_FRAME_MAX];

static ts_time_t fz_clock(void *ctx)
{
	return *(const ts_time_t *)ctx;
}

static void fz_discard(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	(void)frame;
	(void)len;
}

static void fz_line(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

static void fz_store16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Fills in the checksums a fuzzer cannot guess, on the copy in fz_buf. */
static void fz_fix_checksums(uint8_t *f, size_t len, bool ip_link)
{
	size_t off = ip_link ? 0 : ETH_HLEN, ihl, total;
	uint8_t *l4;

	if (len < off + IP4_HLEN_MIN || (!ip_link && (f[12] != 0x08 || f[13] != 0)))
		return;
	ihl = (size_t)(f[off] & 0x0fu) * 4u;
	total = (size_t)f[off + 2] << 8 | f[off + 3];
	if (ihl < IP4_HLEN_MIN || off + ihl > len)
		return;
	fz_store16(f + off + 10, 0);
	fz_store16(f + off + 10, inet_csum_fold(inet_csum_add(0, f + off, ihl)));
	if (total < ihl || off + total > len)
		return;
	l4 = f + off + ihl;
	if (f[off + 9] == IP4_PROTO_TCP && total - ihl >= TCP_HLEN_MIN) {
		tcp_fill_csum(l4, total - ihl,
			      (uint32_t)f[off + 12] << 24 | (uint32_t)f[off + 13] << 16 |
			      (uint32_t)f[off + 14] << 8 | f[off + 15],
			      (uint32_t)f[off + 16] << 24 | (uint32_t)f[off + 17] << 16 |
			      (uint32_t)f[off + 18] << 8 | f[off + 19]);
	} else if (f[off + 9] == IP4_PROTO_ICMP && total - ihl >= 8) {
		fz_store16(l4 + 2, 0);
		fz_store16(l4 + 2, inet_csum_fold(inet_csum_add(0, l4, total - ihl)));
	}
}

struct fz_ctx {
	ts_time_t now;
	int listener, client; /* socket handles, or -errno */
};

static struct ts_stack *fz_stack(uint8_t mode, struct fz_ctx *fz)
{
	static const uint8_t secret[16] = { 1, 2, 3, 4, 5, 6, 7, 8,
					    9, 10, 11, 12, 13, 14, 15, 16 };
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x10 };
	static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0x01, 0x04 };
	struct ts_stack_config cfg;
	struct ts_stack *st;
	struct ts_addr any21 = { 0, 21 }, peer21 = { FZ_PEER, 21 };
	int err;

	ts_stack_config_init(&cfg);
	cfg.link_kind = (mode & FZ_MODE_IP_LINK) ? TS_LINK_IP : TS_LINK_ETHERNET;
	memcpy(cfg.mac, mac, 6);
	cfg.addr = FZ_ADDR;
	cfg.prefix_len = 24;
	cfg.gateway = FZ_GATEWAY;
	cfg.fixed_isn_set = true;
	cfg.fixed_isn = 1000;
	cfg.isn_secret = secret;
	cfg.output = fz_discard;
	cfg.clock = fz_clock;
	cfg.clock_ctx = &fz->now;
	cfg.trace = TS_TRACE_ALL;
	cfg.trace_line = fz_line;
	st = ts_stack_new(&cfg, &err);
	if (!st)
		return NULL;
	ts_arp_add_static(st, FZ_PEER, peer_mac);
	fz->listener = ts_socket(st);
	if (fz->listener >= 0 && ts_bind(st, fz->listener, &any21) == 0)
		ts_listen(st, fz->listener, 8);
	fz->client = ts_socket(st);
	if (fz->client >= 0)
		ts_connect(st, fz->client, &peer21);
	return st;
}

/* What an application would do with what arrived: accept, read, answer. */
static void fz_drain(struct ts_stack *st, const struct fz_ctx *fz)
{
	uint8_t rbuf[512];
	unsigned i;
	int s;

	for (i = 0; i < FZ_ACCEPT_MAX; i++) {
		s = ts_accept(st, fz->listener, NULL);
		if (s < 0)
			break;
		(void)ts_recv(st, s, rbuf, sizeof(rbuf));
		(void)ts_send(st, s, "220 synfin\r\n", 12, 0);
		ts_close(st, s);
	}
	if (fz->client >= 0)
		(void)ts_recv(st, fz->client, rbuf, sizeof(rbuf));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_ctx fz = { .now = 1000 * TS_USEC_PER_SEC };
	struct ts_stack *st;
	const uint8_t *p = data + 1;
	size_t rest, len;
	unsigned n;
	uint8_t mode;

	if (size < 1)
		return 0;
	mode = data[0];
	rest = size - 1;
	st = fz_stack(mode, &fz);
	if (!st)
		return 0;
	for (n = 0; n < FZ_FRAMES_MAX && rest >= 3; n++) {
		fz.now += p[0] * FZ_TICK;
		len = (size_t)p[1] << 8 | p[2];
		p += 3;
		rest -= 3;
		if (len > rest)
			len = rest;
		if (ts_next_deadline(st) <= fz.now)
			ts_timers(st);
		memcpy(fz_buf, p, len);
		if (mode & FZ_MODE_FIX_CSUM)
			fz_fix_checksums(fz_buf, len, mode & FZ_MODE_IP_LINK);
		if (mode & FZ_MODE_UNVERIFIED)
			ts_input_csum_unverified(st, fz_buf, len);
		else
			ts_input(st, fz_buf, len);
		fz_drain(st, &fz);
		p += len;
		rest -= len;
	}
	fz.now += 600 * TS_USEC_PER_SEC; /* let every timer run once more */
	ts_timers(st);
	ts_stack_free(st);
	return 0;
}
