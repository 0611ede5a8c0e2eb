/*
 * cmd_file.c - operations on single files: DELE RNFR RNTO SIZE MDTM ALLO
 * and SITE with its subcommands CHMOD, HELP, IDLE.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmds.h"
#include "ftpd_config.h"
#include "ftpd_limits.h"
#include "listing.h"
#include "rules.h"
#include "session.h"

void ftpd_cmd_dele(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	struct vfs_path p;
	int rc;

	if (ftpd_session_path(s, cmd->arg, cmd->arg_len, &p) != 0)
		return;
	rc = vfs_unlink(s->vfs, &p);
	if (rc != 0) {
		ftpd_reply(s, 550, "Delete operation failed: %s.",
			   vfs_strerror(rc));
		return;
	}
	ftpd_slog(s, LOG_LVL_INFO, "DELE %s", p.s);
	ftpd_reply(s, 250, "Delete operation successful.");
}

void ftpd_cmd_rnfr(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	struct vfs_path p;
	struct stat st;
	int rc;

	if (ftpd_session_path(s, cmd->arg, cmd->arg_len, &p) != 0)
		return;
	rc = vfs_lstat(s->vfs, &p, &st);
	if (rc != 0) {
		ftpd_reply(s, 550, "RNFR failed: %s.", vfs_strerror(rc));
		return;
	}
	s->rnfr = malloc(sizeof(*s->rnfr));
	if (!s->rnfr) {
		ftpd_reply(s, 451, "Out of memory; try again.");
		return;
	}
	*s->rnfr = p;
	ftpd_reply(s, 350, "Ready for RNTO.");
}

void ftpd_cmd_rnto(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	struct vfs_path p;
	int rc;

	if (!s->rnfr) {
		ftpd_reply(s, 503, "Bad sequence of commands: RNFR first.");
		return;
	}
	if (ftpd_session_path(s, cmd->arg, cmd->arg_len, &p) != 0)
		return;
	rc = vfs_rename(s->vfs, s->rnfr, &p);
	if (rc != 0) {
		ftpd_reply(s, 550, "Rename failed: %s.", vfs_strerror(rc));
	} else {
		ftpd_slog(s, LOG_LVL_INFO, "RNTO %s -> %s", s->rnfr->s, p.s);
		ftpd_reply(s, 250, "Rename successful.");
	}
	free(s->rnfr);
	s->rnfr = NULL;
}

/* stat of a regular file for SIZE and MDTM; replies 550 otherwise. */
static int regular_file(struct ftpd_session *s, const struct ftpd_cmd *cmd,
			struct stat *st)
{
	struct vfs_path p;
	int rc;

	if (ftpd_session_path(s, cmd->arg, cmd->arg_len, &p) != 0)
		return -EINVAL;
	rc = vfs_stat(s->vfs, &p, st);
	if (rc == 0 && !S_ISREG(st->st_mode))
		rc = S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
	if (rc != 0)
		ftpd_reply(s, 550, "Could not get file status: %s.",
			   vfs_strerror(rc));
	return rc;
}

/* RFC 3659 4: the size as a RETR in binary would send it (64-bit). */
void ftpd_cmd_size(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	struct stat st;

	if (regular_file(s, cmd, &st) == 0)
		ftpd_reply(s, 213, "%" PRIu64, (uint64_t)st.st_size);
}

void ftpd_cmd_mdtm(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	char t[32];
	struct stat st;

	if (regular_file(s, cmd, &st) != 0)
		return;
	if (listing_format_time(st.st_mtime, t, sizeof(t)) < 0)
		ftpd_reply(s, 550, "File time out of range.");
	else
		ftpd_reply(s, 213, "%s", t);
}

void ftpd_cmd_allo(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	(void)cmd;
	ftpd_reply(s, 202, "ALLO not needed; storage is allocated as files "
		   "grow.");
}

/* ---- SITE ------------------------------------------------------------------------ */

void ftpd_cmd_site(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	const struct ftpd_cmd_def *def;
	struct ftpd_cmd_state st;
	struct ftpd_cmd sub = *cmd;
	const char *text;
	unsigned code;

	def = ftpd_site_find(cmd->arg, cmd->arg_len, &sub.arg, &sub.arg_len);
	sub.has_arg = sub.arg_len > 0;
	memset(&st, 0, sizeof(st));
	st.logged_in = s->logged_in;
	st.perms = s->perms;
	code = ftpd_cmd_check(def, &sub, &st, &text);
	if (code == 500)
		ftpd_reply(s, 500, "Unknown SITE command; see SITE HELP.");
	else if (code != 0)
		ftpd_reply(s, code, "%s", text);
	else
		def->handler(s, &sub);
}

void ftpd_cmd_site_chmod(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	struct vfs_path p;
	unsigned mode;
	size_t off;
	int rc;

	if (ftpd_parse_chmod(cmd->arg, cmd->arg_len, &mode, &off) !=
	    FTP_PARSE_OK) {
		ftpd_reply(s, 501, "Syntax: SITE CHMOD <sp> mode <sp> pathname "
			   "(mode: 1 to 4 octal digits).");
		return;
	}
	if (ftpd_session_path(s, cmd->arg + off, cmd->arg_len - off, &p) != 0)
		return;
	rc = vfs_chmod(s->vfs, &p, (mode_t)mode);
	if (rc != 0) {
		ftpd_reply(s, 550, "SITE CHMOD failed: %s.", vfs_strerror(rc));
		return;
	}
	ftpd_slog(s, LOG_LVL_INFO, "SITE CHMOD %03o %s", mode & VFS_CHMOD_MASK,
		  p.s);
	ftpd_reply(s, 200, "SITE CHMOD command ok.");
}

void ftpd_cmd_site_help(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	char text[FTPD_REPLY_TEXT_MAX];

	(void)cmd;
	if (ftpd_cmd_help_list(true, text, sizeof(text)) < 0)
		ftpd_reply(s, 214, "SITE HELP CHMOD IDLE");
	else
		ftpd_reply(s, 214, "%s", text);
}

void ftpd_cmd_site_idle(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	int64_t max_s = ftpd_session_cfg(s)->idle_session_timeout_ms / 1000;
	uint64_t v;

	if (cmd->arg_len == 0) {
		ftpd_reply(s, 200, "Current idle time limit is %lld seconds; "
			   "max %lld.", (long long)(s->idle_ms / 1000),
			   (long long)max_s);
		return;
	}
	if (ftpd_parse_uint(cmd->arg, cmd->arg_len, (uint64_t)max_s, &v) !=
	    FTP_PARSE_OK || v < FTPD_SITE_IDLE_MIN_S) {
		ftpd_reply(s, 501, "Maximum idle time must be between %d and "
			   "%lld seconds.", FTPD_SITE_IDLE_MIN_S,
			   (long long)max_s);
		return;
	}
	s->idle_ms = (int64_t)v * 1000;
	ftpd_reply(s, 200, "Maximum idle time set to %llu seconds.",
		   (unsigned long long)v);
}
