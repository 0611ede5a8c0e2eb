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
#define ABORT_REPLIES_MAX 4u /* 150, 426, 226 at most, and a spare */

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

/* Reads the replies: the transfer's (426, or 226 when it had ended)
 * and ABOR's (226 or 225). Stops once a 2xx came and nothing follows
 * within FTPC_ABORT_LATE_REPLY_MS. */
static int drain_replies(struct ftpc_session *s)
{
	bool done = false;
	unsigned i;

	for (i = 0; i < ABORT_REPLIES_MAX; i++) {
		unsigned ms = done ? FTPC_ABORT_LATE_REPLY_MS
				   : FTPC_ABORT_REPLY_TIMEOUT_MS;
		int rc = ftpc_wait(s, reply_ready, NULL, ms, false);

		if (rc != 0 && done)
			return 0;
		if (rc != 0) {
			ftpc_disconnect(s, "the server did not answer ABOR; "
					   "closed the connection");
			return rc;
		}
		rc = ftpc_get_reply(s, FTPC_ABORT_REPLY_TIMEOUT_MS);
		if (rc < 0)
			return rc;
		if (FTP_REPLY_DONE(rc))
			done = true;
	}
	return 0;
}

int ftpc_abort_transfer(struct ftpc_session *s, struct ftpc_data *d)
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
	return drain_replies(s);
}
