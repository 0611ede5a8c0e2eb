/*
 * session.c - the control connection of one session: bytes in through
 * the command parser, commands checked against the command table and run,
 * replies out, the session's timers, and its orderly end with the server
 * closing first (see session.h).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <openssl/crypto.h>

#include "auth.h"
#include "datachan.h"
#include "ftp_addr.h"
#include "ftpd_limits.h"
#include "listing.h"
#include "reply.h"
#include "server.h"
#include "session.h"
#include "tls_server.h"
#include "transfer.h"

const struct ftpd_config *ftpd_session_cfg(const struct ftpd_session *s)
{
	return &s->gen->cfg;
}

void ftpd_slog(struct ftpd_session *s, enum log_level level, const char *fmt,
	       ...)
{
	char msg[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_session(s->srv->log, level, &s->ls, "%s", msg);
}

/* ---- replies ------------------------------------------------------------------ */

static void check_output(struct ftpd_session *s)
{
	size_t queued = evbuffer_get_length(bufferevent_get_output(s->bev));

	/* A client that sends commands but never reads replies: stop
	 * reading its commands until the replies drain (write_cb). */
	if (queued > FTPD_OUTPUT_HIGH)
		s->output_full = true;
}

void ftpd_reply_raw(struct ftpd_session *s, const char *buf, size_t len)
{
	if (s->phase == FTPD_PH_CLOSING)
		return; /* our FIN is queued: nothing may follow it */
	bufferevent_write(s->bev, buf, len);
	check_output(s);
}

void ftpd_reply(struct ftpd_session *s, unsigned code, const char *fmt, ...)
{
	char text[FTPD_REPLY_TEXT_MAX], out[FTPD_REPLY_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	n = ftpd_reply_format(code, text, out, sizeof(out));
	if (n < 0)
		n = ftpd_reply_format(code, "(reply too long)", out, sizeof(out));
	if (n > 0)
		ftpd_reply_raw(s, out, (size_t)n);
}

static void closing_check(struct ftpd_session *s);

/* ---- timers ------------------------------------------------------------------- */

static void set_timer(struct ftpd_session *s, enum ftpd_timer_use use,
		      int64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };

	s->timer_use = use;
	if (use == FTPD_TM_NONE)
		evtimer_del(s->timer);
	else
		evtimer_add(s->timer, &tv);
}

void ftpd_session_arm_timer(struct ftpd_session *s)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	int64_t left;

	if (s->phase != FTPD_PH_COMMANDS)
		return;
	if (s->xfer) {
		set_timer(s, FTPD_TM_NONE, 0); /* the transfer's own timer */
		return;
	}
	if (s->logged_in) {
		set_timer(s, FTPD_TM_IDLE, s->idle_ms);
		return;
	}
	/* login_timeout counts from the connection (or REIN), not from
	 * the last command: a client cannot hold a slot by chatting. */
	left = c->login_timeout_ms - (int64_t)(time(NULL) - s->since) * 1000;
	set_timer(s, FTPD_TM_LOGIN, left > 0 ? left : 0);
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ftpd_session *s = arg;

	(void)fd;
	(void)what;
	switch (s->timer_use) {
	case FTPD_TM_LOGIN:
		ftpd_slog(s, LOG_LVL_INFO, "login timeout: closing");
		ftpd_session_close(s, 421, "Login timeout: closing the "
				   "connection.");
		break;
	case FTPD_TM_IDLE:
		ftpd_slog(s, LOG_LVL_INFO, "idle for %lld s: closing",
			  (long long)(s->idle_ms / 1000));
		ftpd_session_close(s, 421, "Timeout: no command for too long; "
				   "closing the connection.");
		break;
	case FTPD_TM_DELAY:
		ftpd_login_delay_done(s);
		break;
	case FTPD_TM_LINGER:
		closing_check(s);
		break;
	case FTPD_TM_NONE:
		break;
	}
}

/* ---- commands ------------------------------------------------------------------- */

static void dispatch(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	const struct ftpd_cmd_def *def = ftpd_cmd_find(cmd->verb,
						       cmd->verb_len);
	struct ftpd_cmd_state st;
	const char *text = NULL;
	unsigned code;

	memset(&st, 0, sizeof(st));
	st.logged_in = s->logged_in;
	st.perms = s->logged_in ? s->perms : 0;
	st.prev = s->last;
	/* RNFR's path is good for the command right after it only. */
	if (s->rnfr && (!def || strcmp(def->name, "RNTO") != 0)) {
		free(s->rnfr);
		s->rnfr = NULL;
	}
	code = ftpd_cmd_check(def, cmd, &st, &text);
	s->last = def;
	if (code != 0)
		ftpd_reply(s, code, "%s", text);
	else
		def->handler(s, cmd);
}

