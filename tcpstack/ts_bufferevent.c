/*
 * ts_bufferevent.c - an ordinary libevent bufferevent for a stack socket,
 * built from public libevent API only:
 *
 *     application  <->  app (bufferevent_filter, pass-through)
 *                          |  underlying
 *                        pair[0] == bufferevent_pair == pair[1] ("mine")
 *                                                          |
 *                                         ts_send / ts_recv on the socket
 *
 * Sending: bytes reach mine's input; they go to ts_send as the stack takes
 * them (TS_EV_WRITE resumes). Watermarks on pair[0]'s output and mine's
 * input (TS_BEV_TX_HIGH) stop the transfer, so an application that writes
 * faster than the connection sees its own output buffer grow, as with a
 * socket.
 *
 * Receiving: ts_recv fills mine's output, which the pair and the filter
 * carry to the application's input. Reading stops while the bytes on the
 * way (mine's output, pair[0]'s input, the application's input) reach
 * TS_BEV_RX_HIGH, so an application that stops reading closes the TCP
 * window instead of growing memory; draining any of those buffers resumes
 * reading (a deferred "kick" event).
 *
 * Events: TS_EV_CONNECTED -> BEV_EVENT_CONNECTED; the peer's FIN, once
 * every byte before it has reached the application's input ->
 * BEV_EVENT_EOF; TS_EV_ERROR -> BEV_EVENT_ERROR, ts_bufferevent_error()
 * gives the -errno.
 *
 * Lifetime: freeing the application's bufferevent unhooks the filter from
 * pair[0] at once (from then on nothing more is read or reported) and
 * later, when libevent finalises the filter, calls tsb_free_context: the
 * socket is closed (BEV_OPT_CLOSE_ON_FREE) and mine and the record are
 * freed. ts_ev_free detaches every record: the application's bufferevents
 * then carry nothing and report nothing, and the application still frees
 * them (a filter stacked on one, e.g. OpenSSL, may hold a reference that
 * only the application can release).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "ts_event.h"
#include "ts_event_internal.h"
#include "ts_limits.h"

#define TSB_PEEK_VECS 16

struct tsb {
	struct tsb *next, *prev;   /* in ev->bevs                           */
	struct ts_ev *ev;          /* NULL once ts_ev_free detached us      */
	int sock;
	bool close_on_free;
	bool connected;
	bool rx_paused;            /* stopped at TS_BEV_RX_HIGH             */
	bool eof_read;             /* ts_recv returned 0                    */
	bool eof_sent;             /* BEV_EVENT_EOF delivered               */
	bool failed;               /* BEV_EVENT_ERROR delivered             */
	bool shut_pending;         /* shutdown_write asked, FIN not yet     */
	bool tx_blocked;           /* send buffer full: mine's reading off  */
	int err;
	struct bufferevent *app;   /* the application's (filter); not ours  */
	struct bufferevent *mine;  /* pair[1]; owned                        */
	struct event *kick;        /* deferred progress; owned              */
};

/* pair[0], or NULL once the application freed its bufferevent. Freeing
 * the filter clears pair[0]'s callbacks at once (the filter set them and
 * never clears them otherwise), though pair[0] lives on until libevent
 * finalises the filter. */
static struct bufferevent *app_pair(const struct tsb *t)
{
	struct bufferevent *p0;
	bufferevent_data_cb readcb = NULL;

	p0 = t->mine ? bufferevent_pair_get_partner(t->mine) : NULL;
	if (!p0)
		return NULL;
	bufferevent_getcb(p0, &readcb, NULL, NULL, NULL);
	return readcb ? p0 : NULL;
}

static size_t blen(struct bufferevent *b, bool input)
{
	return evbuffer_get_length(input ? bufferevent_get_input(b)
					 : bufferevent_get_output(b));
}

/* Received bytes on their way to, or waiting in, the application. */
static size_t rx_pending(const struct tsb *t, struct bufferevent *p0)
{
	return blen(t->mine, false) + blen(p0, true) + blen(t->app, true);
}

