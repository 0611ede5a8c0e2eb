/*
 * tls_server.c - the daemon's TLS contexts and the control connection's
 * switch to TLS (see tls_server.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "dataio.h"
#include "privs.h"
#include "server.h"
#include "session.h"
#include "tls.h"
#include "tls_rules.h"
#include "tls_server.h"
#include "tls_stream.h"

/* SSL ex_data slot holding the session an SSL belongs to. */
static int sess_idx = -1;

struct ftpd_session *ftpd_tls_session_of(const SSL *ssl)
{
	return sess_idx < 0 ? NULL : SSL_get_ex_data(ssl, sess_idx);
}

/* ---- callbacks of the context: ALPN, SNI, session tags ------------------------- */

static int alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
		   const unsigned char *in, unsigned inlen, void *arg)
{
	struct ftpd_session *s = ftpd_tls_session_of(ssl);
	const uint8_t *sel;
	int mode = s ? ftpd_session_cfg(s)->ssl_alpn : FTPD_ALPN_YES;

	(void)arg;
	switch (ftpd_alpn_decide(mode, in, inlen, &sel)) {
	case FTPD_ALPN_SELECT:
		*out = sel;
		*outlen = TLS_ALPN_FTP_LEN;
		return SSL_TLSEXT_ERR_OK;
	case FTPD_ALPN_NOACK:
		return SSL_TLSEXT_ERR_NOACK;
	case FTPD_ALPN_REFUSE:
		break;
	}
	if (s)
		ftpd_slog(s, LOG_LVL_WARNING, "TLS refused: the client offers "
			  "ALPN without \"ftp\" (another protocol's client "
			  "sent here? ALPACA; ssl_alpn)");
	return SSL_TLSEXT_ERR_ALERT_FATAL;
}

static int sni_cb(SSL *ssl, int *al, void *arg)
{
	struct ftpd_session *s = ftpd_tls_session_of(ssl);
	const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	size_t len = name ? strlen(name) : 0;
	const struct ftpd_config *c;

	(void)arg;
	if (!s || !name)
		return SSL_TLSEXT_ERR_OK;
	c = ftpd_session_cfg(s);
	if (ftpd_sni_ok(c->ssl_sni_check, name, len,
			tls_cert_matches(SSL_get_SSL_CTX(ssl), name, len),
			ftpd_config_host_root(c, name, len) != NULL))
		return SSL_TLSEXT_ERR_OK;
	ftpd_slog(s, LOG_LVL_WARNING, "TLS refused: the client asks for "
		  "server name '%.*s', which is neither in the certificate nor "
		  "a host line (ALPACA; ssl_sni_check)", FTPD_TLS_SNI_LOG_MAX,
		  name);
	*al = SSL_AD_UNRECOGNIZED_NAME;
	return SSL_TLSEXT_ERR_ALERT_FATAL;
}

/* Every ticket the session's connections issue carries its tag. */
static int ticket_gen_cb(SSL *ssl, void *arg)
{
	struct ftpd_session *s = ftpd_tls_session_of(ssl);

	(void)arg;
	if (s && s->tls)
		SSL_SESSION_set1_ticket_appdata(SSL_get_session(ssl), s->tls->tag,
						sizeof(s->tls->tag));
	return 1;
}

/* ---- the context ------------------------------------------------------------------ */

int ftpd_tls_keep_dirs(struct ftpd_privs *p, const struct ftpd_config *c,
		       char *err, size_t errlen)
{
	int rc = 0;

	if (!c->ssl_enable)
		return 0;
	if (c->rsa_cert_file[0])
		rc = ftpd_privs_keep_dir(p, c->rsa_cert_file, err, errlen);
	if (rc == 0 && c->rsa_private_key_file[0])
		rc = ftpd_privs_keep_dir(p, c->rsa_private_key_file, err, errlen);
	return rc;
}

/* Reads the PEM files. SECURITY: a private key that others may read or
 * write is refused (also in a combined certificate file); a
 * certificate others may write is refused. */
