/*
 * vfs_internal.h - shared by vfs_walk.c (the resolution core) and vfs.c
 * (the operations). Not for use outside ftpd/vfs*.c.
 */
#ifndef FTPD_VFS_INTERNAL_H
#define FTPD_VFS_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "vfs.h"

struct vfs {
	int root_fd;    /* O_PATH | O_DIRECTORY descriptor of the root */
	bool openat2;   /* the kernel has openat2 and we may use it    */
};

/*
 * Opens virtual path p beneath the root with open(2) flags and mode.
 * A final symbolic link is followed (inside the root) unless flags has
 * O_NOFOLLOW. O_CLOEXEC (and O_NOCTTY without O_PATH) are added. Returns the
 * descriptor (caller's) or -errno; -EXDEV when a link leads out.
 */
int vfs_openat(const struct vfs *v, const struct vfs_path *p, int flags,
	       mode_t mode);

/* Opens the directory holding p's last component (O_PATH, following
 * links inside the root) into *dirfd (caller's) and points *name at that
 * component inside p. -EBUSY when p is "/". */
int vfs_parent(const struct vfs *v, const struct vfs_path *p, int *dirfd,
	       const char **name);

#endif /* FTPD_VFS_INTERNAL_H */