/* Reports to the application, unless it already freed its side. */
static void app_event(struct tsb *t, short what)
{
	if (app_pair(t))
		bufferevent_trigger_event(t->app, what, 0);
}

static void deliver_error(struct tsb *t, int err)
{
	if (t->failed)
		return;
	t->failed = true;
	t->err = err < 0 ? err : -ECONNRESET;
	app_event(t, BEV_EVENT_ERROR | (t->connected ? BEV_EVENT_READING : 0));
}

static void maybe_deliver_eof(struct tsb *t, struct bufferevent *p0)
{
	if (!t->eof_read || t->eof_sent || t->failed)
		return;
	if (blen(t->mine, false) != 0 || blen(p0, true) != 0)
		return; /* the filter has not moved everything yet */
	t->eof_sent = true;
	app_event(t, BEV_EVENT_EOF | BEV_EVENT_READING);
}

/* ts_recv into mine's output while the application keeps up. */
static void pull(struct tsb *t)
{
	struct ts_stack *st = t->ev->st;
	struct bufferevent *p0 = app_pair(t);
	struct evbuffer *out = bufferevent_get_output(t->mine);
	struct evbuffer_iovec v;
	size_t avail;
	ssize_t n;
	char c;

	if (!p0 || t->failed)
		return;
	while (!t->eof_read) {
		if (rx_pending(t, p0) >= TS_BEV_RX_HIGH) {
			t->rx_paused = true;
			break;
		}
		t->rx_paused = false;
		avail = ts_readable(st, t->sock);
		if (avail == 0) {
			/* Only the end of stream, an error or EAGAIN: reserve
			 * nothing, or every idle connection would keep an
			 * empty chunk of TS_BEV_IO_CHUNK in its evbuffer. */
			n = ts_recv(st, t->sock, &c, 1);
			if (n == 1 && evbuffer_add(out, &c, 1) != 0)
				break;
		} else {
			if (avail > TS_BEV_IO_CHUNK)
				avail = TS_BEV_IO_CHUNK;
			if (evbuffer_reserve_space(out, (ev_ssize_t)avail, &v,
						   1) < 1)
				break;
			n = ts_recv(st, t->sock, v.iov_base,
				    v.iov_len < avail ? v.iov_len : avail);
			v.iov_len = n > 0 ? (size_t)n : 0;
			evbuffer_commit_space(out, &v, 1);
		}
		if (n == 0)
			t->eof_read = true;
		else if (n == -EAGAIN)
			break;
		else if (n < 0) {
			deliver_error(t, (int)n);
			return;
		}
	}
	maybe_deliver_eof(t, p0);
}

/* FIN once everything the application wrote has gone to ts_send. */
static void maybe_shutdown(struct tsb *t, struct bufferevent *p0)
{
	if (!t->shut_pending || !t->connected || !p0)
		return;
	if (blen(t->app, false) || blen(p0, false) || blen(t->mine, true))
		return;
	if (ts_shutdown(t->ev->st, t->sock, TS_SHUT_WR) != -ENOTCONN)
		t->shut_pending = false;
}

/* mine's input into ts_send as far as the send buffer takes it. */
static void push(struct tsb *t)
{
	struct evbuffer *in = bufferevent_get_input(t->mine);
	struct evbuffer_iovec v[TSB_PEEK_VECS];
	int i, nv;

	while (!t->failed && evbuffer_get_length(in) > 0) {
		size_t done = 0;
		bool full = false;

		nv = evbuffer_peek(in, -1, NULL, v, TSB_PEEK_VECS);
		for (i = 0; i < nv && i < TSB_PEEK_VECS && !full; i++) {
			ssize_t n = ts_send(t->ev->st, t->sock, v[i].iov_base,
					    v[i].iov_len, 0);
			if (n < 0) {
				if (n != -EAGAIN)
					deliver_error(t, (int)n);
				break;
			}
			done += (size_t)n;
			full = (size_t)n < v[i].iov_len;
		}
		/* Draining may pull more in from pair[0] (the watermark). */
		evbuffer_drain(in, done);
		if (done == 0 || full)
			break;
	}
	/* While the stack is full, mine stops reading: libevent would
	 * otherwise call mine_readcb again and again for an input at its
	 * high-water mark. TS_EV_WRITE turns reading back on. */
	t->tx_blocked = evbuffer_get_length(in) > 0 && !t->failed;
	if (t->tx_blocked)
		bufferevent_disable(t->mine, EV_READ);
	maybe_shutdown(t, app_pair(t));
}