/* Keeps a command that must wait for the running transfer's end. */
static void hold(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	struct ftpd_held *h = malloc(sizeof(*h) + cmd->arg_len + 1);

	if (!h) {
		ftpd_reply(s, 451, "Out of memory: command dropped.");
		return;
	}
	h->cmd = *cmd;
	memcpy(h->buf, cmd->arg, cmd->arg_len);
	h->buf[cmd->arg_len] = '\0';
	h->cmd.arg = h->buf;
	s->held = h;
}

static void free_held(struct ftpd_session *s)
{
	if (!s->held)
		return;
	/* SECURITY: it may be a PASS. */
	OPENSSL_cleanse(s->held->buf, s->held->cmd.arg_len);
	free(s->held);
	s->held = NULL;
}

void ftpd_session_run_held(struct ftpd_session *s)
{
	struct ftpd_held *h = s->held;

	if (!h || s->xfer || s->phase != FTPD_PH_COMMANDS)
		return;
	s->held = NULL;
	dispatch(s, &h->cmd);
	OPENSSL_cleanse(h->buf, h->cmd.arg_len);
	free(h);
	ftpd_session_arm_timer(s);
}

static void run_command(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	const struct ftpd_cmd_def *def = ftpd_cmd_find(cmd->verb,
						       cmd->verb_len);

	/* SECURITY: never the argument of PASS/ACCT (log.h). */
	log_ftp_command(s->srv->log, &s->ls, cmd->verb, cmd->verb_len,
			cmd->arg, cmd->arg_len);
	if (s->xfer && !(def && (def->flags & FTPD_CMD_DURING_XFER)))
		hold(s, cmd);
	else
		dispatch(s, cmd);
	/* SECURITY: the password leaves the parser's buffer at once. */
	if (def && (def->flags & FTPD_CMD_SECRET))
		ftpd_cmdline_wipe(s->parser);
	ftpd_session_arm_timer(s);
}

static void bad_line(struct ftpd_session *s, enum ftp_parse rc)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);

	if (rc == FTP_PARSE_TOO_LONG) {
		ftpd_slog(s, LOG_LVL_WARNING, "command line over %lld bytes "
			  "discarded", (long long)c->max_line);
		ftpd_reply(s, 500, "Command line too long (over %lld bytes); "
			   "discarded.", (long long)c->max_line);
	} else {
		ftpd_reply(s, 500, "Bad command line (NUL byte, bare CR, "
			   "empty line or bad verb).");
	}
	s->last = NULL;
}

static void send_telnet_answers(struct ftpd_session *s)
{
	uint8_t buf[FTPD_TELNET_OUT_MAX];
	size_t n = ftpd_cmdline_take_reply(s->parser, buf, sizeof(buf));

	if (n > 0)
		ftpd_reply_raw(s, (const char *)buf, n);
}

static bool can_read(const struct ftpd_session *s)
{
	return s->phase == FTPD_PH_COMMANDS && !s->held && !s->output_full &&
	       !s->quit_pending;
}

/* Runs the commands waiting in the input, at most FTPD_CMDS_PER_EVENT
 * before letting other sessions run.
 *
 * RFC 959's abort (IAC IP, then IAC DM sent as urgent data, then ABOR)
 * needs no urgent-mode handling here: the stack keeps urgent data inline
 * and the control connection is read all the time, transfers included,
 * so the parser sees the Telnet commands in order (a DM drops the
 * partial line before it) and ABOR runs at once (FTPD_CMD_DURING_XFER). */
