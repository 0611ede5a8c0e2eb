/*
 * tcp_timer.c - per-connection timers and the stack's deadline heap.
 *
 * Each TCB has one absolute deadline per timer (enum tcp_timer); the TCB
 * sits in a binary min-heap keyed by the earliest of them, so the stack's
 * next deadline is the heap's top and 10 000 idle connections cost nothing
 * per tick.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "stack_internal.h"

/* Connections whose timers fire in one ts_timers() call, at most; the
 * rest wait for the next call (the deadline is already due). */
#define TIMERS_MAX_PER_CALL 100000u

/* ---- heap ------------------------------------------------------------------ */

static void heap_swap(struct tcp_state *ts, unsigned a, unsigned b)
{
	struct tcb *t = ts->heap[a];

	ts->heap[a] = ts->heap[b];
	ts->heap[b] = t;
	ts->heap[a]->heap_idx = a;
	ts->heap[b]->heap_idx = b;
}

static void heap_up(struct tcp_state *ts, unsigned i)
{
	while (i > 0) {
		unsigned parent = (i - 1) / 2;

		if (ts->heap[parent]->deadline <= ts->heap[i]->deadline)
			break;
		heap_swap(ts, i, parent);
		i = parent;
	}
}

static void heap_down(struct tcp_state *ts, unsigned i)
{
	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, m = i;

		if (l < ts->heap_len &&
		    ts->heap[l]->deadline < ts->heap[m]->deadline)
			m = l;
		if (r < ts->heap_len &&
		    ts->heap[r]->deadline < ts->heap[m]->deadline)
			m = r;
		if (m == i)
			return;
		heap_swap(ts, i, m);
		i = m;
	}
}

void tcp_heap_remove(struct ts_stack *st, struct tcb *tp)
{
	struct tcp_state *ts = &st->tcp;
	unsigned i = tp->heap_idx;

	if (i == UINT_MAX)
		return;
	ts->heap_len--;
	if (i != ts->heap_len) {
		ts->heap[i] = ts->heap[ts->heap_len];
		ts->heap[i]->heap_idx = i;
		heap_down(ts, i);
		heap_up(ts, i);
	}
	tp->heap_idx = UINT_MAX;
}

/* Puts tp where its (new) deadline belongs. Returns false only when the
 * heap could not grow; the TCB then has no timers running. */
static bool heap_update(struct ts_stack *st, struct tcb *tp)
{
	struct tcp_state *ts = &st->tcp;

	if (tp->deadline == TS_TIME_NEVER) {
		tcp_heap_remove(st, tp);
		return true;
	}
	if (tp->heap_idx == UINT_MAX) {
		if (ts->heap_len == ts->heap_cap) {
			unsigned ncap = ts->heap_cap ? ts->heap_cap * 2 : 64;
			struct tcb **nh = realloc(ts->heap, ncap * sizeof(*nh));

			if (nh == NULL)
				return false;
			ts->heap = nh;
			ts->heap_cap = ncap;
		}
		tp->heap_idx = ts->heap_len;
		ts->heap[ts->heap_len++] = tp;
	}
	heap_down(ts, tp->heap_idx);
	heap_up(ts, tp->heap_idx);
	return true;
}

static void recompute_deadline(struct ts_stack *st, struct tcb *tp)
{
	ts_time_t d = TS_TIME_NEVER, old = tp->deadline;
	unsigned t;

	for (t = 0; t < TCPT_COUNT; t++)
		if (tp->timer[t] < d)
			d = tp->timer[t];
	tp->deadline = d;
	if (!heap_update(st, tp)) {
		for (t = 0; t < TCPT_COUNT; t++)
			tp->timer[t] = TS_TIME_NEVER;
		tp->deadline = TS_TIME_NEVER;
		return;
	}
	/* An earlier deadline than the owner knows about: re-arm its timer. */
	if (d < old)
		stack_wakeup(st);
}

void tcp_timer_set(struct ts_stack *st, struct tcb *tp, enum tcp_timer t,
		   ts_time_t when)
{
	tp->timer[t] = when;
	recompute_deadline(st, tp);
}

void tcp_timer_clear(struct ts_stack *st, struct tcb *tp, enum tcp_timer t)
{
	if (tp->timer[t] == TS_TIME_NEVER)
		return;
	tp->timer[t] = TS_TIME_NEVER;
	recompute_deadline(st, tp);
}

