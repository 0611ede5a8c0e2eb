/*
 * wire_tcp.c - TCP header and options (RFC 9293 3.1, RFC 7323, RFC 2018):
 * the only code that reads or writes their bytes.
 */
#include <string.h>

#include "wire.h"
#include "wire_bytes.h"

#define TCPOLEN_MSS 4u
#define TCPOLEN_WSCALE 3u
#define TCPOLEN_SACK_PERM 2u
#define TCPOLEN_TIMESTAMP 10u
#define TCPOLEN_SACK_BASE 2u
#define TCPOLEN_SACK_BLOCK 8u
#define TCP_CSUM_OFFSET 16u

/* Checks one known option's length; unknown kinds accept any length >= 2
 * (they are skipped by it). */
static bool tcp_opt_len_ok(uint8_t kind, size_t olen)
{
	size_t blocks;

	switch (kind) {
	case TCPOPT_MSS:
		return olen == TCPOLEN_MSS;
	case TCPOPT_WSCALE:
		return olen == TCPOLEN_WSCALE;
	case TCPOPT_SACK_PERM:
		return olen == TCPOLEN_SACK_PERM;
	case TCPOPT_TIMESTAMP:
		return olen == TCPOLEN_TIMESTAMP;
	case TCPOPT_SACK:
		if (olen < TCPOLEN_SACK_BASE + TCPOLEN_SACK_BLOCK ||
		    (olen - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_BLOCK != 0)
			return false;
		blocks = (olen - TCPOLEN_SACK_BASE) / TCPOLEN_SACK_BLOCK;
		return blocks <= TS_SACK_BLOCKS_MAX;
	default:
		return true;
	}
}

/* Stores one option whose length has been checked. */
static void tcp_opt_store(const uint8_t *p, size_t olen, struct tcp_opts *o)
{
	size_t i;

	switch (p[0]) {
	case TCPOPT_MSS:
		o->mss_present = true;
		o->mss = wire_rd16(p + 2);
		break;
	case TCPOPT_WSCALE:
		o->wscale_present = true;
		o->wscale = p[2];
		break;
	case TCPOPT_SACK_PERM:
		o->sack_ok = true;
		break;
	case TCPOPT_TIMESTAMP:
		o->ts_present = true;
		o->tsval = wire_rd32(p + 2);
		o->tsecr = wire_rd32(p + 6);
		break;
	case TCPOPT_SACK:
		o->nsack = (uint8_t)((olen - TCPOLEN_SACK_BASE) / TCPOLEN_SACK_BLOCK);
		for (i = 0; i < o->nsack; i++) {
			o->sack[i].left = wire_rd32(p + 2 + i * TCPOLEN_SACK_BLOCK);
			o->sack[i].right = wire_rd32(p + 6 + i * TCPOLEN_SACK_BLOCK);
		}
		break;
	default:
		break; /* unknown kinds are skipped by their length */
	}
}

/* Parses the option bytes between the fixed header and the data offset.
 * SECURITY: every length is checked against the option space before a
 * byte of the option is read; a zero or overrunning length is BAD rather
 * than a loop that never advances (RFC 9293 MUST-7). */
static enum wire_result tcp_parse_options(const uint8_t *p, size_t len,
					  struct tcp_opts *o)
{
	size_t i = 0, olen;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		if (p[i] == TCPOPT_EOL)
			break;
		if (p[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (len - i < 2)
			return WIRE_BAD;
		olen = p[i + 1];
		if (olen < 2 || olen > len - i || !tcp_opt_len_ok(p[i], olen))
			return WIRE_BAD;
		tcp_opt_store(p + i, olen, o);
		i += olen;
	}
	return WIRE_OK;
}

static uint16_t tcp_csum(const uint8_t *seg, size_t len, uint32_t src,
			 uint32_t dst)
{
	uint32_t sum = inet_pseudo_sum(src, dst, IP4_PROTO_TCP, (uint16_t)len);

	return inet_csum_fold(inet_csum_add(sum, seg, len));
}

enum wire_result tcp_parse(const struct ip4_pkt *ip, bool verify_csum,
			   struct tcp_seg *out, enum ts_counter *why)
{
	const uint8_t *p = ip->payload;
	size_t len = ip->payload_len, hlen;

	if (len < TCP_HLEN_MIN) {
		*why = TS_C_TCP_DROP_SHORT;
		return WIRE_BAD;
	}
	hlen = (size_t)(p[12] >> 4) * 4u;
	if (hlen < TCP_HLEN_MIN || hlen > len) {
		*why = TS_C_TCP_DROP_OFFSET;
		return WIRE_BAD;
	}
	if (verify_csum && tcp_csum(p, len, ip->src, ip->dst) != 0) {
		*why = TS_C_TCP_DROP_CSUM;
		return WIRE_BAD;
	}
	if (tcp_parse_options(p + TCP_HLEN_MIN, hlen - TCP_HLEN_MIN,
			      &out->opt) != WIRE_OK) {
		*why = TS_C_TCP_DROP_OPTIONS;
		return WIRE_BAD;
	}
	out->src_ip = ip->src;
	out->dst_ip = ip->dst;
	out->sport = wire_rd16(p);
	out->dport = wire_rd16(p + 2);
	out->seq = wire_rd32(p + 4);
	out->ack = wire_rd32(p + 8);
	out->flags = p[13];
	out->wnd = wire_rd16(p + 14);
	out->urp = wire_rd16(p + 18);
	out->hlen = (uint8_t)hlen;
	out->payload = p + hlen;
	out->len = (uint32_t)(len - hlen);
	return WIRE_OK;
}

void tcp_fill_csum(uint8_t *seg, size_t len, uint32_t src, uint32_t dst)
{
	if (len < TCP_HLEN_MIN)
		return;
	wire_wr16(seg + TCP_CSUM_OFFSET, 0);
	wire_wr16(seg + TCP_CSUM_OFFSET, tcp_csum(seg, len, src, dst));
}

/* ---- writing ---------------------------------------------------------------- */

static size_t tcp_opt_size(uint8_t kind, unsigned nsack)
{
	switch (kind) {
	case TCPOPT_MSS:
		return TCPOLEN_MSS;
	case TCPOPT_WSCALE:
		return TCPOLEN_WSCALE;
	case TCPOPT_SACK_PERM:
		return TCPOLEN_SACK_PERM;
	case TCPOPT_TIMESTAMP:
		return TCPOLEN_TIMESTAMP;
	case TCPOPT_SACK:
		return TCPOLEN_SACK_BASE + nsack * TCPOLEN_SACK_BLOCK;
	default:
		return 1; /* NOP */
	}
}

static size_t tcp_layout_push(uint8_t *kinds, size_t n, uint8_t a, uint8_t b,
			      uint8_t c)
{
	kinds[n++] = a;
	if (b != TCPOPT_EOL)
		kinds[n++] = b;
	if (c != TCPOPT_EOL)
		kinds[n++] = c;
	return n;
}

size_t tcp_opts_layout(const struct tcp_opts *o,
		       uint8_t kinds[TCP_OPT_SPACE_MAX], unsigned *nsack)
{
	size_t n = 0, used = 0, i;
	unsigned fit;

	/* Linux's tcp_options_write(): each option padded to 32 bits, with
	 * sackOK folded into the NOPs in front of the timestamps. */
	if (o->mss_present)
		n = tcp_layout_push(kinds, n, TCPOPT_MSS, TCPOPT_EOL, TCPOPT_EOL);
	if (o->ts_present && o->sack_ok)
		n = tcp_layout_push(kinds, n, TCPOPT_SACK_PERM, TCPOPT_TIMESTAMP,
				    TCPOPT_EOL);
	else if (o->ts_present)
		n = tcp_layout_push(kinds, n, TCPOPT_NOP, TCPOPT_NOP,
				    TCPOPT_TIMESTAMP);
	else if (o->sack_ok)
		n = tcp_layout_push(kinds, n, TCPOPT_NOP, TCPOPT_NOP,
				    TCPOPT_SACK_PERM);
	if (o->wscale_present)
		n = tcp_layout_push(kinds, n, TCPOPT_NOP, TCPOPT_WSCALE, TCPOPT_EOL);
	for (i = 0; i < n; i++)
		used += tcp_opt_size(kinds[i], 0);
	/* SACK blocks take what room is left after two NOPs and the kind
	 * and length bytes: 4 blocks alone, 3 beside timestamps. */
	fit = 0;
	if (used + 2 + TCPOLEN_SACK_BASE < TCP_OPT_SPACE_MAX)
		fit = (unsigned)((TCP_OPT_SPACE_MAX - used - 2 - TCPOLEN_SACK_BASE) /
				 TCPOLEN_SACK_BLOCK);
	*nsack = o->nsack < fit ? o->nsack : fit;
	if (*nsack > TS_SACK_BLOCKS_MAX)
		*nsack = TS_SACK_BLOCKS_MAX;
	if (*nsack > 0)
		n = tcp_layout_push(kinds, n, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK);
	return n;
}

size_t tcp_opts_len(const struct tcp_opts *o)
{
	uint8_t kinds[TCP_OPT_SPACE_MAX];
	unsigned nsack;
	size_t n = tcp_opts_layout(o, kinds, &nsack), i, len = 0;

	for (i = 0; i < n; i++)
		len += tcp_opt_size(kinds[i], nsack);
	return len;
}

/* Writes one option of the layout at p; returns its size. */
static size_t tcp_opt_write(uint8_t *p, uint8_t kind, const struct tcp_opts *o,
			    unsigned nsack)
{
	size_t size = tcp_opt_size(kind, nsack), i;

	p[0] = kind;
	if (size > 1)
		p[1] = (uint8_t)size;
	switch (kind) {
	case TCPOPT_MSS:
		wire_wr16(p + 2, o->mss);
		break;
	case TCPOPT_WSCALE:
		p[2] = o->wscale;
		break;
	case TCPOPT_TIMESTAMP:
		wire_wr32(p + 2, o->tsval);
		wire_wr32(p + 6, o->tsecr);
		break;
	case TCPOPT_SACK:
		for (i = 0; i < nsack; i++) {
			wire_wr32(p + 2 + i * TCPOLEN_SACK_BLOCK, o->sack[i].left);
			wire_wr32(p + 6 + i * TCPOLEN_SACK_BLOCK, o->sack[i].right);
		}
		break;
	default:
		break; /* NOP and sackOK carry no data */
	}
	return size;
}

size_t tcp_write(uint8_t *buf, const struct tcp_seg *seg, size_t payload_len)
{
	uint8_t kinds[TCP_OPT_SPACE_MAX];
	unsigned nsack;
	size_t n = tcp_opts_layout(&seg->opt, kinds, &nsack), i;
	size_t hlen = TCP_HLEN_MIN;

	for (i = 0; i < n; i++)
		hlen += tcp_opt_write(buf + hlen, kinds[i], &seg->opt, nsack);
	wire_wr16(buf, seg->sport);
	wire_wr16(buf + 2, seg->dport);
	wire_wr32(buf + 4, seg->seq);
	wire_wr32(buf + 8, seg->ack);
	buf[12] = (uint8_t)((hlen / 4u) << 4);
	buf[13] = seg->flags;
	wire_wr16(buf + 14, seg->wnd);
	wire_wr16(buf + 18, seg->urp);
	tcp_fill_csum(buf, hlen + payload_len, seg->src_ip, seg->dst_ip);
	return hlen;
}
