/*
 * control.c - the control connection: connect and greeting, commands out,
 * replies in (parsed only by common/ftp_reply.c), and the close the seed
 * shows after `bye` (the server's FIN first, then ours).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "cmd_table.h"
#include "complete.h"
#include "ftp_addr.h"
#include "log.h"
#include "session.h"
#include "tls_client.h"

static void ctrl_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct ftpc_session *s = arg;

	if (what & BEV_EVENT_CONNECTED)
		s->connected = true;
	if (what & BEV_EVENT_EOF)
		s->ctrl_eof = true;
	if (what & BEV_EVENT_ERROR) {
		int e = ts_bufferevent_error(bev);
		s->ctrl_err = e ? e : -ECONNRESET;
	}
}

static void ctrl_read_cb(struct bufferevent *bev, void *arg)
{
	/* The waiter parses; being called ends its loop iteration. */
	(void)bev;
	(void)arg;
}

static bool ctrl_settled(struct ftpc_session *s, void *arg)
{
	(void)arg;
	return s->connected || s->ctrl_err || s->ctrl_eof;
}

static void conn_state_reset(struct ftpc_session *s)
{
	s->connected = s->logged_in = s->ctrl_eof = false;
	s->ctrl_err = 0;
	s->epsv_failed = s->eprt_failed = false;
	s->reply.code = 0;
	s->restart_point = 0;
	s->type = FTPC_TYPE_ASCII;
	ftp_reply_parser_reset(s->rp);
	ftpc_rcache_clear(s->rcache);
	s->rcache_stale = true;
}

/* The socket and its bufferevent, connecting. 0 or -errno. */
static int open_socket(struct ftpc_session *s, uint32_t ip, uint16_t port)
{
	struct ts_stack *st = net_stack(s->net);
	struct ts_addr ra = { ip, port };
	int rc;

	s->csock = ts_socket(st);
	if (s->csock < 0)
		return s->csock;
	s->cbev = ts_bufferevent_new(net_ev(s->net), s->csock, 0);
	if (!s->cbev)
		return -ENOMEM;
	bufferevent_setcb(s->cbev, ctrl_read_cb, NULL, ctrl_event_cb, s);
	bufferevent_enable(s->cbev, EV_READ | EV_WRITE);
	s->peer = ra;
	rc = ts_connect(st, s->csock, &ra);
	ts_ev_kick(net_ev(s->net));
	return rc == -EINPROGRESS || rc == 0 ? 0 : rc;
}

/* Why the connect failed: the socket's own message when rc is its error
 * (it names an ICMP unreachable and its sender), else rc's. */
static const char *connect_strerror(struct ftpc_session *s, int rc,
				    char *buf, size_t cap)
{
	struct ts_stack *st = net_stack(s->net);

	if (s->csock >= 0 && ts_sock_error(st, s->csock) == rc)
		return ts_sock_strerror(st, s->csock, buf, cap);
	return ts_strerror(rc);
}

int ftpc_connect(struct ftpc_session *s, const char *host, uint32_t ip,
		 uint16_t port)
{
	char a[16], why[160];
	int rc;

	conn_state_reset(s);
	snprintf(s->host, sizeof(s->host), "%s", host);
	ftp_ipv4_format(ip, a);
	if (s->verbose)
		ftpc_out(s, "Trying %s:%u ...", a, port);
	rc = open_socket(s, ip, port);
	if (rc == 0) {
		rc = ftpc_wait(s, ctrl_settled, NULL, FTPC_CONNECT_TIMEOUT_MS,
			       true);
		if (rc == 0 && !s->connected)
			rc = s->ctrl_err ? s->ctrl_err : -ECONNRESET;
	}
	if (rc != 0) {
		ftpc_err(s, "cannot connect to %s:%u: %s", a, port,
			 rc == -ETIMEDOUT ? "no answer within the connect "
					    "timeout; is the server up and on "
					    "this link?"
					  : connect_strerror(s, rc, why,
							     sizeof(why)));
		ftpc_disconnect(s, NULL);
		return rc;
	}
	ftpc_out(s, "Connected to %s.", host);
	do
		rc = ftpc_get_reply(s, s->idle_ms);
	while (rc > 0 && FTP_REPLY_PRELIM(rc));
	if (rc < 0 || !FTP_REPLY_DONE(rc)) {
		if (rc > 0)
			ftpc_err(s, "the server refused the session (reply "
				 "%d); try again later", rc);
		ftpc_disconnect(s, NULL);
		return rc < 0 ? rc : -ECONNREFUSED;
	}
	return 0;
}

void ftpc_disconnect(struct ftpc_session *s, const char *why)
{
	struct ts_stack *st = s->net ? net_stack(s->net) : NULL;

	if (why)
		ftpc_err(s, "%s", why);
	if (s->cbev) {
		/* With TLS: the filter, its SSL and the bufferevent under. */
		bufferevent_free(s->cbev);
		s->cbev = NULL;
	}
	ftpc_tls_disconnected(s);
	if (s->csock >= 0 && st) {
		ts_close(st, s->csock);
		ts_ev_kick(net_ev(s->net));
	}
	s->csock = -1;
	s->connected = s->logged_in = false;
	ftp_reply_parser_reset(s->rp);
	ftpc_rcache_clear(s->rcache);
}

