/*
 * tcp_recovery.c - loss recovery: what an ACK, the reordering timer or a
 * retransmission timeout means for the segments in flight and the window.
 *
 *   peers without SACK   NewReno (RFC 6582): three duplicate ACKs, then
 *                        one retransmission per partial ACK;
 *   peers with SACK      RFC 6675 recovery driven by the scoreboard, with
 *                        losses found by IsLost (RFC 6675 4) and RACK
 *                        (RFC 8985), and the window brought down to
 *                        ssthresh by Proportional Rate Reduction (RFC 6937);
 *   after a timeout      one segment, then slow start, resending only what
 *                        the peer has not SACKed (RFC 5681 3.1, RFC 6675
 *                        5.1), RACK still finding lost retransmissions.
 *
 * The retransmissions themselves are sent by tcp_output() (NextSeg), or
 * here at once where NewReno says so.
 */
#include "stack_internal.h"

static bool sack_conn(const struct tcb *tp)
{
	return (tp->flags & TF_RCVD_SACKOK) != 0;
}

/* Starts a fast recovery episode (RFC 6675 5 step 4, RFC 6582 3.2 step 2). */
static void enter_recovery(struct ts_stack *st, struct tcb *tp, const char *why)
{
	CNT(st, TCP_FAST_RETRANSMITS);
	if (sack_conn(tp))
		CNT(st, TCP_SACK_RECOVERIES);
	else
		CNT(st, TCP_RENO_RECOVERIES);
	trace_event(st, "cc: %s at seq %u: fast retransmit, entering %s recovery",
		    why, tp->snd_una, sack_conn(tp) ? "SACK" : "NewReno");
	tp->undo.valid = sack_conn(tp);
	tp->undo.marker = tp->snd_una;
	tp->undo.end = tp->snd_max;
	tp->undo.retrans = 0;
	tp->undo.cwnd = tp->cwnd;
	tp->undo.ssthresh = tp->ssthresh;
	tp->undo.cubic = tp->cubic;
	tcp_cc_loss(st, tp);
	tp->recover = tp->snd_max;
	tp->flags |= TF_IN_RECOVERY;
	tp->prr.delivered = 0;
	tp->prr.out = 0;
	tp->prr.recover_fs = tp->snd_max - tp->snd_una;
	if (tp->prr.recover_fs == 0)
		tp->prr.recover_fs = 1;
	tp->sb.rescue_sent = false;
	tp->sb.high_rxt = tp->snd_una;
	tcp_timer_clear(st, tp, TCPT_TLP);
}

static void exit_recovery(struct ts_stack *st, struct tcb *tp)
{
	tcp_cc_recovered(st, tp);
	tcp_rack_recovery_done(tp);
}

void tcp_recovery_sent(struct tcb *tp, uint32_t bytes, bool rexmit)
{
	if (tp->flags & TF_IN_RECOVERY)
		tp->prr.out += bytes;
	if (rexmit && tp->undo.valid) {
		if (tp->flags & TF_IN_RECOVERY)
			tp->undo.retrans++;
		else
			tp->undo.valid = false; /* resent outside it: not ours */
	}
}

void tcp_recovery_dsack(struct ts_stack *st, struct tcb *tp, uint32_t left,
			uint32_t right)
{
	struct tcp_undo *u = &tp->undo;

	/* Only a duplicate of data sent before the episode ended counts:
	 * one of its retransmissions arrived besides the original. */
	if (!u->valid || u->retrans == 0 || !seq_geq(left, u->marker) ||
	    seq_gt(right, u->end))
		return;
	if (--u->retrans > 0)
		return;
	u->valid = false;
	if (tp->flags & TF_IN_RECOVERY) {
		tp->flags &= ~TF_IN_RECOVERY;
		tcp_rack_recovery_done(tp);
	}
	if (tp->cwnd < u->cwnd)
		tp->cwnd = u->cwnd;
	if (tp->ssthresh < u->ssthresh)
		tp->ssthresh = u->ssthresh;
	tp->cubic = u->cubic;
	tp->cubic.epoch_start = 0;
	CNT(st, TCP_UNDO_RECOVERIES);
	trace_event(st, "cc: D-SACKs show the recovery at seq %u was spurious: "
		    "undone, cwnd %u, ssthresh %u", u->marker, tp->cwnd,
		    tp->ssthresh);
}

