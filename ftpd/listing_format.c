/*
 * listing_format.c - LIST, NLST and MLSD/MLST lines and MDTM times (see
 * listing.h).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ftpd_limits.h"
#include "listing.h"
#include "users.h"

/* English month names whatever the locale: clients parse these words. */
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
				      "Jun", "Jul", "Aug", "Sep", "Oct",
				      "Nov", "Dec" };

static const char *const fact_names[] = { "type", "size", "modify", "perm",
					  "unique" };
#define FACTS (sizeof(fact_names) / sizeof(fact_names[0]))

/* Output cursor: every append checks the room left. */
struct out {
	char *buf;
	size_t cap, len;
	bool full;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len)
		o->full = true;
	else
		o->len += (size_t)n;
}

/* A name with control bytes shown as '?': it can never end a line. */
static void put_name(struct out *o, const char *s)
{
	for (; *s && !o->full; s++) {
		unsigned char c = (unsigned char)*s;

		if (o->len + 1 >= o->cap)
			o->full = true;
		else
			o->buf[o->len++] = (c < 0x20 || c == 0x7f) ? '?' : *s;
	}
	if (!o->full)
		o->buf[o->len] = '\0';
}

static int finish(struct out *o)
{
	put(o, "\r\n");
	return o->full ? -ENOSPC : (int)o->len;
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
	struct out o = { out, cap, 0, cap == 0 };
	char mode[11], uid[24], gid[24];
	struct tm tm;
	time_t t = e->st.mtime;

	mode_string(e->st.mode, mode);
	snprintf(uid, sizeof(uid), "%lu", (unsigned long)e->st.uid);
	snprintf(gid, sizeof(gid), "%lu", (unsigned long)e->st.gid);
	if (s->localtime)
		localtime_r(&t, &tm);
	else
		gmtime_r(&t, &tm);
	put(&o, "%s %3lu %-8s %-8s %8lld %s %2d ", mode,
	    (unsigned long)e->st.nlink, s->hide_ids ? "ftp" : uid,
	    s->hide_ids ? "ftp" : gid, (long long)e->st.size,
	    months[tm.tm_mon], tm.tm_mday);
	/* ls(1): the year for times over six months old or in the future. */
	if (t > s->now || s->now - t > FTPD_LIST_RECENT_SECS)
		put(&o, " %4d ", tm.tm_year + 1900);
	else
		put(&o, "%02d:%02d ", tm.tm_hour, tm.tm_min);
	put_name(&o, e->name);
	if (e->link) {
		put(&o, " -> ");
		put_name(&o, e->link);
	}
	return finish(&o);
}

int listing_format_nlst(const struct listing_entry *e, char *out, size_t cap)
{
	struct out o = { out, cap, 0, cap == 0 };

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

/* RFC 3659 7.5.5: what this session may do with the object. */
static void perm_fact(const struct listing_entry *e, mode_t m,
		      unsigned perms, struct out *o)
{
	bool entry = e->role == LISTING_ROLE_ENTRY;

	put(o, "perm=");
	if (S_ISDIR(m)) {
		put(o, "%s%s%s%s%s%s", (perms & FTPD_PERM_WRITE) ? "c" : "",
		    entry && (perms & FTPD_PERM_DELETE) ? "d" : "", "e",
		    entry && (perms & FTPD_PERM_RENAME) ? "f" : "",
		    (perms & FTPD_PERM_LIST) ? "l" : "",
		    (perms & FTPD_PERM_MKDIR) ? "m" : "");
		if (perms & FTPD_PERM_DELETE)
			put(o, "p");
	} else if (S_ISREG(m)) {
		put(o, "%s%s%s%s%s", (perms & FTPD_PERM_WRITE) ? "a" : "",
		    (perms & FTPD_PERM_DELETE) ? "d" : "",
		    (perms & FTPD_PERM_RENAME) ? "f" : "",
		    (perms & FTPD_PERM_READ) ? "r" : "",
		    (perms & FTPD_PERM_WRITE) ? "w" : "");
	} else {
		put(o, "%s%s", (perms & FTPD_PERM_DELETE) ? "d" : "",
		    (perms & FTPD_PERM_RENAME) ? "f" : "");
	}
	put(o, ";");
}

int listing_format_mlsx(const struct listing_entry *e, unsigned facts,
			unsigned perms, char *out, size_t cap)
{
	/* A link inside the root is described by what it leads to. */
	const struct listing_stat *st = e->target_ok ? &e->target : &e->st;
	struct out o = { out, cap, 0, cap == 0 };
	char when[16];

	if (facts & LISTING_FACT_TYPE)
		put(&o, "type=%s;", type_fact(e, st->mode));
	if ((facts & LISTING_FACT_SIZE) && S_ISREG(st->mode))
		put(&o, "size=%lld;", (long long)st->size);
	if ((facts & LISTING_FACT_MODIFY) &&
	    listing_format_time(st->mtime, when, sizeof(when)) > 0)
		put(&o, "modify=%s;", when);
	if (facts & LISTING_FACT_PERM)
		perm_fact(e, st->mode, perms, &o);
	if (facts & LISTING_FACT_UNIQUE)
		put(&o, "unique=%llxU%llx;", (unsigned long long)st->dev,
		    (unsigned long long)st->ino);
	put(&o, " ");
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
	struct out o = { out, cap, 0, cap == 0 };
	size_t i;

	if (cap > 0)
		out[0] = '\0';
	for (i = 0; i < FACTS; i++) {
		bool on = facts & (1u << i);

		if (marks)
			put(&o, "%s%s;", fact_names[i], on ? "*" : "");
		else if (on)
			put(&o, "%s;", fact_names[i]);
	}
	return o.full ? -ENOSPC : (int)o.len;
}