void tcp_timer_clear_all(struct ts_stack *st, struct tcb *tp)
{
	unsigned t;

	for (t = 0; t < TCPT_COUNT; t++)
		tp->timer[t] = TS_TIME_NEVER;
	tp->deadline = TS_TIME_NEVER;
	tcp_heap_remove(st, tp);
}

void tcp_rexmt_restart(struct ts_stack *st, struct tcb *tp)
{
	tcp_timer_set(st, tp, TCPT_REXMT, stack_now(st) + tcp_rto(tp));
}

ts_time_t tcp_next_deadline(const struct ts_stack *st)
{
	if (st->tcp.heap_len == 0)
		return TS_TIME_NEVER;
	return st->tcp.heap[0]->deadline;
}

/* ---- timer handlers ------------------------------------------------------------
 * Each returns false when the TCB was freed. */

static bool rexmt_syn(struct ts_stack *st, struct tcb *tp)
{
	if (tp->rexmt_shift >= tp->syn_retries) {
		CNT(st, TCP_GIVEUPS);
		tcp_drop(st, tp, -ETIMEDOUT,
			 tp->state == TS_SYN_SENT
				 ? "timeout: no SYN,ACK after all SYN retries"
				 : "timeout: no ACK for our SYN,ACK");
		return false;
	}
	tp->rexmt_shift++;
	trace_event(st, "timer: retransmitting SYN%s to %u.%u.%u.%u:%u (try %u)",
		    tp->state != TS_SYN_SENT ? ",ACK" : "",
		    tp->remote.ip >> 24, (tp->remote.ip >> 16) & 0xff,
		    (tp->remote.ip >> 8) & 0xff, tp->remote.ip & 0xff,
		    tp->remote.port, tp->rexmt_shift + 1);
	tp->snd_nxt = tp->iss;
	tp->rtt_timing = false;
	tcp_output(st, tp);
	tcp_rexmt_restart(st, tp);
	return true;
}

/* Has the connection used up its retransmissions (or the user timeout)?
 * Not while the peer answers them with a zero window: they are then its
 * window probes, and a peer that acknowledges probes must not be timed
 * out (RFC 9293 3.8.6.1). One that falls silent for TS_RTO_MAX is. */
static bool rexmt_exhausted(const struct ts_stack *st, const struct tcb *tp)
{
	ts_time_t now = stack_now(st);

	if (tp->user_timeout_ms != 0 &&
	    now - tp->progress_at > (ts_time_t)tp->user_timeout_ms * TS_USEC_PER_MSEC)
		return true;
	if (tp->rexmt_shift < tp->max_retries)
		return false;
	return tp->snd_wnd != 0 || now - tp->heard_at > TS_RTO_MAX;
}

static bool timer_rexmt(struct ts_stack *st, struct tcb *tp)
{
	if (tp->state == TS_SYN_SENT && tp->snd_max == tp->iss) {
		/* connect() during quiet time (RFC 9293 3.4.3) set the timer
		 * for its end: this is the first SYN, not a retransmission. */
		tcp_output(st, tp);
		return true;
	}
	CNT(st, TCP_TIMEOUTS);
	if (tcp_syn_unacked(tp))
		return rexmt_syn(st, tp);
	if (tp->snd_una == tp->snd_max)
		return true; /* everything was acked meanwhile */
	if (rexmt_exhausted(st, tp)) {
		CNT(st, TCP_GIVEUPS);
		tcp_send_rst(st, tp);
		tcp_drop(st, tp, -ETIMEDOUT,
			 "timeout: data unacknowledged after all retransmissions");
		return false;
	}
	tp->rexmt_shift++;
	trace_event(st, "timer: RTO %llu ms expired, retransmitting from seq %u "
		    "(backoff %u; %s, %u bytes out, pipe %u, cwnd %u)",
		    (unsigned long long)(tcp_rto(tp) / TS_USEC_PER_MSEC),
		    tp->snd_una, tp->rexmt_shift,
		    (tp->flags & TF_IN_RECOVERY) ? "in fast recovery"
		    : (tp->flags & TF_IN_LOSS) ? "in timeout recovery" : "open",
		    tp->snd_max - tp->snd_una, tcp_pipe(tp), tp->cwnd);
	/* RFC 5681 3.1, RFC 6298 5.4: resend from the first unacknowledged
	 * byte with a loss window of one segment, then slow start; what the
	 * peer SACKed is not resent (RFC 6675 5.1). Karn's rule: no RTT
	 * sample from retransmissions. */
	tcp_recovery_timeout(st, tp);
	tp->rtt_timing = false;
	tcp_output(st, tp);
	tcp_rexmt_restart(st, tp);
	return true;
}

