/*
 * state.h - the daemon's claim on its TCP state directory (TIME_WAIT
 * across restarts and quiet time after a crash: ts_state_begin/end in
 * ts.h), made so that it still works after the process chrooted and
 * became nopriv_user:
 *
 *   - before the privilege drop, state_dir is created (0700) and it and
 *     its state-* files are given to the account that will use them
 *     (nopriv_user, or root when the process keeps root, on a hub);
 *   - a descriptor of it is kept; the claim (after the drop, before the
 *     listener opens) and the save (at a graceful stop) run with the
 *     working directory there, through that descriptor, for a moment.
 *
 * SECURITY: state_dir then belongs to nopriv_user: give ftpd an account
 * of its own (not one other daemons share) so nothing else can change
 * its TIME_WAIT state.
 */
#ifndef FTPD_STATE_H
#define FTPD_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct ftpd_server;

/* As root, before the drop: creates state_dir and hands it to uid/gid;
 * keep_fd (the process will chroot) keeps its descriptor for the claim
 * and the save. 0 or -errno with err set. */
int ftpd_state_prepare(struct ftpd_server *srv, bool keep_fd, uid_t uid,
		       gid_t gid, char *err, size_t errlen);

/* After the drop: claims the directory (loads TIME_WAIT, quiet time).
 * 0 or -errno with err set. */
int ftpd_state_claim(struct ftpd_server *srv, char *err, size_t errlen);

/* At the end: saves the TIME_WAIT table and releases the claim; a
 * failure is reported on stderr and in the log. */
void ftpd_state_release(struct ftpd_server *srv);

#endif /* FTPD_STATE_H */
