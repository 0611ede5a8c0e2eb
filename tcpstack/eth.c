/*
 * eth.c - the link layer's two doors: frames in (Ethernet II demux, or
 * bare IPv4 on TUN-style links) and frames out (to cfg.output, the pcap
 * writer and the counters).
 */
#include <string.h>

#include "stack_internal.h"

void eth_input(struct ts_stack *st, const uint8_t *frame, size_t len,
	       bool csum_unverified)
{
	struct eth_hdr eth;
	enum ts_counter why;

	CNT(st, LINK_RX_FRAMES);
	pcap_frame(st, frame, len, csum_unverified);
	if (st->cfg.link_kind == TS_LINK_IP) {
		ip4_input(st, frame, len, csum_unverified);
		return;
	}
	if (eth_parse(frame, len, &eth, &why) != WIRE_OK) {
		st->counters[why]++;
		return;
	}
	/* A hub repeats every frame to every port: take only ours and
	 * broadcasts (we join no multicast group). */
	if (!eth_is_broadcast(eth.dst) && memcmp(eth.dst, st->cfg.mac, 6) != 0) {
		CNT(st, ETH_DROP_NOT_US);
		return;
	}
	switch (eth.type) {
	case ETH_TYPE_ARP:
		arp_input(st, &eth);
		break;
	case ETH_TYPE_IPV4:
		ip4_input(st, eth.payload, eth.payload_len, csum_unverified);
		break;
	default:
		CNT(st, ETH_DROP_TYPE);
		break;
	}
}

void link_emit(struct ts_stack *st, const uint8_t *frame, size_t len)
{
	CNT(st, LINK_TX_FRAMES);
	pcap_frame(st, frame, len, false);
	if (st->cfg.output)
		st->cfg.output(st->cfg.output_ctx, frame, len);
}
