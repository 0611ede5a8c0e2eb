/*
 * netrc.c - .netrc parsing and lookup (see netrc.h), after BSD ftp's
 * ruserpass.c, with explicit lengths and bounded tokens.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ftpc_limits.h"
#include "netrc.h"

struct lex {
	const char *s;
	size_t len, i;
	unsigned line;
	char tok[FTPC_NETRC_TOKEN_MAX + 1];
	char *err;
	size_t errcap;
};

enum tok_rc { TOK_EOF, TOK_OK, TOK_TOO_LONG };

static void set_err(struct lex *lx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_err(struct lex *lx, const char *fmt, ...)
{
	va_list ap;

	if (!lx->errcap)
		return;
	va_start(ap, fmt);
	vsnprintf(lx->err, lx->errcap, fmt, ap);
	va_end(ap);
}

static bool is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',';
}

static enum tok_rc next_token(struct lex *lx)
{
	size_t n = 0;
	bool quoted;

	while (lx->i < lx->len && is_sep(lx->s[lx->i]))
		lx->line += lx->s[lx->i++] == '\n';
	if (lx->i == lx->len)
		return TOK_EOF;
	quoted = lx->s[lx->i] == '"';
	lx->i += quoted;
	while (lx->i < lx->len) {
		char c = lx->s[lx->i];
		if (quoted ? c == '"' : is_sep(c))
			break;
		if (c == '\\' && lx->i + 1 < lx->len)
			c = lx->s[++lx->i];
		lx->line += c == '\n';
		if (n == FTPC_NETRC_TOKEN_MAX) {
			set_err(lx, "line %u: token longer than %u bytes",
				lx->line, FTPC_NETRC_TOKEN_MAX);
			return TOK_TOO_LONG;
		}
		lx->tok[n++] = c;
		lx->i++;
	}
	lx->i += quoted && lx->i < lx->len; /* closing quote */
	lx->tok[n] = '\0';
	return TOK_OK;
}

static struct ftpc_netrc_entry *add_entry(struct ftpc_netrc *n,
					  const char *machine, struct lex *lx,
					  enum ftp_parse *rc)
{
	struct ftpc_netrc_entry *e;

	if (n->n == FTPC_NETRC_ENTRIES_MAX) {
		set_err(lx, "line %u: more than %u machine entries", lx->line,
			FTPC_NETRC_ENTRIES_MAX);
		*rc = FTP_PARSE_TOO_LONG;
		return NULL;
	}
	e = realloc(n->entries, (n->n + 1) * sizeof(*e));
	if (!e)
		goto nomem;
	n->entries = e;
	e = &n->entries[n->n];
	memset(e, 0, sizeof(*e));
	if (machine && !(e->machine = strdup(machine)))
		goto nomem;
	n->n++;
	return e;
nomem:
	set_err(lx, "line %u: out of memory", lx->line);
	*rc = FTP_PARSE_BAD;
	return NULL;
}

