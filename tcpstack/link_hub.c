/*
 * link_hub.c - the hub's data path (see link_hub_internal.h), as the seed's
 * lab hub: a frame sent on one port is repeated to every other port.
 *
 * - Sending: one send() per other port on a socket connected to it, never
 *   blocking. Linux lets a datagram socket queue only
 *   net.unix.max_dgram_qlen frames (default 10) from others; when a peer's
 *   queue is full the frame waits in a backlog for that peer
 *   (TS_HUB_BACKLOG_BYTES at most, beyond that it is lost and TCP
 *   recovers) and the kernel wakes us (EPOLLOUT) when there is room. So a
 *   slow receiver, such as a sniffer, loses nothing in a burst, and a
 *   stopped one holds up nobody else.
 * - The list of ports follows the directory: inotify (its fd is in our
 *   epoll set), a look every TS_HUB_RESCAN_CHECK while sending (the
 *   directory's mtime when inotify is unavailable), and at once when a
 *   frame is for a MAC no known port has.
 * - A port that refuses us (ECONNREFUSED) belongs to a process that died:
 *   its file is removed.
 * - Receiving: a port that is not promiscuous drops frames whose
 *   destination is neither its MAC nor a group (broadcast/multicast)
 *   address; a promiscuous port (a sniffer) receives everything.
 *
 * The link's fd is an epoll fd: readable when a frame waits, the directory
 * changed, or a peer has room for its backlog.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "link_hub_internal.h"

#define HUB_SERVICE_EVERY 16u /* frames received between looks at backlogs */
#define HUB_EPOLL_BATCH 32

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * TS_USEC_PER_SEC +
	       (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- one peer ---------------------------------------------------------------- */

int hub_peer_connect(struct hub_link *h, struct hub_peer *p)
{
	struct sockaddr_un sun;
	socklen_t slen = hub_addr(h, p->name, &sun);
	int v = (int)TS_LINK_SOCKBUF;

	p->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0)
		return -1;
	if (setsockopt(p->fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) < 0)
		setsockopt(p->fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	if (connect(p->fd, (struct sockaddr *)&sun, slen) == 0)
		return 0;
	/* SECURITY: only a port file that refused us (its owner is gone)
	 * is removed, and only by its exact name in the hub directory. */
	if (errno == ECONNREFUSED)
		unlinkat(h->dirfd, p->name, 0);
	close(p->fd);
	p->fd = -1;
	return -1;
}

static void arm(struct hub_link *h, struct hub_peer *p, bool on)
{
	struct epoll_event e = { .events = EPOLLOUT, .data.fd = p->fd };

	if (p->want_out == on)
		return;
	p->want_out = on;
	if (on) {
		h->nwant++;
		epoll_ctl(h->epfd, EPOLL_CTL_ADD, p->fd, &e);
	} else {
		h->nwant--;
		epoll_ctl(h->epfd, EPOLL_CTL_DEL, p->fd, NULL);
	}
}

void hub_peer_close(struct hub_link *h, struct hub_peer *p)
{
	struct hub_frame *f, *next;

	if (p->fd >= 0) {
		arm(h, p, false);
		close(p->fd);
		p->fd = -1;
	}
	for (f = p->q_head; f; f = next) {
		next = f->next;
		free(f);
	}
	p->q_head = p->q_tail = NULL;
	p->q_bytes = 0;
}

/* One send; false when the frame must wait (the peer's queue is full). */
static bool peer_send1(struct hub_peer *p, const uint8_t *frame, size_t len)
{
	if (send(p->fd, frame, len, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
		return true;
	if (errno == EAGAIN)
		return false;
	if (errno == ECONNREFUSED || errno == ENOTCONN || errno == EPIPE) {
		p->dead = true; /* its process is gone */
		p->stale = errno == ECONNREFUSED;
	}
	return true;            /* ENOBUFS and the like: this copy is lost */
}

static void enqueue(struct hub_link *h, struct hub_peer *p,
		    const uint8_t *frame, size_t len)
{
	struct hub_frame *f;

	if (p->q_bytes + len > TS_HUB_BACKLOG_BYTES)
		return; /* a receiver that stopped: lose, do not hoard */
	f = malloc(sizeof(*f) + len);
	if (!f)
		return;
	f->next = NULL;
	f->len = len;
	memcpy(f->data, frame, len);
	if (p->q_tail)
		p->q_tail->next = f;
	else
		p->q_head = f;
	p->q_tail = f;
	p->q_bytes += len;
	arm(h, p, true);
}

static void peer_send(struct hub_link *h, struct hub_peer *p,
		      const uint8_t *frame, size_t len)
{
	if (p->fd < 0 || p->dead)
		return;
	/* Behind a backlog, the frame queues: frames keep their order. */
	if (p->q_head || !peer_send1(p, frame, len))
		enqueue(h, p, frame, len);
}

/* The peer has room: send its backlog until it is full again. */
static void peer_flush(struct hub_link *h, struct hub_peer *p)
{
	struct hub_frame *f;

	while ((f = p->q_head) != NULL && !p->dead) {
		if (!peer_send1(p, f->data, f->len))
			return;
		p->q_head = f->next;
		if (!p->q_head)
			p->q_tail = NULL;
		p->q_bytes -= f->len;
		free(f);
	}
	arm(h, p, false);
}

/* Closes and removes peers found dead during a pass. */
static void reap_dead(struct hub_link *h)
{
	size_t i = 0;

	while (i < h->npeers) {
		if (!h->peers[i].dead) {
			i++;
			continue;
		}
		/* SECURITY: only a port file that refused us (its owner is
		 * gone) is removed, and only by its name in the directory. */
		if (h->peers[i].stale)
			unlinkat(h->dirfd, h->peers[i].name, 0);
		hub_peer_close(h, &h->peers[i]);
		h->peers[i] = h->peers[--h->npeers];
	}
}

/* ---- the ports' list --------------------------------------------------------- */

static bool mac_known(const struct hub_link *h, const uint8_t *mac)
{
	size_t i;

	for (i = 0; i < h->npeers; i++)
		if (h->peers[i].mac_known && memcmp(h->peers[i].mac, mac, 6) == 0)
			return true;
	return false;
}

/* Looks for directory changes at most every TS_HUB_RESCAN_CHECK, and at
 * once for a frame to a MAC no known port has (a port that just attached
 * and spoke first must get its answer). */
static void hub_refresh(struct hub_link *h, const uint8_t *frame, size_t len)
{
	uint64_t now = mono_us();
	bool unknown = len >= 6 && !(frame[0] & 1) && !mac_known(h, frame);

	if (!unknown && now < h->next_check_us)
		return;
	h->next_check_us = now + TS_HUB_RESCAN_CHECK;
	if (hub_dir_changed(h))
		hub_scan(h);
}

/* Handles what made the epoll fd readable besides frames: room at a peer
 * with a backlog, a change in the directory. */
static void hub_service(struct hub_link *h)
{
	struct epoll_event ev[HUB_EPOLL_BATCH];
	int i, j, n = epoll_wait(h->epfd, ev, HUB_EPOLL_BATCH, 0);
	bool rescan = false;

	h->since_service = 0;
	for (i = 0; i < n; i++) {
		if (ev[i].data.fd == h->fd)
			continue;
		if (ev[i].data.fd == h->ifd) {
			rescan = true;
			continue;
		}
		for (j = 0; j < (int)h->npeers; j++) {
			struct hub_peer *p = &h->peers[j];

			if (p->fd != ev[i].data.fd)
				continue;
			if (ev[i].events & (EPOLLERR | EPOLLHUP))
				p->dead = true;
			else
				peer_flush(h, p);
		}
	}
	reap_dead(h);
	if (rescan && hub_dir_changed(h))
		hub_scan(h);
}

/* ---- the link ops ---------------------------------------------------------------- */

static int hub_send(struct ts_link *l, const uint8_t *frame, size_t len)
{
	struct hub_link *h = LINK_DRIVER(struct hub_link, l);
	size_t i;

	if (len > h->base.info.mtu + 14u)
		return -EMSGSIZE;
	hub_refresh(h, frame, len);
	for (i = 0; i < h->npeers; i++)
		peer_send(h, &h->peers[i], frame, len);
	reap_dead(h);
	return 0;
}

static ssize_t hub_recv(struct ts_link *l, uint8_t *buf, size_t cap,
			bool *csum_unverified)
{
	struct hub_link *h = LINK_DRIVER(struct hub_link, l);
	size_t max = h->base.info.mtu + 14u;
	ssize_t n;
	unsigned i;

	(void)csum_unverified;
	/* Under a steady stream of frames, still feed waiting backlogs. */
	if (h->nwant && ++h->since_service >= HUB_SERVICE_EVERY)
		hub_service(h);
	for (i = 0; i < TS_HUB_RECV_SKIP_MAX; i++) {
		n = recv(h->fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return -errno;
			hub_service(h);
			return 0;
		}
		if ((size_t)n > cap)
			continue; /* truncated: not a whole frame */
		if (h->promiscuous)
			return n;
		/* Like an Ethernet NIC: giants and frames for other stations
		 * are not ours. */
		if ((size_t)n >= 14u && (size_t)n <= max &&
		    link_frame_for_us(buf, (size_t)n, h->base.info.mac))
			return n;
	}
	return 0; /* more may wait; the fd stays readable */
}

static int hub_fd(const struct ts_link *l)
{
	return LINK_DRIVER(const struct hub_link, l)->epfd;
}

static void hub_close(struct ts_link *l)
{
	struct hub_link *h = LINK_DRIVER(struct hub_link, l);
	size_t i;

	for (i = 0; i < h->npeers; i++)
		hub_peer_close(h, &h->peers[i]);
	if (h->fd >= 0) {
		if (h->name[0])
			unlinkat(h->dirfd, h->name, 0);
		close(h->fd);
	}
	if (h->epfd >= 0)
		close(h->epfd);
	if (h->ifd >= 0)
		close(h->ifd);
	if (h->dirfd >= 0)
		close(h->dirfd);
	free(h->peers);
	free(h);
}

const struct link_ops hub_ops = {
	.send = hub_send,
	.recv = hub_recv,
	.fd = hub_fd,
	.close = hub_close,
};