/* RFC 6937 section 3: how much may be sent in answer to this ACK; the
 * window becomes pipe plus that (as Linux does), so tcp_output's one rule
 * "send while pipe < cwnd" applies. */
static void prr_update(struct tcb *tp, uint32_t delivered)
{
	struct tcp_prr *p = &tp->prr;
	uint32_t pipe = tcp_pipe(tp), ss = tp->ssthresh;
	int64_t sndcnt;

	p->delivered += delivered;
	if (pipe > ss) {
		/* Proportional part: ssthresh/RecoverFS of what left. */
		uint64_t want = ((uint64_t)p->delivered * ss + p->recover_fs - 1) /
				p->recover_fs;

		sndcnt = (int64_t)want - p->out;
	} else {
		/* Slow start reduction bound (PRR-SSRB). */
		int64_t limit = (int64_t)p->delivered - p->out;

		if (limit < (int64_t)delivered)
			limit = delivered;
		limit += tp->mss;
		sndcnt = (int64_t)ss - pipe < limit ? (int64_t)ss - pipe : limit;
	}
	if (sndcnt < 0)
		sndcnt = 0;
	if (p->out == 0 && sndcnt < tp->mss)
		sndcnt = tp->mss; /* the fast retransmit itself goes out */
	tp->cwnd = pipe + (uint32_t)sndcnt;
}

/* NewReno: marks the first unacknowledged segment lost and resends it
 * now, whatever the window (RFC 6582 3.2 steps 2 and 5). */
static void retransmit_head(struct ts_stack *st, struct tcb *tp)
{
	struct tcp_txq *q = &tp->txq;

	if (q->n == 0)
		return;
	tcp_txq_set_lost(tp, q->head);
	tcp_retransmit_rec(st, tp, q->head);
}

static void leave_loss(struct ts_stack *st, struct tcb *tp)
{
	if ((tp->flags & TF_IN_LOSS) && seq_geq(tp->snd_una, tp->recover)) {
		tp->flags &= ~TF_IN_LOSS;
		tcp_rack_recovery_done(tp);
		trace_event(st, "cc: timeout recovery complete at seq %u: cwnd %u",
			    tp->snd_una, tp->cwnd);
	}
}

/* RFC 6582 3.2 for one ACK of a connection without SACK. */
static void newreno_ack(struct ts_stack *st, struct tcb *tp, uint32_t acked,
			bool dupack)
{
	if (acked > 0) {
		if (!(tp->flags & TF_IN_RECOVERY)) {
			leave_loss(st, tp);
			tcp_cc_ack(st, tp, acked);
			return;
		}
		if (seq_geq(tp->snd_una, tp->recover)) {
			exit_recovery(st, tp); /* full acknowledgment */
			return;
		}
		/* Partial acknowledgment: the next hole is lost too. Resend
		 * it, deflate the window by what was acked and add back one
		 * segment if at least one was acked (step 5). */
		retransmit_head(st, tp);
		tp->cwnd = tp->cwnd > acked ? tp->cwnd - acked : 0;
		if (acked >= tp->mss)
			tp->cwnd += tp->mss;
		if (tp->cwnd < tp->mss)
			tp->cwnd = tp->mss;
		return;
	}
	if (!dupack)
		return;
	if (tp->flags & TF_IN_RECOVERY) {
		/* Step 4: each duplicate ACK means a segment left the
		 * network: inflate the window and send what it allows. */
		tp->cwnd += tp->mss;
		return;
	}
	if (tp->dupacks != TS_DUPACK_THRESHOLD || !seq_gt(tp->snd_una, tp->recover))
		return; /* step 2: not (yet) a new loss episode */
	enter_recovery(st, tp, "3 duplicate ACKs");
	retransmit_head(st, tp);
	tp->cwnd = tp->ssthresh + TS_DUPACK_THRESHOLD * tp->mss;
}

