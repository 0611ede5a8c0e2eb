/*
 * cmdline.h - the control connection's input parser: bytes from the
 * client (UNTRUSTED) in, FTP commands out. The only place where command
 * bytes are parsed.
 *
 * Lines end with CRLF, or a bare LF (as many clients send). A line holds
 * a verb of 1 to FTPD_VERB_MAX letters (returned in upper case), then
 * optionally one space and an argument of any bytes but NUL, CR and LF,
 * kept exactly (leading spaces included: file names may start with one).
 *
 * Telnet (RFC 854), which RFC 959 puts under the control connection:
 *   IAC IAC         a data byte 0xFF
 *   IAC IP, IAC AO  reported as events (FTPD_TELNET_IP / _AO)
 *   IAC DM          reported (FTPD_TELNET_DM) and, as the end of a Synch,
 *                   discards the partial line before it; RFC 959's abort
 *                   sequence IAC IP, IAC DM (urgent), "ABOR" CRLF thus
 *                   yields ABOR with telnet = IP|DM
 *   IAC WILL x      answered IAC DONT x;  IAC DO x  answered IAC WONT x
 *                   (we refuse every option); IAC WONT/DONT x ignored,
 *                   since we are in that state already (RFC 854)
 *   IAC SB ... IAC SE, and every other command   ignored
 * Answers are queued (at most FTPD_TELNET_OUT_MAX bytes; more are dropped)
 * and taken with ftpd_cmdline_take_reply().
 *
 * Bad input is reported ONCE, as soon as it is seen, and the rest of that
 * line up to its LF is then discarded without another report:
 *   TOO_LONG  the line exceeds max_line bytes (never split into two
 *             commands);
 *   BAD       a NUL byte, a CR not followed by LF, an empty line, or a
 *             verb that is not 1 to FTPD_VERB_MAX letters.
 */
#ifndef FTPD_CMDLINE_H
#define FTPD_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ftp_parse.h"
#include "ftpd_limits.h"

enum {
	FTPD_TELNET_IP = 1u << 0, /* Interrupt Process */
	FTPD_TELNET_DM = 1u << 1, /* Data Mark         */
	FTPD_TELNET_AO = 1u << 2, /* Abort Output      */
};

/* One command. arg borrows from the parser and stays valid until the next
 * ftpd_cmdline_feed(), ftpd_cmdline_wipe() or ftpd_cmdline_free(); it is
 * also NUL-terminated. */
struct ftpd_cmd {
	char verb[FTPD_VERB_MAX + 1]; /* upper case                       */
	size_t verb_len;
	bool has_arg;                 /* a space followed the verb         */
	const char *arg;              /* "" when none                      */
	size_t arg_len;
	unsigned telnet;              /* FTPD_TELNET_* seen since the last  */
	                              /* command                           */
};

struct ftpd_cmdline;

/* A parser for lines of at most max_line bytes (without the line end).
 * NULL when out of memory. The caller owns it. */
struct ftpd_cmdline *ftpd_cmdline_new(size_t max_line);

/* Wipes and frees the parser; NULL is fine. */
void ftpd_cmdline_free(struct ftpd_cmdline *p);

/*
 * Feeds len bytes of in (borrowed). Consumes bytes up to the end of at
 * most one command or one report and stores the count in *consumed; call
 * again with the rest. Returns
 *   OK         *out holds a command;
 *   NEED_MORE  every byte was consumed, no command is complete;
 *   BAD, TOO_LONG   see above; *out is untouched.
 */
enum ftp_parse ftpd_cmdline_feed(struct ftpd_cmdline *p, const uint8_t *in,
				 size_t len, size_t *consumed,
				 struct ftpd_cmd *out);

/* Telnet events seen and not yet delivered with a command (e.g. IP before
 * the ABOR line is complete); clears them. */
unsigned ftpd_cmdline_take_events(struct ftpd_cmdline *p);

/* Moves up to cap queued Telnet answer bytes into buf; returns the count. */
size_t ftpd_cmdline_take_reply(struct ftpd_cmdline *p, uint8_t *buf,
			       size_t cap);

/* True while part of a line is buffered or being discarded. */
bool ftpd_cmdline_busy(const struct ftpd_cmdline *p);

/* Wipes the line buffer (OPENSSL_cleanse): call after handling PASS. The
 * last command's arg is gone after this. */
void ftpd_cmdline_wipe(struct ftpd_cmdline *p);

#endif /* FTPD_CMDLINE_H */
