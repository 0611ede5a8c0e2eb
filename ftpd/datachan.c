/*
 * datachan.c - passive and active data connections (see datachan.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "datachan.h"
#include "ftpd_config.h"
#include "ftpd_limits.h"
#include "rules.h"
#include "server.h"
#include "session.h"
#include "tls_server.h"

struct ftpd_datachan {
	struct ftpd_session *s;
	bool passive;
	int listener;               /* PASV: listening socket, or -1     */
	uint16_t port;              /* PASV: its port                    */
	int sock;                   /* the data socket until handed over */
	bool connected;
	struct ftp_hostport target; /* PORT/EPRT                         */
	ftpd_dc_ready_fn ready;     /* a transfer waits                  */
	struct event *timer;        /* accept or connect timeout         */
};

static struct ts_stack *stack_of(const struct ftpd_session *s)
{
	return ts_ev_stack(s->srv->ev);
}

void ftpd_dc_reset(struct ftpd_session *s)
{
	struct ftpd_datachan *d = s->dc;
	struct ts_stack *st = stack_of(s);

	if (!d)
		return;
	if (d->listener >= 0)
		ts_close(st, d->listener);
	if (d->sock >= 0) {
		ts_set_callback(st, d->sock, NULL, NULL);
		ts_abort(st, d->sock);
	}
	if (d->timer)
		event_free(d->timer);
	free(d);
	s->dc = NULL;
	ts_ev_kick(s->srv->ev);
}

bool ftpd_dc_ready(const struct ftpd_session *s)
{
	return s->dc != NULL;
}

static void timeout_cb(evutil_socket_t fd, short what, void *arg);

static struct ftpd_datachan *dc_new(struct ftpd_session *s)
{
	struct ftpd_datachan *d;

	ftpd_dc_reset(s);
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->timer = evtimer_new(s->srv->base, timeout_cb, d);
	if (!d->timer) {
		free(d);
		return NULL;
	}
	d->s = s;
	d->listener = d->sock = -1;
	s->dc = d;
	return d;
}

/* Hands the connected socket to the waiting transfer. */
static void deliver(struct ftpd_datachan *d)
{
	ftpd_dc_ready_fn ready = d->ready;
	struct ftpd_dataio *io;

	if (!ready || !d->connected)
		return;
	d->ready = NULL;
	evtimer_del(d->timer);
	io = ftpd_tls_dataio_open(d->s, d->sock);
	d->sock = -1;
	ready(d->s, io, io ? 0 : -ENOMEM);
}

static void fail(struct ftpd_datachan *d, int err)
{
	ftpd_dc_ready_fn ready = d->ready;

	d->ready = NULL;
	evtimer_del(d->timer);
	if (ready)
		ready(d->s, NULL, err);
}

static void timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	fail(arg, -ETIMEDOUT);
}

/* ---- passive ---------------------------------------------------------------------- */

/* SECURITY: only the control connection's peer may connect. */
static bool take_connection(struct ftpd_datachan *d, int sock,
			    const struct ts_addr *peer)
{
	struct ftpd_session *s = d->s;
	char a[16], b[16];

	if (peer->ip != s->peer_ip && !ftpd_session_cfg(s)->pasv_promiscuous) {
		ftpd_slog(s, LOG_LVL_WARNING, "refused a passive data "
			  "connection from %s:%u: the control connection is "
			  "from %s (pasv_promiscuous = no)",
			  ftp_ipv4_format(peer->ip, a), peer->port,
			  ftp_ipv4_format(s->peer_ip, b));
		ts_abort(stack_of(s), sock);
		return false;
	}
	if (d->sock >= 0) {
		ts_abort(stack_of(s), sock); /* one per PASV */
		return false;
	}
	d->sock = sock;
	d->connected = true;
	return true;
}

static void take_cb(void *arg, int sock, const struct ts_addr *peer)
{
	struct ftpd_datachan *d = arg;

	if (!take_connection(d, sock, peer))
		return;
	ts_close(stack_of(d->s), d->listener); /* one connection per PASV */
	d->listener = -1;
}

static void listen_cb(struct ts_stack *st, int sock, unsigned events,
		      void *arg)
{
	struct ftpd_datachan *d = arg;

	(void)st;
	(void)sock;
	if (!(events & TS_EV_ACCEPT))
		return;
	ftpd_accept_some(d->s->srv->ev, &d->listener, take_cb, d);
	deliver(d);
}

/* Listens on port; 0, or -errno (-EADDRINUSE: try another). */
static int listen_on(struct ftpd_datachan *d, uint16_t port)
{
	struct ts_stack *st = stack_of(d->s);
	struct ts_addr la = { 0, port };
	int sock = ts_socket(st), rc;

	if (sock < 0)
		return sock;
	/* Connections of earlier transfers on this port may be in
	 * TIME_WAIT; RFC 6191 decides whether a new SYN may reuse them. */
	ts_setopt(st, sock, TS_OPT_REUSEADDR, 1);
	rc = ts_bind(st, sock, &la);
	if (rc == 0)
		rc = ts_listen(st, sock, FTPD_PASV_BACKLOG);
	if (rc != 0) {
		ts_close(st, sock);
		return rc;
	}
	ts_set_callback(st, sock, listen_cb, d);
	d->listener = sock;
	d->port = port;
	return 0;
}

