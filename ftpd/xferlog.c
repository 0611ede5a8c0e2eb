/*
 * xferlog.c - the wu-ftpd xferlog line (see xferlog.h).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "xferlog.h"

/* English names whatever the locale: analysers parse these words. */
static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
				    "Fri", "Sat" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
				      "Jun", "Jul", "Aug", "Sep", "Oct",
				      "Nov", "Dec" };

/* Appends s as one field: blanks become '_', control bytes '?'. */
static bool put_field(const char *s, char *out, size_t cap, size_t *used)
{
	const char *p = s && s[0] ? s : "-";

	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (*used + 1 >= cap)
			return false;
		out[(*used)++] = (c == ' ' || c == '\t' || c == '\n' ||
				  c == '\r' || c == '\v' || c == '\f') ? '_' :
				 (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	return true;
}

static bool put_text(char *out, size_t cap, size_t *used, int n)
{
	if (n < 0 || (size_t)n >= cap - *used)
		return false;
	*used += (size_t)n;
	return true;
}

int xferlog_format(const struct xferlog_entry *e, bool localtime, char *out,
		   size_t cap)
{
	static const char dir[] = { 'o', 'i', 'd' };
	static const char acc[] = { 'a', 'g', 'r' };
	uint64_t secs = (e->duration_ms + 500) / 1000;
	struct tm tm;
	size_t used = 0;
	bool ok;

	if (cap == 0)
		return -ENOSPC;
	if (localtime)
		localtime_r(&e->when, &tm);
	else
		gmtime_r(&e->when, &tm);
	ok = put_text(out, cap, &used,
		      snprintf(out, cap, "%s %s %2d %02d:%02d:%02d %d %" PRIu64
			       " ", days[tm.tm_wday], months[tm.tm_mon],
			       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			       tm.tm_year + 1900, secs ? secs : 1)) &&
	     put_field(e->remote_host, out, cap, &used) &&
	     put_text(out, cap, &used, snprintf(out + used, cap - used,
						" %" PRIu64 " ", e->bytes)) &&
	     put_field(e->filename, out, cap, &used) &&
	     put_text(out, cap, &used, snprintf(out + used, cap - used,
						" %c _ %c %c ",
						e->ascii ? 'a' : 'b',
						dir[e->direction],
						acc[e->access])) &&
	     put_field(e->username, out, cap, &used) &&
	     put_text(out, cap, &used, snprintf(out + used, cap - used,
						" ftp 0 * %c",
						e->complete ? 'c' : 'i'));
	if (!ok)
		return -ENOSPC;
	out[used] = '\0';
	return (int)used;
}
