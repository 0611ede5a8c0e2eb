/*
 * cmd_table.c - the command table and the checks made before a handler
 * runs (see cmd_table.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmd_table.h"
#include "cmds.h"
#include "strbuf.h"
#include "users.h"

#define NL FTPD_CMD_NO_LOGIN
#define PT FTPD_CMD_PRE_TLS
#define DX FTPD_CMD_DURING_XFER
#define SE FTPD_CMD_SECRET

#define R FTPD_PERM_READ
#define L FTPD_PERM_LIST
#define W FTPD_PERM_WRITE
#define D FTPD_PERM_DELETE
#define M FTPD_PERM_MKDIR
#define N FTPD_PERM_RENAME

/* Sorted by name (HELP lists them in this order). */
static const struct ftpd_cmd_def commands[] = {
	{ "ABOR", FTPD_ARG_NONE, DX, 0, NULL, ftpd_cmd_abor,
	  "Syntax: ABOR (abort the transfer)" },
	{ "ACCT", FTPD_ARG_REQUIRED, NL | SE, 0, NULL, ftpd_cmd_acct,
	  "Syntax: ACCT <sp> account-information" },
	{ "ALLO", FTPD_ARG_REQUIRED, 0, 0, NULL, ftpd_cmd_allo,
	  "Syntax: ALLO <sp> size [<sp> R <sp> record-size]" },
	{ "APPE", FTPD_ARG_PATH, 0, W, NULL, ftpd_cmd_appe,
	  "Syntax: APPE <sp> pathname" },
	{ "AUTH", FTPD_ARG_REQUIRED, NL | PT, 0, NULL, ftpd_cmd_auth,
	  "Syntax: AUTH <sp> TLS" },
	{ "CCC", FTPD_ARG_NONE, 0, 0, NULL, ftpd_cmd_ccc,
	  "Syntax: CCC (clear the control channel)" },
	{ "CDUP", FTPD_ARG_NONE, 0, 0, NULL, ftpd_cmd_cdup,
	  "Syntax: CDUP (change to the parent directory)" },
	{ "CWD", FTPD_ARG_PATH, 0, 0, NULL, ftpd_cmd_cwd,
	  "Syntax: CWD <sp> directory-name" },
	{ "DELE", FTPD_ARG_PATH, 0, D, NULL, ftpd_cmd_dele,
	  "Syntax: DELE <sp> pathname" },
	{ "EPRT", FTPD_ARG_REQUIRED, 0, 0, NULL, ftpd_cmd_eprt,
	  "Syntax: EPRT <sp> |proto|address|port|" },
	{ "EPSV", FTPD_ARG_OPTIONAL, 0, 0, NULL, ftpd_cmd_epsv,
	  "Syntax: EPSV [<sp> 1 | ALL]" },
	{ "FEAT", FTPD_ARG_NONE, NL | PT, 0, NULL, ftpd_cmd_feat,
	  "Syntax: FEAT (list extensions)" },
	{ "HELP", FTPD_ARG_OPTIONAL, NL | PT, 0, NULL, ftpd_cmd_help,
	  "Syntax: HELP [<sp> command]" },
	{ "HOST", FTPD_ARG_REQUIRED, NL | PT, 0, NULL, ftpd_cmd_host,
	  "Syntax: HOST <sp> host-name" },
	{ "LIST", FTPD_ARG_PATH_OPT, 0, L, NULL, ftpd_cmd_list,
	  "Syntax: LIST [<sp> [-a] pathname]" },
	{ "MDTM", FTPD_ARG_PATH, 0, R, NULL, ftpd_cmd_mdtm,
	  "Syntax: MDTM <sp> pathname" },
	{ "MKD", FTPD_ARG_PATH, 0, M, NULL, ftpd_cmd_mkd,
	  "Syntax: MKD <sp> pathname" },
	{ "MLSD", FTPD_ARG_PATH_OPT, 0, L, NULL, ftpd_cmd_mlsd,
	  "Syntax: MLSD [<sp> directory-name]" },
	{ "MLST", FTPD_ARG_PATH_OPT, 0, L, NULL, ftpd_cmd_mlst,
	  "Syntax: MLST [<sp> pathname]" },
	{ "MODE", FTPD_ARG_REQUIRED, 0, 0, NULL, ftpd_cmd_mode,
	  "Syntax: MODE <sp> S" },
	{ "NLST", FTPD_ARG_PATH_OPT, 0, L, NULL, ftpd_cmd_nlst,
	  "Syntax: NLST [<sp> [-a] pathname]" },
	{ "NOOP", FTPD_ARG_NONE, NL | PT | DX, 0, NULL, ftpd_cmd_noop,
	  "Syntax: NOOP" },
	{ "OPTS", FTPD_ARG_REQUIRED, NL | PT, 0, NULL, ftpd_cmd_opts,
	  "Syntax: OPTS <sp> UTF8 ON | MLST fact;..." },
	{ "PASS", FTPD_ARG_OPTIONAL, NL | PT | SE, 0, "USER", ftpd_cmd_pass,
	  "Syntax: PASS <sp> password" },
	{ "PASV", FTPD_ARG_NONE, 0, 0, NULL, ftpd_cmd_pasv,
	  "Syntax: PASV" },
	{ "PBSZ", FTPD_ARG_NUMBER, NL | PT, 0, NULL, ftpd_cmd_pbsz,
	  "Syntax: PBSZ <sp> 0" },
	{ "PORT", FTPD_ARG_REQUIRED, 0, 0, NULL, ftpd_cmd_port,
	  "Syntax: PORT <sp> h1,h2,h3,h4,p1,p2" },
	{ "PROT", FTPD_ARG_REQUIRED, NL | PT, 0, NULL, ftpd_cmd_prot,
	  "Syntax: PROT <sp> C | P" },
	{ "PWD", FTPD_ARG_NONE, 0, 0, NULL, ftpd_cmd_pwd,
	  "Syntax: PWD (print the working directory)" },
	{ "QUIT", FTPD_ARG_NONE, NL | PT | DX, 0, NULL, ftpd_cmd_quit,
	  "Syntax: QUIT (end the session)" },
	{ "REIN", FTPD_ARG_NONE, NL | PT, 0, NULL, ftpd_cmd_rein,
	  "Syntax: REIN (log out, keep the connection)" },
	{ "REST", FTPD_ARG_NUMBER, 0, 0, NULL, ftpd_cmd_rest,
	  "Syntax: REST <sp> offset" },
	{ "RETR", FTPD_ARG_PATH, 0, R, NULL, ftpd_cmd_retr,
	  "Syntax: RETR <sp> pathname" },
	{ "RMD", FTPD_ARG_PATH, 0, D, NULL, ftpd_cmd_rmd,
	  "Syntax: RMD <sp> pathname" },
	{ "RNFR", FTPD_ARG_PATH, 0, N, NULL, ftpd_cmd_rnfr,
	  "Syntax: RNFR <sp> pathname" },
	{ "RNTO", FTPD_ARG_PATH, 0, N, "RNFR", ftpd_cmd_rnto,
	  "Syntax: RNTO <sp> pathname" },
	{ "SITE", FTPD_ARG_REQUIRED, 0, 0, NULL, ftpd_cmd_site,
	  "Syntax: SITE <sp> HELP | CHMOD | IDLE (see SITE HELP)" },
	{ "SIZE", FTPD_ARG_PATH, 0, R, NULL, ftpd_cmd_size,
	  "Syntax: SIZE <sp> pathname" },
	{ "SMNT", FTPD_ARG_PATH, 0, 0, NULL, NULL,
	  "Syntax: SMNT <sp> pathname (not implemented)" },
	{ "STAT", FTPD_ARG_PATH_OPT, DX, 0, NULL, ftpd_cmd_stat,
	  "Syntax: STAT [<sp> pathname]" },
	{ "STOR", FTPD_ARG_PATH, 0, W, NULL, ftpd_cmd_stor,
	  "Syntax: STOR <sp> pathname" },
	{ "STOU", FTPD_ARG_PATH_OPT, 0, W, NULL, ftpd_cmd_stou,
	  "Syntax: STOU [<sp> pathname]" },
	{ "STRU", FTPD_ARG_REQUIRED, 0, 0, NULL, ftpd_cmd_stru,
	  "Syntax: STRU <sp> F" },
	{ "SYST", FTPD_ARG_NONE, NL | PT, 0, NULL, ftpd_cmd_syst,
	  "Syntax: SYST" },
	{ "TYPE", FTPD_ARG_REQUIRED, 0, 0, NULL, ftpd_cmd_type,
	  "Syntax: TYPE <sp> A | I | L 8" },
	{ "USER", FTPD_ARG_REQUIRED, NL | PT, 0, NULL, ftpd_cmd_user,
	  "Syntax: USER <sp> username" },
	{ "XCUP", FTPD_ARG_NONE, 0, 0, NULL, ftpd_cmd_cdup,
	  "Syntax: XCUP (as CDUP)" },
	{ "XCWD", FTPD_ARG_PATH, 0, 0, NULL, ftpd_cmd_cwd,
	  "Syntax: XCWD <sp> directory-name (as CWD)" },
	{ "XMKD", FTPD_ARG_PATH, 0, M, NULL, ftpd_cmd_mkd,
	  "Syntax: XMKD <sp> pathname (as MKD)" },
	{ "XPWD", FTPD_ARG_NONE, 0, 0, NULL, ftpd_cmd_pwd,
	  "Syntax: XPWD (as PWD)" },
	{ "XRMD", FTPD_ARG_PATH, 0, D, NULL, ftpd_cmd_rmd,
	  "Syntax: XRMD <sp> pathname (as RMD)" },
};

