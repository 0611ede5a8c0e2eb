/*
 * tcp_listen.c - the LISTEN state (RFC 9293 3.10.7.2) and a listener's
 * queues: children in SYN_RECEIVED (counted) and established children
 * waiting for ts_accept() (the accept queue).
 *
 * A child TCB is created per SYN and traced as the RFC's single TCB would
 * be: LISTEN -> SYN_RECEIVED -> ESTABLISHED, or SYN_RECEIVED -> LISTEN when
 * a RST ends the half-open connection.
 */
#include "stack_internal.h"

/* Copies the options a listener's children inherit (like accept(2)). */
static void inherit(struct tcb *child, const struct tcb *lp)
{
	child->flags |= lp->flags & (TF_NODELAY | TF_KEEPALIVE | TF_REUSEADDR |
				     TF_ISN_FIXED);
	child->fixed_isn = lp->fixed_isn;
	child->sndbuf = lp->sndbuf;
	child->rcvbuf = lp->rcvbuf;
	ringbuf_set_limit(&child->sndq, lp->sndbuf);
	ringbuf_set_limit(&child->rcvq, lp->rcvbuf);
	child->max_retries = lp->max_retries;
	child->syn_retries = lp->syn_retries;
	child->keep_idle_s = lp->keep_idle_s;
	child->keep_intvl_s = lp->keep_intvl_s;
	child->keep_cnt = lp->keep_cnt;
	child->user_timeout_ms = lp->user_timeout_ms;
	child->cc_algo = lp->cc_algo;
	child->mss_clamp = lp->mss_clamp;
}

struct tcb *tcp_listener_spawn(struct ts_stack *st, struct tcb *lp,
			       const struct tcp_seg *seg)
{
	struct tcb *child = tcb_new(st);

	if (child == NULL)
		return NULL; /* out of memory: the peer retransmits its SYN */
	inherit(child, lp);
	child->flags |= TF_PASSIVE;
	child->local.ip = seg->dst_ip;
	child->local.port = seg->dport;
	child->remote.ip = seg->src_ip;
	child->remote.port = seg->sport;
	child->listener = lp;
	lp->synq_len++;
	tcp_hash_insert(st, child);
	tcp_bind_link(st, child);
	return child;
}

/* A SYN for a listener: a new child in SYN_RECEIVED answering SYN,ACK. */
static void new_child(struct ts_stack *st, struct tcb *lp,
		      const struct tcp_seg *seg)
{
	struct tcb *child = tcp_listener_spawn(st, lp, seg);

	if (child == NULL)
		return;
	tcp_init_send_side(st, child);
	child->irs = seg->seq;
	child->rcv_nxt = seg->seq + 1;
	child->rcv_adv = child->rcv_nxt;
	tcp_syn_options(st, child, seg);
	child->snd_wnd = seg->wnd; /* never scaled in a SYN (RFC 7323 2.2) */
	child->snd_wl1 = seg->seq;
	child->max_sndwnd = child->snd_wnd;
	/* The RFC's TCB is in LISTEN when the SYN arrives: the child starts
	 * there so its first state line reads LISTEN -> SYN_RECEIVED. */
	child->state = TS_LISTEN;
	tcp_set_state(st, child, TS_SYN_RECEIVED, "rcvd SYN, sending SYN,ACK");
	tcp_output(st, child);
}

void tcp_in_listen(struct ts_stack *st, struct tcb *lp, const struct tcp_seg *seg)
{
	if (seg->flags & TCP_RST)
		return; /* first: ignore an incoming RST */
	if (seg->flags & TCP_ACK) {
		/* second: any acknowledgment is bad here, unless it returns
		 * a SYN cookie (RFC 4987 3.6) */
		if (!(seg->flags & TCP_SYN) && tcp_syncookie_ack(st, lp, seg))
			return;
		tcp_send_rst_for(st, seg);
		return;
	}
	if (!(seg->flags & TCP_SYN))
		return;
	if (stack_now(st) < st->quiet_until) {
		CNT(st, TCP_DROP_QUIET);
		return;
	}
	if (lp->aq_len >= lp->backlog) {
		/* SECURITY: nobody accepts: cookies would only make
		 * connections that cannot be queued either (as Linux). */
		CNT(st, TCP_DROP_LISTEN_OVERFLOW);
		trace_event(st, "listen: queue full on port %u (%u half-open, "
			    "%u to accept): SYN dropped",
			    lp->local.port, lp->synq_len, lp->aq_len);
		return;
	}
	if (lp->synq_len >= TS_SYN_QUEUE_MAX) {
		/* SECURITY: a bounded SYN queue; beyond it, state-free SYN
		 * cookies (RFC 4987 3.6), so a flood costs no memory. */
		tcp_syncookie_send(st, lp, seg);
		return;
	}
	new_child(st, lp, seg);
}

void tcp_listener_child_established(struct ts_stack *st, struct tcb *child)
{
	struct tcb *lp = child->listener;

	if (lp == NULL)
		return;
	lp->synq_len--;
	child->aq_next = NULL;
	if (lp->aq_tail != NULL)
		lp->aq_tail->aq_next = child;
	else
		lp->aq_head = child;
	lp->aq_tail = child;
	lp->aq_len++;
	child->flags |= TF_ON_ACCEPTQ;
	tcp_notify(st, lp, TS_EV_ACCEPT);
}

void tcp_listener_forget(struct ts_stack *st, struct tcb *child)
{
	struct tcb *lp = child->listener, **pp, *prev = NULL;

	(void)st;
	if (lp == NULL)
		return;
	child->listener = NULL;
	if (!(child->flags & TF_ON_ACCEPTQ)) {
		lp->synq_len--;
		return;
	}
	child->flags &= ~TF_ON_ACCEPTQ;
	for (pp = &lp->aq_head; *pp != NULL; prev = *pp, pp = &(*pp)->aq_next) {
		if (*pp == child) {
			*pp = child->aq_next;
			if (lp->aq_tail == child)
				lp->aq_tail = prev;
			break;
		}
	}
	child->aq_next = NULL;
	lp->aq_len--;
}

void tcp_listener_close(struct ts_stack *st, struct tcb *lp)
{
	unsigned b;

	/* Children are found through the connection hash: a listener closes
	 * rarely, and keeping a second list per listener costs every SYN. */
	for (b = 0; b <= st->tcp.hash_mask; b++) {
		struct tcb *tp = st->tcp.hash[b];

		while (tp != NULL) {
			struct tcb *next = tp->hnext;

			if (tp->listener == lp) {
				tcp_send_rst(st, tp);
				tcp_close_tcb(st, tp, "listener closed");
			}
			tp = next;
		}
	}
	lp->aq_head = lp->aq_tail = NULL;
	lp->aq_len = lp->synq_len = 0;
}
