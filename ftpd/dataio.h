/*
 * dataio.h - the byte stream of one data connection, behind a small
 * interface, so that transfers do not care whether it is a plain stack
 * socket (dataio.c: ts_send/ts_recv directly, for speed) or a TLS
 * connection (RFC 4217 PROT P, dataio_tls.c) layered on it, which is
 * ready only once its handshake is done and may fail with its own reply.
 *
 * Events are the stack's TS_EV_* bits (READ, WRITE, EOF, ERROR), given to
 * the owner's callback from the event loop, never from inside a call.
 */
#ifndef FTPD_DATAIO_H
#define FTPD_DATAIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ts_event.h"

struct ftpd_dataio;

typedef void (*ftpd_dataio_cb)(struct ftpd_dataio *d, unsigned events,
			       void *arg);

struct ftpd_dataio_ops {
	/* As ts_send/ts_recv: a count, 0 at the end of the stream (recv),
	 * -EAGAIN, or another -errno. */
	ssize_t (*send)(struct ftpd_dataio *d, const void *buf, size_t len);
	ssize_t (*recv)(struct ftpd_dataio *d, void *buf, size_t len);
	/* Closes the stream and frees d: orderly (queued bytes, then FIN)
	 * or, with abort, at once with a reset. */
	void (*close)(struct ftpd_dataio *d, bool abort);
	/* 1 ready, 0 not yet (a TLS handshake; READ/WRITE follow), or the
	 * failure as -errno. NULL: always ready. */
	int (*ready)(struct ftpd_dataio *d);
	/* After a failure: the reply (code, text) that says why, or NULL
	 * for the transfer's own. NULL: none. */
	const char *(*why)(struct ftpd_dataio *d, unsigned *code);
};

struct ftpd_dataio {
	const struct ftpd_dataio_ops *ops;
	ftpd_dataio_cb cb;
	void *arg;
};

/* A plain stream over the connected stack socket sock, which it takes
 * over (also on failure: NULL when out of memory, sock then aborted). */
struct ftpd_dataio *ftpd_dataio_plain(struct ts_ev *ev, int sock);

/* Sets the callback (NULL: none). Events that came before are not
 * replayed: after setting it, the owner tries its I/O once. */
void ftpd_dataio_set_cb(struct ftpd_dataio *d, ftpd_dataio_cb cb, void *arg);

static inline ssize_t ftpd_dataio_send(struct ftpd_dataio *d, const void *b,
				       size_t n)
{
	return d->ops->send(d, b, n);
}

static inline ssize_t ftpd_dataio_recv(struct ftpd_dataio *d, void *b,
				       size_t n)
{
	return d->ops->recv(d, b, n);
}

static inline void ftpd_dataio_close(struct ftpd_dataio *d, bool abort)
{
	d->ops->close(d, abort);
}

static inline int ftpd_dataio_ready(struct ftpd_dataio *d)
{
	return d->ops->ready ? d->ops->ready(d) : 1;
}

static inline const char *ftpd_dataio_why(struct ftpd_dataio *d,
					  unsigned *code)
{
	return d->ops->why ? d->ops->why(d, code) : NULL;
}

#endif /* FTPD_DATAIO_H */
