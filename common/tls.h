/*
 * tls.h - OpenSSL helpers shared by ftpd and ftp for FTPS (RFC 4217):
 * server and client contexts (certificates, verification, minimum
 * version, ALPN "ftp"), client connections bound to the host name or
 * address they verify, and the libevent OpenSSL filter stacked on a
 * stack socket's bufferevent (ts_bufferevent_new), which the control
 * connections use directly and data connections through tls_stream.h.
 *
 * Messages (err) name the thing, the cause and the fix. Nothing here
 * logs, and nothing here ever sees a password.
 */
#ifndef COMMON_TLS_H
#define COMMON_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/bufferevent.h>
#include <openssl/ssl.h>

/* RFC 7301 ALPN protocol id of FTP (ALPACA, CVE-2021-3618). */
#define TLS_ALPN_FTP "ftp"
#define TLS_ALPN_FTP_LEN 3u

enum tls_min_version {
	TLS_MIN_1_2 = 0,
	TLS_MIN_1_3 = 1,
};

/* Initialises OpenSSL (idempotent). */
void tls_init(void);

/* Moves OpenSSL's error queue of this thread into buf as "reason; reason"
 * (or "no further detail" when empty) and returns buf. */
const char *tls_error_text(char *buf, size_t cap);

/* ---- server -------------------------------------------------------------- */

/* PEM text of the certificate chain and the private key; the names are
 * the files they came from, for messages. key_pem NULL: the key is in
 * cert_pem (one file holding both). */
struct tls_server_opts {
	const char *cert_name;
	const char *cert_pem;
	size_t cert_len;
	const char *key_name;
	const char *key_pem;
	size_t key_len;
	enum tls_min_version min;
	const char *ciphers;       /* TLS 1.2 cipher list; NULL: OpenSSL's */
	const char *session_ctx;   /* session id context (resumption scope) */
	long session_timeout_s;    /* lifetime of resumable sessions        */
};

/* A server context: the certificate chain and its key (checked to
 * match), the minimum version, server-side session cache. NULL with err
 * set ("rsa_cert_file /etc/x.pem: no certificate in it; ...") on failure.
 * The caller owns the context (SSL_CTX_free). */
SSL_CTX *tls_server_ctx_new(const struct tls_server_opts *o, char *err,
			    size_t errlen);

/* True when name (len bytes) is a name or address the certificate of ctx
 * is valid for (X509_check_host / X509_check_ip_asc rules). */
bool tls_cert_matches(SSL_CTX *ctx, const char *name, size_t len);

/* ---- client -------------------------------------------------------------- */

struct tls_client_opts {
	const char *cafile;   /* NULL: the system's trust store            */
	bool verify;          /* false: -z noverify (no certificate check) */
	enum tls_min_version min;
};

/* A client context: peer verification against cafile or the system
 * store, ALPN "ftp" offered, client-side session cache (sessions are
 * reported through SSL_CTX_sess_set_new_cb, which the caller sets). NULL
 * with err set. The caller owns it. */
SSL_CTX *tls_client_ctx_new(const struct tls_client_opts *o, char *err,
			    size_t errlen);

/* True when host is a dotted-quad IPv4 address. */
bool tls_host_is_ip(const char *host);

/* A client connection to host: SNI for a name (never for an address,
 * RFC 6066 3), and, when the context verifies, the name (SSL_set1_host)
 * or address (X509_VERIFY_PARAM_set1_ip_asc) the certificate must match.
 * NULL with err set. The caller owns it until a filter takes it. */
SSL *tls_client_ssl_new(SSL_CTX *ctx, const char *host, char *err,
			size_t errlen);

/* Why a client handshake failed, when the certificate check failed:
 * X509_verify_cert_error_string() of the result ("Hostname mismatch",
 * "self-signed certificate", ...); NULL when the certificate passed or
 * was not checked. Static string. */
const char *tls_verify_failure(const SSL *ssl);

/* The names the peer's certificate is for, "ftp.example.org, 76.88.16.16"
 * (its subjectAltName DNS and IP entries, else its common name; "no
 * name" without either), also after a failed check, into buf. */
const char *tls_peer_names(const SSL *ssl, char *buf, size_t cap);

/* ---- the filter ------------------------------------------------------------ */

/*
 * Stacks libevent's OpenSSL filter on plain (a ts_bufferevent, or any
 * bufferevent) and starts the handshake as server or client; bytes
 * already waiting in plain's input (a ClientHello sent right after AUTH
 * TLS) are used. own: the filter owns ssl and plain (BEV_OPT_CLOSE_ON_FREE:
 * freeing it frees both; whether plain closes its socket is plain's own
 * option); !own: both stay the caller's, to free after the filter, or to
 * go on with plain in clear text (CCC) once the filter is freed.
 * Encrypted bytes queued in plain stay under TLS_PLAIN_OUT_HIGH,
 * so a peer that does not read fills the filter's own output, where the
 * owner sees it. Returns the filter, or NULL when out of memory (ssl and
 * plain then stay the caller's).
 */
struct bufferevent *tls_filter_new(struct bufferevent *plain, SSL *ssl,
				   bool server, bool own);

/* "TLSv1.3 TLS_AES_256_GCM_SHA384" (into buf). */
const char *tls_describe(const SSL *ssl, char *buf, size_t cap);

/* The filter's OpenSSL errors after BEV_EVENT_ERROR, as text ("no
 * further detail" when the peer just closed). */
const char *tls_filter_error(struct bufferevent *filter, char *buf,
			     size_t cap);

#endif /* COMMON_TLS_H */
