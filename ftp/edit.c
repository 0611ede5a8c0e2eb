/*
 * edit.c - command-line and password input on libevent (see edit.h).
 *
 * Interactive lines go through libedit's readline callback interface
 * (rl_callback_read_char), which needs file-scope state: `active` is the
 * one ftpc_edit of the process. The terminal's state at start-up is kept
 * in `orig_tio` so every exit path, signal handlers included, can put it
 * back with async-signal-safe calls only.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <editline/readline.h>

#include "edit.h"
#include "ftpc_limits.h"

#define EDIT_FD STDIN_FILENO
#define EDIT_WIDTH_DEFAULT 80u
#define EDIT_READ_CHUNK 512u

enum edit_mode { MODE_IDLE, MODE_LINE, MODE_PASSWORD };

struct ftpc_edit {
	struct event *ev;       /* stdin readable                     */
	struct event *pending;  /* a buffered line is ready           */
	bool interactive, rl_on, discarding;
	bool pollable;          /* epoll works on stdin (not a file)  */
	enum edit_mode mode;
	ftpc_input_fn fn;
	void *ctx;
	const struct ftpc_rcache *rc;
	size_t len;             /* bytes in buf                       */
	char buf[FTPC_LINE_MAX + EDIT_READ_CHUNK + 1];
};

static struct ftpc_edit *active;
static struct termios orig_tio;
static volatile sig_atomic_t tio_saved, echo_off;
static const int fatal_signals[] = { SIGTERM, SIGHUP, SIGQUIT, SIGTSTP };

static void tty_restore(void)
{
	if (tio_saved)
		tcsetattr(EDIT_FD, TCSANOW, &orig_tio);
	echo_off = 0;
}

static void tty_echo_off(void)
{
	struct termios t = orig_tio;

	t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	t.c_lflag |= ECHONL;
	tcsetattr(EDIT_FD, TCSANOW, &t);
	echo_off = 1;
}

/* SECURITY: a password prompt must never leave the terminal without
 * echo. Async-signal-safe: tcsetattr, sigaction, raise only. */
static void on_fatal_signal(int sig)
{
	struct sigaction sa, old;
	sigset_t set;
	int was_off = echo_off;

	if (tio_saved)
		tcsetattr(EDIT_FD, TCSANOW, &orig_tio);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(sig, &sa, &old);
	/* The handler runs with sig blocked: unblock it, or the raised
	 * signal stays pending and comes back here on return, forever. */
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	/* Still here: the signal was SIGTSTP and we were continued. */
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigaction(sig, &old, NULL);
	if (was_off && tio_saved) {
		struct termios t = orig_tio;
		t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
		t.c_lflag |= ECHONL;
		tcsetattr(EDIT_FD, TCSANOW, &t);
	}
}

static void at_exit_restore(void)
{
	if (active && active->rl_on)
		rl_callback_handler_remove();
	tty_restore();
}

static void install_signals(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaction(fatal_signals[i], &sa, NULL);
}

/* Ends the current read and hands ev to the caller's callback. */
static void deliver(struct ftpc_edit *e, enum ftpc_input ev, char *line,
		    size_t len)
{
	ftpc_input_fn fn = e->fn;
	bool secret = e->mode == MODE_PASSWORD;

	event_del(e->ev);
	if (secret)
		tty_restore();
	e->mode = MODE_IDLE;
	fn(e->ctx, ev, line, len);
	if (secret && line)
		explicit_bzero(line, len);
}

static void rl_line(char *line)
{
	struct ftpc_edit *e = active;
	size_t len;

	rl_callback_handler_remove();
	e->rl_on = false;
	if (!line) {
		deliver(e, FTPC_INPUT_EOF, NULL, 0);
		return;
	}
	len = strlen(line);
	if (len > FTPC_LINE_MAX)
		deliver(e, FTPC_INPUT_TOO_LONG, NULL, 0);
	else
		deliver(e, FTPC_INPUT_LINE, line, len);
	free(line);
}

