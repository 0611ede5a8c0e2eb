/*
 * tls_client.c - FTPS in the client (see tls_client.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>

#include "common_limits.h"
#include "tls.h"
#include "tls_client.h"
#include "tls_stream.h"

struct ftpc_tls {
	SSL_CTX *ctx;            /* made on first use                    */
	SSL *ctrl;               /* the control connection's; owned by   */
	                         /* its filter (s->cbev); NULL: clear    */
	SSL_SESSION *sess;       /* the newest resumable session         */
	bool hs_done, hs_failed, prot_p;
	char why[TLS_ERR_TEXT_MAX];
	bufferevent_event_cb event_cb; /* control.c's                     */
	struct tls_stream *closing;    /* data connections closing        */
};

/* SSL ex_data slot holding the session an SSL belongs to. */
static int sess_idx = -1;

int ftpc_tls_option(struct ftpc_opts *o, const char *word, char *err,
		    size_t errlen)
{
	if (strcmp(word, "tls") == 0 || strcmp(word, "ssl") == 0)
		o->tls = true;
	else if (strcmp(word, "notls") == 0)
		o->tls = false;
	else if (strcmp(word, "noverify") == 0)
		o->tls_noverify = true;
	else if (strncmp(word, "cafile=", 7) == 0 && word[7])
		o->tls_cafile = word + 7;
	else {
		snprintf(err, errlen, "bad -z '%s': give tls, notls, noverify "
			 "or cafile=FILE", word);
		return -1;
	}
	return 0;
}

bool ftpc_tls_on(const struct ftpc_session *s)
{
	return s->tls && s->tls->ctrl;
}

/* The server gave a session (a TLS 1.3 ticket, or a TLS 1.2 session):
 * data connections offer the newest. */
static int new_session_cb(SSL *ssl, SSL_SESSION *sess)
{
	struct ftpc_session *s = SSL_get_ex_data(ssl, sess_idx);

	if (!s || !s->tls)
		return 0;
	if (s->tls->sess)
		SSL_SESSION_free(s->tls->sess);
	s->tls->sess = sess;
	return 1; /* the reference is ours */
}

static int tls_ready(struct ftpc_session *s)
{
	struct tls_client_opts o = { s->o.tls_cafile, !s->o.tls_noverify,
				     TLS_MIN_1_2 };
	char err[512];

	if (!s->tls && !(s->tls = calloc(1, sizeof(*s->tls)))) {
		ftpc_err(s, "TLS: out of memory");
		return -1;
	}
	if (sess_idx < 0)
		sess_idx = SSL_get_ex_new_index(0, "ftp session", NULL, NULL,
						NULL);
	if (!s->tls->ctx) {
		s->tls->ctx = tls_client_ctx_new(&o, err, sizeof(err));
		if (!s->tls->ctx) {
			ftpc_err(s, "TLS: %s", err);
			return -1;
		}
		SSL_CTX_sess_set_new_cb(s->tls->ctx, new_session_cb);
	}
	return sess_idx < 0 ? -1 : 0;
}

/* A new SSL for the host, linked to the session. */
static SSL *ssl_for(struct ftpc_session *s)
{
	char err[512];
	SSL *ssl = tls_client_ssl_new(s->tls->ctx, s->host, err, sizeof(err));

	if (!ssl) {
		ftpc_err(s, "TLS: %s", err);
		return NULL;
	}
	SSL_set_ex_data(ssl, sess_idx, s);
	return ssl;
}

/* Why a handshake failed: the certificate check, or what OpenSSL said. */
static void say_failure(struct ftpc_session *s, SSL *ssl, const char *what,
			const char *detail)
{
	const char *v = tls_verify_failure(ssl);
	long r = SSL_get_verify_result(ssl);
	char names[256];

	if (v && (r == X509_V_ERR_HOSTNAME_MISMATCH ||
		  r == X509_V_ERR_IP_ADDRESS_MISMATCH))
		ftpc_err(s, "TLS: certificate verify failed for %s: %s: the "
			 "certificate is for %s, not %s; connect by one of "
			 "those names, or use -z noverify", s->host, v,
			 tls_peer_names(ssl, names, sizeof(names)), s->host);
	else if (v)
		ftpc_err(s, "TLS: certificate verify failed for %s: %s; use "
			 "-z cafile=FILE or -z noverify", s->host, v);
	else
		ftpc_err(s, "TLS: handshake with %s failed%s: %s", s->host,
			 what, detail);
}

