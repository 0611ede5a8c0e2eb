/*
 * tls_client.h - FTPS (RFC 4217) in the client: `-z tls` or the `ssl`
 * command require TLS: after the greeting AUTH TLS, the control
 * connection continues through OpenSSL's filter (common/tls.h), then
 * PBSZ 0 and PROT P, so every data connection is TLS too
 * (common/tls_stream.h), started after the transfer command's 1xx reply.
 *
 * SECURITY: the server's certificate is checked against the system's
 * trust store or -z cafile=FILE, and must name the host as typed (a DNS
 * name, or the address for a dotted quad); `-z noverify` is the explicit
 * opt-out. A failure is fatal for the connection and says why.
 *
 * Data connections always offer the control connection's TLS session
 * (the newest ticket the server gave), so servers that require session
 * reuse (vsftpd's and synfin's default) accept them.
 */
#ifndef FTPC_TLS_CLIENT_H
#define FTPC_TLS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "datachan.h"
#include "session.h"

/* Applies one -z word to the options: tls (or ssl), notls, noverify,
 * cafile=FILE. 0, or -1 with a message in err. */
int ftpc_tls_option(struct ftpc_opts *o, const char *word, char *err,
		    size_t errlen);

/* AUTH TLS, the handshake and its checks, PBSZ 0, PROT P on the
 * connected session. 0, or -1 after a message (the connection is
 * closed: nothing goes on in clear text). */
int ftpc_tls_auth(struct ftpc_session *s);

/* True while the control connection is under TLS. */
bool ftpc_tls_on(const struct ftpc_session *s);

/* The control connection closes: close_notify, then FIN after it.
 * True when done so (TLS), false when the caller sends FIN itself. */
bool ftpc_tls_shutdown(struct ftpc_session *s);

/* The control connection is gone: forget its TLS state. */
void ftpc_tls_disconnected(struct ftpc_session *s);

/* The session ends: frees everything TLS. */
void ftpc_tls_free(struct ftpc_session *s);

/* After the transfer command's 1xx: under PROT P, the TLS handshake on
 * the data connection (session offered, certificate checked). 0, or
 * -errno after a message. Nothing to do without PROT P. */
int ftpc_tls_data_start(struct ftpc_session *s, struct ftpc_data *d);

/* Closes a TLS data connection (d->tls): orderly (close_notify, FIN,
 * lingering on the session) or, with abort, at once. */
void ftpc_tls_data_close(struct ftpc_session *s, struct ftpc_data *d,
			 bool abort);

/* `ssl [on | off]`: require TLS on this (now, when connected in clear
 * text) and later connections. */
int ftpc_cmd_ssl(struct ftpc_session *s, int argc, char **argv);

/* One line for `status`. */
void ftpc_tls_status(struct ftpc_session *s);

#endif /* FTPC_TLS_CLIENT_H */
