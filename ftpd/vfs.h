/*
 * vfs.h - SECURITY-critical: every path a client names is resolved inside
 * the session's root, and every file operation goes through here.
 *
 * Two steps:
 *
 *  1. vfs_resolve() turns a client's argument (absolute, or relative to
 *     the session's cwd; with ., .., //, a trailing /, any bytes but NUL)
 *     into a virtual path: "/" or "/a/b", no ".", no "..", no empty
 *     components. It is purely textual: ".." at "/" stays at "/", as in a
 *     chroot. This virtual path is what PWD shows.
 *
 *  2. Operations take a virtual path and work on descriptors opened
 *     relative to an O_DIRECTORY descriptor of the root, never on host
 *     path strings. Symbolic links are followed only while they stay
 *     inside the root: absolute targets and targets whose ".." would climb
 *     above the root are refused with -EXDEV. With openat2(2) the kernel
 *     enforces this (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS); without it
 *     (ENOSYS on kernels before 5.6) a component-by-component walk with
 *     O_NOFOLLOW and readlinkat(2) does the same.
 *
 * Because only descriptors are used, the daemon may chroot (to the FTP
 * root or to an empty directory) after opening the roots it serves; the
 * vfs works the same either way.
 *
 * Errors are negative errno values; vfs_strerror() gives the text for an
 * FTP reply. Limits are in ftpd_limits.h (VFS_*).
 */
#ifndef FTPD_VFS_H
#define FTPD_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "ftpd_limits.h"

/* A virtual path: s is "/" or "/a/b", NUL-terminated, len = strlen(s). */
struct vfs_path {
	char s[VFS_PATH_MAX + 1];
	size_t len;
};

struct vfs;

enum {
	VFS_NO_OPENAT2 = 1u << 0, /* use the manual walk (tests, old kernels) */
};

/* Opens root (a directory) and returns a vfs in *out. 0, or -errno with a
 * message naming the root, the cause and the fix. The caller frees the
 * vfs with vfs_free. */
int vfs_open_root(const char *root, unsigned flags, struct vfs **out,
		  char *err, size_t errlen);

/* Same for a directory descriptor the caller opened (e.g. before a
 * chroot); the vfs takes ownership of root_fd (also on failure). */
int vfs_from_fd(int root_fd, unsigned flags, struct vfs **out);

void vfs_free(struct vfs *v);

/* True when openat2(2) is in use. */
bool vfs_uses_openat2(const struct vfs *v);

/* ---- virtual paths (no file system access) --------------------------------- */

/* Sets p to "/". */
void vfs_path_root(struct vfs_path *p);

/*
 * Resolves len bytes of arg (UNTRUSTED, not NUL-terminated) against cwd
 * into *out. 0, -EINVAL (a NUL byte), or -ENAMETOOLONG (a component over
 * NAME_MAX, a result over VFS_PATH_MAX, an argument over VFS_ARG_MAX).
 * An empty argument gives cwd. out may be cwd.
 */
int vfs_resolve(const struct vfs_path *cwd, const char *arg, size_t len,
		struct vfs_path *out);

/* The last component of p ("" for "/"). Borrowed from p. */
const char *vfs_path_base(const struct vfs_path *p);

/* ---- lookups ------------------------------------------------------------------ */

/* stat(2) of p, following links inside the root. */
int vfs_stat(const struct vfs *v, const struct vfs_path *p, struct stat *st);

/* lstat(2) of p: a final symbolic link is described, not followed. */
int vfs_lstat(const struct vfs *v, const struct vfs_path *p, struct stat *st);

/* 0 when p is a directory the session may change to (CWD), -ENOTDIR,
 * -ENOENT, -EXDEV... */
int vfs_check_dir(const struct vfs *v, const struct vfs_path *p);

/* The target text of the symbolic link p, NUL-terminated in buf. Length,
 * or -EINVAL (not a link), -ENAMETOOLONG (cap too small), -errno. */
ssize_t vfs_readlink(const struct vfs *v, const struct vfs_path *p,
		     char *buf, size_t cap);

/* ---- files ----------------------------------------------------------------------- */

enum vfs_open_mode {
	VFS_READ,       /* RETR: a regular file, positioned at offset        */
	VFS_WRITE,      /* STOR: created or truncated                        */
	VFS_WRITE_AT,   /* STOR after REST: created if missing, truncated to */
	                /* offset and positioned there                       */
	VFS_APPEND,     /* APPE: created if missing, every write at the end  */
	VFS_CREATE_NEW, /* fails with -EEXIST when p exists                  */
};

/*
 * Opens the regular file p. offset (64-bit) is used by VFS_READ and
 * VFS_WRITE_AT; create_mode (before the umask) by the creating modes.
 * Returns 0 and a descriptor in *fd that the caller owns and closes;
 * -EISDIR for a directory, -EINVAL for any other non-regular file (FIFOs
 * and devices are never opened in a blocking way), or -errno.
 */
int vfs_open_file(const struct vfs *v, const struct vfs_path *p,
		  enum vfs_open_mode mode, off_t offset, mode_t create_mode,
		  int *fd);

/* STOU: creates a new file named wanted, else wanted.1 ... up to
 * VFS_UNIQUE_TRIES, with O_EXCL. 0 with *fd (caller's) and the name in
 * *chosen, or -errno (-EEXIST when every name is taken). */
int vfs_open_unique(const struct vfs *v, const struct vfs_path *wanted,
		    mode_t create_mode, int *fd, struct vfs_path *chosen);

int vfs_unlink(const struct vfs *v, const struct vfs_path *p);
int vfs_rmdir(const struct vfs *v, const struct vfs_path *p);
int vfs_mkdir(const struct vfs *v, const struct vfs_path *p, mode_t mode);

/* Renames within the root; a final link is renamed, not followed. "/" can
 * be neither source nor target (-EBUSY). */
int vfs_rename(const struct vfs *v, const struct vfs_path *from,
	       const struct vfs_path *to);

/* SITE CHMOD: only the VFS_CHMOD_MASK bits of mode are applied. A final
 * symbolic link is refused (-ELOOP) rather than followed. */
int vfs_chmod(const struct vfs *v, const struct vfs_path *p, mode_t mode);

/* ---- directories --------------------------------------------------------------- */

struct vfs_dirent {
	char name[NAME_MAX + 1];
	struct stat st;          /* lstat of the entry */
};

struct vfs_dir;

/* Opens directory p for reading at most max_entries entries. 0 with *d
 * (caller's; vfs_closedir), or -errno. */
int vfs_opendir(const struct vfs *v, const struct vfs_path *p,
		size_t max_entries, struct vfs_dir **d);

/* Next entry ("." and ".." are skipped): 1 with *e filled, 0 at the end
 * or at the cap, -errno on error. */
int vfs_readdir(struct vfs_dir *d, struct vfs_dirent *e);

/* True once vfs_readdir stopped at the cap with entries left. */
bool vfs_dir_truncated(const struct vfs_dir *d);

void vfs_closedir(struct vfs_dir *d);

/* Text for an FTP reply for a negative errno from this API (static),
 * e.g. "No such file or directory", "Path leads outside your root". */
const char *vfs_strerror(int err);

#endif /* FTPD_VFS_H */