/* ---- the control connection ----------------------------------------------- */

static void ctrl_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct ftpc_session *s = arg;
	struct ftpc_tls *t = s->tls;

	if (what & BEV_EVENT_CONNECTED) {
		t->hs_done = true;
		return;
	}
	if ((what & BEV_EVENT_ERROR) && !t->hs_done && !t->hs_failed) {
		t->hs_failed = true;
		tls_filter_error(bev, t->why, sizeof(t->why));
	}
	t->event_cb(bev, what, s);
}

static bool hs_settled(struct ftpc_session *s, void *arg)
{
	(void)arg;
	return !s->tls->ctrl || s->tls->hs_done || s->tls->hs_failed ||
	       s->ctrl_err || s->ctrl_eof;
}

/* Stacks the filter and waits for the handshake. 0 or -1 (message). */
static int handshake(struct ftpc_session *s)
{
	struct ftpc_tls *t = s->tls;
	bufferevent_data_cb rd, wr;
	struct bufferevent *f;
	SSL *ssl = ssl_for(s);
	void *arg;
	int rc;

	if (!ssl)
		return -1;
	bufferevent_getcb(s->cbev, &rd, &wr, &t->event_cb, &arg);
	f = tls_filter_new(s->cbev, ssl, false, true);
	if (!f) {
		SSL_free(ssl);
		ftpc_err(s, "TLS: out of memory");
		return -1;
	}
	t->ctrl = ssl;
	t->hs_done = t->hs_failed = false;
	t->why[0] = '\0';
	s->cbev = f;
	/* A FIN without close_notify ends the session as a FIN does. */
	bufferevent_openssl_set_allow_dirty_shutdown(f, 1);
	bufferevent_setcb(f, rd, wr, ctrl_event_cb, s);
	bufferevent_enable(f, EV_READ | EV_WRITE);
	rc = ftpc_wait(s, hs_settled, NULL, FTPC_CONNECT_TIMEOUT_MS, true);
	if (rc == 0 && t->hs_done)
		return 0;
	say_failure(s, ssl, "", rc == -ETIMEDOUT ? "no answer in time" :
		    rc == -EINTR ? "interrupted" :
		    t->why[0] ? t->why : "the server closed the connection");
	return -1;
}

/* The newly protected session: what it is, and what was checked. */
static void say_protected(struct ftpc_session *s)
{
	char d[128];

	if (s->o.tls_noverify)
		ftpc_err(s, "TLS: the certificate of %s is NOT checked "
			 "(-z noverify)", s->host);
	if (s->verbose)
		ftpc_out(s, "TLS: %s%s", tls_describe(s->tls->ctrl, d, sizeof(d)),
			 s->o.tls_noverify ? "" :
			 ", certificate verified for the host");
}

int ftpc_tls_auth(struct ftpc_session *s)
{
	int rc;

	if (tls_ready(s) != 0)
		goto fail;
	rc = ftpc_command(s, "AUTH TLS");
	if (rc != 234) {
		if (rc > 0)
			ftpc_err(s, "TLS: %s does not offer TLS (AUTH TLS "
				 "answered %d); connect without -z tls to go on "
				 "in clear text", s->host, rc);
		goto fail;
	}
	if (handshake(s) != 0)
		goto fail;
	say_protected(s);
	if (ftpc_command(s, "PBSZ 0") != 200 || ftpc_command(s, "PROT P") !=
	    200) {
		ftpc_err(s, "TLS: %s refused PBSZ 0 / PROT P; data connections "
			 "would not be protected", s->host);
		goto fail;
	}
	s->tls->prot_p = true;
	return 0;
fail:
	/* SECURITY: TLS was asked for: nothing goes on in clear text. */
	if (s->cbev)
		ftpc_disconnect(s, NULL);
	return -1;
}

bool ftpc_tls_shutdown(struct ftpc_session *s)
{
	if (!ftpc_tls_on(s) || !s->cbev)
		return false;
	if (!(SSL_get_shutdown(s->tls->ctrl) & SSL_SENT_SHUTDOWN))
		SSL_shutdown(s->tls->ctrl);
	ERR_clear_error();
	ts_bufferevent_shutdown_write(s->cbev);
	ts_ev_kick(net_ev(s->net));
	return true;
}