static void tx_resume(struct tsb *t)
{
	if (t->tx_blocked) {
		t->tx_blocked = false;
		bufferevent_enable(t->mine, EV_READ);
	}
	push(t);
}

static void progress(struct tsb *t)
{
	if (!t->ev)
		return;
	pull(t);
	push(t);
	ts_ev_kick(t->ev);
}

static void kick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	progress(arg);
}

/* A buffer on the receive path lost bytes: maybe resume reading, or
 * deliver the EOF that waited for the filter. */
static void drained_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
		       void *arg)
{
	struct tsb *t = arg;

	(void)buf;
	if (info->n_deleted && t->kick &&
	    (t->rx_paused || (t->eof_read && !t->eof_sent)))
		event_active(t->kick, EV_TIMEOUT, 0);
}

static void mine_readcb(struct bufferevent *b, void *arg)
{
	struct tsb *t = arg;

	(void)b;
	if (!t->ev)
		return;
	push(t);
	ts_ev_kick(t->ev);
}

static void sock_cb(struct ts_stack *st, int sock, unsigned events, void *arg)
{
	struct tsb *t = arg;

	(void)st;
	(void)sock;
	if (events & TS_EV_CONNECTED) {
		t->connected = true;
		app_event(t, BEV_EVENT_CONNECTED);
	}
	/* Read once per loop iteration, after the glue fed the stack every
	 * waiting frame, rather than once per segment; an error reads what
	 * is left at once, before it is reported. */
	if (events & TS_EV_ERROR)
		pull(t);
	else if (events & (TS_EV_READ | TS_EV_EOF))
		event_active(t->kick, EV_TIMEOUT, 0);
	if (events & (TS_EV_WRITE | TS_EV_CONNECTED))
		tx_resume(t);
	if (events & TS_EV_ERROR)
		deliver_error(t, ts_sock_error(t->ev->st, t->sock));
}

static void tsb_unlink(struct tsb *t)
{
	struct ts_ev *ev = t->ev;

	if (t->prev)
		t->prev->next = t->next;
	else
		ev->bevs = t->next;
	if (t->next)
		t->next->prev = t->prev;
	ts_set_callback(ev->st, t->sock, NULL, NULL);
	event_free(t->kick);
	t->kick = NULL;
	bufferevent_free(t->mine);
	t->mine = NULL;
	t->ev = NULL;
}

/* The filter is finalised: the application's side is gone for good. */
static void tsb_free_context(void *arg)
{
	struct tsb *t = arg;
	struct ts_ev *ev = t->ev;

	if (ev) {
		tsb_unlink(t);
		if (t->close_on_free)
			ts_close(ev->st, t->sock);
		ts_ev_kick(ev);
	}
	free(t);
}

void tsb_detach_all(struct ts_ev *ev)
{
	/* The application's bufferevents stay valid (it frees them, as with
	 * any bufferevent): freeing one here could pull it from under a
	 * filter stacked on it (OpenSSL) that still holds a reference. */
	while (ev->bevs)
		tsb_unlink(ev->bevs);
}

