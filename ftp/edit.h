/*
 * edit.h - the client's input: command lines with libedit (line editing,
 * history, tab completion through complete.h) when stdin is a terminal,
 * plain lines otherwise, and passwords read without echo. Everything is
 * driven by a libevent read event on stdin, so the stack's timers keep
 * running while the user sits at the prompt.
 *
 * libedit's readline interface keeps global state, so at most one
 * struct ftpc_edit exists per process.
 *
 * SECURITY / terminal safety: while a password is read, echo is off; the
 * terminal is restored when the password line ends, on ftpc_edit_cancel()
 * (the session's SIGINT handler), on ftpc_edit_free(), at exit(), and on
 * SIGTERM, SIGHUP, SIGQUIT and SIGTSTP (restored, then the signal's
 * default action).
 */
#ifndef FTPC_EDIT_H
#define FTPC_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/event.h>

#include "complete.h"

enum ftpc_input {
	FTPC_INPUT_LINE = 0,   /* a line (without its newline)             */
	FTPC_INPUT_EOF,        /* end of input                             */
	FTPC_INPUT_TOO_LONG,   /* a line over FTPC_LINE_MAX, discarded     */
	FTPC_INPUT_CANCELLED,  /* ftpc_edit_cancel() during a read          */
};

/* line is borrowed for the call; for a password the buffer is wiped when
 * the callback returns. */
typedef void (*ftpc_input_fn)(void *ctx, enum ftpc_input ev, char *line,
			      size_t len);

struct ftpc_edit;

/* Creates the input on fd 0 for base. interactive: use libedit (stdin and
 * stdout are terminals); otherwise lines are read plainly. rc (borrowed,
 * may be NULL) gives remote names to complete. NULL when out of memory or
 * when another ftpc_edit exists. */
struct ftpc_edit *ftpc_edit_new(struct event_base *base, const char *prog,
				bool interactive,
				const struct ftpc_rcache *rc);

/* Restores the terminal and frees everything. NULL is fine. */
void ftpc_edit_free(struct ftpc_edit *e);

/* Shows prompt (interactive only) and reads one line; fn gets it. Input
 * stops after each line until the next call, so nothing is read during a
 * transfer. */
int ftpc_edit_read_line(struct ftpc_edit *e, const char *prompt,
			ftpc_input_fn fn, void *ctx);

/* Reads one line with echo off (when stdin is a terminal) for a password
 * prompt such as "Password:". */
int ftpc_edit_read_password(struct ftpc_edit *e, const char *prompt,
			    ftpc_input_fn fn, void *ctx);

/* Abandons a pending read (Ctrl-C): restores the terminal and reports
 * FTPC_INPUT_CANCELLED. Nothing happens when no read is pending. */
void ftpc_edit_cancel(struct ftpc_edit *e);

/* Adds a line to the history (interactive only). */
void ftpc_edit_history_add(struct ftpc_edit *e, const char *line);

/* Output that arrives while a line is being edited (trace lines at the
 * prompt): call before printing it, and after to draw the prompt and
 * the line typed so far again. Nothing happens when no line is read. */
void ftpc_edit_output_begin(struct ftpc_edit *e);
void ftpc_edit_output_end(struct ftpc_edit *e);

/* Terminal width for the progress bar: the terminal's, else 80. */
unsigned ftpc_edit_width(const struct ftpc_edit *e);

#endif /* FTPC_EDIT_H */
