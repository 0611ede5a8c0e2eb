/*
 * transfer.c - file and listing transfers over the data connection (see
 * transfer.h).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "datachan.h"
#include "ftpd_config.h"
#include "ftp_addr.h"
#include "ftp_ascii.h"
#include "ftpd_limits.h"
#include "rules.h"
#include "server.h"
#include "session.h"
#include "tls_server.h"
#include "transfer.h"
#include "xferlog.h"

_Static_assert(FTPD_XFER_CHUNK >= FTPD_LIST_LINE_MAX,
	       "a transfer buffer holds at least one listing line");

struct ftpd_xfer {
	struct ftpd_session *s;
	enum ftpd_xfer_kind kind;
	bool ascii;
	int fd;                       /* the file, or -1                  */
	struct listing *list;         /* the listing, or NULL             */
	enum listing_kind lkind;
	size_t next;                  /* listing entries formatted        */
	struct ftpd_dataio *io;       /* NULL until connected             */
	uint8_t *buf;                 /* FTPD_XFER_CHUNK                  */
	uint8_t *abuf;                /* TYPE A: 2 * FTPD_XFER_CHUNK + 1  */
	const uint8_t *out;           /* bytes waiting for ts_send        */
	size_t off, len;
	bool src_eof;                 /* file or listing read to its end  */
	struct ftp_ascii_in ain;
	uint64_t offset, bytes;       /* REST; bytes on the wire          */
	off_t size;
	uint64_t start_us;
	struct event *tmo, *pace, *kick;
	const char *verb;
	char opening[FTPD_REPLY_TEXT_MAX / 2];
	struct vfs_path path;
};

static uint64_t now_us(void)
{
	return ts_ev_clock(NULL);
}

static void set_tv(struct timeval *tv, uint64_t us)
{
	tv->tv_sec = (time_t)(us / 1000000u);
	tv->tv_usec = (suseconds_t)(us % 1000000u);
}

/* ---- the end ---------------------------------------------------------------------- */

static void write_xferlog(struct ftpd_xfer *x, bool complete)
{
	struct ftpd_session *s = x->s;
	const struct ftpd_config *c = ftpd_session_cfg(s);
	struct xferlog_entry e;
	char line[FTPD_REPLY_TEXT_MAX], host[16];

	if (x->kind == FTPD_XF_LIST || !c->xferlog_enable)
		return;
	memset(&e, 0, sizeof(e));
	e.when = time(NULL);
	e.duration_ms = (now_us() - x->start_us) / 1000u;
	e.remote_host = ftp_ipv4_format(s->peer_ip, host);
	e.bytes = x->bytes;
	e.filename = x->path.s;
	e.ascii = x->ascii;
	e.direction = x->kind == FTPD_XF_RETR ? XFERLOG_OUTGOING
					      : XFERLOG_INCOMING;
	e.access = s->anonymous ? XFERLOG_ANONYMOUS : XFERLOG_REAL;
	e.username = s->user;
	e.complete = complete;
	if (xferlog_format(&e, c->use_localtime, line, sizeof(line)) < 0)
		return;
	if (s->srv->xlog && c->xferlog_std_format)
		log_msg(s->srv->xlog, LOG_LVL_INFO, "%s", line);
	else
		ftpd_slog(s, LOG_LVL_INFO, "xferlog: %s", line);
}

/* Frees x and forgets the data connection; the session goes on. */
static void release(struct ftpd_xfer *x, bool abort_io)
{
	struct ftpd_session *s = x->s;

	if (x->io)
		ftpd_dataio_close(x->io, abort_io);
	if (x->fd >= 0)
		close(x->fd);
	if (x->list) {
		listing_free(x->list);
		free(x->list);
	}
	event_free(x->tmo);
	event_free(x->pace);
	event_free(x->kick);
	free(x->buf);
	free(x->abuf);
	free(x);
	s->xfer = NULL;
	s->rest = 0;
	ftpd_dc_reset(s);
}

/* What follows the transfer's last reply: a QUIT that waited, or the
 * commands that did. */
static void after(struct ftpd_session *s)
{
	if (s->quit_pending) {
		s->quit_pending = false;
		ftpd_slog(s, LOG_LVL_INFO, "QUIT after the transfer");
		ftpd_session_close(s, 221, "Goodbye.");
		return;
	}
	ftpd_session_arm_timer(s);
	ftpd_session_resume(s);
}

