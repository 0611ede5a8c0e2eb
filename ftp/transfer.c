/*
 * transfer.c - one data transfer (see transfer.h).
 *
 * The loop moves at most XFER_BURST chunks per turn, then looks at the
 * control connection (a 4xx/5xx reply ends the transfer early), then
 * runs the event loop once: until the data socket has news, a rate
 * limit's wait ends, or the idle timeout passes.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abort.h"
#include "datachan.h"
#include "edit.h"
#include "ftp_ascii.h"
#include "progress.h"
#include "transfer.h"

#define XFER_BURST 16u          /* chunks per loop turn                */
#define XFER_TICK_US 250000u    /* redraw the bar while stalled        */

struct xstate {
	struct ftpc_session *s;
	struct ftpc_xfer *x;
	struct ftpc_data d;
	struct ftp_ascii_in asc; /* TYPE A, received side */
	struct ftpc_progress pr;
	struct ftpc_hash hh;
	struct ftpc_rate rt;
	char *buf, *cbuf;       /* a chunk and its conversion            */
	const char *pend;       /* upload: bytes not yet taken by ts_send */
	size_t pend_len;
	bool file_eof, data_done;
	uint64_t file_bytes;    /* local side                            */
	uint64_t last_move_us;
	int final_code;         /* a final reply seen during the loop    */
};

/* ---- meters --------------------------------------------------------------- */

static bool bar_wanted(const struct xstate *xs)
{
	return xs->x->meter && xs->s->progress && xs->s->ttyout &&
	       !xs->s->hash;
}

static void meter_update(struct xstate *xs, bool last)
{
	struct ftpc_session *s = xs->s;
	uint64_t now = ftpc_now_us(), n;
	uint64_t bytes = xs->x->restart + (xs->x->upload ? xs->file_bytes
							 : xs->x->bytes);
	char line[FTPC_PROGRESS_WIDTH_MAX + 1];

	if (!xs->x->meter)
		return;
	if (s->hash) {
		for (n = ftpc_hash_marks(&xs->hh, bytes - xs->x->restart);
		     n > 0; n--)
			fputc('#', stdout);
		fflush(stdout);
		return;
	}
	if (!bar_wanted(xs) || (!ftpc_progress_update(&xs->pr, bytes, now) &&
				!last))
		return;
	ftpc_progress_render(&xs->pr, now, ftpc_edit_width(s->edit), line,
			     sizeof(line));
	fprintf(stdout, "\r%s", line);
	fflush(stdout);
	s->bar_shown = true;
}

static void meter_end(struct xstate *xs, bool ok)
{
	struct ftpc_session *s = xs->s;
	char line[256];

	if (!xs->x->meter)
		return;
	if (s->hash && xs->hh.marked) {
		fputc('\n', stdout);
		fflush(stdout);
	}
	if (ok)
		meter_update(xs, true);
	if (s->bar_shown) {
		fputc('\n', stdout);
		s->bar_shown = false;
	}
	if (ok && s->verbose) {
		ftpc_progress_update(&xs->pr, xs->x->restart +
				     (xs->x->upload ? xs->file_bytes
						    : xs->x->bytes),
				     ftpc_now_us());
		ftpc_progress_summary(&xs->pr, ftpc_now_us(),
				      xs->x->upload ? "sent" : "received",
				      line, sizeof(line));
		ftpc_out(s, "%s", line);
	}
}

/* ---- download ------------------------------------------------------------ */

static int to_memory(struct ftpc_xfer *x, const char *p, size_t n)
{
	char *m;

	if (x->mem_len + n > FTPC_NAMES_BYTES_MAX)
		return -EFBIG;
	if (x->mem_len + n + 1 > x->mem_cap) {
		size_t cap = (x->mem_len + n + 1) * 2;
		m = realloc(x->mem, cap);
		if (!m)
			return -ENOMEM;
		x->mem = m;
		x->mem_cap = cap;
	}
	memcpy(x->mem + x->mem_len, p, n);
	x->mem_len += n;
	x->mem[x->mem_len] = '\0';
	return 0;
}

/* Received bytes to their destination, converted as asked. */
static int deliver(struct xstate *xs, const char *p, size_t n, bool end)
{
	struct ftpc_xfer *x = xs->x;
	size_t i;
	int rc;

	if (x->ascii) {
		n = end ? ftp_ascii_from_net_end(&xs->asc, xs->cbuf)
			: ftp_ascii_from_net(&xs->asc, p, n, xs->cbuf);
		p = xs->cbuf;
	}
	if (x->sanitize) {
		if (p != xs->cbuf)
			p = memcpy(xs->cbuf, p, n);
		for (i = 0; i < n; i++)
			if (((unsigned char)xs->cbuf[i] < 0x20 &&
			     xs->cbuf[i] != '\n' && xs->cbuf[i] != '\t') ||
			    xs->cbuf[i] == 0x7f)
				xs->cbuf[i] = '?';
	}
	if (n == 0)
		return 0;
	xs->file_bytes += n;
	rc = x->out ? ftpc_local_write(x->out, p, n) : to_memory(x, p, n);
	if (rc != 0)
		ftpc_err(xs->s, "cannot write %s: %s", x->out ? x->out->final
			 : "the listing", strerror(-rc));
	return rc;
}

