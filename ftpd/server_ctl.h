/*
 * server_ctl.h - the daemon's signals, as libevent signal events:
 *
 *   SIGHUP           reopen the logs, reload ftpd.conf (and the users
 *                    file, banner and roots) for new sessions; a bad new
 *                    configuration is reported and the old one kept
 *   SIGTERM, SIGINT  graceful stop: no new connections; idle sessions
 *                    get 421 and the server closes first; transfers may
 *                    finish for FTPD_SHUTDOWN_GRACE_MS; then the TCP
 *                    state (TIME_WAIT) is saved and the process exits 0
 */
#ifndef FTPD_SERVER_CTL_H
#define FTPD_SERVER_CTL_H

#include <stddef.h>

struct ftpd_server;

/* Installs the signal events. 0 or -errno with err set. */
int ftpd_server_ctl_start(struct ftpd_server *srv, char *err, size_t errlen);

/* Removes them. */
void ftpd_server_ctl_stop(struct ftpd_server *srv);

/* Starts the graceful stop (as SIGTERM does). */
void ftpd_server_stop(struct ftpd_server *srv);

/* Reloads the configuration (as SIGHUP does). */
void ftpd_server_reload(struct ftpd_server *srv);

#endif /* FTPD_SERVER_CTL_H */
