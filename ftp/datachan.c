/*
 * datachan.c - passive and active data connections (see datachan.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "datachan.h"
#include "ftp_addr.h"
#include "tls_client.h"
#include "tls_stream.h"

static void data_cb(struct ts_stack *st, int sock, unsigned events, void *arg)
{
	struct ftpc_data *d = arg;

	(void)st;
	(void)sock;
	d->events |= events;
}

static void listen_cb(struct ts_stack *st, int sock, unsigned events,
		      void *arg)
{
	struct ftpc_data *d = arg;

	(void)st;
	(void)sock;
	d->lev |= events;
}

static bool data_settled(struct ftpc_session *s, void *arg)
{
	struct ftpc_data *d = arg;

	(void)s;
	return (d->events & (TS_EV_CONNECTED | TS_EV_ERROR)) != 0;
}

static int data_connect(struct ftpc_session *s, struct ftpc_data *d,
			uint32_t ip, uint16_t port)
{
	struct ts_stack *st = net_stack(s->net);
	struct ts_addr ra = { ip, port };
	char a[16];
	int rc;

	d->sock = ts_socket(st);
	if (d->sock < 0)
		return d->sock;
	ts_set_callback(st, d->sock, data_cb, d);
	d->peer = ra;
	rc = ts_connect(st, d->sock, &ra);
	ts_ev_kick(net_ev(s->net));
	if (rc != -EINPROGRESS && rc != 0)
		goto fail;
	rc = ftpc_wait(s, data_settled, d, FTPC_CONNECT_TIMEOUT_MS, true);
	if (rc == 0 && !(d->events & TS_EV_CONNECTED))
		rc = ts_sock_error(st, d->sock) ? ts_sock_error(st, d->sock)
						: -ECONNREFUSED;
	if (rc == 0)
		return 0;
fail:
	ftpc_err(s, "cannot open the data connection to %s:%u: %s",
		 ftp_ipv4_format(ip, a), port,
		 rc == -EINTR ? "interrupted" : ts_strerror(rc));
	return rc;
}

/* EPSV: 0 and *port; 1 when the server refuses it (use PASV). */
static int try_epsv(struct ftpc_session *s, uint16_t *port)
{
	int rc;

	if (!s->epsv || s->epsv_failed)
		return 1;
	rc = ftpc_command(s, "EPSV");
	if (rc < 0)
		return rc;
	if (rc == 229 && ftp_epsv_parse(s->reply.msg, strlen(s->reply.msg),
					port) == FTP_ADDR_OK)
		return 0;
	if (rc == 229)
		ftpc_err(s, "malformed EPSV reply from %s; trying PASV",
			 s->host);
	if (FTP_REPLY_PERMANENT(rc) || rc == 229) {
		s->epsv_failed = true;
		return 1;
	}
	return -EPROTO;
}

static int passive_open(struct ftpc_session *s, struct ftpc_data *d)
{
	struct ftp_hostport hp;
	uint16_t port;
	char a[16], b[16];
	int rc = try_epsv(s, &port);

	if (rc == 0)
		return data_connect(s, d, s->peer.ip, port);
	if (rc < 0)
		return rc;
	rc = ftpc_command(s, "PASV");
	if (rc != 227)
		return rc < 0 ? rc : -EPROTO;
	if (ftp_pasv_parse(s->reply.msg, strlen(s->reply.msg), &hp) !=
	    FTP_ADDR_OK) {
		ftpc_err(s, "malformed PASV reply from %s (no h1,h2,h3,h4,"
			 "p1,p2); try `passive off`", s->host);
		return -EPROTO;
	}
	/* SECURITY: CVE-2020-8284 class: never connect where a PASV reply
	 * points; the control connection's peer is the server. */
	if (hp.ip != s->peer.ip && !s->pasv_trust) {
		ftpc_err(s, "ignoring address %s in the PASV reply; connecting "
			 "to the server %s instead (--trust-pasv to obey it)",
			 ftp_ipv4_format(hp.ip, a),
			 ftp_ipv4_format(s->peer.ip, b));
		hp.ip = s->peer.ip;
	}
	return data_connect(s, d, hp.ip, hp.port);
}

static int listen_here(struct ftpc_session *s, struct ftpc_data *d,
		       uint16_t *port)
{
	struct ts_stack *st = net_stack(s->net);
	struct ts_sockinfo si;
	struct ts_addr la = { 0, 0 };
	int rc;

	if (!s->sendport && ts_getinfo(st, s->csock, &si) == 0)
		la.port = si.local.port; /* RFC 959's default data port */
	d->listener = ts_socket(st);
	if (d->listener < 0)
		return d->listener;
	ts_set_callback(st, d->listener, listen_cb, d);
	if (la.port)
		ts_setopt(st, d->listener, TS_OPT_REUSEADDR, 1);
	rc = ts_bind(st, d->listener, &la);
	if (rc == 0)
		rc = ts_listen(st, d->listener, FTPC_LISTEN_BACKLOG);
	if (rc == 0)
		rc = ts_getinfo(st, d->listener, &si);
	if (rc != 0) {
		ftpc_err(s, "cannot listen for the data connection: %s%s",
			 ts_strerror(rc), la.port ? "; try `sendport on`" : "");
		return rc;
	}
	*port = si.local.port;
	return 0;
}

