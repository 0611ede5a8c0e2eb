/*
 * file_read.c - whole-file reads with bounds and clear errors (see
 * file_read.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_read.h"

/* Checks the open file; 0 or -errno with err set. */
static int check(const char *what, const char *path, int fd, size_t max,
		 mode_t refuse_mode, struct stat *st, char *err, size_t errlen)
{
	const char *sp = what ? " " : "";

	what = what ? what : "";
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s%s%s: not a regular file; give the "
			 "path of a file", what, sp, path);
		return -EINVAL;
	}
	if ((uintmax_t)st->st_size > max) {
		snprintf(err, errlen, "%s%s%s: larger than %zu bytes; is this "
			 "the right file?", what, sp, path, max);
		return -EFBIG;
	}
	/* SECURITY: whoever may write a file that grants access (accounts,
	 * settings) may grant it to themselves. */
	if (st->st_mode & refuse_mode) {
		snprintf(err, errlen, "%s%s%s: writable by group or others, so "
			 "they could change what it grants; chmod go-w %s",
			 what, sp, path, path);
		return -EPERM;
	}
	return 0;
}

int file_read_all(const char *what, const char *path, size_t max,
		  mode_t refuse_mode, char **buf, size_t *len, char *err,
		  size_t errlen)
{
	struct stat st;
	ssize_t n = 0;
	int rc, fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	*buf = NULL;
	*len = 0;
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s%s%s: cannot open: %s%s",
			 what ? what : "", what ? " " : "", path, strerror(-rc),
			 rc == -ENOENT ? " (check the path)" :
			 rc == -EACCES ? " (the process needs read permission)" :
			 "");
		return rc;
	}
	rc = check(what, path, fd, max, refuse_mode, &st, err, errlen);
	if (rc == 0 && !(*buf = malloc((size_t)st.st_size + 1)))
		rc = -ENOMEM;
	while (rc == 0 && *len < (size_t)st.st_size) {
		n = read(fd, *buf + *len, (size_t)st.st_size - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		*len += (size_t)n;
	}
	if (rc == 0 && n < 0)
		rc = -EIO;
	close(fd);
	if (rc == -ENOMEM || rc == -EIO)
		snprintf(err, errlen, "%s%s%s: %s", what ? what : "",
			 what ? " " : "", path, rc == -ENOMEM ?
			 "out of memory" : "read error");
	if (rc != 0) {
		free(*buf);
		*buf = NULL;
		*len = 0;
		return rc;
	}
	(*buf)[*len] = '\0';
	return 0;
}
