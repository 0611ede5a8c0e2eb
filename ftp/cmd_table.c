/*
 * cmd_table.c - the client's command table and BSD ftp's lookup rule
 * (see cmd_table.h). Help texts follow BSD ftp / tnftp where the command
 * exists there.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd_table.h"
#include "cmds.h"
#include "tls_client.h"

#define ANY FTPC_ARGS_ANY
#define HELP_INDENT 11 /* sizeof("disconnect"), as BSD's HELPINDENT */
#define HELP_TAB 8

/* Sorted by name (strcmp order): help prints it as it stands. */
static const struct ftpc_cmd cmds[] = {
	{ "!", 0, ANY, false, "l", "[command [args]]",
	  "escape to the shell", ftpc_cmd_shell },
	{ "$", 1, ANY, false, "nN", "macro-name [args]",
	  "execute macro", ftpc_cmd_macro },
	{ "?", 0, ANY, false, "C", "[command ...]",
	  "print local help information", ftpc_cmd_help },
	{ "account", 0, 1, true, "n", "[passwd]",
	  "send account command to remote server", ftpc_cmd_account },
	{ "active", 0, 0, false, "", "",
	  "use active mode (PORT/EPRT) for data connections", ftpc_cmd_passive },
	{ "append", 1, 2, true, "lr", "local-file [remote-file]",
	  "append to a file", ftpc_cmd_put },
	{ "ascii", 0, 0, true, "", "", "set ascii transfer type", ftpc_cmd_type },
	{ "binary", 0, 0, true, "", "", "set binary transfer type", ftpc_cmd_type },
	{ "bye", 0, 0, false, "", "", "terminate ftp session and exit",
	  ftpc_cmd_quit },
	{ "cd", 1, 1, true, "r", "remote-directory",
	  "change remote working directory", ftpc_cmd_cd },
	{ "cdup", 0, 0, true, "", "",
	  "change remote working directory to parent directory", ftpc_cmd_cdup },
	{ "chmod", 2, 2, true, "nr", "mode remote-file",
	  "change file permissions of remote file", ftpc_cmd_chmod },
	{ "close", 0, 0, true, "", "", "terminate ftp session", ftpc_cmd_close },
	{ "debug", 0, 1, false, "n", "[on | off | debuglevel]",
	  "toggle/set debugging mode", ftpc_cmd_debug },
	{ "delete", 1, 1, true, "r", "remote-file", "delete remote file",
	  ftpc_cmd_simple },
	{ "dir", 0, 2, true, "rl", "[remote-path [local-file]]",
	  "list contents of remote path", ftpc_cmd_ls },
	{ "disconnect", 0, 0, true, "", "", "terminate ftp session", ftpc_cmd_close },
	{ "epsv", 0, 1, false, "n", "[on | off]",
	  "toggle use of EPSV/EPRT before PASV/PORT", ftpc_cmd_toggle },
	{ "exit", 0, 0, false, "", "", "terminate ftp session and exit",
	  ftpc_cmd_quit },
	{ "features", 0, 0, true, "", "",
	  "show FEATures supported by remote system", ftpc_cmd_query },
	{ "get", 1, 2, true, "rl", "remote-file [local-file]", "receive file",
	  ftpc_cmd_get },
	{ "hash", 0, 1, false, "n", "[on | off | bytecount]",
	  "toggle printing `#' marks; specify number to set size", ftpc_cmd_hash },
	{ "help", 0, ANY, false, "C", "[command ...]",
	  "print local help information", ftpc_cmd_help },
	{ "lcd", 0, 1, false, "l", "[local-directory]",
	  "change local working directory", ftpc_cmd_lcd },
	{ "literal", 1, ANY, true, "n", "line-to-send",
	  "send arbitrary ftp command", ftpc_cmd_quote },
	{ "lpwd", 0, 0, false, "", "", "print local working directory",
	  ftpc_cmd_lpwd },
	{ "ls", 0, 2, true, "rl", "[remote-path [local-file]]",
	  "list contents of remote path", ftpc_cmd_ls },
	{ "macdef", 1, 1, false, "n", "macro-name", "define a macro", ftpc_cmd_macdef },
	{ "mdelete", 1, ANY, true, "R", "remote-files",
	  "delete multiple files", ftpc_cmd_mdelete },
	{ "mget", 1, ANY, true, "R", "remote-files", "get multiple files",
	  ftpc_cmd_mget },
	{ "mkdir", 1, 1, true, "r", "directory-name",
	  "make directory on the remote machine", ftpc_cmd_simple },
	{ "mls", 2, ANY, true, "R", "remote-files local-file",
	  "list contents of multiple remote directories", ftpc_cmd_mls },
	{ "mlsd", 0, 2, true, "rl", "[remote-path [local-file]]",
	  "list contents of remote directory in a machine parsable form",
	  ftpc_cmd_ls },
	{ "modtime", 1, 1, true, "r", "remote-file",
	  "show last modification time of remote file", ftpc_cmd_modtime },
	{ "mput", 1, ANY, true, "L", "local-files", "send multiple files",
	  ftpc_cmd_mput },
	{ "nlist", 0, 2, true, "rl", "[remote-path [local-file]]",
	  "nlist contents of remote path", ftpc_cmd_ls },
	{ "open", 1, 2, false, "n", "host [port]", "connect to remote ftp",
	  ftpc_cmd_open },
	{ "pass", 1, 1, true, "n", "password",
	  "send password to remote server", ftpc_cmd_pass },
	{ "passive", 0, 1, false, "n", "[on | off | auto]",
	  "toggle use of passive transfer mode", ftpc_cmd_passive },
	{ "progress", 0, 1, false, "n", "[on | off]",
	  "toggle transfer progress meter", ftpc_cmd_toggle },
	{ "prompt", 0, 1, false, "n", "[on | off]",
	  "force interactive prompting on multiple commands", ftpc_cmd_toggle },
	{ "put", 1, 2, true, "lr", "local-file [remote-file]", "send one file",
	  ftpc_cmd_put },
	{ "pwd", 0, 0, true, "", "",
	  "print working directory on remote machine", ftpc_cmd_pwd },
	{ "quit", 0, 0, false, "", "", "terminate ftp session and exit",
	  ftpc_cmd_quit },
	{ "quote", 1, ANY, true, "n", "line-to-send",
	  "send arbitrary ftp command", ftpc_cmd_quote },
	{ "rate", 1, 3, false, "n", "all|get|put [maximum [increment]]",
	  "set transfer rate limit (in bytes/second)", ftpc_cmd_rate },
	{ "recv", 1, 2, true, "rl", "remote-file [local-file]",
	  "receive file", ftpc_cmd_get },
	{ "reget", 1, 2, true, "rl", "remote-file [local-file]",
	  "get file restarting at end of local file", ftpc_cmd_get },
	{ "rename", 2, 2, true, "rr", "from-name to-name", "rename file",
	  ftpc_cmd_rename },
	{ "restart", 1, 1, false, "n", "byte-count",
	  "restart file transfer at bytecount", ftpc_cmd_restart },
	{ "rhelp", 0, 1, true, "n", "[command]",
	  "get help from remote server", ftpc_cmd_query },
	{ "rmdir", 1, 1, true, "r", "directory-name",
	  "remove directory on the remote machine", ftpc_cmd_simple },
	{ "send", 1, 2, true, "lr", "local-file [remote-file]",
	  "send one file", ftpc_cmd_put },
	{ "sendport", 0, 1, false, "n", "[on | off]",
	  "toggle use of PORT/EPRT cmd for each data connection", ftpc_cmd_toggle },
	{ "site", 1, ANY, true, "n", "arg1 [...]",
	  "send site specific command to remote server", ftpc_cmd_quote },
	{ "size", 1, 1, true, "r", "remote-file",
	  "show size of remote file", ftpc_cmd_size },
	{ "ssl", 0, 1, false, "n", "[on | off]",
	  "require TLS (AUTH TLS, PBSZ 0, PROT P) on this and new connections",
	  ftpc_cmd_ssl },
	{ "status", 0, 0, false, "", "", "show current status", ftpc_cmd_status },
	{ "system", 0, 0, true, "", "", "show remote system type", ftpc_cmd_query },
	{ "trace", 0, 1, false, "n", "[on | off]",
	  "toggle the TCP trace (segments and state changes)", ftpc_cmd_trace },
	{ "type", 0, 1, true, "n", "[ascii | binary | image]",
	  "set file transfer type", ftpc_cmd_type },
	{ "user", 1, 3, true, "n", "username [password [account]]",
	  "send new user information", ftpc_cmd_user },
	{ "verbose", 0, 1, false, "n", "[on | off]", "toggle verbose mode",
	  ftpc_cmd_toggle },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

const struct ftpc_cmd *ftpc_cmd_table(size_t *count)
{
	*count = NCMDS;
	return cmds;
}

/* BSD ftp's getcmd(): an exact name wins; otherwise the longest prefix
 * match must be unique. */
enum ftpc_lookup ftpc_cmd_lookup(const char *name, const struct ftpc_cmd **out)
{
	size_t i, len = strlen(name), matches = 0;
	const struct ftpc_cmd *found = NULL;

	if (len == 0)
		return FTPC_LOOKUP_INVALID;
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(cmds[i].name, name) == 0) {
			*out = &cmds[i];
			return FTPC_LOOKUP_FOUND;
		}
		if (strncmp(cmds[i].name, name, len) == 0) {
			found = &cmds[i];
			matches++;
		}
	}
	if (matches > 1)
		return FTPC_LOOKUP_AMBIGUOUS;
	if (matches == 0)
		return FTPC_LOOKUP_INVALID;
	*out = found;
	return FTPC_LOOKUP_FOUND;
}

