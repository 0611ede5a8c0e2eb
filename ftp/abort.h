/*
 * abort.h - Ctrl-C during a transfer, the RFC 959 way (section 4.1.3):
 * Telnet IAC IP, then IAC DM sent as urgent data (TCP URG, so a server
 * busy sending notices it), then ABOR; the data connection is reset and
 * the replies drained, so the session stays usable: exactly as many
 * final replies as are due, never a count guessed from timing.
 */
#ifndef FTPC_ABORT_H
#define FTPC_ABORT_H

#include "datachan.h"
#include "session.h"

/* Final replies ABOR brings (RFC 959 section 4.1.3): one of its own
 * (226, 225), and the transfer's (426, or 226 when it had ended) unless
 * the client had already read that one. */
unsigned ftpc_abort_replies_due(bool transfer_reply_read);

/* Aborts the transfer on d; transfer_reply_read says whether the
 * transfer's final reply was already read. Returns 0 when the server
 * confirmed the abort, -errno when the connection had to be dropped. */
int ftpc_abort_transfer(struct ftpc_session *s, struct ftpc_data *d,
			bool transfer_reply_read);

#endif /* FTPC_ABORT_H */
