/*
 * log.c - event logging to a file, syslog or stderr (see log.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_TRUNCATED " [truncated]"
#define LOG_FILE_MODE 0640

struct log {
	enum log_target target;
	enum log_level level;
	bool localtime;
	bool bare;
	int fd;        /* file or stderr; -1 for syslog */
	char *path;    /* LOG_TARGET_FILE */
	char ident[LOG_IDENT_MAX + 1];
};

static const char *const level_names[] = { "error", "warning", "info",
					   "debug" };

const char *log_level_name(enum log_level level)
{
	if ((unsigned)level >= sizeof(level_names) / sizeof(level_names[0]))
		return "?";
	return level_names[level];
}

/* Opens path for appending; with dirfd != AT_FDCWD, name (its last
 * component) relative to dirfd. */
static int open_file_at(int dirfd, const char *name, const char *path,
			int *fd, char *err, size_t errlen)
{
	*fd = openat(dirfd, name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
		     O_NOCTTY | O_NOFOLLOW, LOG_FILE_MODE);
	if (*fd >= 0)
		return 0;
	int e = errno;
	snprintf(err, errlen, "log file %s: cannot open for appending: %s%s",
		 path, strerror(e),
		 e == ENOENT ? " (create its directory first)" :
		 e == EACCES ? " (the daemon's user needs write permission "
			       "there)" :
		 e == ELOOP ? " (it is a symbolic link; give the real path)" :
		 "");
	return -e;
}

static int open_file(const char *path, int *fd, char *err, size_t errlen)
{
	return open_file_at(AT_FDCWD, path, path, fd, err, errlen);
}

struct log *log_open(const struct log_options *opt, char *err, size_t errlen)
{
	struct log *lg = calloc(1, sizeof(*lg));

	if (!lg) {
		snprintf(err, errlen, "log: out of memory");
		return NULL;
	}
	lg->target = opt->target;
	lg->level = opt->level;
	lg->localtime = opt->localtime;
	lg->bare = opt->bare;
	lg->fd = -1;
	snprintf(lg->ident, sizeof(lg->ident), "%s",
		 opt->ident ? opt->ident : "synfin");
	switch (opt->target) {
	case LOG_TARGET_STDERR:
		lg->fd = STDERR_FILENO;
		break;
	case LOG_TARGET_FILE:
		lg->path = opt->path ? strdup(opt->path) : NULL;
		if (!lg->path) {
			snprintf(err, errlen, "log: no file name given");
			free(lg);
			return NULL;
		}
		if (open_file(lg->path, &lg->fd, err, errlen) != 0) {
			free(lg->path);
			free(lg);
			return NULL;
		}
		break;
	case LOG_TARGET_SYSLOG:
		/* openlog keeps the pointer: lg->ident lives as long as lg. */
		openlog(lg->ident, LOG_PID | LOG_NDELAY, LOG_FTP);
		break;
	}
	return lg;
}

/* Reopens lg's file as name relative to dirfd. A path that still names
 * the open file (not rotated) keeps it: a daemon that dropped its
 * privileges may no longer be allowed to open it again. */
static int reopen_at(struct log *lg, int dirfd, const char *name, char *err,
		     size_t errlen)
{
	struct stat now, open_file_st;
	int fd, rc;

	if (lg->target != LOG_TARGET_FILE)
		return 0;
	if (fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    fstat(lg->fd, &open_file_st) == 0 &&
	    now.st_dev == open_file_st.st_dev &&
	    now.st_ino == open_file_st.st_ino)
		return 0;
	rc = open_file_at(dirfd, name, lg->path, &fd, err, errlen);
	if (rc != 0)
		return rc;
	close(lg->fd);
	lg->fd = fd;
	return 0;
}

int log_reopen(struct log *lg, char *err, size_t errlen)
{
	return reopen_at(lg, AT_FDCWD, lg->path, err, errlen);
}

int log_reopen_at(struct log *lg, int dirfd, char *err, size_t errlen)
{
	const char *slash = lg->path ? strrchr(lg->path, '/') : NULL;

	return reopen_at(lg, dirfd, slash ? slash + 1 : lg->path, err, errlen);
}

const char *log_path(const struct log *lg)
{
	return lg->target == LOG_TARGET_FILE ? lg->path : NULL;
}

void log_close(struct log *lg)
{
	if (!lg)
		return;
	if (lg->target == LOG_TARGET_FILE && lg->fd >= 0)
		close(lg->fd);
	free(lg->path);
	free(lg);
}

void log_set_level(struct log *lg, enum log_level level)
{
	lg->level = level;
}

enum log_level log_get_level(const struct log *lg)
{
	return lg->level;
}

/* ---- formatting ------------------------------------------------------------ */

/* SECURITY: escapes control bytes and '\' so client text cannot forge
 * lines. Appends to out[*used..cap-1]; returns false when it ran out of
 * room (the escape that did not fit is left out whole). */
