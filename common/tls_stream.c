/*
 * tls_stream.c - a TLS data connection over a stack socket (see
 * tls_stream.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>

#include "common_limits.h"
#include "tls.h"
#include "tls_stream.h"
#include "ts_limits.h"

struct tls_stream {
	struct tls_stream *next, **pprev; /* on the closing list         */
	struct ts_ev *ev;
	int sock;                  /* for ts_getinfo only: the bufferevent */
	                           /* owns and closes it                   */
	struct bufferevent *bev;   /* the OpenSSL filter (owns ssl and the */
	                           /* ts_bufferevent under it)             */
	SSL *ssl;                  /* borrowed from bev                    */
	tls_stream_cb cb;
	void *arg;
	int state;                 /* 0, 1, or -errno (tls_stream_state)  */
	bool eof;                  /* the peer's close_notify was read     */
	bool rx_paused;            /* reading off: TLS_STREAM_IN_HIGH held  */
	bool fin;                  /* the FIN under TLS came before every   */
	                           /* record over it was read              */
	char why[TLS_ERR_TEXT_MAX];
	/* Closing. */
	struct event *timer;
	unsigned polls;            /* TLS_LINGER_POLL_MS ticks so far      */
	unsigned fin_polls;        /* ... since our FIN was queued         */
	bool notify_sent, shut;
	bool dropping;             /* abort: freed at the next turn        */
};

static void notify(struct tls_stream *t, unsigned events)
{
	if (t->cb)
		t->cb(t, events, t->arg);
}

static void set_failed(struct tls_stream *t, int err, const char *why)
{
	if (t->state < 0)
		return;
	t->state = err;
	snprintf(t->why, sizeof(t->why), "%s", why);
}

/* BEV_EVENT_ERROR: a TLS error, a transport error, or the peer's FIN
 * without close_notify. After close_notify the FIN under it is not one. */
/* Encrypted bytes still waiting under the filter. */
static size_t plain_pending(const struct tls_stream *t)
{
	struct bufferevent *plain = bufferevent_get_underlying(t->bev);

	return plain ? evbuffer_get_length(bufferevent_get_input(plain)) : 0;
}

static bool got_close_notify(const struct tls_stream *t)
{
	return t->eof || (SSL_get_shutdown(t->ssl) & SSL_RECEIVED_SHUTDOWN);
}

static void fail_dirty(struct tls_stream *t)
{
	/* SECURITY: a FIN alone may be forged: the data may have been cut
	 * short, so it is no end of file. */
	set_failed(t, -ECONNABORTED, "the peer closed the connection without "
		   "TLS close_notify (the data may be cut short)");
}

/* After a FIN that came early: once every record under it is read and
 * none was close_notify, the close was a dirty one. True then. */
static bool fin_now_dirty(struct tls_stream *t)
{
	if (!t->fin || t->state < 0 || got_close_notify(t) || t->rx_paused ||
	    plain_pending(t) > 0)
		return false;
	fail_dirty(t);
	return true;
}

static void on_error(struct tls_stream *t)
{
	char buf[TLS_ERR_TEXT_MAX];
	unsigned long e = bufferevent_get_openssl_error(t->bev);
	int terr = ts_bufferevent_error(t->bev);

	if (e != 0) {
		snprintf(buf, sizeof(buf), "%s%s",
			 t->state == 0 ? "TLS handshake failed: " : "TLS error: ",
			 ERR_reason_error_string(e) ? ERR_reason_error_string(e)
						    : "unknown");
		set_failed(t, -EPROTO, buf);
	} else if (terr != 0) {
		set_failed(t, -ECONNRESET, ts_strerror(terr));
	} else if (got_close_notify(t)) {
		return; /* the FIN under close_notify */
	} else if (t->state == 0) {
		set_failed(t, -EPROTO, "TLS handshake failed: the peer closed "
			   "the connection");
	} else if (plain_pending(t) > 0) {
		/* libevent reports the FIN under the filter at once, while
		 * records wait unread (reading paused): judge after them. */
		t->fin = true;
		return;
	} else {
		fail_dirty(t);
	}
	notify(t, TS_EV_ERROR);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct tls_stream *t = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		if (t->state == 0)
			t->state = 1;
		notify(t, TS_EV_CONNECTED | TS_EV_READ | TS_EV_WRITE);
	}
	if ((what & BEV_EVENT_EOF) && !t->eof) {
		t->eof = true;
		notify(t, TS_EV_EOF | TS_EV_READ);
	}
	if (what & BEV_EVENT_ERROR)
		on_error(t);
}

