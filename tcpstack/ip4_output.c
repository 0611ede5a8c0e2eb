/*
 * ip4_output.c - IPv4 departure: route (on-link or via the gateway), a
 * 20-byte header written in the headroom before the transport data, then
 * ARP resolution on Ethernet links or straight to the link on IP links.
 * TCP sizes its segments to the MTU and sets DF; only datagrams without
 * DF (an echo reply to a large ping) are fragmented (RFC 791 3.2).
 */
#include <errno.h>

#include "stack_internal.h"

#define FRAG_UNIT 8u /* fragment offsets count 8-byte units */

/* The next hop towards dst, or 0 when there is no route. */
static uint32_t ip4_route(const struct ts_stack *st, uint32_t dst)
{
	if (dst == IP4_LIMITED_BROADCAST ||
	    (dst & st->netmask) == (st->cfg.addr & st->netmask))
		return dst;
	return st->cfg.gateway;
}

static void ip4_emit(struct ts_stack *st, uint32_t next_hop, uint8_t *ip,
		     size_t len)
{
	CNT(st, IP_TX);
	if (st->cfg.link_kind == TS_LINK_IP)
		link_emit(st, ip, len);
	else
		arp_output(st, next_hop, ip, len);
}

/* Sends l4 as fragments of at most one MTU each. Each fragment's headers
 * are written over the tail of the previous fragment, which has already
 * been handed to the link (or copied into the ARP queue), so no copy is
 * needed; the caller's buffer is spent. */
static void ip4_send_fragments(struct ts_stack *st, uint8_t *l4, size_t l4_len,
			       uint8_t proto, uint32_t dst, uint32_t next_hop)
{
	size_t chunk = (st->mtu - IP4_HLEN_MIN) & ~(size_t)(FRAG_UNIT - 1u);
	size_t off, n;
	uint16_t id = st->ip4.next_id++;
	uint16_t frag;

	for (off = 0; off < l4_len; off += n) {
		n = l4_len - off < chunk ? l4_len - off : chunk;
		frag = (uint16_t)(off / FRAG_UNIT);
		if (off + n < l4_len)
			frag |= IP4_FLAG_MF;
		ip4_write_frag(l4 + off - IP4_HLEN_MIN, proto, st->cfg.addr, dst,
			       (uint16_t)n, id, frag, TS_IP_TTL);
		ip4_emit(st, next_hop, l4 + off - IP4_HLEN_MIN, IP4_HLEN_MIN + n);
	}
}

int ip4_send(struct ts_stack *st, uint8_t *l4, size_t l4_len, uint8_t proto,
	     uint32_t dst, bool df)
{
	uint8_t *ip = l4 - IP4_HLEN_MIN;
	size_t total = l4_len + IP4_HLEN_MIN;
	uint32_t next_hop;

	if (total > TS_MTU_MAX || (df && total > st->mtu))
		return -EMSGSIZE;
	next_hop = ip4_route(st, dst);
	if (next_hop == 0) {
		CNT(st, IP_DROP_NO_ROUTE);
		return -EHOSTUNREACH;
	}
	if (total > st->mtu) {
		ip4_send_fragments(st, l4, l4_len, proto, dst, next_hop);
		return 0;
	}
	ip4_write(ip, proto, st->cfg.addr, dst, (uint16_t)l4_len,
		  st->ip4.next_id++, df, TS_IP_TTL);
	ip4_emit(st, next_hop, ip, total);
	return 0;
}