static bool escape(const char *in, size_t len, char *out, size_t cap,
		   size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		size_t need = (c < 0x20 || c == 0x7f) ? 4 : c == '\\' ? 2 : 1;

		if (*used + need >= cap)
			return false;
		if (need == 4) {
			out[(*used)++] = '\\';
			out[(*used)++] = 'x';
			out[(*used)++] = hex[c >> 4];
			out[(*used)++] = hex[c & 15];
		} else {
			if (need == 2)
				out[(*used)++] = '\\';
			out[(*used)++] = (char)c;
		}
	}
	return true;
}

static size_t stamp(const struct log *lg, enum log_level level, char *out,
		    size_t cap)
{
	struct tm tm;
	time_t now = time(NULL);
	char when[40];

	if (lg->localtime)
		localtime_r(&now, &tm);
	else
		gmtime_r(&now, &tm);
	strftime(when, sizeof(when),
		 lg->localtime ? "%Y-%m-%dT%H:%M:%S%z" : "%Y-%m-%dT%H:%M:%SZ",
		 &tm);
	return (size_t)snprintf(out, cap, "%s %s[%ld]: %s: ", when, lg->ident,
				(long)getpid(), log_level_name(level));
}

static void emit(struct log *lg, enum log_level level, const char *msg,
		 size_t len, bool truncated)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char line[LOG_LINE_MAX + sizeof(LOG_TRUNCATED) + 2];
	size_t used = 0;

	if (lg->target != LOG_TARGET_SYSLOG && !lg->bare)
		used = stamp(lg, level, line, LOG_LINE_MAX);
	if (!escape(msg, len, line, LOG_LINE_MAX, &used))
		truncated = true;
	if (truncated) {
		memcpy(line + used, LOG_TRUNCATED, sizeof(LOG_TRUNCATED) - 1);
		used += sizeof(LOG_TRUNCATED) - 1;
	}
	if (lg->target == LOG_TARGET_SYSLOG) {
		line[used] = '\0';
		syslog(prio[level], "%s", line);
		return;
	}
	line[used++] = '\n';
	/* One write per line: O_APPEND keeps lines whole between writers.
	 * A failed write cannot be reported anywhere better than here. */
	if (write(lg->fd, line, used) < 0)
		return;
}

static void vlog(struct log *lg, enum log_level level,
		 const struct log_session *s, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void vlog(struct log *lg, enum log_level level,
		 const struct log_session *s, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];
	size_t used = 0;
	int n;

	if (!lg || level > lg->level)
		return;
	if (s)
		used = (size_t)snprintf(msg, sizeof(msg), "[#%llu %s] ",
					(unsigned long long)s->id, s->peer);
	if (used >= sizeof(msg))
		used = sizeof(msg) - 1;
	n = vsnprintf(msg + used, sizeof(msg) - used, fmt, ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(msg) - used)
		emit(lg, level, msg, sizeof(msg) - 1, true);
	else
		emit(lg, level, msg, used + (size_t)n, false);
}

void log_msg(struct log *lg, enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(lg, level, NULL, fmt, ap);
	va_end(ap);
}

void log_session(struct log *lg, enum log_level level,
		 const struct log_session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(lg, level, s, fmt, ap);
	va_end(ap);
}

/* ---- FTP commands ------------------------------------------------------------ */

bool log_ftp_verb_is_secret(const char *verb, size_t len)
{
	static const char *const secret[] = { "PASS", "ACCT", "ADAT" };
	size_t i;

	for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
		if (len == strlen(secret[i]) &&
		    strncasecmp(verb, secret[i], len) == 0)
			return true;
	return false;
}

void log_ftp_command(struct log *lg, const struct log_session *s,
		     const char *verb, size_t verb_len, const char *arg,
		     size_t arg_len)
{
	/* SECURITY: a secret argument is never formatted at all. */
	if (log_ftp_verb_is_secret(verb, verb_len))
		log_session(lg, LOG_LVL_DEBUG, s, "command: %.*s %s",
			    (int)verb_len, verb, LOG_REDACTED);
	else if (arg_len > 0)
		log_session(lg, LOG_LVL_DEBUG, s, "command: %.*s %.*s",
			    (int)verb_len, verb, (int)arg_len, arg);
	else
		log_session(lg, LOG_LVL_DEBUG, s, "command: %.*s",
			    (int)verb_len, verb);
}

size_t log_redact_ftp_line(const char *line, size_t len, char *out,
			   size_t cap)
{
	size_t start = 0, verb = 0, used = 0;

	if (cap == 0)
		return 0;
	while (start < len && (unsigned char)line[start] <= ' ')
		start++;
	while (start + verb < len && (unsigned char)line[start + verb] > ' ')
		verb++;
	/* SECURITY: the first word decides; whatever follows a secret verb
	 * (its argument, the line end, anything) is replaced. */
	if (log_ftp_verb_is_secret(line + start, verb)) {
		escape(line, start + verb, out, cap, &used);
		if (used + 1 + sizeof(LOG_REDACTED) <= cap) {
			memcpy(out + used, " " LOG_REDACTED,
			       sizeof(LOG_REDACTED));
			used += sizeof(LOG_REDACTED);
		}
	} else {
		escape(line, len, out, cap, &used);
	}
	out[used] = '\0';
	return used;
}
