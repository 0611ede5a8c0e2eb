/*
 * sock.c - the socket-like public API (ts.h): user calls of RFC 9293 3.10
 * (OPEN, SEND, RECEIVE, CLOSE, ABORT, STATUS) in BSD socket shape.
 *
 * Every call refreshes the stack's clock, works on the TCB and lets
 * tcp_output() send what became sendable. Callbacks are never run from
 * here: events are queued and delivered by ts_dispatch().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "stack_internal.h"

/* Looks up a live handle and refreshes the clock; NULL for a bad one. */
static struct tcb *sock_get(struct ts_stack *st, int sock)
{
	struct tcb *tp = tcb_from_sock(st, sock);

	if (tp != NULL)
		stack_refresh_now(st);
	return tp;
}

int ts_socket(struct ts_stack *st)
{
	struct tcb *tp = tcb_new(st);
	int s;

	if (tp == NULL)
		return -ENOMEM;
	s = tcp_sock_alloc(st, tp);
	if (s < 0)
		tcb_free(st, tp);
	return s;
}

void ts_set_callback(struct ts_stack *st, int sock, ts_sock_cb cb, void *arg)
{
	struct tcb *tp = tcb_from_sock(st, sock);

	if (tp == NULL)
		return;
	tp->cb = cb;
	tp->cb_arg = arg;
	if (cb != NULL && tp->events != 0)
		tcp_notify(st, tp, 0); /* deliver what arrived before */
}

int ts_bind(struct ts_stack *st, int sock, const struct ts_addr *local)
{
	struct tcb *tp = sock_get(st, sock);
	int rc;

	if (tp == NULL)
		return -EBADF;
	if (tp->state != TS_CLOSED || tp->bound)
		return -EINVAL;
	if (local->ip != 0 && local->ip != st->cfg.addr)
		return -EADDRNOTAVAIL;
	tp->local.ip = st->cfg.addr;
	tp->local.port = local->port;
	rc = tcp_bind(st, tp, NULL);
	tcp_timewait_note_bind(st, tp, rc);
	return rc;
}

int ts_listen(struct ts_stack *st, int sock, int backlog)
{
	struct tcb *tp = sock_get(st, sock), *o;
	int rc;

	if (tp == NULL)
		return -EBADF;
	if (tp->state == TS_LISTEN) {
		tp->backlog = backlog < 1 ? 1u : (unsigned)backlog;
		return 0;
	}
	if (tp->state != TS_CLOSED || tp->error != 0)
		return -EINVAL;
	if (!tp->bound) {
		tp->local.ip = st->cfg.addr;
		rc = tcp_bind(st, tp, NULL);
		tcp_timewait_note_bind(st, tp, rc);
		if (rc != 0)
			return rc;
	}
	for (o = st->tcp.bind[tp->local.port]; o != NULL; o = o->bnext)
		if (o != tp && o->state == TS_LISTEN)
			return -EADDRINUSE;
	if (backlog < 1)
		backlog = 1;
	tp->backlog = (unsigned)backlog > TS_BACKLOG_MAX ? TS_BACKLOG_MAX
							  : (unsigned)backlog;
	tp->rcv_wscale = tcp_wscale_for(tp->rcvbuf);
	tcp_set_state(st, tp, TS_LISTEN, "listen()");
	return 0;
}

int ts_accept(struct ts_stack *st, int sock, struct ts_addr *peer)
{
	struct tcb *lp = sock_get(st, sock), *child;
	int s;

	if (lp == NULL)
		return -EBADF;
	if (lp->state != TS_LISTEN)
		return -EINVAL;
	child = lp->aq_head;
	if (child == NULL)
		return -EAGAIN;
	s = tcp_sock_alloc(st, child);
	if (s < 0)
		return s; /* stays queued; the caller may retry */
	tcp_listener_forget(st, child);
	if (peer != NULL)
		*peer = child->remote;
	/* What happened before accept is reported once a callback is set. */
	child->events |= TS_EV_WRITE;
	if (child->rcvq.len > 0)
		child->events |= TS_EV_READ;
	if (child->flags & TF_FIN_RCVD)
		child->events |= TS_EV_READ | TS_EV_EOF;
	if (lp->aq_head != NULL)
		tcp_notify(st, lp, TS_EV_ACCEPT);
	return s;
}

/* A connect() to a pair still in TIME_WAIT: with reuse asked for, the old
 * incarnation makes way and the new ISN starts beyond its sequence space
 * (the active-open side of RFC 6191); otherwise the pair is in use. */
static int connect_over_timewait(struct ts_stack *st, struct tcb *tp)
{
	struct tcb *old = tcp_lookup(st, tp->local.ip, tp->local.port,
				     tp->remote.ip, tp->remote.port);
	uint32_t floor;

	if (old == NULL)
		return 0;
	if (old->state != TS_TIME_WAIT || !(tp->flags & TF_REUSEADDR))
		return -EADDRINUSE;
	floor = old->snd_nxt + 2u * 65536u;
	CNT(st, TCP_TW_RECYCLED);
	tcp_close_tcb(st, old, "connect() reuses the pair (SO_REUSEADDR)");
	tcp_init_send_side(st, tp);
	if (!(tp->flags & TF_ISN_FIXED) && seq_lt(tp->iss, floor))
		tp->iss = tp->snd_una = tp->snd_nxt = tp->snd_max = floor;
	return 0;
}