/* A complete line in buf: deliver it and keep what follows. */
static bool take_buffered_line(struct ftpc_edit *e)
{
	char *nl = memchr(e->buf, '\n', e->len);
	char line[FTPC_LINE_MAX + 1];
	size_t n, rest;
	bool dropped;

	if (!nl)
		return false;
	n = (size_t)(nl - e->buf);
	dropped = e->discarding || n > FTPC_LINE_MAX;
	e->discarding = false;
	if (dropped)
		n = 0;
	memcpy(line, e->buf, n);
	line[n] = '\0';
	rest = e->len - (size_t)(nl - e->buf) - 1;
	memmove(e->buf, nl + 1, rest);
	e->len = rest;
	if (n > 0 && line[n - 1] == '\r')
		line[--n] = '\0';
	if (dropped)
		deliver(e, FTPC_INPUT_TOO_LONG, NULL, 0);
	else
		deliver(e, FTPC_INPUT_LINE, line, n);
	explicit_bzero(line, sizeof(line));
	return true;
}

static void read_plain(struct ftpc_edit *e)
{
	ssize_t r;

	if (e->len > FTPC_LINE_MAX) {
		/* Too long: forget it, report it once its end arrives. */
		explicit_bzero(e->buf, e->len);
		e->len = 0;
		e->discarding = true;
	}
	r = read(EDIT_FD, e->buf + e->len, EDIT_READ_CHUNK);

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r <= 0) {
		/* A last line without newline still counts. */
		if (e->len > 0 && !e->discarding) {
			e->buf[e->len++] = '\n';
			take_buffered_line(e);
		} else {
			deliver(e, FTPC_INPUT_EOF, NULL, 0);
		}
		return;
	}
	e->len += (size_t)r;
	take_buffered_line(e);
}

static void on_stdin(evutil_socket_t fd, short what, void *arg)
{
	struct ftpc_edit *e = arg;

	if (e->mode == MODE_IDLE)
		return;
	if (e->rl_on)
		rl_callback_read_char();
	else
		read_plain(e);
	/* A file never becomes "readable" for epoll: go on reading from
	 * the loop until the line is complete. */
	if (!e->pollable && e->mode != MODE_IDLE)
		event_active(e->ev, EV_READ, 0);
}

/* epoll refuses regular files and devices such as /dev/null: those are
 * read without waiting for readiness (they never block). */
static bool stdin_pollable(void)
{
	struct stat st;

	if (isatty(EDIT_FD))
		return true;
	if (fstat(EDIT_FD, &st) != 0)
		return true;
	return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
}

static void watch_stdin(struct ftpc_edit *e)
{
	if (e->pollable)
		event_add(e->ev, NULL);
	else
		event_active(e->ev, EV_READ, 0);
}

static void on_pending(evutil_socket_t fd, short what, void *arg)
{
	struct ftpc_edit *e = arg;

	if (e->mode != MODE_IDLE && !take_buffered_line(e))
		watch_stdin(e);
}

/* Completion for libedit: our candidates for the word at the cursor. */
static char **edit_complete(const char *text, int start, int end)
{
	struct ftpc_matches m;
	char **v;
	size_t i, n;

	rl_attempted_completion_over = 1;
	if (!active ||
	    ftpc_complete(rl_line_buffer, (size_t)rl_point, active->rc, &m) ||
	    m.n == 0) {
		if (active)
			ftpc_matches_free(&m);
		return NULL;
	}
	n = m.n == 1 ? 1 : m.n + 1;
	v = calloc(n + 1, sizeof(*v));
	for (i = 0; v && i < n; i++)
		v[i] = strdup(m.n == 1 ? m.v[0] : i == 0 ? m.common : m.v[i - 1]);
	rl_completion_append_character =
		m.n == 1 && m.v[0][strlen(m.v[0]) - 1] != '/' ? ' ' : '\0';
	ftpc_matches_free(&m);
	return v;
}

