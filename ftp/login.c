/*
 * login.c - the BSD login dialogue: `Name (host:user):`, `Password:`
 * without echo, `Account:`; .netrc auto-login with its macros and the
 * init macro; and tnftp's binary default for UNIX servers.
 *
 * SECURITY: passwords and accounts are wiped from memory after use and
 * never printed (debug output masks PASS and ACCT, common/log.c).
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edit.h"
#include "session.h"

#define UNIX_L8 "UNIX Type: L8"

/* The local user's name for the Name prompt's default. */
static const char *local_user(void)
{
	const char *u = getenv("USER");
	struct passwd *pw;

	if (u && u[0])
		return u;
	u = getenv("LOGNAME");
	if (u && u[0])
		return u;
	pw = getpwuid(getuid());
	return pw ? pw->pw_name : "anonymous";
}

/* Reads a line after prompt (printed here when input is not a terminal,
 * where edit.c shows none). 0, or -1 at EOF / Ctrl-C. */
static int ask(struct ftpc_session *s, const char *prompt, char *buf,
	       size_t cap, bool secret)
{
	int r;

	if (!secret && !s->interactive) {
		fputs(prompt, stdout);
		fflush(stdout);
	}
	r = secret ? ftpc_read_password(s, prompt, buf, cap)
		   : ftpc_read_line(s, prompt, buf, cap);
	if (!secret && !s->interactive)
		fputc('\n', stdout);
	if (r == FTPC_INPUT_LINE)
		return 0;
	if (r == FTPC_INPUT_TOO_LONG)
		ftpc_err(s, "input line too long (over %zu bytes)", cap - 1);
	else
		fputc('\n', stdout);
	return -1;
}

/* One secret command (PASS or ACCT): the given value, else asked for
 * without echo. The reply code or -errno. */
static int send_secret(struct ftpc_session *s, const char *verb,
		       const char *prompt, const char *given)
{
	char buf[FTPC_PASSWORD_MAX + 1];
	int rc;

	if (!given) {
		if (ask(s, prompt, buf, sizeof(buf), true) != 0)
			return -EINTR;
		given = buf;
	}
	rc = ftpc_command(s, "%s %s", verb, given);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

/* PASS, then ACCT when the server asks: the final code or -errno. */
static int send_secrets(struct ftpc_session *s, int rc, const char *pass,
			const char *acct)
{
	if (rc == 331)
		rc = send_secret(s, "PASS", "Password:", pass);
	if (rc == 332)
		rc = send_secret(s, "ACCT", "Account:", acct);
	return rc;
}

int ftpc_login(struct ftpc_session *s, const char *user, const char *pass,
	       const char *acct)
{
	char name[FTPC_USER_MAX + 1], prompt[FTP_HOSTNAME_MAX + 64];
	const char *me = local_user();
	int rc;

	if (!user) {
		snprintf(prompt, sizeof(prompt), "Name (%s:%s): ", s->host, me);
		if (ask(s, prompt, name, sizeof(name), false) != 0)
			return -1;
		user = name[0] ? name : me;
	}
	s->logged_in = false;
	rc = ftpc_command(s, "USER %s", user);
	if (rc > 0)
		rc = send_secrets(s, rc, pass, acct);
	if (rc < 0 || !FTP_REPLY_DONE(rc)) {
		if (s->cbev)
			ftpc_err(s, "Login failed.");
		return -1;
	}
	s->logged_in = true;
	s->rcache_stale = true;
	return 0;
}

void ftpc_after_login(struct ftpc_session *s)
{
	bool verbose = s->verbose;
	int rc = ftpc_command(s, "SYST");

	if (rc != 215)
		return;
	if (strncmp(s->reply.msg, UNIX_L8, strlen(UNIX_L8)) != 0)
		return;
	if (verbose)
		ftpc_out(s, "Remote system type is UNIX.");
	s->verbose = s->debug;
	rc = ftpc_command(s, "TYPE I");
	s->verbose = verbose;
	if (rc == 200) {
		s->type = FTPC_TYPE_BINARY;
		if (verbose)
			ftpc_out(s, "Using binary mode to transfer files.");
	}
}

/* Copies an entry's macros into the session (as BSD: .netrc's macdefs
 * for the machine being connected to). */
static void load_macros(struct ftpc_session *s,
			const struct ftpc_netrc_entry *e)
{
	size_t i;

	for (i = 0; i < e->nmacros; i++)
		ftpc_macro_define(s, e->macros[i].name, e->macros[i].body);
}

static int netrc_path(struct ftpc_session *s, char *buf, size_t cap)
{
	const char *home = getenv("HOME");

	if (s->o.netrc_path) {
		snprintf(buf, cap, "%s", s->o.netrc_path);
		return 0;
	}
	if (!home || !home[0])
		return -1;
	snprintf(buf, cap, "%s/.netrc", home);
	return 0;
}

int ftpc_autologin(struct ftpc_session *s)
{
	struct ftpc_netrc n;
	const struct ftpc_netrc_entry *e = NULL;
	char path[FTPC_PATH_MAX], err[512];
	int rc = 1;

	memset(&n, 0, sizeof(n));
	if (netrc_path(s, path, sizeof(path)) == 0)
		rc = ftpc_netrc_load(path, &n, err, sizeof(err));
	if (rc < 0)
		ftpc_err(s, "%s", err);
	if (rc == 0)
		e = ftpc_netrc_find(&n, s->host);
	if (e)
		load_macros(s, e);
	rc = ftpc_login(s, e ? e->login : NULL, e ? e->password : NULL,
			e ? e->account : NULL);
	ftpc_netrc_free(&n);
	if (rc != 0)
		return rc;
	ftpc_after_login(s);
	if (s->cbev && ftpc_macro_exists(s, "init") &&
	    ftpc_macro_run(s, "init", 1, (char *[]){ "init", NULL }) != 0)
		return -1;
	return 0;
}