static bool reachable(const struct ts_stack *st, uint32_t ip)
{
	return (ip & st->netmask) == (st->cfg.addr & st->netmask) ||
	       st->cfg.gateway != 0;
}

/* May this socket start an active open? RFC 9293 3.10.2: SEND in LISTEN
 * with a foreign socket turns the passive open into an active one. A
 * listener with children (half-open or waiting for accept) keeps
 * listening: they belong to it. */
static int connect_allowed(const struct tcb *tp)
{
	switch (tp->state) {
	case TS_CLOSED:
		return tp->error != 0 ? -EINVAL : 0;
	case TS_LISTEN:
		return tp->synq_len > 0 || tp->aq_len > 0 ? -EISCONN : 0;
	case TS_SYN_SENT:
		return -EALREADY;
	default:
		return -EISCONN;
	}
}

int ts_connect(struct ts_stack *st, int sock, const struct ts_addr *remote)
{
	struct tcb *tp = sock_get(st, sock);
	bool was_listening;
	int rc;

	if (tp == NULL)
		return -EBADF;
	rc = connect_allowed(tp);
	if (rc != 0)
		return rc;
	if (remote->ip == 0 || remote->port == 0)
		return -EINVAL;
	if (!reachable(st, remote->ip))
		return -EHOSTUNREACH;
	was_listening = tp->state == TS_LISTEN;
	tp->remote = *remote;
	tp->local.ip = st->cfg.addr;
	rc = tcp_bind(st, tp, remote); /* a listener is bound already */
	if (rc != 0)
		return rc;
	tcp_init_send_side(st, tp);
	rc = connect_over_timewait(st, tp);
	if (rc != 0) {
		if (was_listening)
			tp->remote = (struct ts_addr){ 0, 0 }; /* still listens */
		return rc;
	}
	tcp_hash_insert(st, tp);
	tp->rcv_adv = 0;
	tcp_set_state(st, tp, TS_SYN_SENT,
		      was_listening ? "connect() on a listening socket, sending SYN"
				    : "connect(), sending SYN");
	if (stack_now(st) < st->quiet_until)
		/* RFC 9293 3.4.3: no sequence numbers until quiet time ends. */
		tcp_timer_set(st, tp, TCPT_REXMT, st->quiet_until);
	else
		tcp_output(st, tp);
	return -EINPROGRESS;
}

/* May the application still queue data? (RFC 9293 3.10.2 SEND) */
static int send_allowed(const struct tcb *tp)
{
	if (tp->error != 0)
		return tp->error;
	if (tp->flags & TF_SHUT_WR)
		return -EPIPE;
	switch (tp->state) {
	case TS_SYN_SENT:
	case TS_SYN_RECEIVED:
	case TS_ESTABLISHED:
	case TS_CLOSE_WAIT:
		return 0;
	case TS_CLOSED:
	case TS_LISTEN:
		return -ENOTCONN;
	default:
		return -EPIPE;
	}
}

ssize_t ts_send(struct ts_stack *st, int sock, const void *buf, size_t len,
		unsigned flags)
{
	struct tcb *tp = sock_get(st, sock);
	uint32_t want, n;
	int rc;

	if (tp == NULL)
		return -EBADF;
	rc = send_allowed(tp);
	if (rc != 0)
		return rc;
	if (len == 0)
		return 0;
	want = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	n = ringbuf_write(&tp->sndq, buf, want);
	if (n < want)
		tp->flags |= TF_WANT_WRITE;
	if (n == 0)
		return -EAGAIN;
	if (flags & TS_MSG_OOB) {
		/* BSD convention: the pointer is just past the urgent byte. */
		tp->snd_up = tp->snd_una + tp->sndq.len;
		tp->flags |= TF_URG_PENDING;
	}
	tcp_output(st, tp);
	return n;
}

ssize_t ts_recv(struct ts_stack *st, int sock, void *buf, size_t len)
{
	struct tcb *tp = sock_get(st, sock);
	uint32_t n;

	if (tp == NULL)
		return -EBADF;
	if (tp->rcvq.len == 0) {
		if (tp->flags & TF_FIN_RCVD)
			return 0;
		if (tp->error != 0)
			return tp->error;
		if (tp->state == TS_CLOSED || tp->state == TS_LISTEN)
			return -ENOTCONN;
		return -EAGAIN;
	}
	n = ringbuf_read(&tp->rcvq, buf, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len);
	/* Reading opened the window: tell the peer if that is worth it, and
	 * only while it may still send (not after its FIN: in TIME_WAIT a
	 * closed peer would answer an unexpected ACK with a RST). */
	if (!(tp->flags & TF_FIN_RCVD) && tcp_window_update_due(tp)) {
		tp->flags |= TF_ACKNOW;
		tcp_output(st, tp);
	}
	return n;
}

