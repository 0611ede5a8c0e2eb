/*
 * tls.c - OpenSSL contexts, client connections and the libevent filter
 * for FTPS (see tls.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "common_limits.h"
#include "tls.h"

/* ALPN wire format: one length byte, then the id. */
static const unsigned char alpn_ftp[] = { TLS_ALPN_FTP_LEN, 'f', 't', 'p' };

void tls_init(void)
{
	OPENSSL_init_ssl(0, NULL);
}

typedef unsigned long (*err_next_fn)(void *arg);

static unsigned long next_queued(void *arg)
{
	(void)arg;
	return ERR_get_error();
}

static unsigned long next_of_filter(void *arg)
{
	return bufferevent_get_openssl_error(arg);
}

/* "reason; reason" from the errors next() gives, each once. */
static const char *join_errors(err_next_fn next, void *arg, char *buf,
			       size_t cap)
{
	unsigned long e;
	size_t n = 0;

	if (cap == 0)
		return buf;
	buf[0] = '\0';
	while ((e = next(arg)) != 0) {
		char one[TLS_ERR_TEXT_MAX];
		const char *r = ERR_reason_error_string(e);
		int w;

		if (!r) {
			ERR_error_string_n(e, one, sizeof(one));
			r = one;
		}
		if (n + 1 >= cap || strstr(buf, r))
			continue; /* full, or said already */
		w = snprintf(buf + n, cap - n, "%s%s", n ? "; " : "", r);
		if (w > 0)
			n += (size_t)w < cap - n ? (size_t)w : cap - n - 1;
	}
	if (n == 0)
		snprintf(buf, cap, "no further detail");
	return buf;
}

const char *tls_error_text(char *buf, size_t cap)
{
	return join_errors(next_queued, NULL, buf, cap);
}

/* ---- server ----------------------------------------------------------------- */

/* A key in a PEM file is never asked a passphrase for: a daemon has no
 * terminal. An encrypted key fails to load, with a message saying so. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static int load_chain(SSL_CTX *ctx, const struct tls_server_opts *o,
		      char *err, size_t errlen)
{
	BIO *b = BIO_new_mem_buf(o->cert_pem, (int)o->cert_len);
	X509 *x = b ? PEM_read_bio_X509_AUX(b, NULL, no_passphrase, NULL)
		    : NULL;
	char why[TLS_ERR_TEXT_MAX];
	int rc = 0;

	if (!x) {
		snprintf(err, errlen, "%s: no certificate in it (a PEM "
			 "\"BEGIN CERTIFICATE\" block is expected); make one "
			 "with ftpd --make-cert FILE", o->cert_name);
		rc = -1;
	} else if (SSL_CTX_use_certificate(ctx, x) != 1) {
		snprintf(err, errlen, "%s: certificate refused: %s; use a "
			 "stronger key (RSA 2048+ or EC P-256)", o->cert_name,
			 tls_error_text(why, sizeof(why)));
		rc = -1;
	}
	X509_free(x);
	/* The rest of the file: intermediate certificates, in order. */
	while (rc == 0 && (x = PEM_read_bio_X509(b, NULL, no_passphrase,
						  NULL)) != NULL)
		if (SSL_CTX_add0_chain_cert(ctx, x) != 1) {
			X509_free(x);
			snprintf(err, errlen, "%s: chain certificate refused: "
				 "%s", o->cert_name,
				 tls_error_text(why, sizeof(why)));
			rc = -1;
		}
	BIO_free(b);
	ERR_clear_error(); /* the end of the file reads as an error */
	return rc;
}

static int load_key(SSL_CTX *ctx, const struct tls_server_opts *o,
		    char *err, size_t errlen)
{
	const char *name = o->key_pem ? o->key_name : o->cert_name;
	BIO *b = o->key_pem ? BIO_new_mem_buf(o->key_pem, (int)o->key_len)
			    : BIO_new_mem_buf(o->cert_pem, (int)o->cert_len);
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, no_passphrase,
						   NULL)
			: NULL;
	char why[TLS_ERR_TEXT_MAX];
	int rc = -1;

	if (!k)
		snprintf(err, errlen, "%s: no usable private key in it (%s); "
			 "give an unencrypted PEM key (rsa_private_key_file, "
			 "or the key in rsa_cert_file)", name,
			 tls_error_text(why, sizeof(why)));
	else if (SSL_CTX_use_PrivateKey(ctx, k) != 1 ||
		 SSL_CTX_check_private_key(ctx) != 1)
		snprintf(err, errlen, "the private key in %s does not match "
			 "the certificate in %s; give the key that belongs to "
			 "it", name, o->cert_name);
	else
		rc = 0;
	EVP_PKEY_free(k);
	BIO_free(b);
	ERR_clear_error();
	return rc;
}

