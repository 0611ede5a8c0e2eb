/*
 * cmdline.h - the client's command-line tokenizer and macro expansion, with
 * the rules of BSD ftp / tnftp:
 *
 *  - words are separated by blanks; "..." quotes blanks; a backslash takes
 *    the next character literally, inside quotes too; "" is an empty word;
 *  - a line whose first character is '!' gives the word "!" and the raw
 *    rest of the line (the shell command) in `rest`; '$' likewise gives
 *    "$" (macro invocation: "$ name args" or "$name args");
 *  - `rest` is always the raw text from the second word on (BSD's altarg).
 *
 * Macro bodies (macdef, .netrc) expand "$N" to the N-th argument ($0 the
 * macro's name), "$i" to the argument of the current pass (the macro then
 * runs once per argument) and "\c" to c.
 */
#ifndef FTPC_CMDLINE_H
#define FTPC_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "ftp_parse.h"
#include "ftpc_limits.h"

struct ftpc_argv {
	int argc;
	char *argv[FTPC_ARGS_MAX + 1]; /* point into buf; argv[argc] NULL  */
	const char *rest;              /* points into rest_buf             */
	char buf[2 * FTPC_LINE_MAX + 2];
	char rest_buf[FTPC_LINE_MAX + 1];
};

/* Splits len bytes of line (no newline needed) into out. Returns OK,
 * BAD when the line holds a NUL byte, or TOO_LONG over FTPC_LINE_MAX
 * bytes or FTPC_ARGS_MAX words. argc is 0 for a blank line. */
enum ftp_parse ftpc_tokenize(const char *line, size_t len,
			     struct ftpc_argv *out);

/* Expands one macro body line into out (cap bytes, NUL-terminated);
 * leading blanks of the line are dropped. name is the macro's name, args
 * its nargs arguments (borrowed), pass the index of the argument "$i"
 * stands for. *loops is set when the line used "$i". Returns OK or
 * TOO_LONG when the expansion does not fit. */
enum ftp_parse ftpc_macro_expand(const char *line, size_t len,
				 const char *name, char *const *args,
				 size_t nargs, size_t pass, char *out,
				 size_t cap, bool *loops);

#endif /* FTPC_CMDLINE_H */
