/*
 * tcp_timewait.c - TIME_WAIT: the 2MSL wait of the side that closed first,
 * whether a new SYN may reuse a pair still in it (RFC 6191), and the
 * counts behind "address in use (3 connections in TIME_WAIT, 41 s left)".
 */
#include "stack_internal.h"

void tcp_timewait_start(struct ts_stack *st, struct tcb *tp)
{
	ts_time_t two_msl = 2ULL * st->cfg.msl_ms * TS_USEC_PER_MSEC;

	tcp_timer_clear_all(st, tp);
	/* Nothing will be sent again but ACKs: the send queue goes. Unread
	 * received data stays for an owner that only shut down writing. */
	ringbuf_free(&tp->sndq);
	if (tp->sock < 0)
		ringbuf_free(&tp->rcvq);
	tp->nooo = 0;
	tcp_sack_clear(tp);
	tcp_timer_set(st, tp, TCPT_2MSL, stack_now(st) + two_msl);
}

bool tcp_timewait_accept_syn(struct ts_stack *st, struct tcb *tw,
			     const struct tcp_seg *syn)
{
	(void)st;
	/* RFC 6191: with timestamps on the old connection, the new SYN's
	 * must be newer; without, its ISN must lie beyond the old stream. */
	if ((tw->flags & TF_RCVD_TS) && syn->opt.ts_present)
		return seq_gt(syn->opt.tsval, tw->ts_recent);
	return seq_gt(syn->seq, tw->rcv_nxt);
}

unsigned ts_timewait_count(const struct ts_stack *st,
			   const struct ts_addr *local, ts_time_t *longest_left)
{
	const struct tcb *tp;
	unsigned n = 0;
	ts_time_t now = ts_now(st), longest = 0;

	for (tp = st->tcp.bind[local->port]; tp != NULL; tp = tp->bnext) {
		if (tp->state != TS_TIME_WAIT)
			continue;
		if (local->ip != 0 && tp->local.ip != local->ip)
			continue;
		n++;
		if (tp->timer[TCPT_2MSL] != TS_TIME_NEVER &&
		    tp->timer[TCPT_2MSL] > now &&
		    tp->timer[TCPT_2MSL] - now > longest)
			longest = tp->timer[TCPT_2MSL] - now;
	}
	if (longest_left != NULL)
		*longest_left = longest;
	return n;
}
