/*
 * cmdline.c - tokenizer and macro expansion (see cmdline.h), the input
 * rules of BSD ftp's makeargv()/slurpstring() and domacro().
 */
#include "config.h"

#include <string.h>

#include "cmdline.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

struct tok {
	const char *s;
	size_t len, i;
	struct ftpc_argv *out;
	size_t used; /* bytes of out->buf in use */
};

/* Reads one word starting at t->i (not a blank) into out->buf. */
static void next_word(struct tok *t)
{
	bool quoted = false;
	char *w = t->out->buf + t->used;

	while (t->i < t->len) {
		char c = t->s[t->i++];
		if (c == '\\') {
			if (t->i < t->len)
				t->out->buf[t->used++] = t->s[t->i++];
		} else if (c == '"') {
			quoted = !quoted;
		} else if (!quoted && is_blank(c)) {
			break;
		} else {
			t->out->buf[t->used++] = c;
		}
	}
	t->out->buf[t->used++] = '\0';
	t->out->argv[t->out->argc++] = w;
}

/* '!' or '$' at the start of a line is a word of its own. */
static void special_first(struct tok *t)
{
	char c = t->s[t->i];

	t->out->buf[t->used++] = c;
	t->out->buf[t->used++] = '\0';
	t->out->argv[t->out->argc++] = t->out->buf;
	t->i++;
}

static void set_rest(struct tok *t)
{
	size_t i = t->i;

	while (i < t->len && is_blank(t->s[i]))
		i++;
	memcpy(t->out->rest_buf, t->s + i, t->len - i);
	t->out->rest_buf[t->len - i] = '\0';
	t->out->rest = t->out->rest_buf;
}

enum ftp_parse ftpc_tokenize(const char *line, size_t len,
			     struct ftpc_argv *out)
{
	struct tok t = { line, len, 0, out, 0 };

	out->argc = 0;
	out->argv[0] = NULL;
	out->rest_buf[0] = '\0';
	out->rest = out->rest_buf;
	if (len > FTPC_LINE_MAX)
		return FTP_PARSE_TOO_LONG;
	if (memchr(line, '\0', len))
		return FTP_PARSE_BAD;
	while (t.i < len && is_blank(line[t.i]))
		t.i++;
	if (t.i == len)
		return FTP_PARSE_OK;
	if (line[t.i] == '!' || line[t.i] == '$')
		special_first(&t);
	else
		next_word(&t);
	set_rest(&t);
	/* Each word takes at most its bytes plus a NUL: buf cannot
	 * overflow for a line of FTPC_LINE_MAX bytes. */
	for (;;) {
		while (t.i < len && is_blank(line[t.i]))
			t.i++;
		if (t.i == len)
			break;
		if ((size_t)out->argc == FTPC_ARGS_MAX) {
			out->argc = 0;
			out->argv[0] = NULL;
			return FTP_PARSE_TOO_LONG;
		}
		next_word(&t);
	}
	out->argv[out->argc] = NULL;
	return FTP_PARSE_OK;
}

struct exp {
	char *out;
	size_t cap, len;
	bool overflow;
};

static void put(struct exp *e, const char *s, size_t n)
{
	if (e->len + n + 1 > e->cap) {
		e->overflow = true;
		return;
	}
	memcpy(e->out + e->len, s, n);
	e->len += n;
}

/* "$N": reads up to FTPC_MACRO_ARGNUM_DIGITS digits at line[*i]. */
static void expand_argnum(struct exp *e, const char *line, size_t len,
			  size_t *i, const char *name, char *const *args,
			  size_t nargs)
{
	size_t n = 0, digits = 0;

	while (*i < len && line[*i] >= '0' && line[*i] <= '9' &&
	       digits < FTPC_MACRO_ARGNUM_DIGITS) {
		n = n * 10 + (size_t)(line[*i] - '0');
		(*i)++;
		digits++;
	}
	if (n == 0)
		put(e, name, strlen(name));
	else if (n <= nargs)
		put(e, args[n - 1], strlen(args[n - 1]));
}

enum ftp_parse ftpc_macro_expand(const char *line, size_t len,
				 const char *name, char *const *args,
				 size_t nargs, size_t pass, char *out,
				 size_t cap, bool *loops)
{
	struct exp e = { out, cap, 0, false };
	size_t i = 0;

	*loops = false;
	if (cap == 0)
		return FTP_PARSE_TOO_LONG;
	while (i < len && (is_blank(line[i])))
		i++;
	while (i < len && !e.overflow) {
		char c = line[i++];
		if (c == '\\' && i < len) {
			put(&e, &line[i++], 1);
		} else if (c == '$' && i < len && line[i] >= '0' &&
			   line[i] <= '9') {
			expand_argnum(&e, line, len, &i, name, args, nargs);
		} else if (c == '$' && i < len && line[i] == 'i') {
			i++;
			*loops = true;
			if (pass < nargs)
				put(&e, args[pass], strlen(args[pass]));
		} else {
			put(&e, &c, 1);
		}
	}
	out[e.overflow ? 0 : e.len] = '\0';
	return e.overflow ? FTP_PARSE_TOO_LONG : FTP_PARSE_OK;
}
