/*
 * dataio_tls.c - a data connection under PROT P: a TLS server stream
 * (common/tls_stream.h) behind the data stream interface (dataio.h).
 *
 * The transfer gets the stream at once and sends its 150 (clients start
 * TLS on the data connection only after it); reading and writing wait
 * for the handshake, and when it is done the stream is checked: the TLS
 * session must be resumed from the control connection
 * (require_ssl_reuse), and ALPN must be there when ssl_alpn = required.
 * A failed check ends the transfer with 522.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "dataio.h"
#include "server.h"
#include "session.h"
#include "tls.h"
#include "tls_rules.h"
#include "tls_server.h"
#include "tls_stream.h"

struct tlsio {
	struct ftpd_dataio d;        /* first: a struct ftpd_dataio * is ours */
	struct ftpd_session *s;
	struct tls_stream *ts;
	int state;                   /* 0 handshake, 1 ready, -errno       */
	unsigned code;               /* the reply for a failure, 0: 426    */
	char why[TLS_ERR_TEXT_MAX + 64];
};

static void failed(struct tlsio *io, int err, unsigned code, const char *why)
{
	if (io->state < 0)
		return;
	io->state = err;
	io->code = code;
	snprintf(io->why, sizeof(io->why), "%s", why);
}

/* The handshake is done: is this the client of the control connection? */
static void check(struct tlsio *io)
{
	const struct ftpd_config *c = ftpd_session_cfg(io->s);
	SSL *ssl = tls_stream_ssl(io->ts);
	const unsigned char *alpn = NULL;
	unsigned alpn_len = 0;
	void *tag = NULL;
	size_t tag_len = 0;
	const char *text = NULL;
	char d[FTPD_TLS_DESC_MAX];

	SSL_SESSION_get0_ticket_appdata(SSL_get_session(ssl), &tag, &tag_len);
	if (ftpd_reuse_check(c->require_ssl_reuse, SSL_session_reused(ssl),
			     tag, tag_len, io->s->tls->tag,
			     sizeof(io->s->tls->tag), &text) != 0) {
		ftpd_slog(io->s, LOG_LVL_WARNING, "data connection refused: "
			  "its TLS session is %s (require_ssl_reuse = yes)",
			  SSL_session_reused(ssl) ? "not one of this control "
			  "connection's" : "new, not resumed from the control "
			  "connection");
		failed(io, -EKEYREJECTED, 522, text);
		return;
	}
	SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
	/* SECURITY: ssl_alpn = required holds for data connections too. */
	if (alpn_len == 0 && c->ssl_alpn == FTPD_ALPN_REQUIRED) {
		failed(io, -EKEYREJECTED, 522, "SSL connection failed: ALPN "
		       "\"ftp\" required");
		return;
	}
	io->state = 1;
	ftpd_slog(io->s, LOG_LVL_DEBUG, "TLS on the data connection: %s%s",
		  tls_describe(ssl, d, sizeof(d)),
		  SSL_session_reused(ssl) ? ", session resumed" : "");
}

static void stream_cb(struct tls_stream *ts, unsigned events, void *arg)
{
	struct tlsio *io = arg;
	char why[sizeof(io->why)];

	if ((events & TS_EV_CONNECTED) && io->state == 0)
		check(io);
	if ((events & TS_EV_ERROR) && io->state >= 0) {
		int st = tls_stream_state(ts);

		if (st == -ECONNABORTED || io->state == 1) {
			failed(io, st, 426, tls_stream_error(ts));
		} else {
			snprintf(why, sizeof(why), "SSL connection failed: %s",
				 tls_stream_error(ts));
			failed(io, st, 522, why);
		}
		ftpd_slog(io->s, LOG_LVL_INFO, "data connection: %s",
			  tls_stream_error(ts));
	}
	if (io->d.cb)
		io->d.cb(&io->d, events | (io->state < 0 ? TS_EV_ERROR : 0),
			 io->d.arg);
}

static ssize_t tlsio_send(struct ftpd_dataio *d, const void *buf, size_t len)
{
	struct tlsio *io = (struct tlsio *)d;

	if (io->state != 1)
		return io->state < 0 ? io->state : -EAGAIN;
	return tls_stream_send(io->ts, buf, len);
}

static ssize_t tlsio_recv(struct ftpd_dataio *d, void *buf, size_t len)
{
	struct tlsio *io = (struct tlsio *)d;

	if (io->state != 1)
		return io->state < 0 ? io->state : -EAGAIN;
	return tls_stream_recv(io->ts, buf, len);
}

static void tlsio_close(struct ftpd_dataio *d, bool abort)
{
	struct tlsio *io = (struct tlsio *)d;

	tls_stream_close(io->ts, abort || io->state != 1,
			 &io->s->tls->closing);
	free(io);
}

static int tlsio_ready(struct ftpd_dataio *d)
{
	return ((struct tlsio *)d)->state;
}

static const char *tlsio_why(struct ftpd_dataio *d, unsigned *code)
{
	struct tlsio *io = (struct tlsio *)d;

	if (io->state >= 0 || !io->why[0])
		return NULL;
	if (io->code)
		*code = io->code;
	return io->why;
}

static const struct ftpd_dataio_ops tls_ops = {
	tlsio_send, tlsio_recv, tlsio_close, tlsio_ready, tlsio_why,
};

struct ftpd_dataio *ftpd_dataio_tls(struct ftpd_session *s, int sock)
{
	struct tlsio *io = calloc(1, sizeof(*io));
	SSL *ssl = io ? ftpd_tls_ssl_new(s, true) : NULL;

	if (!ssl) {
		free(io);
		ts_abort(ts_ev_stack(s->srv->ev), sock);
		ts_ev_kick(s->srv->ev);
		return NULL;
	}
	io->d.ops = &tls_ops;
	io->s = s;
	io->ts = tls_stream_new(s->srv->ev, sock, ssl, true);
	if (!io->ts) {
		free(io);
		return NULL;
	}
	tls_stream_set_cb(io->ts, stream_cb, io);
	return &io->d;
}