/* No read watermark on the filter: libevent 2.1 runs the read callback
 * again and again while the input stays above one, and the owner may
 * not read at once (rate limits, the client's loop): reading is turned
 * off here instead, and on again by tls_stream_recv. */
static void read_cb(struct bufferevent *bev, void *arg)
{
	struct tls_stream *t = arg;

	if (!t->rx_paused &&
	    evbuffer_get_length(bufferevent_get_input(bev)) >= TLS_STREAM_IN_HIGH) {
		t->rx_paused = true;
		bufferevent_disable(bev, EV_READ);
	}
	notify(t, fin_now_dirty(t) ? TS_EV_READ | TS_EV_ERROR : TS_EV_READ);
}

static void write_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	notify(arg, TS_EV_WRITE);
}

struct tls_stream *tls_stream_new(struct ts_ev *ev, int sock, SSL *ssl,
				  bool server)
{
	struct tls_stream *t = calloc(1, sizeof(*t));
	struct bufferevent *plain = t ? ts_bufferevent_new(ev, sock,
						BEV_OPT_CLOSE_ON_FREE) : NULL;

	if (!plain) {
		ts_abort(ts_ev_stack(ev), sock);
		ts_ev_kick(ev);
		SSL_free(ssl);
		free(t);
		return NULL;
	}
	t->bev = tls_filter_new(plain, ssl, server, true);
	if (!t->bev) {
		SSL_free(ssl);
		bufferevent_free(plain);
		free(t);
		return NULL;
	}
	t->ev = ev;
	t->sock = sock;
	t->ssl = ssl;
	bufferevent_setcb(t->bev, read_cb, write_cb, event_cb, t);
	bufferevent_setwatermark(t->bev, EV_WRITE, TLS_STREAM_OUT_HIGH / 2, 0);
	bufferevent_enable(t->bev, EV_READ | EV_WRITE);
	return t;
}

void tls_stream_set_cb(struct tls_stream *t, tls_stream_cb cb, void *arg)
{
	t->cb = cb;
	t->arg = arg;
}

int tls_stream_state(const struct tls_stream *t)
{
	return t->state;
}

const char *tls_stream_error(const struct tls_stream *t)
{
	return t->why;
}

SSL *tls_stream_ssl(const struct tls_stream *t)
{
	return t->ssl;
}

size_t tls_stream_readable(const struct tls_stream *t)
{
	return evbuffer_get_length(bufferevent_get_input(t->bev));
}

ssize_t tls_stream_send(struct tls_stream *t, const void *buf, size_t len)
{
	size_t queued = evbuffer_get_length(bufferevent_get_output(t->bev));
	size_t n = len;

	if (t->state < 0)
		return t->state;
	if (t->state == 0 || queued >= TLS_STREAM_OUT_HIGH)
		return -EAGAIN;
	if (n > TLS_STREAM_OUT_HIGH - queued)
		n = TLS_STREAM_OUT_HIGH - queued;
	if (bufferevent_write(t->bev, buf, n) != 0)
		return -ENOMEM;
	ts_ev_kick(t->ev);
	return (ssize_t)n;
}

ssize_t tls_stream_recv(struct tls_stream *t, void *buf, size_t len)
{
	struct evbuffer *in = bufferevent_get_input(t->bev);
	int n = evbuffer_remove(in, buf, len);

	if (t->rx_paused && evbuffer_get_length(in) < TLS_STREAM_IN_HIGH / 2) {
		t->rx_paused = false;
		bufferevent_enable(t->bev, EV_READ);
	}
	if (n > 0) {
		ts_ev_kick(t->ev);
		return n;
	}
	if (t->state < 0)
		return t->state;
	if (got_close_notify(t))
		return 0;
	return fin_now_dirty(t) ? t->state : -EAGAIN;
}

