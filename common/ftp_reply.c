/*
 * ftp_reply.c - incremental parser for FTP server replies (see ftp_reply.h).
 *
 * The parser works byte by byte on untrusted input and keeps at most one
 * reply (FTP_REPLY_SIZE_MAX bytes) in a buffer allocated once. Each line's
 * first four bytes are kept apart, so a line that is too long to store can
 * still be recognised as a reply's terminator while it is discarded.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ftp_limits.h"
#include "ftp_reply.h"

#define REPLY_HEAD_LEN 4u /* "nnn" + ' ' or '-' */

struct ftp_reply_parser {
	char *text;         /* FTP_REPLY_SIZE_MAX + 1 bytes                 */
	size_t len;         /* bytes of the current reply stored in text    */
	size_t line_start;  /* offset in text of the line being read        */
	size_t line_len;    /* raw bytes of that line seen so far           */
	char head[REPLY_HEAD_LEN];
	unsigned code;      /* code of the reply in progress; 0: none       */
	bool multi;         /* "nnn-" seen: waiting for the terminator      */
	bool skipping;      /* TOO_LONG reported: discard the rest of reply */
	bool done;          /* the last feed returned OK: clear first       */
};

const char *ftp_parse_name(enum ftp_parse r)
{
	static const char *const names[] = {
		[FTP_PARSE_OK] = "OK",
		[FTP_PARSE_NEED_MORE] = "NEED_MORE",
		[FTP_PARSE_BAD] = "BAD",
		[FTP_PARSE_TOO_LONG] = "TOO_LONG",
	};

	if ((unsigned)r < sizeof(names) / sizeof(names[0]))
		return names[r];
	return "?";
}

struct ftp_reply_parser *ftp_reply_parser_new(void)
{
	struct ftp_reply_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->text = malloc(FTP_REPLY_SIZE_MAX + 1u);
	if (!p->text) {
		free(p);
		return NULL;
	}
	return p;
}

void ftp_reply_parser_free(struct ftp_reply_parser *p)
{
	if (!p)
		return;
	free(p->text);
	free(p);
}

void ftp_reply_parser_reset(struct ftp_reply_parser *p)
{
	p->len = 0;
	p->line_start = 0;
	p->line_len = 0;
	p->code = 0;
	p->multi = false;
	p->skipping = false;
	p->done = false;
}

bool ftp_reply_parser_busy(const struct ftp_reply_parser *p)
{
	return !p->done && (p->code != 0 || p->line_len != 0);
}

/* The code in a line's head when it has the shape of a reply's first or
 * last line ("nnn" then ' ', '-' or end of line), else 0. */
static unsigned head_code(const struct ftp_reply_parser *p, size_t line_len)
{
	const char *h = p->head;

	if (line_len < 3)
		return 0;
	if (h[0] < '1' || h[0] > '5' || h[1] < '0' || h[1] > '9' ||
	    h[2] < '0' || h[2] > '9')
		return 0;
	if (line_len > 3 && h[3] != ' ' && h[3] != '-')
		return 0;
	return (unsigned)(h[0] - '0') * 100u + (unsigned)(h[1] - '0') * 10u +
	       (unsigned)(h[2] - '0');
}

/* Drops a trailing CR and makes the stored line safe to print. Returns
 * the line's length without the CR. */
static size_t finish_line(struct ftp_reply_parser *p)
{
	size_t n = p->line_len, i;
	char *line = p->text + p->line_start;

	/* A skipped line was not stored: only its head is known. */
	if (p->skipping) {
		if (n > 0 && n <= REPLY_HEAD_LEN && p->head[n - 1] == '\r')
			n--;
		return n;
	}
	if (n > 0 && line[n - 1] == '\r')
		n--;
	p->len = p->line_start + n;
	/* SECURITY: reply text reaches the user's terminal; a control
	 * character (escape sequences, bare CR) is shown as '?'. */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)line[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			line[i] = '?';
	}
	return n;
}

static void fill_reply(struct ftp_reply_parser *p, struct ftp_reply *out,
		       size_t line_len)
{
	const char *last = p->text + p->line_start;
	unsigned n = 1;
	size_t i;

	p->text[p->len] = '\0';
	for (i = 0; i < p->line_start; i++)
		n += p->text[i] == '\n';
	out->code = p->code;
	out->text = p->text;
	out->len = p->len;
	out->nlines = n;
	out->msg = line_len > REPLY_HEAD_LEN ? last + REPLY_HEAD_LEN
					     : p->text + p->len;
	out->msg_len = line_len > REPLY_HEAD_LEN ? line_len - REPLY_HEAD_LEN
						 : 0;
	p->done = true;
}

/* A line ended (LF seen). Returns OK, BAD or NEED_MORE (reply goes on). */
static enum ftp_parse end_line(struct ftp_reply_parser *p,
			       struct ftp_reply *out)
{
	size_t n = finish_line(p);
	unsigned code = head_code(p, n);
	bool last;

