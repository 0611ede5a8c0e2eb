/*
 * transfer.h - moving a file or a listing over the data connection.
 *
 * A transfer command's handler opens the file (or collects the listing),
 * then hands it here: the data connection is obtained (datachan.h), 150
 * is sent, bytes move as the stack allows (ts_send while there is room,
 * going on at TS_EV_WRITE; ts_recv at TS_EV_READ), with TYPE A line ends
 * converted (rules.h), the session's rate limit applied, and the
 * data_connection_timeout watching for progress. The end is one of
 *   226 complete; 425 no data connection; 426 aborted (ABOR, the peer
 *   reset, or timeout); 451 local read/write error; 452 disk full;
 *   552 quota exceeded
 * and an xferlog line for files. While a transfer runs, commands other
 * than ABOR, STAT, NOOP and QUIT wait for its end (session.c).
 */
#ifndef FTPD_TRANSFER_H
#define FTPD_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "listing.h"
#include "strbuf.h"
#include "vfs.h"

struct ftpd_session;

enum ftpd_xfer_kind {
	FTPD_XF_RETR,  /* file -> client                     */
	FTPD_XF_STOR,  /* client -> file (STOR, APPE, STOU)  */
	FTPD_XF_LIST,  /* listing -> client (LIST NLST MLSD) */
};

struct ftpd_xfer_spec {
	enum ftpd_xfer_kind kind;
	int fd;                  /* RETR/STOR: the open file (taken over) */
	struct listing *list;    /* LIST: the listing (taken over)        */
	enum listing_kind lkind;
	const struct vfs_path *path; /* the file, for logs (copied)        */
	uint64_t offset;         /* REST                                  */
	off_t size;              /* RETR: the file's size, for the 150    */
	const char *verb;        /* "RETR", "STOR", ... for logs          */
	const char *opening;     /* text of the 150 reply                 */
};

/* Starts a transfer (the session has no other). Replies and logs
 * everything from here on; spec's fd and list are taken over even when
 * it fails at once. */
void ftpd_xfer_start(struct ftpd_session *s, struct ftpd_xfer_spec *spec);

/* ABOR (reply = true): stops the transfer, replies 426 and then 226.
 * The session's end (reply = false): stops it silently. */
void ftpd_xfer_abort(struct ftpd_session *s, bool reply);

/* One line of STAT about the running transfer. */
void ftpd_xfer_status(const struct ftpd_session *s, struct strbuf *sb);

#endif /* FTPD_TRANSFER_H */
