/*
 * listing.h - directory listings for LIST, NLST, MLSD, MLST and STAT, and
 * the time stamps of MDTM.
 *
 * Collecting (listing.c) reads a directory, a single file or a pattern
 * through the vfs (so it stays inside the root), bounded by max_entries
 * and max_glob_matches, into a sorted struct listing. Formatting
 * (listing_format.c) turns one entry into one line:
 *
 *   LIST  -rw-r--r--   1 ftp      ftp          1234 Nov 24 04:14 name
 *         (the year instead of the time of day for times more than six
 *         months old or in the future; "name -> target" for links), the
 *         `ls -l` form that BSD ftp, lftp, curl and browsers parse;
 *   NLST  name
 *   MLSD  type=file;size=1234;modify=20261124041400;perm=adfrw;
 *         unique=803U1a2b; name          (RFC 3659 7: one space before
 *         the name; times in UTC)
 *
 * every line ending in CRLF. Control bytes in names are shown as '?', so
 * a file name can never break a line or forge a reply on the control
 * connection (STAT).
 *
 * Patterns: LIST and NLST arguments whose last component holds *, ? or [
 * are matched with fnmatch(3) against the names of that one directory (no
 * recursion; pattern characters in earlier components are literal).
 * Options: an argument starting with '-' begins with options; -a shows
 * names starting with '.' (and . and .. in LIST), every other letter
 * (-l, -L, -R, ...) is accepted and ignored. Name a file that starts with
 * '-' as ./-name.
 */
#ifndef FTPD_LISTING_H
#define FTPD_LISTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "vfs.h"

enum listing_kind {
	LISTING_LIST,  /* LIST, STAT of a path: ls -l lines              */
	LISTING_NLST,  /* NLST: names; a directory argument prefixes     */
	               /* "dir/" to names, so that mget dir/ works       */
	LISTING_MLSD,  /* MLSD: facts; the argument must be a directory  */
};

/* Which entry of a directory an entry is (MLSD type=cdir/pdir). */
enum listing_role { LISTING_ROLE_ENTRY, LISTING_ROLE_CDIR, LISTING_ROLE_PDIR };

/* The inode data a line needs (smaller than struct stat: listings of
 * many thousand entries are held in memory until sorted). */
struct listing_stat {
	mode_t mode;
	nlink_t nlink;
	uid_t uid;
	gid_t gid;
	off_t size;
	time_t mtime;
	dev_t dev;
	ino_t ino;
};

struct listing_entry {
	char *name;                  /* owned by the listing; as shown    */
	enum listing_role role;
	struct listing_stat st;      /* lstat                             */
	char *link;                  /* owned; a link's target text, or   */
	                             /* NULL                              */
	bool target_ok;              /* the link leads to target inside   */
	struct listing_stat target;  /* the root                          */
};

/* Owned by the caller; listing_free releases it. */
struct listing {
	struct listing_entry *v;
	size_t n;
	bool truncated;              /* a cap cut the listing short        */
};

/* A LIST/NLST/MLSD argument after its options were split off. */
struct listing_args {
	const char *path;            /* borrowed from the argument; may be */
	size_t path_len;             /* empty (the cwd)                    */
	bool all;                    /* -a                                 */
};

/* Splits len bytes of a LIST/NLST argument (UNTRUSTED) into options and
 * path. Never fails: unknown options are ignored. */
void listing_parse_args(const char *arg, size_t len, struct listing_args *out);

/*
 * Collects the listing of a->path relative to cwd. max_entries caps the
 * entries read from a directory, max_matches the names a pattern keeps.
 * 0 with *out filled (caller's), or -errno: -ENOENT, -EXDEV (outside the
 * root), -ENOTDIR (MLSD of a file), -EINVAL/-ENAMETOOLONG (bad path).
 */
int listing_collect(const struct vfs *v, const struct vfs_path *cwd,
		    const struct listing_args *a, enum listing_kind kind,
		    size_t max_entries, size_t max_matches,
		    struct listing *out);

/* MLST: the one entry for path (len bytes; empty = cwd), named by its
 * virtual path. 0 with *e filled (caller's: listing_entry_free), or
 * -errno. */
int listing_collect_one(const struct vfs *v, const struct vfs_path *cwd,
			const char *path, size_t len,
			struct listing_entry *e);

void listing_entry_free(struct listing_entry *e);
void listing_free(struct listing *l);

/* ---- formatting (listing_format.c) -------------------------------------------- */

struct listing_style {
	time_t now;          /* for the six-month rule                     */
	bool hide_ids;       /* owner and group shown as "ftp"             */
	bool localtime;      /* LIST times in local time, not UTC          */
};

/* MLST/MLSD facts (RFC 3659 7.5), OR-ed into a mask. */
enum listing_fact {
	LISTING_FACT_TYPE = 1u << 0,
	LISTING_FACT_SIZE = 1u << 1,
	LISTING_FACT_MODIFY = 1u << 2,
	LISTING_FACT_PERM = 1u << 3,
	LISTING_FACT_UNIQUE = 1u << 4,
};
#define LISTING_FACTS_ALL 0x1fu

/* Each writes one line ending in CRLF, NUL-terminated, into out and
 * returns its length, or -ENOSPC when cap is too small (never with
 * FTPD_LIST_LINE_MAX bytes, for entries from listing_collect). */
int listing_format_list(const struct listing_entry *e,
			const struct listing_style *s, char *out, size_t cap);
int listing_format_nlst(const struct listing_entry *e, char *out, size_t cap);

/* facts: the enabled facts; perms: the session's enum ftpd_perm bits,
 * for the perm fact. */
int listing_format_mlsx(const struct listing_entry *e, unsigned facts,
			unsigned perms, char *out, size_t cap);

/* YYYYMMDDHHMMSS in UTC (MDTM, RFC 3659 2.3), NUL-terminated. Length or
 * -ENOSPC (cap < 15) / -EOVERFLOW (year out of 0..9999). */
int listing_format_time(time_t t, char *out, size_t cap);

/* OPTS MLST: parses "fact;fact;..." (len bytes, any case; unknown facts
 * ignored, as RFC 3659 7.9 says) into *facts. */
void listing_parse_mlst_opts(const char *arg, size_t len, unsigned *facts);

/* "type;size;" for the reply to OPTS MLST, or with marks=true
 * "type*;size*;modify;..." for FEAT (enabled facts starred). Length or
 * -ENOSPC. */
int listing_format_facts_list(unsigned facts, bool marks, char *out,
			      size_t cap);

#endif /* FTPD_LISTING_H */
