/*
 * cmd_info.c - information: SYST STAT HELP NOOP FEAT OPTS MLST.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmds.h"
#include "ftpd_config.h"
#include "datachan.h"
#include "ftp_addr.h"
#include "ftpd_limits.h"
#include "listing.h"
#include "session.h"
#include "strbuf.h"
#include "tls_server.h"
#include "transfer.h"
#include "users.h"

void ftpd_cmd_syst(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	(void)cmd;
	ftpd_reply(s, 215, "UNIX Type: L8");
}

void ftpd_cmd_noop(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	(void)cmd;
	ftpd_reply(s, 200, "NOOP ok.");
}

/* STAT without an argument: the session's state (RFC 959: 211). */
static void server_status(struct ftpd_session *s)
{
	char text[FTPD_REPLY_TEXT_MAX], a[16], dc[64];
	struct strbuf sb;

	strbuf_init(&sb, text, sizeof(text));
	strbuf_printf(&sb, "FTP server status:\n     Connected to %s",
		      ftp_ipv4_format(s->peer_ip, a));
	if (s->logged_in)
		strbuf_printf(&sb, "\n     Logged in as %s%s", s->user,
			      s->anonymous ? " (anonymous)" : "");
	else
		strbuf_printf(&sb, "\n     Not logged in");
	strbuf_printf(&sb, "\n     TYPE: %s, STRU: File, MODE: Stream",
		      s->ascii ? "ASCII" : "BINARY");
	strbuf_printf(&sb, "\n     Session timeout in seconds is %lld",
		      (long long)(s->idle_ms / 1000));
	if (s->rate)
		strbuf_printf(&sb, "\n     Rate limit %llu bytes/s",
			      (unsigned long long)s->rate);
	strbuf_printf(&sb, "\n     Data connection: %s",
		      ftpd_dc_describe(s, dc, sizeof(dc)));
	ftpd_xfer_status(s, &sb);
	strbuf_printf(&sb, "\n     synfin ftpd %s\nEnd of status", VERSION);
	ftpd_reply(s, 211, "%s", text);
}

/* STAT PATH: the LIST lines over the control connection (213). */
static void path_status(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	const struct ftpd_config *c = ftpd_session_cfg(s);
	struct listing_style st = { time(NULL), c->hide_ids, c->use_localtime };
	char line[FTPD_LIST_LINE_MAX + 1];
	struct listing_args a;
	struct listing l;
	size_t i, indent;
	int rc, n;

	if (!(s->perms & FTPD_PERM_LIST)) {
		ftpd_reply(s, 550, "Permission denied.");
		return;
	}
	listing_parse_args(cmd->arg, cmd->arg_len, &a);
	rc = listing_collect(s->vfs, &s->cwd, &a, LISTING_LIST,
			     (size_t)c->max_list_entries,
			     (size_t)c->max_glob_matches, &l);
	if (rc != 0) {
		ftpd_reply(s, 550, "Cannot list it: %s.", vfs_strerror(rc));
		return;
	}
	ftpd_reply_raw(s, "213-Status follows:\r\n", 21);
	for (i = 0; i < l.n; i++) {
		/* A line must not look like the reply's end ("213 "). */
		n = listing_format_list(&l.v[i], &st, line + 1, sizeof(line) - 1);
		if (n <= 0)
			continue;
		line[0] = ' ';
		indent = line[1] >= '0' && line[1] <= '9';
		ftpd_reply_raw(s, indent ? line : line + 1, (size_t)n + indent);
	}
	ftpd_reply(s, 213, "End of status%s.", l.truncated ?
		   " (the listing was cut)" : "");
	listing_free(&l);
}

void ftpd_cmd_stat(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	if (cmd->arg_len == 0)
		server_status(s);
	else if (s->xfer)
		ftpd_reply(s, 450, "A transfer is running; STAT of a path "
			   "must wait for its end.");
	else
		path_status(s, cmd);
}

void ftpd_cmd_help(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	const struct ftpd_cmd_def *d;
	char text[FTPD_REPLY_TEXT_MAX];
	char verb[FTPD_VERB_MAX + 1];
	size_t i;

	if (cmd->arg_len == 0) {
		if (ftpd_cmd_help_list(false, text, sizeof(text)) < 0)
			ftpd_reply(s, 214, "Help OK.");
		else
			ftpd_reply(s, 214, "%s", text);
		return;
	}
	for (i = 0; i < cmd->arg_len && i < FTPD_VERB_MAX; i++)
		verb[i] = (char)(cmd->arg[i] & ~0x20);
	d = cmd->arg_len <= FTPD_VERB_MAX ? ftpd_cmd_find(verb, i) : NULL;
	if (!d)
		ftpd_reply(s, 502, "Unknown command; HELP lists them all.");
	else
		ftpd_reply(s, 214, "%s", d->help);
}

void ftpd_cmd_feat(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	char facts[128];

	(void)cmd;
	if (listing_format_facts_list(s->mlst_facts, true, facts,
				      sizeof(facts)) < 0)
		facts[0] = '\0';
	ftpd_reply(s, 211, "Features:\n%s EPRT\n EPSV\n HOST\n MDTM\n MLST %s\n"
		   " PASV\n REST STREAM\n SIZE\n TVFS\n UTF8\nEnd",
		   ftpd_tls_feat(s), facts);
}

/* RFC 2389 OPTS: UTF8 ON (RFC 2640 usage) and MLST facts (RFC 3659 7.9). */
void ftpd_cmd_opts(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	size_t w = 0;
	char facts[128];

	while (w < cmd->arg_len && cmd->arg[w] != ' ')
		w++;
	if (w == 4 && strncasecmp(cmd->arg, "UTF8", 4) == 0) {
		if (cmd->arg_len == 7 && strncasecmp(cmd->arg + 5, "ON", 2) == 0)
			ftpd_reply(s, 200, "Always in UTF8 mode.");
		else
			ftpd_reply(s, 501, "Paths are always UTF-8: only "
				   "OPTS UTF8 ON.");
		return;
	}
	if (w == 4 && strncasecmp(cmd->arg, "MLST", 4) == 0) {
		const char *f = w < cmd->arg_len ? cmd->arg + w + 1 : "";

		listing_parse_mlst_opts(f, strlen(f), &s->mlst_facts);
		if (listing_format_facts_list(s->mlst_facts, false, facts,
					      sizeof(facts)) < 0)
			facts[0] = '\0';
		ftpd_reply(s, 200, "MLST OPTS %s", facts);
		return;
	}
	ftpd_reply(s, 501, "Option not understood; OPTS UTF8 ON and OPTS "
		   "MLST are known.");
}

void ftpd_cmd_mlst(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	char line[FTPD_LIST_LINE_MAX];
	struct listing_entry e;
	int rc, n;

	rc = listing_collect_one(s->vfs, &s->cwd, cmd->arg, cmd->arg_len, &e);
	if (rc != 0) {
		ftpd_reply(s, 550, "Cannot list it: %s.", vfs_strerror(rc));
		return;
	}
	n = listing_format_mlsx(&e, s->mlst_facts, s->perms, line,
				sizeof(line));
	listing_entry_free(&e);
	if (n < 2) {
		ftpd_reply(s, 550, "Name too long to list.");
		return;
	}
	line[n - 2] = '\0'; /* the CRLF: ftpd_reply ends the line */
	/* RFC 3659 7.2: the facts line starts with one space. */
	ftpd_reply(s, 250, "Listing %s\n %s\nEnd.", cmd->arg_len ? cmd->arg :
		   s->cwd.s, line);
}