void ftpc_tls_disconnected(struct ftpc_session *s)
{
	if (!s->tls)
		return;
	s->tls->ctrl = NULL;
	s->tls->prot_p = false;
	if (s->tls->sess) {
		SSL_SESSION_free(s->tls->sess);
		s->tls->sess = NULL;
	}
	tls_stream_reap(&s->tls->closing);
}

void ftpc_tls_free(struct ftpc_session *s)
{
	if (!s->tls)
		return;
	ftpc_tls_disconnected(s);
	SSL_CTX_free(s->tls->ctx);
	free(s->tls);
	s->tls = NULL;
}

/* ---- data connections ---------------------------------------------------------- */

static void data_cb(struct tls_stream *ts, unsigned events, void *arg)
{
	struct ftpc_data *d = arg;

	(void)ts;
	d->events |= events;
}

static bool data_settled(struct ftpc_session *s, void *arg)
{
	struct ftpc_data *d = arg;

	return tls_stream_state(d->tls) != 0 || !s->cbev || s->ctrl_err ||
	       ftpc_reply_ready(s);
}

int ftpc_tls_data_start(struct ftpc_session *s, struct ftpc_data *d)
{
	SSL *ssl;
	int rc;

	if (!s->tls || !s->tls->prot_p || d->sock < 0 || d->tls)
		return 0;
	ssl = ssl_for(s);
	if (!ssl)
		return -ENOMEM;
	/* Offered so that servers requiring reuse accept the connection;
	 * a copy each time: OpenSSL marks a TLS 1.3 session used once as
	 * spent, and the server may give no new ticket on data connections. */
	if (s->tls->sess) {
		SSL_SESSION *dup = SSL_SESSION_dup(s->tls->sess);

		if (dup) {
			SSL_set_session(ssl, dup);
			SSL_SESSION_free(dup);
		}
	}
	d->tls = tls_stream_new(net_ev(s->net), d->sock, ssl, false);
	if (!d->tls) {
		d->sock = -1;
		ftpc_err(s, "TLS: out of memory for the data connection");
		return -ENOMEM;
	}
	tls_stream_set_cb(d->tls, data_cb, d);
	rc = ftpc_wait(s, data_settled, d, s->idle_ms, true);
	if (rc == 0 && tls_stream_state(d->tls) == 1) {
		if (s->debug)
			ftpc_out(s, "TLS on the data connection: session %s",
				 SSL_session_reused(ssl) ? "resumed" : "new");
		return 0;
	}
	if (rc == 0 && tls_stream_state(d->tls) == 0)
		ftpc_err(s, "TLS: the server answered instead of starting TLS "
			 "on the data connection");
	else
		say_failure(s, ssl, " on the data connection",
			    rc == -ETIMEDOUT ? "no answer in time" :
			    rc == -EINTR ? "interrupted" :
			    tls_stream_error(d->tls));
	return rc ? rc : -EPROTO;
}

void ftpc_tls_data_close(struct ftpc_session *s, struct ftpc_data *d,
			 bool abort)
{
	tls_stream_close(d->tls, abort, s->tls ? &s->tls->closing : NULL);
	d->tls = NULL;
	d->sock = -1;
}

/* ---- the command and status ------------------------------------------------------ */

int ftpc_cmd_ssl(struct ftpc_session *s, int argc, char **argv)
{
	bool want = argc < 2 || strcmp(argv[1], "on") == 0;

	if (argc > 1 && !want && strcmp(argv[1], "off") != 0) {
		ftpc_err(s, "usage: %s [on | off]", argv[0]);
		return -1;
	}
	s->o.tls = want;
	ftpc_out(s, "TLS (AUTH TLS, PBSZ 0, PROT P) %s for new connections.",
		 want ? "required" : "not required");
	if (!want || !s->cbev || ftpc_tls_on(s))
		return 0;
	/* Connected in clear text: secure this connection now (servers
	 * take AUTH before USER only). */
	return ftpc_tls_auth(s) == 0 ? 0 : -1;
}

void ftpc_tls_status(struct ftpc_session *s)
{
	char d[128];

	if (ftpc_tls_on(s))
		ftpc_out(s, "TLS: %s; data: %s; certificate: %s",
			 tls_describe(s->tls->ctrl, d, sizeof(d)),
			 s->tls->prot_p ? "protected (PROT P)" : "clear",
			 s->o.tls_noverify ? "not checked" : "verified");
	else
		ftpc_out(s, "TLS: off%s", s->o.tls ? " (required for new "
			 "connections)" : "");
}
