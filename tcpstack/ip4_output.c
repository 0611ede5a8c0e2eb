/*
 * ip4_output.c - IPv4 departure: route (on-link or via the gateway), a
 * 20-byte header written in the headroom before the transport data, then
 * ARP resolution on Ethernet links or straight to the link on IP links.
 * The stack never fragments what it sends: TCP sizes segments to the MTU.
 */
#include <errno.h>

#include "stack_internal.h"

/* The next hop towards dst, or 0 when there is no route. */
static uint32_t ip4_route(const struct ts_stack *st, uint32_t dst)
{
	if (dst == IP4_LIMITED_BROADCAST ||
	    (dst & st->netmask) == (st->cfg.addr & st->netmask))
		return dst;
	return st->cfg.gateway;
}

int ip4_send(struct ts_stack *st, uint8_t *l4, size_t l4_len, uint8_t proto,
	     uint32_t dst, bool df)
{
	uint8_t *ip = l4 - IP4_HLEN_MIN;
	size_t total = l4_len + IP4_HLEN_MIN;
	uint32_t next_hop;

	if (total > st->mtu)
		return -EMSGSIZE;
	next_hop = ip4_route(st, dst);
	if (next_hop == 0) {
		CNT(st, IP_DROP_NO_ROUTE);
		return -EHOSTUNREACH;
	}
	ip4_write(ip, proto, st->cfg.addr, dst, (uint16_t)l4_len,
		  st->ip4.next_id++, df, TS_IP_TTL);
	CNT(st, IP_TX);
	if (st->cfg.link_kind == TS_LINK_IP)
		link_emit(st, ip, total);
	else
		arp_output(st, next_hop, ip, total);
	return 0;
}
