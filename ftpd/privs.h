/*
 * privs.h - dropping privileges once the link is open.
 *
 * A userspace stack needs privilege only to open its raw socket or
 * device. Started as root, ftpd therefore opens the link, the roots it
 * serves and its logs first, then chroots to secure_chroot_dir (an empty
 * directory owned by root) and becomes nopriv_user (setgroups, setgid,
 * setuid; checked). Started as another user it changes nothing.
 *
 * Files read again later (the configuration and the users file, on
 * SIGHUP) are reached after the chroot through descriptors of their
 * directories, kept from before it (ftpd_privs_keep_dir /
 * ftpd_privs_read); so are the log files reopened on SIGHUP
 * (ftpd_privs_dir_fd).
 */
#ifndef FTPD_PRIVS_H
#define FTPD_PRIVS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ftpd_config.h"

struct ftpd_privs;

struct ftpd_privs *ftpd_privs_new(void);
void ftpd_privs_free(struct ftpd_privs *p);

/* Keeps the directory of the file at path (absolute or relative to the
 * current directory) reachable after the chroot. 0 or -errno (err set). */
int ftpd_privs_keep_dir(struct ftpd_privs *p, const char *path, char *err,
			size_t errlen);

/* The descriptor (O_PATH, owned by p) of the kept directory of the file
 * at path, or -ENOENT when it was not kept. */
int ftpd_privs_dir_fd(const struct ftpd_privs *p, const char *path);

/* The account to become: nopriv_user's uid and gid. 0, or -EINVAL when
 * it does not exist or is root (err says so). */
int ftpd_privs_target(const struct ftpd_config *c, uid_t *uid, gid_t *gid,
		      char *err, size_t errlen);

/* As root: chroots to secure_chroot_dir (created, root's, 0755) and
 * becomes nopriv_user, for good (checked). 0, or -errno with a message
 * naming the cause and the fix. */
int ftpd_privs_drop(struct ftpd_privs *p, const struct ftpd_config *c,
		    char *err, size_t errlen);

/* mkdir -p: parents 0755, the last one mode. 0 or -errno. */
int ftpd_mkdir_p(const char *dir, mode_t mode);

/* Reads a whole file as file_read_all() does (file_read.h); after the
 * chroot through the kept directory of path. */
int ftpd_privs_read(const struct ftpd_privs *p, const char *what,
		    const char *path, size_t max, mode_t refuse_mode,
		    char **buf, size_t *len, char *err, size_t errlen);

#endif /* FTPD_PRIVS_H */