int ftpd_dc_passive(struct ftpd_session *s, uint16_t *port)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	uint16_t lo = (uint16_t)c->pasv_min_port, hi = (uint16_t)c->pasv_max_port;
	struct ftpd_datachan *d = dc_new(s);
	unsigned n, tries = ftpd_pasv_tries(lo, hi);
	uint32_t rnd = 0;
	int rc = -EADDRINUSE;

	if (!d)
		return -ENOMEM;
	d->passive = true;
	if (RAND_bytes((unsigned char *)&rnd, sizeof(rnd)) != 1)
		rnd = (uint32_t)s->ls.id * 2654435761u;
	for (n = 0; n < tries && rc == -EADDRINUSE; n++)
		rc = listen_on(d, ftpd_pasv_port(lo, hi, rnd, n));
	ts_ev_kick(s->srv->ev);
	if (rc != 0) {
		ftpd_dc_reset(s);
		return rc;
	}
	*port = d->port;
	return 0;
}

/* ---- active ------------------------------------------------------------------------- */

int ftpd_dc_active(struct ftpd_session *s, const struct ftp_hostport *hp)
{
	struct ftpd_datachan *d = dc_new(s);

	if (!d)
		return -ENOMEM;
	d->target = *hp;
	return 0;
}

static void connect_cb(struct ts_stack *st, int sock, unsigned events,
		       void *arg)
{
	struct ftpd_datachan *d = arg;

	(void)st;
	(void)sock;
	if (events & TS_EV_ERROR) {
		int err = ts_sock_error(st, d->sock);

		fail(d, err ? err : -ECONNREFUSED);
		return;
	}
	if (events & TS_EV_CONNECTED) {
		d->connected = true;
		deliver(d);
	}
}

/* Binds the data socket to port 20 when configured; another session's
 * connection from port 20 to the same client port makes that fail,
 * and an ephemeral port is used then. */
static int bind_source(struct ftpd_datachan *d, int sock)
{
	struct ts_stack *st = stack_of(d->s);
	struct ts_addr la = { 0, FTPD_DATA_PORT };
	int rc;

	if (!ftpd_session_cfg(d->s)->connect_from_port_20)
		return 0;
	ts_setopt(st, sock, TS_OPT_REUSEADDR, 1);
	rc = ts_bind(st, sock, &la);
	if (rc == -EADDRINUSE) {
		ftpd_slog(d->s, LOG_LVL_DEBUG, "port %u busy: active data "
			  "connection from an ephemeral port", FTPD_DATA_PORT);
		la.port = 0;
		rc = ts_bind(st, sock, &la);
	}
	return rc;
}

static int connect_active(struct ftpd_datachan *d)
{
	const struct ftpd_config *c = ftpd_session_cfg(d->s);
	struct ts_stack *st = stack_of(d->s);
	struct ts_addr ra = { d->target.ip, d->target.port };
	struct timeval tv = { (time_t)(c->connect_timeout_ms / 1000),
			      (suseconds_t)(c->connect_timeout_ms % 1000) * 1000 };
	int rc;

	d->sock = ts_socket(st);
	if (d->sock < 0)
		return d->sock;
	rc = bind_source(d, d->sock);
	if (rc == 0) {
		ts_set_callback(st, d->sock, connect_cb, d);
		rc = ts_connect(st, d->sock, &ra);
	}
	ts_ev_kick(d->s->srv->ev);
	if (rc != 0 && rc != -EINPROGRESS)
		return rc;
	evtimer_add(d->timer, &tv);
	return 0;
}

int ftpd_dc_open(struct ftpd_session *s, struct ftpd_dataio **io,
		 ftpd_dc_ready_fn ready)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	struct ftpd_datachan *d = s->dc;
	struct timeval tv = { (time_t)(c->accept_timeout_ms / 1000),
			      (suseconds_t)(c->accept_timeout_ms % 1000) * 1000 };
	int rc;

	if (!d)
		return -ENOTCONN;
	if (d->passive && d->connected) {
		*io = ftpd_tls_dataio_open(s, d->sock);
		d->sock = -1;
		return *io ? 1 : -ENOMEM;
	}
	d->ready = ready;
	if (d->passive) {
		evtimer_add(d->timer, &tv);
		return 0;
	}
	rc = connect_active(d);
	if (rc != 0)
		d->ready = NULL;
	return rc;
}

const char *ftpd_dc_describe(const struct ftpd_session *s, char *buf,
			     size_t cap)
{
	const struct ftpd_datachan *d = s->dc;
	char a[16];

	if (!d)
		snprintf(buf, cap, "none");
	else if (d->passive)
		snprintf(buf, cap, "passive, port %u%s", d->port,
			 d->connected ? ", connected" : "");
	else
		snprintf(buf, cap, "active, to %s:%u",
			 ftp_ipv4_format(d->target.ip, a), d->target.port);
	return buf;
}
