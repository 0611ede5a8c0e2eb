/*
 * tls_stream.h - a TLS connection over a stack socket with the
 * non-blocking send/recv shape of the plain stack socket API, for FTPS
 * data connections (RFC 4217 PROT P) in ftpd and ftp:
 *
 *   stack socket -> ts_bufferevent (ts_event.h) -> OpenSSL filter (tls.h)
 *
 * Events are the stack's TS_EV_* bits, given to the owner's callback
 * from the event loop: CONNECTED when the handshake is done, READ and
 * WRITE as data and room come, EOF after the peer's close_notify, ERROR
 * on a failed handshake, a TLS error, a reset, or a close without
 * close_notify (a possible truncation: never taken as the end of a file).
 *
 * An orderly close (tls_stream_close without abort) sends what was
 * written, then close_notify, then FIN, and lingers (bounded by
 * TLS_LINGER_MAX_MS) on a list the owner holds until the stack has it
 * all; tls_stream_reap() frees what still lingers when the owner ends.
 */
#ifndef COMMON_TLS_STREAM_H
#define COMMON_TLS_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <openssl/ssl.h>

#include "ts_event.h"

struct tls_stream;

typedef void (*tls_stream_cb)(struct tls_stream *t, unsigned events,
			      void *arg);

/* Starts the handshake (server or client) on the connected stack socket
 * sock with ssl; both are taken over, also on failure (NULL when out of
 * memory: sock closed, ssl freed). The caller owns the stream. */
struct tls_stream *tls_stream_new(struct ts_ev *ev, int sock, SSL *ssl,
				  bool server);

/* Sets the event callback (NULL: none). */
void tls_stream_set_cb(struct tls_stream *t, tls_stream_cb cb, void *arg);

/* 0 while the handshake runs, 1 once it is done, or the failure as a
 * negative errno: -EPROTO (handshake or TLS error), -ECONNRESET (the
 * connection failed), -ECONNABORTED (closed without close_notify). */
int tls_stream_state(const struct tls_stream *t);

/* What went wrong, for messages ("" while nothing did). */
const char *tls_stream_error(const struct tls_stream *t);

/* As ts_send: the count taken (maybe short), -EAGAIN while the
 * handshake runs or TLS_STREAM_OUT_HIGH bytes wait, or the failure. */
ssize_t tls_stream_send(struct tls_stream *t, const void *buf, size_t len);

/* As ts_recv: the count, 0 after the peer's close_notify (every byte
 * read), -EAGAIN, or the failure (after the bytes that came before it). */
ssize_t tls_stream_recv(struct tls_stream *t, void *buf, size_t len);

/* Decrypted bytes ready for tls_stream_recv. */
size_t tls_stream_readable(const struct tls_stream *t);

/* The connection's SSL (borrowed; valid while the stream is). */
SSL *tls_stream_ssl(const struct tls_stream *t);

/* Closes the stream; t is the owner's no more, and may be closed from
 * inside its own callback. abort, a failed stream or one still in its
 * handshake: dropped at the loop's next turn (what was queued is lost;
 * the socket closes, with a reset when unread data remain). Otherwise
 * orderly, lingering (see above). Either way it waits on *closing;
 * closing NULL frees it now (never from its own callback). */
void tls_stream_close(struct tls_stream *t, bool abort,
		      struct tls_stream **closing);

/* Frees every stream still lingering on *closing. */
void tls_stream_reap(struct tls_stream **closing);

#endif /* COMMON_TLS_STREAM_H */
