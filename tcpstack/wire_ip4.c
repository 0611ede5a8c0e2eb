/*
 * wire_ip4.c - IPv4 headers (RFC 791), ICMP messages (RFC 792) and the
 * Internet checksum (RFC 1071): the only code that reads or writes their
 * bytes.
 */
#include <string.h>

#include "wire.h"
#include "wire_bytes.h"

#define IP4_VERSION 4u
#define IP4_HLEN_MAX 60u
#define ICMP_HLEN 8u
#define ICMP_SOURCE_QUENCH 4u
#define ICMP_REDIRECT 5u
#define ICMP_PARAM_PROBLEM 12u

/* ---- Internet checksum ---------------------------------------------------- */

uint32_t inet_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t acc = 0;
	uint32_t w[4];
	uint16_t h;

	/* RFC 1071 2(B): the one's complement sum does not depend on byte
	 * order. Native-order 32-bit words go into a 64-bit accumulator
	 * (no overflow below 2^32 words), the total is folded to 16 bits
	 * and put in network order once: the hot loop of every segment
	 * sent or received, eight times fewer steps than by 16-bit words. */
	for (; len >= sizeof(w); p += sizeof(w), len -= sizeof(w)) {
		memcpy(w, p, sizeof(w));
		acc += (uint64_t)w[0] + w[1] + w[2] + w[3];
	}
	for (; len >= 4; p += 4, len -= 4) {
		memcpy(w, p, 4);
		acc += w[0];
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		acc += h;
		p += 2;
		len -= 2;
	}
	if (len) {
		const uint8_t last[2] = { p[0], 0 }; /* padded with a zero byte */

		memcpy(&h, last, 2);
		acc += h;
	}
	while (acc >> 16)
		acc = (acc & 0xffffu) + (acc >> 16);
	h = (uint16_t)acc;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	h = (uint16_t)(h >> 8 | h << 8);
#endif
	acc = (uint64_t)sum + h;
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t inet_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t inet_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto,
			 uint16_t len)
{
	return (src >> 16) + (src & 0xffffu) + (dst >> 16) + (dst & 0xffffu) +
	       proto + len;
}

/* ---- IPv4 ------------------------------------------------------------------- */

/* Fills out from a header whose lengths the caller has validated. */
static void ip4_fill(const uint8_t *p, size_t ihl, size_t total,
		     size_t payload_len, struct ip4_pkt *out)
{
	out->ihl_bytes = (uint8_t)ihl;
	out->tos = p[1];
	out->total_len = (uint16_t)total;
	out->id = wire_rd16(p + 4);
	out->frag = wire_rd16(p + 6);
	out->ttl = p[8];
	out->proto = p[9];
	out->src = wire_rd32(p + 12);
	out->dst = wire_rd32(p + 16);
	out->hdr = p;
	out->payload = p + ihl;
	out->payload_len = payload_len;
}

enum wire_result ip4_parse(const uint8_t *p, size_t len, struct ip4_pkt *out,
			   enum ts_counter *why)
{
	size_t ihl, total;

	if (len < IP4_HLEN_MIN) {
		*why = TS_C_IP_DROP_SHORT;
		return WIRE_BAD;
	}
	if ((p[0] >> 4) != IP4_VERSION) {
		*why = TS_C_IP_DROP_VERSION;
		return WIRE_BAD;
	}
	ihl = (size_t)(p[0] & 0x0fu) * 4u;
	total = wire_rd16(p + 2);
	if (ihl < IP4_HLEN_MIN) {
		*why = TS_C_IP_DROP_IHL;
		return WIRE_BAD;
	}
	if (ihl > len) {
		*why = TS_C_IP_DROP_SHORT;
		return WIRE_BAD;
	}
	/* Bytes beyond total length are link padding and are ignored. */
	if (total < ihl || total > len) {
		*why = TS_C_IP_DROP_LEN;
		return WIRE_BAD;
	}
	if (inet_csum_fold(inet_csum_add(0, p, ihl)) != 0) {
		*why = TS_C_IP_DROP_CSUM;
		return WIRE_BAD;
	}
	if (p[8] == 0) {
		*why = TS_C_IP_DROP_TTL;
		return WIRE_BAD;
	}
	ip4_fill(p, ihl, total, total - ihl, out);
	return WIRE_OK;
}

