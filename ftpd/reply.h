/*
 * reply.h - formatting the daemon's replies (RFC 959 4.2) into a caller's
 * buffer.
 *
 * A text without '\n' gives one line:        "250 Okay.\r\n"
 * A text with '\n' separating lines gives the multi-line form:
 *
 *   211-Features:\r\n           first line: code and '-'
 *    MDTM\r\n                   middle lines as given, except that one
 *    SIZE\r\n                   starting with a digit is indented by a
 *   211 End\r\n                 space, so that no client can take it for
 *                               the last line; last line: code and ' '
 *
 * SECURITY: the text may hold client data (file names in 257, 550 and
 * STAT replies): every control byte in it but the '\n' separators is sent
 * as '?', so a name can never end a reply early or forge another.
 */
#ifndef FTPD_REPLY_H
#define FTPD_REPLY_H

#include <stddef.h>

/* Formats code (100..599) and text (NUL-terminated, borrowed) into out.
 * Returns the length, -EINVAL for a bad code, or -ENOSPC when cap is too
 * small. */
int ftpd_reply_format(unsigned code, const char *text, char *out, size_t cap);

/* Quotes a path for a 257 reply (RFC 959 appendix II): "..." with every
 * '"' inside doubled. Length or -ENOSPC. */
int ftpd_reply_quote_path(const char *path, char *out, size_t cap);

#endif /* FTPD_REPLY_H */
