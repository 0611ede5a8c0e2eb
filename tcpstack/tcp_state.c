/*
 * tcp_state.c - the one place a connection changes state (RFC 9293 3.3.2
 * figure 5), and what happens when one ends.
 *
 * Every transition goes through tcp_set_state(), which writes the state
 * line of the trace ("OLD -> NEW (why)") before anything else reacts, so
 * the trace shows transitions in the order they happen.
 */
#include <errno.h>
#include <stdlib.h>

#include "stack_internal.h"

static const char *const state_names[] = {
	[TS_CLOSED] = "CLOSED",
	[TS_LISTEN] = "LISTEN",
	[TS_SYN_SENT] = "SYN_SENT",
	[TS_SYN_RECEIVED] = "SYN_RECEIVED",
	[TS_ESTABLISHED] = "ESTABLISHED",
	[TS_FIN_WAIT_1] = "FIN_WAIT_1",
	[TS_FIN_WAIT_2] = "FIN_WAIT_2",
	[TS_CLOSE_WAIT] = "CLOSE_WAIT",
	[TS_CLOSING] = "CLOSING",
	[TS_LAST_ACK] = "LAST_ACK",
	[TS_TIME_WAIT] = "TIME_WAIT",
};

const char *ts_state_name(enum ts_tcp_state s)
{
	if ((unsigned)s < sizeof(state_names) / sizeof(state_names[0]))
		return state_names[s];
	return "?";
}

void tcp_set_state(struct ts_stack *st, struct tcb *tp, enum ts_tcp_state to,
		   const char *why)
{
	enum ts_tcp_state from = tp->state;

	if (from == to)
		return;
	trace_state(st, &tp->local, &tp->remote, from, to, why);
	tp->state = to;
	switch (to) {
	case TS_ESTABLISHED:
		if (from == TS_SYN_SENT)
			CNT(st, TCP_ACTIVE_OPENS);
		else
			CNT(st, TCP_PASSIVE_OPENS);
		tcp_timer_clear(st, tp, TCPT_KEEP);
		if (tp->flags & TF_KEEPALIVE)
			tcp_timer_set(st, tp, TCPT_KEEP,
				      stack_now(st) +
					      tp->keep_idle_s * TS_USEC_PER_SEC);
		break;
	case TS_TIME_WAIT:
		tcp_timewait_start(st, tp);
		break;
	case TS_CLOSED:
		tcp_timer_clear_all(st, tp);
		break;
	default:
		break;
	}
}

void tcp_event_unlink(struct ts_stack *st, struct tcb *tp)
{
	struct tcp_state *ts = &st->tcp;

	if (!tp->ev_queued)
		return;
	if (tp->ev_prev != NULL)
		tp->ev_prev->ev_next = tp->ev_next;
	else
		ts->ev_head = tp->ev_next;
	if (tp->ev_next != NULL)
		tp->ev_next->ev_prev = tp->ev_prev;
	else
		ts->ev_tail = tp->ev_prev;
	tp->ev_prev = tp->ev_next = NULL;
	tp->ev_queued = false;
	ts->ev_count--;
}

void tcp_notify(struct ts_stack *st, struct tcb *tp, unsigned events)
{
	struct tcp_state *ts = &st->tcp;

	if (tp->sock < 0)
		return; /* orphans and unaccepted children have no owner */
	tp->events |= events;
	if (tp->ev_queued || tp->cb == NULL)
		return; /* queued when ts_set_callback() installs one */
	tp->ev_queued = true;
	tp->ev_next = NULL;
	tp->ev_prev = ts->ev_tail;
	if (ts->ev_tail != NULL)
		ts->ev_tail->ev_next = tp;
	else
		ts->ev_head = tp;
	ts->ev_tail = tp;
	ts->ev_count++;
	stack_wakeup(st);
}

/* Releases what a closed connection no longer needs. An orphan is freed
 * outright; a socket with a handle stays (in CLOSED) until ts_close(). */
void tcp_close_tcb(struct ts_stack *st, struct tcb *tp, const char *why)
{
	tcp_set_state(st, tp, TS_CLOSED, why);
	if (tp->listener != NULL)
		tcp_listener_forget(st, tp);
	tcp_hash_remove(st, tp);
	if (tp->sock < 0) {
		tcb_free(st, tp);
		return;
	}
	ringbuf_free(&tp->sndq);
	tp->nooo = 0;
	tcp_sack_clear(tp);
}

void tcp_drop(struct ts_stack *st, struct tcb *tp, int err, const char *why)
{
	bool was_synced = tp->state == TS_ESTABLISHED ||
			  tp->state == TS_CLOSE_WAIT;

	if (was_synced && err == -ECONNRESET)
		CNT(st, TCP_ESTAB_RESETS);
	tp->error = err;
	/* Unread data is lost with the connection, as with Linux after RST. */
	ringbuf_free(&tp->rcvq);
	tcp_notify(st, tp, TS_EV_ERROR);
	tcp_close_tcb(st, tp, why);
}