	p->line_len = 0;
	if (p->code == 0) {
		if (code == 0) {
			bool was_skipping = p->skipping;

			ftp_reply_parser_reset(p);
			/* After TOO_LONG the line is dropped silently: the
			 * error was reported once already. */
			return was_skipping ? FTP_PARSE_NEED_MORE
					    : FTP_PARSE_BAD;
		}
		p->code = code;
		p->multi = n > 3 && p->head[3] == '-';
		last = !p->multi;
	} else {
		last = code == p->code && (n == 3 || p->head[3] == ' ');
	}
	if (!last) {
		if (!p->skipping)
			p->text[p->len++] = '\n';
		p->line_start = p->len;
		return FTP_PARSE_NEED_MORE;
	}
	if (p->skipping) {
		ftp_reply_parser_reset(p);
		return FTP_PARSE_NEED_MORE;
	}
	fill_reply(p, out, n);
	return FTP_PARSE_OK;
}

/* Stores one byte of a line. Returns TOO_LONG when a limit is crossed
 * (once per reply), else NEED_MORE. */
static enum ftp_parse add_byte(struct ftp_reply_parser *p, char c)
{
	if (p->line_len < REPLY_HEAD_LEN)
		p->head[p->line_len] = c;
	p->line_len++;
	if (p->skipping)
		return FTP_PARSE_NEED_MORE;
	/* SECURITY: bounded memory against a hostile server; +1 leaves
	 * room for the CR that ends a line of the maximum length. The
	 * reply also needs room for a '\n' and the final NUL. */
	if (p->line_len > FTP_REPLY_LINE_MAX + 1u ||
	    p->len + 2u > FTP_REPLY_SIZE_MAX) {
		p->skipping = true;
		return FTP_PARSE_TOO_LONG;
	}
	p->text[p->len++] = c;
	return FTP_PARSE_NEED_MORE;
}

enum ftp_parse ftp_reply_feed(struct ftp_reply_parser *p, const uint8_t *buf,
			      size_t len, size_t *consumed,
			      struct ftp_reply *out)
{
	size_t i;
	enum ftp_parse r;

	if (p->done)
		ftp_reply_parser_reset(p);
	for (i = 0; i < len; i++) {
		if (buf[i] == '\n')
			r = end_line(p, out);
		else
			r = add_byte(p, (char)buf[i]);
		if (r != FTP_PARSE_NEED_MORE) {
			*consumed = i + 1;
			return r;
		}
	}
	*consumed = len;
	return FTP_PARSE_NEED_MORE;
}

bool ftp_reply_next_line(const struct ftp_reply *r, size_t *pos,
			 const char **line, size_t *len)
{
	const char *start, *nl;

	if (*pos > r->len)
		return false;
	start = r->text + *pos;
	nl = memchr(start, '\n', r->len - *pos);
	*line = start;
	*len = nl ? (size_t)(nl - start) : r->len - *pos;
	*pos += *len + 1;
	return true;
}

/* ---- values carried by replies (SIZE, MDTM) ------------------------------ */

#define MDTM_DIGITS 14u      /* YYYYMMDDHHMMSS */
#define MDTM_FRACTION_MAX 9u /* ".nnnnnnnnn" at most */

enum ftp_parse ftp_reply_number(const char *msg, size_t len, uint64_t *out)
{
	size_t i = 0, digits = 0;
	uint64_t v = 0;

	while (i < len && msg[i] == ' ')
		i++;
	for (; i < len && msg[i] >= '0' && msg[i] <= '9'; i++, digits++) {
		unsigned d = (unsigned)(msg[i] - '0');
		if (v > (UINT64_MAX - d) / 10u)
			return FTP_PARSE_BAD;
		v = v * 10u + d;
	}
	while (i < len && msg[i] == ' ')
		i++;
	if (digits == 0 || i != len)
		return FTP_PARSE_BAD;
	*out = v;
	return FTP_PARSE_OK;
}

static unsigned digits_at(const char *s, size_t n)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10u + (unsigned)(s[i] - '0');
	return v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian, y >= 1970). */
static int64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = yy / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (int64_t)(m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

enum ftp_parse ftp_reply_mdtm(const char *msg, size_t len, int64_t *out)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30,
					  31, 31, 30, 31, 30, 31 };
	unsigned y, mo, d, h, mi, s;
	size_t i;

	while (len > 0 && msg[len - 1] == ' ')
		len--;
	if (len < MDTM_DIGITS || (len > MDTM_DIGITS &&
	    (msg[MDTM_DIGITS] != '.' || len == MDTM_DIGITS + 1 ||
	     len > MDTM_DIGITS + 1 + MDTM_FRACTION_MAX)))
		return FTP_PARSE_BAD;
	for (i = 0; i < len; i++)
		if (i != MDTM_DIGITS && (msg[i] < '0' || msg[i] > '9'))
			return FTP_PARSE_BAD;
	y = digits_at(msg, 4);
	mo = digits_at(msg + 4, 2);
	d = digits_at(msg + 6, 2);
	h = digits_at(msg + 8, 2);
	mi = digits_at(msg + 10, 2);
	s = digits_at(msg + 12, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    h > 23 || mi > 59 || s > 60)
		return FTP_PARSE_BAD;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	return FTP_PARSE_OK;
}
