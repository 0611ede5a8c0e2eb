/*
 * strbuf.h - appending text to a caller's fixed buffer without ever
 * overrunning it: once something does not fit, the buffer is marked full
 * and every later append is ignored, so a formatter writes its whole
 * output and checks once at the end (strbuf_result).
 */
#ifndef STRBUF_H
#define STRBUF_H

#include <stdbool.h>
#include <stddef.h>

/* buf is borrowed; it always holds a NUL-terminated prefix of the text. */
struct strbuf {
	char *buf;
	size_t cap, len;
	bool full;
};

/* Starts an empty text in buf (cap bytes, may be 0). */
void strbuf_init(struct strbuf *sb, char *buf, size_t cap);

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends n bytes of s (which may hold any byte but NUL). */
void strbuf_append(struct strbuf *sb, const char *s, size_t n);

/* Appends n bytes of s with every control byte (below 0x20, and 0x7f)
 * shown as '?': untrusted text (file names) can never end a line. */
void strbuf_append_printable(struct strbuf *sb, const char *s, size_t n);

/* The length written, or -ENOSPC when anything did not fit. */
int strbuf_result(const struct strbuf *sb);

#endif /* STRBUF_H */
