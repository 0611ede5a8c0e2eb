/*
 * cmd_xfer.c - the transfer commands: RETR STOR APPE STOU (files) and
 * LIST NLST MLSD (listings). Each checks and opens what it moves, then
 * hands it to transfer.c; errors found here are answered before any
 * data connection is used.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "ftpd_config.h"
#include "datachan.h"
#include "ftpd_limits.h"
#include "listing.h"
#include "server.h"
#include "session.h"
#include "transfer.h"

/* 425 unless PASV/PORT came first; true when it may go on. */
static bool data_set_up(struct ftpd_session *s)
{
	if (ftpd_dc_ready(s))
		return true;
	ftpd_reply(s, 425, "Use PORT, PASV, EPRT or EPSV first.");
	return false;
}

void ftpd_cmd_retr(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	struct ftpd_xfer_spec sp;
	struct vfs_path p;
	struct stat st;
	char opening[FTPD_REPLY_TEXT_MAX / 2];
	int fd = -1, rc;

	if (!data_set_up(s) || ftpd_session_path(s, cmd->arg, cmd->arg_len,
						 &p) != 0)
		return;
	rc = vfs_open_file(s->vfs, &p, VFS_READ, (off_t)s->rest, 0, &fd);
	if (rc == 0 && fstat(fd, &st) != 0)
		rc = -errno;
	if (rc != 0) {
		if (fd >= 0)
			close(fd);
		ftpd_reply(s, 550, "Failed to open file: %s.", vfs_strerror(rc));
		return;
	}
	snprintf(opening, sizeof(opening), "Opening %s mode data connection "
		 "for %s (%lld bytes).", s->ascii ? "ASCII" : "BINARY",
		 vfs_path_base(&p), (long long)st.st_size);
	memset(&sp, 0, sizeof(sp));
	sp.kind = FTPD_XF_RETR;
	sp.fd = fd;
	sp.path = &p;
	sp.offset = s->rest;
	sp.size = st.st_size;
	sp.verb = "RETR";
	sp.opening = opening;
	ftpd_xfer_start(s, &sp);
}

static void upload(struct ftpd_session *s, const struct vfs_path *p, int fd,
		   const char *verb, const char *opening)
{
	struct ftpd_xfer_spec sp;

	memset(&sp, 0, sizeof(sp));
	sp.kind = FTPD_XF_STOR;
	sp.fd = fd;
	sp.path = p;
	sp.offset = s->rest;
	sp.verb = verb;
	sp.opening = opening;
	ftpd_xfer_start(s, &sp);
}

static void store(struct ftpd_session *s, const struct ftpd_cmd *cmd,
		  enum vfs_open_mode mode, const char *verb)
{
	struct vfs_path p;
	int fd = -1, rc;

	if (!data_set_up(s) || ftpd_session_path(s, cmd->arg, cmd->arg_len,
						 &p) != 0)
		return;
	if (mode == VFS_WRITE && s->rest > 0)
		mode = VFS_WRITE_AT;
	rc = vfs_open_file(s->vfs, &p, mode, (off_t)s->rest, FTPD_FILE_MODE,
			   &fd);
	if (rc != 0) {
		ftpd_reply(s, 553, "Could not create file: %s.",
			   vfs_strerror(rc));
		return;
	}
	upload(s, &p, fd, verb, "Ok to send data.");
}

void ftpd_cmd_stor(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	store(s, cmd, VFS_WRITE, "STOR");
}

void ftpd_cmd_appe(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	s->rest = 0; /* appending: the offset is the file's end */
	store(s, cmd, VFS_APPEND, "APPE");
}

/* RFC 959 STOU / RFC 1123 4.1.2.9: a name that does not exist yet,
 * given in the 150 reply as "FILE: name". */
void ftpd_cmd_stou(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	char opening[FTPD_REPLY_TEXT_MAX / 2];
	struct vfs_path want, got;
	int fd = -1, rc;

	if (!data_set_up(s))
		return;
	if (cmd->arg_len > 0)
		rc = ftpd_session_path(s, cmd->arg, cmd->arg_len, &want);
	else
		rc = ftpd_session_path(s, FTPD_STOU_NAME,
				       sizeof(FTPD_STOU_NAME) - 1, &want);
	if (rc != 0)
		return;
	s->rest = 0;
	rc = vfs_open_unique(s->vfs, &want, FTPD_FILE_MODE, &fd, &got);
	if (rc != 0) {
		ftpd_reply(s, 553, "Could not create a unique file: %s.",
			   vfs_strerror(rc));
		return;
	}
	snprintf(opening, sizeof(opening), "FILE: %s", vfs_path_base(&got));
	upload(s, &got, fd, "STOU", opening);
}

static void listing(struct ftpd_session *s, const struct ftpd_cmd *cmd,
		    enum listing_kind kind, const char *verb)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	struct ftpd_xfer_spec sp;
	struct listing_args a;
	struct listing *l;
	int rc;

	if (!data_set_up(s))
		return;
	l = calloc(1, sizeof(*l));
	if (!l) {
		ftpd_reply(s, 451, "Out of memory; try again.");
		return;
	}
	if (kind == LISTING_MLSD) {
		memset(&a, 0, sizeof(a));
		a.path = cmd->arg;
		a.path_len = cmd->arg_len;
	} else {
		listing_parse_args(cmd->arg, cmd->arg_len, &a);
	}
	rc = listing_collect(s->vfs, &s->cwd, &a, kind,
			     (size_t)c->max_list_entries,
			     (size_t)c->max_glob_matches, l);
	if (rc != 0) {
		free(l);
		ftpd_reply(s, rc == -ENOTDIR && kind == LISTING_MLSD ? 501 : 550,
			   "Cannot list it: %s.", vfs_strerror(rc));
		return;
	}
	memset(&sp, 0, sizeof(sp));
	sp.kind = FTPD_XF_LIST;
	sp.fd = -1;
	sp.list = l;
	sp.lkind = kind;
	sp.path = &s->cwd;
	sp.verb = verb;
	sp.opening = "Here comes the directory listing.";
	ftpd_xfer_start(s, &sp);
}

void ftpd_cmd_list(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	listing(s, cmd, LISTING_LIST, "LIST");
}

void ftpd_cmd_nlst(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	listing(s, cmd, LISTING_NLST, "NLST");
}

void ftpd_cmd_mlsd(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	listing(s, cmd, LISTING_MLSD, "MLSD");
}