static void end(struct ftpd_xfer *x, unsigned code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void end(struct ftpd_xfer *x, unsigned code, const char *fmt, ...)
{
	struct ftpd_session *s = x->s;
	char text[FTPD_REPLY_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* A success closes orderly (queued bytes, then our FIN); a failure
	 * resets the data connection. */
	release(x, code != 226);
	ftpd_reply(s, code, "%s", text);
	after(s);
}

static void finish(struct ftpd_xfer *x)
{
	struct ftpd_session *s = x->s;
	bool cut = x->list && x->list->truncated;

	if (x->fd >= 0 && x->kind == FTPD_XF_STOR && close(x->fd) != 0) {
		x->fd = -1;
		ftpd_slog(s, LOG_LVL_WARNING, "%s %s: closing the file "
			  "failed: %s", x->verb, x->path.s, strerror(errno));
		write_xferlog(x, false);
		end(x, 451, "Error closing the file: %s.", strerror(errno));
		return;
	}
	if (x->kind == FTPD_XF_STOR)
		x->fd = -1;
	ftpd_slog(s, LOG_LVL_INFO, "%s %s: %llu bytes in %.3f s", x->verb,
		  x->kind == FTPD_XF_LIST ? "listing" : x->path.s,
		  (unsigned long long)x->bytes,
		  (double)(now_us() - x->start_us) / 1e6);
	write_xferlog(x, true);
	if (cut)
		end(x, 226, "Transfer complete; the listing was cut at "
		    "max_list_entries/max_glob_matches.");
	else
		end(x, 226, "Transfer complete.");
}

static void fail(struct ftpd_xfer *x, unsigned code, const char *why)
{
	ftpd_slog(x->s, LOG_LVL_INFO, "%s %s failed after %llu bytes: %s",
		  x->verb, x->path.s, (unsigned long long)x->bytes, why);
	write_xferlog(x, false);
	end(x, code, "%s", why);
}

/* The data stream failed: its own reply (a TLS data connection's 522),
 * else 426. */
static void io_failed(struct ftpd_xfer *x)
{
	unsigned code = 426;
	const char *why = ftpd_dataio_why(x->io, &code);

	fail(x, code, why ? why : "Data connection lost; transfer aborted.");
}

/* ---- pacing and progress --------------------------------------------------------- */

static void progress(struct ftpd_xfer *x)
{
	struct timeval tv;

	set_tv(&tv, (uint64_t)ftpd_session_cfg(x->s)->data_connection_timeout_ms
			    * 1000u);
	evtimer_add(x->tmo, &tv);
}

/* Counts n bytes moved in this event; true when the event moved
 * enough: the loop serves others, then comes back (kick). */
static bool count(struct ftpd_xfer *x, size_t n, uint64_t *moved)
{
	x->bytes += n;
	*moved += n;
	progress(x);
	if (*moved < FTPD_XFER_BURST)
		return false;
	event_active(x->kick, EV_TIMEOUT, 0);
	return true;
}

/* How many bytes may move now; 0 after arming the pace timer. */
static uint64_t allowance(struct ftpd_xfer *x)
{
	uint64_t el = now_us() - x->start_us;
	uint64_t a = ftpd_rate_allowance(x->s->rate, x->bytes, el);
	struct timeval tv;

	if (a == 0) {
		set_tv(&tv, ftpd_rate_wait_us(x->s->rate, x->bytes, el));
		evtimer_add(x->pace, &tv);
	}
	return a;
}

/* ---- sending (RETR, listings) -------------------------------------------------- */

static int refill_file(struct ftpd_xfer *x)
{
	ssize_t n;

	do
		n = read(x->fd, x->buf, FTPD_XFER_CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	x->off = 0;
	x->src_eof = n == 0;
	if (x->ascii) {
		x->len = ftp_ascii_to_net(x->buf, (size_t)n, x->abuf);
		x->out = x->abuf;
	} else {
		x->len = (size_t)n;
		x->out = x->buf;
	}
	return 0;
}

static void refill_list(struct ftpd_xfer *x)
{
	struct listing_style st = { time(NULL), ftpd_session_cfg(x->s)->hide_ids,
				    ftpd_session_cfg(x->s)->use_localtime };
	size_t room = FTPD_XFER_CHUNK;
	int n;

	x->off = x->len = 0;
	x->out = x->buf;
	while (x->next < x->list->n && room >= FTPD_LIST_LINE_MAX) {
		const struct listing_entry *e = &x->list->v[x->next++];
		char *o = (char *)x->buf + x->len;

		if (x->lkind == LISTING_LIST)
			n = listing_format_list(e, &st, o, room);
		else if (x->lkind == LISTING_NLST)
			n = listing_format_nlst(e, o, room);
		else
			n = listing_format_mlsx(e, x->s->mlst_facts,
						x->s->perms, o, room);
		if (n > 0) {
			x->len += (size_t)n;
			room -= (size_t)n;
		}
	}
	x->src_eof = x->next >= x->list->n;
}

static void pump_out(struct ftpd_xfer *x)
{
	uint64_t moved = 0, allow;
	ssize_t r;
	size_t n;
	int rc;

	for (;;) {
		if (x->off == x->len) {
			if (x->src_eof) {
				finish(x);
				return;
			}
			rc = 0;
			if (x->list)
				refill_list(x);
			else
				rc = refill_file(x);
			if (rc < 0) {
				fail(x, 451, "Error reading the file; transfer "
				     "aborted.");
				return;
			}
			continue;
		}
		allow = allowance(x);
		if (allow == 0)
			return;
		n = x->len - x->off;
		if (n > allow)
			n = (size_t)allow;
		r = ftpd_dataio_send(x->io, x->out + x->off, n);
		if (r == -EAGAIN || r == 0)
			return; /* TS_EV_WRITE will come */
		if (r < 0) {
			io_failed(x);
			return;
		}
		x->off += (size_t)r;
		if (count(x, (size_t)r, &moved))
			return;
	}
}

/* ---- receiving (STOR, APPE, STOU) ------------------------------------------------ */

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int store(struct ftpd_xfer *x, size_t n, bool last)
{
	const uint8_t *p = x->buf;

	if (x->ascii) {
		n = ftp_ascii_from_net(&x->ain, x->buf, n, x->abuf);
		if (last)
			n += ftp_ascii_from_net_end(&x->ain, x->abuf + n);
		p = x->abuf;
	}
	return write_all(x->fd, p, n);
}

static void store_failed(struct ftpd_xfer *x, int rc)
{
	if (rc == -ENOSPC)
		fail(x, 452, "Insufficient storage space (disk full); "
		     "transfer aborted.");
	else if (rc == -EDQUOT)
		fail(x, 552, "Exceeded storage allocation (quota); transfer "
		     "aborted.");
	else
		fail(x, 451, "Error writing the file; transfer aborted.");
}

static void pump_in(struct ftpd_xfer *x)
{
	uint64_t moved = 0, allow;
	ssize_t r;
	int rc;

	for (;;) {
		allow = allowance(x);
		if (allow == 0)
			return; /* TCP's window closes meanwhile */
		r = ftpd_dataio_recv(x->io, x->buf, allow < FTPD_XFER_CHUNK ?
					     (size_t)allow : FTPD_XFER_CHUNK);
		if (r == -EAGAIN)
			return;
		if (r < 0) {
			io_failed(x);
			return;
		}
		rc = store(x, (size_t)r, r == 0);
		if (rc < 0) {
			store_failed(x, rc);
			return;
		}
		if (r == 0) {
			finish(x);
			return;
		}
		if (count(x, (size_t)r, &moved))
			return;
	}
}

static void pump(struct ftpd_xfer *x)
{
	int ready = ftpd_dataio_ready(x->io);

	/* A TLS data connection moves nothing before its handshake, and
	 * one that failed it ends the transfer even with nothing to send. */
	if (ready < 0) {
		io_failed(x);
		return;
	}
	if (ready == 0)
		return;
	if (x->kind == FTPD_XF_STOR)
		pump_in(x);
	else
		pump_out(x);
}

static void io_cb(struct ftpd_dataio *d, unsigned events, void *arg)
{
	(void)d;
	(void)events;
	pump(arg);
}

static void pace_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	pump(arg);
}

static void timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ftpd_xfer *x = arg;

	(void)fd;
	(void)what;
	fail(x, 426, "No progress for data_connection_timeout; transfer "
	     "aborted.");
}

/* ---- the start ------------------------------------------------------------------- */

static void connected(struct ftpd_xfer *x, struct ftpd_dataio *io)
{
	x->io = io;
	ftpd_dataio_set_cb(io, io_cb, x);
	x->buf = malloc(FTPD_XFER_CHUNK);
	if (x->ascii && x->kind != FTPD_XF_LIST)
		x->abuf = malloc(2 * FTPD_XFER_CHUNK + 1);
	if (!x->buf || (x->ascii && x->kind != FTPD_XF_LIST && !x->abuf)) {
		fail(x, 451, "Out of memory; transfer aborted.");
		return;
	}
	x->start_us = now_us();
	ftpd_reply(x->s, 150, "%s", x->opening);
	progress(x);
	pump(x);
}

static void ready_cb(struct ftpd_session *s, struct ftpd_dataio *io, int err)
{
	struct ftpd_xfer *x = s->xfer;

	if (!x) {
		if (io)
			ftpd_dataio_close(io, true);
		return;
	}
	if (!io) {
		ftpd_slog(s, LOG_LVL_INFO, "%s: no data connection: %s",
			  x->verb, ts_strerror(err));
		end(x, 425, "Cannot open the data connection: %s.",
		    err == -ETIMEDOUT ? "timed out" : ts_strerror(err));
		return;
	}
	connected(x, io);
}

static struct ftpd_xfer *xfer_new(struct ftpd_session *s,
				  struct ftpd_xfer_spec *sp)
{
	struct event_base *b = s->srv->base;
	struct ftpd_xfer *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->s = s;
	x->kind = sp->kind;
	x->fd = sp->fd;
	x->list = sp->list;
	x->lkind = sp->lkind;
	x->ascii = s->ascii && sp->kind != FTPD_XF_LIST;
	x->offset = sp->offset;
	x->size = sp->size;
	x->verb = sp->verb;
	x->start_us = now_us();
	snprintf(x->opening, sizeof(x->opening), "%s", sp->opening);
	if (sp->path)
		x->path = *sp->path;
	else
		vfs_path_root(&x->path);
	x->tmo = evtimer_new(b, timeout_cb, x);
	x->pace = evtimer_new(b, pace_cb, x);
	x->kick = event_new(b, -1, 0, pace_cb, x);
	s->xfer = x;
	sp->fd = -1;
	sp->list = NULL;
	return x;
}

void ftpd_xfer_start(struct ftpd_session *s, struct ftpd_xfer_spec *sp)
{
	struct ftpd_xfer *x = xfer_new(s, sp);
	struct ftpd_dataio *io = NULL;
	const char *why = NULL;
	int rc;

	if (!x || !x->tmo || !x->pace || !x->kick) {
		if (x)
			release(x, true);
		if (sp->fd >= 0)
			close(sp->fd);
		ftpd_reply(s, 451, "Out of memory; try again later.");
		return;
	}
	ftpd_session_arm_timer(s); /* no idle timeout during a transfer */
	/* SECURITY: force_local_data_ssl (tls_server.h). */
	if (ftpd_tls_data_refused(s, &why)) {
		end(x, 521, "%s", why);
		return;
	}
	rc = ftpd_dc_open(s, &io, ready_cb);
	if (rc == 1)
		connected(x, io);
	else if (rc < 0)
		end(x, 425, "Cannot open the data connection: %s.",
		    ts_strerror(rc));
}

void ftpd_xfer_abort(struct ftpd_session *s, bool reply)
{
	struct ftpd_xfer *x = s->xfer;

	if (!x)
		return;
	ftpd_slog(s, LOG_LVL_INFO, "%s %s aborted after %llu bytes", x->verb,
		  x->path.s, (unsigned long long)x->bytes);
	write_xferlog(x, false);
	release(x, true);
	if (!reply)
		return;
	ftpd_reply(s, 426, "Transfer aborted; data connection closed.");
	ftpd_reply(s, 226, "ABOR successful.");
	after(s);
}

void ftpd_xfer_status(const struct ftpd_session *s, struct strbuf *sb)
{
	const struct ftpd_xfer *x = s->xfer;

	if (!x)
		return;
	strbuf_printf(sb, "\n     %s %s: %llu bytes %s", x->verb,
		      x->kind == FTPD_XF_LIST ? "(listing)" : x->path.s,
		      (unsigned long long)x->bytes,
		      x->io ? "so far" : "(waiting for the data connection)");
	if (x->kind == FTPD_XF_RETR && x->size > 0)
		strbuf_printf(sb, " of %lld", (long long)x->size);
}
