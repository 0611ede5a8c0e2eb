/*
 * localfile.c - download targets with a temporary name (see localfile.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "localfile.h"

#define PART_MODE 0666 /* umask applies, as for any new file */

int ftpc_local_part_name(const char *name, char *out, size_t cap)
{
	const char *slash = strrchr(name, '/');
	int dlen = slash ? (int)(slash - name) + 1 : 0;
	int n = snprintf(out, cap, "%.*s.%s%s", dlen, name,
			 slash ? slash + 1 : name, FTPC_PART_SUFFIX);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

static int fail(char *err, size_t cap, int e, const char *what,
		const char *name, const char *fix)
{
	snprintf(err, cap, "cannot %s %s: %s%s%s", what, name, strerror(e),
		 fix ? "; " : "", fix ? fix : "");
	return -e;
}

/* The partial file to continue: .NAME.part, else NAME moved there. */
static int adopt_partial(struct ftpc_local *l, char *err, size_t cap)
{
	struct stat st;

	if (lstat(l->part, &st) == 0)
		return S_ISREG(st.st_mode) ? 0
		       : fail(err, cap, EEXIST, "resume into", l->part,
			      "it is not a regular file; remove it");
	if (lstat(l->final, &st) != 0)
		return 0; /* nothing to resume: start at 0 */
	if (!S_ISREG(st.st_mode))
		return fail(err, cap, EISDIR, "resume", l->final,
			    "it is not a regular file");
	if (rename(l->final, l->part) != 0)
		return fail(err, cap, errno, "move aside", l->final,
			    "check the directory's permissions");
	return 0;
}

static int open_file(struct ftpc_local *l, bool resume, uint64_t restart_at,
		     char *err, size_t cap)
{
	int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC;
	struct stat st;

	if (ftpc_local_part_name(l->final, l->part, sizeof(l->part)) != 0)
		return fail(err, cap, ENAMETOOLONG, "write", l->final, NULL);
	if ((resume || restart_at) && adopt_partial(l, err, cap) != 0)
		return -EEXIST;
	if (!resume && !restart_at)
		flags |= O_TRUNC;
	l->fd = open(l->part, flags, PART_MODE);
	if (l->fd < 0)
		return fail(err, cap, errno, "create", l->part,
			    "check the directory exists and is writable");
	if (fstat(l->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(l->fd);
		l->fd = -1;
		return fail(err, cap, EINVAL, "write", l->part,
			    "not a regular file");
	}
	l->resume = (uint64_t)st.st_size;
	if (restart_at) {
		if (l->resume < restart_at) {
			close(l->fd);
			l->fd = -1;
			snprintf(err, cap, "cannot restart at %llu: the local "
				 "file has only %llu bytes; use reget",
				 (unsigned long long)restart_at,
				 (unsigned long long)l->resume);
			return -EINVAL;
		}
		if (ftruncate(l->fd, (off_t)restart_at) != 0)
			return fail(err, cap, errno, "truncate", l->part, NULL);
		l->resume = restart_at;
	}
	lseek(l->fd, (off_t)l->resume, SEEK_SET);
	return 0;
}

int ftpc_local_open_get(struct ftpc_local *l, const char *name, bool resume,
			uint64_t restart_at, char *err, size_t errcap)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	snprintf(l->final, sizeof(l->final), "%s", name);
	if (strcmp(name, "-") == 0) {
		l->kind = FTPC_LOCAL_STDOUT;
		l->fd = STDOUT_FILENO;
		return 0;
	}
	if (name[0] == '|') {
		l->kind = FTPC_LOCAL_PIPE;
		fflush(stdout);
		l->pipe = popen(name + 1, "w");
		if (!l->pipe)
			return fail(err, errcap, errno, "run", name + 1, NULL);
		l->fd = fileno(l->pipe);
		return 0;
	}
	if (strlen(name) >= sizeof(l->final))
		return fail(err, errcap, ENAMETOOLONG, "write", name, NULL);
	return open_file(l, resume, restart_at, err, errcap);
}

int ftpc_local_write(struct ftpc_local *l, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(l->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
		l->written += (uint64_t)n;
	}
	return 0;
}

static int close_target(struct ftpc_local *l)
{
	int rc = 0;

	if (l->kind == FTPC_LOCAL_PIPE && l->pipe)
		rc = pclose(l->pipe) == -1 ? -errno : 0;
	else if (l->kind == FTPC_LOCAL_FILE && l->fd >= 0)
		rc = close(l->fd) != 0 ? -errno : 0;
	else if (l->kind == FTPC_LOCAL_STDOUT)
		fflush(stdout);
	l->pipe = NULL;
	l->fd = -1;
	return rc;
}

int ftpc_local_commit(struct ftpc_local *l, char *err, size_t errcap)
{
	bool file = l->kind == FTPC_LOCAL_FILE && l->fd >= 0;
	int rc = close_target(l);

	if (!file)
		return rc;
	if (rc != 0) {
		fail(err, errcap, -rc, "write", l->part, "is the disk full?");
		return rc;
	}
	if (rename(l->part, l->final) != 0)
		return fail(err, errcap, errno, "rename the finished download "
			    "to", l->final, "it stays as the .part file");
	return 0;
}

bool ftpc_local_abandon(struct ftpc_local *l)
{
	bool file = l->kind == FTPC_LOCAL_FILE && l->fd >= 0;
	struct stat st;

	close_target(l);
	if (!file)
		return false;
	if (stat(l->part, &st) == 0 && st.st_size > 0)
		return true;
	unlink(l->part);
	return false;
}
