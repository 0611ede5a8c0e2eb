/*
 * session.c - the session's lifetime, its network, output helpers, the
 * wait layer and synchronous input on top of edit.c (see session.h).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "complete.h"
#include "edit.h"
#include "session.h"
#include "tls_client.h"

uint64_t ftpc_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * FTPC_USEC_PER_SEC +
	       (uint64_t)ts.tv_nsec / 1000u;
}

/* A progress bar is drawn with '\r': end its line before other output. */
static void clear_bar(struct ftpc_session *s)
{
	if (s->bar_shown) {
		fputc('\n', stdout);
		s->bar_shown = false;
	}
}

void ftpc_err(struct ftpc_session *s, const char *fmt, ...)
{
	va_list ap;

	clear_bar(s);
	fflush(stdout);
	fputs("ftp: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void ftpc_out(struct ftpc_session *s, const char *fmt, ...)
{
	va_list ap;

	clear_bar(s);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* Trace and network notes: on the terminal, between other output. */
static void net_line(void *ctx, const char *line)
{
	struct ftpc_session *s = ctx;

	clear_bar(s);
	ftpc_edit_output_begin(s->edit);
	fprintf(stdout, "%s\n", line);
	fflush(stdout);
	ftpc_edit_output_end(s->edit);
}

static void on_sigint(evutil_socket_t fd, short what, void *arg)
{
	struct ftpc_session *s = arg;

	(void)fd;
	(void)what;
	s->intr = true;
	if (s->edit)
		ftpc_edit_cancel(s->edit);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct ftpc_session *s = arg;

	(void)fd;
	(void)what;
	s->timer_fired = true;
}

static void settings_init(struct ftpc_session *s, const struct ftpc_opts *o)
{
	s->o = *o;
	s->csock = -1;
	s->interactive = isatty(STDIN_FILENO) == 1;
	s->ttyout = isatty(STDOUT_FILENO) == 1;
	s->verbose = o->verbose;
	s->debug = o->debug;
	s->prompt = o->prompt;
	s->passive = o->passive;
	s->epsv = true;
	s->sendport = true;
	s->progress = true;
	s->hash_step = FTPC_HASH_BYTES_DEFAULT;
	s->trace_mask = o->net.trace;
	s->type = FTPC_TYPE_ASCII;
	s->idle_ms = o->idle_timeout_ms ? o->idle_timeout_ms
					: FTPC_IDLE_TIMEOUT_MS;
}

struct ftpc_session *ftpc_session_new(struct event_base *base,
				      const struct ftpc_opts *o)
{
	struct ftpc_session *s = calloc(1, sizeof(*s));

	if (!s) {
		fprintf(stderr, "ftp: out of memory\n");
		return NULL;
	}
	s->base = base;
	settings_init(s, o);
	s->rp = ftp_reply_parser_new();
	s->rcache = ftpc_rcache_new();
	s->sigint_ev = evsignal_new(base, SIGINT, on_sigint, s);
	s->timer_ev = evtimer_new(base, on_timer, s);
	if (s->rp && s->rcache && s->sigint_ev && s->timer_ev)
		s->edit = ftpc_edit_new(base, "ftp",
					s->interactive && s->ttyout,
					s->rcache);
	if (!s->edit || event_add(s->sigint_ev, NULL) != 0) {
		fprintf(stderr, "ftp: cannot set up the session: out of "
				"memory or signals unavailable\n");
		ftpc_session_free(s);
		return NULL;
	}
	return s;
}

void ftpc_session_free(struct ftpc_session *s)
{
	char err[256];
	size_t i;

	if (!s)
		return;
	if (s->cbev || s->csock >= 0)
		ftpc_disconnect(s, NULL);
	ftpc_tls_free(s);
	if (s->net && net_close(s->net, err, sizeof(err)) != 0)
		fprintf(stderr, "ftp: %s\n", err);
	ftpc_edit_free(s->edit);
	ftpc_rcache_free(s->rcache);
	ftp_reply_parser_free(s->rp);
	if (s->sigint_ev)
		event_free(s->sigint_ev);
	if (s->timer_ev)
		event_free(s->timer_ev);
	for (i = 0; i < s->nmacros; i++)
		free(s->macros[i].body);
	free(s);
}

int ftpc_net_ensure(struct ftpc_session *s, uint16_t control_port)
{
	struct net_opts no = s->o.net;
	char err[512];

	if (s->net)
		return 0;
	no.ftp_control_port = control_port;
	no.trace = s->trace_mask;
	no.probe_tries = s->o.addr_given ? 0 : FTPC_PROBE_TRIES;
	no.line = net_line;
	no.line_ctx = s;
	s->net = net_open(s->base, &no, err, sizeof(err));
	if (!s->net) {
		ftpc_err(s, "%s", err);
		return -ENETDOWN;
	}
	return 0;
}

/* ---- waiting ------------------------------------------------------------ */

void ftpc_loop_once(struct ftpc_session *s, uint64_t timeout_us)
{
	struct timeval tv;

	tv.tv_sec = (time_t)(timeout_us / FTPC_USEC_PER_SEC);
	tv.tv_usec = (suseconds_t)(timeout_us % FTPC_USEC_PER_SEC);
	s->timer_fired = false;
	evtimer_add(s->timer_ev, &tv);
	event_base_loop(s->base, EVLOOP_ONCE);
	evtimer_del(s->timer_ev);
}

int ftpc_wait(struct ftpc_session *s, ftpc_cond_fn cond, void *arg,
	      unsigned timeout_ms, bool interruptible)
{
	uint64_t deadline = ftpc_now_us() + (uint64_t)timeout_ms * 1000u;

	for (;;) {
		uint64_t now;

		if (cond(s, arg))
			return 0;
		if (interruptible && s->intr)
			return -EINTR;
		now = ftpc_now_us();
		if (now >= deadline)
			return -ETIMEDOUT;
		ftpc_loop_once(s, deadline - now);
	}
}

/* ---- input ---------------------------------------------------------------- */

static void on_input(void *ctx, enum ftpc_input ev, char *line, size_t len)
{
	struct ftpc_session *s = ctx;

	s->in_done = true;
	s->in_result = (int)ev;
	s->in_len = 0;
	if (ev == FTPC_INPUT_LINE && s->in_buf) {
		if (len >= s->in_cap) {
			s->in_result = FTPC_INPUT_TOO_LONG;
			len = 0;
		}
		memcpy(s->in_buf, line, len);
		s->in_len = len;
	}
	if (s->in_buf)
		s->in_buf[s->in_len] = '\0';
}

static bool input_done(struct ftpc_session *s, void *arg)
{
	(void)arg;
	return s->in_done;
}

static int read_input(struct ftpc_session *s, const char *prompt, char *buf,
		      size_t cap, bool secret)
{
	int rc;

	s->in_done = false;
	s->in_buf = buf;
	s->in_cap = cap;
	buf[0] = '\0';
	clear_bar(s);
	fflush(stdout);
	rc = secret ? ftpc_edit_read_password(s->edit, prompt, on_input, s)
		    : ftpc_edit_read_line(s->edit, s->interactive ? prompt : "",
					  on_input, s);
	if (rc != 0)
		return FTPC_INPUT_EOF;
	/* User input has no deadline; the loop wakes at least every idle
	 * period, so the wait stays a bounded loop. */
	while (!s->in_done)
		ftpc_wait(s, input_done, NULL, s->idle_ms, false);
	s->in_buf = NULL;
	return s->in_result;
}

int ftpc_read_line(struct ftpc_session *s, const char *prompt, char *buf,
		   size_t cap)
{
	return read_input(s, prompt, buf, cap, false);
}

int ftpc_read_password(struct ftpc_session *s, const char *prompt,
		       char *buf, size_t cap)
{
	return read_input(s, prompt, buf, cap, true);
}