static void process_input(struct ftpd_session *s)
{
	unsigned cmds = 0;

	while (can_read(s)) {
		/* SECURITY: fetched anew for every command: after AUTH TLS
		 * the bytes that follow it belong to OpenSSL (s->bev is the
		 * filter), never to the parser (CVE-2011-0411 class). */
		struct evbuffer *in = bufferevent_get_input(s->bev);
		struct evbuffer_iovec v;
		struct ftpd_cmd cmd;
		enum ftp_parse rc;
		size_t used = 0;

		if (evbuffer_get_length(in) == 0)
			return;
		/* OpenSSL's filter may leave an empty chain in front. */
		if (evbuffer_peek(in, -1, NULL, &v, 1) < 1 || v.iov_len == 0) {
			evbuffer_pullup(in, 1);
			if (evbuffer_peek(in, -1, NULL, &v, 1) < 1)
				return;
		}
		if (cmds >= FTPD_CMDS_PER_EVENT) {
			event_active(s->resume, EV_TIMEOUT, 0);
			return;
		}
		rc = ftpd_cmdline_feed(s->parser, v.iov_base, v.iov_len,
				       &used, &cmd);
		evbuffer_drain(in, used);
		send_telnet_answers(s);
		if (rc == FTP_PARSE_NEED_MORE)
			continue;
		cmds++;
		if (rc == FTP_PARSE_OK)
			run_command(s, &cmd);
		else
			bad_line(s, rc);
	}
}

void ftpd_session_resume(struct ftpd_session *s)
{
	event_active(s->resume, EV_TIMEOUT, 0);
}

static void resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ftpd_session *s = arg;

	(void)fd;
	(void)what;
	if (s->held)
		ftpd_session_run_held(s);
	process_input(s);
}

/* ---- the connection --------------------------------------------------------------- */

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct ftpd_session *s = arg;

	if (s->phase == FTPD_PH_CLOSING) {
		/* Whatever follows QUIT is not read: drop it. */
		evbuffer_drain(bufferevent_get_input(bev),
			       evbuffer_get_length(bufferevent_get_input(bev)));
		return;
	}
	process_input(s);
}

static void write_cb(struct bufferevent *bev, void *arg)
{
	struct ftpd_session *s = arg;

	(void)bev;
	if (s->output_full) {
		s->output_full = false;
		check_output(s);
		if (!s->output_full)
			ftpd_session_resume(s);
	}
}

/* Our FIN is queued in the stack: every reply before it went to
 * ts_send, so closing the socket now loses nothing. */
static bool fin_queued(const struct ftpd_session *s)
{
	struct ts_sockinfo si;

	if (ts_getinfo(ts_ev_stack(s->srv->ev), s->sock, &si) != 0)
		return true;
	return si.state != TS_ESTABLISHED && si.state != TS_CLOSE_WAIT &&
	       si.state != TS_SYN_RECEIVED;
}

static void closing_check(struct ftpd_session *s)
{
	if ((s->peer_eof && fin_queued(s)) ||
	    ++s->linger_polls * FTPD_CLOSE_POLL_MS >= FTPD_QUIT_LINGER_MS)
		ftpd_session_free(s);
	else
		set_timer(s, FTPD_TM_LINGER, FTPD_CLOSE_POLL_MS);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct ftpd_session *s = arg;

	if (what & BEV_EVENT_ERROR) {
		ftpd_slog(s, LOG_LVL_INFO, "control connection failed: %s",
			  ts_strerror(ts_bufferevent_error(bev)));
		ftpd_session_free(s);
		return;
	}
	if (!(what & BEV_EVENT_EOF))
		return;
	s->peer_eof = true;
	if (s->phase != FTPD_PH_CLOSING) {
		/* Commands sent before the client's FIN still run (a
		 * script's QUIT); then we close our side too. */
		process_input(s);
		if (s->phase != FTPD_PH_CLOSING) {
			ftpd_slog(s, LOG_LVL_INFO, "client closed the control "
				  "connection");
			ftpd_session_close(s, 0, NULL);
		}
	}
	closing_check(s);
}

void ftpd_session_close(struct ftpd_session *s, unsigned code,
			const char *text)
{
	if (s->phase == FTPD_PH_CLOSING)
		return;
	if (s->job) {
		s->job->done = NULL; /* its result is not wanted */
		s->job = NULL;
	}
	if (s->xfer)
		ftpd_xfer_abort(s, false);
	ftpd_dc_reset(s);
	if (code)
		ftpd_reply(s, code, "%s", text);
	s->phase = FTPD_PH_CLOSING;
	ftpd_tls_close_notify(s);
	/* The server closes first: FIN after the reply, so our side goes
	 * FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT, as in the seed. The
	 * session ends when the client's FIN came (or after
	 * FTPD_QUIT_LINGER_MS). */
	ts_bufferevent_shutdown_write(s->bev);
	s->linger_polls = 0;
	set_timer(s, FTPD_TM_LINGER, FTPD_CLOSE_POLL_MS);
}

