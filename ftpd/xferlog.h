/*
 * xferlog.h - one transfer as a line of the standard wu-ftpd xferlog
 * (xferlog(5)), which vsftpd, ProFTPD and every xferlog analyser read:
 *
 *   current-time transfer-time remote-host file-size filename
 *   transfer-type special-action-flag direction access-mode username
 *   service-name authentication-method authenticated-user-id
 *   completion-status
 *
 *   Tue Nov 24 04:14:00 2026 1 76.88.16.104 1234 /pub/a_b.txt b _ o a ftp
 *   ftp 0 * c                                       (one line)
 *
 * current-time is ctime(3)'s form in English (UTC, or local time with
 * use_localtime); transfer-time is whole seconds, rounded, at least 1 (as
 * wu-ftpd and vsftpd write it); white space inside a field becomes '_'
 * (as wu-ftpd does for file names) and control bytes '?', so each field
 * stays one word. The session writes the line to the transfer log with
 * log_msg() on a struct log opened with bare = yes (log.h).
 */
#ifndef FTPD_XFERLOG_H
#define FTPD_XFERLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum xferlog_direction {
	XFERLOG_OUTGOING, /* 'o': download (RETR)          */
	XFERLOG_INCOMING, /* 'i': upload (STOR, STOU, APPE) */
	XFERLOG_DELETED,  /* 'd': DELE                      */
};

enum xferlog_access {
	XFERLOG_ANONYMOUS, /* 'a' */
	XFERLOG_GUEST,     /* 'g' */
	XFERLOG_REAL,      /* 'r': synfin's virtual users */
};

/* Every pointer is borrowed for the call. */
struct xferlog_entry {
	time_t when;              /* when the transfer ended               */
	uint64_t duration_ms;
	const char *remote_host;  /* client address, e.g. "76.88.16.104"   */
	uint64_t bytes;           /* bytes transferred                     */
	const char *filename;     /* the virtual path                      */
	bool ascii;               /* TYPE A ('a') or binary ('b')          */
	enum xferlog_direction direction;
	enum xferlog_access access;
	const char *username;     /* the login name; never a password      */
	bool complete;            /* 'c' complete, 'i' incomplete          */
};

/* Formats e into out (NUL-terminated, no newline). Returns the length, or
 * -ENOSPC when cap is too small (nothing useful in out then). */
int xferlog_format(const struct xferlog_entry *e, bool localtime, char *out,
		   size_t cap);

#endif /* FTPD_XFERLOG_H */
