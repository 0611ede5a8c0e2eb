/*
 * ftp_trace.c - renders FTP control-connection payloads for trace lines
 * (see ftp_trace.h). Everything here reads untrusted bytes with explicit
 * lengths and writes only printable ASCII into a bounded buffer.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ftp_trace.h"

#define TLS_HEADER_LEN 5u
#define TLS_TYPE_FIRST 0x14u /* change_cipher_spec (RFC 8446 B.1) */
#define TLS_TYPE_LAST 0x17u  /* application_data */
#define TLS_MAJOR 0x03u
#define TLS_MINOR_MAX 0x04u
#define TLS_RECORD_MAX 18432u /* 2^14 + 2048 (RFC 5246 6.2.3) */
#define TELNET_IAC 255u
#define TELNET_IP 244u
#define TELNET_DM 242u
#define TELNET_WILL 251u
#define TELNET_DONT 254u
#define VERB_MAX 4u

struct out {
	char *buf;
	size_t cap, len;
};

static void putf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void putf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len + 1 >= o->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n < o->cap - o->len ? (size_t)n
						      : o->cap - o->len - 1;
}

/* Appends bytes as printable ASCII: anything else becomes '.'. */
static void put_text(struct out *o, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && o->len + 1 < o->cap; i++)
		o->buf[o->len++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i]
							       : '.';
	o->buf[o->len] = '\0';
}

void ftp_trace_init(struct ftp_trace *t, uint16_t control_port)
{
	memset(t, 0, sizeof(*t));
	t->control_port = control_port ? control_port
				       : (uint16_t)FTP_CONTROL_PORT_DEFAULT;
}

static struct ftp_trace_conn *find_conn(struct ftp_trace *t, uint16_t lport,
					uint16_t rport)
{
	struct ftp_trace_conn *c, *victim = &t->conns[0];
	size_t i;

	t->clock++;
	for (i = 0; i < FTP_TRACE_CONN_MAX; i++) {
		c = &t->conns[i];
		if (c->used && c->local_port == lport &&
		    c->remote_port == rport) {
			c->last_use = t->clock;
			return c;
		}
		if (!c->used || (victim->used && c->last_use < victim->last_use))
			victim = c;
	}
	memset(victim, 0, sizeof(*victim));
	victim->used = true;
	victim->local_port = lport;
	victim->remote_port = rport;
	victim->last_use = t->clock;
	return victim;
}

static bool is_tls_header(const uint8_t *p, size_t len)
{
	return len >= TLS_HEADER_LEN && p[0] >= TLS_TYPE_FIRST &&
	       p[0] <= TLS_TYPE_LAST && p[1] == TLS_MAJOR &&
	       p[2] <= TLS_MINOR_MAX;
}

/* "TLS handshake len=512, application-data len=40": every record header
 * that starts inside the payload, never the record's contents. Returns
 * the bytes of the last record still to come in later segments. */
static size_t render_tls(struct out *o, const uint8_t *p, size_t len)
{
	static const char *const names[] = {
		"change-cipher-spec", "alert", "handshake", "application-data",
	};
	size_t off = 0;

	putf(o, "TLS ");
	while (off < len && is_tls_header(p + off, len - off)) {
		unsigned rec = (unsigned)p[off + 3] << 8 | p[off + 4];
		putf(o, "%s%s len=%u", off ? ", " : "",
		     names[p[off] - TLS_TYPE_FIRST], rec);
		off += TLS_HEADER_LEN + rec;
	}
	return off > len ? off - len : 0;
}

/* After TLS on a control connection, a segment at a record boundary that
 * is whole printable lines is clear text again (CCC, RFC 4217 12.3);
 * encrypted bytes practically never are. */
static bool clear_lines(const uint8_t *p, size_t len)
{
	size_t i;

	if (len < 2 || p[len - 2] != '\r' || p[len - 1] != '\n')
		return false;
	for (i = 0; i < len; i++)
		if ((p[i] < 0x20 || p[i] > 0x7e) && p[i] != '\r' &&
		    p[i] != '\n')
			return false;
	return true;
}

/* Names the Telnet commands at the start of a command segment (the abort
 * sequence IAC IP, IAC DM) and returns the offset after them. */
static size_t render_telnet(struct out *o, const uint8_t *p, size_t len)
{
	size_t off = 0;

	while (off + 1 < len && p[off] == TELNET_IAC) {
		uint8_t cmd = p[off + 1];
		if (cmd == TELNET_IP)
			putf(o, "IAC IP ");
		else if (cmd == TELNET_DM)
			putf(o, "IAC DM ");
		else
			putf(o, "IAC %u ", (unsigned)cmd);
		off += 2;
		if (cmd >= TELNET_WILL && cmd <= TELNET_DONT && off < len)
			off++; /* option byte of WILL/WONT/DO/DONT */
	}
	return off;
}