void ftpd_session_free(struct ftpd_session *s)
{
	ftpd_slog(s, LOG_LVL_INFO, "session ends after %lld s",
		  (long long)(time(NULL) - s->since));
	if (s->job)
		s->job->done = NULL;
	if (s->xfer)
		ftpd_xfer_abort(s, false);
	ftpd_dc_reset(s);
	free(s->rnfr);
	free_held(s);
	event_free(s->timer);
	event_free(s->resume);
	/* Closes the stack socket (orderly: ts_close); with TLS, s->bev is
	 * the filter, which only borrows the SSL and the bufferevent under
	 * it (CCC may drop the filter and keep them): the next call frees
	 * those. */
	bufferevent_free(s->bev);
	ftpd_tls_session_free(s);
	ftpd_cmdline_free(s->parser);
	ftpd_server_forget(s->srv, s);
	ftpd_gen_put(s->gen);
	free(s);
}

static void greet(struct ftpd_session *s)
{
	const char *b = s->gen->banner;

	ftpd_reply(s, 220, "%s", b && b[0] ? b : "synfin FTP server ready.");
}

static int session_build(struct ftpd_session *s, int sock)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	struct event_base *base = s->srv->base;

	s->timer = evtimer_new(base, timer_cb, s);
	s->resume = event_new(base, -1, 0, resume_cb, s);
	s->parser = ftpd_cmdline_new((size_t)c->max_line);
	s->bev = ts_bufferevent_new(s->srv->ev, sock, BEV_OPT_CLOSE_ON_FREE);
	if (!s->bev) {
		ts_abort(ts_ev_stack(s->srv->ev), sock);
		return -ENOMEM;
	}
	if (!s->timer || !s->resume || !s->parser)
		return -ENOMEM;
	bufferevent_setcb(s->bev, read_cb, write_cb, event_cb, s);
	bufferevent_setwatermark(s->bev, EV_WRITE, FTPD_OUTPUT_HIGH / 2, 0);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	return 0;
}

static void session_discard(struct ftpd_session *s)
{
	if (s->timer)
		event_free(s->timer);
	if (s->resume)
		event_free(s->resume);
	if (s->bev)
		bufferevent_free(s->bev);
	ftpd_cmdline_free(s->parser);
	ftpd_gen_put(s->gen);
	free(s);
}

struct ftpd_session *ftpd_session_start(struct ftpd_server *srv, int sock,
					uint32_t peer_ip, uint16_t peer_port)
{
	struct ftpd_session *s = calloc(1, sizeof(*s));
	char a[16];

	if (!s) {
		ts_abort(ts_ev_stack(srv->ev), sock);
		return NULL;
	}
	s->srv = srv;
	s->gen = ftpd_gen_get(srv->gen);
	s->ls.id = ++srv->next_id;
	snprintf(s->ls.peer, sizeof(s->ls.peer), "%s:%u",
		 ftp_ipv4_format(peer_ip, a), peer_port);
	s->peer_ip = peer_ip;
	s->peer_port = peer_port;
	s->local_ip = srv->addr;
	s->since = time(NULL);
	s->sock = sock;
	s->idle_ms = ftpd_session_cfg(s)->idle_session_timeout_ms;
	s->mlst_facts = LISTING_FACTS_ALL;
	vfs_path_root(&s->cwd);
	if (session_build(s, sock) != 0) {
		log_msg(srv->log, LOG_LVL_ERROR, "out of memory: connection "
			"from %s refused", s->ls.peer);
		session_discard(s);
		return NULL;
	}
	s->next = srv->sessions;
	if (srv->sessions)
		srv->sessions->prev = s;
	srv->sessions = s;
	srv->n_sessions++;
	ftpd_slog(s, LOG_LVL_INFO, "connected (%zu sessions)", srv->n_sessions);
	greet(s);
	ftpd_session_arm_timer(s);
	return s;
}

int ftpd_session_path(struct ftpd_session *s, const char *arg, size_t len,
		      struct vfs_path *out)
{
	int rc = vfs_resolve(&s->cwd, arg, len, out);

	if (rc != 0)
		ftpd_reply(s, 553, "Bad path name: %s.", vfs_strerror(rc));
	return rc;
}
