/*
 * tcp_ack.c - RFC 9293 3.10.7.4 step 5, the ACK field: completing the
 * handshake from SYN_RECEIVED, advancing SND.UNA, RTT samples, the send
 * window, duplicate ACKs and loss recovery (RFC 5681 fast retransmit,
 * RFC 6582 NewReno, RFC 6675 SACK), and the transitions that happen when
 * our FIN is acknowledged.
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
			tcp_rtt_sample(tp, rtt_ms ? rtt_ms * (uint32_t)TS_USEC_PER_MSEC
						  : (uint32_t)TS_USEC_PER_MSEC / 2);
			tp->rtt_timing = false;
			return;
		}
	}
	if (tp->rtt_timing && seq_gt(seg->ack, tp->rtt_seq)) {
		tcp_rtt_sample(tp, (uint32_t)(stack_now(st) - tp->rtt_start));
		tp->rtt_timing = false;
	}
}

/* RFC 6582 3.2 steps 3-5: an ACK during fast recovery. */
static void recovery_ack(struct ts_stack *st, struct tcb *tp, uint32_t ack,
			 uint32_t acked)
{
	if (seq_geq(ack, tp->recover)) {
		tcp_cc_recovered(st, tp); /* full acknowledgment */
		return;
	}
	/* Partial acknowledgment: the next hole is lost too. Retransmit it,
	 * deflate the window by what was acked, add back one segment. */
	tcp_retransmit(st, tp, ack, 0);
	tp->cwnd = tp->cwnd > acked ? tp->cwnd - acked : 0;
	tp->cwnd += tp->mss;
	tcp_rexmt_restart(st, tp);
}

/* New data acknowledged: SND.UNA advances. */
static void new_ack(struct ts_stack *st, struct tcb *tp,
		    const struct tcp_seg *seg)
{
	uint32_t acked = seg->ack - tp->snd_una;
	uint32_t data = acked > tp->sndq.len ? tp->sndq.len : acked;
	bool had_room = ringbuf_space(&tp->sndq) > 0;

	ringbuf_read(&tp->sndq, NULL, data);
	tp->bytes_acked += data;
	rtt_from_ack(st, tp, seg);
	tp->snd_una = seg->ack;
	if (seq_lt(tp->snd_nxt, tp->snd_una))
		tp->snd_nxt = tp->snd_una;
	/* RFC 6582 "recover" once passed only has to stay below SND.UNA;
	 * dragged along, it never ends up 2^31 behind, where sequence
	 * comparison would call it ahead and block fast retransmit. */
	if (seq_lt(tp->recover, tp->snd_una))
		tp->recover = tp->snd_una - 1;
	tp->rexmt_shift = 0;
	tp->progress_at = stack_now(st);
	tcp_sack_advance(tp);
	if (tp->flags & TF_IN_RECOVERY)
		recovery_ack(st, tp, seg->ack, acked);
	else
		tcp_cc_ack(st, tp, acked);
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
}

/* RFC 5681 2: an ACK that acknowledges nothing new, on a connection with
 * data outstanding, carrying no data and no window change. */
static bool is_dupack(const struct tcb *tp, const struct tcp_seg *seg)
{
	return seg->ack == tp->snd_una && tp->snd_max != tp->snd_una &&
	       seg->len == 0 && !(seg->flags & (TCP_SYN | TCP_FIN)) &&
	       ((uint32_t)seg->wnd << tp->snd_wscale) == tp->snd_wnd;
}

static void dupack(struct ts_stack *st, struct tcb *tp)
{
	CNT(st, TCP_DUPACKS);
	tp->dupacks++;
	if (tp->flags & TF_IN_RECOVERY) {
		/* RFC 6582 3.2 step 4: each dupack means a segment left the
		 * network: inflate the window and send what it allows. */
		tp->cwnd += tp->mss;
		return;
	}
	if (tp->dupacks != TS_DUPACK_THRESHOLD || !seq_gt(tp->snd_una, tp->recover))
		return; /* RFC 6582 3.2 step 2: not a new loss episode */
	CNT(st, TCP_FAST_RETRANSMITS);
	if (tp->flags & TF_RCVD_SACKOK)
		CNT(st, TCP_SACK_RECOVERIES);
	else
		CNT(st, TCP_RENO_RECOVERIES);
	trace_event(st, "cc: 3 duplicate ACKs at seq %u: fast retransmit, "
		    "entering recovery", tp->snd_una);
	tcp_cc_loss(st, tp);
	tp->recover = tp->snd_max;
	tp->flags |= TF_IN_RECOVERY;
	tcp_retransmit(st, tp, tp->snd_una, 0);
	tp->cwnd = tp->ssthresh + TS_DUPACK_THRESHOLD * tp->mss;
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
	if (tp->flags & TF_RCVD_SACKOK)
		tcp_sack_update_rx(st, tp, &seg->opt);
	if (seq_gt(seg->ack, tp->snd_una))
		new_ack(st, tp, seg);
	else if (is_dupack(tp, seg))
		dupack(st, tp);
	window_update(st, tp, seg);
	if ((tp->flags & TF_FIN_SENT) && seq_gt(tp->snd_una, tp->fin_seq))
		return fin_acked(st, tp);
	return true;
}
