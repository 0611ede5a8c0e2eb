/*
 * cmds_misc.c - server queries (system, features, rhelp), raw commands
 * (quote, literal, site), the shell escape, help, and macros (macdef,
 * $).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmds.h"
#include "edit.h"
#include "session.h"

#define SHELL_POLL_US 100000u /* the loop runs while a shell does */

int ftpc_cmd_query(struct ftpc_session *s, int argc, char **argv)
{
	int rc;

	if (strcmp(argv[0], "system") == 0)
		rc = ftpc_command(s, "SYST");
	else if (strcmp(argv[0], "features") == 0)
		rc = ftpc_command(s, "FEAT");
	else if (argc > 1)
		rc = ftpc_command(s, "HELP %s", argv[1]);
	else
		rc = ftpc_command(s, "HELP");
	if (rc < 0 || !FTP_REPLY_DONE(rc))
		return -1;
	ftpc_show_reply(s);
	return 0;
}

/* The words after the command, joined by blanks, as typed. */
static int join(struct ftpc_session *s, int argc, char **argv, char *out,
		size_t cap)
{
	size_t len = 0;
	int i;

	out[0] = '\0';
	for (i = 1; i < argc; i++) {
		int n = snprintf(out + len, cap - len, "%s%s", i > 1 ? " " : "",
				 argv[i]);
		if (n < 0 || (size_t)n >= cap - len) {
			ftpc_err(s, "command too long");
			return -1;
		}
		len += (size_t)n;
	}
	return 0;
}

int ftpc_cmd_quote(struct ftpc_session *s, int argc, char **argv)
{
	char line[FTPC_CMD_MAX];
	bool site = strcmp(argv[0], "site") == 0;
	int rc;

	if (join(s, argc, argv, line, sizeof(line)) != 0)
		return -1;
	rc = site ? ftpc_command(s, "SITE %s", line)
		  : ftpc_command(s, "%s", line);
	explicit_bzero(line, sizeof(line));
	if (rc < 0)
		return -1;
	ftpc_show_reply(s);
	return FTP_REPLY_PERMANENT(rc) || FTP_REPLY_TRANSIENT(rc) ? -1 : 0;
}

static bool child_done(pid_t pid, int *status)
{
	return waitpid(pid, status, WNOHANG) == pid;
}

int ftpc_cmd_shell(struct ftpc_session *s, int argc, char **argv)
{
	const char *sh = getenv("SHELL");
	const char *cmd = argc > 1 ? argv[1] : NULL;
	int status = 0;
	pid_t pid;

	if (!sh || !sh[0])
		sh = "/bin/sh";
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		ftpc_err(s, "cannot start a shell: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		if (cmd)
			execl(sh, sh, "-c", cmd, (char *)NULL);
		else
			execl(sh, sh, (char *)NULL);
		_exit(127);
	}
	/* The stack keeps running (ACKs, keepalives) while the shell does. */
	while (!child_done(pid, &status))
		ftpc_loop_once(s, SHELL_POLL_US);
	s->intr = false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void help_line(void *ctx, const char *text)
{
	ftpc_out(ctx, "%s", text);
}

int ftpc_cmd_help(struct ftpc_session *s, int argc, char **argv)
{
	char buf[256];
	int i, rc = 0;

	if (argc < 2) {
		ftpc_cmd_help_columns(ftpc_edit_width(s->edit), help_line, s);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		const struct ftpc_cmd *c;
		enum ftpc_lookup r = ftpc_cmd_lookup(argv[i], &c);

		if (r != FTPC_LOOKUP_FOUND) {
			ftpc_out(s, "%s", ftpc_help_lookup_message(r, argv[i],
						 buf, sizeof(buf)));
			rc = -1;
			continue;
		}
		ftpc_out(s, "%s", ftpc_cmd_help_line(c, buf, sizeof(buf)));
	}
	return rc;
}

/* Reads a macro body: lines up to an empty line (or EOF). */
static int read_body(struct ftpc_session *s, char *body, size_t cap)
{
	char line[FTPC_LINE_MAX + 1];
	size_t len = 0;

	if (s->interactive)
		ftpc_out(s, "Enter macro line by line, terminating it with a "
			    "null line.");
	for (;;) {
		int r = ftpc_read_line(s, "", line, sizeof(line));
		size_t n = strlen(line);

		if (r != FTPC_INPUT_LINE || n == 0)
			break;
		if (len + n + 2 > cap) {
			ftpc_err(s, "macro body too long (over %u bytes)",
				 FTPC_MACRO_BODY_MAX);
			return -1;
		}
		memcpy(body + len, line, n);
		len += n;
		body[len++] = '\n';
	}
	body[len] = '\0';
	return 0;
}

int ftpc_cmd_macdef(struct ftpc_session *s, int argc, char **argv)
{
	char body[FTPC_MACRO_BODY_MAX + 1];

	(void)argc;
	if (strlen(argv[1]) > FTPC_MACRO_NAME_MAX) {
		ftpc_err(s, "macro name '%s' too long (at most %u characters)",
			 argv[1], FTPC_MACRO_NAME_MAX);
		return -1;
	}
	if (read_body(s, body, sizeof(body)) != 0)
		return -1;
	return ftpc_macro_define(s, argv[1], body);
}

int ftpc_cmd_macro(struct ftpc_session *s, int argc, char **argv)
{
	return ftpc_macro_run(s, argv[1], argc - 1, argv + 1);
}