static int read_pems(const struct ftpd_privs *p, const struct ftpd_config *c,
		     char **cert, size_t *clen, char **key, size_t *klen,
		     char *err, size_t errlen)
{
	bool combined = c->rsa_private_key_file[0] == '\0';
	mode_t key_refuse = S_IRWXO | S_IWGRP;
	int rc;

	rc = ftpd_privs_read(p, "rsa_cert_file", c->rsa_cert_file,
			     FTPD_TLS_PEM_MAX, combined ? key_refuse
							: S_IWGRP | S_IWOTH,
			     cert, clen, err, errlen);
	if (rc == 0 && !combined)
		rc = ftpd_privs_read(p, "rsa_private_key_file",
				     c->rsa_private_key_file, FTPD_TLS_PEM_MAX,
				     key_refuse, key, klen, err, errlen);
	if (rc == -EPERM)
		snprintf(err + strlen(err), errlen - strlen(err),
			 " (a private key must be readable by its owner only: "
			 "chmod 600)");
	return rc;
}

/* The context, or NULL with *rc (-errno) and err set. */
static SSL_CTX *build_ctx(const struct ftpd_privs *p,
			  const struct ftpd_config *c, int *rc, char *err,
			  size_t errlen)
{
	struct tls_server_opts o;
	char *cert = NULL, *key = NULL;
	size_t clen = 0, klen = 0;
	SSL_CTX *ctx = NULL;

	*rc = read_pems(p, c, &cert, &clen, &key, &klen, err, errlen);
	if (*rc == 0) {
		memset(&o, 0, sizeof(o));
		o.cert_name = c->rsa_cert_file;
		o.cert_pem = cert;
		o.cert_len = clen;
		o.key_name = c->rsa_private_key_file;
		o.key_pem = key;
		o.key_len = klen;
		o.min = c->ssl_min_version == FTPD_TLS_1_3 ? TLS_MIN_1_3
							   : TLS_MIN_1_2;
		o.ciphers = c->ssl_ciphers;
		o.session_ctx = "synfin-ftpd";
		o.session_timeout_s = FTPD_TLS_SESSION_TIMEOUT_S;
		ctx = tls_server_ctx_new(&o, err, errlen);
		*rc = ctx ? 0 : -EINVAL;
	}
	/* SECURITY: the key leaves memory once OpenSSL holds it. */
	if (key)
		OPENSSL_cleanse(key, klen);
	if (cert)
		OPENSSL_cleanse(cert, clen);
	free(key);
	free(cert);
	if (!ctx)
		return NULL;
	SSL_CTX_set_alpn_select_cb(ctx, alpn_cb, NULL);
	SSL_CTX_set_tlsext_servername_callback(ctx, sni_cb);
	SSL_CTX_set_session_ticket_cb(ctx, ticket_gen_cb, NULL, NULL);
	return ctx;
}

static bool same_params(const struct ftpd_tls_ctx *prev,
			const struct ftpd_config *c)
{
	return prev && strcmp(prev->cert_file, c->rsa_cert_file) == 0 &&
	       strcmp(prev->key_file, c->rsa_private_key_file) == 0 &&
	       strcmp(prev->ciphers, c->ssl_ciphers) == 0 &&
	       prev->min_version == c->ssl_min_version;
}

