/*
 * vfs.c - file operations on virtual paths, all through descriptors
 * opened beneath the root by vfs_walk.c (see vfs.h).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vfs_internal.h"

int vfs_stat(const struct vfs *v, const struct vfs_path *p, struct stat *st)
{
	int fd = vfs_openat(v, p, O_PATH, 0), rc = 0;

	if (fd < 0)
		return fd;
	if (fstat(fd, st) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

int vfs_lstat(const struct vfs *v, const struct vfs_path *p, struct stat *st)
{
	const char *name;
	int dirfd, rc;

	if (p->len == 1)
		return fstat(v->root_fd, st) == 0 ? 0 : -errno;
	rc = vfs_parent(v, p, &dirfd, &name);
	if (rc != 0)
		return rc;
	if (fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW) != 0)
		rc = -errno;
	close(dirfd);
	return rc;
}

int vfs_check_dir(const struct vfs *v, const struct vfs_path *p)
{
	int fd = vfs_openat(v, p, O_PATH | O_DIRECTORY, 0);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

ssize_t vfs_readlink(const struct vfs *v, const struct vfs_path *p,
		     char *buf, size_t cap)
{
	const char *name;
	ssize_t n;
	int dirfd, rc = vfs_parent(v, p, &dirfd, &name);

	if (rc != 0)
		return rc == -EBUSY ? -EINVAL : rc;
	n = readlinkat(dirfd, name, buf, cap);
	if (n < 0)
		n = -errno;
	else if ((size_t)n >= cap)
		n = -ENAMETOOLONG;
	else
		buf[n] = '\0';
	close(dirfd);
	return n;
}

/* ---- files ------------------------------------------------------------------------ */

static int open_flags(enum vfs_open_mode mode)
{
	/* SECURITY: O_NONBLOCK so that a FIFO never blocks the daemon; the
	 * file type is checked right after opening. */
	switch (mode) {
	case VFS_READ: return O_RDONLY | O_NONBLOCK;
	case VFS_WRITE: return O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK;
	case VFS_WRITE_AT: return O_WRONLY | O_CREAT | O_NONBLOCK;
	case VFS_APPEND: return O_WRONLY | O_CREAT | O_APPEND | O_NONBLOCK;
	case VFS_CREATE_NEW: return O_WRONLY | O_CREAT | O_EXCL | O_NONBLOCK;
	}
	return -1;
}

/* Checks that fd is a regular file, clears O_NONBLOCK and positions it. */
static int prepare(int fd, enum vfs_open_mode mode, off_t offset)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
		return -errno;
	if (offset < 0)
		return -EINVAL;
	if (mode == VFS_WRITE_AT && ftruncate(fd, offset) != 0)
		return -errno;
	if ((mode == VFS_READ || mode == VFS_WRITE_AT) && offset > 0 &&
	    lseek(fd, offset, SEEK_SET) < 0)
		return -errno;
	return 0;
}

int vfs_open_file(const struct vfs *v, const struct vfs_path *p,
		  enum vfs_open_mode mode, off_t offset, mode_t create_mode,
		  int *fd)
{
	int flags = open_flags(mode), f, rc;

	if (flags < 0)
		return -EINVAL;
	if (p->len == 1)
		return -EISDIR;
	f = vfs_openat(v, p, flags, create_mode);
	if (f < 0)
		return f == -ENXIO ? -EINVAL : f; /* a FIFO without reader */
	rc = prepare(f, mode, offset);
	if (rc != 0) {
		close(f);
		return rc;
	}
	*fd = f;
	return 0;
}

int vfs_open_unique(const struct vfs *v, const struct vfs_path *wanted,
		    mode_t create_mode, int *fd, struct vfs_path *chosen)
{
	struct vfs_path p;
	char suffix[16];
	int i, rc = -EEXIST;

	for (i = 0; i < VFS_UNIQUE_TRIES && rc == -EEXIST; i++) {
		p = *wanted;
		if (i > 0) {
			int n = snprintf(suffix, sizeof(suffix), ".%d", i);

			if (p.len + (size_t)n > VFS_PATH_MAX ||
			    strlen(vfs_path_base(&p)) + (size_t)n > NAME_MAX)
				return -ENAMETOOLONG;
			memcpy(p.s + p.len, suffix, (size_t)n + 1);
			p.len += (size_t)n;
		}
		rc = vfs_open_file(v, &p, VFS_CREATE_NEW, 0, create_mode, fd);
	}
	if (rc == 0)
		*chosen = p;
	return rc;
}

/* ---- changes to names --------------------------------------------------------------- */

