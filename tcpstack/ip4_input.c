/*
 * ip4_input.c - IPv4 arrival: validation (in wire_ip4.c), our address or
 * a broadcast only, one drop counter per reason, fragments to reassembly,
 * then delivery to ICMP or TCP (RFC 791, RFC 1122 3.2.1).
 */
#include <string.h>

#include "stack_internal.h"

#define IP4_MULTICAST_MASK 0xf0000000u
#define IP4_MULTICAST_NET 0xe0000000u /* 224.0.0.0/4 */

bool ip4_is_broadcast(const struct ts_stack *st, uint32_t a)
{
	return a == IP4_LIMITED_BROADCAST ||
	       (st->netmask != IP4_LIMITED_BROADCAST &&
		a == (st->cfg.addr | ~st->netmask));
}

static bool ip4_for_us(const struct ts_stack *st, uint32_t dst)
{
	return (st->cfg.addr != 0 && dst == st->cfg.addr) ||
	       ip4_is_broadcast(st, dst);
}

/* SECURITY: RFC 1122 3.2.1.3: a broadcast or multicast source is
 * discarded, and so is our own address arriving from outside (spoofed
 * "land" packets would make us talk to ourselves). */
static bool ip4_bad_source(const struct ts_stack *st, uint32_t src)
{
	return ip4_is_broadcast(st, src) ||
	       (src & IP4_MULTICAST_MASK) == IP4_MULTICAST_NET ||
	       (st->cfg.addr != 0 && src == st->cfg.addr);
}

void ip4_input(struct ts_stack *st, const uint8_t *pkt, size_t len,
	       bool csum_unverified)
{
	struct ip4_pkt ip, whole;
	enum ts_counter why;

	CNT(st, IP_RX);
	if (ip4_parse(pkt, len, &ip, &why) != WIRE_OK) {
		st->counters[why]++;
		return;
	}
	if (!ip4_for_us(st, ip.dst)) {
		CNT(st, IP_DROP_NOT_US);
		return;
	}
	if (ip4_bad_source(st, ip.src)) {
		CNT(st, IP_DROP_SRC);
		return;
	}
	if (!ip4_is_fragment(&ip)) {
		ip4_deliver(st, &ip, csum_unverified);
		return;
	}
	CNT(st, IP_FRAG_RX);
	/* The local kernel computes checksums before it fragments, so a
	 * reassembled datagram is always verified. */
	if (frag_input(st, &ip, &whole))
		ip4_deliver(st, &whole, false);
}

void ip4_deliver(struct ts_stack *st, const struct ip4_pkt *ip,
		 bool csum_unverified)
{
	switch (ip->proto) {
	case IP4_PROTO_ICMP:
		icmp_input(st, ip);
		break;
	case IP4_PROTO_TCP:
		/* TCP is unicast only (RFC 1122 4.2.3.10). */
		if (ip4_is_broadcast(st, ip->dst)) {
			CNT(st, IP_DROP_NOT_US);
			return;
		}
		tcp_input(st, ip, csum_unverified);
		break;
	default:
		CNT(st, IP_DROP_PROTO);
		icmp_send_error(st, ip, ICMP_DEST_UNREACH, ICMP_CODE_PROTO_UNREACH);
		break;
	}
}
