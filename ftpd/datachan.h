/*
 * datachan.h - a session's data connection, from PASV/EPSV or PORT/EPRT
 * to the moment a transfer has a connected stream (dataio.h).
 *
 * Passive: a listener on a port from [pasv_min_port, pasv_max_port],
 * tried from a random place (rules.h). SECURITY: a connection from any
 * other address than the control connection's peer is refused at once
 * (reset, logged) and the listener keeps waiting for the real client
 * (unless pasv_promiscuous).
 *
 * Active: on the transfer command the server connects to the PORT/EPRT
 * address (checked by ftpd_port_check when it was given) FROM port 20
 * (connect_from_port_20, TS_OPT_REUSEADDR), so the trace shows a second
 * handshake started by the server.
 *
 * Every PASV/PORT replaces the previous one; a transfer uses the data
 * connection once, then it is reset.
 */
#ifndef FTPD_DATACHAN_H
#define FTPD_DATACHAN_H

#include <stdbool.h>
#include <stdint.h>

#include "dataio.h"
#include "ftp_addr.h"

struct ftpd_session;

/* The connection is ready (io, owned by the callee) or failed (io NULL,
 * err a negative errno: -ETIMEDOUT, -ECONNREFUSED, ...). */
typedef void (*ftpd_dc_ready_fn)(struct ftpd_session *s,
				 struct ftpd_dataio *io, int err);

/* PASV/EPSV: listens; 0 and *port, or -errno (no free port: -EADDRINUSE). */
int ftpd_dc_passive(struct ftpd_session *s, uint16_t *port);

/* PORT/EPRT (already checked): remembers where to connect. 0 or -ENOMEM. */
int ftpd_dc_active(struct ftpd_session *s, const struct ftp_hostport *hp);

/* True after PASV/PORT and until the next transfer's end. */
bool ftpd_dc_ready(const struct ftpd_session *s);

/*
 * Gets the data connection for a transfer: 1 with *io when it is already
 * open (a passive connection the client made), 0 when ready() will be
 * called from the loop (after accept_timeout / connect_timeout at most),
 * or -errno now.
 */
int ftpd_dc_open(struct ftpd_session *s, struct ftpd_dataio **io,
		 ftpd_dc_ready_fn ready);

/* Forgets the data connection state: closes a listener and any unused
 * connection. Safe to call any time. */
void ftpd_dc_reset(struct ftpd_session *s);

/* "passive port 50123", "active to A.B.C.D:P", "none" (for STAT). */
const char *ftpd_dc_describe(const struct ftpd_session *s, char *buf,
			     size_t cap);

#endif /* FTPD_DATACHAN_H */
