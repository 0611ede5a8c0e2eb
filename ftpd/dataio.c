/*
 * dataio.c - the plain data stream: a stack socket used directly (see
 * dataio.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "dataio.h"

struct plain {
	struct ftpd_dataio d; /* first: a struct ftpd_dataio * is ours */
	struct ts_ev *ev;
	int sock;
	unsigned pending;     /* events seen before a callback was set */
};

static void sock_cb(struct ts_stack *st, int sock, unsigned events, void *arg)
{
	struct plain *p = arg;

	(void)st;
	(void)sock;
	if (!p->d.cb) {
		p->pending |= events;
		return;
	}
	p->d.cb(&p->d, events, p->d.arg);
}

static ssize_t plain_send(struct ftpd_dataio *d, const void *buf, size_t len)
{
	struct plain *p = (struct plain *)d;
	ssize_t n = ts_send(ts_ev_stack(p->ev), p->sock, buf, len, 0);

	ts_ev_kick(p->ev);
	return n;
}

static ssize_t plain_recv(struct ftpd_dataio *d, void *buf, size_t len)
{
	struct plain *p = (struct plain *)d;
	ssize_t n = ts_recv(ts_ev_stack(p->ev), p->sock, buf, len);

	ts_ev_kick(p->ev); /* a window update may be due */
	return n;
}

static void plain_close(struct ftpd_dataio *d, bool abort)
{
	struct plain *p = (struct plain *)d;
	struct ts_stack *st = ts_ev_stack(p->ev);

	ts_set_callback(st, p->sock, NULL, NULL);
	if (abort)
		ts_abort(st, p->sock);
	else
		ts_close(st, p->sock);
	ts_ev_kick(p->ev);
	free(p);
}

static const struct ftpd_dataio_ops plain_ops = {
	plain_send, plain_recv, plain_close, NULL, NULL,
};

struct ftpd_dataio *ftpd_dataio_plain(struct ts_ev *ev, int sock)
{
	struct plain *p = calloc(1, sizeof(*p));

	if (!p) {
		ts_abort(ts_ev_stack(ev), sock);
		return NULL;
	}
	p->d.ops = &plain_ops;
	p->ev = ev;
	p->sock = sock;
	ts_set_callback(ts_ev_stack(ev), sock, sock_cb, p);
	return &p->d;
}

void ftpd_dataio_set_cb(struct ftpd_dataio *d, ftpd_dataio_cb cb, void *arg)
{
	/* Events before this are not replayed: the owner tries its I/O once
	 * after setting the callback, which finds data, EOF or an error. */
	if (d->ops == &plain_ops)
		((struct plain *)d)->pending = 0;
	d->cb = cb;
	d->arg = arg;
}