/* The pair, the filter on pair[0], our callbacks and watermarks. */
static int tsb_build(struct tsb *t, struct event_base *base)
{
	struct bufferevent *pair[2];

	t->kick = event_new(base, -1, 0, kick_cb, t);
	if (!t->kick || bufferevent_pair_new(base, 0, pair) < 0)
		return -ENOMEM;
	t->mine = pair[1];
	/* The filter always owns pair[0]; whether the stack socket closes
	 * with it is t->close_on_free. */
	t->app = bufferevent_filter_new(pair[0], NULL, NULL,
					BEV_OPT_CLOSE_ON_FREE |
						BEV_OPT_DEFER_CALLBACKS,
					tsb_free_context, t);
	if (!t->app) {
		bufferevent_free(pair[0]);
		return -ENOMEM;
	}
	bufferevent_setcb(t->mine, mine_readcb, NULL, NULL, t);
	bufferevent_setwatermark(t->mine, EV_READ, 0, TS_BEV_TX_HIGH);
	bufferevent_setwatermark(pair[0], EV_WRITE, 0, TS_BEV_TX_HIGH);
	bufferevent_enable(t->mine, EV_READ | EV_WRITE);
	if (!evbuffer_add_cb(bufferevent_get_output(t->mine), drained_cb, t) ||
	    !evbuffer_add_cb(bufferevent_get_input(pair[0]), drained_cb, t) ||
	    !evbuffer_add_cb(bufferevent_get_input(t->app), drained_cb, t))
		return -ENOMEM;
	return 0;
}

struct bufferevent *ts_bufferevent_new(struct ts_ev *ev, int sock, int options)
{
	struct ts_sockinfo si;
	struct tsb *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ev = ev;
	t->sock = sock;
	t->close_on_free = (options & BEV_OPT_CLOSE_ON_FREE) != 0;
	t->connected = ts_getinfo(ev->st, sock, &si) == 0 &&
		       si.state != TS_SYN_SENT && si.state != TS_CLOSED;
	if (tsb_build(t, ev->base) < 0) {
		if (t->app) {
			/* Finalising the filter frees pair[0] and t. */
			t->ev = NULL;
			bufferevent_free(t->mine);
			event_free(t->kick);
			t->mine = NULL;
			t->kick = NULL;
			bufferevent_free(t->app);
			return NULL;
		}
		if (t->mine)
			bufferevent_free(t->mine);
		if (t->kick)
			event_free(t->kick);
		free(t);
		return NULL;
	}
	t->next = ev->bevs;
	if (ev->bevs)
		ev->bevs->prev = t;
	ev->bevs = t;
	ts_set_callback(ev->st, sock, sock_cb, t);
	/* Data or a FIN that came before we were attached. */
	event_active(t->kick, EV_TIMEOUT, 0);
	return t->app;
}

/* Our record behind bev or any filter stacked on it (e.g. OpenSSL). */
static struct tsb *tsb_find(struct bufferevent *bev)
{
	for (; bev; bev = bufferevent_get_underlying(bev)) {
		struct bufferevent *p0 = bufferevent_get_underlying(bev);
		struct bufferevent *p1 = p0 ? bufferevent_pair_get_partner(p0)
					    : NULL;
		bufferevent_data_cb readcb = NULL;
		void *arg = NULL;

		if (!p1)
			continue;
		bufferevent_getcb(p1, &readcb, NULL, NULL, &arg);
		if (readcb == mine_readcb)
			return arg;
	}
	return NULL;
}

int ts_bufferevent_sock(struct bufferevent *bev)
{
	struct tsb *t = tsb_find(bev);

	return t ? t->sock : -1;
}

int ts_bufferevent_error(struct bufferevent *bev)
{
	struct tsb *t = tsb_find(bev);

	return t ? t->err : 0;
}

int ts_bufferevent_shutdown_write(struct bufferevent *bev)
{
	struct tsb *t = tsb_find(bev);

	if (!t || !t->ev)
		return -EINVAL;
	t->shut_pending = true;
	push(t);
	ts_ev_kick(t->ev);
	return 0;
}