size_t ts_readable(const struct ts_stack *st, int sock)
{
	const struct tcb *tp = tcb_from_sock(st, sock);

	return tp != NULL ? tp->rcvq.len : 0;
}

size_t ts_writable(const struct ts_stack *st, int sock)
{
	const struct tcb *tp = tcb_from_sock(st, sock);

	if (tp == NULL || send_allowed(tp) != 0)
		return 0;
	return ringbuf_space(&tp->sndq);
}

/* The application will send nothing more: FIN after the queued data
 * (RFC 9293 3.10.4 CLOSE, for the sending half). */
static void shut_write(struct ts_stack *st, struct tcb *tp, const char *why)
{
	if (tp->flags & TF_SHUT_WR)
		return;
	tp->flags |= TF_SHUT_WR;
	switch (tp->state) {
	case TS_SYN_RECEIVED:
	case TS_ESTABLISHED:
		tcp_set_state(st, tp, TS_FIN_WAIT_1, why);
		break;
	case TS_CLOSE_WAIT:
		tcp_set_state(st, tp, TS_LAST_ACK, why);
		break;
	default:
		return;
	}
	tcp_output(st, tp);
}

int ts_shutdown(struct ts_stack *st, int sock, int how)
{
	struct tcb *tp = sock_get(st, sock);

	if (tp == NULL)
		return -EBADF;
	if (how < TS_SHUT_RD || how > TS_SHUT_RDWR)
		return -EINVAL;
	if (tp->state == TS_CLOSED || tp->state == TS_LISTEN ||
	    tp->state == TS_SYN_SENT)
		return -ENOTCONN;
	if (how & TS_SHUT_RD)
		tp->flags |= TF_SHUT_RD;
	if (how & TS_SHUT_WR)
		shut_write(st, tp, "shutdown(WR), sending FIN");
	return 0;
}

int ts_abort(struct ts_stack *st, int sock)
{
	struct tcb *tp = sock_get(st, sock);

	if (tp == NULL)
		return -EBADF;
	if (tp->state == TS_LISTEN)
		tcp_listener_close(st, tp);
	tcp_send_rst(st, tp);
	if (tp->state != TS_CLOSED)
		tcp_set_state(st, tp, TS_CLOSED, "abort(), sent RST");
	tcb_free(st, tp);
	return 0;
}

int ts_close(struct ts_stack *st, int sock)
{
	struct tcb *tp = sock_get(st, sock);

	if (tp == NULL)
		return -EBADF;
	switch (tp->state) {
	case TS_CLOSED:
		tcb_free(st, tp);
		return 0;
	case TS_LISTEN:
		tcp_listener_close(st, tp);
		tcp_set_state(st, tp, TS_CLOSED, "close()");
		tcb_free(st, tp);
		return 0;
	case TS_SYN_SENT:
		tcp_set_state(st, tp, TS_CLOSED, "close() before the handshake");
		tcb_free(st, tp);
		return 0;
	default:
		break;
	}
	if (tp->rcvq.len > 0 && !(tp->flags & TF_SHUT_RD) &&
	    tp->state != TS_TIME_WAIT) {
		/* Unread data would be lost silently: tell the peer with a RST
		 * (RFC 2525 2.17, as Linux and BSD do). */
		return ts_abort(st, sock);
	}
	tcp_sock_release(st, tp);
	shut_write(st, tp, "close(), sending FIN");
	if (tp->state == TS_FIN_WAIT_2)
		tcp_timer_set(st, tp, TCPT_2MSL,
			      stack_now(st) + 2ULL * st->cfg.msl_ms * TS_USEC_PER_MSEC);
	return 0;
}

int ts_sock_error(const struct ts_stack *st, int sock)
{
	const struct tcb *tp = tcb_from_sock(st, sock);

	return tp != NULL ? tp->error : -EBADF;
}

/* The first words of ts_strerror() for the errors an ICMP message causes. */
static const char *icmp_error_word(int err)
{
	switch (-err) {
	case ECONNREFUSED:
		return "connection refused";
	case ENETUNREACH:
		return "network unreachable";
	default:
		return "host unreachable";
	}
}

const char *ts_sock_strerror(const struct ts_stack *st, int sock, char *buf,
			     size_t cap)
{
	const struct tcb *tp = tcb_from_sock(st, sock);
	char from[TRACE_IP_STR_LEN];

	if (tp == NULL)
		snprintf(buf, cap, "%s", ts_strerror(-EBADF));
	else if (tp->error_icmp != NULL)
		snprintf(buf, cap, "%s: %s from %s%s", icmp_error_word(tp->error),
			 tp->error_icmp, trace_ip_str(tp->error_from, from),
			 tp->error == -ECONNREFUSED
				 ? ": nothing listens on that port" : "");
	else if (tp->error == -ECONNREFUSED) /* the other cause: a RST */
		snprintf(buf, cap, "connection refused (RST received): nothing "
			 "listens on that port");
	else
		snprintf(buf, cap, "%s", ts_strerror(tp->error));
	return buf;
}
