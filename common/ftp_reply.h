/*
 * ftp_reply.h - incremental parser for FTP server replies (RFC 959 4.2),
 * used by the client on bytes from the control connection (UNTRUSTED).
 *
 *   single line:  "nnn text" CRLF
 *   multi-line:   "nnn-text" CRLF, any lines, then "nnn text" CRLF with the
 *                 same code (or "nnn" alone, which tnftp also accepts).
 *
 * Lines end at LF; a CR before it is dropped (bare LF is accepted, as real
 * servers send it). Lines inside a multi-line reply may hold anything,
 * including other codes. Control characters in the text are replaced by
 * '?' so a server cannot drive the user's terminal.
 *
 * Limits (ftp_limits.h): a line longer than FTP_REPLY_LINE_MAX or a reply
 * longer than FTP_REPLY_SIZE_MAX is reported once as TOO_LONG; the parser
 * then discards the rest of that reply without storing it and resumes with
 * the next one. Memory used is bounded by FTP_REPLY_SIZE_MAX.
 */
#ifndef FTP_REPLY_H
#define FTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ftp_parse.h"

struct ftp_reply_parser;

/* One complete reply. Every pointer is borrowed from the parser and valid
 * until the next ftp_reply_feed() or ftp_reply_parser_free(). */
struct ftp_reply {
	unsigned code;      /* 100..599                                     */
	const char *text;   /* every line as sent (code included), CR LF    */
	size_t len;         /* removed, joined by '\n', NUL-terminated      */
	unsigned nlines;    /* >= 1                                         */
	const char *msg;    /* the last line's text after "nnn " ("" when   */
	size_t msg_len;     /* none), NUL-terminated                        */
};

/* Reply classes: the first digit of the code (RFC 959 4.2.1). */
#define FTP_REPLY_PRELIM(c) ((c) / 100u == 1u)
#define FTP_REPLY_DONE(c) ((c) / 100u == 2u)
#define FTP_REPLY_MORE(c) ((c) / 100u == 3u)
#define FTP_REPLY_TRANSIENT(c) ((c) / 100u == 4u)
#define FTP_REPLY_PERMANENT(c) ((c) / 100u == 5u)

/* Allocates a parser (its buffer is allocated once, here). NULL when out
 * of memory. The caller owns it and frees it with ftp_reply_parser_free. */
struct ftp_reply_parser *ftp_reply_parser_new(void);
void ftp_reply_parser_free(struct ftp_reply_parser *p);

/* Forgets any partial reply (e.g. after the connection was reset). */
void ftp_reply_parser_reset(struct ftp_reply_parser *p);

/* True while a reply has started but not ended (bytes are pending), so a
 * caller that sees the connection close can say "closed inside a reply". */
bool ftp_reply_parser_busy(const struct ftp_reply_parser *p);

/*
 * Feeds len bytes of buf (borrowed). Consumes bytes up to the end of at
 * most one reply or one error and stores the count in *consumed; call
 * again with the rest. Returns:
 *   OK         *out holds a complete reply;
 *   NEED_MORE  every byte was consumed and no reply is complete yet;
 *   BAD        a line that should start a reply does not ("nnn" + ' ',
 *              '-' or end of line, first digit 1..5); the line was
 *              consumed and dropped;
 *   TOO_LONG   a line or the reply exceeded its limit; the rest of that
 *              reply will be discarded by the following calls.
 */
enum ftp_parse ftp_reply_feed(struct ftp_reply_parser *p, const uint8_t *buf,
			      size_t len, size_t *consumed,
			      struct ftp_reply *out);

/* Iterates the lines of a reply: *pos starts at 0; returns false after the
 * last line. The line and its length borrow from r->text (the line is
 * not NUL-terminated). */
bool ftp_reply_next_line(const struct ftp_reply *r, size_t *pos,
			 const char **line, size_t *len);

/* The number a reply carries as its text (the 213 reply to SIZE, RFC
 * 3659 4): len bytes of msg (the text after "213 "), blanks around the
 * digits allowed, nothing else. OK, or BAD (no digits, other text, or
 * over UINT64_MAX). */
enum ftp_parse ftp_reply_number(const char *msg, size_t len, uint64_t *out);

/* The time in a 213 reply to MDTM (RFC 3659 2.3): YYYYMMDDHHMMSS with
 * an optional ".fraction", in UTC, as seconds since the epoch. OK, or
 * BAD (wrong length or characters, a field out of range). */
enum ftp_parse ftp_reply_mdtm(const char *msg, size_t len, int64_t *out);

#endif /* FTP_REPLY_H */