static const struct ftpd_cmd_def site_commands[] = {
	{ "CHMOD", FTPD_ARG_REQUIRED, 0, FTPD_PERM_CHMOD, NULL, ftpd_cmd_site_chmod,
	  "Syntax: SITE CHMOD <sp> mode <sp> pathname" },
	{ "HELP", FTPD_ARG_OPTIONAL, 0, 0, NULL, ftpd_cmd_site_help,
	  "Syntax: SITE HELP [<sp> subcommand]" },
	{ "IDLE", FTPD_ARG_OPTIONAL, 0, 0, NULL, ftpd_cmd_site_idle,
	  "Syntax: SITE IDLE [<sp> seconds]" },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct ftpd_cmd_def *find(const struct ftpd_cmd_def *t,
				       size_t n, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(t[i].name) == len &&
		    strncasecmp(t[i].name, name, len) == 0)
			return &t[i];
	return NULL;
}

const struct ftpd_cmd_def *ftpd_cmd_find(const char *verb, size_t len)
{
	return find(commands, COUNT(commands), verb, len);
}

const struct ftpd_cmd_def *ftpd_site_find(const char *arg, size_t len,
					  const char **rest, size_t *rest_len)
{
	size_t w = 0;

	while (w < len && arg[w] != ' ')
		w++;
	*rest = w < len ? arg + w + 1 : arg + len;
	*rest_len = w < len ? len - w - 1 : 0;
	return find(site_commands, COUNT(site_commands), arg, w);
}

