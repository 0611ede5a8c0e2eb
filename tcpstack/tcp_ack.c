/*
 * tcp_ack.c - RFC 9293 3.10.7.4 step 5, the ACK field: completing the
 * handshake from SYN_RECEIVED, advancing SND.UNA, RTT samples, the send
 * window, duplicate ACKs and SACK blocks, handed on to loss recovery
 * (tcp_recovery.c), and the transitions that happen when our FIN is
 * acknowledged.
 */
#include "stack_internal.h"

/* The ACK of our SYN,ACK: the handshake is complete. Usually in
 * SYN_RECEIVED; in FIN_WAIT_1 when the application closed before it
 * (RFC 9293 3.10.4), and then the state stays: the FIN is now due. */
static void synrcvd_established(struct ts_stack *st, struct tcb *tp,
				const struct tcp_seg *seg)
{
	tp->snd_una = tp->iss + 1;
	tp->flags |= TF_SYN_ACKED;
	tp->snd_wnd = (uint32_t)seg->wnd << tp->snd_wscale;
	tp->snd_wl1 = seg->seq;
	tp->snd_wl2 = seg->ack;
	tp->max_sndwnd = tp->snd_wnd;
	tcp_rtt_handshake_done(st, tp);
	tcp_timer_clear(st, tp, TCPT_REXMT);
	tcp_cc_init(st, tp);
	if (tp->state == TS_SYN_RECEIVED)
		tcp_set_state(st, tp, TS_ESTABLISHED, "rcvd ACK of SYN,ACK");
	if (tp->listener != NULL)
		tcp_listener_child_established(st, tp);
	else
		tcp_notify(st, tp, TS_EV_CONNECTED | TS_EV_WRITE);
}

/* An RTT sample for an ACK that advanced SND.UNA: from the timestamp echo
 * (RFC 7323 4.1) or from the one timed segment (Karn's rule). */
static void rtt_from_ack(struct ts_stack *st, struct tcb *tp,
			 const struct tcp_seg *seg)
{
	if ((tp->flags & TF_RCVD_TS) && seg->opt.ts_present &&
	    seg->opt.tsecr != 0) {
		uint32_t now_ms = (uint32_t)(stack_now(st) / TS_USEC_PER_MSEC) +
				  tp->ts_offset;
		uint32_t rtt_ms = now_ms - seg->opt.tsecr;

		if (rtt_ms < 60u * 1000u) {
			/* Millisecond clock: a sample of 0 means "< 1 ms". */
			uint32_t us = rtt_ms ? rtt_ms * (uint32_t)TS_USEC_PER_MSEC
					     : (uint32_t)TS_USEC_PER_MSEC / 2;

			tcp_rtt_sample(tp, us);
			tp->rtt_timing = false;
			return;
		}
	}
	if (tp->rtt_timing && seq_gt(seg->ack, tp->rtt_seq)) {
		uint32_t us = (uint32_t)(stack_now(st) - tp->rtt_start);

		tcp_rtt_sample(tp, us);
		tp->rtt_timing = false;
	}
}

/* New data acknowledged: SND.UNA advances. Returns the bytes delivered
 * that had not been SACKed before. */
static uint32_t new_ack(struct ts_stack *st, struct tcb *tp,
			const struct tcp_seg *seg)
{
	uint32_t acked = seg->ack - tp->snd_una;
	uint32_t data = acked > tp->sndq.len ? tp->sndq.len : acked;
	bool had_room = ringbuf_space(&tp->sndq) > 0;
	uint32_t delivered;

	ringbuf_read(&tp->sndq, NULL, data);
	tp->bytes_acked += data;
	rtt_from_ack(st, tp, seg);
	delivered = tcp_txq_ack(st, tp, seg->ack, seg);
	tp->snd_una = seg->ack;
	if (seq_lt(tp->snd_nxt, tp->snd_una))
		tp->snd_nxt = tp->snd_una;
	/* RFC 6582 "recover" once passed only has to stay below SND.UNA;
	 * dragged along, it never ends up 2^31 behind, where sequence
	 * comparison would call it ahead and block fast retransmit. */
	if (seq_lt(tp->recover, tp->snd_una) && !(tp->flags & TF_IN_RECOVERY) &&
	    !(tp->flags & TF_IN_LOSS))
		tp->recover = tp->snd_una - 1;
	tp->rexmt_shift = 0;
	tp->progress_at = stack_now(st);
	tcp_sack_advance(tp);
	tp->dupacks = 0;
	if (tp->snd_una == tp->snd_max)
		tcp_timer_clear(st, tp, TCPT_REXMT);
	else
		tcp_rexmt_restart(st, tp);
	if ((tp->flags & TF_URG_PENDING) && seq_geq(tp->snd_una, tp->snd_up))
		tp->flags &= ~TF_URG_PENDING;
	if ((tp->flags & TF_WANT_WRITE) && (!had_room || data > 0) &&
	    ringbuf_space(&tp->sndq) > 0) {
		tp->flags &= ~TF_WANT_WRITE;
		tcp_notify(st, tp, TS_EV_WRITE);
	}
	return delivered;
}