int ftpd_tls_ctx_new(const struct ftpd_privs *p, const struct ftpd_config *c,
		     const struct ftpd_tls_ctx *prev, struct ftpd_tls_ctx **out,
		     char *err, size_t errlen)
{
	struct ftpd_tls_ctx *t = calloc(1, sizeof(*t));
	int rc = -ENOMEM;

	*out = NULL;
	if (sess_idx < 0)
		sess_idx = SSL_get_ex_new_index(0, "ftpd session", NULL, NULL,
						NULL);
	if (!t || sess_idx < 0) {
		free(t);
		snprintf(err, errlen, "out of memory for the TLS context");
		return -ENOMEM;
	}
	t->cert_file = strdup(c->rsa_cert_file);
	t->key_file = strdup(c->rsa_private_key_file);
	t->ciphers = strdup(c->ssl_ciphers);
	t->min_version = c->ssl_min_version;
	if (t->cert_file && t->key_file && t->ciphers)
		t->ctx = build_ctx(p, c, &rc, err, errlen);
	/* A reload after the privilege drop may not read a key that only
	 * root can: the same settings keep the context already loaded. */
	if (!t->ctx && same_params(prev, c) && SSL_CTX_up_ref(prev->ctx) == 1)
		t->ctx = prev->ctx;
	if (!t->ctx) {
		ftpd_tls_ctx_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void ftpd_tls_ctx_free(struct ftpd_tls_ctx *t)
{
	if (!t)
		return;
	SSL_CTX_free(t->ctx);
	free(t->cert_file);
	free(t->key_file);
	free(t->ciphers);
	free(t);
}

/* ---- the control connection ---------------------------------------------------- */

SSL *ftpd_tls_ssl_new(struct ftpd_session *s, bool data)
{
	SSL *ssl = SSL_new(s->gen->tls->ctx);

	if (!ssl)
		return NULL;
	if (SSL_set_ex_data(ssl, sess_idx, s) != 1) {
		SSL_free(ssl);
		return NULL;
	}
	/* Data connections resume the control connection's session: they
	 * need no tickets of their own (which a client that only sends
	 * would never read). */
	if (data)
		SSL_set_num_tickets(ssl, 0);
	return ssl;
}

static void ctrl_connected(struct ftpd_session *s)
{
	struct ftpd_tls *t = s->tls;
	const unsigned char *alpn = NULL;
	unsigned alpn_len = 0;
	char d[FTPD_TLS_DESC_MAX];

	t->handshake_done = true;
	SSL_get0_alpn_selected(t->ctrl, &alpn, &alpn_len);
	/* SECURITY: ssl_alpn = required: no ALPN, no session. */
	if (alpn_len == 0 &&
	    ftpd_session_cfg(s)->ssl_alpn == FTPD_ALPN_REQUIRED) {
		ftpd_slog(s, LOG_LVL_WARNING, "TLS refused: the client offers "
			  "no ALPN and ssl_alpn = required");
		ftpd_session_close(s, 421, "ALPN \"ftp\" is required here.");
		return;
	}
	/* Sessions cached by id (no ticket) carry the tag too. */
	SSL_SESSION_set1_ticket_appdata(SSL_get_session(t->ctrl), t->tag,
					sizeof(t->tag));
	ftpd_slog(s, LOG_LVL_INFO, "TLS on the control connection: %s%s",
		  tls_describe(t->ctrl, d, sizeof(d)),
		  alpn_len ? ", ALPN ftp" : "");
}

static void ctrl_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct ftpd_session *s = arg;
	struct ftpd_tls *t = s->tls;
	char why[TLS_ERR_TEXT_MAX];

	if (what & BEV_EVENT_CONNECTED) {
		ctrl_connected(s);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		if (t->handshake_done && ts_bufferevent_error(bev) != 0) {
			t->event_cb(bev, what, s);
			return;
		}
		/* A failed handshake (garbage, a refused ALPN or name) or
		 * a TLS error ends this session only. */
		ftpd_slog(s, LOG_LVL_INFO, "TLS %s failed: %s",
			  t->handshake_done ? "on the control connection"
					    : "handshake",
			  tls_filter_error(bev, why, sizeof(why)));
		ftpd_session_free(s);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		if (t->eof_seen)
			return; /* close_notify, then the FIN under it */
		t->eof_seen = true;
	}
	t->event_cb(bev, what, s);
}

int ftpd_tls_start(struct ftpd_session *s)
{
	struct ftpd_tls *t = calloc(1, sizeof(*t));
	size_t low = 0, high = 0;
	struct bufferevent *f;
	SSL *ssl;
	void *arg;

	if (!t)
		return -ENOMEM;
	if (RAND_bytes(t->tag, sizeof(t->tag)) != 1) {
		free(t);
		return -EIO;
	}
	s->tls = t;
	ssl = ftpd_tls_ssl_new(s, false);
	bufferevent_getcb(s->bev, &t->read_cb, &t->write_cb, &t->event_cb,
			  &arg);
	bufferevent_getwatermark(s->bev, EV_WRITE, &low, &high);
	f = ssl ? tls_filter_new(s->bev, ssl, true, false) : NULL;
	if (!f) {
		SSL_free(ssl);
		s->tls = NULL;
		free(t);
		return -ENOMEM;
	}
	/* The 234 went out in clear text before the filter; from here on
	 * the session reads and writes through it. Commands pipelined
	 * after AUTH in clear text reach OpenSSL, not the parser. */
	t->ctrl = ssl;
	t->plain = s->bev;
	t->wlow = low;
	t->whigh = high;
	s->bev = f;
	bufferevent_openssl_set_allow_dirty_shutdown(f, 1);
	bufferevent_setcb(f, t->read_cb, t->write_cb, ctrl_event_cb, s);
	bufferevent_setwatermark(f, EV_WRITE, low, high);
	bufferevent_enable(f, EV_READ | EV_WRITE);
	return 0;
}

bool ftpd_tls_on(const struct ftpd_session *s)
{
	return s->tls != NULL;
}

bool ftpd_tls_protected(const struct ftpd_session *s)
{
	return s->tls && !s->tls->cleared && !s->tls->ccc_gate;
}

/* ---- CCC: back to clear text (RFC 4217 12.3) ---------------------------------- */

bool ftpd_tls_ccc_busy(const struct ftpd_session *s)
{
	const struct ftpd_tls *t = s->tls;

	return !t->handshake_done || t->eof_seen ||
	       evbuffer_get_length(bufferevent_get_input(s->bev)) > 0 ||
	       evbuffer_get_length(bufferevent_get_output(s->bev)) > 0 ||
	       evbuffer_get_length(bufferevent_get_input(t->plain)) > 0 ||
	       SSL_has_pending(t->ctrl);
}

/* The client's first bytes after CCC came: the session reads and writes
 * plain itself from now on. The filter goes (it owns neither plain nor
 * the SSL); whatever follows in plain's input is clear text. */
static void ccc_done(struct ftpd_session *s, bool notified)
{
	struct ftpd_tls *t = s->tls;
	struct bufferevent *plain = t->plain;

	t->ccc_gate = false;
	t->cleared = true;
	bufferevent_free(s->bev);
	SSL_free(t->ctrl);
	t->ctrl = NULL;
	t->plain = NULL;
	s->bev = plain;
	bufferevent_setcb(plain, t->read_cb, t->write_cb, t->event_cb, s);
	bufferevent_setwatermark(plain, EV_WRITE, t->wlow, t->whigh);
	bufferevent_enable(plain, EV_READ | EV_WRITE);
	ftpd_slog(s, LOG_LVL_INFO, "CCC: the control connection goes on in "
		  "clear text (%s)", notified ? "after the client's "
		  "close_notify" : "the client sent no close_notify");
	if (evbuffer_get_length(bufferevent_get_input(plain)) > 0)
		ftpd_session_resume(s);
}

/* Reads the client's TLS record(s) after CCC through OpenSSL: true once
 * its close_notify came (the bytes after it are clear text); false while
 * more is needed, or (*bad set) when it sent anything else. */
static bool ccc_read_close_notify(struct ftpd_session *s, bool *bad)
{
	SSL *ssl = s->tls->ctrl;
	char buf[1];
	int r, e;

	ERR_clear_error();
	r = SSL_read(ssl, buf, sizeof(buf));
	e = SSL_get_error(ssl, r);
	ERR_clear_error();
	*bad = !(r <= 0 && (e == SSL_ERROR_WANT_READ ||
			    e == SSL_ERROR_ZERO_RETURN));
	return r <= 0 && e == SSL_ERROR_ZERO_RETURN;
}

static void ccc_read_cb(struct bufferevent *plain, void *arg)
{
	struct ftpd_session *s = arg;
	uint8_t first;
	bool bad = false, tls;

	if (evbuffer_copyout(bufferevent_get_input(plain), &first, 1) < 1)
		return;
	tls = ftpd_ccc_classify(first) == FTPD_CCC_TLS_RECORD;
	/* The filter read no byte after CCC (ftpd_tls_ccc_busy): OpenSSL
	 * reads the client's records from plain's input up to the end of
	 * its close_notify, and not a byte further (no read-ahead). */
	if (tls && !ccc_read_close_notify(s, &bad)) {
		if (!bad)
			return; /* the rest of the record is on its way */
		ftpd_slog(s, LOG_LVL_WARNING, "CCC: the client sent TLS "
			  "data instead of its close_notify; closing");
		ftpd_session_free(s);
		return;
	}
	ccc_done(s, tls);
}

static void ccc_event_cb(struct bufferevent *plain, short what, void *arg)
{
	struct ftpd_session *s = arg;
	struct evbuffer *in = bufferevent_get_input(plain);
	uint8_t first;

	/* A TLS record cut short by the client's FIN is not a command. */
	if (evbuffer_copyout(in, &first, 1) == 1 &&
	    ftpd_ccc_classify(first) == FTPD_CCC_TLS_RECORD)
		evbuffer_drain(in, evbuffer_get_length(in));
	ccc_done(s, false);
	s->tls->event_cb(plain, what, s);
}

int ftpd_tls_ccc(struct ftpd_session *s)
{
	struct ftpd_tls *t = s->tls;
	int r;

	/* The 200 went through SSL_write as it was queued: only then may
	 * close_notify follow it. */
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) > 0)
		return -EAGAIN;
	ERR_clear_error();
	r = SSL_shutdown(t->ctrl);
	ERR_clear_error();
	if (r < 0)
		return -EIO;
	/* From here the filter reads nothing more: plain's bytes are
	 * judged by ccc_read_cb; the session reads the filter's (empty)
	 * input until ccc_done switches it to plain. */
	t->ccc_gate = true;
	bufferevent_setcb(t->plain, ccc_read_cb, NULL, ccc_event_cb, s);
	return 0;
}