static bool arg_ok(enum ftpd_arg_rule rule, const struct ftpd_cmd *cmd)
{
	size_t i;

	switch (rule) {
	case FTPD_ARG_NONE:
		return cmd->arg_len == 0;
	case FTPD_ARG_OPTIONAL:
	case FTPD_ARG_PATH_OPT:
		return true;
	case FTPD_ARG_REQUIRED:
	case FTPD_ARG_PATH:
		return cmd->arg_len > 0;
	case FTPD_ARG_NUMBER:
		if (cmd->arg_len == 0 || cmd->arg_len > 19)
			return false;
		for (i = 0; i < cmd->arg_len; i++)
			if (cmd->arg[i] < '0' || cmd->arg[i] > '9')
				return false;
		return true;
	}
	return false;
}

unsigned ftpd_cmd_check(const struct ftpd_cmd_def *def,
			const struct ftpd_cmd *cmd,
			const struct ftpd_cmd_state *st, const char **text)
{
	if (!def) {
		*text = "Unknown command.";
		return 500;
	}
	/* SECURITY: with force_local_logins_ssl nothing but the commands
	 * that lead to TLS (or to an anonymous login) runs in clear text. */
	if (st->tls_required && !(def->flags & FTPD_CMD_PRE_TLS)) {
		*text = "Secure the connection with AUTH TLS first.";
		return 530;
	}
	if (!st->logged_in && !(def->flags & FTPD_CMD_NO_LOGIN)) {
		*text = "Please log in with USER and PASS.";
		return 530;
	}
	if (def->after && (!st->prev || strcmp(st->prev->name, def->after))) {
		*text = strcmp(def->after, "USER") == 0 ?
			"Log in with USER first." :
			"Bad sequence of commands: RNFR first.";
		return 503;
	}
	if (!arg_ok(def->arg, cmd)) {
		*text = def->help;
		return 501;
	}
	/* SECURITY: permissions are checked here, before any handler. */
	if ((st->perms & def->perm) != def->perm) {
		*text = "Permission denied.";
		return 550;
	}
	if (!def->handler) {
		*text = "Command not implemented.";
		return 502;
	}
	*text = NULL;
	return 0;
}

int ftpd_cmd_help_list(bool site, char *out, size_t cap)
{
	const struct ftpd_cmd_def *t = site ? site_commands : commands;
	size_t n = site ? COUNT(site_commands) : COUNT(commands), i;
	struct strbuf sb;
	char cell[FTPD_VERB_MAX + 2];

	strbuf_init(&sb, out, cap);
	strbuf_printf(&sb, "The following %scommands are recognized "
		      "(* = not implemented).", site ? "SITE " : "");
	for (i = 0; i < n; i++) {
		bool line_end = (i + 1) % FTPD_HELP_PER_LINE == 0 || i + 1 == n;

		snprintf(cell, sizeof(cell), "%s%s", t[i].name,
			 t[i].handler ? "" : "*");
		strbuf_printf(&sb, "%s%-*s", i % FTPD_HELP_PER_LINE ? "" : "\n ",
			      line_end ? 0 : 7, cell);
	}
	strbuf_printf(&sb, "\nHelp OK.");
	return strbuf_result(&sb);
}
