/*
 * tcp_rack.c - time-based loss detection, RACK-TLP (RFC 8985).
 *
 * RACK: a segment is lost when a segment sent after it has been delivered
 * (cumulatively or selectively acknowledged) and more than RACK.rtt plus
 * a reordering window has passed since it was sent. That finds lost
 * retransmissions as well as first transmissions, and tolerates
 * reordering (the window grows with D-SACKs, RFC 8985 6.2 step 4).
 *
 * TLP: when the tail of a flight is lost no later segment is delivered to
 * reveal it; a probe sent after two round trips of silence (new data, or
 * the last segment again) draws the ACK that lets RACK see the loss,
 * instead of waiting for the retransmission timer.
 *
 * Records come from tcp_txrec.c; entering and leaving recovery is
 * tcp_recovery.c's.
 */
#include <string.h>

#include "stack_internal.h"

void tcp_rack_init(struct tcb *tp)
{
	memset(&tp->rack, 0, sizeof(tp->rack));
	tp->rack.reo_wnd_mult = 1;
}

void tcp_rack_rtt_sample(struct ts_stack *st, struct tcb *tp, uint32_t rtt)
{
	struct tcp_rack *k = &tp->rack;
	ts_time_t now = stack_now(st);

	if (k->min_rtt == 0 || rtt <= k->min_rtt ||
	    now - k->min_rtt_at > TS_RACK_MINRTT_WIN) {
		k->min_rtt = rtt ? rtt : 1;
		k->min_rtt_at = now;
	}
}

/* RFC 8985 6.2 RACK_sent_after(): by the order of transmissions, which
 * is exact where the RFC's (time, end_seq) tie-break is not (a
 * retransmission sent in the same clock tick as new data after it). */
static bool sent_after(uint32_t order1, uint32_t order2)
{
	return seq_gt(order1, order2);
}

void tcp_rack_delivered(struct ts_stack *st, struct tcb *tp,
			const struct tcp_txrec *r, const struct tcp_seg *ack)
{
	(void)ack;
	struct tcp_rack *k = &tp->rack;
	ts_time_t now = stack_now(st);
	uint32_t rtt = now - r->xmit > UINT32_MAX ? UINT32_MAX
						   : (uint32_t)(now - r->xmit);

	if (r->flags & TXR_EVER_RETRANS) {
		/* Step 2: which transmission was delivered? A sample shorter
		 * than the path's minimum cannot be the retransmission's.
		 * (The RFC's timestamp test is not used: an ACK for data
		 * above a hole echoes TS.Recent of the last in-order segment,
		 * RFC 7323 4.3, so it would reject every SACKed resend.) */
		if (k->min_rtt != 0 && rtt < k->min_rtt)
			return;
	} else {
		tcp_rack_rtt_sample(st, tp, rtt);
	}
	/* Step 3: a never-retransmitted segment below the highest one
	 * delivered arrived out of order. */
	if (!(r->flags & TXR_EVER_RETRANS) && k->valid && seq_lt(r->end, k->fack)) {
		if (!k->reord)
			trace_event(st, "rack: reordering seen at seq %u", r->seq);
		k->reord = true;
	} else if (!k->valid || seq_gt(r->end, k->fack)) {
		k->fack = r->end;
	}
	if (!k->valid || sent_after(r->xorder, k->xorder)) {
		k->rtt = rtt;
		k->xmit = r->xmit;
		k->xorder = r->xorder;
		k->end_seq = r->end;
		k->valid = true;
	}
}

void tcp_rack_dsack(struct ts_stack *st, struct tcb *tp)
{
	struct tcp_rack *k = &tp->rack;

	/* RFC 8985 6.2 step 4: at most one increase per round trip. */
	if (k->dsack_round_set && seq_geq(tp->snd_una, k->dsack_round))
		k->dsack_round_set = false;
	k->reord = true; /* a spurious retransmission: reordering or delay */
	if (k->dsack_round_set)
		return;
	k->dsack_round_set = true;
	k->dsack_round = tp->snd_max;
	if (k->reo_wnd_mult < TS_RACK_REO_MULT_MAX)
		k->reo_wnd_mult++;
	k->reo_wnd_persist = TS_RACK_REO_PERSIST;
	trace_event(st, "rack: D-SACK: reordering window x%u", k->reo_wnd_mult);
}

void tcp_rack_recovery_done(struct tcb *tp)
{
	struct tcp_rack *k = &tp->rack;

	if (k->reo_wnd_persist > 0 && --k->reo_wnd_persist == 0)
		k->reo_wnd_mult = 1;
}

