/*
 * ftp_trace.h - the FTP payload decoder for tcpstack's trace lines (a
 * ts_payload_fn, see ts.h). On an FTP control connection (the configured
 * port at either end) it renders the command or reply a segment carries:
 *
 *   USER anonymous                    a command
 *   PASS ****                         SECURITY: never the password (also ACCT)
 *   IAC IP IAC DM ABOR                the RFC 959 abort sequence
 *   331 Please specify the password.  a reply
 *   211-Features: [+5 lines]          a multi-line reply, shortened
 *   TLS handshake len=512             TLS records: type and length only
 *
 * and, for other connections (FTP data under PROT P), only the TLS
 * record headers that start a segment. It keeps a little state per control
 * connection (FTP_TRACE_CONN_MAX, least recently used evicted): whether the
 * last command segment ended inside a line, so a PASS line split across
 * segments never shows its tail, and whether TLS was seen, so encrypted
 * records that span segments are never shown as text. A command segment
 * whose first word is not an FTP verb is shown only by its length.
 */
#ifndef FTP_TRACE_H
#define FTP_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ftp_limits.h"

struct ftp_trace_conn {
	uint16_t local_port, remote_port;
	bool used;
	bool mid_line; /* last command segment did not end with LF */
	bool tls;      /* a TLS record was seen on this connection  */
	size_t tls_left[2]; /* bytes of its record still to come: [1] */
	                    /* the commands' direction, [0] replies'  */
	unsigned long last_use;
};

/* Decoder state; the caller owns it (e.g. inside its session or server
 * object) and passes it as the decoder's ctx. */
struct ftp_trace {
	uint16_t control_port;
	unsigned long clock;
	struct ftp_trace_conn conns[FTP_TRACE_CONN_MAX];
};

/* Initialises t for a control port (0: FTP_CONTROL_PORT_DEFAULT). */
void ftp_trace_init(struct ftp_trace *t, uint16_t control_port);

/* The ts_payload_fn: ctx is a struct ftp_trace *. Writes at most cap-1
 * bytes and a NUL into out; returns the length, 0 to show nothing.
 * payload is borrowed for the call. */
size_t ftp_trace_decode(void *ctx, uint16_t local_port, uint16_t remote_port,
			bool outbound, const uint8_t *payload, size_t len,
			char *out, size_t cap);

#endif /* FTP_TRACE_H */