static void wipe_free(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

static bool set_field(char **field, const char *value)
{
	char *v = strdup(value);

	if (!v)
		return false;
	wipe_free(*field);
	*field = v;
	return true;
}

/* macdef NAME: the body starts on the next line and ends at a blank
 * line (or the end of the file). */
static enum ftp_parse read_macro(struct lex *lx, struct ftpc_netrc_entry *e)
{
	struct ftpc_netrc_macro *m;
	size_t start, end;
	const char *blank;

	if (next_token(lx) != TOK_OK || strlen(lx->tok) > FTPC_MACRO_NAME_MAX) {
		set_err(lx, "line %u: macdef needs a name of 1..%u characters",
			lx->line, FTPC_MACRO_NAME_MAX);
		return FTP_PARSE_BAD;
	}
	if (e->nmacros == FTPC_MACRO_MAX) {
		set_err(lx, "line %u: more than %u macros", lx->line,
			FTPC_MACRO_MAX);
		return FTP_PARSE_TOO_LONG;
	}
	while (lx->i < lx->len && lx->s[lx->i] != '\n')
		lx->i++;
	start = lx->i < lx->len ? lx->i + 1 : lx->len;
	blank = memmem(lx->s + start, lx->len - start, "\n\n", 2);
	if (start < lx->len && lx->s[start] == '\n')
		blank = lx->s + start - 1; /* empty body */
	end = blank ? (size_t)(blank - lx->s) + 1 : lx->len;
	if (end - start > FTPC_MACRO_BODY_MAX) {
		set_err(lx, "line %u: macro %s longer than %u bytes", lx->line,
			lx->tok, FTPC_MACRO_BODY_MAX);
		return FTP_PARSE_TOO_LONG;
	}
	m = realloc(e->macros, (e->nmacros + 1) * sizeof(*m));
	if (!m)
		goto nomem;
	e->macros = m;
	m = &e->macros[e->nmacros];
	m->name = strdup(lx->tok);
	m->body = malloc(end - start + 1);
	if (!m->name || !m->body) {
		free(m->name);
		free(m->body);
		goto nomem;
	}
	memcpy(m->body, lx->s + start, end - start);
	m->body[end - start] = '\0';
	m->len = end - start;
	e->nmacros++;
	for (; lx->i < end; lx->i++)
		lx->line += lx->s[lx->i] == '\n';
	return FTP_PARSE_OK;
nomem:
	set_err(lx, "line %u: out of memory", lx->line);
	return FTP_PARSE_BAD;
}

/* A keyword that takes a value (login, password, account). */
static enum ftp_parse read_value(struct lex *lx, struct ftpc_netrc_entry *e,
				 char **field, const char *kw)
{
	enum tok_rc t;

	if (!e) {
		set_err(lx, "line %u: '%s' before any 'machine' or 'default'",
			lx->line, kw);
		return FTP_PARSE_BAD;
	}
	t = next_token(lx);
	if (t == TOK_TOO_LONG)
		return FTP_PARSE_TOO_LONG;
	if (t == TOK_EOF) {
		set_err(lx, "line %u: '%s' without a value", lx->line, kw);
		return FTP_PARSE_BAD;
	}
	if (!set_field(field, lx->tok)) {
		set_err(lx, "line %u: out of memory", lx->line);
		return FTP_PARSE_BAD;
	}
	return FTP_PARSE_OK;
}

static enum ftp_parse keyword(struct lex *lx, struct ftpc_netrc *n,
			      struct ftpc_netrc_entry **cur)
{
	enum ftp_parse rc = FTP_PARSE_OK;
	struct ftpc_netrc_entry *e = *cur;

	if (strcmp(lx->tok, "machine") == 0) {
		enum tok_rc t = next_token(lx);

		if (t == TOK_TOO_LONG)
			return FTP_PARSE_TOO_LONG;
		if (t == TOK_EOF) {
			set_err(lx, "line %u: 'machine' without a name",
				lx->line);
			return FTP_PARSE_BAD;
		}
		*cur = add_entry(n, lx->tok, lx, &rc);
	} else if (strcmp(lx->tok, "default") == 0) {
		*cur = add_entry(n, NULL, lx, &rc);
	} else if (strcmp(lx->tok, "login") == 0) {
		rc = read_value(lx, e, e ? &e->login : NULL, "login");
	} else if (strcmp(lx->tok, "password") == 0 ||
		   strcmp(lx->tok, "passwd") == 0) {
		rc = read_value(lx, e, e ? &e->password : NULL, "password");
	} else if (strcmp(lx->tok, "account") == 0) {
		rc = read_value(lx, e, e ? &e->account : NULL, "account");
	} else if (strcmp(lx->tok, "macdef") == 0) {
		if (!e) {
			set_err(lx, "line %u: 'macdef' before any 'machine'",
				lx->line);
			return FTP_PARSE_BAD;
		}
		rc = read_macro(lx, e);
	} else if (lx->errcap && lx->err[0] == '\0') {
		/* BSD ftp warns and goes on; the first warning is kept. */
		set_err(lx, "warning: line %u: unknown .netrc keyword %s",
			lx->line, lx->tok);
	}
	return rc;
}

enum ftp_parse ftpc_netrc_parse(const char *buf, size_t len,
				struct ftpc_netrc *out, char *err,
				size_t errcap)
{
	struct lex lx = { .s = buf, .len = len, .line = 1, .err = err,
			  .errcap = errcap };
	struct ftpc_netrc_entry *cur = NULL;
	enum ftp_parse rc = FTP_PARSE_OK;
	enum tok_rc t;

	out->entries = NULL;
	out->n = 0;
	if (errcap)
		err[0] = '\0';
	if (len > FTPC_NETRC_FILE_MAX) {
		set_err(&lx, "larger than %u bytes", FTPC_NETRC_FILE_MAX);
		return FTP_PARSE_TOO_LONG;
	}
	while (rc == FTP_PARSE_OK && (t = next_token(&lx)) != TOK_EOF) {
		if (t == TOK_TOO_LONG)
			return FTP_PARSE_TOO_LONG;
		rc = keyword(&lx, out, &cur);
	}
	explicit_bzero(lx.tok, sizeof(lx.tok));
	return rc;
}

/* BSD ftp allows a world-readable .netrc when it only holds anonymous
 * logins; anything else with a secret is refused. */
static bool has_secret(const struct ftpc_netrc *n)
{
	size_t i;

	for (i = 0; i < n->n; i++) {
		const struct ftpc_netrc_entry *e = &n->entries[i];
		bool anon = e->login && (strcmp(e->login, "anonymous") == 0 ||
					 strcmp(e->login, "ftp") == 0);
		if ((e->password || e->account) && !anon)
			return true;
	}
	return false;
}

static char *read_file(int fd, size_t size)
{
	char *buf = malloc(size + 1);
	size_t got = 0;

	if (!buf)
		return NULL;
	while (got < size) {
		ssize_t r = read(fd, buf + got, size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got != size) {
		free(buf);
		return NULL;
	}
	return buf;
}

int ftpc_netrc_load(const char *path, struct ftpc_netrc *out, char *err,
		    size_t errcap)
{
	struct stat st;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	enum ftp_parse rc;
	char msg[256];

	out->entries = NULL;
	out->n = 0;
	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > FTPC_NETRC_FILE_MAX) {
		snprintf(err, errcap, "%s: not a regular file of at most %u "
			 "bytes; fix or remove it", path, FTPC_NETRC_FILE_MAX);
		close(fd);
		return -1;
	}
	buf = read_file(fd, (size_t)st.st_size);
	close(fd);
	if (!buf) {
		snprintf(err, errcap, "%s: cannot read it", path);
		return -1;
	}
	rc = ftpc_netrc_parse(buf, (size_t)st.st_size, out, msg, sizeof(msg));
	explicit_bzero(buf, (size_t)st.st_size);
	free(buf);
	if (rc != FTP_PARSE_OK) {
		snprintf(err, errcap, "%s: %s", path, msg);
		ftpc_netrc_free(out);
		return -1;
	}
	/* SECURITY: BSD ftp's rule and message. */
	if ((st.st_mode & 077) != 0 && has_secret(out)) {
		snprintf(err, errcap, "Error: .netrc file is readable by "
			 "others.\nRemove password or make file unreadable "
			 "by others.");
		ftpc_netrc_free(out);
		return -1;
	}
	if (errcap && msg[0])
		snprintf(err, errcap, "%s: %s", path, msg);
	return 0;
}

const struct ftpc_netrc_entry *ftpc_netrc_find(const struct ftpc_netrc *n,
					       const char *host)
{
	const struct ftpc_netrc_entry *def = NULL;
	size_t i;

	for (i = 0; i < n->n; i++) {
		const struct ftpc_netrc_entry *e = &n->entries[i];
		if (!e->machine) {
			if (!def)
				def = e;
		} else if (strcasecmp(e->machine, host) == 0) {
			return e;
		}
	}
	return def;
}

void ftpc_netrc_free(struct ftpc_netrc *n)
{
	size_t i, j;

	for (i = 0; i < n->n; i++) {
		struct ftpc_netrc_entry *e = &n->entries[i];
		free(e->machine);
		free(e->login);
		/* SECURITY: secrets do not linger in freed memory. */
		wipe_free(e->password);
		wipe_free(e->account);
		for (j = 0; j < e->nmacros; j++) {
			free(e->macros[j].name);
			free(e->macros[j].body);
		}
		free(e->macros);
	}
	free(n->entries);
	n->entries = NULL;
	n->n = 0;
}