static bool is_known_verb(const uint8_t *p, size_t n)
{
	static const char *const verbs[] = {
		"ABOR", "ACCT", "ADAT", "ALLO", "APPE", "AUTH", "CCC", "CDUP",
		"CONF", "CWD", "DELE", "ENC", "EPRT", "EPSV", "FEAT", "HELP",
		"HOST", "LANG", "LIST", "MDTM", "MIC", "MKD", "MLSD", "MLST",
		"MODE", "NLST", "NOOP", "OPTS", "PASS", "PASV", "PBSZ", "PORT",
		"PROT", "PWD", "QUIT", "REIN", "REST", "RETR", "RMD", "RNFR",
		"RNTO", "SITE", "SIZE", "SMNT", "STAT", "STOR", "STOU", "STRU",
		"SYST", "TYPE", "USER", "XCUP", "XCWD", "XMKD", "XPWD", "XRMD",
	};
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strlen(verbs[i]) == n &&
		    strncasecmp(verbs[i], (const char *)p, n) == 0)
			return true;
	return false;
}

/* Length of the first line (up to CR or LF) and the count of lines after
 * it that hold anything. */
static size_t first_line(const uint8_t *p, size_t len, unsigned *more)
{
	size_t n = 0, i;

	while (n < len && p[n] != '\r' && p[n] != '\n')
		n++;
	*more = 0;
	for (i = n; i < len; i++)
		if (p[i] == '\n' && i + 1 < len && p[i + 1] != '\r' &&
		    p[i + 1] != '\n')
			(*more)++;
	return n;
}

static void render_more(struct out *o, unsigned more)
{
	if (more)
		putf(o, " [+%u line%s]", more, more == 1 ? "" : "s");
}

static void render_command(struct ftp_trace_conn *c, struct out *o,
			   const uint8_t *p, size_t len)
{
	size_t off, verb = 0, line;
	unsigned more;
	bool was_mid = c->mid_line;

	if (was_mid) {
		c->mid_line = p[len - 1] != '\n';
		putf(o, "(continued line, %zu bytes)", len);
		return;
	}
	/* Telnet commands alone (IAC IP before the urgent IAC DM) leave
	 * the line state as it was. */
	off = render_telnet(o, p, len);
	p += off;
	len -= off;
	if (len == 0)
		return;
	c->mid_line = p[len - 1] != '\n';
	while (verb < len && verb <= VERB_MAX &&
	       ((p[verb] | 0x20) >= 'a' && (p[verb] | 0x20) <= 'z'))
		verb++;
	line = first_line(p, len, &more);
	if (verb == line && verb == len) {
		/* The segment ends inside the first word: wait for more. */
		putf(o, "(%zu bytes, partial line)", len);
		return;
	}
	if (verb != line && p[verb] != ' ') {
		putf(o, "(%zu bytes, not an FTP command)", len);
		return;
	}
	if (!is_known_verb(p, verb)) {
		putf(o, "(%zu bytes, not an FTP command)", len);
		return;
	}
	/* SECURITY: secrets never reach a trace, a terminal or a log. */
	if ((verb == 4 && strncasecmp((const char *)p, "PASS", 4) == 0) ||
	    (verb == 4 && strncasecmp((const char *)p, "ACCT", 4) == 0)) {
		put_text(o, p, verb);
		putf(o, " ****");
	} else {
		put_text(o, p, line);
	}
	render_more(o, more);
}

static void render_reply(struct out *o, const uint8_t *p, size_t len)
{
	unsigned more;
	size_t line = first_line(p, len, &more);

	put_text(o, p, line);
	render_more(o, more);
}

/* A data connection (RFC 4217 PROT P): TLS record headers at the start
 * of a segment are shown; nothing else (file contents are no trace). */
static size_t render_data(struct out *o, const uint8_t *p, size_t len)
{
	if (!is_tls_header(p, len) ||
	    ((unsigned)p[3] << 8 | p[4]) > TLS_RECORD_MAX)
		return 0;
	(void)render_tls(o, p, len);
	return o->len;
}

size_t ftp_trace_decode(void *ctx, uint16_t local_port, uint16_t remote_port,
			bool outbound, const uint8_t *payload, size_t len,
			char *out, size_t cap)
{
	struct ftp_trace *t = ctx;
	struct ftp_trace_conn *c;
	struct out o = { out, cap, 0 };
	bool we_are_client = remote_port == t->control_port;
	bool is_command;
	size_t *left;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (len == 0)
		return 0;
	if (!we_are_client && local_port != t->control_port)
		return render_data(&o, payload, len);
	is_command = we_are_client ? outbound : !outbound;
	c = find_conn(t, local_port, remote_port);
	left = &c->tls_left[is_command];
	if (*left > 0) {
		/* SECURITY: the middle of an encrypted record is not text. */
		putf(&o, "TLS data (continued) %zu bytes", len);
		*left = len < *left ? *left - len : 0;
	} else if (is_tls_header(payload, len)) {
		c->tls = true;
		*left = render_tls(&o, payload, len);
	} else if (c->tls && !clear_lines(payload, len)) {
		putf(&o, "TLS data (continued) %zu bytes", len);
	} else if (is_command) {
		render_command(c, &o, payload, len);
	} else {
		render_reply(&o, payload, len);
	}
	while (o.len > 0 && out[o.len - 1] == ' ')
		out[--o.len] = '\0';
	return o.len;
}