void ftpd_tls_close_notify(struct ftpd_session *s)
{
	struct ftpd_tls *t = s->tls;

	if (!t || !t->handshake_done || !t->ctrl ||
	    (SSL_get_shutdown(t->ctrl) & SSL_SENT_SHUTDOWN))
		return;
	/* Replies are encrypted as they are written (the filter's output
	 * is empty unless the client stopped reading). */
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) == 0)
		SSL_shutdown(t->ctrl);
	ERR_clear_error();
}

void ftpd_tls_session_free(struct ftpd_session *s)
{
	if (!s->tls)
		return;
	/* The filter (freed with s->bev) borrowed these. */
	if (s->tls->plain)
		bufferevent_free(s->tls->plain);
	SSL_free(s->tls->ctrl);
	tls_stream_reap(&s->tls->closing);
	OPENSSL_cleanse(s->tls->tag, sizeof(s->tls->tag));
	free(s->tls);
	s->tls = NULL;
}

/* ---- what the commands ask ---------------------------------------------------------- */

struct ftpd_dataio *ftpd_tls_dataio_open(struct ftpd_session *s, int sock)
{
	if (s->tls && s->tls->prot_private)
		return ftpd_dataio_tls(s, sock);
	return ftpd_dataio_plain(s->srv->ev, sock);
}

const char *ftpd_tls_feat(const struct ftpd_session *s)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);

	if (!c->ssl_enable)
		return "";
	return c->allow_ccc ? " AUTH TLS\n CCC\n PBSZ\n PROT\n"
			    : " AUTH TLS\n PBSZ\n PROT\n";
}

bool ftpd_tls_login_ok(struct ftpd_session *s)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	const char *text = NULL;
	/* SECURITY: after CCC a login would go in clear text: it counts
	 * as one without TLS. */
	unsigned code = ftpd_login_tls_decide(c->ssl_enable,
					      ftpd_tls_protected(s),
					      s->anonymous,
					      c->force_local_logins_ssl,
					      c->allow_anon_ssl, &text);

	if (code == 0)
		return true;
	ftpd_slog(s, LOG_LVL_INFO, "login refused: %s", text);
	ftpd_reply(s, code, "%s", text);
	return false;
}

bool ftpd_tls_data_refused(const struct ftpd_session *s, const char **why)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);

	return ftpd_data_tls_decide(c->ssl_enable,
				    s->tls && s->tls->prot_private,
				    s->anonymous, c->force_local_data_ssl,
				    why) != 0;
}
