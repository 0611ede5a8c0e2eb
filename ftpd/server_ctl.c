/*
 * server_ctl.c - SIGHUP reload and SIGTERM/SIGINT graceful stop (see
 * server_ctl.h).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "ftpd_limits.h"
#include "privs.h"
#include "server.h"
#include "server_ctl.h"
#include "session.h"
#include "transfer.h"

/* ---- reload ------------------------------------------------------------------------ */

/* Keys the running stack cannot change: they take effect at a restart. */
static const char *const restart_keys[] = {
	"link", "address", "gateway", "mac", "mtu", "impair", "listen_address",
	"listen_port", "msl", "quiet_time", "reuse_addr", "pcap", "state_dir",
	"log_file", "syslog_enable", "xferlog_file", "xferlog_enable",
	"background", "pid_file", "nopriv_user", "secure_chroot_dir",
};

static void warn_restart_keys(struct ftpd_server *srv,
			      const struct ftpd_config *old,
			      const struct ftpd_config *new)
{
	const struct cfg_table *t = ftpd_config_table();
	char a[CFG_VALUE_MAX + 1], b[CFG_VALUE_MAX + 1];
	size_t i;

	for (i = 0; i < sizeof(restart_keys) / sizeof(restart_keys[0]); i++) {
		const struct cfg_key *k = cfg_find(t, restart_keys[i],
						   strlen(restart_keys[i]));

		if (!k || cfg_format(k, old, a, sizeof(a)) < 0 ||
		    cfg_format(k, new, b, sizeof(b)) < 0 || strcmp(a, b) == 0)
			continue;
		log_msg(srv->log, LOG_LVL_WARNING, "reload: %s changed from "
			"'%s' to '%s'; it takes effect when ftpd restarts",
			restart_keys[i], a, b);
	}
}

/* Reads ftpd.conf (through privs after a chroot) and the -o overrides. */
static int load_config(struct ftpd_server *srv, struct ftpd_config *c,
		       char *err, size_t errlen)
{
	const struct ftpd_paths *p = &srv->paths;
	char *buf = NULL;
	size_t len = 0, i;
	int rc = ftpd_config_init(c, err, errlen);

	if (rc == 0 && p->conf) {
		rc = ftpd_privs_read(srv->privs, "configuration", p->conf,
				     CFG_FILE_MAX, 0, &buf, &len, err, errlen);
		if (rc == 0)
			rc = cfg_load_buffer(ftpd_config_table(), c, p->conf,
					     buf, len, err, errlen);
		free(buf);
	}
	for (i = 0; rc == 0 && i < p->n_overrides; i++)
		rc = cfg_override(ftpd_config_table(), c, p->overrides[i], err,
				  errlen);
	if (rc == 0)
		rc = ftpd_config_check(c, p->conf ? p->conf : "command line",
				       err, errlen);
	return rc;
}

/*
 * Reopens one log at its path; after the chroot through the descriptor
 * of its directory kept from before it (privs.h).
 *
 * SECURITY: the chroot and the switch to nopriv_user are for good and no
 * privileged process stays behind, so the file is opened as nopriv_user:
 * it can create or open only what that account may (the directory must
 * be writable by it, or the rotation creates the new file for it). The
 * open is one name relative to that one directory, with O_NOFOLLOW: a
 * symbolic link planted as the new log is refused, and nothing else
 * outside the chroot is reachable by it.
 */
static void reopen_log(struct ftpd_server *srv, struct log *lg,
		       const char *what)
{
	const char *path = log_path(lg);
	char err[512];
	int rc, dfd;

	if (!path)
		return;
	if (!srv->chrooted) {
		rc = log_reopen(lg, err, sizeof(err));
	} else if ((dfd = ftpd_privs_dir_fd(srv->privs, path)) < 0) {
		rc = dfd;
		snprintf(err, sizeof(err), "the directory of %s was not kept "
			 "at the chroot", path);
	} else {
		rc = log_reopen_at(lg, dfd, err, sizeof(err));
	}
	if (rc != 0)
		log_msg(srv->log, LOG_LVL_WARNING, "reload: cannot reopen the "
			"%s: %s; still writing the old file", what, err);
}

static void reopen_logs(struct ftpd_server *srv)
{
	reopen_log(srv, srv->log, "log");
	if (srv->xlog)
		reopen_log(srv, srv->xlog, "transfer log");
}

