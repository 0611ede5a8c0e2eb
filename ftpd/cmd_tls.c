/*
 * cmd_tls.c - the RFC 4217 commands: AUTH PBSZ PROT CCC. What each
 * reply is comes from tls_rules.h; the switch to TLS from tls_server.h.
 */
#include "config.h"

#include "cmds.h"
#include "ftpd_config.h"
#include "session.h"
#include "tls_rules.h"
#include "tls_server.h"

void ftpd_cmd_auth(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	const char *text = NULL;
	unsigned code = ftpd_auth_decide(cmd->arg, cmd->arg_len, c->ssl_enable,
					 ftpd_tls_on(s),
					 s->user_given || s->logged_in, &text);

	ftpd_reply(s, code, "%s", text);
	if (code != 234)
		return;
	/* The 234 is queued in clear text: the filter comes after it. */
	if (ftpd_tls_start(s) != 0) {
		ftpd_slog(s, LOG_LVL_ERROR, "AUTH TLS: cannot start TLS (out "
			  "of memory); closing");
		ftpd_session_close(s, 0, NULL);
		return;
	}
	ftpd_slog(s, LOG_LVL_DEBUG, "AUTH TLS: handshake under way");
}

void ftpd_cmd_pbsz(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	const char *text = NULL;
	unsigned code = ftpd_pbsz_decide(ftpd_tls_on(s), &text);

	(void)cmd;
	if (code == 200)
		s->tls->pbsz = true;
	ftpd_reply(s, code, "%s", text);
}

void ftpd_cmd_prot(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	bool on = ftpd_tls_on(s), priv = false;
	const char *text = NULL;
	unsigned code;

	code = ftpd_prot_decide(cmd->arg, cmd->arg_len, on,
				on && s->tls->pbsz,
				s->logged_in && !s->anonymous &&
					c->force_local_data_ssl,
				&priv, &text);
	if (code == 200)
		s->tls->prot_private = priv;
	ftpd_reply(s, code, "%s", text);
}

void ftpd_cmd_ccc(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	bool prot = ftpd_tls_protected(s);
	const char *text = NULL;
	unsigned code = ftpd_ccc_decide(prot, c->allow_ccc, s->logged_in,
					prot && ftpd_tls_ccc_busy(s), &text);

	(void)cmd;
	ftpd_reply(s, code, "%s", text);
	if (code != 200)
		return;
	/* The 200 is encrypted as it is queued: close_notify comes after
	 * it, then clear text (PROT stays as it is). */
	if (ftpd_tls_ccc(s) != 0) {
		ftpd_slog(s, LOG_LVL_ERROR, "CCC: cannot end TLS on the "
			  "control connection; closing");
		ftpd_session_close(s, 0, NULL);
		return;
	}
	ftpd_slog(s, LOG_LVL_INFO, "CCC: TLS close_notify sent");
}
