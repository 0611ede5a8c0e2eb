/*
 * cmd_auth.c - logging in and out: USER PASS ACCT REIN QUIT HOST.
 *
 * Anonymous logins (ftp, anonymous) take any password. Virtual users'
 * passwords are checked on the password workers (auth.h) while the
 * session waits. A failed login is answered only after a delay that
 * grows with each failure (rules.h); max_login_fails failures close the
 * session.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "cmds.h"
#include "datachan.h"
#include "ftpd_config.h"
#include "rules.h"
#include "server.h"
#include "session.h"
#include "tls_server.h"

static bool is_anonymous_name(const char *s, size_t len)
{
	return (len == 3 && strncasecmp(s, "ftp", 3) == 0) ||
	       (len == 9 && strncasecmp(s, "anonymous", 9) == 0);
}

void ftpd_cmd_user(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);

	if (s->logged_in) {
		ftpd_reply(s, 530, "Already logged in; use REIN to log in "
			   "as someone else.");
		return;
	}
	s->anonymous = is_anonymous_name(cmd->arg, cmd->arg_len);
	/* SECURITY: force_local_logins_ssl, allow_anon_ssl (530). */
	if (!ftpd_tls_login_ok(s))
		return;
	/* An overlong name is kept empty: it can only fail, after the same
	 * delay as any other failure. */
	if (cmd->arg_len <= USERS_NAME_MAX) {
		memcpy(s->user, cmd->arg, cmd->arg_len);
		s->user[cmd->arg_len] = '\0';
	} else {
		s->user[0] = '\0';
	}
	s->user_given = true;
	if (s->anonymous && c->anonymous_enable)
		ftpd_reply(s, 331, "Anonymous login ok; send your e-mail "
			   "address as the password.");
	else
		ftpd_reply(s, 331, "Please specify the password.");
}

/* The session is logged in with root v (borrowed from the roots). */
static void logged_in(struct ftpd_session *s, const struct vfs *v,
		      unsigned perms, uint64_t rate)
{
	s->logged_in = true;
	s->vfs = v;
	s->perms = perms;
	s->rate = rate;
	s->fails = 0;
	vfs_path_root(&s->cwd);
	ftpd_slog(s, LOG_LVL_INFO, "login: %s%s", s->anonymous ?
		  "anonymous as " : "user ", s->user);
	ftpd_reply(s, 230, "Login successful.");
}

static void login_failed(struct ftpd_session *s, const char *why)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	struct timeval tv;
	uint32_t ms;

	s->fails++;
	ftpd_slog(s, LOG_LVL_WARNING, "login failed for '%s': %s (failure %u "
		  "of %lld)", s->user, why, s->fails,
		  (long long)c->max_login_fails);
	/* SECURITY: no answer sooner than the delay, so guessing is slow;
	 * input waits meanwhile. */
	ms = ftpd_login_delay_ms(s->fails);
	s->phase = FTPD_PH_AUTH;
	s->timer_use = FTPD_TM_DELAY;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	evtimer_add(s->timer, &tv);
}

void ftpd_login_delay_done(struct ftpd_session *s)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);

	s->phase = FTPD_PH_COMMANDS;
	s->user_given = false;
	if (s->fails >= (unsigned)c->max_login_fails) {
		ftpd_slog(s, LOG_LVL_WARNING, "%u failed logins: closing",
			  s->fails);
		ftpd_session_close(s, 530, "Login incorrect; too many "
				   "failures, closing the connection.");
		return;
	}
	ftpd_reply(s, 530, "Login incorrect.");
	ftpd_session_arm_timer(s);
	ftpd_session_resume(s);
}

static void login_anonymous(struct ftpd_session *s)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	const struct vfs *v = s->gen->anon;

	if (!c->anonymous_enable) {
		login_failed(s, "anonymous logins are disabled");
		return;
	}
	if (s->host_root)
		v = ftpd_server_root(s->srv, s->host_root);
	if (!v) {
		ftpd_slog(s, LOG_LVL_ERROR, "root %s is not open",
			  s->host_root ? s->host_root : c->anon_root);
		ftpd_reply(s, 421, "Service not available: the FTP root "
			   "cannot be opened.");
		return;
	}
	snprintf(s->user, sizeof(s->user), "ftp");
	logged_in(s, v, ftpd_config_anon_perms(c),
		  (uint64_t)c->anon_max_rate);
}

