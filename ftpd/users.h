/*
 * users.h - virtual users: the users file, password hashes, permissions.
 *
 * The users file (ftpd.conf's users_file; documented in ftpd.conf(5)) has
 * one user per line, '#' comments and blank lines allowed:
 *
 *   name:hash:perms:root
 *
 *   name   1 to USERS_NAME_MAX characters of A-Z a-z 0-9 . _ -, not
 *          starting with '.' or '-'; "ftp" and "anonymous" are reserved
 *          for anonymous logins. Names are unique.
 *   hash   pbkdf2-sha256$ITERATIONS$SALT$KEY: PBKDF2-HMAC-SHA256 with a
 *          per-user random salt; SALT is USERS_SALT_LEN bytes and KEY
 *          USERS_HASH_LEN bytes, both in lower-case hex; ITERATIONS from
 *          USERS_ITER_MIN to USERS_ITER_MAX (new entries: USERS_ITER_DEFAULT).
 *   perms  comma-separated: read (RETR, SIZE, MDTM), list (LIST, NLST,
 *          MLSD, MLST, STAT), write (STOR, STOU, APPE), delete (DELE, RMD),
 *          mkdir (MKD), rename (RNFR/RNTO), chmod (SITE CHMOD); "all" means
 *          every one; empty means none.
 *   root   the user's FTP root, an absolute path; it is the last field, so
 *          it may contain ':'. Empty: ftpd.conf's local_root.
 *
 * SECURITY: a users file that others may write is refused; passwords are
 * compared in constant time and a login for an unknown user costs the same
 * hashing work as one for a known user.
 *
 * Hashing is deliberately slow (about 0.15 s of CPU at the default count
 * on a current x86-64): callers inside an event loop run users_verify()
 * off the loop (e.g. on one worker thread), or every session stalls.
 */
#ifndef FTPD_USERS_H
#define FTPD_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ftpd_limits.h"

/* What a user may do (a user's perms are also masked by ftpd.conf's
 * write_enable, download_enable and dirlist_enable). */
enum ftpd_perm {
	FTPD_PERM_READ = 1u << 0,
	FTPD_PERM_LIST = 1u << 1,
	FTPD_PERM_WRITE = 1u << 2,
	FTPD_PERM_DELETE = 1u << 3,
	FTPD_PERM_MKDIR = 1u << 4,
	FTPD_PERM_RENAME = 1u << 5,
	FTPD_PERM_CHMOD = 1u << 6,
};
#define FTPD_PERM_ALL 0x7fu

struct users_entry {
	char name[USERS_NAME_MAX + 1];
	uint32_t iterations;
	uint8_t salt[USERS_SALT_LEN];
	uint8_t key[USERS_HASH_LEN];
	unsigned perms;          /* enum ftpd_perm bits                   */
	char *root;              /* owned by the db; "" means local_root  */
	unsigned line;           /* line in the file, for messages        */
};

/* Entries sorted by name. Owned by the caller; free with users_free. */
struct users_db {
	struct users_entry *v;
	size_t n;
	uint32_t dummy_iterations; /* work done for unknown names         */
};

/* Loads a users file into db (zeroed by the caller). 0, or -errno with
 * "path:line: message" (or "path: message") in err; db is then empty. */
int users_load(const char *path, struct users_db *db, char *err,
	       size_t errlen);

/* Same, from len bytes of buf (borrowed) named name in messages. */
int users_load_buffer(const char *name, const char *buf, size_t len,
		      struct users_db *db, char *err, size_t errlen);

void users_free(struct users_db *db);

/* The entry for name (len bytes), or NULL. Borrowed from db. */
const struct users_entry *users_find(const struct users_db *db,
				     const char *name, size_t len);

/*
 * Checks a login. Returns the user's entry (borrowed from db) when name
 * exists and pw matches, else NULL, after the same amount of hashing
 * either way. pw is borrowed; the caller wipes it (OPENSSL_cleanse) once
 * this returns. Intermediate keys are wiped here.
 */
const struct users_entry *users_verify(const struct users_db *db,
				       const char *name, size_t name_len,
				       const char *pw, size_t pw_len);

/* True when name is a valid user name for the file (see above). */
bool users_name_ok(const char *name, size_t len);

/* Parses a perms field ("read,list" / "all" / ""). 0 or -EINVAL. */
int users_parse_perms(const char *s, size_t len, unsigned *out);

/* Formats perms as "read,list,..." (or "" for none) into out. Length or
 * -ENOSPC. */
int users_format_perms(unsigned perms, char *out, size_t cap);

/*
 * Makes the line for a new user (without LF) with a fresh random salt and
 * the given iteration count (USERS_ITER_DEFAULT for real use; tests pass a
 * low count). root may be "" (local_root). pw is borrowed and not wiped
 * here. Length of the line, or -EINVAL/-ENOSPC/-EIO with err set.
 */
int users_make_line(const char *name, const char *pw, size_t pw_len,
		    unsigned perms, const char *root, uint32_t iterations,
		    char *out, size_t cap, char *err, size_t errlen);

/*
 * Adds a user to the file at path (created, mode 0600, when missing), as
 * `ftpd --add-user` does: the existing file must load cleanly and must not
 * hold the name already (-EEXIST). The file is replaced atomically
 * (temporary file, fsync, rename). 0 or -errno with err set.
 */
int users_file_add(const char *path, const char *name, const char *pw,
		   size_t pw_len, unsigned perms, const char *root,
		   uint32_t iterations, char *err, size_t errlen);

#endif /* FTPD_USERS_H */
