/*
 * link_mem.c - in-process links for tests: a pair joined back to back, or a
 * lone link whose sent frames are captured and whose received frames are
 * injected.
 *
 * Each link has a bounded receive queue (frames beyond TS_MEM_QUEUE_MAX are
 * dropped, as a full NIC ring drops) and an eventfd that is readable
 * exactly while that queue holds frames, so the libevent glue drives a mem
 * link like any other. A lone link also has a capture queue for what it
 * sends.
 *
 * Ownership: every queued frame is a heap copy owned by its queue.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "link_internal.h"

struct mem_frame {
	struct mem_frame *next;
	size_t len;
	uint8_t data[];
};

struct mem_queue {
	struct mem_frame *head, *tail;
	size_t count;
};

struct mem_link {
	struct ts_link base;
	int efd;                  /* readable while rxq is not empty     */
	struct mem_queue rxq;     /* frames to be received               */
	struct mem_queue capq;    /* lone link: frames it sent           */
	struct mem_link *peer;    /* pair: the other end, NULL when lone
	                           * or after the other end closed       */
	bool paired;
};

static void q_free(struct mem_queue *q)
{
	struct mem_frame *f = q->head, *next;

	for (; f; f = next) {
		next = f->next;
		free(f);
	}
	q->head = q->tail = NULL;
	q->count = 0;
}

/* Appends a copy; -ENOBUFS when full, -ENOMEM. */
static int q_push(struct mem_queue *q, const uint8_t *frame, size_t len)
{
	struct mem_frame *f;

	if (q->count >= TS_MEM_QUEUE_MAX)
		return -ENOBUFS;
	f = malloc(sizeof(*f) + len);
	if (!f)
		return -ENOMEM;
	f->next = NULL;
	f->len = len;
	memcpy(f->data, frame, len);
	if (q->tail)
		q->tail->next = f;
	else
		q->head = f;
	q->tail = f;
	q->count++;
	return 0;
}

/* Removes the oldest frame into buf; its length (frames longer than cap
 * are dropped: -EMSGSIZE), or 0 when empty. */
static ssize_t q_pop(struct mem_queue *q, uint8_t *buf, size_t cap)
{
	struct mem_frame *f = q->head;
	ssize_t n;

	if (!f)
		return 0;
	q->head = f->next;
	if (!q->head)
		q->tail = NULL;
	q->count--;
	if (f->len > cap) {
		n = -EMSGSIZE;
	} else {
		memcpy(buf, f->data, f->len);
		n = (ssize_t)f->len;
	}
	free(f);
	return n;
}

/* Keeps the eventfd's readability equal to "rxq not empty". */
static void efd_sync(struct mem_link *m, bool was_empty)
{
	uint64_t v = 1;

	if (was_empty && m->rxq.count > 0) {
		if (write(m->efd, &v, sizeof(v)) < 0)
			return; /* counter saturated: still readable */
	} else if (!was_empty && m->rxq.count == 0) {
		if (read(m->efd, &v, sizeof(v)) < 0)
			return; /* already reset */
	}
}

static int mem_enqueue_rx(struct mem_link *m, const uint8_t *frame, size_t len)
{
	bool was_empty = m->rxq.count == 0;
	int rc = q_push(&m->rxq, frame, len);

	efd_sync(m, was_empty);
	return rc;
}

static int mem_send(struct ts_link *l, const uint8_t *frame, size_t len)
{
	struct mem_link *m = LINK_DRIVER(struct mem_link, l);

	if (m->paired)
		return m->peer ? mem_enqueue_rx(m->peer, frame, len) : -ENOTCONN;
	return q_push(&m->capq, frame, len);
}

static ssize_t mem_recv(struct ts_link *l, uint8_t *buf, size_t cap,
			bool *csum_unverified)
{
	struct mem_link *m = LINK_DRIVER(struct mem_link, l);
	ssize_t n;

	(void)csum_unverified;
	n = q_pop(&m->rxq, buf, cap);
	efd_sync(m, n == 0);
	return n;
}

static int mem_fd(const struct ts_link *l)
{
	return LINK_DRIVER(const struct mem_link, l)->efd;
}

static void mem_close(struct ts_link *l)
{
	struct mem_link *m = LINK_DRIVER(struct mem_link, l);

	if (m->peer)
		m->peer->peer = NULL;
	q_free(&m->rxq);
	q_free(&m->capq);
	close(m->efd);
	free(m);
}

static const struct link_ops mem_ops = {
	.send = mem_send,
	.recv = mem_recv,
	.fd = mem_fd,
	.close = mem_close,
};

static struct mem_link *mem_alloc(enum ts_link_kind kind, uint8_t mac_last)
{
	struct mem_link *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (m->efd < 0) {
		free(m);
		return NULL;
	}
	m->base.ops = &mem_ops;
	m->base.info.kind = kind;
	m->base.info.mtu = TS_MTU_DEFAULT;
	/* Fixed MACs keep traces of mem-link tests reproducible; mem links
	 * of different pairs never share a wire, so they cannot collide. */
	if (kind == TS_LINK_ETHERNET) {
		static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };
		memcpy(m->base.info.mac, mac, 6);
		m->base.info.mac[5] = mac_last;
	}
	snprintf(m->base.info.name, sizeof(m->base.info.name), "mem");
	return m;
}

int ts_link_mem_pair(enum ts_link_kind kind, struct ts_link **a,
		     struct ts_link **b)
{
	struct mem_link *ma = mem_alloc(kind, 1), *mb = mem_alloc(kind, 2);

	if (!ma || !mb) {
		ts_link_close(ma ? &ma->base : NULL);
		ts_link_close(mb ? &mb->base : NULL);
		return -ENOMEM;
	}
	ma->paired = mb->paired = true;
	ma->peer = mb;
	mb->peer = ma;
	*a = &ma->base;
	*b = &mb->base;
	return 0;
}

int ts_link_mem_new(enum ts_link_kind kind, struct ts_link **out)
{
	struct mem_link *m = mem_alloc(kind, 1);

	if (!m)
		return -ENOMEM;
	*out = &m->base;
	return 0;
}

int link_mem_open(const struct ts_link_options *opt, struct ts_link **out,
		  char *err, size_t errlen)
{
	int rc = ts_link_mem_new(TS_LINK_ETHERNET, out);

	if (rc < 0) {
		link_errf(err, errlen, "mem: out of memory or file descriptors");
		return rc;
	}
	if (opt->mtu)
		(*out)->info.mtu = opt->mtu;
	if (opt->mac_set)
		memcpy((*out)->info.mac, opt->mac, 6);
	return 0;
}

/* The mem link under any wrappers (an impaired mem link injects below
 * the impairer and captures what left it), or NULL for other drivers. */
static struct mem_link *mem_find(struct ts_link *l)
{
	while (l && l->ops != &mem_ops)
		l = l->inner;
	return l ? LINK_DRIVER(struct mem_link, l) : NULL;
}

int ts_link_mem_inject(struct ts_link *l, const uint8_t *frame, size_t len)
{
	struct mem_link *m = mem_find(l);

	return m ? mem_enqueue_rx(m, frame, len) : -EINVAL;
}

size_t ts_link_mem_take(struct ts_link *l, uint8_t *buf, size_t cap)
{
	struct mem_link *m = mem_find(l);
	ssize_t n;

	if (!m)
		return 0;
	/* A frame too long for buf is consumed and reported as none. */
	n = q_pop(&m->capq, buf, cap);
	return n > 0 ? (size_t)n : 0;
}
