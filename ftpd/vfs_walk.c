/*
 * vfs_walk.c - SECURITY core of the vfs: client paths to virtual paths,
 * and virtual paths to descriptors beneath the root (see vfs.h).
 *
 * Two resolvers give the same answers:
 *   - openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, where the
 *     kernel refuses absolute links and ".." above the root (EXDEV);
 *   - walk(), for kernels without openat2: one component at a time from
 *     the root descriptor, every component checked with readlinkat(2)
 *     and opened with O_NOFOLLOW, links expanded here under the same
 *     rules.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vfs_internal.h"

/* ---- virtual paths ------------------------------------------------------------- */

void vfs_path_root(struct vfs_path *p)
{
	p->s[0] = '/';
	p->s[1] = '\0';
	p->len = 1;
}

const char *vfs_path_base(const struct vfs_path *p)
{
	return strrchr(p->s, '/') + 1;
}

/* Appends one component (1..NAME_MAX bytes) to p. */
static int push(struct vfs_path *p, const char *c, size_t n)
{
	size_t sep = p->len > 1;

	if (n > NAME_MAX || p->len + sep + n > VFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (sep)
		p->s[p->len++] = '/';
	memcpy(p->s + p->len, c, n);
	p->len += n;
	p->s[p->len] = '\0';
	return 0;
}

/* Drops the last component; "/" stays "/". */
static void pop(struct vfs_path *p)
{
	char *slash = strrchr(p->s, '/');

	p->len = slash == p->s ? 1 : (size_t)(slash - p->s);
	p->s[p->len] = '\0';
}

int vfs_resolve(const struct vfs_path *cwd, const char *arg, size_t len,
		struct vfs_path *out)
{
	struct vfs_path r;
	size_t pos = 0;
	int rc;

	if (len > VFS_ARG_MAX)
		return -ENAMETOOLONG;
	/* SECURITY: a NUL would cut the path short in any C string use. */
	if (memchr(arg, '\0', len))
		return -EINVAL;
	if (len > 0 && arg[0] == '/')
		vfs_path_root(&r);
	else
		r = *cwd;
	while (pos < len) {
		const char *c = arg + pos, *slash = memchr(c, '/', len - pos);
		size_t n = slash ? (size_t)(slash - c) : len - pos;

		pos += n + 1;
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		/* SECURITY: ".." at the root stays at the root, as in a
		 * chroot; the result never has a ".." left in it. */
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			pop(&r);
			continue;
		}
		rc = push(&r, c, n);
		if (rc != 0)
			return rc;
	}
	*out = r;
	return 0;
}

/* ---- the root -------------------------------------------------------------------- */

static long sys_openat2(int dirfd, const char *path, struct open_how *how)
{
	return syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
}

static bool have_openat2(int root_fd)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH |
					   RESOLVE_NO_MAGICLINKS };
	long fd = sys_openat2(root_fd, ".", &how);

	if (fd < 0)
		return false;
	close((int)fd);
	return true;
}

int vfs_from_fd(int root_fd, unsigned flags, struct vfs **out)
{
	struct vfs *v = calloc(1, sizeof(*v));

	if (!v) {
		close(root_fd);
		return -ENOMEM;
	}
	v->root_fd = root_fd;
	v->openat2 = !(flags & VFS_NO_OPENAT2) && have_openat2(root_fd);
	*out = v;
	return 0;
}

int vfs_open_root(const char *root, unsigned flags, struct vfs **out,
		  char *err, size_t errlen)
{
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "FTP root %s: cannot open: %s%s", root,
			 strerror(e), e == ENOENT ? " (create it, or set the "
			 "root in ftpd.conf)" : e == ENOTDIR ? " (it must be "
			 "a directory)" : "");
		return -e;
	}
	return vfs_from_fd(fd, flags, out);
}

void vfs_free(struct vfs *v)
{
	if (!v)
		return;
	close(v->root_fd);
	free(v);
}

bool vfs_uses_openat2(const struct vfs *v)
{
	return v->openat2;
}

/* ---- the manual walk -------------------------------------------------------------- */

struct walk {
	const struct vfs *v;
	int fd;                         /* current directory, O_PATH      */
	struct vfs_path done;           /* resolved part, from the root   */
	char todo[VFS_ARG_MAX + 1];     /* what is left, '/'-separated    */
	size_t todo_len, pos;
	unsigned links, steps;
};

/* Reopens w->fd by walking w->done from the root again (after ".."):
 * every component is a directory that was resolved without links. */
static int rewalk(struct walk *w)
{
	const char *p = w->done.s + 1;
	int fd = openat(w->v->root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	while (fd >= 0 && *p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		char name[NAME_MAX + 1];
		int next;

		memcpy(name, p, n);
		name[n] = '\0';
		next = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW |
			      O_CLOEXEC);
		close(fd);
		fd = next;
		p += n + (slash != NULL);
	}
	if (fd < 0)
		return -errno;
	close(w->fd);
	w->fd = fd;
	return 0;
}

