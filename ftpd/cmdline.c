/*
 * cmdline.c - control connection input: Telnet and lines into commands
 * (see cmdline.h). Byte by byte, with a buffer of max_line + 1 bytes
 * allocated once.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cmdline.h"

/* Telnet commands (RFC 854). */
enum {
	TN_SE = 240, TN_DM = 242, TN_IP = 244, TN_AO = 245, TN_SB = 250,
	TN_WILL = 251, TN_WONT = 252, TN_DO = 253, TN_DONT = 254, TN_IAC = 255,
};

enum state {
	ST_DATA,   /* plain bytes                         */
	ST_CR,     /* after CR: LF must follow             */
	ST_IAC,    /* after IAC                            */
	ST_OPT,    /* after IAC WILL/WONT/DO/DONT          */
	ST_SB,     /* inside IAC SB ... IAC SE             */
	ST_SB_IAC, /* IAC inside a subnegotiation          */
};

/* What one byte did. */
enum step {
	STEP_NONE,     /* nothing to report                 */
	STEP_EOL,      /* a line ended                      */
	STEP_BAD,      /* the line is bad: discard the rest */
	STEP_TOO_LONG, /* the line is too long: discard     */
};

struct ftpd_cmdline {
	uint8_t *buf;          /* cap + 1 bytes (a NUL after the line)  */
	size_t cap, len;
	enum state st;
	uint8_t opt_cmd;       /* WILL/WONT/DO/DONT awaiting its option */
	bool discard;          /* the rest of this line is dropped      */
	bool delivered;        /* buf holds the last command's line     */
	unsigned events;
	uint8_t out[FTPD_TELNET_OUT_MAX];
	size_t out_len;
};

struct ftpd_cmdline *ftpd_cmdline_new(size_t max_line)
{
	struct ftpd_cmdline *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->buf = malloc(max_line + 1);
	if (!p->buf) {
		free(p);
		return NULL;
	}
	p->cap = max_line;
	return p;
}

void ftpd_cmdline_wipe(struct ftpd_cmdline *p)
{
	OPENSSL_cleanse(p->buf, p->cap + 1);
	p->len = 0;
	p->delivered = false;
}

void ftpd_cmdline_free(struct ftpd_cmdline *p)
{
	if (!p)
		return;
	ftpd_cmdline_wipe(p);
	free(p->buf);
	free(p);
}

/* We refuse every option: WILL -> DONT, DO -> WONT (RFC 854). */
static void refuse(struct ftpd_cmdline *p, uint8_t cmd, uint8_t opt)
{
	uint8_t answer = cmd == TN_WILL ? TN_DONT : cmd == TN_DO ? TN_WONT : 0;

	if (answer == 0 || p->out_len + 3 > sizeof(p->out))
		return;
	p->out[p->out_len++] = TN_IAC;
	p->out[p->out_len++] = answer;
	p->out[p->out_len++] = opt;
}

static enum step data_byte(struct ftpd_cmdline *p, uint8_t c, bool literal)
{
	if (c == '\n' && !literal)
		return STEP_EOL;
	if (p->discard)
		return STEP_NONE;
	if (c == '\r' && !literal) {
		p->st = ST_CR;
		return STEP_NONE;
	}
	/* SECURITY: a NUL would cut the command short wherever C strings
	 * are used; the line is refused whole. */
	if (c == '\0')
		return STEP_BAD;
	if (p->len >= p->cap)
		return STEP_TOO_LONG;
	p->buf[p->len++] = c;
	return STEP_NONE;
}

static enum step telnet_command(struct ftpd_cmdline *p, uint8_t c)
{
	switch (c) {
	case TN_IAC:
		return data_byte(p, TN_IAC, true);
	case TN_IP:
		p->events |= FTPD_TELNET_IP;
		break;
	case TN_AO:
		p->events |= FTPD_TELNET_AO;
		break;
	case TN_DM:
		/* The end of a Synch: what came before it is dropped. */
		p->events |= FTPD_TELNET_DM;
		p->len = 0;
		p->discard = false;
		break;
	case TN_WILL:
	case TN_WONT:
	case TN_DO:
	case TN_DONT:
		p->opt_cmd = c;
		p->st = ST_OPT;
		break;
	case TN_SB:
		p->st = ST_SB;
		break;
	default:
		break; /* NOP, GA, AYT, EC, EL, BRK...: nothing to do */
	}
	return STEP_NONE;
}