/* RFC 5681 2: an ACK that acknowledges nothing new, on a connection with
 * data outstanding, carrying no data and no window change. */
static bool is_dupack(const struct tcb *tp, const struct tcp_seg *seg)
{
	return seg->ack == tp->snd_una && tp->snd_max != tp->snd_una &&
	       seg->len == 0 && !(seg->flags & (TCP_SYN | TCP_FIN)) &&
	       ((uint32_t)seg->wnd << tp->snd_wscale) == tp->snd_wnd;
}

/* RFC 9293 3.10.7.4 step 5, "update the send window". */
static void window_update(struct ts_stack *st, struct tcb *tp,
			  const struct tcp_seg *seg)
{
	if (!(seq_lt(tp->snd_wl1, seg->seq) ||
	      (tp->snd_wl1 == seg->seq && seq_leq(tp->snd_wl2, seg->ack))))
		return;
	tp->snd_wnd = (uint32_t)seg->wnd << tp->snd_wscale;
	tp->snd_wl1 = seg->seq;
	tp->snd_wl2 = seg->ack;
	if (tp->snd_wnd > tp->max_sndwnd)
		tp->max_sndwnd = tp->snd_wnd;
	if (tp->snd_wnd > 0 && tcp_timer_armed(tp, TCPT_PERSIST)) {
		tcp_timer_clear(st, tp, TCPT_PERSIST);
		tp->persist_shift = 0;
	}
}

/* Our FIN acknowledged: FIN_WAIT_1, CLOSING and LAST_ACK move on.
 * Returns false when the TCB is gone. */
static bool fin_acked(struct ts_stack *st, struct tcb *tp)
{
	switch (tp->state) {
	case TS_FIN_WAIT_1:
		tcp_set_state(st, tp, TS_FIN_WAIT_2, "rcvd ACK of FIN");
		if (tp->sock < 0)
			tcp_timer_set(st, tp, TCPT_2MSL,
				      stack_now(st) +
					      2ULL * st->cfg.msl_ms * TS_USEC_PER_MSEC);
		return true;
	case TS_CLOSING:
		tcp_set_state(st, tp, TS_TIME_WAIT, "rcvd ACK of FIN");
		return true;
	case TS_LAST_ACK:
		tcp_close_tcb(st, tp, "rcvd ACK of FIN");
		return false;
	default:
		return true;
	}
}

bool tcp_process_ack(struct ts_stack *st, struct tcb *tp,
		     const struct tcp_seg *seg)
{
	uint32_t acked, delivered = 0;
	bool dup = false;

	if (tcp_syn_unacked(tp)) {
		if (!seq_gt(seg->ack, tp->snd_una) || seq_gt(seg->ack, tp->snd_max)) {
			tcp_send_rst_for(st, seg);
			return false;
		}
		if (tp->listener != NULL &&
		    tp->listener->aq_len >= tp->listener->backlog) {
			/* The accept queue is full: ignore the ACK, as Linux
			 * does. Our SYN,ACK timer gives the peer another try
			 * after the application accepted. */
			CNT(st, TCP_DROP_LISTEN_OVERFLOW);
			return false;
		}
		synrcvd_established(st, tp, seg);
	}
	if (seq_gt(seg->ack, tp->snd_max)) {
		/* Acknowledges something not yet sent: ACK and drop. */
		CNT(st, TCP_DROP_BAD_ACK);
		tcp_send_ack(st, tp);
		return false;
	}
	if (seq_lt(seg->ack, tp->snd_una - tp->max_sndwnd)) {
		/* RFC 5961 5.2: far below SND.UNA: a blind injection. */
		CNT(st, TCP_DROP_BAD_ACK);
		tcp_send_challenge_ack(st, tp);
		return false;
	}
	acked = seq_gt(seg->ack, tp->snd_una) ? seg->ack - tp->snd_una : 0;
	if (acked > 0) {
		delivered = new_ack(st, tp, seg);
	} else if (is_dupack(tp, seg)) {
		dup = true;
		CNT(st, TCP_DUPACKS);
		tp->dupacks++;
	}
	if ((tp->flags & TF_RCVD_SACKOK) && seg->opt.nsack > 0)
		delivered += tcp_sack_rx(st, tp, seg);
	if (acked > 0 || dup || delivered > 0)
		tcp_recovery_ack(st, tp, acked, delivered, dup);
	if (acked > 0)
		tcp_tlp_schedule(st, tp);
	window_update(st, tp, seg);
	if ((tp->flags & TF_FIN_SENT) && seq_gt(tp->snd_una, tp->fin_seq))
		return fin_acked(st, tp);
	return true;
}