/* Replaces the component just read (a link) by its target. */
static int expand_link(struct walk *w, const char *target, size_t n)
{
	char rest[VFS_ARG_MAX + 1];
	size_t rlen = w->pos < w->todo_len ? w->todo_len - w->pos : 0;

	if (++w->links > VFS_SYMLINK_MAX)
		return -ELOOP;
	if (n == 0)
		return -ENOENT;
	/* SECURITY: an absolute target leaves the root. */
	if (target[0] == '/')
		return -EXDEV;
	if (n + 1 + rlen > VFS_ARG_MAX)
		return -ENAMETOOLONG;
	memcpy(rest, w->todo + w->pos, rlen);
	memcpy(w->todo, target, n);
	w->todo[n] = '/';
	memcpy(w->todo + n + 1, rest, rlen);
	w->todo_len = n + 1 + rlen;
	w->todo[w->todo_len] = '\0';
	w->pos = 0;
	return 0;
}

/* Next non-empty, non-"." component into name: 1, 0 at the end, or
 * -ENAMETOOLONG (only a link's target can hold one that long). */
static int next_component(struct walk *w, char name[NAME_MAX + 1])
{
	while (w->pos < w->todo_len) {
		const char *c = w->todo + w->pos;
		const char *slash = memchr(c, '/', w->todo_len - w->pos);
		size_t n = slash ? (size_t)(slash - c) : w->todo_len - w->pos;

		w->pos += n + 1;
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(name, c, n);
		name[n] = '\0';
		return 1;
	}
	return 0;
}

static bool at_end(const struct walk *w)
{
	size_t i;

	for (i = w->pos; i < w->todo_len; i++)
		if (w->todo[i] != '/' && !(w->todo[i] == '.' &&
		    (i + 1 == w->todo_len || w->todo[i + 1] == '/')))
			return false;
	return true;
}

/* One step of the walk on component name; returns 1 when the walk is
 * finished with the final descriptor in *out, 0 to go on, or -errno. */
static int step(struct walk *w, const char *name, int flags, mode_t mode,
		int *out)
{
	char target[PATH_MAX];
	bool last = at_end(w);
	ssize_t n;
	int fd;

	if (strcmp(name, "..") == 0) {
		/* SECURITY: ".." from a link may not climb above the root. */
		if (w->done.len == 1)
			return -EXDEV;
		pop(&w->done);
		return rewalk(w);
	}
	if (!last || !(flags & O_NOFOLLOW)) {
		n = readlinkat(w->fd, name, target, sizeof(target));
		if (n >= (ssize_t)sizeof(target))
			return -ENAMETOOLONG;
		if (n >= 0)
			return expand_link(w, target, (size_t)n);
		if (errno != EINVAL && !(last && errno == ENOENT))
			return -errno;
	}
	if (last) {
		/* Not a link (or not to be followed): O_NOFOLLOW makes a
		 * link swapped in meanwhile fail instead of being used. */
		fd = openat(w->fd, name, flags | O_NOFOLLOW, mode);
		if (fd < 0)
			return -errno;
		*out = fd;
		return 1;
	}
	fd = openat(w->fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(w->fd);
	w->fd = fd;
	return push(&w->done, name, strlen(name));
}

static int walk(const struct vfs *v, const char *rel, int flags, mode_t mode)
{
	struct walk *w = calloc(1, sizeof(*w));
	char name[NAME_MAX + 1];
	int rc = 0, out = -1;

	if (!w)
		return -ENOMEM;
	w->v = v;
	vfs_path_root(&w->done);
	w->todo_len = strlen(rel);
	memcpy(w->todo, rel, w->todo_len + 1);
	w->fd = openat(v->root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (w->fd < 0)
		rc = -errno;
	while (rc == 0) {
		int more = next_component(w, name);

		if (++w->steps > VFS_WALK_STEPS_MAX) {
			rc = -ELOOP;
		} else if (more < 0) {
			rc = more;
		} else if (more == 0) {
			/* The path ends in a directory reached by "..". */
			out = openat(w->fd, ".", flags & ~O_NOFOLLOW, mode);
			rc = out >= 0 ? 1 : -errno;
		} else {
			rc = step(w, name, flags, mode, &out);
		}
	}
	if (w->fd >= 0)
		close(w->fd);
	free(w);
	return rc == 1 ? out : rc;
}

/* ---- opening beneath the root -------------------------------------------------------- */

int vfs_openat(const struct vfs *v, const struct vfs_path *p, int flags,
	       mode_t mode)
{
	const char *rel = p->len > 1 ? p->s + 1 : ".";
	struct open_how how;
	long fd = -1;
	int i;

	/* openat2 refuses with O_PATH any flag but O_DIRECTORY, O_NOFOLLOW
	 * and O_CLOEXEC. */
	flags |= O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY);
	if (!(flags & O_CREAT))
		mode = 0;
	if (!v->openat2)
		return walk(v, rel, flags, mode);
	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(unsigned)flags;
	how.mode = mode;
	/* SECURITY: the kernel refuses any resolution that leaves the root
	 * (absolute links, ".." above it) and /proc-style magic links. */
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	for (i = 0; i < VFS_OPENAT2_RETRIES; i++) {
		fd = sys_openat2(v->root_fd, rel, &how);
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd >= 0 ? (int)fd : -errno;
}

int vfs_parent(const struct vfs *v, const struct vfs_path *p, int *dirfd,
	       const char **name)
{
	struct vfs_path parent = *p;
	int fd;

	if (p->len <= 1)
		return -EBUSY;
	pop(&parent);
	fd = vfs_openat(v, &parent, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	*dirfd = fd;
	*name = vfs_path_base(p);
	return 0;
}
