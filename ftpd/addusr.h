/*
 * addusr.h - `ftpd --add-user NAME`: adds a virtual user to the users
 * file named by the configuration.
 */
#ifndef FTPD_ADDUSR_H
#define FTPD_ADDUSR_H

#include "ftpd_config.h"

/* Reads the password (twice without echo from a terminal, else one line
 * of standard input), adds the entry with users_file_add() and says so.
 * perms (NULL: "read,list") and root (NULL: "", i.e. local_root) as in
 * the users file. Returns the exit status. */
int ftpd_add_user(const struct ftpd_config *c, const char *name,
		  const char *perms, const char *root);

#endif /* FTPD_ADDUSR_H */
