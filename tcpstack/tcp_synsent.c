/*
 * tcp_synsent.c - the SYN_SENT state (RFC 9293 3.10.7.3): the answer to
 * our SYN is a SYN,ACK (ESTABLISHED), a SYN (simultaneous open, to
 * SYN_RECEIVED), or a RST (connection refused).
 */
#include <errno.h>

#include "stack_internal.h"

static void synsent_established(struct ts_stack *st, struct tcb *tp,
				const struct tcp_seg *seg)
{
	tp->snd_una = seg->ack;
	tp->flags |= TF_SYN_ACKED;
	tp->snd_wnd = seg->wnd; /* never scaled in a SYN (RFC 7323 2.2) */
	tp->snd_wl1 = seg->seq;
	tp->snd_wl2 = seg->ack;
	tp->max_sndwnd = tp->snd_wnd;
	tcp_rtt_handshake_done(st, tp);
	tcp_timer_clear(st, tp, TCPT_REXMT);
	tcp_cc_init(st, tp);
	tcp_set_state(st, tp, TS_ESTABLISHED, "rcvd SYN,ACK, sending ACK");
	tp->flags |= TF_ACKNOW;
	tcp_notify(st, tp, TS_EV_CONNECTED | TS_EV_WRITE);
	if (seg->len > 0 || (seg->flags & (TCP_URG | TCP_FIN)))
		tcp_process_data(st, tp, seg);
	tcp_output(st, tp);
}

void tcp_in_syn_sent(struct ts_stack *st, struct tcb *tp,
		     const struct tcp_seg *seg)
{
	bool ack_ok = false;

	if (seg->flags & TCP_ACK) {
		/* first: an ACK must acknowledge our SYN and nothing beyond */
		if (seq_leq(seg->ack, tp->iss) || seq_gt(seg->ack, tp->snd_max)) {
			tcp_send_rst_for(st, seg);
			return;
		}
		ack_ok = true;
	}
	if (seg->flags & TCP_RST) {
		/* second: RFC 5961 3.2 is satisfied by the ACK check above */
		if (ack_ok) {
			CNT(st, TCP_RST_RX);
			tcp_drop(st, tp, -ECONNREFUSED,
				 "rcvd RST: connection refused");
		}
		return;
	}
	if (!(seg->flags & TCP_SYN))
		return; /* fifth: neither SYN nor RST: drop */
	tp->irs = seg->seq;
	tp->rcv_nxt = seg->seq + 1;
	tp->rcv_adv = tp->rcv_nxt;
	tcp_syn_options(st, tp, seg);
	if (ack_ok) {
		synsent_established(st, tp, seg);
		return;
	}
	/* Simultaneous open: both sides sent SYN; answer with SYN,ACK. */
	tp->snd_wnd = seg->wnd;
	tp->snd_wl1 = seg->seq;
	tp->max_sndwnd = tp->snd_wnd;
	tcp_set_state(st, tp, TS_SYN_RECEIVED,
		      "rcvd SYN (simultaneous open), sending SYN,ACK");
	tp->snd_nxt = tp->iss;
	tcp_output(st, tp);
}