/* A failed ts_recv/ts_send: 0 to wait (-EAGAIN), else -errno shown. */
static int data_error(struct xstate *xs, ssize_t n)
{
	if (n == -EAGAIN)
		return 0;
	ftpc_err(xs->s, "the data connection failed: %s",
		 ftpc_data_strerror(&xs->d, (int)n));
	return (int)n;
}

/* 1: end of data; 0: wait; -errno. */
static int recv_step(struct xstate *xs)
{
	unsigned i;

	for (i = 0; i < XFER_BURST; i++) {
		size_t want = FTPC_IO_CHUNK,
		       avail = ftpc_data_readable(xs->s, &xs->d);
		ssize_t n;

		if (xs->x->rate && avail > 0) {
			want = (size_t)ftpc_rate_take(&xs->rt, avail < want ?
						      avail : want, ftpc_now_us());
			if (want == 0)
				return 0;
		}
		n = ftpc_data_recv(xs->s, &xs->d, xs->buf, want);
		if (n < 0)
			return data_error(xs, n);
		if (n == 0)
			return deliver(xs, NULL, 0, true) == 0 ? 1 : -EIO;
		xs->x->bytes += (uint64_t)n;
		xs->last_move_us = ftpc_now_us();
		if (deliver(xs, xs->buf, (size_t)n, false) != 0)
			return -EIO;
	}
	return 0;
}

/* ---- upload --------------------------------------------------------------- */

/* Reads the next chunk of the local file into pend. 0, 1 at EOF, -errno */
static int fill_pending(struct xstate *xs)
{
	size_t want = FTPC_IO_CHUNK;
	ssize_t n;

	if (xs->x->rate) {
		want = (size_t)ftpc_rate_take(&xs->rt, want, ftpc_now_us());
		if (want == 0)
			return 2;
	}
	do
		n = read(xs->x->in_fd, xs->buf, want);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		ftpc_err(xs->s, "cannot read the local file: %s",
			 strerror(errno));
		return -EIO;
	}
	if (n == 0)
		return 1;
	xs->file_bytes += (uint64_t)n;
	xs->pend = xs->buf;
	xs->pend_len = (size_t)n;
	if (xs->x->ascii) {
		xs->pend_len = ftp_ascii_to_net(xs->buf, (size_t)n, xs->cbuf);
		xs->pend = xs->cbuf;
	}
	return 0;
}

static int send_step(struct xstate *xs)
{
	unsigned i;
	int rc;

	for (i = 0; i < XFER_BURST; i++) {
		ssize_t n;

		if (xs->pend_len == 0) {
			rc = xs->file_eof ? 1 : fill_pending(xs);
			if (rc == 1) {
				xs->file_eof = true;
				return 1;
			}
			if (rc != 0)
				return rc == 2 ? 0 : rc;
		}
		n = ftpc_data_send(xs->s, &xs->d, xs->pend, xs->pend_len);
		if (n < 0)
			return data_error(xs, n);
		xs->pend += n;
		xs->pend_len -= (size_t)n;
		xs->x->bytes += (uint64_t)n;
		xs->last_move_us = ftpc_now_us();
	}
	return 0;
}

/* ---- the loop ------------------------------------------------------------- */

/* A final reply while data still moves: 4xx/5xx ends the transfer. */
static int watch_control(struct xstate *xs)
{
	struct ftpc_session *s = xs->s;

	if (xs->final_code == 0 && ftpc_reply_ready(s) &&
	    !FTP_REPLY_PRELIM(s->reply.code)) {
		if (FTP_REPLY_DONE(s->reply.code))
			return 0; /* 226 may come before the last bytes */
		xs->final_code = ftpc_get_reply(s, s->idle_ms);
		return -ECONNABORTED;
	}
	if (!s->cbev || s->ctrl_err ||
	    (s->ctrl_eof && !ftpc_reply_ready(s))) {
		ftpc_get_reply(s, 0); /* reports the lost connection */
		return -ECONNRESET;
	}
	return 0;
}

static uint64_t next_wake_us(struct xstate *xs, uint64_t now)
{
	uint64_t idle_end = xs->last_move_us + (uint64_t)xs->s->idle_ms * 1000u;
	uint64_t t = idle_end > now ? idle_end - now : 0;

	if (xs->x->rate) {
		uint64_t w = ftpc_rate_wait_us(&xs->rt, now);
		if (w < t)
			t = w ? w : 1;
	}
	if (bar_wanted(xs) && t > XFER_TICK_US)
		t = XFER_TICK_US;
	return t;
}