/* ---- closing ------------------------------------------------------------------ */

static void stream_free(struct tls_stream *t)
{
	struct ts_ev *ev = t->ev;

	if (t->pprev) {
		*t->pprev = t->next;
		if (t->next)
			t->next->pprev = t->pprev;
	}
	if (t->timer)
		event_free(t->timer);
	/* Frees the filter, the SSL and the ts_bufferevent, which closes
	 * the socket. */
	bufferevent_free(t->bev);
	ts_ev_kick(ev);
	free(t);
}

/* Our FIN is queued in the stack: everything before it went out. */
static bool fin_queued(const struct tls_stream *t)
{
	struct ts_sockinfo si;

	if (ts_getinfo(ts_ev_stack(t->ev), t->sock, &si) != 0)
		return true;
	return si.state != TS_ESTABLISHED && si.state != TS_CLOSE_WAIT &&
	       si.state != TS_SYN_RECEIVED;
}

/* One step of an orderly close: everything written goes through
 * SSL_write, then close_notify, then FIN; done when the stack holds it
 * all and the peer answered (or did not, in time). */
static bool linger_step(struct tls_stream *t)
{
	struct evbuffer *out = bufferevent_get_output(t->bev);

	if (t->dropping || t->state < 0)
		return true;
	if (!t->notify_sent && evbuffer_get_length(out) == 0) {
		int r = SSL_shutdown(t->ssl);

		if (r >= 0 || SSL_get_error(t->ssl, r) != SSL_ERROR_WANT_WRITE)
			t->notify_sent = true;
		ERR_clear_error();
	}
	if (t->notify_sent && !t->shut) {
		ts_bufferevent_shutdown_write(t->bev);
		t->shut = true;
	}
	if (t->shut && fin_queued(t) &&
	    (t->eof || ++t->fin_polls * TLS_LINGER_POLL_MS >= TLS_LINGER_PEER_MS))
		return true;
	return ++t->polls * TLS_LINGER_POLL_MS >= TLS_LINGER_MAX_MS;
}

static void linger_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tls_stream *t = arg;
	struct timeval tv = { 0, TLS_LINGER_POLL_MS * 1000 };

	(void)fd;
	(void)what;
	if (linger_step(t))
		stream_free(t);
	else
		evtimer_add(t->timer, &tv);
}

/* While closing, whatever the peer still sends is read and dropped, so
 * the close never turns into a reset. */
static void closing_cb(struct tls_stream *t, unsigned events, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(t->bev);

	(void)events;
	(void)arg;
	evbuffer_drain(in, evbuffer_get_length(in));
}

void tls_stream_close(struct tls_stream *t, bool abort,
		      struct tls_stream **closing)
{
	struct timeval tv = { 0, 0 };

	t->cb = NULL;
	t->dropping = abort || t->state != 1;
	if (closing && !t->timer)
		t->timer = evtimer_new(bufferevent_get_base(t->bev), linger_cb,
				       t);
	if (!closing || !t->timer) {
		stream_free(t);
		return;
	}
	/* Freed from the loop, never here: the owner may be inside one of
	 * this stream's own callbacks. */
	if (t->dropping) {
		bufferevent_disable(t->bev, EV_READ | EV_WRITE);
	} else {
		tls_stream_set_cb(t, closing_cb, NULL);
		closing_cb(t, 0, NULL);
	}
	t->next = *closing;
	if (t->next)
		t->next->pprev = &t->next;
	t->pprev = closing;
	*closing = t;
	evtimer_add(t->timer, &tv);
}

void tls_stream_reap(struct tls_stream **closing)
{
	unsigned n = 0;

	/* Bounded: each free unlinks one. */
	while (*closing && n++ < TS_MAX_SOCKETS)
		stream_free(*closing);
}
