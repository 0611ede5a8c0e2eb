/*
 * interp.c - the command interpreter: lines to words (cmdline.c), BSD's
 * lookup (cmd_table.c), prompting for missing arguments on a terminal,
 * macros, the `ftp>` loop, and batch rules (a failure makes the exit
 * status non-zero; -e stops at the first one).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_table.h"
#include "cmdline.h"
#include "cmds.h"
#include "complete.h"
#include "edit.h"
#include "session.h"

#define MACRO_DEPTH_MAX 8u  /* macros calling macros                */
#define MACRO_PASSES_MAX 256u /* "$i" runs once per argument          */
#define PROMPT "ftp> "

/* Interactive: asks for the missing arguments, named by the usage
 * words ("(remote-file) "). New words go after the old in av. */
static void prompt_missing(struct ftpc_session *s, const struct ftpc_cmd *c,
			   struct ftpc_argv *av, char *extra, size_t cap)
{
	char prompt[160], usage[128], line[FTPC_LINE_MAX + 1];
	const char *w = c->usage;
	size_t used = 0;
	int skip = av->argc - 1;

	while (av->argc - 1 < c->min_args && av->argc < (int)FTPC_ARGS_MAX) {
		size_t n;

		while (*w == ' ' || *w == '[')
			w++;
		n = strcspn(w, " ]");
		snprintf(usage, sizeof(usage), "%.*s", (int)n, w);
		w += n;
		if (skip-- > 0)
			continue;
		snprintf(prompt, sizeof(prompt), "(%s) ", usage);
		if (ftpc_read_line(s, prompt, line, sizeof(line)) !=
			    FTPC_INPUT_LINE || line[0] == '\0' ||
		    used + strlen(line) + 1 > cap)
			return;
		strcpy(extra + used, line);
		av->argv[av->argc++] = extra + used;
		av->argv[av->argc] = NULL;
		used += strlen(line) + 1;
	}
}

static int run_command(struct ftpc_session *s, struct ftpc_argv *av)
{
	const struct ftpc_cmd *c;
	enum ftpc_lookup r = ftpc_cmd_lookup(av->argv[0], &c);
	char usage[256], extra[FTPC_LINE_MAX + 1];
	char *shell[3] = { "!", NULL, NULL };

	if (r != FTPC_LOOKUP_FOUND) {
		ftpc_out(s, "%s", ftpc_lookup_message(r));
		return -1;
	}
	if (c->needs_conn && !s->cbev) {
		ftpc_out(s, "%s", FTPC_MSG_NOT_CONNECTED);
		return -1;
	}
	if (strcmp(c->name, "!") == 0) {
		shell[1] = av->rest[0] ? (char *)av->rest : NULL;
		return c->handler(s, shell[1] ? 2 : 1, shell);
	}
	if (!ftpc_cmd_args_ok(c, av->argc) && s->interactive)
		prompt_missing(s, c, av, extra, sizeof(extra));
	if (!ftpc_cmd_args_ok(c, av->argc)) {
		ftpc_out(s, "%s", ftpc_cmd_usage(c, usage, sizeof(usage)));
		return -1;
	}
	av->argv[0] = (char *)c->name; /* handlers see the full name */
	return c->handler(s, av->argc, av->argv);
}

int ftpc_execute(struct ftpc_session *s, const char *line)
{
	struct ftpc_argv *av = malloc(sizeof(*av));
	enum ftp_parse pr;
	int rc = 0;

	if (!av) {
		ftpc_err(s, "out of memory");
		return -1;
	}
	pr = ftpc_tokenize(line, strlen(line), av);
	if (pr == FTP_PARSE_TOO_LONG)
		ftpc_err(s, "line too long (over %u bytes or %u words)",
			 FTPC_LINE_MAX, FTPC_ARGS_MAX);
	else if (pr != FTP_PARSE_OK)
		ftpc_err(s, "line holds a NUL byte; ignored");
	else if (av->argc > 0)
		rc = run_command(s, av);
	free(av);
	if (pr != FTP_PARSE_OK)
		rc = -1;
	if (rc != 0)
		s->status = 1;
	return rc;
}

/* ---- macros ---------------------------------------------------------------- */

static struct ftpc_macro *find_macro(struct ftpc_session *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nmacros; i++)
		if (strcmp(s->macros[i].name, name) == 0)
			return &s->macros[i];
	return NULL;
}

bool ftpc_macro_exists(const struct ftpc_session *s, const char *name)
{
	return find_macro((struct ftpc_session *)s, name) != NULL;
}

int ftpc_macro_define(struct ftpc_session *s, const char *name,
		      const char *body)
{
	struct ftpc_macro *m = find_macro(s, name);
	char *copy;

	if (strlen(name) > FTPC_MACRO_NAME_MAX) {
		ftpc_err(s, "macro name '%s' too long", name);
		return -1;
	}
	if (!m && s->nmacros == FTPC_MACRO_MAX) {
		ftpc_err(s, "too many macros (at most %u)", FTPC_MACRO_MAX);
		return -1;
	}
	copy = strdup(body);
	if (!copy) {
		ftpc_err(s, "out of memory");
		return -1;
	}
	if (!m) {
		m = &s->macros[s->nmacros++];
		snprintf(m->name, sizeof(m->name), "%s", name);
	}
	free(m->body);
	m->body = copy;
	return 0;
}

