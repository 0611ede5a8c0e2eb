/*
 * cmd_nav.c - directories: CWD CDUP PWD MKD RMD (and their X* aliases,
 * RFC 1123 4.1.3.1). Every path goes through the vfs, inside the root.
 */
#include "config.h"

#include "cmds.h"
#include "ftpd_config.h"
#include "ftpd_limits.h"
#include "reply.h"
#include "session.h"

static void change_dir(struct ftpd_session *s, const char *arg, size_t len)
{
	struct vfs_path p;
	int rc;

	if (ftpd_session_path(s, arg, len, &p) != 0)
		return;
	rc = vfs_check_dir(s->vfs, &p);
	if (rc != 0) {
		ftpd_reply(s, 550, "Failed to change directory: %s.",
			   vfs_strerror(rc));
		return;
	}
	s->cwd = p;
	ftpd_reply(s, 250, "Directory successfully changed.");
}

void ftpd_cmd_cwd(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	change_dir(s, cmd->arg, cmd->arg_len);
}

void ftpd_cmd_cdup(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	(void)cmd;
	change_dir(s, "..", 2);
}

void ftpd_cmd_pwd(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	char q[FTPD_REPLY_TEXT_MAX];

	(void)cmd;
	if (ftpd_reply_quote_path(s->cwd.s, q, sizeof(q)) < 0) {
		ftpd_reply(s, 550, "Current directory name too long.");
		return;
	}
	ftpd_reply(s, 257, "%s is the current directory.", q);
}

void ftpd_cmd_mkd(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	char q[FTPD_REPLY_TEXT_MAX];
	struct vfs_path p;
	int rc;

	if (ftpd_session_path(s, cmd->arg, cmd->arg_len, &p) != 0)
		return;
	rc = vfs_mkdir(s->vfs, &p, FTPD_DIR_MODE);
	if (rc != 0) {
		ftpd_reply(s, 550, "Create directory operation failed: %s.",
			   vfs_strerror(rc));
		return;
	}
	ftpd_slog(s, LOG_LVL_INFO, "MKD %s", p.s);
	if (ftpd_reply_quote_path(p.s, q, sizeof(q)) < 0)
		ftpd_reply(s, 257, "Directory created.");
	else
		ftpd_reply(s, 257, "%s created.", q);
}

void ftpd_cmd_rmd(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	struct vfs_path p;
	int rc;

	if (ftpd_session_path(s, cmd->arg, cmd->arg_len, &p) != 0)
		return;
	rc = vfs_rmdir(s->vfs, &p);
	if (rc != 0) {
		ftpd_reply(s, 550, "Remove directory operation failed: %s.",
			   vfs_strerror(rc));
		return;
	}
	ftpd_slog(s, LOG_LVL_INFO, "RMD %s", p.s);
	ftpd_reply(s, 250, "Remove directory operation successful.");
}