static bool ctrl_peer_closed(struct ftpc_session *s, void *arg)
{
	(void)arg;
	return s->ctrl_eof || s->ctrl_err;
}

static bool ctrl_closed(struct ftpc_session *s, void *arg)
{
	struct ts_sockinfo si;

	(void)arg;
	return ts_getinfo(net_stack(s->net), s->csock, &si) != 0 ||
	       si.state == TS_CLOSED || si.state == TS_TIME_WAIT;
}

int ftpc_quit(struct ftpc_session *s)
{
	int rc;

	if (!s->cbev)
		return 0;
	rc = ftpc_command(s, "QUIT");
	/* The seed's close: the server sends FIN first; we ACK it, then
	 * close our side (CLOSE_WAIT -> LAST_ACK -> CLOSED). */
	if (rc > 0 && !s->ctrl_err)
		ftpc_wait(s, ctrl_peer_closed, NULL, FTPC_QUIT_FIN_WAIT_MS,
			  false);
	if (!s->ctrl_err) {
		/* TLS: close_notify first, the FIN after it. */
		if (!ftpc_tls_shutdown(s))
			ts_shutdown(net_stack(s->net), s->csock, TS_SHUT_WR);
		ts_ev_kick(net_ev(s->net));
		ftpc_wait(s, ctrl_closed, NULL, FTPC_CLOSE_WAIT_MS, false);
	}
	ftpc_disconnect(s, NULL);
	return rc > 0 && FTP_REPLY_DONE(rc) ? 0 : -1;
}

/* ---- commands out ------------------------------------------------------- */

static void debug_print(struct ftpc_session *s, const char *line, size_t len)
{
	char shown[FTPC_CMD_MAX];

	log_redact_ftp_line(line, len, shown, sizeof(shown));
	ftpc_out(s, "---> %s", shown);
}

int ftpc_send_raw(struct ftpc_session *s, const void *buf, size_t len)
{
	if (!s->cbev || s->ctrl_err)
		return -ENOTCONN;
	if (bufferevent_write(s->cbev, buf, len) != 0)
		return -ENOMEM;
	ts_ev_kick(net_ev(s->net));
	return 0;
}

int ftpc_send(struct ftpc_session *s, const char *fmt, ...)
{
	char line[FTPC_CMD_MAX];
	va_list ap;
	int n;

	if (!s->cbev || s->ctrl_err || s->ctrl_eof) {
		ftpc_err(s, "%s", FTPC_MSG_NOT_CONNECTED);
		return -ENOTCONN;
	}
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 2) {
		ftpc_err(s, "command too long (over %u bytes); shorten the "
			 "file name or argument", FTPC_CMD_MAX - 3);
		return -EMSGSIZE;
	}
	/* SECURITY: no CR, LF or NUL inside a command: an argument (a file
	 * name from a listing, a typed line) cannot add a second command. */
	if (strpbrk(line, "\r\n") || strlen(line) != (size_t)n) {
		ftpc_err(s, "refusing to send a command with a line break in "
			 "it; rename the file or quote the argument");
		return -EINVAL;
	}
	ftpc_drain_late_replies(s);
	if (s->debug)
		debug_print(s, line, (size_t)n);
	memcpy(line + n, "\r\n", 2);
	return ftpc_send_raw(s, line, (size_t)n + 2);
}

static bool ctrl_flushed(struct ftpc_session *s, void *arg)
{
	(void)arg;
	return !s->cbev || s->ctrl_err ||
	       evbuffer_get_length(bufferevent_get_output(s->cbev)) == 0;
}

int ftpc_flush_control(struct ftpc_session *s)
{
	return ftpc_wait(s, ctrl_flushed, NULL, FTPC_FLUSH_TIMEOUT_MS, false);
}

/* ---- replies in ---------------------------------------------------------- */

/* Lines of a malformed reply shown per command before going quiet. */
#define BAD_LINES_SHOWN 3u

static void copy_reply(struct ftpc_session *s, const struct ftp_reply *r)
{
	size_t n = r->len < FTP_REPLY_SIZE_MAX ? r->len : FTP_REPLY_SIZE_MAX;
	size_t m = r->msg_len < FTP_REPLY_LINE_MAX ? r->msg_len
						   : FTP_REPLY_LINE_MAX;

	s->reply.code = r->code;
	memcpy(s->reply.text, r->text, n);
	s->reply.text[n] = '\0';
	memcpy(s->reply.msg, r->msg, m);
	s->reply.msg[m] = '\0';
}