static int move_data(struct xstate *xs)
{
	struct ftpc_session *s = xs->s;
	int rc;

	for (;;) {
		if (s->intr)
			return -EINTR;
		rc = xs->x->upload ? send_step(xs) : recv_step(xs);
		ts_ev_kick(net_ev(s->net));
		meter_update(xs, false);
		if (rc != 0)
			return rc == 1 ? 0 : rc;
		rc = watch_control(xs);
		if (rc != 0)
			return rc;
		if (ftpc_now_us() >= xs->last_move_us +
					     (uint64_t)s->idle_ms * 1000u) {
			ftpc_err(s, "no data for %u s; giving up (-q sets the "
				 "timeout)", s->idle_ms / 1000u);
			return -ETIMEDOUT;
		}
		ftpc_loop_once(s, next_wake_us(xs, ftpc_now_us()));
	}
}

/* ---- one transfer ------------------------------------------------------- */

/* The transfer command and its preliminary reply: 1 when data follows,
 * 0 when the server finished at once (2xx), -errno on refusal. */
static int start_command(struct xstate *xs)
{
	struct ftpc_session *s = xs->s;
	struct ftpc_xfer *x = xs->x;
	int rc;

	if (x->restart) {
		rc = ftpc_command(s, "REST %llu",
				  (unsigned long long)x->restart);
		if (rc != 350) {
			if (rc > 0)
				ftpc_err(s, "the server cannot restart "
					 "transfers (REST refused)");
			return rc < 0 ? rc : -EPROTO;
		}
	}
	rc = x->arg ? ftpc_send(s, "%s %s", x->verb, x->arg)
		    : ftpc_send(s, "%s", x->verb);
	if (rc == 0)
		rc = ftpc_get_reply(s, s->idle_ms);
	if (rc > 0 && FTP_REPLY_PRELIM(rc))
		return 1;
	if (rc > 0 && FTP_REPLY_DONE(rc)) {
		xs->final_code = rc;
		return 0;
	}
	return rc < 0 ? rc : -EPROTO;
}

/* After the data: the final reply, and whether everything arrived. */
static int finish(struct xstate *xs)
{
	struct ftpc_session *s = xs->s;
	struct ftpc_xfer *x = xs->x;
	int rc = xs->final_code;

	while (rc == 0 || (rc > 0 && FTP_REPLY_PRELIM(rc)))
		rc = ftpc_get_reply(s, s->idle_ms);
	if (rc < 0 || !FTP_REPLY_DONE(rc))
		return rc < 0 ? rc : -EPROTO;
	if (!x->upload && !x->ascii && x->total &&
	    x->restart + x->bytes < x->total) {
		ftpc_err(s, "short transfer: the server reported success but "
			 "sent %llu of %llu bytes",
			 (unsigned long long)(x->restart + x->bytes),
			 (unsigned long long)x->total);
		return -EPIPE;
	}
	return 0;
}

static int run(struct xstate *xs)
{
	struct ftpc_session *s = xs->s;
	int rc = ftpc_data_prepare(s, &xs->d);

	if (rc != 0)
		return rc;
	rc = start_command(xs);
	if (rc == 1)
		rc = ftpc_data_accept(s, &xs->d);
	else if (rc == 0)
		xs->data_done = true;
	if (rc == 0 && !xs->data_done) {
		xs->last_move_us = ftpc_now_us();
		ftpc_progress_start(&xs->pr, xs->x->total, xs->x->restart,
				    xs->last_move_us);
		ftpc_hash_start(&xs->hh, s->hash_step);
		ftpc_rate_set(&xs->rt, xs->x->rate, xs->last_move_us);
		rc = move_data(xs);
	}
	if (rc == -EINTR) {
		meter_end(xs, false);
		xs->x->interrupted = true;
		s->aborted = true;
		ftpc_err(s, "%s aborted; waiting for the server to finish "
			 "the abort", xs->x->upload ? "send" : "receive");
		ftpc_abort_transfer(s, &xs->d, xs->final_code != 0);
		return -EINTR;
	}
	/* Download: the server closed first, we close now (the seed's
	 * four-segment close); upload: our FIN ends the file. */
	ftpc_data_close(s, &xs->d, rc != 0);
	if (rc == 0)
		rc = finish(xs);
	meter_end(xs, rc == 0);
	return rc;
}

int ftpc_transfer(struct ftpc_session *s, struct ftpc_xfer *x)
{
	struct xstate xs;
	int rc;

	memset(&xs, 0, sizeof(xs));
	xs.s = s;
	xs.x = x;
	xs.buf = malloc(FTPC_IO_CHUNK);
	xs.cbuf = malloc(2 * FTPC_IO_CHUNK + 1);
	x->bytes = 0;
	x->interrupted = false;
	if (!xs.buf || !xs.cbuf) {
		ftpc_err(s, "out of memory for the transfer buffers");
		rc = -ENOMEM;
	} else {
		s->intr = false;
		rc = run(&xs);
	}
	free(xs.buf);
	free(xs.cbuf);
	s->intr = false;
	return rc;
}