void ftpd_login_checked(struct ftpd_session *s, const struct users_entry *e)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	const char *root;
	const struct vfs *v;

	s->job = NULL;
	s->phase = FTPD_PH_COMMANDS;
	if (!e) {
		login_failed(s, "unknown user or wrong password");
		return;
	}
	root = e->root && e->root[0] ? e->root : c->local_root;
	v = root && root[0] ? ftpd_server_root(s->srv, root) : NULL;
	if (!v) {
		ftpd_slog(s, LOG_LVL_ERROR, "user %s: root '%s' is not open; "
			  "give the user a root (users file) or set "
			  "local_root", s->user, root ? root : "");
		ftpd_reply(s, 530, "Your FTP root is not available; tell the "
			   "administrator.");
		s->user_given = false;
		ftpd_session_arm_timer(s);
		ftpd_session_resume(s);
		return;
	}
	logged_in(s, v, ftpd_config_mask_perms(c, e->perms),
		  (uint64_t)c->local_max_rate);
	ftpd_session_arm_timer(s);
	ftpd_session_resume(s);
}

static void job_done(struct ftpd_auth_job *job, void *arg)
{
	ftpd_login_checked(arg, job->result);
}

void ftpd_cmd_pass(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	struct ftpd_auth_job *job;

	if (s->logged_in) {
		ftpd_reply(s, 230, "Already logged in.");
		return;
	}
	/* SECURITY: a password of a real account is refused in clear text
	 * even after a USER that was refused (force_local_logins_ssl). */
	if (!ftpd_tls_login_ok(s))
		return;
	if (s->anonymous) {
		login_anonymous(s);
		return;
	}
	if (!c->local_enable || !s->user[0]) {
		login_failed(s, c->local_enable ? "bad user name"
						: "local_enable = no");
		return;
	}
	job = ftpd_auth_submit(s->srv->auth, s->gen, s->user, strlen(s->user),
			       cmd->arg, cmd->arg_len);
	if (!job) {
		ftpd_slog(s, LOG_LVL_WARNING, "too many password checks "
			  "waiting: closing");
		ftpd_session_close(s, 421, "Too many logins at once; try "
				   "again later.");
		return;
	}
	job->done = job_done;
	job->arg = s;
	s->job = job;
	s->phase = FTPD_PH_AUTH;
}

void ftpd_cmd_acct(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	(void)cmd;
	ftpd_reply(s, 202, "ACCT not needed on this server.");
}

void ftpd_logout(struct ftpd_session *s)
{
	s->logged_in = s->anonymous = s->user_given = false;
	s->user[0] = '\0';
	s->perms = 0;
	s->vfs = NULL;
	s->rate = 0;
	s->ascii = false;
	s->rest = 0;
	s->epsv_all = false;
	s->host_root = NULL;
	s->last = NULL;
	s->idle_ms = ftpd_session_cfg(s)->idle_session_timeout_ms;
	vfs_path_root(&s->cwd);
	ftpd_dc_reset(s);
}

void ftpd_cmd_rein(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	(void)cmd;
	if (s->logged_in)
		ftpd_slog(s, LOG_LVL_INFO, "REIN: %s logged out", s->user);
	ftpd_logout(s);
	s->since = time(NULL); /* a new login_timeout */
	ftpd_reply(s, 220, "Ready for a new user.");
}

void ftpd_cmd_quit(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	(void)cmd;
	if (s->xfer) {
		/* RFC 959: the transfer's reply first, then 221. */
		s->quit_pending = true;
		return;
	}
	ftpd_session_close(s, 221, "Goodbye.");
}

/* RFC 7151: HOST before the login picks a virtual host's root. */
void ftpd_cmd_host(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	const char *root;

	if (s->logged_in || s->user_given) {
		ftpd_reply(s, 503, "HOST must come before USER and PASS.");
		return;
	}
	if (c->host.n == 0) {
		ftpd_reply(s, 220, "Host accepted (this server has no "
			   "virtual hosts).");
		return;
	}
	root = ftpd_config_host_root(c, cmd->arg, cmd->arg_len);
	if (!root) {
		ftpd_reply(s, 504, "Unknown host: no virtual host of that "
			   "name.");
		return;
	}
	s->host_root = root;
	ftpd_slog(s, LOG_LVL_INFO, "HOST %s", cmd->arg);
	ftpd_reply(s, 220, "Host accepted.");
}
