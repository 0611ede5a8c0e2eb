/*
 * roots.h - the FTP roots the daemon serves (anon_root, local_root, each
 * virtual user's root, each `host` root), each opened once as a vfs and
 * shared by every session under it.
 *
 * Roots are opened before the process chroots (privs.h) and then sealed:
 * a sealed set opens no new path, since none outside the chroot can be
 * reached any more; a configuration reload that names a new root is then
 * refused with a message saying to restart.
 */
#ifndef FTPD_ROOTS_H
#define FTPD_ROOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "vfs.h"

struct ftpd_roots;

/* NULL when out of memory. */
struct ftpd_roots *ftpd_roots_new(void);
void ftpd_roots_free(struct ftpd_roots *r);

/* The root at path (absolute), opening it on first use. Returns it
 * (borrowed; lives until ftpd_roots_free), or NULL with a message in err
 * naming the root, the cause and the fix. */
const struct vfs *ftpd_roots_open(struct ftpd_roots *r, const char *path,
				  char *err, size_t errlen);

/* The root at path if it is open, else NULL. */
const struct vfs *ftpd_roots_find(const struct ftpd_roots *r,
				  const char *path);

/* No more opening (after chroot). */
void ftpd_roots_seal(struct ftpd_roots *r);

size_t ftpd_roots_count(const struct ftpd_roots *r);

#endif /* FTPD_ROOTS_H */
