/*
 * cmds_list.c - listings (ls, dir, nlist, mlsd, mls) and directories
 * (cd, cdup, pwd, lcd, lpwd).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "localfile.h"
#include "session.h"
#include "transfer.h"

static const char *list_verb(const char *cmd)
{
	if (strcmp(cmd, "nlist") == 0 || strcmp(cmd, "mls") == 0)
		return "NLST";
	if (strcmp(cmd, "mlsd") == 0)
		return "MLSD";
	return "LIST";
}

/* One listing into an open target. */
static int list_into(struct ftpc_session *s, const char *verb,
		     const char *path, struct ftpc_local *l)
{
	struct ftpc_xfer x = { .verb = verb, .arg = path, .out = l };

	x.ascii = true;
	/* SECURITY: listing text from the server never drives the
	 * terminal: control characters are shown as '?'. */
	x.sanitize = l->kind == FTPC_LOCAL_STDOUT && s->ttyout;
	return ftpc_transfer(s, &x);
}

static int list_to(struct ftpc_session *s, const char *verb, char **paths,
		   int npaths, const char *local)
{
	struct ftpc_local l;
	char err[FTPC_PATH_MAX + 128];
	int i, rc = 0;

	if (ftpc_local_open_get(&l, local, false, 0, err, sizeof(err)) != 0) {
		ftpc_err(s, "%s", err);
		return -1;
	}
	for (i = 0; i < npaths && rc == 0; i++)
		rc = list_into(s, verb, paths[i], &l);
	if (npaths == 0)
		rc = list_into(s, verb, NULL, &l);
	if (rc == 0 && ftpc_local_commit(&l, err, sizeof(err)) == 0)
		return 0;
	if (rc == 0)
		ftpc_err(s, "%s", err);
	else
		ftpc_local_abandon(&l);
	return -1;
}

int ftpc_cmd_ls(struct ftpc_session *s, int argc, char **argv)
{
	return list_to(s, list_verb(argv[0]), argv + 1, argc > 1 ? 1 : 0,
		       argc > 2 ? argv[2] : "-");
}

int ftpc_cmd_mls(struct ftpc_session *s, int argc, char **argv)
{
	return list_to(s, list_verb(argv[0]), argv + 1, argc - 2,
		       argv[argc - 1]);
}

int ftpc_cmd_cd(struct ftpc_session *s, int argc, char **argv)
{
	int rc = ftpc_command(s, "CWD %s", argv[1]);

	(void)argc;
	s->rcache_stale = true;
	return rc > 0 && FTP_REPLY_DONE(rc) ? 0 : -1;
}

int ftpc_cmd_cdup(struct ftpc_session *s, int argc, char **argv)
{
	int rc = ftpc_command(s, "CDUP");

	(void)argc;
	(void)argv;
	if (rc == 500 || rc == 502)
		rc = ftpc_command(s, "CWD ..");
	s->rcache_stale = true;
	return rc > 0 && FTP_REPLY_DONE(rc) ? 0 : -1;
}

int ftpc_cmd_pwd(struct ftpc_session *s, int argc, char **argv)
{
	int rc = ftpc_command(s, "PWD");

	(void)argc;
	(void)argv;
	if (rc != 257)
		return -1;
	if (!s->verbose)
		ftpc_out(s, "Remote directory: %s", s->reply.msg);
	return 0;
}

int ftpc_cmd_lcd(struct ftpc_session *s, int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("HOME");
	char cwd[FTPC_PATH_MAX];

	if (!dir || chdir(dir) != 0) {
		ftpc_err(s, "lcd %s: %s", dir ? dir : "(no $HOME)",
			 dir ? strerror(errno) : "give a directory");
		return -1;
	}
	if (getcwd(cwd, sizeof(cwd)))
		ftpc_out(s, "Local directory now: %s", cwd);
	return 0;
}

int ftpc_cmd_lpwd(struct ftpc_session *s, int argc, char **argv)
{
	char cwd[FTPC_PATH_MAX];

	(void)argc;
	(void)argv;
	if (!getcwd(cwd, sizeof(cwd))) {
		ftpc_err(s, "lpwd: %s", strerror(errno));
		return -1;
	}
	ftpc_out(s, "Local directory: %s", cwd);
	return 0;
}