static void note_bad_line(struct ftpc_session *s)
{
	if (s->bad_lines++ < BAD_LINES_SHOWN)
		ftpc_err(s, "ignoring a malformed reply line from %s (a reply "
			 "line starts with a 3-digit code); the server does "
			 "not speak FTP correctly", s->host);
}

/* Parses buffered control input: true when s->reply holds a new reply;
 * *too_long is set when a reply was over the limits and discarded. */
static bool parse_buffered(struct ftpc_session *s, bool *too_long)
{
	struct evbuffer *in;

	if (!s->cbev)
		return false;
	in = bufferevent_get_input(s->cbev);
	while (evbuffer_get_length(in) > 0) {
		struct evbuffer_iovec v;
		struct ftp_reply r;
		size_t used = 0;
		enum ftp_parse pr;

		/* OpenSSL's filter may leave an empty chain in front. */
		if (evbuffer_peek(in, -1, NULL, &v, 1) < 1 || v.iov_len == 0) {
			evbuffer_pullup(in, 1);
			if (evbuffer_peek(in, -1, NULL, &v, 1) < 1)
				break;
		}
		pr = ftp_reply_feed(s->rp, v.iov_base, v.iov_len, &used, &r);
		if (pr == FTP_PARSE_OK)
			copy_reply(s, &r);
		evbuffer_drain(in, used);
		if (pr == FTP_PARSE_OK)
			return true;
		if (pr == FTP_PARSE_BAD)
			note_bad_line(s);
		if (pr == FTP_PARSE_TOO_LONG) {
			*too_long = true;
			return false;
		}
	}
	return false;
}

bool ftpc_reply_ready(struct ftpc_session *s)
{
	bool too_long = false;

	if (s->reply_pending)
		return true;
	if (parse_buffered(s, &too_long))
		s->reply_pending = true;
	return s->reply_pending;
}

void ftpc_print_reply(struct ftpc_session *s)
{
	if (s->quiet && !s->debug)
		return;
	if (s->verbose || s->debug || s->reply.code >= 400)
		ftpc_out(s, "%s", s->reply.text);
}

void ftpc_drain_late_replies(struct ftpc_session *s)
{
	bool too_long = false;

	if (s->reply_pending || parse_buffered(s, &too_long)) {
		do {
			s->reply_pending = false;
			ftpc_print_reply(s);
		} while (parse_buffered(s, &too_long));
	}
	s->bad_lines = 0;
}

static void lost_peer(struct ftpc_session *s)
{
	char why[FTP_HOSTNAME_MAX + 256];
	const char *inside = ftp_reply_parser_busy(s->rp) ? " inside a reply"
							  : "";

	if (s->ctrl_err && s->ctrl_err != -ECONNRESET)
		snprintf(why, sizeof(why), "lost the control connection to "
			 "%s%s: %s; use `open` to connect again", s->host,
			 inside, ts_strerror(s->ctrl_err));
	else
		snprintf(why, sizeof(why), "%s closed the control connection"
			 "%s%s; use `open` to connect again", s->host, inside,
			 s->ctrl_err ? " (reset)" : "");
	ftpc_disconnect(s, why);
}

int ftpc_get_reply(struct ftpc_session *s, unsigned timeout_ms)
{
	uint64_t deadline = ftpc_now_us() + (uint64_t)timeout_ms * 1000u;

	for (;;) {
		bool too_long = false;
		uint64_t now;

		if (s->reply_pending || parse_buffered(s, &too_long)) {
			s->reply_pending = false;
			ftpc_print_reply(s);
			return (int)s->reply.code;
		}
		if (too_long) {
			ftpc_err(s, "discarded a reply from %s longer than %u "
				 "bytes a line or %u bytes in all; the command "
				 "failed", s->host, FTP_REPLY_LINE_MAX,
				 FTP_REPLY_SIZE_MAX);
			return -EMSGSIZE;
		}
		if (!s->cbev)
			return -ENOTCONN;
		if (s->ctrl_err || s->ctrl_eof) {
			lost_peer(s);
			return -ECONNRESET;
		}
		if (s->intr)
			return -EINTR;
		now = ftpc_now_us();
		if (now >= deadline) {
			ftpc_disconnect(s, "no reply from the server within "
					   "the timeout; closed the connection "
					   "(-q sets the timeout)");
			return -ETIMEDOUT;
		}
		ftpc_loop_once(s, deadline - now);
	}
}

int ftpc_command(struct ftpc_session *s, const char *fmt, ...)
{
	char line[FTPC_CMD_MAX];
	va_list ap;
	int rc, n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		ftpc_err(s, "command too long (over %u bytes); shorten the "
			 "argument", FTPC_CMD_MAX - 1);
		return -EMSGSIZE;
	}
	rc = ftpc_send(s, "%s", line);
	explicit_bzero(line, sizeof(line));
	if (rc != 0)
		return rc;
	do
		rc = ftpc_get_reply(s, s->idle_ms);
	while (rc > 0 && FTP_REPLY_PRELIM(rc));
	return rc;
}
