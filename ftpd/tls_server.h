/*
 * tls_server.h - FTPS (RFC 4217) in the daemon.
 *
 * Per configuration generation: one OpenSSL server context (certificate
 * and key from rsa_cert_file / rsa_private_key_file, ssl_min_version,
 * ssl_ciphers, ALPN and SNI checks), built with the generation, so a
 * SIGHUP reload takes a new certificate for new sessions.
 *
 * Per session, from AUTH TLS on: the control connection's bufferevent is
 * replaced by libevent's OpenSSL filter stacked on it (common/tls.h), and
 * the session reads its commands from the filter. Every ticket or cached
 * session the control connection issues carries a random tag of the
 * session; under PROT P each data connection is a TLS server connection
 * (dataio_tls.c) that must resume one of them (require_ssl_reuse).
 *
 * The decisions themselves (what each reply is) are in tls_rules.h.
 */
#ifndef FTPD_TLS_SERVER_H
#define FTPD_TLS_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include <event2/bufferevent.h>
#include <openssl/ssl.h>

#include "ftpd_config.h"
#include "ftpd_limits.h"

struct ftpd_privs;
struct ftpd_session;
struct ftpd_dataio;
struct tls_stream;

/* A generation's TLS context. */
struct ftpd_tls_ctx {
	SSL_CTX *ctx;
	char *cert_file, *key_file;   /* where it was loaded from          */
	char *ciphers;                /* ssl_ciphers it was made with      */
	int min_version;              /* ssl_min_version it was made with  */
};

/* A session's TLS state (s->tls), from AUTH TLS to the session's end. */
struct ftpd_tls {
	SSL *ctrl;                    /* the control connection's (owned;   */
	                              /* NULL after CCC)                    */
	struct bufferevent *plain;    /* under the filter s->bev (owned;    */
	                              /* after CCC it is s->bev: NULL here) */
	size_t wlow, whigh;           /* plain's write watermarks before    */
	bool handshake_done, eof_seen;
	bool ccc_gate;                /* CCC: close_notify sent; the first  */
	                              /* bytes after it are being judged    */
	bool cleared;                 /* CCC done: clear text from here on  */
	bool pbsz, prot_private;      /* PBSZ given; PROT P in force        */
	uint8_t tag[FTPD_TLS_TAG_LEN]; /* marks the sessions we issued      */
	bufferevent_data_cb read_cb, write_cb; /* the session's callbacks   */
	bufferevent_event_cb event_cb;
	struct tls_stream *closing;   /* data connections closing orderly   */
};

/* Keeps the directories of the certificate and key reachable after the
 * chroot, for SIGHUP reloads (privs.h). 0 or -errno with err set. */
int ftpd_tls_keep_dirs(struct ftpd_privs *p, const struct ftpd_config *c,
		       char *err, size_t errlen);

/* Builds the context for c (ssl_enable = yes), reading the files through
 * p. When a reload cannot read them (the key is root's and ftpd no longer
 * is) and prev was made from the same files, ciphers and minimum version,
 * prev's context is shared instead. 0 and *out (the caller frees it), or -errno with err
 * set ("rsa_cert_file /x.pem: ..."). */
int ftpd_tls_ctx_new(const struct ftpd_privs *p, const struct ftpd_config *c,
		     const struct ftpd_tls_ctx *prev, struct ftpd_tls_ctx **out,
		     char *err, size_t errlen);

void ftpd_tls_ctx_free(struct ftpd_tls_ctx *t);

/* AUTH TLS was answered 234: the control connection goes on through
 * OpenSSL's filter. 0, or -ENOMEM (the session should close). */
int ftpd_tls_start(struct ftpd_session *s);

/* True after AUTH TLS (also after CCC: PBSZ and PROT stay in force). */
bool ftpd_tls_on(const struct ftpd_session *s);

/* True while the control connection is under TLS: after AUTH TLS and
 * before CCC. */
bool ftpd_tls_protected(const struct ftpd_session *s);

/* CCC: true while bytes are in flight on the control connection (in
 * the filter, under it, or in OpenSSL), so switching now would cut them. */
bool ftpd_tls_ccc_busy(const struct ftpd_session *s);

/* CCC was answered 200 (RFC 4217 12.3): sends our close_notify after it
 * and stops reading through TLS; the client's close_notify, when it sends
 * one first, is read and checked, and from the first clear-text byte on
 * the session reads and writes the TCP connection directly. 0, or
 * -errno when the switch cannot be made (the session should close). */
int ftpd_tls_ccc(struct ftpd_session *s);

/* The session ends: close_notify before our FIN (when TLS is on). */
void ftpd_tls_close_notify(struct ftpd_session *s);

/* Frees the session's TLS state (after its bufferevent s->bev): the
 * control connection's SSL, and the bufferevent under the filter. */
void ftpd_tls_session_free(struct ftpd_session *s);

/* A new SSL for the session's control (data = false) or a data
 * connection, linked to the session for the callbacks. NULL when out of
 * memory. */
SSL *ftpd_tls_ssl_new(struct ftpd_session *s, bool data);

/* The session of an SSL from ftpd_tls_ssl_new, or NULL. */
struct ftpd_session *ftpd_tls_session_of(const SSL *ssl);

/* The data stream for a connected data socket (taken over): TLS under
 * PROT P (dataio_tls.c), else plain. NULL when out of memory. */
struct ftpd_dataio *ftpd_tls_dataio_open(struct ftpd_session *s, int sock);

/* FEAT lines (" AUTH TLS\n PBSZ\n PROT\n") when TLS is offered, else "". */
const char *ftpd_tls_feat(const struct ftpd_session *s);

/* USER / PASS: true to go on; false after replying 530 (TLS required
 * for this login, or refused for anonymous ones). */
bool ftpd_tls_login_ok(struct ftpd_session *s);

/* A transfer is about to start: true (and *why) when its data would go
 * in clear text against force_local_data_ssl (reply 521). */
bool ftpd_tls_data_refused(const struct ftpd_session *s, const char **why);

/* tls_mkcert.c (ftpd --make-cert FILE): writes a new self-signed
 * certificate and its key to FILE (0600) and the certificate alone to
 * FILE.crt, naming c's address, the host name and the host lines. 0 with
 * a note for the user in err, or -errno with the message in err. */
int ftpd_make_cert(const struct ftpd_config *c, const char *path, char *err,
		   size_t errlen);

/* dataio_tls.c: a TLS server stream on sock (taken over), checked for
 * session reuse when its handshake is done. NULL when out of memory. */
struct ftpd_dataio *ftpd_dataio_tls(struct ftpd_session *s, int sock);

#endif /* FTPD_TLS_SERVER_H */