int vfs_unlink(const struct vfs *v, const struct vfs_path *p)
{
	const char *name;
	int dirfd, rc = vfs_parent(v, p, &dirfd, &name);

	if (rc != 0)
		return rc;
	if (unlinkat(dirfd, name, 0) != 0)
		rc = -errno;
	close(dirfd);
	return rc;
}

int vfs_rmdir(const struct vfs *v, const struct vfs_path *p)
{
	const char *name;
	int dirfd, rc = vfs_parent(v, p, &dirfd, &name);

	if (rc != 0)
		return rc;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0)
		rc = -errno;
	close(dirfd);
	return rc;
}

int vfs_mkdir(const struct vfs *v, const struct vfs_path *p, mode_t mode)
{
	const char *name;
	int dirfd, rc = vfs_parent(v, p, &dirfd, &name);

	if (rc != 0)
		return rc == -EBUSY ? -EEXIST : rc;
	if (mkdirat(dirfd, name, mode) != 0)
		rc = -errno;
	close(dirfd);
	return rc;
}

int vfs_rename(const struct vfs *v, const struct vfs_path *from,
	       const struct vfs_path *to)
{
	const char *fname, *tname;
	int fdir, tdir, rc = vfs_parent(v, from, &fdir, &fname);

	if (rc != 0)
		return rc;
	rc = vfs_parent(v, to, &tdir, &tname);
	if (rc == 0) {
		if (renameat(fdir, fname, tdir, tname) != 0)
			rc = -errno;
		close(tdir);
	}
	close(fdir);
	return rc;
}

int vfs_chmod(const struct vfs *v, const struct vfs_path *p, mode_t mode)
{
	struct stat st;
	const char *name;
	int dirfd, rc = vfs_parent(v, p, &dirfd, &name);

	if (rc != 0)
		return rc == -EBUSY ? -EPERM : rc;
	/* SECURITY: fchmodat follows a final link, so a link is refused
	 * here; a link swapped in between these two calls needs a local
	 * shell in the tree (FTP has no command that makes links). */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		rc = -errno;
	else if (S_ISLNK(st.st_mode))
		rc = -ELOOP;
	/* SECURITY: never set-id or sticky bits from a client. */
	else if (fchmodat(dirfd, name, mode & VFS_CHMOD_MASK, 0) != 0)
		rc = -errno;
	close(dirfd);
	return rc;
}

/* ---- directories ---------------------------------------------------------------------- */

struct vfs_dir {
	DIR *dir;
	size_t max, count;
	bool truncated;
};

int vfs_opendir(const struct vfs *v, const struct vfs_path *p,
		size_t max_entries, struct vfs_dir **d)
{
	int fd = vfs_openat(v, p, O_RDONLY | O_DIRECTORY, 0);
	struct vfs_dir *vd;

	if (fd < 0)
		return fd;
	vd = calloc(1, sizeof(*vd));
	if (!vd || !(vd->dir = fdopendir(fd))) {
		int e = vd ? errno : ENOMEM;

		free(vd);
		close(fd);
		return -e;
	}
	vd->max = max_entries;
	*d = vd;
	return 0;
}

int vfs_readdir(struct vfs_dir *d, struct vfs_dirent *e)
{
	struct dirent *de;

	for (;;) {
		errno = 0;
		de = readdir(d->dir);
		if (!de)
			return errno ? -errno : 0;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (d->count >= d->max) {
			d->truncated = true;
			return 0;
		}
		/* An entry removed since readdir saw it is skipped. */
		if (fstatat(dirfd(d->dir), de->d_name, &e->st,
			    AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		snprintf(e->name, sizeof(e->name), "%s", de->d_name);
		d->count++;
		return 1;
	}
}

bool vfs_dir_truncated(const struct vfs_dir *d)
{
	return d->truncated;
}

void vfs_closedir(struct vfs_dir *d)
{
	if (!d)
		return;
	closedir(d->dir);
	free(d);
}

const char *vfs_strerror(int err)
{
	switch (-err) {
	case ENOENT: return "No such file or directory";
	case EXDEV: return "Path leads outside your root (or across file systems)";
	case ELOOP: return "Symbolic link refused or too many links";
	case ENAMETOOLONG: return "File name too long";
	case EINVAL: return "Not a regular file, or a bad name";
	case EISDIR: return "Is a directory";
	case ENOTDIR: return "Not a directory";
	case EEXIST: return "File exists";
	case ENOTEMPTY: return "Directory not empty";
	case EACCES:
	case EPERM: return "Permission denied";
	case EBUSY: return "Not allowed on the root directory";
	case ENOSPC: return "No space left on device";
	case EDQUOT: return "Disk quota exceeded";
	case EROFS: return "Read-only file system";
	default: return "Operation failed";
	}
}
