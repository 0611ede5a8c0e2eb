/*
 * cmd_table.h - the client's command table: every command's name, argument
 * rule, whether it needs a connection, how its arguments complete, usage
 * and help text, and its handler. Lookup follows BSD ftp: an exact name, else
 * a unique prefix ("?Ambiguous command." / "?Invalid command." otherwise).
 *
 * The table is static and read-only; pointers returned point into it.
 */
#ifndef FTPC_CMD_TABLE_H
#define FTPC_CMD_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ftpc_session; /* the session (phase 2) */

/* Runs a command; argv[0] is the command name as typed. Returns 0 on
 * success, -1 on failure (which makes the batch exit status non-zero). */
typedef int (*ftpc_cmd_fn)(struct ftpc_session *s, int argc, char **argv);

#define FTPC_ARGS_ANY UINT8_MAX

/*
 * complete: one letter per argument saying what tab completes there, the
 * letters of tnftp: 'c' command name, 'l' local file, 'r' remote file,
 * 'n' nothing; an upper-case letter as the last one repeats for every
 * further argument ("R": any number of remote files).
 */
struct ftpc_cmd {
	const char *name;
	uint8_t min_args;  /* arguments after the name; the session prompts */
	uint8_t max_args;  /* for missing ones when interactive, as BSD does */
	bool needs_conn;   /* "Not connected." without a control connection */
	const char *complete;
	const char *usage; /* argument words, "" when none                  */
	const char *help;  /* one line, BSD ftp's wording                   */
	ftpc_cmd_fn handler; /* cmds.h                                     */
};

enum ftpc_lookup {
	FTPC_LOOKUP_FOUND = 0,
	FTPC_LOOKUP_AMBIGUOUS, /* a prefix of two or more names */
	FTPC_LOOKUP_INVALID,   /* neither a name nor a prefix of one */
};

/* The table, sorted by name, and its size. */
const struct ftpc_cmd *ftpc_cmd_table(size_t *count);

/* Looks name up; *out is set only when FOUND. */
enum ftpc_lookup ftpc_cmd_lookup(const char *name, const struct ftpc_cmd **out);

/* BSD ftp's messages, without newline: "?Ambiguous command.",
 * "?Invalid command." (NULL for FOUND). */
const char *ftpc_lookup_message(enum ftpc_lookup r);

/* Messages of `help name`: "?Ambiguous help command NAME" and
 * "?Invalid help command NAME" into buf; returns buf. */
const char *ftpc_help_lookup_message(enum ftpc_lookup r, const char *name,
				     char *buf, size_t cap);

/* BSD ftp's message for a command without a connection. */
#define FTPC_MSG_NOT_CONNECTED "Not connected."

/* True when argc (argv[0] included) fits the command's argument rule. */
bool ftpc_cmd_args_ok(const struct ftpc_cmd *c, int argc);

/* "usage: get remote-file [local-file]" into buf; returns buf. */
const char *ftpc_cmd_usage(const struct ftpc_cmd *c, char *buf, size_t cap);

/* "get             receive file" (name padded as BSD's help) into buf. */
const char *ftpc_cmd_help_line(const struct ftpc_cmd *c, char *buf,
			       size_t cap);

/* What completes at argument index argi (1 = first argument): 'c', 'l',
 * 'r' or 'n'. */
char ftpc_cmd_complete_kind(const struct ftpc_cmd *c, unsigned argi);

/* The command list of `help` without arguments, in columns for a terminal
 * of `width` characters as BSD ftp prints it: calls line(ctx, text) per
 * line (text without newline, borrowed for the call). */
void ftpc_cmd_help_columns(unsigned width,
			   void (*line)(void *ctx, const char *text),
			   void *ctx);

#endif /* FTPC_CMD_TABLE_H */
