/*
 * cmd_table.h - every FTP command the daemon knows, as one table: name,
 * argument rule, when it is allowed, the permission it needs, what it
 * must follow, its handler and its HELP text. The dispatcher looks a
 * command up and calls ftpd_cmd_check(), which gives the 500, 501, 502,
 * 503, 530 or 550 reply before any handler runs; HELP and SITE HELP are
 * generated from the same table.
 *
 * Commands: RFC 959 (USER PASS ACCT CWD CDUP SMNT REIN QUIT PORT PASV
 * TYPE STRU MODE RETR STOR STOU APPE ALLO REST RNFR RNTO ABOR DELE RMD MKD
 * PWD LIST NLST SITE SYST STAT HELP NOOP, and the X* aliases of RFC 1123),
 * RFC 2389 FEAT OPTS, RFC 2428 EPRT EPSV, RFC 3659 SIZE MDTM MLST MLSD,
 * RFC 4217 AUTH PBSZ PROT CCC, RFC 7151 HOST. SITE subcommands: HELP,
 * CHMOD, IDLE.
 *
 * A command whose handler is NULL is answered 502: SMNT.
 */
#ifndef FTPD_CMD_TABLE_H
#define FTPD_CMD_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "cmdline.h"

/* The session, defined by the session code. */
struct ftpd_session;

/* Runs one command that passed ftpd_cmd_check(); cmd is borrowed for the
 * call. The handler sends the reply (or arranges for it). */
typedef void ftpd_cmd_fn(struct ftpd_session *s, const struct ftpd_cmd *cmd);

enum ftpd_arg_rule {
	FTPD_ARG_NONE,      /* no argument: 501 when one is given          */
	FTPD_ARG_OPTIONAL,  /* anything or nothing                         */
	FTPD_ARG_REQUIRED,  /* a non-empty argument                        */
	FTPD_ARG_PATH,      /* a non-empty path name                       */
	FTPD_ARG_PATH_OPT,  /* a path name, options (LIST -la) or nothing  */
	FTPD_ARG_NUMBER,    /* 1 to 19 decimal digits (fits in int64_t)    */
};

/* Flags of a command. */
enum {
	FTPD_CMD_NO_LOGIN = 1u << 0,    /* allowed before login             */
	FTPD_CMD_PRE_TLS = 1u << 1,     /* allowed before AUTH TLS when     */
	                                /* logins must use TLS              */
	FTPD_CMD_DURING_XFER = 1u << 2, /* runs at once during a transfer   */
	                                /* (others wait for it to end)      */
	FTPD_CMD_SECRET = 1u << 3,      /* the argument is never logged     */
};

struct ftpd_cmd_def {
	const char *name;          /* upper case                             */
	enum ftpd_arg_rule arg;
	unsigned flags;            /* FTPD_CMD_*                             */
	unsigned perm;             /* enum ftpd_perm bits needed (users.h)   */
	const char *after;         /* must directly follow this command, or  */
	                           /* NULL (RNTO after RNFR, PASS after USER) */
	ftpd_cmd_fn *handler;      /* NULL: not implemented (502)            */
	const char *help;          /* "Syntax: RETR <sp> pathname"           */
};

/* What the dispatcher knows about the session when it checks a command. */
struct ftpd_cmd_state {
	bool logged_in;
	bool tls_required;         /* not logged in, logins need TLS, and    */
	                           /* the control connection is plain text   */
	unsigned perms;            /* the user's enum ftpd_perm bits         */
	const struct ftpd_cmd_def *prev; /* the previous command, or NULL   */
};

/* The command called verb (len bytes, upper case), or NULL. */
const struct ftpd_cmd_def *ftpd_cmd_find(const char *verb, size_t len);

/* The SITE subcommand named by the first word of a SITE argument (any
 * case), or NULL; *rest and *rest_len get what follows that word and one
 * space. */
const struct ftpd_cmd_def *ftpd_site_find(const char *arg, size_t len,
					  const char **rest, size_t *rest_len);

/*
 * Decides whether cmd may run: returns 0 (run def->handler), or the reply
 * code with its text in *text (static):
 *   500  def is NULL (unknown command)
 *   530  TLS required first, or not logged in
 *   503  not directly after def->after
 *   501  the argument breaks def->arg (text: the syntax)
 *   550  the user lacks def->perm
 *   502  no handler
 * For a SITE subcommand pass its def and a cmd whose arg is *rest.
 */
unsigned ftpd_cmd_check(const struct ftpd_cmd_def *def,
			const struct ftpd_cmd *cmd,
			const struct ftpd_cmd_state *st, const char **text);

/*
 * HELP without an argument (site = false) or SITE HELP (site = true): the
 * text of a 214 reply, lines separated by '\n' for ftpd_reply_format():
 * a heading, the names FTPD_HELP_PER_LINE to a line ('*' marks those not
 * implemented), a closing line. Length, or -ENOSPC.
 */
int ftpd_cmd_help_list(bool site, char *out, size_t cap);

#endif /* FTPD_CMD_TABLE_H */
