/*
 * cmds_conn.c - open, close, bye/quit/exit, user, pass, account.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "hosts.h"
#include "session.h"
#include "tls_client.h"

static int parse_port(struct ftpc_session *s, const char *arg, uint16_t *port)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || v == 0 || v > 65535) {
		ftpc_err(s, "bad port '%s': give a number from 1 to 65535",
			 arg);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

int ftpc_cmd_open(struct ftpc_session *s, int argc, char **argv)
{
	uint16_t port = FTP_CONTROL_PORT_DEFAULT;
	char err[512];
	uint32_t ip;

	if (s->cbev) {
		ftpc_err(s, "Already connected to %s, use close first.",
			 s->host);
		return -1;
	}
	if (argc > 2 && parse_port(s, argv[2], &port) != 0)
		return -1;
	if (ftp_host_resolve(argv[1], &ip, err, sizeof(err)) != 0) {
		ftpc_err(s, "%s", err);
		return -1;
	}
	if (ftpc_net_ensure(s, port) != 0 ||
	    ftpc_connect(s, argv[1], ip, port) != 0)
		return -1;
	/* -z tls / ssl: secured before anything else is sent. */
	if (s->o.tls && ftpc_tls_auth(s) != 0)
		return -1;
	if (!s->o.autologin)
		return 0;
	return ftpc_autologin(s) == 0 ? 0 : -1;
}

int ftpc_cmd_close(struct ftpc_session *s, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return ftpc_quit(s) == 0 ? 0 : -1;
}

int ftpc_cmd_quit(struct ftpc_session *s, int argc, char **argv)
{
	int rc = ftpc_cmd_close(s, argc, argv);

	s->quit = true;
	return s->cbev ? rc : 0;
}

int ftpc_cmd_user(struct ftpc_session *s, int argc, char **argv)
{
	int rc = ftpc_login(s, argv[1], argc > 2 ? argv[2] : NULL,
			    argc > 3 ? argv[3] : NULL);

	if (argc > 2)
		explicit_bzero(argv[2], strlen(argv[2]));
	if (argc > 3)
		explicit_bzero(argv[3], strlen(argv[3]));
	if (rc != 0)
		return -1;
	ftpc_after_login(s);
	return 0;
}

/* Sends a secret command (PASS, ACCT); the argument is wiped. */
static int secret_command(struct ftpc_session *s, const char *verb,
			  char *arg)
{
	int rc = ftpc_command(s, "%s %s", verb, arg);

	explicit_bzero(arg, strlen(arg));
	return rc;
}

int ftpc_cmd_pass(struct ftpc_session *s, int argc, char **argv)
{
	int rc = secret_command(s, "PASS", argv[1]);

	(void)argc;
	if (rc > 0 && FTP_REPLY_DONE(rc)) {
		s->logged_in = true;
		s->rcache_stale = true;
		return 0;
	}
	return -1;
}

int ftpc_cmd_account(struct ftpc_session *s, int argc, char **argv)
{
	char buf[FTPC_PASSWORD_MAX + 1];
	int rc;

	if (argc > 1)
		return secret_command(s, "ACCT", argv[1]) > 0 &&
		       FTP_REPLY_DONE(s->reply.code) ? 0 : -1;
	if (ftpc_read_password(s, "Account:", buf, sizeof(buf)) != 0)
		return -1;
	rc = secret_command(s, "ACCT", buf);
	return rc > 0 && FTP_REPLY_DONE(rc) ? 0 : -1;
}