void ip4_write(uint8_t *buf, uint8_t proto, uint32_t src, uint32_t dst,
	       uint16_t payload_len, uint16_t id, bool df, uint8_t ttl)
{
	ip4_write_frag(buf, proto, src, dst, payload_len, id,
		       df ? IP4_FLAG_DF : 0, ttl);
}

void ip4_write_frag(uint8_t *buf, uint8_t proto, uint32_t src, uint32_t dst,
		    uint16_t payload_len, uint16_t id, uint16_t frag, uint8_t ttl)
{
	buf[0] = (uint8_t)((IP4_VERSION << 4) | (IP4_HLEN_MIN / 4u));
	buf[1] = 0;
	wire_wr16(buf + 2, (uint16_t)(IP4_HLEN_MIN + payload_len));
	wire_wr16(buf + 4, id);
	wire_wr16(buf + 6, frag);
	buf[8] = ttl;
	buf[9] = proto;
	wire_wr16(buf + 10, 0);
	wire_wr32(buf + 12, src);
	wire_wr32(buf + 16, dst);
	wire_wr16(buf + 10, inet_csum_fold(inet_csum_add(0, buf, IP4_HLEN_MIN)));
}

bool ip4_is_fragment(const struct ip4_pkt *ip)
{
	return (ip->frag & (IP4_FLAG_MF | IP4_FRAG_OFFSET_MASK)) != 0;
}

/* ---- ICMP ------------------------------------------------------------------- */

static bool icmp_is_error(uint8_t type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH ||
	       type == ICMP_REDIRECT || type == ICMP_TIME_EXCEEDED ||
	       type == ICMP_PARAM_PROBLEM;
}

/* The datagram quoted in an ICMP error: its header and usually just 8
 * bytes of payload, so total length is trusted only as an upper bound and
 * the header checksum is not checked (routers may quote it modified). */
static enum wire_result icmp_parse_quote(const uint8_t *p, size_t len,
					 struct ip4_pkt *q)
{
	size_t ihl, total;

	if (len < IP4_HLEN_MIN || (p[0] >> 4) != IP4_VERSION)
		return WIRE_BAD;
	ihl = (size_t)(p[0] & 0x0fu) * 4u;
	total = wire_rd16(p + 2);
	if (ihl < IP4_HLEN_MIN || ihl > len || total < ihl)
		return WIRE_BAD;
	ip4_fill(p, ihl, total, len < total ? len - ihl : total - ihl, q);
	return WIRE_OK;
}

enum wire_result icmp_parse(const uint8_t *p, size_t len, struct icmp_msg *out,
			    enum ts_counter *why)
{
	*why = TS_C_ICMP_DROP_BAD;
	if (len < ICMP_HLEN)
		return WIRE_BAD;
	if (inet_csum_fold(inet_csum_add(0, p, len)) != 0)
		return WIRE_BAD;
	memset(out, 0, sizeof(*out));
	out->type = p[0];
	out->code = p[1];
	out->rest = wire_rd32(p + 4);
	out->body = p + ICMP_HLEN;
	out->body_len = len - ICMP_HLEN;
	if (out->type == ICMP_DEST_UNREACH && out->code == ICMP_CODE_FRAG_NEEDED)
		out->next_hop_mtu = (uint16_t)(out->rest & 0xffffu);
	if (!icmp_is_error(out->type))
		return WIRE_OK;
	/* An error that does not quote a datagram cannot be matched to
	 * anything we sent, so it is useless and counted as malformed. */
	if (icmp_parse_quote(out->body, out->body_len, &out->quoted) != WIRE_OK)
		return WIRE_BAD;
	out->has_quote = true;
	return WIRE_OK;
}

size_t icmp_write(uint8_t *buf, uint8_t type, uint8_t code, uint32_t rest,
		  const uint8_t *body, size_t body_len)
{
	buf[0] = type;
	buf[1] = code;
	wire_wr16(buf + 2, 0);
	wire_wr32(buf + 4, rest);
	memcpy(buf + ICMP_HLEN, body, body_len);
	wire_wr16(buf + 2, inet_csum_fold(inet_csum_add(0, buf, ICMP_HLEN + body_len)));
	return ICMP_HLEN + body_len;
}
