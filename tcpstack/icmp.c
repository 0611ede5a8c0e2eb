/*
 * icmp.c - ICMP (RFC 792, RFC 1122 3.2.2): echo replies, errors about
 * our TCP segments handed to TCP (which applies RFC 5927's checks), and
 * errors we send (protocol unreachable) under RFC 1122's rules.
 */
#include <string.h>

#include "stack_internal.h"

#define ICMP_HLEN 8u
#define ICMP_QUOTE_PAYLOAD 8u  /* bytes of the offending payload quoted (RFC 792) */
#define ICMP_TCP_QUOTE_MIN 8u  /* ports and sequence number */

static void icmp_echo_reply(struct ts_stack *st, const struct ip4_pkt *ip,
			    const struct icmp_msg *m)
{
	uint8_t *buf = st->txbuf + TS_L3_HEADROOM;
	size_t len;

	/* SECURITY: RFC 1122 3.2.2.6 lets a host ignore echo requests sent
	 * to a broadcast address; answering them makes us a smurf
	 * amplifier. */
	if (ip4_is_broadcast(st, ip->dst))
		return;
	len = icmp_write(buf, ICMP_ECHO_REPLY, 0, m->rest, m->body, m->body_len);
	if (ip4_send(st, buf, len, IP4_PROTO_ICMP, ip->src, false) == 0) {
		CNT(st, ICMP_TX);
		CNT(st, ICMP_ECHO_REPLIED);
	}
}

/* An error about a datagram: TCP's, if it quotes one of our segments. */
static void icmp_error_to_tcp(struct ts_stack *st, const struct icmp_msg *m)
{
	if (m->quoted.proto != IP4_PROTO_TCP)
		return;
	/* SECURITY: the quoted datagram must be one we could have sent
	 * (RFC 5927 section 4.1); TCP then checks ports and sequence
	 * numbers against a live connection. */
	if (m->quoted.src != st->cfg.addr) {
		CNT(st, ICMP_DROP_FORGED);
		return;
	}
	if (m->quoted.payload_len < ICMP_TCP_QUOTE_MIN) {
		CNT(st, ICMP_DROP_BAD);
		return;
	}
	tcp_icmp_error(st, m);
}

void icmp_input(struct ts_stack *st, const struct ip4_pkt *ip)
{
	struct icmp_msg m;
	enum ts_counter why;
	char src[TRACE_IP_STR_LEN];

	CNT(st, ICMP_RX);
	if (icmp_parse(ip->payload, ip->payload_len, &m, &why) != WIRE_OK) {
		st->counters[why]++;
		return;
	}
	m.from = ip->src;
	switch (m.type) {
	case ICMP_ECHO_REQUEST:
		icmp_echo_reply(st, ip, &m);
		break;
	case ICMP_DEST_UNREACH:
		CNT(st, ICMP_UNREACH_RX);
		if (m.code == ICMP_CODE_FRAG_NEEDED)
			CNT(st, ICMP_FRAGNEEDED_RX);
		trace_event(st, "icmp: destination unreachable (code %u) from %s",
			    m.code, trace_ip_str(ip->src, src));
		icmp_error_to_tcp(st, &m);
		break;
	case ICMP_TIME_EXCEEDED:
		trace_event(st, "icmp: time exceeded (code %u) from %s", m.code,
			    trace_ip_str(ip->src, src));
		icmp_error_to_tcp(st, &m);
		break;
	default:
		break; /* echo replies, redirects (never followed), ... */
	}
}

/* RFC 1122 3.2.2: the datagrams no ICMP error may answer. */
static bool icmp_error_allowed(const struct ts_stack *st,
			       const struct ip4_pkt *ip)
{
	/* SECURITY: never an error about an ICMP message (errors answering
	 * errors loop), a broadcast (one packet would draw a storm of
	 * replies), a spoofable source such as 0 or a broadcast address, or
	 * a fragment other than the first. */
	if (ip->proto == IP4_PROTO_ICMP)
		return false;
	if (ip4_is_broadcast(st, ip->dst) || ip4_is_broadcast(st, ip->src) ||
	    ip->src == 0)
		return false;
	return (ip->frag & IP4_FRAG_OFFSET_MASK) == 0;
}

void icmp_send_error(struct ts_stack *st, const struct ip4_pkt *ip,
		     uint8_t type, uint8_t code)
{
	uint8_t *buf = st->txbuf + TS_L3_HEADROOM;
	size_t quote, len;

	if (!icmp_error_allowed(st, ip))
		return;
	quote = ip->ihl_bytes + (ip->payload_len < ICMP_QUOTE_PAYLOAD
					 ? ip->payload_len
					 : ICMP_QUOTE_PAYLOAD);
	len = icmp_write(buf, type, code, 0, ip->hdr, quote);
	if (ip4_send(st, buf, len, IP4_PROTO_ICMP, ip->src, false) == 0)
		CNT(st, ICMP_TX);
}