/* The peer acknowledged up to a segment it had SACKed: it dropped data it
 * had reported (reneging, RFC 2018 8). Its SACK reports are void. */
static void check_reneging(struct ts_stack *st, struct tcb *tp)
{
	struct tcp_txq *q = &tp->txq;

	if (q->n == 0 || !(tcp_txq_at(q, q->head)->flags & TXR_SACKED))
		return;
	trace_event(st, "sack: peer reneged on SACKed data at seq %u: "
		    "resending it", tp->snd_una);
	tcp_txq_unsack_all(tp);
	tp->sb.nblocks = 0;
}

/* Losses found now by IsLost and RACK; starts recovery when there are. */
static void sack_detect(struct ts_stack *st, struct tcb *tp)
{
	unsigned by_dupthresh = 0, by_rack;

	if (!tp->rack.reord)
		by_dupthresh = tcp_sack_mark_lost(tp);
	by_rack = tcp_rack_detect(st, tp);
	if (tp->txq.lost == 0 || (tp->flags & (TF_IN_RECOVERY | TF_IN_LOSS)) ||
	    !seq_geq(tp->snd_una, tp->recover))
		return;
	enter_recovery(st, tp, by_dupthresh ? "3 duplicate ACKs (SACK)"
			       : by_rack ? "RACK: segment overdue"
					 : "segments lost");
}

/* RFC 6675 for one ACK of a SACK connection. */
static void sack_ack(struct ts_stack *st, struct tcb *tp, uint32_t acked,
		     uint32_t delivered)
{
	if ((tp->flags & TF_IN_RECOVERY) && seq_geq(tp->snd_una, tp->recover))
		exit_recovery(st, tp);
	leave_loss(st, tp);
	check_reneging(st, tp);
	sack_detect(st, tp);
	if (tp->flags & TF_IN_RECOVERY)
		prr_update(tp, delivered);
	else
		tcp_cc_ack(st, tp, acked);
}

void tcp_recovery_ack(struct ts_stack *st, struct tcb *tp, uint32_t acked,
		      uint32_t delivered, bool dupack)
{
	if (acked > 0)
		tcp_tlp_acked(tp);
	if (sack_conn(tp))
		sack_ack(st, tp, acked, delivered);
	else
		newreno_ack(st, tp, acked, dupack);
}

bool tcp_recovery_reorder_timer(struct ts_stack *st, struct tcb *tp)
{
	if (!sack_conn(tp) || tp->snd_una == tp->snd_max)
		return true;
	sack_detect(st, tp);
	if (tp->flags & TF_IN_RECOVERY)
		prr_update(tp, 0);
	tcp_output(st, tp);
	return true;
}

void tcp_recovery_timeout(struct ts_stack *st, struct tcb *tp)
{
	unsigned n;

	tcp_cc_timeout(st, tp);
	tp->undo.valid = false;
	tp->flags |= TF_IN_LOSS;
	n = tcp_txq_mark_all_lost(tp);
	tp->sb.high_rxt = tp->snd_una;
	tp->dupacks = 0;
	tp->rack.tlp_out = false;
	tcp_timer_clear(st, tp, TCPT_TLP);
	tcp_timer_clear(st, tp, TCPT_REORDER);
	trace_event(st, "cc: timeout recovery: %u segments to resend, %u bytes "
		    "SACKed kept", n, tp->txq.sacked);
}

bool tcp_recovery_pmtu(struct ts_stack *st, struct tcb *tp)
{
	(void)st;
	if (!tcp_txq_recut(tp, tp->mss))
		return false;
	tcp_timer_clear(st, tp, TCPT_REORDER);
	return true;
}
