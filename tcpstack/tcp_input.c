/*
 * tcp_input.c - segment arrival (RFC 9293 3.10.7): parse, find the
 * connection, hand the segment to the handler of its state.
 *
 *   no connection, no listener   -> tcp_in_closed      (3.10.7.1)
 *   listener                     -> tcp_in_listen      (3.10.7.2, tcp_listen.c)
 *   SYN_SENT                     -> tcp_in_syn_sent    (3.10.7.3, tcp_synsent.c)
 *   any synchronized state       -> check (steps 1-4), ACK (5), data (6-8)
 */
#include <string.h>

#include "stack_internal.h"

/* Does an ACK we received acknowledge our SYN or FIN (for the trace)? */
static bool rcvd_ack_plus_one(const struct tcb *tp, const struct tcp_seg *seg)
{
	if (tp == NULL || !(seg->flags & TCP_ACK))
		return false;
	if (seg->ack == tp->iss + 1 && tp->state != TS_LISTEN)
		return true;
	return (tp->flags & TF_FIN_SENT) && seg->ack == tp->fin_seq + 1;
}

void tcp_in_closed(struct ts_stack *st, const struct tcp_seg *seg)
{
	CNT(st, TCP_DROP_NO_SOCKET);
	tcp_send_rst_for(st, seg);
}

/* Segments for a synchronized connection: RFC 9293 3.10.7.4. */
static void in_synchronized(struct ts_stack *st, struct tcb *tp,
			    const struct tcp_seg *seg)
{
	if (!tcp_check_segment(st, tp, seg))
		return;
	tp->heard_at = stack_now(st);
	if ((tp->flags & TF_KEEPALIVE) && tp->state != TS_TIME_WAIT) {
		tp->keep_probes = 0;
		tcp_timer_set(st, tp, TCPT_KEEP,
			      stack_now(st) + tp->keep_idle_s * TS_USEC_PER_SEC);
	}
	if (!tcp_process_ack(st, tp, seg))
		return;
	tcp_process_data(st, tp, seg);
	tcp_output(st, tp);
}

/* A SYN for a socket pair still in TIME_WAIT: RFC 9293 3.10.7.4 allows a
 * new incarnation when it is provably newer (RFC 6191); otherwise the old
 * connection answers as usual. True when the segment was dealt with. */
static bool timewait_new_syn(struct ts_stack *st, struct tcb *tw,
			     const struct tcp_seg *seg)
{
	struct tcb *lp;

	if ((seg->flags & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN)
		return false;
	lp = tcp_lookup_listener(st, seg->dst_ip, seg->dport);
	if (!tcp_timewait_accept_syn(st, tw, seg, lp))
		return false; /* the old connection answers (challenge ACK) */
	CNT(st, TCP_TW_RECYCLED);
	tcp_close_tcb(st, tw, "new SYN reuses the pair (RFC 6191)");
	tcp_in_listen(st, lp, seg);
	return true;
}

void tcp_input(struct ts_stack *st, const struct ip4_pkt *ip,
	       bool csum_unverified)
{
	struct tcp_seg seg;
	enum ts_counter why = TS_C_TCP_DROP_SHORT;
	struct tcb *tp;

	if (tcp_parse(ip, !csum_unverified, &seg, &why) != WIRE_OK) {
		st->counters[why]++;
		return;
	}
	CNT(st, TCP_RX);
	tp = tcp_lookup(st, seg.dst_ip, seg.dport, seg.src_ip, seg.sport);
	trace_segment(st, &seg, false, rcvd_ack_plus_one(tp, &seg));
	if (tp == NULL) {
		struct tcb *lp = tcp_lookup_listener(st, seg.dst_ip, seg.dport);

		if (lp != NULL)
			tcp_in_listen(st, lp, &seg);
		else
			tcp_in_closed(st, &seg);
		return;
	}
	switch (tp->state) {
	case TS_SYN_SENT:
		tcp_in_syn_sent(st, tp, &seg);
		break;
	case TS_CLOSED:
	case TS_LISTEN:
		tcp_in_closed(st, &seg); /* not reachable: never hashed */
		break;
	case TS_TIME_WAIT:
		if (timewait_new_syn(st, tp, &seg))
			break;
		in_synchronized(st, tp, &seg);
		break;
	default:
		in_synchronized(st, tp, &seg);
		break;
	}
}

void tcp_syn_options(struct ts_stack *st, struct tcb *tp,
		     const struct tcp_seg *syn)
{
	const struct tcp_opts *o = &syn->opt;
	uint32_t mss;

	tp->peer_mss = o->mss_present ? o->mss : TS_MSS_DEFAULT;
	if (o->wscale_present) {
		tp->flags |= TF_RCVD_WSCALE;
		tp->snd_wscale = o->wscale > TS_WSCALE_MAX ? TS_WSCALE_MAX : o->wscale;
	} else {
		/* Scaling needs both sides (RFC 7323 2.2). */
		tp->snd_wscale = 0;
		tp->rcv_wscale = 0;
	}
	if (o->sack_ok)
		tp->flags |= TF_RCVD_SACKOK;
	if (o->ts_present) {
		tp->flags |= TF_RCVD_TS;
		tp->ts_recent = o->tsval;
		tp->ts_recent_age = stack_now(st);
	}
	mss = tp->peer_mss;
	if (mss > st->mtu - 40)
		mss = st->mtu - 40;
	if (tp->mss_clamp != 0 && mss > tp->mss_clamp)
		mss = tp->mss_clamp;
	if (tp->flags & TF_RCVD_TS)
		mss -= 12; /* every segment carries the 12-byte timestamp option */
	if (mss < TS_MSS_MIN)
		mss = TS_MSS_MIN;
	tp->mss = (uint16_t)mss;
}

uint8_t tcp_wscale_for(uint32_t rcvbuf)
{
	uint8_t s = 0;

	while (s < TS_WSCALE_MAX && (rcvbuf >> s) > 65535u)
		s++;
	return s;
}

void tcp_init_send_side(struct ts_stack *st, struct tcb *tp)
{
	uint32_t mss = st->mtu - 40;

	if (tp->mss_clamp != 0 && mss > tp->mss_clamp)
		mss = tp->mss_clamp;
	tp->mss_announce = (uint16_t)mss;
	tp->mss = (uint16_t)(mss < TS_MSS_DEFAULT ? mss : TS_MSS_DEFAULT);
	tp->rcv_wscale = tcp_wscale_for(tp->rcvbuf);
	tp->iss = tcp_new_isn(st, tp);
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->recover = tp->iss;
	/* A fixed ISN asks for reproducible traces: no random TS offset. */
	tp->ts_offset = (tp->flags & TF_ISN_FIXED) ? 0 : tcp_ts_offset(st, tp);
}
