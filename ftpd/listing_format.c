/*
 * listing_format.c - LIST, NLST and MLSD/MLST lines and MDTM times (see
 * listing.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ftpd_limits.h"
#include "listing.h"
#include "strbuf.h"
#include "users.h"

/* English month names whatever the locale: clients parse these words. */
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
				      "Jun", "Jul", "Aug", "Sep", "Oct",
				      "Nov", "Dec" };

static const char *const fact_names[] = { "type", "size", "modify", "perm",
					  "unique" };
#define FACTS (sizeof(fact_names) / sizeof(fact_names[0]))

/* A name with control bytes shown as '?': it can never end a line. */
static void put_name(struct strbuf *o, const char *s)
{
	strbuf_append_printable(o, s, strlen(s));
}

static int finish(struct strbuf *o)
{
	strbuf_printf(o, "\r\n");
	return strbuf_result(o);
}

/* ---- LIST ------------------------------------------------------------------------ */

static char type_char(mode_t m)
{
	return S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' :
	       S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';
}

/* "-rwxr-sr-t" as ls(1) writes it. */
static void mode_string(mode_t m, char s[11])
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	s[0] = type_char(m);
	for (i = 0; i < 9; i++)
		s[i + 1] = (m & (0400u >> i)) ? rwx[i] : '-';
	if (m & S_ISUID)
		s[3] = (m & S_IXUSR) ? 's' : 'S';
	if (m & S_ISGID)
		s[6] = (m & S_IXGRP) ? 's' : 'S';
	if (m & S_ISVTX)
		s[9] = (m & S_IXOTH) ? 't' : 'T';
	s[10] = '\0';
}

int listing_format_list(const struct listing_entry *e,
			const struct listing_style *s, char *out, size_t cap)
{
	struct strbuf o;
	char mode[11], uid[24], gid[24];
	struct tm tm;
	time_t t = e->st.mtime;

	strbuf_init(&o, out, cap);
	mode_string(e->st.mode, mode);
	snprintf(uid, sizeof(uid), "%lu", (unsigned long)e->st.uid);
	snprintf(gid, sizeof(gid), "%lu", (unsigned long)e->st.gid);
	if (s->localtime)
		localtime_r(&t, &tm);
	else
		gmtime_r(&t, &tm);
	strbuf_printf(&o, "%s %3lu %-8s %-8s %8lld %s %2d ", mode,
		      (unsigned long)e->st.nlink, s->hide_ids ? "ftp" : uid,
		      s->hide_ids ? "ftp" : gid, (long long)e->st.size,
		      months[tm.tm_mon], tm.tm_mday);
	/* ls(1): the year for times over six months old or in the future. */
	if (t > s->now || s->now - t > FTPD_LIST_RECENT_SECS)
		strbuf_printf(&o, " %4d ", tm.tm_year + 1900);
	else
		strbuf_printf(&o, "%02d:%02d ", tm.tm_hour, tm.tm_min);
	put_name(&o, e->name);
	if (e->link) {
		strbuf_printf(&o, " -> ");
		put_name(&o, e->link);
	}
	return finish(&o);
}

int listing_format_nlst(const struct listing_entry *e, char *out, size_t cap)
{
	struct strbuf o;

	strbuf_init(&o, out, cap);
	put_name(&o, e->name);
	return finish(&o);
}

/* ---- MLSD / MLST ----------------------------------------------------------------- */