static int set_version(SSL_CTX *ctx, enum tls_min_version min)
{
	return SSL_CTX_set_min_proto_version(ctx, min == TLS_MIN_1_3 ?
					     TLS1_3_VERSION : TLS1_2_VERSION)
		       == 1 ? 0 : -1;
}

static int server_params(SSL_CTX *ctx, const struct tls_server_opts *o,
			 char *err, size_t errlen)
{
	const char *sid = o->session_ctx ? o->session_ctx : "synfin";

	if (set_version(ctx, o->min) != 0) {
		snprintf(err, errlen, "cannot set the minimum TLS version");
		return -1;
	}
	if (o->ciphers && o->ciphers[0] &&
	    SSL_CTX_set_cipher_list(ctx, o->ciphers) != 1) {
		ERR_clear_error();
		snprintf(err, errlen, "cipher list '%s' names no usable cipher; "
			 "see ciphers(1), e.g. HIGH:!aNULL", o->ciphers);
		return -1;
	}
	/* SECURITY: no client-initiated renegotiation (a CPU sink), no
	 * compression (CRIME); the server's cipher order wins. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
				 SSL_OP_NO_COMPRESSION |
				 SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS |
			      SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	SSL_CTX_set_session_id_context(ctx, (const unsigned char *)sid,
				       (unsigned)strlen(sid));
	if (o->session_timeout_s > 0)
		SSL_CTX_set_timeout(ctx, o->session_timeout_s);
	return 0;
}

SSL_CTX *tls_server_ctx_new(const struct tls_server_opts *o, char *err,
			    size_t errlen)
{
	SSL_CTX *ctx;

	tls_init();
	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx) {
		snprintf(err, errlen, "cannot create a TLS context: out of "
			 "memory");
		return NULL;
	}
	SSL_CTX_set_default_passwd_cb(ctx, no_passphrase);
	if (server_params(ctx, o, err, errlen) != 0 ||
	    load_chain(ctx, o, err, errlen) != 0 ||
	    load_key(ctx, o, err, errlen) != 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

bool tls_host_is_ip(const char *host)
{
	struct in_addr a;

	return inet_pton(AF_INET, host, &a) == 1;
}

bool tls_cert_matches(SSL_CTX *ctx, const char *name, size_t len)
{
	X509 *x = SSL_CTX_get0_certificate(ctx);
	char buf[TLS_NAME_MAX + 1];

	if (!x || len == 0 || len > TLS_NAME_MAX || memchr(name, '\0', len))
		return false;
	memcpy(buf, name, len);
	buf[len] = '\0';
	if (tls_host_is_ip(buf))
		return X509_check_ip_asc(x, buf, 0) == 1;
	return X509_check_host(x, buf, len, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
			       NULL) == 1;
}

/* ---- client ------------------------------------------------------------------- */

SSL_CTX *tls_client_ctx_new(const struct tls_client_opts *o, char *err,
			    size_t errlen)
{
	char why[TLS_ERR_TEXT_MAX];
	SSL_CTX *ctx;

	tls_init();
	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx || set_version(ctx, o->min) != 0) {
		snprintf(err, errlen, "cannot create a TLS context: out of "
			 "memory");
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (o->cafile && SSL_CTX_load_verify_locations(ctx, o->cafile,
						       NULL) != 1) {
		snprintf(err, errlen, "CA file %s: %s; give a PEM file of the "
			 "certificates to trust", o->cafile,
			 tls_error_text(why, sizeof(why)));
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (!o->cafile && SSL_CTX_set_default_verify_paths(ctx) != 1)
		ERR_clear_error(); /* no system store: every check fails */
	SSL_CTX_set_verify(ctx, o->verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE,
			   NULL);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
				 SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* SECURITY: ALPN "ftp" lets the server refuse a connection that a
	 * man in the middle redirected from another protocol (ALPACA). */
	SSL_CTX_set_alpn_protos(ctx, alpn_ftp, sizeof(alpn_ftp));
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
						 SSL_SESS_CACHE_NO_INTERNAL_STORE);
	return ctx;
}

SSL *tls_client_ssl_new(SSL_CTX *ctx, const char *host, char *err,
			size_t errlen)
{
	SSL *ssl = SSL_new(ctx);
	X509_VERIFY_PARAM *vp;
	bool ip = tls_host_is_ip(host);
	int ok = 1;

	if (!ssl) {
		snprintf(err, errlen, "cannot start TLS: out of memory");
		return NULL;
	}
	vp = SSL_get0_param(ssl);
	if (!ip)
		ok = SSL_set_tlsext_host_name(ssl, host);
	/* SECURITY: the certificate must name the host we were asked to
	 * connect to, as a DNS name or, for an address, an IP entry. */
	if (ok == 1 && (SSL_CTX_get_verify_mode(ctx) & SSL_VERIFY_PEER)) {
		X509_VERIFY_PARAM_set_hostflags(vp,
			X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(vp, host)
			: SSL_set1_host(ssl, host);
	}
	if (ok != 1) {
		ERR_clear_error();
		snprintf(err, errlen, "host name '%s' cannot be checked against "
			 "a certificate; give a DNS name or an IPv4 address",
			 host);
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

const char *tls_verify_failure(const SSL *ssl)
{
	long r;

	if (!(SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER))
		return NULL;
	r = SSL_get_verify_result(ssl);
	return r == X509_V_OK ? NULL : X509_verify_cert_error_string(r);
}

/* Appends ", name" (or "name" first) to buf while it fits. */
static void add_name(char *buf, size_t cap, const char *name, size_t len)
{
	size_t n = strlen(buf);

	if (n + 2 + len + 1 > cap)
		return;
	snprintf(buf + n, cap - n, "%s%.*s", n ? ", " : "", (int)len, name);
}

static void add_san(char *buf, size_t cap, const GENERAL_NAME *g)
{
	char ip[INET_ADDRSTRLEN];
	const ASN1_STRING *a;

	if (g->type == GEN_DNS) {
		a = g->d.dNSName;
		if (!memchr(ASN1_STRING_get0_data(a), '\0',
			    (size_t)ASN1_STRING_length(a)))
			add_name(buf, cap,
				 (const char *)ASN1_STRING_get0_data(a),
				 (size_t)ASN1_STRING_length(a));
	} else if (g->type == GEN_IPADD && ASN1_STRING_length(g->d.iPAddress) == 4 &&
		   inet_ntop(AF_INET, ASN1_STRING_get0_data(g->d.iPAddress), ip,
			     sizeof(ip))) {
		add_name(buf, cap, ip, strlen(ip));
	}
}

const char *tls_peer_names(const SSL *ssl, char *buf, size_t cap)
{
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	X509 *x = chain && sk_X509_num(chain) > 0 ? sk_X509_value(chain, 0)
						   : NULL;
	GENERAL_NAMES *sans = x ? X509_get_ext_d2i(x, NID_subject_alt_name,
						   NULL, NULL)
				: NULL;
	char cn[TLS_NAME_MAX + 1];
	int i;

	if (cap == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; sans && i < sk_GENERAL_NAME_num(sans); i++)
		add_san(buf, cap, sk_GENERAL_NAME_value(sans, i));
	GENERAL_NAMES_free(sans);
	if (!buf[0] && x &&
	    X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName,
				      cn, sizeof(cn)) > 0)
		add_name(buf, cap, cn, strlen(cn));
	if (!buf[0])
		snprintf(buf, cap, "no name");
	return buf;
}

/* ---- the filter ------------------------------------------------------------------ */

struct bufferevent *tls_filter_new(struct bufferevent *plain, SSL *ssl,
				   bool server, bool own)
{
	struct bufferevent *f;

	f = bufferevent_openssl_filter_new(bufferevent_get_base(plain), plain,
					   ssl, server ?
					   BUFFEREVENT_SSL_ACCEPTING :
					   BUFFEREVENT_SSL_CONNECTING,
					   (own ? BEV_OPT_CLOSE_ON_FREE : 0) |
						   BEV_OPT_DEFER_CALLBACKS);
	if (!f)
		return NULL;
	bufferevent_setwatermark(plain, EV_WRITE, TLS_PLAIN_OUT_HIGH / 2,
				 TLS_PLAIN_OUT_HIGH);
	/* The filter acts on plain's callbacks only: start the handshake
	 * now (the client's hello; the server's reading of bytes that are
	 * already waiting). */
	bufferevent_trigger(plain, EV_READ | EV_WRITE,
			    BEV_TRIG_IGNORE_WATERMARKS |
				    BEV_TRIG_DEFER_CALLBACKS);
	return f;
}

const char *tls_describe(const SSL *ssl, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s %s", SSL_get_version(ssl),
		 SSL_get_cipher_name(ssl));
	return buf;
}

const char *tls_filter_error(struct bufferevent *filter, char *buf,
			     size_t cap)
{
	return join_errors(next_of_filter, filter, buf, cap);
}
