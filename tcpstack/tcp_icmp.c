/*
 * tcp_icmp.c - ICMP errors about our segments: destination unreachable in
 * SYN_SENT aborts the connection attempt (RFC 9293 3.10.7.3 practice), and
 * fragmentation-needed lowers the connection's MSS (RFC 1191).
 *
 * ICMP is easily forged, so an error is believed only if it quotes a
 * segment of a live connection with a sequence number in flight
 * (RFC 5927 section 4.1), and an MTU only if it is plausible.
 */
#include <errno.h>

#include "stack_internal.h"

/* Quoted TCP header bytes ICMP must carry: ports and sequence number. */
#define ICMP_QUOTE_TCP_MIN 8u

static const char *unreach_reason(uint8_t code, int *err)
{
	switch (code) {
	case 0:
		*err = -ENETUNREACH;
		return "ICMP network unreachable";
	case 2:
		*err = -ECONNREFUSED;
		return "ICMP protocol unreachable";
	case 3:
		*err = -ECONNREFUSED;
		return "ICMP port unreachable";
	case 9:
	case 10:
	case 13:
		*err = -EHOSTUNREACH;
		return "ICMP communication administratively prohibited";
	default:
		*err = -EHOSTUNREACH;
		return "ICMP host unreachable";
	}
}

/* RFC 1191: lower the MSS to fit the next hop's MTU, then resend what is
 * in flight at the new size. */
static void path_mtu(struct ts_stack *st, struct tcb *tp, uint16_t mtu)
{
	uint32_t opts = (tp->flags & TF_RCVD_TS) ? 12u : 0u;
	uint32_t mss;

	if (mtu < TS_MTU_MIN || mtu >= st->mtu || mtu <= 40u + opts) {
		CNT(st, ICMP_DROP_FORGED); /* implausible (RFC 5927 4.2) */
		return;
	}
	mss = mtu - 40u - opts;
	if (mss < TS_MSS_MIN)
		mss = TS_MSS_MIN;
	if (mss >= tp->mss)
		return;
	CNT(st, TCP_PMTU_LOWERED);
	trace_event(st, "pmtu: next hop MTU %u: MSS %u -> %u", mtu, tp->mss, mss);
	tp->mss = (uint16_t)mss;
	if (tp->snd_una != tp->snd_max && tcp_recovery_pmtu(st, tp)) {
		/* Everything in flight was cut for the old size: resend it
		 * at the new one (without a congestion response: nothing
		 * says the path is congested). */
		tp->rtt_timing = false;
		tcp_output(st, tp);
	}
}

void tcp_icmp_error(struct ts_stack *st, const struct icmp_msg *m)
{
	const uint8_t *q = m->quoted.payload;
	uint16_t sport, dport;
	uint32_t seq;
	struct tcb *tp;
	const char *why;
	int err;

	if (!m->has_quote || m->quoted.payload_len < ICMP_QUOTE_TCP_MIN ||
	    m->quoted.proto != IP4_PROTO_TCP)
		return;
	sport = (uint16_t)(q[0] << 8 | q[1]);
	dport = (uint16_t)(q[2] << 8 | q[3]);
	seq = (uint32_t)q[4] << 24 | (uint32_t)q[5] << 16 | (uint32_t)q[6] << 8 | q[7];
	tp = tcp_lookup(st, m->quoted.src, sport, m->quoted.dst, dport);
	if (tp == NULL || !seq_in(seq, tp->snd_una, tp->snd_max)) {
		CNT(st, ICMP_DROP_FORGED);
		return;
	}
	if (m->type != ICMP_DEST_UNREACH)
		return; /* time exceeded etc.: soft, TCP retransmits */
	if (m->code == ICMP_CODE_FRAG_NEEDED) {
		path_mtu(st, tp, m->next_hop_mtu);
		return;
	}
	if (tp->state != TS_SYN_SENT)
		return; /* soft error on a synchronized connection (RFC 1122 4.2.3.9) */
	why = unreach_reason(m->code, &err);
	trace_event(st, "icmp: %s for a connection in SYN_SENT: aborting", why);
	tp->error_icmp = why;
	tp->error_from = m->from;
	tcp_drop(st, tp, err, why);
}
