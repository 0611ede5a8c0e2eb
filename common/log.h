/*
 * log.h - event logging for synfin's programs: to a file, to syslog or to
 * stderr, with levels.
 *
 * A line in a file or on stderr reads
 *
 *   2026-11-24T04:14:00Z ftpd[812]: info: [#42 76.88.16.104:1038] USER ftp
 *
 * (time in UTC, or local time with use_localtime), then the program name
 * and pid, the level, for session events the session id and client
 * address, then the message. Syslog gets the same text after the level.
 *
 * SECURITY: every byte of a message below 0x20, 0x7f and '\' is written
 * as \xHH (or \\), so text that came from a client (file names, user
 * names) cannot forge log lines. Messages longer than LOG_LINE_MAX are cut
 * and end in " [truncated]".
 *
 * SECURITY: FTP commands are logged only through log_ftp_command(), which
 * never writes the argument of a command that carries a secret (PASS,
 * ACCT, ADAT) whatever its spelling; log_redact_ftp_line() gives the same
 * guarantee to any other place that shows command lines. Passwords must
 * never be passed to the printf-style functions.
 *
 * A struct log is used by one thread. Each line is written with one
 * write(2) on an O_APPEND descriptor, so several processes may share a
 * file.
 */
#ifndef LOG_H
#define LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common_limits.h"

#ifdef __cplusplus
extern "C" {
#endif

/* In this order in configuration enums ("error", "warning", "info",
 * "debug"): a message is written when its level <= the log's level. */
enum log_level {
	LOG_LVL_ERROR = 0,
	LOG_LVL_WARNING,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

enum log_target {
	LOG_TARGET_STDERR = 0,
	LOG_TARGET_FILE,
	LOG_TARGET_SYSLOG,
};

struct log_options {
	enum log_target target;
	const char *path;      /* LOG_TARGET_FILE: the file (borrowed for  */
	                       /* log_open; the log keeps its own copy)    */
	const char *ident;     /* program name, e.g. "ftpd" (copied)       */
	enum log_level level;
	bool localtime;        /* timestamps in local time, not UTC        */
	bool bare;             /* write messages as they are, without time,*/
	                       /* name or level (xferlog lines)            */
};

/* Who a session event is about; filled by the session, borrowed by the
 * log calls. */
struct log_session {
	uint64_t id;
	char peer[LOG_PEER_MAX]; /* "A.B.C.D:PORT" */
};

struct log;

/* Opens a log. Returns NULL with a message in err naming the file, the
 * cause and the fix (e.g. a missing directory). The caller owns the log
 * and frees it with log_close. */
struct log *log_open(const struct log_options *opt, char *err, size_t errlen);

/* Reopens a file log at the same path (after log rotation, on SIGHUP).
 * On failure the old file stays in use and err says why. 0 or -errno.
 * Does nothing for stderr and syslog, nor when the path still names the
 * open file (nothing was rotated). */
int log_reopen(struct log *lg, char *err, size_t errlen);

/* As log_reopen, but opens the file's last path component relative to
 * dirfd, a descriptor of its directory (one kept from before a chroot,
 * when the path no longer leads there). The file is opened with
 * O_NOFOLLOW and created 0640 when missing. 0 or -errno (err set). */
int log_reopen_at(struct log *lg, int dirfd, char *err, size_t errlen);

/* The path of a file log (owned by lg), or NULL for stderr and syslog. */
const char *log_path(const struct log *lg);

/* Closes the log; NULL is fine. */
void log_close(struct log *lg);

void log_set_level(struct log *lg, enum log_level level);
enum log_level log_get_level(const struct log *lg);

/* "error", "warning", "info", "debug" (static). */
const char *log_level_name(enum log_level level);

/* A message not tied to a session. */
void log_msg(struct log *lg, enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A session event: the line carries s's id and peer. */
void log_session(struct log *lg, enum log_level level,
		 const struct log_session *s, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Logs a client command at LOG_LVL_DEBUG (verb and arg are borrowed, with
 * explicit lengths, not NUL-terminated). The argument of PASS, ACCT and
 * ADAT (any case) is written as LOG_REDACTED. */
void log_ftp_command(struct log *lg, const struct log_session *s,
		     const char *verb, size_t verb_len, const char *arg,
		     size_t arg_len);

/* True when an FTP command with this verb (any case) carries a secret. */
bool log_ftp_verb_is_secret(const char *verb, size_t len);

/* Copies a command line into out (at most cap-1 bytes and a NUL) with the
 * argument of a secret command replaced by LOG_REDACTED and control bytes
 * escaped as in log lines. Returns the length written. */
size_t log_redact_ftp_line(const char *line, size_t len, char *out,
			   size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* LOG_H */