static int active_open(struct ftpc_session *s, struct ftpc_data *d)
{
	struct ftp_hostport hp;
	char arg[FTP_EPRT_STR_MAX];
	int rc;

	hp.ip = net_addr(s->net);
	rc = listen_here(s, d, &hp.port);
	if (rc != 0 || !s->sendport)
		return rc;
	if (s->epsv && !s->eprt_failed) {
		ftp_eprt_format(&hp, arg, sizeof(arg));
		rc = ftpc_command(s, "EPRT %s", arg);
		if (rc > 0 && FTP_REPLY_DONE(rc))
			return 0;
		if (rc < 0 || !FTP_REPLY_PERMANENT(rc))
			return rc < 0 ? rc : -EPROTO;
		s->eprt_failed = true;
	}
	ftp_port_format(&hp, arg, sizeof(arg));
	rc = ftpc_command(s, "PORT %s", arg);
	return rc > 0 && FTP_REPLY_DONE(rc) ? 0 : rc < 0 ? rc : -EPROTO;
}

int ftpc_data_prepare(struct ftpc_session *s, struct ftpc_data *d)
{
	int rc;

	memset(d, 0, sizeof(*d));
	d->sock = d->listener = -1;
	rc = s->passive ? passive_open(s, d) : active_open(s, d);
	if (rc != 0)
		ftpc_data_close(s, d, true);
	return rc;
}

static bool accept_ready(struct ftpc_session *s, void *arg)
{
	struct ftpc_data *d = arg;

	return (d->lev & (TS_EV_ACCEPT | TS_EV_ERROR)) || !s->cbev ||
	       s->ctrl_err || ftpc_reply_ready(s);
}

/* Takes one pending connection; SECURITY: only from the server. */
static int take_conn(struct ftpc_session *s, struct ftpc_data *d,
		     unsigned *refused)
{
	struct ts_stack *st = net_stack(s->net);
	struct ts_addr peer;
	char a[16];
	int c;

	while ((c = ts_accept(st, d->listener, &peer)) >= 0) {
		if (peer.ip == s->peer.ip) {
			d->sock = c;
			d->peer = peer;
			ts_set_callback(st, c, data_cb, d);
			return 0;
		}
		ts_abort(st, c);
		(*refused)++;
		ftpc_err(s, "refused a data connection from %s: only the "
			 "server %s may connect", ftp_ipv4_format(peer.ip, a),
			 s->host);
	}
	d->lev &= ~TS_EV_ACCEPT;
	return c == -EAGAIN ? 1 : c;
}

int ftpc_data_accept(struct ftpc_session *s, struct ftpc_data *d)
{
	unsigned refused = 0;
	int rc = 1;

	if (d->sock >= 0)
		return ftpc_tls_data_start(s, d);
	while (rc == 1 && refused < FTPC_ACCEPT_REFUSED_MAX) {
		rc = take_conn(s, d, &refused);
		if (rc != 1)
			break;
		rc = ftpc_wait(s, accept_ready, d, s->idle_ms, true);
		if (rc == 0 && (d->lev & TS_EV_ACCEPT))
			rc = 1;
		else if (rc == 0)
			rc = -ECONNABORTED; /* a reply came instead */
	}
	if (rc != 0) {
		ftpc_err(s, "the server did not open the data connection: %s",
			 rc == -ETIMEDOUT ? "timed out; try `passive on`"
			 : rc == -ECONNABORTED ? "it replied instead"
					       : ts_strerror(rc));
		return rc == 1 ? -ECONNREFUSED : rc;
	}
	ts_close(net_stack(s->net), d->listener);
	d->listener = -1;
	ts_ev_kick(net_ev(s->net));
	return ftpc_tls_data_start(s, d);
}

void ftpc_data_close(struct ftpc_session *s, struct ftpc_data *d, bool abort)
{
	struct ts_stack *st = s->net ? net_stack(s->net) : NULL;

	if (!st)
		return;
	if (d->tls)
		ftpc_tls_data_close(s, d, abort);
	if (d->sock >= 0) {
		if (abort)
			ts_abort(st, d->sock);
		else
			ts_close(st, d->sock);
	}
	if (d->listener >= 0)
		ts_close(st, d->listener);
	d->sock = d->listener = -1;
	ts_ev_kick(net_ev(s->net));
}

ssize_t ftpc_data_recv(struct ftpc_session *s, struct ftpc_data *d,
		       void *buf, size_t len)
{
	if (d->tls)
		return tls_stream_recv(d->tls, buf, len);
	return ts_recv(net_stack(s->net), d->sock, buf, len);
}

ssize_t ftpc_data_send(struct ftpc_session *s, struct ftpc_data *d,
		       const void *buf, size_t len)
{
	if (d->tls)
		return tls_stream_send(d->tls, buf, len);
	return ts_send(net_stack(s->net), d->sock, buf, len, 0);
}

size_t ftpc_data_readable(struct ftpc_session *s, const struct ftpc_data *d)
{
	if (d->tls)
		return tls_stream_readable(d->tls);
	return ts_readable(net_stack(s->net), d->sock);
}

const char *ftpc_data_strerror(const struct ftpc_data *d, int err)
{
	if (d->tls && tls_stream_state(d->tls) < 0)
		return tls_stream_error(d->tls);
	return ts_strerror(err);
}
