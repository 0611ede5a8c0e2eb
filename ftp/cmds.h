/*
 * cmds.h - the handlers in the command table's slots (cmd_table.c), one
 * file per group: cmds_conn.c (connection and login), cmds_file.c
 * (transfers and remote files), cmds_list.c (listings and directories),
 * cmds_set.c (settings and status), cmds_misc.c (server queries, shell,
 * help, macros). Each follows ftpc_cmd_fn: argv[0] is the command's full
 * name; 0 on success, -1 on failure.
 */
#ifndef FTPC_CMDS_H
#define FTPC_CMDS_H

#include "cmd_table.h"

int ftpc_cmd_open(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_close(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_quit(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_user(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_pass(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_account(struct ftpc_session *s, int argc, char **argv);

int ftpc_cmd_get(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_put(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_mget(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_mput(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_mdelete(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_simple(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_rename(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_size(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_modtime(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_chmod(struct ftpc_session *s, int argc, char **argv);

int ftpc_cmd_ls(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_mls(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_cd(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_cdup(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_pwd(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_lcd(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_lpwd(struct ftpc_session *s, int argc, char **argv);

int ftpc_cmd_type(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_toggle(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_passive(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_hash(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_debug(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_trace(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_rate(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_restart(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_status(struct ftpc_session *s, int argc, char **argv);

int ftpc_cmd_query(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_quote(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_shell(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_help(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_macdef(struct ftpc_session *s, int argc, char **argv);
int ftpc_cmd_macro(struct ftpc_session *s, int argc, char **argv);

/* Shared by the handlers (cmds_file.c). */
/* Remote names matching pattern (NLST), in *names (owned: free the
 * array and the buffer *mem). 0 or -1. */
int ftpc_remote_names(struct ftpc_session *s, const char *pattern,
		      char ***names, size_t *n, char **mem);
/* Shows a reply that verbose mode did not already show. */
void ftpc_show_reply(struct ftpc_session *s);

#endif /* FTPC_CMDS_H */
