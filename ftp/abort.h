/*
 * abort.h - Ctrl-C during a transfer, the RFC 959 way (section 4.1.3):
 * Telnet IAC IP, then IAC DM sent as urgent data (TCP URG, so a server
 * busy sending notices it), then ABOR; the data connection is reset and
 * the replies drained (426 then 226, or 225/226 alone), so the session
 * stays usable.
 */
#ifndef FTPC_ABORT_H
#define FTPC_ABORT_H

#include "datachan.h"
#include "session.h"

/* Aborts the transfer on d. Returns 0 when the server confirmed the
 * abort, -errno when the connection had to be dropped. */
int ftpc_abort_transfer(struct ftpc_session *s, struct ftpc_data *d);

#endif /* FTPC_ABORT_H */
