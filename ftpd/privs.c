/*
 * privs.c - chroot and privilege drop; files read again after it (see
 * privs.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_read.h"
#include "privs.h"

/* Directories kept: the configuration's, the users file's, the TLS
 * files' and the logs'. */
#define PRIVS_DIRS_MAX 12

struct kept_dir {
	char *path;   /* the directory, as derived from the file's path */
	int fd;
};

struct ftpd_privs {
	struct kept_dir dirs[PRIVS_DIRS_MAX];
	size_t n;
	bool chrooted;
};

struct ftpd_privs *ftpd_privs_new(void)
{
	return calloc(1, sizeof(struct ftpd_privs));
}

void ftpd_privs_free(struct ftpd_privs *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++) {
		close(p->dirs[i].fd);
		free(p->dirs[i].path);
	}
	free(p);
}

/* The directory part of path ("." when none), in a new string. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

static const struct kept_dir *find_dir(const struct ftpd_privs *p,
				       const char *dir)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->dirs[i].path, dir) == 0)
			return &p->dirs[i];
	return NULL;
}

int ftpd_privs_keep_dir(struct ftpd_privs *p, const char *path, char *err,
			size_t errlen)
{
	char *dir = dir_of(path);
	int fd;

	if (!dir || find_dir(p, dir) || p->n >= PRIVS_DIRS_MAX) {
		free(dir);
		return dir ? 0 : -ENOMEM;
	}
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int rc = -errno;

		snprintf(err, errlen, "cannot open directory %s: %s", dir,
			 strerror(-rc));
		free(dir);
		return rc;
	}
	p->dirs[p->n].path = dir;
	p->dirs[p->n].fd = fd;
	p->n++;
	return 0;
}

int ftpd_privs_dir_fd(const struct ftpd_privs *p, const char *path)
{
	const struct kept_dir *d;
	char *dir = dir_of(path);

	d = dir ? find_dir(p, dir) : NULL;
	free(dir);
	return d ? d->fd : -ENOENT;
}

int ftpd_privs_read(const struct ftpd_privs *p, const char *what,
		    const char *path, size_t max, mode_t refuse_mode,
		    char **buf, size_t *len, char *err, size_t errlen)
{
	const char *base = strrchr(path, '/');
	int dfd, rc;

	if (!p->chrooted)
		return file_read_all(what, path, max, refuse_mode, buf, len,
				     err, errlen);
	dfd = ftpd_privs_dir_fd(p, path);
	if (dfd < 0) {
		snprintf(err, errlen, "%s %s: its directory was not open when "
			 "ftpd chrooted; restart ftpd to use it", what, path);
		return -ENOENT;
	}
	/* SECURITY: the working directory leaves the chroot only for this
	 * one read, through a descriptor opened before it. */
	if (fchdir(dfd) != 0) {
		rc = -errno;
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(-rc));
		return rc;
	}
	rc = file_read_all(what, base ? base + 1 : path, max, refuse_mode,
			   buf, len, err, errlen);
	if (chdir("/") != 0 && rc == 0)
		rc = -errno;
	return rc;
}

int ftpd_mkdir_p(const char *dir, mode_t mode)
{
	char path[PATH_MAX];
	char *q;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	for (q = path + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return -errno;
		*q = '/';
	}
	if (mkdir(path, mode) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* SECURITY: the chroot directory must be root's and unwritable by
 * others, or whoever could write it could plant files there. */
static int check_chroot_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	int rc = ftpd_mkdir_p(dir, 0755);

	if (rc != 0) {
		snprintf(err, errlen, "cannot create secure_chroot_dir %s: %s; "
			 "create it (mkdir -p %s) or set secure_chroot_dir",
			 dir, strerror(-rc), dir);
		return rc;
	}
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "secure_chroot_dir %s is not a directory",
			 dir);
		return -ENOTDIR;
	}
	if (st.st_uid != 0 || (st.st_mode & 022)) {
		snprintf(err, errlen, "secure_chroot_dir %s must belong to root "
			 "and be writable by root only (chown root %s; chmod "
			 "755 %s)", dir, dir, dir);
		return -EPERM;
	}
	return 0;
}

static int become(const struct passwd *pw, char *err, size_t errlen)
{
	gid_t gid = pw->pw_gid;
	uid_t uid = pw->pw_uid;

	if (setgroups(1, &gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
		snprintf(err, errlen, "cannot switch to user %s: %s",
			 pw->pw_name, strerror(errno));
		return -EPERM;
	}
	/* SECURITY: check that it worked and cannot be undone. */
	if (getuid() != uid || geteuid() != uid || getgid() != gid ||
	    getegid() != gid || setuid(0) == 0) {
		snprintf(err, errlen, "switching to user %s did not drop root "
			 "privileges; refusing to run", pw->pw_name);
		return -EPERM;
	}
	return 0;
}

int ftpd_privs_target(const struct ftpd_config *c, uid_t *uid, gid_t *gid,
		      char *err, size_t errlen)
{
	struct passwd *pw = getpwnam(c->nopriv_user);

	if (!pw || pw->pw_uid == 0) {
		snprintf(err, errlen, "nopriv_user '%s' %s; set nopriv_user to "
			 "an unprivileged account (e.g. nobody)", c->nopriv_user,
			 pw ? "is root" : "does not exist");
		return -EINVAL;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int ftpd_privs_drop(struct ftpd_privs *p, const struct ftpd_config *c,
		    char *err, size_t errlen)
{
	struct passwd *pw = getpwnam(c->nopriv_user);
	int rc;

	if (!pw || pw->pw_uid == 0)
		return ftpd_privs_target(c, &(uid_t){ 0 }, &(gid_t){ 0 }, err,
					 errlen);
	rc = check_chroot_dir(c->secure_chroot_dir, err, errlen);
	if (rc != 0)
		return rc;
	if (chroot(c->secure_chroot_dir) != 0 || chdir("/") != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot chroot to %s: %s",
			 c->secure_chroot_dir, strerror(-rc));
		return rc;
	}
	p->chrooted = true;
	return become(pw, err, errlen);
}
