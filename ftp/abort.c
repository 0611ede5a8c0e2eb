/*
 * abort.c - ABOR with Telnet IP and an urgent DM (see abort.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "abort.h"
#include "tls_client.h"

#define TELNET_IAC 255u
#define TELNET_IP 244u
#define TELNET_DM 242u
#define ABORT_REPLIES_MAX 6u /* reply lines read: 1xx, 426, 226, spares */

static bool reply_ready(struct ftpc_session *s, void *arg)
{
	(void)arg;
	return !s->cbev || s->ctrl_err || s->ctrl_eof || ftpc_reply_ready(s);
}

/* IAC IP; IAC DM with the DM urgent; ABOR. Order on the wire is kept:
 * the bufferevent was flushed first and nothing else is queued. */
static int send_abort(struct ftpc_session *s)
{
	static const uint8_t ip[] = { TELNET_IAC, TELNET_IP };
	static const uint8_t dm[] = { TELNET_IAC, TELNET_DM };
	static const char abor[] = "ABOR\r\n";
	struct ts_stack *st = net_stack(s->net);

	if (ftpc_flush_control(s) != 0 || !s->cbev)
		return -ENOTCONN;
	/* TLS: no urgent byte can be inside a record; ABOR alone. */
	if (ftpc_tls_on(s))
		return ftpc_send(s, "ABOR");
	if (s->debug)
		ftpc_out(s, "---> IAC IP IAC DM ABOR");
	if (ts_send(st, s->csock, ip, sizeof(ip), 0) != sizeof(ip) ||
	    ts_send(st, s->csock, dm, sizeof(dm), TS_MSG_OOB) != sizeof(dm) ||
	    ts_send(st, s->csock, abor, sizeof(abor) - 1, 0) !=
		    (ssize_t)(sizeof(abor) - 1))
		return -EIO;
	ts_ev_kick(net_ev(s->net));
	return 0;
}

unsigned ftpc_abort_replies_due(bool transfer_reply_read)
{
	return transfer_reply_read ? 1u : 2u;
}

/* Reads exactly the final replies due (see ftpc_abort_replies_due);
 * 1xx lines do not count. A server that sends fewer is waited for at
 * most FTPC_ABORT_SECOND_REPLY_MS after its first final reply. */
static int drain_replies(struct ftpc_session *s, unsigned due)
{
	unsigned got = 0, lines;

	for (lines = 0; got < due && lines < ABORT_REPLIES_MAX; lines++) {
		unsigned ms = got ? FTPC_ABORT_SECOND_REPLY_MS
				  : FTPC_ABORT_REPLY_TIMEOUT_MS;
		int rc = ftpc_wait(s, reply_ready, NULL, ms, false);

		if (rc != 0 && got) {
			if (s->debug)
				ftpc_out(s, "(the server sent %u of the %u "
					    "replies due after ABOR)", got, due);
			return 0;
		}
		if (rc != 0) {
			ftpc_disconnect(s, "the server did not answer ABOR; "
					   "closed the connection");
			return rc;
		}
		rc = ftpc_get_reply(s, FTPC_ABORT_REPLY_TIMEOUT_MS);
		if (rc < 0)
			return rc;
		if (!FTP_REPLY_PRELIM(rc))
			got++;
	}
	return 0;
}

int ftpc_abort_transfer(struct ftpc_session *s, struct ftpc_data *d,
			bool transfer_reply_read)
{
	int rc;

	s->intr = false;
	rc = send_abort(s);
	/* The data connection goes at once: the server's write fails
	 * (426) if it did not see ABOR first. */
	ftpc_data_close(s, d, true);
	if (rc != 0) {
		ftpc_disconnect(s, "cannot send ABOR: the control connection "
				   "is gone");
		return rc;
	}
	return drain_replies(s, ftpc_abort_replies_due(transfer_reply_read));
}
