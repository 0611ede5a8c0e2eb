/*
 * netrc.h - the user's .netrc (BSD ftp format): machine/default entries with
 * login, password, account and macdef macros whose bodies end at a blank
 * line. Tokens are separated by blanks, newlines or commas; "..." quotes,
 * a backslash escapes one character.
 *
 * SECURITY: as BSD ftp does, a .netrc that holds a password or account for
 * a login other than anonymous/ftp is refused when others can read it.
 * Secrets are wiped from memory when the structure is freed.
 */
#ifndef FTPC_NETRC_H
#define FTPC_NETRC_H

#include <stddef.h>

#include "ftp_parse.h"

struct ftpc_netrc_macro {
	char *name;  /* owned */
	char *body;  /* owned; lines joined by '\n', NUL-terminated */
	size_t len;
};

struct ftpc_netrc_entry {
	char *machine;   /* owned; NULL for the "default" entry        */
	char *login;     /* owned; NULL when not given                 */
	char *password;  /* owned; NULL when not given                 */
	char *account;   /* owned; NULL when not given                 */
	struct ftpc_netrc_macro *macros; /* owned array of nmacros     */
	size_t nmacros;
};

struct ftpc_netrc {
	struct ftpc_netrc_entry *entries; /* owned array of n */
	size_t n;
};

/* Parses len bytes of buf (borrowed) into *out (which the caller frees
 * with ftpc_netrc_free, also after an error). Returns OK, BAD (with a
 * message naming the line in err) or TOO_LONG (a token, a macro or the
 * entry count over its limit in ftpc_limits.h). Unknown keywords are
 * skipped as BSD ftp does, with a warning in err. */
enum ftp_parse ftpc_netrc_parse(const char *buf, size_t len,
				struct ftpc_netrc *out, char *err,
				size_t errcap);

/* Reads and parses path. Returns 0; 1 when the file does not exist (no
 * .netrc is not an error); -1 with a message in err when it cannot be
 * read, is malformed, or is readable by others while holding passwords
 * ("Error: .netrc file is readable by others." ...). */
int ftpc_netrc_load(const char *path, struct ftpc_netrc *out, char *err,
		    size_t errcap);

/* The entry for host (case-insensitive), else the default entry, else
 * NULL. The result points into n. */
const struct ftpc_netrc_entry *ftpc_netrc_find(const struct ftpc_netrc *n,
					       const char *host);

/* Wipes secrets and frees everything n owns; n is left empty. */
void ftpc_netrc_free(struct ftpc_netrc *n);

#endif /* FTPC_NETRC_H */