const char *ftpc_lookup_message(enum ftpc_lookup r)
{
	switch (r) {
	case FTPC_LOOKUP_AMBIGUOUS:
		return "?Ambiguous command.";
	case FTPC_LOOKUP_INVALID:
		return "?Invalid command.";
	case FTPC_LOOKUP_FOUND:
		break;
	}
	return NULL;
}

const char *ftpc_help_lookup_message(enum ftpc_lookup r, const char *name,
				     char *buf, size_t cap)
{
	snprintf(buf, cap, "?%s help command %s",
		 r == FTPC_LOOKUP_AMBIGUOUS ? "Ambiguous" : "Invalid", name);
	return buf;
}

bool ftpc_cmd_args_ok(const struct ftpc_cmd *c, int argc)
{
	int n = argc - 1;

	if (n < c->min_args)
		return false;
	return c->max_args == ANY || n <= c->max_args;
}

const char *ftpc_cmd_usage(const struct ftpc_cmd *c, char *buf, size_t cap)
{
	snprintf(buf, cap, "usage: %s%s%s", c->name, c->usage[0] ? " " : "",
		 c->usage);
	return buf;
}

const char *ftpc_cmd_help_line(const struct ftpc_cmd *c, char *buf,
			       size_t cap)
{
	snprintf(buf, cap, "%-*s\t%s", HELP_INDENT, c->name, c->help);
	return buf;
}

