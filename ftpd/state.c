/*
 * state.c - the TCP state directory, across a chroot and a privilege
 * drop (see state.h).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "privs.h"
#include "server.h"
#include "state.h"

/* Names the stack keeps in the directory: state-ADDR.{bin,lock,running}
 * and their temporary files. */
#define STATE_PREFIX "state-"
#define STATE_FILES_MAX 64 /* entries looked at when handing files over */

/* Hands the directory and the stack's files in it to uid/gid. */
static int hand_over(int dfd, uid_t uid, gid_t gid)
{
	struct dirent *e;
	unsigned n = 0;
	DIR *d;
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fchown(fd, uid, gid) != 0 || fchmod(fd, 0700) != 0) {
		int rc = -errno;

		if (fd >= 0)
			close(fd);
		return rc;
	}
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(d)) != NULL && n++ < STATE_FILES_MAX)
		if (strncmp(e->d_name, STATE_PREFIX, strlen(STATE_PREFIX)) == 0)
			fchownat(dirfd(d), e->d_name, uid, gid,
				 AT_SYMLINK_NOFOLLOW);
	closedir(d);
	return 0;
}

/* srv->state_dir: the configured state_dir, else the stack's default for
 * the user ftpd starts as (root: LOCALSTATEDIR/lib/synfin; others:
 * $XDG_STATE_HOME/synfin or ~/.local/state/synfin), so an unprivileged
 * ftpd on a hub needs no writable system directory. */
static int resolve_dir(struct ftpd_server *srv, char *err, size_t errlen)
{
	const char *dir = srv->gen->cfg.state_dir;
	int rc = 0;

	if (srv->state_dir[0] != '\0')
		return 0;
	if (dir && dir[0] != '\0') {
		if ((size_t)snprintf(srv->state_dir, sizeof(srv->state_dir),
				     "%s", dir) >= sizeof(srv->state_dir))
			rc = -ENAMETOOLONG;
	} else {
		rc = ts_state_default_dir(srv->state_dir,
					  sizeof(srv->state_dir));
	}
	if (rc != 0) {
		srv->state_dir[0] = '\0';
		snprintf(err, errlen, "no state directory: %s; set state_dir",
			 strerror(-rc));
	}
	return rc;
}

int ftpd_state_prepare(struct ftpd_server *srv, bool keep_fd, uid_t uid,
		       gid_t gid, char *err, size_t errlen)
{
	const char *dir = srv->state_dir;
	int fd, rc = resolve_dir(srv, err, errlen);

	if (rc != 0)
		return rc;
	rc = ftpd_mkdir_p(dir, 0700);

	if (rc == 0) {
		fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		rc = fd < 0 ? -errno : hand_over(fd, uid, gid);
		if (fd >= 0 && (rc != 0 || !keep_fd))
			close(fd);
		else if (fd >= 0)
			srv->state_fd = fd;
	}
	if (rc != 0)
		snprintf(err, errlen, "state directory %s: %s; create it or set "
			 "state_dir", dir, strerror(-rc));
	return rc;
}

/* The stack's notes name files as "./state-..." while the working
 * directory is the state directory: show the real path. */
static void note(void *ctx, const char *line)
{
	struct ftpd_server *srv = ctx;
	char out[PATH_MAX + 1024];
	const char *p = strstr(line, "./" STATE_PREFIX);

	if (!p || srv->state_fd < 0) {
		ftpd_server_line(srv, line);
		return;
	}
	snprintf(out, sizeof(out), "%.*s%s/%s", (int)(p - line), line,
		 srv->state_dir, p + 2);
	ftpd_server_line(srv, out);
}

/* SECURITY: the working directory leaves the chroot only for the call,
 * through a descriptor opened before it. */
static int enter(const struct ftpd_server *srv)
{
	return srv->state_fd >= 0 && fchdir(srv->state_fd) != 0 ? -errno : 0;
}

static void leave(const struct ftpd_server *srv)
{
	if (srv->state_fd >= 0 && chdir("/") != 0)
		abort(); /* cannot happen: "/" is the chroot directory */
}

int ftpd_state_claim(struct ftpd_server *srv, char *err, size_t errlen)
{
	const struct ftpd_config *c = &srv->gen->cfg;
	struct ts_state_opts o;
	int rc;

	rc = resolve_dir(srv, err, errlen);
	if (rc != 0)
		return rc;
	memset(&o, 0, sizeof(o));
	o.dir = srv->state_fd >= 0 ? "." : srv->state_dir;
	o.quiet_time = c->quiet_time;
	o.quiet_off_hint = "set quiet_time=no";
	o.note = note;
	o.note_ctx = srv;
	rc = enter(srv);
	if (rc != 0) {
		snprintf(err, errlen, "state directory %s: %s", srv->state_dir,
			 strerror(-rc));
		return rc;
	}
	rc = ts_state_begin(net_stack(srv->net), &o, &srv->state, err,
			    errlen);
	leave(srv);
	return rc;
}

void ftpd_state_release(struct ftpd_server *srv)
{
	char err[1024];
	int rc;

	if (!srv->state)
		return;
	rc = enter(srv);
	if (rc != 0)
		fprintf(stderr, "ftpd: warning: state directory %s: %s\n",
			srv->state_dir, strerror(-rc));
	/* Frees the claim even when it cannot save. */
	rc = ts_state_end(srv->state, err, sizeof(err));
	srv->state = NULL;
	leave(srv);
	if (rc != 0) {
		fprintf(stderr, "ftpd: warning: %s\n", err);
		log_msg(srv->log, LOG_LVL_WARNING, "%s", err);
	}
}