static enum step byte(struct ftpd_cmdline *p, uint8_t c)
{
	enum state st = p->st;

	p->st = ST_DATA;
	switch (st) {
	case ST_IAC:
		return telnet_command(p, c);
	case ST_OPT:
		refuse(p, p->opt_cmd, c);
		return STEP_NONE;
	case ST_SB:
		p->st = c == TN_IAC ? ST_SB_IAC : ST_SB;
		return STEP_NONE;
	case ST_SB_IAC:
		p->st = c == TN_SE ? ST_DATA : ST_SB;
		return STEP_NONE;
	case ST_CR:
		/* RFC 854: CR is followed by LF (or NUL, which we refuse). */
		return c == '\n' ? STEP_EOL : STEP_BAD;
	case ST_DATA:
		break;
	}
	if (c == TN_IAC) {
		p->st = ST_IAC;
		return STEP_NONE;
	}
	return data_byte(p, c, false);
}

/* Splits the complete line in buf into *out. */
static enum ftp_parse finish_line(struct ftpd_cmdline *p, struct ftpd_cmd *out)
{
	size_t v = 0, i;

	while (v < p->len && p->buf[v] != ' ')
		v++;
	if (v == 0 || v > FTPD_VERB_MAX)
		return FTP_PARSE_BAD;
	for (i = 0; i < v; i++) {
		uint8_t c = p->buf[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return FTP_PARSE_BAD;
		out->verb[i] = (char)(c & ~0x20);
	}
	out->verb[v] = '\0';
	out->verb_len = v;
	p->buf[p->len] = '\0';
	out->has_arg = v < p->len;
	out->arg = out->has_arg ? (const char *)p->buf + v + 1 : "";
	out->arg_len = out->has_arg ? p->len - v - 1 : 0;
	out->telnet = p->events;
	p->events = 0;
	return FTP_PARSE_OK;
}

enum ftp_parse ftpd_cmdline_feed(struct ftpd_cmdline *p, const uint8_t *in,
				 size_t len, size_t *consumed,
				 struct ftpd_cmd *out)
{
	enum ftp_parse r;
	size_t i;

	if (p->delivered) {
		p->len = 0;
		p->delivered = false;
	}
	for (i = 0; i < len; i++) {
		enum step s = byte(p, in[i]);

		if (s == STEP_NONE)
			continue;
		if (s == STEP_EOL && p->discard) {
			/* The end of a line already reported. */
			p->discard = false;
			p->len = 0;
			continue;
		}
		*consumed = i + 1;
		if (s == STEP_EOL) {
			r = finish_line(p, out);
			p->delivered = (r == FTP_PARSE_OK);
			if (r != FTP_PARSE_OK)
				p->len = 0;
			return r;
		}
		p->discard = true;
		p->len = 0;
		return s == STEP_BAD ? FTP_PARSE_BAD : FTP_PARSE_TOO_LONG;
	}
	*consumed = len;
	return FTP_PARSE_NEED_MORE;
}

unsigned ftpd_cmdline_take_events(struct ftpd_cmdline *p)
{
	unsigned e = p->events;

	p->events = 0;
	return e;
}

size_t ftpd_cmdline_take_reply(struct ftpd_cmdline *p, uint8_t *buf,
			       size_t cap)
{
	size_t n = p->out_len < cap ? p->out_len : cap;

	memcpy(buf, p->out, n);
	memmove(p->out, p->out + n, p->out_len - n);
	p->out_len -= n;
	return n;
}

bool ftpd_cmdline_busy(const struct ftpd_cmdline *p)
{
	return (p->len > 0 && !p->delivered) || p->discard ||
	       p->st != ST_DATA;
}