char ftpc_cmd_complete_kind(const struct ftpc_cmd *c, unsigned argi)
{
	size_t n = strlen(c->complete);
	char k;

	if (argi == 0 || n == 0)
		return 'n';
	if (argi <= n)
		k = c->complete[argi - 1];
	else if (c->complete[n - 1] >= 'A' && c->complete[n - 1] <= 'Z')
		k = c->complete[n - 1];
	else
		return 'n';
	return k >= 'A' && k <= 'Z' ? (char)(k - 'A' + 'a') : k;
}

void ftpc_cmd_help_columns(unsigned width,
			   void (*line)(void *ctx, const char *text),
			   void *ctx)
{
	size_t i, j, colw = 0, columns, lines;
	char buf[512];

	for (i = 0; i < NCMDS; i++)
		if (strlen(cmds[i].name) > colw)
			colw = strlen(cmds[i].name);
	colw = (colw + HELP_TAB) & ~(size_t)(HELP_TAB - 1);
	columns = width / colw;
	if (columns == 0)
		columns = 1;
	if (columns > sizeof(buf) / colw)
		columns = sizeof(buf) / colw;
	lines = (NCMDS + columns - 1) / columns;
	line(ctx, "Commands may be abbreviated.  Commands are:");
	line(ctx, "");
	for (i = 0; i < lines; i++) {
		size_t len = 0;
		for (j = 0; j < columns && j * lines + i < NCMDS; j++) {
			const char *name = cmds[j * lines + i].name;
			bool last = (j + 1) * lines + i >= NCMDS ||
				    j + 1 == columns;
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						"%-*s", last ? 0 : (int)colw,
						name);
		}
		line(ctx, buf);
	}
}