uint32_t tcp_rack_reo_wnd(const struct tcb *tp)
{
	const struct tcp_rack *k = &tp->rack;
	uint64_t w;

	if (!k->reord) {
		/* No reordering seen: after DupThresh segments were SACKed,
		 * or in recovery, wait for nothing (RFC 8985 6.2 step 4). */
		if (tp->flags & (TF_IN_RECOVERY | TF_IN_LOSS))
			return 0;
		if (tp->txq.sacked >= TS_DUPACK_THRESHOLD * (uint32_t)tp->mss)
			return 0;
	}
	w = (uint64_t)(k->min_rtt ? k->min_rtt : tp->srtt) / 4 * k->reo_wnd_mult;
	if (tp->srtt != 0 && w > tp->srtt)
		w = tp->srtt;
	return (uint32_t)w;
}

unsigned tcp_rack_detect(struct ts_stack *st, struct tcb *tp)
{
	struct tcp_rack *k = &tp->rack;
	struct tcp_txq *q = &tp->txq;
	ts_time_t now = stack_now(st), wait = 0;
	uint32_t reo = tcp_rack_reo_wnd(tp), idx = q->tfirst, left = q->tcount;
	unsigned marked = 0;

	if (!k->valid)
		return 0;
	/* Oldest transmission first: stop at the first one sent after the
	 * newest delivered segment (RFC 8985 6.2 step 5). */
	while (left-- > 0) {
		const struct tcp_txrec *r = tcp_txq_at(q, idx);
		uint32_t next = r->tnext;
		ts_time_t due = r->xmit + k->rtt + reo;

		if (!sent_after(k->xorder, r->xorder))
			break;
		if (due <= now) {
			if (r->flags & TXR_RETRANS)
				CNT(st, TCP_LOST_RETRANSMITS);
			if (tcp_txq_set_lost(tp, idx))
				marked++;
		} else if (due - now > wait) {
			wait = due - now;
		}
		idx = next;
	}
	/* RFC 8985 6.3: come back when the youngest suspect's window ends. */
	if (wait > 0)
		tcp_timer_set(st, tp, TCPT_REORDER, now + wait);
	else
		tcp_timer_clear(st, tp, TCPT_REORDER);
	if (marked > 0)
		CNT_ADD(st, TCP_RACK_LOST, marked);
	return marked;
}

/* ---- tail loss probe (RFC 8985 section 7) --------------------------------- */

void tcp_tlp_schedule(struct ts_stack *st, struct tcb *tp)
{
	uint32_t flight = tp->snd_max - tp->snd_una;
	ts_time_t pto, when;

	/* 7.2: SACK on, not in recovery, nothing SACKed, no probe out. */
	if (!(tp->flags & TF_RCVD_SACKOK) || flight == 0 || tp->rack.tlp_out ||
	    (tp->flags & (TF_IN_RECOVERY | TF_IN_LOSS)) || tp->txq.sacked != 0 ||
	    tcp_syn_unacked(tp)) {
		tcp_timer_clear(st, tp, TCPT_TLP);
		return;
	}
	if (!tp->rtt_valid)
		pto = TS_TLP_NO_RTT;
	else if (flight <= tp->mss) /* the lone segment's ACK may be delayed */
		pto = 2ULL * tp->srtt + TS_DELACK_MAX;
	else
		pto = 2ULL * tp->srtt + TS_TLP_EXTRA;
	when = stack_now(st) + pto;
	if (tcp_timer_armed(tp, TCPT_REXMT) && when >= tp->timer[TCPT_REXMT]) {
		tcp_timer_clear(st, tp, TCPT_TLP); /* the RTO comes first */
		return;
	}
	tcp_timer_set(st, tp, TCPT_TLP, when);
}

bool tcp_tlp_timer(struct ts_stack *st, struct tcb *tp)
{
	struct tcp_txq *q = &tp->txq;
	bool sent_new;

	if (tp->snd_una == tp->snd_max || tp->rack.tlp_out ||
	    (tp->flags & (TF_IN_RECOVERY | TF_IN_LOSS)) || q->n == 0)
		return true;
	CNT(st, TCP_TLP_PROBES);
	/* 7.3: new data if the peer's window allows, else the last segment. */
	sent_new = tcp_output_probe(st, tp);
	if (!sent_new)
		tcp_retransmit_rec(st, tp, q->head + q->n - 1);
	trace_event(st, "tlp: probe timeout, %s at seq %u",
		    sent_new ? "sent new data" : "sent the last segment again",
		    tp->snd_max);
	tp->rack.tlp_out = true;
	tp->rack.tlp_end = tp->snd_max;
	tcp_rexmt_restart(st, tp);
	return true;
}

void tcp_tlp_acked(struct tcb *tp)
{
	if (tp->rack.tlp_out && seq_geq(tp->snd_una, tp->rack.tlp_end))
		tp->rack.tlp_out = false;
}