/* One pass over the macro's lines; *loops says whether "$i" was used. */
static int macro_pass(struct ftpc_session *s, const struct ftpc_macro *m,
		      char **args, size_t nargs, size_t pass, bool *loops)
{
	char out[FTPC_LINE_MAX + 1];
	const char *p = m->body;
	int rc = 0;

	while (*p && !s->quit && !s->intr && !s->aborted) {
		size_t len = strcspn(p, "\n");
		bool l = false;

		if (ftpc_macro_expand(p, len, m->name, args, nargs, pass, out,
				      sizeof(out), &l) != FTP_PARSE_OK) {
			ftpc_err(s, "macro %s: a line expands too long",
				 m->name);
			return -1;
		}
		*loops |= l;
		if (s->verbose)
			ftpc_out(s, "%s%s", PROMPT, out);
		if (ftpc_execute(s, out) != 0) {
			rc = -1;
			if (s->o.exit_on_error)
				return rc;
		}
		p += len + (p[len] == '\n');
	}
	return rc;
}

int ftpc_macro_run(struct ftpc_session *s, const char *name, int argc,
		   char **argv)
{
	struct ftpc_macro *m = find_macro(s, name);
	size_t nargs = argc > 1 ? (size_t)argc - 1 : 0, pass;
	bool loops = false;
	int rc;

	if (!m) {
		ftpc_err(s, "'%s' macro not found.", name);
		return -1;
	}
	if (s->macro_depth >= MACRO_DEPTH_MAX) {
		ftpc_err(s, "macros nested too deep (at most %u)",
			 MACRO_DEPTH_MAX);
		return -1;
	}
	s->macro_depth++;
	rc = macro_pass(s, m, argv + 1, nargs, 0, &loops);
	for (pass = 1; loops && pass < nargs && pass < MACRO_PASSES_MAX &&
		       !s->quit && !s->intr; pass++)
		rc |= macro_pass(s, m, argv + 1, nargs, pass, &loops);
	s->macro_depth--;
	return rc ? -1 : 0;
}

/* ---- prompting and the loop ------------------------------------------------ */

bool ftpc_confirm(struct ftpc_session *s, const char *verb, const char *file,
		  bool *all, bool *stop)
{
	char prompt[FTPC_LINE_MAX + 32], line[16];

	if (!s->prompt || !s->interactive || *all)
		return true;
	snprintf(prompt, sizeof(prompt), "%s %s [anpqy?]? ", verb, file);
	for (;;) {
		if (ftpc_read_line(s, prompt, line, sizeof(line)) !=
		    FTPC_INPUT_LINE) {
			*stop = true;
			return false;
		}
		switch (tolower((unsigned char)line[0])) {
		case 'a':
			*all = true;
			return true;
		case 'n':
			return false;
		case 'p':
			s->prompt = false;
			ftpc_out(s, "Interactive mode off.");
			return true;
		case 'q':
			*stop = true;
			return false;
		case 'y':
		case '\0':
			return true;
		default:
			ftpc_out(s, "a: answer yes to all, n: no, p: turn off "
				    "prompting, q: quit, y: yes");
		}
	}
}

/* Interactive only: the names of the remote directory for tab
 * completion, fetched (NLST) when the cache is stale. */
static void refresh_rcache(struct ftpc_session *s)
{
	char **names, *mem;
	size_t n;
	bool verbose = s->verbose;

	if (!s->interactive || !s->rcache_stale || !s->logged_in || !s->cbev)
		return;
	s->rcache_stale = false;
	s->verbose = false;
	s->quiet = true;
	if (ftpc_remote_names(s, NULL, &names, &n, &mem) == 0) {
		ftpc_rcache_set(s->rcache, ".", (const char *const *)names, n);
		free(names);
		free(mem);
	}
	s->quiet = false;
	s->verbose = verbose;
}

void ftpc_command_loop(struct ftpc_session *s)
{
	char line[FTPC_LINE_MAX + 1];

	while (!s->quit) {
		int r;

		refresh_rcache(s);
		s->intr = s->aborted = false;
		r = ftpc_read_line(s, PROMPT, line, sizeof(line));
		if (r == FTPC_INPUT_EOF)
			break;
		if (r == FTPC_INPUT_CANCELLED) {
			fputc('\n', stdout);
			continue;
		}
		if (r == FTPC_INPUT_TOO_LONG) {
			ftpc_err(s, "line too long (over %u bytes); ignored",
				 FTPC_LINE_MAX);
			s->status = 1;
			if (s->o.exit_on_error)
				break;
			continue;
		}
		ftpc_edit_history_add(s->edit, line);
		if (ftpc_execute(s, line) != 0 && s->o.exit_on_error)
			break;
	}
}
