/*
 * tcp_segcheck.c - RFC 9293 3.10.7.4 steps 1 to 4 for every synchronized
 * state: is the segment in the window, PAWS (RFC 7323 5), RST and SYN
 * handling with the RFC 5961 defences, and the ACK bit's presence.
 */
#include <errno.h>

#include "stack_internal.h"

/* RFC 7323 5.5: a ts_recent older than 24 days is no longer trusted. */
#define PAWS_IDLE_MAX (24ULL * 24 * 3600 * TS_USEC_PER_SEC)

static uint32_t seg_length(const struct tcp_seg *seg)
{
	return seg->len + ((seg->flags & TCP_SYN) ? 1u : 0u) +
	       ((seg->flags & TCP_FIN) ? 1u : 0u);
}

/* The receive window the peer was told about. */
static uint32_t adv_window(const struct tcb *tp)
{
	return seq_gt(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
}

/* RFC 9293 3.10.7.4, first: the four cases of acceptability. */
static bool seq_acceptable(const struct tcb *tp, const struct tcp_seg *seg)
{
	uint32_t len = seg_length(seg), wnd = adv_window(tp);
	uint32_t nxt = tp->rcv_nxt;

	if (wnd == 0) {
		/* No text fits, but the ACK, URG and RST of a segment at
		 * RCV.NXT still count ("special allowance", RFC 9293
		 * 3.10.7.4); its text is dropped when it is processed. */
		return seg->seq == nxt;
	}
	if (len == 0)
		return seq_in(seg->seq, nxt, nxt + wnd);
	return seq_in(seg->seq, nxt, nxt + wnd) ||
	       seq_in(seg->seq + len - 1, nxt, nxt + wnd);
}

/* RFC 7323 5.3 R1: a segment whose timestamp is older than ts_recent is
 * an old duplicate from a previous wrap of the sequence space. */
static bool paws_reject(struct ts_stack *st, const struct tcb *tp,
			const struct tcp_seg *seg)
{
	if (!(tp->flags & TF_RCVD_TS) || !seg->opt.ts_present ||
	    (seg->flags & TCP_RST))
		return false;
	if (!seq_lt(seg->opt.tsval, tp->ts_recent))
		return false;
	return stack_now(st) - tp->ts_recent_age <= PAWS_IDLE_MAX;
}

/* A half-open child of a listener ends: the RFC's single TCB returns to
 * LISTEN; for us the listener never left it, and the child goes. */
static void back_to_listen(struct ts_stack *st, struct tcb *tp,
			   const char *why)
{
	tcp_set_state(st, tp, TS_LISTEN, why);
	if (tp->listener != NULL)
		tcp_listener_forget(st, tp);
	tcb_free(st, tp);
}

/* A RST with exactly the expected sequence number ends the connection,
 * each state in its own way (RFC 9293 3.10.7.4 second). */
static void accept_rst(struct ts_stack *st, struct tcb *tp)
{
	CNT(st, TCP_RST_RX);
	switch (tp->state) {
	case TS_SYN_RECEIVED:
		if (tp->flags & TF_PASSIVE) {
			back_to_listen(st, tp, "rcvd RST");
			return;
		}
		tcp_drop(st, tp, -ECONNREFUSED, "rcvd RST: connection refused");
		return;
	case TS_ESTABLISHED:
	case TS_FIN_WAIT_1:
	case TS_FIN_WAIT_2:
	case TS_CLOSE_WAIT:
		tcp_drop(st, tp, -ECONNRESET, "rcvd RST: connection reset");
		return;
	case TS_TIME_WAIT:
		/* RFC 1337: a RST must not cut TIME_WAIT short, or an old
		 * duplicate could be accepted by a new incarnation. */
		trace_event(st, "timewait: RST ignored in TIME_WAIT (RFC 1337)");
		return;
	default: /* CLOSING, LAST_ACK */
		tcp_close_tcb(st, tp, "rcvd RST");
		return;
	}
}

/* Handles a segment whose sequence number is not acceptable. */
static void unacceptable(struct ts_stack *st, struct tcb *tp,
			 const struct tcp_seg *seg)
{
	CNT(st, TCP_DROP_UNACCEPTABLE);
	if (seg->flags & TCP_RST)
		return; /* RFC 5961 3.2: outside the window: drop silently */
	if (tp->state == TS_TIME_WAIT && (seg->flags & TCP_FIN)) {
		/* A retransmitted FIN: our last ACK was lost. Acknowledge it
		 * again and restart the 2MSL wait (RFC 9293 3.10.7.4). */
		trace_event(st, "timewait: retransmitted FIN, ACK again and "
			    "restart 2MSL");
		tcp_timewait_start(st, tp);
	}
	if (seg->len > 0 && seq_lt(seg->seq, tp->rcv_nxt)) {
		/* An old duplicate: a D-SACK tells the sender (RFC 2883 4.1.1). */
		CNT(st, TCP_DUP_DATA);
		tcp_dsack_note(st, tp, seg->seq,
			       seq_min(seg->seq + seg->len, tp->rcv_nxt));
	}
	if (tcp_syn_unacked(tp) && (seg->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN &&
	    seg->seq == tp->irs) {
		/* The peer repeated its SYN: our SYN,ACK was lost. Resend it
		 * now rather than at our next timeout. */
		tp->flags |= TF_ACKNOW;
		tcp_output(st, tp);
		return;
	}
	tcp_send_ack(st, tp);
}

bool tcp_check_segment(struct ts_stack *st, struct tcb *tp,
		       const struct tcp_seg *seg)
{
	if (paws_reject(st, tp, seg)) {
		CNT(st, TCP_DROP_PAWS);
		tcp_send_ack(st, tp);
		return false;
	}
	if (!seq_acceptable(tp, seg)) {
		unacceptable(st, tp, seg);
		return false;
	}
	if (seg->flags & TCP_RST) {
		if (seg->seq == tp->rcv_nxt)
			accept_rst(st, tp);
		else
			tcp_send_challenge_ack(st, tp); /* RFC 5961 3.2 */
		return false;
	}
	if (seg->flags & TCP_SYN) {
		if (tp->state == TS_SYN_RECEIVED && (tp->flags & TF_PASSIVE)) {
			/* RFC 9293 3.10.7.4 fourth: a new SYN in the window of a
			 * passive open's SYN_RECEIVED: back to LISTEN (the
			 * peer's next SYN finds the listener). */
			back_to_listen(st, tp, "rcvd SYN in the window");
			return false;
		}
		/* RFC 5961 4.2 (adopted by RFC 9293): a SYN in a synchronized
		 * state gets a challenge ACK, never a reset. */
		tcp_send_challenge_ack(st, tp);
		return false;
	}
	if (!(seg->flags & TCP_ACK))
		return false; /* fifth, first part: no ACK, drop */
	/* RFC 7323 4.3: remember the newest timestamp of an in-order segment. */
	if (seg->opt.ts_present && (tp->flags & TF_RCVD_TS) &&
	    seq_geq(seg->opt.tsval, tp->ts_recent) &&
	    seq_leq(seg->seq, tp->last_ack_sent)) {
		tp->ts_recent = seg->opt.tsval;
		tp->ts_recent_age = stack_now(st);
	}
	return true;
}