void ftpd_server_reload(struct ftpd_server *srv)
{
	struct ftpd_config c;
	struct ftpd_gen *g = NULL;
	char err[1024];
	int rc;

	reopen_logs(srv);
	rc = load_config(srv, &c, err, sizeof(err));
	if (rc == 0) {
		warn_restart_keys(srv, &srv->gen->cfg, &c);
		rc = ftpd_gen_build(srv, &c, &g, err, sizeof(err));
	}
	ftpd_config_free(&c);
	if (rc != 0) {
		log_msg(srv->log, LOG_LVL_ERROR, "reload failed: %s; keeping "
			"the old configuration", err);
		return;
	}
	ftpd_gen_put(srv->gen);
	srv->gen = g;
	log_set_level(srv->log, (enum log_level)g->cfg.log_level);
	net_set_trace(srv->net, g->cfg.trace == FTPD_TRACE_OFF ? 0 :
		      g->cfg.trace == FTPD_TRACE_STATES ? TS_TRACE_STATES :
		      g->cfg.trace == FTPD_TRACE_SEGMENTS ? TS_TRACE_SEGMENTS :
		      TS_TRACE_ALL);
	log_msg(srv->log, LOG_LVL_INFO, "configuration reloaded; %zu sessions "
		"keep the one they started with", srv->n_sessions);
}

/* ---- graceful stop ------------------------------------------------------------------ */

static void stop_tick(evutil_socket_t fd, short what, void *arg);

static void arm_tick(struct ftpd_server *srv)
{
	struct timeval tv = { 0, FTPD_CLOSE_POLL_MS * 1000 };

	evtimer_add(srv->stop_timer, &tv);
}

/* Closes sessions that may close now: idle ones at once, those with a
 * transfer once the grace time is over. */
static void close_sessions(struct ftpd_server *srv, bool force)
{
	struct ftpd_session *s, *next;

	for (s = srv->sessions; s; s = next) {
		next = s->next;
		if (s->phase == FTPD_PH_CLOSING || (s->xfer && !force))
			continue;
		ftpd_session_close(s, 421, "Service closing: the server is "
				   "shutting down.");
	}
}

static void stop_tick(evutil_socket_t fd, short what, void *arg)
{
	struct ftpd_server *srv = arg;
	unsigned ms;

	(void)fd;
	(void)what;
	srv->stop_ticks++;
	ms = srv->stop_ticks * FTPD_CLOSE_POLL_MS;
	close_sessions(srv, ms >= FTPD_SHUTDOWN_GRACE_MS);
	if (srv->n_sessions == 0 && srv->drain_ticks == 0)
		srv->drain_ticks = srv->stop_ticks;
	/* Last ACKs leave, then the loop ends (state saved by the free). */
	if ((srv->drain_ticks &&
	     (srv->stop_ticks - srv->drain_ticks) * FTPD_CLOSE_POLL_MS >=
		     FTPD_SHUTDOWN_DRAIN_MS) ||
	    ms >= FTPD_SHUTDOWN_GRACE_MS + FTPD_QUIT_LINGER_MS +
			  FTPD_SHUTDOWN_DRAIN_MS) {
		event_base_loopbreak(srv->base);
		return;
	}
	arm_tick(srv);
}

void ftpd_server_stop(struct ftpd_server *srv)
{
	if (srv->stopping)
		return;
	srv->stopping = true;
	log_msg(srv->log, LOG_LVL_INFO, "stopping: %zu sessions to close",
		srv->n_sessions);
	if (srv->listener >= 0) {
		ts_close(ts_ev_stack(srv->ev), srv->listener);
		srv->listener = -1;
		ts_ev_kick(srv->ev);
	}
	close_sessions(srv, false);
	arm_tick(srv);
}

/* ---- signals ---------------------------------------------------------------------------- */

static void sig_cb(evutil_socket_t sig, short what, void *arg)
{
	struct ftpd_server *srv = arg;

	(void)what;
	if (sig == SIGHUP)
		ftpd_server_reload(srv);
	else
		ftpd_server_stop(srv);
}

int ftpd_server_ctl_start(struct ftpd_server *srv, char *err, size_t errlen)
{
	srv->sig_hup = evsignal_new(srv->base, SIGHUP, sig_cb, srv);
	srv->sig_term = evsignal_new(srv->base, SIGTERM, sig_cb, srv);
	srv->sig_int = evsignal_new(srv->base, SIGINT, sig_cb, srv);
	srv->stop_timer = evtimer_new(srv->base, stop_tick, srv);
	if (!srv->sig_hup || !srv->sig_term || !srv->sig_int ||
	    !srv->stop_timer || evsignal_add(srv->sig_hup, NULL) != 0 ||
	    evsignal_add(srv->sig_term, NULL) != 0 ||
	    evsignal_add(srv->sig_int, NULL) != 0) {
		snprintf(err, errlen, "cannot install signal handlers");
		return -ENOMEM;
	}
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

void ftpd_server_ctl_stop(struct ftpd_server *srv)
{
	if (srv->sig_hup)
		event_free(srv->sig_hup);
	if (srv->sig_term)
		event_free(srv->sig_term);
	if (srv->sig_int)
		event_free(srv->sig_int);
	if (srv->stop_timer)
		event_free(srv->stop_timer);
	srv->sig_hup = srv->sig_term = srv->sig_int = srv->stop_timer = NULL;
}
