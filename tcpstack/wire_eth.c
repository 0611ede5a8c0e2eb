/*
 * wire_eth.c - Ethernet II headers and ARP packets (RFC 826, Ethernet/IPv4
 * only): the only code that reads or writes their bytes.
 */
#include <string.h>

#include "wire.h"
#include "wire_bytes.h"

#define ARP_HTYPE_ETHERNET 1u
#define ARP_HLEN_ETHERNET 6u
#define ARP_PLEN_IPV4 4u

enum wire_result eth_parse(const uint8_t *frame, size_t len,
			   struct eth_hdr *out, enum ts_counter *why)
{
	if (len < ETH_HLEN) {
		*why = TS_C_ETH_DROP_SHORT;
		return WIRE_BAD;
	}
	memcpy(out->dst, frame, 6);
	memcpy(out->src, frame + 6, 6);
	out->type = wire_rd16(frame + 12);
	out->payload = frame + ETH_HLEN;
	out->payload_len = len - ETH_HLEN;
	return WIRE_OK;
}

void eth_write(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6],
	       uint16_t type)
{
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	wire_wr16(buf + 12, type);
}

bool eth_is_broadcast(const uint8_t mac[6])
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	return memcmp(mac, bcast, 6) == 0;
}

enum wire_result arp_parse(const uint8_t *p, size_t len, struct arp_pkt *out,
			   enum ts_counter *why)
{
	*why = TS_C_ARP_DROP_BAD;
	/* Trailing bytes are Ethernet padding (ARP is 28 bytes, the minimum
	 * Ethernet payload 46), so only a short packet is bad. */
	if (len < ARP_LEN)
		return WIRE_BAD;
	if (wire_rd16(p) != ARP_HTYPE_ETHERNET || wire_rd16(p + 2) != ETH_TYPE_IPV4 ||
	    p[4] != ARP_HLEN_ETHERNET || p[5] != ARP_PLEN_IPV4)
		return WIRE_BAD;
	out->op = wire_rd16(p + 6);
	if (out->op != ARP_OP_REQUEST && out->op != ARP_OP_REPLY)
		return WIRE_BAD;
	memcpy(out->sha, p + 8, 6);
	out->spa = wire_rd32(p + 14);
	memcpy(out->tha, p + 18, 6);
	out->tpa = wire_rd32(p + 24);
	return WIRE_OK;
}

void arp_write(uint8_t *buf, const struct arp_pkt *a)
{
	wire_wr16(buf, ARP_HTYPE_ETHERNET);
	wire_wr16(buf + 2, ETH_TYPE_IPV4);
	buf[4] = ARP_HLEN_ETHERNET;
	buf[5] = ARP_PLEN_IPV4;
	wire_wr16(buf + 6, a->op);
	memcpy(buf + 8, a->sha, 6);
	wire_wr32(buf + 14, a->spa);
	memcpy(buf + 18, a->tha, 6);
	wire_wr32(buf + 24, a->tpa);
}
