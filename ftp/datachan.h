/*
 * datachan.h - the data connection of one transfer. Passive (the
 * default): EPSV first, PASV when the server refuses it, then connect.
 * Active: listen on an ephemeral stack port, EPRT first, PORT when the
 * server refuses it, and accept the server's connection after the
 * transfer command's preliminary reply.
 *
 * SECURITY (CVE-2020-8284 class): the address in a PASV reply is
 * ignored; the client connects to the control connection's peer (unless
 * --trust-pasv). In active mode only a connection from the control
 * connection's peer is accepted.
 */
#ifndef FTPC_DATACHAN_H
#define FTPC_DATACHAN_H

#include <stdbool.h>

#include "session.h"

struct tls_stream;

struct ftpc_data {
	int sock;          /* the data connection, -1: none            */
	struct tls_stream *tls; /* PROT P: the TLS stream over sock     */
	int listener;      /* active mode: listening socket, -1: none   */
	unsigned events;   /* TS_EV_* seen on sock                      */
	unsigned lev;      /* TS_EV_* seen on listener                  */
	struct ts_addr peer;
};

/* Before the transfer command: passive connect or active listen plus
 * EPRT/PORT. 0, or -errno with a message printed (d is then closed). */
int ftpc_data_prepare(struct ftpc_session *s, struct ftpc_data *d);

/* After the preliminary reply: in active mode, waits for the server's
 * connection. 0 or -errno (message printed). Passive: nothing to do. */
int ftpc_data_accept(struct ftpc_session *s, struct ftpc_data *d);

/* Closes the data connection: orderly (FIN after queued data) or, with
 * abort, with RST. Also closes a listener. */
void ftpc_data_close(struct ftpc_session *s, struct ftpc_data *d, bool abort);

/* The data connection's bytes, plain or TLS (PROT P): as ts_recv,
 * ts_send and ts_readable. */
ssize_t ftpc_data_recv(struct ftpc_session *s, struct ftpc_data *d,
		       void *buf, size_t len);
ssize_t ftpc_data_send(struct ftpc_session *s, struct ftpc_data *d,
		       const void *buf, size_t len);
size_t ftpc_data_readable(struct ftpc_session *s, const struct ftpc_data *d);

/* A message for a failure of the above. */
const char *ftpc_data_strerror(const struct ftpc_data *d, int err);

#endif /* FTPC_DATACHAN_H */