int listing_format_time(time_t t, char *out, size_t cap)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 0 ||
	    tm.tm_year + 1900 > 9999)
		return -EOVERFLOW;
	if (cap < 15)
		return -ENOSPC;
	return snprintf(out, cap, "%04d%02d%02d%02d%02d%02d",
			tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static const char *type_fact(const struct listing_entry *e, mode_t m)
{
	if (e->role == LISTING_ROLE_CDIR)
		return "cdir";
	if (e->role == LISTING_ROLE_PDIR)
		return "pdir";
	return S_ISDIR(m) ? "dir" : S_ISREG(m) ? "file" :
	       S_ISLNK(m) ? "OS.unix=symlink" : S_ISFIFO(m) ? "OS.unix=fifo" :
	       S_ISSOCK(m) ? "OS.unix=socket" : S_ISCHR(m) ? "OS.unix=chr" :
	       "OS.unix=blk";
}

/* RFC 3659 7.5.5: the perm letters, in its order, with the permission
 * each needs and the kinds of object it applies to. */
enum { K_FILE = 1, K_DIR = 2, K_OTHER = 4, K_ALL = 7 };

static const struct perm_letter {
	char letter;
	unsigned need;     /* enum ftpd_perm bits                    */
	unsigned kinds;
	bool entry_only;   /* not for cdir/pdir (the listed dir)      */
} perm_letters[] = {
	{ 'a', FTPD_PERM_WRITE, K_FILE, false },  /* APPE            */
	{ 'c', FTPD_PERM_WRITE, K_DIR, false },   /* STOU/STOR into  */
	{ 'd', FTPD_PERM_DELETE, K_ALL, true },   /* DELE, RMD       */
	{ 'e', 0, K_DIR, false },                 /* CWD             */
	{ 'f', FTPD_PERM_RENAME, K_ALL, true },   /* RNFR            */
	{ 'l', FTPD_PERM_LIST, K_DIR, false },    /* LIST, MLSD      */
	{ 'm', FTPD_PERM_MKDIR, K_DIR, false },   /* MKD             */
	{ 'p', FTPD_PERM_DELETE, K_DIR, false },  /* delete inside   */
	{ 'r', FTPD_PERM_READ, K_FILE, false },   /* RETR            */
	{ 'w', FTPD_PERM_WRITE, K_FILE, false },  /* STOR            */
};

static void perm_fact(const struct listing_entry *e, mode_t m,
		      unsigned perms, struct strbuf *o)
{
	unsigned kind = S_ISDIR(m) ? K_DIR : S_ISREG(m) ? K_FILE : K_OTHER;
	size_t i;

	strbuf_printf(o, "perm=");
	for (i = 0; i < sizeof(perm_letters) / sizeof(perm_letters[0]); i++) {
		const struct perm_letter *p = &perm_letters[i];

		if ((p->kinds & kind) && (perms & p->need) == p->need &&
		    !(p->entry_only && e->role != LISTING_ROLE_ENTRY))
			strbuf_append(o, &p->letter, 1);
	}
	strbuf_printf(o, ";");
}

int listing_format_mlsx(const struct listing_entry *e, unsigned facts,
			unsigned perms, char *out, size_t cap)
{
	/* A link inside the root is described by what it leads to. */
	const struct listing_stat *st = e->target_ok ? &e->target : &e->st;
	struct strbuf o;
	char when[16];

	strbuf_init(&o, out, cap);
	if (facts & LISTING_FACT_TYPE)
		strbuf_printf(&o, "type=%s;", type_fact(e, st->mode));
	if ((facts & LISTING_FACT_SIZE) && S_ISREG(st->mode))
		strbuf_printf(&o, "size=%lld;", (long long)st->size);
	if ((facts & LISTING_FACT_MODIFY) &&
	    listing_format_time(st->mtime, when, sizeof(when)) > 0)
		strbuf_printf(&o, "modify=%s;", when);
	if (facts & LISTING_FACT_PERM)
		perm_fact(e, st->mode, perms, &o);
	if (facts & LISTING_FACT_UNIQUE)
		strbuf_printf(&o, "unique=%llxU%llx;",
			      (unsigned long long)st->dev,
			      (unsigned long long)st->ino);
	strbuf_printf(&o, " ");
	put_name(&o, e->name);
	return finish(&o);
}

void listing_parse_mlst_opts(const char *arg, size_t len, unsigned *facts)
{
	size_t pos = 0, i;

	*facts = 0;
	while (pos < len) {
		const char *semi = memchr(arg + pos, ';', len - pos);
		size_t n = (semi ? (size_t)(semi - arg) : len) - pos;

		for (i = 0; i < FACTS; i++)
			if (strlen(fact_names[i]) == n &&
			    strncasecmp(fact_names[i], arg + pos, n) == 0)
				*facts |= 1u << i;
		pos += n + 1;
	}
}

int listing_format_facts_list(unsigned facts, bool marks, char *out,
			      size_t cap)
{
	struct strbuf o;
	size_t i;

	strbuf_init(&o, out, cap);
	for (i = 0; i < FACTS; i++) {
		bool on = facts & (1u << i);

		if (marks)
			strbuf_printf(&o, "%s%s;", fact_names[i], on ? "*" : "");
		else if (on)
			strbuf_printf(&o, "%s;", fact_names[i]);
	}
	return strbuf_result(&o);
}