struct ftpc_edit *ftpc_edit_new(struct event_base *base, const char *prog,
				bool interactive,
				const struct ftpc_rcache *rc)
{
	struct ftpc_edit *e;

	if (active)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->ev = event_new(base, EDIT_FD, EV_READ | EV_PERSIST, on_stdin, e);
	e->pending = event_new(base, -1, 0, on_pending, e);
	if (!e->ev || !e->pending) {
		ftpc_edit_free(e);
		return NULL;
	}
	e->interactive = interactive;
	e->pollable = stdin_pollable();
	e->rc = rc;
	active = e;
	if (isatty(EDIT_FD) && tcgetattr(EDIT_FD, &orig_tio) == 0)
		tio_saved = 1;
	install_signals();
	atexit(at_exit_restore);
	if (interactive) {
		rl_readline_name = prog;
		rl_catch_signals = 0; /* SIGINT belongs to the session */
		rl_completer_word_break_characters = (char *)" \t";
		rl_attempted_completion_function = edit_complete;
		using_history();
	}
	return e;
}

void ftpc_edit_free(struct ftpc_edit *e)
{
	if (!e)
		return;
	if (e->rl_on)
		rl_callback_handler_remove();
	tty_restore();
	if (e->ev)
		event_free(e->ev);
	if (e->pending)
		event_free(e->pending);
	explicit_bzero(e->buf, sizeof(e->buf));
	if (active == e)
		active = NULL;
	free(e);
}

static int start_read(struct ftpc_edit *e, enum edit_mode mode,
		      ftpc_input_fn fn, void *ctx)
{
	if (e->mode != MODE_IDLE)
		return -1;
	e->mode = mode;
	e->fn = fn;
	e->ctx = ctx;
	/* A line may already be buffered: deliver it from the loop. */
	if (!e->rl_on && memchr(e->buf, '\n', e->len))
		event_active(e->pending, 0, 0);
	else
		watch_stdin(e);
	return 0;
}

int ftpc_edit_read_line(struct ftpc_edit *e, const char *prompt,
			ftpc_input_fn fn, void *ctx)
{
	if (e->mode != MODE_IDLE)
		return -1;
	if (e->interactive) {
		rl_callback_handler_install(prompt, rl_line);
		e->rl_on = true;
	}
	return start_read(e, MODE_LINE, fn, ctx);
}

int ftpc_edit_read_password(struct ftpc_edit *e, const char *prompt,
			    ftpc_input_fn fn, void *ctx)
{
	if (e->mode != MODE_IDLE)
		return -1;
	/* Echo goes off before the prompt shows, so nothing typed after
	 * it is echoed; type-ahead is kept (TCSANOW, not TCSAFLUSH). */
	if (tio_saved)
		tty_echo_off();
	fputs(prompt, stdout);
	fflush(stdout);
	return start_read(e, MODE_PASSWORD, fn, ctx);
}

void ftpc_edit_cancel(struct ftpc_edit *e)
{
	if (e->mode == MODE_IDLE)
		return;
	if (e->rl_on) {
		rl_callback_handler_remove();
		e->rl_on = false;
	}
	deliver(e, FTPC_INPUT_CANCELLED, NULL, 0);
}

void ftpc_edit_history_add(struct ftpc_edit *e, const char *line)
{
	if (e->interactive && line[0] != '\0')
		add_history(line);
}

void ftpc_edit_output_begin(struct ftpc_edit *e)
{
	if (e && e->rl_on)
		fputc('\n', stdout);
}

void ftpc_edit_output_end(struct ftpc_edit *e)
{
	if (e && e->rl_on) {
		fflush(stdout);
		rl_forced_update_display();
	}
}

unsigned ftpc_edit_width(const struct ftpc_edit *e)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return EDIT_WIDTH_DEFAULT;
}
