/*
 * strbuf.c - bounded appends to a caller's buffer (see strbuf.h).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"

void strbuf_init(struct strbuf *sb, char *buf, size_t cap)
{
	sb->buf = buf;
	sb->cap = cap;
	sb->len = 0;
	sb->full = cap == 0;
	if (cap > 0)
		buf[0] = '\0';
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sb->cap - sb->len) {
		sb->full = true;
		sb->buf[sb->len] = '\0';
	} else {
		sb->len += (size_t)n;
	}
}

void strbuf_append(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->full || n >= sb->cap - sb->len) {
		sb->full = true;
		return;
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_append_printable(struct strbuf *sb, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char shown = (c < 0x20 || c == 0x7f) ? '?' : s[i];

		strbuf_append(sb, &shown, 1);
	}
}

int strbuf_result(const struct strbuf *sb)
{
	return sb->full ? -ENOSPC : (int)sb->len;
}
