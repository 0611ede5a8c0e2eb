/*
 * cmd_data.c - setting up data connections: PORT PASV (RFC 959), EPRT
 * EPSV (RFC 2428, with EPSV ALL), and ABOR.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "cmds.h"
#include "ftpd_config.h"
#include "datachan.h"
#include "ftp_addr.h"
#include "ftp_limits.h"
#include "rules.h"
#include "server.h"
#include "session.h"
#include "transfer.h"

/* Checks an active address and remembers it; replies either way. */
static void use_active(struct ftpd_session *s, const char *verb,
		       const struct ftp_hostport *hp)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	enum ftpd_port_verdict v = ftpd_port_check(s->peer_ip, hp,
						   c->port_promiscuous);
	char a[16], b[16];

	/* SECURITY: no FTP bounce (rules.h). */
	if (v != FTPD_PORT_OK) {
		ftpd_slog(s, LOG_LVL_WARNING, "refused %s to %s:%u: %s", verb,
			  ftp_ipv4_format(hp->ip, a), hp->port,
			  v == FTPD_PORT_OTHER_HOST ? "not the client's address"
						    : "privileged port");
		if (v == FTPD_PORT_OTHER_HOST)
			ftpd_reply(s, 500, "Illegal %s command: data connections "
				   "go only to your own address %s.", verb,
				   ftp_ipv4_format(s->peer_ip, b));
		else
			ftpd_reply(s, 500, "Illegal %s command: port %u is below "
				   "1024.", verb, hp->port);
		return;
	}
	if (ftpd_dc_active(s, hp) != 0) {
		ftpd_reply(s, 451, "Out of memory; try again.");
		return;
	}
	ftpd_reply(s, 200, "%s command successful. Consider using PASV.",
		   verb);
}

/* The refusals PORT, EPRT and PASV share; true when one was sent. */
static bool refused(struct ftpd_session *s, bool passive)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);

	if (s->epsv_all) {
		ftpd_reply(s, 501, "EPSV ALL is in effect: only EPSV may set up "
			   "data connections.");
		return true;
	}
	if (passive ? !c->pasv_enable : !c->port_enable) {
		ftpd_reply(s, 502, "%s mode is disabled on this server; use "
			   "%s.", passive ? "Passive" : "Active",
			   passive ? "PORT or EPRT" : "PASV or EPSV");
		return true;
	}
	return false;
}

void ftpd_cmd_port(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	struct ftp_hostport hp;

	if (refused(s, false))
		return;
	if (ftp_port_parse(cmd->arg, cmd->arg_len, &hp) != FTP_ADDR_OK) {
		ftpd_reply(s, 501, "Syntax: PORT <sp> h1,h2,h3,h4,p1,p2.");
		return;
	}
	use_active(s, "PORT", &hp);
}

void ftpd_cmd_eprt(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	struct ftp_hostport hp;
	enum ftp_addr_rc rc;

	if (refused(s, false))
		return;
	rc = ftp_eprt_parse(cmd->arg, cmd->arg_len, &hp);
	if (rc == FTP_ADDR_BAD_PROTO) {
		ftpd_reply(s, 522, "Network protocol not supported, use (1)");
		return;
	}
	if (rc != FTP_ADDR_OK) {
		ftpd_reply(s, 501, "Syntax: EPRT <sp> |1|address|port|.");
		return;
	}
	use_active(s, "EPRT", &hp);
}

/* Listens; 0 and *port, or replies 425 and returns -1. */
static int passive(struct ftpd_session *s, uint16_t *port)
{
	int rc = ftpd_dc_passive(s, port);

	if (rc == 0)
		return 0;
	ftpd_slog(s, LOG_LVL_WARNING, "no passive port free in %lld-%lld: %s",
		  (long long)ftpd_session_cfg(s)->pasv_min_port,
		  (long long)ftpd_session_cfg(s)->pasv_max_port,
		  ts_strerror(rc));
	ftpd_reply(s, 425, "Cannot open a passive port; try again later.");
	return -1;
}

void ftpd_cmd_pasv(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	char text[FTP_PASV_REPLY_MAX];
	struct ftp_hostport hp;

	(void)cmd;
	if (refused(s, true) || passive(s, &hp.port) != 0)
		return;
	hp.ip = c->pasv_address ? c->pasv_address : s->local_ip;
	ftp_pasv_format(&hp, text, sizeof(text));
	/* text is a whole reply line: "227 Entering Passive Mode (...)." */
	ftpd_reply(s, 227, "%s", text + 4);
}

void ftpd_cmd_epsv(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	char text[FTP_EPSV_REPLY_MAX];
	uint16_t port;

	if (cmd->arg_len == 3 && strncasecmp(cmd->arg, "ALL", 3) == 0) {
		s->epsv_all = true;
		ftpd_reply(s, 200, "EPSV ALL ok.");
		return;
	}
	if (cmd->arg_len > 0 && !(cmd->arg_len == 1 && cmd->arg[0] == '1')) {
		if (cmd->arg_len == 1 && cmd->arg[0] == '2')
			ftpd_reply(s, 522, "Network protocol not supported, "
				   "use (1)");
		else
			ftpd_reply(s, 501, "Syntax: EPSV [<sp> 1 | ALL].");
		return;
	}
	if (!c->pasv_enable) {
		ftpd_reply(s, 502, "Passive mode is disabled on this server; "
			   "use PORT or EPRT.");
		return;
	}
	if (passive(s, &port) != 0)
		return;
	ftp_epsv_format(port, text, sizeof(text));
	ftpd_reply(s, 229, "%s", text + 4);
}

void ftpd_cmd_abor(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	(void)cmd;
	if (s->xfer) {
		ftpd_xfer_abort(s, true);
		return;
	}
	ftpd_dc_reset(s);
	ftpd_reply(s, 225, "No transfer to abort.");
}
