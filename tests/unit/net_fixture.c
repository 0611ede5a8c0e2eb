/* net_fixture.c - see net_fixture.h. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "net_fixture.h"

const uint8_t fx_mac_us[6] = { 0x02, 0, 0, 0, 0, 0x10 };
const uint8_t fx_mac_peer[6] = { 0x02, 0, 0, 0, 0x01, 0x04 };

struct net_fx fx;

static ts_time_t fx_clock(void *ctx)
{
	return ((struct net_fx *)ctx)->now;
}

static void fx_output(void *ctx, const uint8_t *frame, size_t len)
{
	struct net_fx *f = ctx;

	ck_assert_uint_lt(f->nframes, FX_FRAMES_MAX);
	f->frames[f->nframes].data = malloc(len);
	ck_assert_ptr_nonnull(f->frames[f->nframes].data);
	memcpy(f->frames[f->nframes].data, frame, len);
	f->frames[f->nframes].len = len;
	f->nframes++;
}

static void fx_line(void *ctx, const char *line)
{
	struct net_fx *f = ctx;

	ck_assert_uint_lt(f->nlines, FX_LINES_MAX);
	strncpy(f->lines[f->nlines], line, TS_TRACE_LINE_MAX - 1);
	f->nlines++;
}

void fx_setup_kind(enum ts_link_kind kind)
{
	struct ts_stack *st;

	memset(&fx, 0, sizeof(fx));
	memset(&fake_tcp, 0, sizeof(fake_tcp));
	fx.now = 1000 * TS_USEC_PER_SEC; /* not 0: catches "0 means unset" bugs */
	st = calloc(1, sizeof(*st));
	ck_assert_ptr_nonnull(st);
	st->cfg.link_kind = kind;
	memcpy(st->cfg.mac, fx_mac_us, 6);
	st->cfg.mtu = TS_MTU_DEFAULT;
	st->cfg.addr = FX_IP_US;
	st->cfg.prefix_len = 24;
	st->cfg.output = fx_output;
	st->cfg.output_ctx = &fx;
	st->cfg.clock = fx_clock;
	st->cfg.clock_ctx = &fx;
	st->cfg.trace = TS_TRACE_ALL;
	st->cfg.trace_line = fx_line;
	st->cfg.trace_ctx = &fx;
	st->netmask = 0xffffff00u;
	st->mtu = TS_MTU_DEFAULT;
	stack_refresh_now(st);
	trace_init(st);
	arp_init(st);
	ip4_init(st);
	fx.st = st;
}

void fx_setup(void)
{
	fx_setup_kind(TS_LINK_ETHERNET);
}

void fx_clear_frames(void)
{
	unsigned i;

	for (i = 0; i < fx.nframes; i++)
		free(fx.frames[i].data);
	fx.nframes = 0;
}

void fx_teardown(void)
{
	ip4_free(fx.st);
	/* Nothing may stay accounted to reassembly once it is freed. */
	ck_assert_uint_eq(fx.st->ip4.frag_mem, 0);
	arp_free(fx.st);
	trace_free(fx.st);
	free(fx.st);
	fx_clear_frames();
}

void fx_input(const uint8_t *frame, size_t len)
{
	stack_refresh_now(fx.st);
	eth_input(fx.st, frame, len, false);
}

static ts_time_t fx_next_deadline(void)
{
	ts_time_t a = arp_next_deadline(fx.st), f = frag_next_deadline(fx.st);

	return a < f ? a : f;
}

void fx_advance(ts_time_t usec)
{
	ts_time_t target = fx.now + usec, next;
	unsigned steps = 0;

	/* Wake at every deadline on the way, as the event loop would. */
	while ((next = fx_next_deadline()) <= target) {
		ck_assert_uint_lt(++steps, 10000);
		if (next > fx.now)
			fx.now = next;
		stack_refresh_now(fx.st);
		arp_timers(fx.st, fx.now);
		frag_timers(fx.st, fx.now);
	}
	fx.now = target;
	stack_refresh_now(fx.st);
}

int fx_find_line(const char *text)
{
	unsigned i;

	for (i = 0; i < fx.nlines; i++)
		if (strstr(fx.lines[i], text))
			return (int)i;
	return -1;
}

size_t fx_eth(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6],
	      uint16_t type)
{
	eth_write(buf, dst, src, type);
	return ETH_HLEN;
}

size_t fx_ip_frame(uint8_t *buf, uint8_t proto, uint32_t src, uint32_t dst,
		   const uint8_t *l4, size_t l4_len)
{
	fx_eth(buf, fx_mac_us, fx_mac_peer, ETH_TYPE_IPV4);
	ip4_write(buf + ETH_HLEN, proto, src, dst, (uint16_t)l4_len, 0x1234, false, 64);
	memcpy(buf + ETH_HLEN + IP4_HLEN_MIN, l4, l4_len);
	return ETH_HLEN + IP4_HLEN_MIN + l4_len;
}

size_t fx_arp_frame(uint8_t *buf, uint16_t op, const uint8_t sha[6],
		    uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct arp_pkt a = { .op = op, .spa = spa, .tpa = tpa };

	memcpy(a.sha, sha, 6);
	memcpy(a.tha, tha, 6);
	fx_eth(buf, op == ARP_OP_REQUEST ? bcast : fx_mac_us, sha, ETH_TYPE_ARP);
	arp_write(buf + ETH_HLEN, &a);
	return ETH_HLEN + ARP_LEN;
}