static bool timer_persist(struct ts_stack *st, struct tcb *tp)
{
	ts_time_t next;

	if (tp->sndq.len == 0)
		return true;
	if (tp->snd_wnd != 0) {
		/* Sender SWS avoidance held back data for a window too small
		 * to fill: the override timeout has run out (RFC 1122
		 * 4.2.3.4), send what fits. */
		tp->flags |= TF_SWS_OVERRIDE;
		tcp_output(st, tp);
		tp->flags &= ~TF_SWS_OVERRIDE;
		return true;
	}
	CNT(st, TCP_ZWP);
	tcp_send_probe(st, tp);
	if (tp->persist_shift < 16)
		tp->persist_shift++;
	next = tcp_rto(tp) << tp->persist_shift;
	if (next < TS_PERSIST_MIN)
		next = TS_PERSIST_MIN;
	if (next > TS_PERSIST_MAX)
		next = TS_PERSIST_MAX;
	tcp_timer_set(st, tp, TCPT_PERSIST, stack_now(st) + next);
	return true;
}

static bool timer_keep(struct ts_stack *st, struct tcb *tp)
{
	if (!(tp->flags & TF_KEEPALIVE) ||
	    (tp->state != TS_ESTABLISHED && tp->state != TS_CLOSE_WAIT))
		return true;
	if (tp->keep_probes >= tp->keep_cnt) {
		CNT(st, TCP_KEEPALIVE_DROPS);
		tcp_send_rst(st, tp);
		tcp_drop(st, tp, -ETIMEDOUT,
			 "keepalive: peer did not answer any probe");
		return false;
	}
	tp->keep_probes++;
	CNT(st, TCP_KEEPALIVE_PROBES);
	trace_event(st, "timer: keepalive probe %u of %u", tp->keep_probes,
		    tp->keep_cnt);
	tcp_send_probe(st, tp);
	tcp_timer_set(st, tp, TCPT_KEEP,
		      stack_now(st) + tp->keep_intvl_s * TS_USEC_PER_SEC);
	return true;
}

static bool timer_delack(struct ts_stack *st, struct tcb *tp)
{
	if (tp->flags & TF_DELACK) {
		CNT(st, TCP_DELACKS);
		tp->flags |= TF_ACKNOW;
		tcp_output(st, tp);
	}
	return true;
}

static bool timer_2msl(struct ts_stack *st, struct tcb *tp)
{
	if (tp->state == TS_TIME_WAIT) {
		CNT(st, TCP_TW_EXPIRED);
		tcp_close_tcb(st, tp, "2MSL expired");
		return false;
	}
	if (tp->state == TS_FIN_WAIT_2 && tp->sock < 0) {
		/* An orphan waiting forever for a FIN that may never come:
		 * give up, as Linux does after tcp_fin_timeout. */
		tcp_close_tcb(st, tp, "FIN_WAIT_2 timeout, no FIN from peer");
		return false;
	}
	return true;
}

static bool (*const timer_handlers[TCPT_COUNT])(struct ts_stack *,
						 struct tcb *) = {
	[TCPT_REXMT] = timer_rexmt,
	[TCPT_PERSIST] = timer_persist,
	[TCPT_KEEP] = timer_keep,
	[TCPT_DELACK] = timer_delack,
	[TCPT_2MSL] = timer_2msl,
	[TCPT_REORDER] = tcp_recovery_reorder_timer,
	[TCPT_TLP] = tcp_tlp_timer,
};

/* Runs the expired timers of one TCB; false when it was freed. */
static bool run_expired(struct ts_stack *st, struct tcb *tp, ts_time_t now)
{
	unsigned t;

	for (t = 0; t < TCPT_COUNT; t++) {
		if (tp->timer[t] > now)
			continue;
		tp->timer[t] = TS_TIME_NEVER;
		recompute_deadline(st, tp);
		if (!timer_handlers[t](st, tp))
			return false;
	}
	return true;
}

void tcp_timers(struct ts_stack *st, ts_time_t now)
{
	unsigned n;

	for (n = 0; n < TIMERS_MAX_PER_CALL && st->tcp.heap_len > 0; n++) {
		struct tcb *tp = st->tcp.heap[0];

		if (tp->deadline > now)
			break;
		run_expired(st, tp, now);
	}
}
