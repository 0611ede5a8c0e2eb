/*
 * ts_event.c - drives a stack from a libevent event_base (see ts_event.h).
 *
 * Three events per stack:
 *   rd     persistent EV_READ on the link's fd: drains up to
 *          TS_EV_DRAIN_MAX frames into ts_input per callback, so one busy
 *          link cannot starve the rest of the loop (the fd stays readable
 *          and the loop comes back);
 *   timer  one timer at min(ts_next_deadline, ts_link_next_deadline),
 *          re-armed after every entry into the stack, when the link also
 *          gets a ts_link_poll if its deadline passed (a driver that
 *          batches sends then flushes: one system call per burst);
 *   defer  activated by the stack's wakeup hook: runs ts_dispatch() and
 *          re-arms the timer.
 * A link whose receive fails (a device that vanished) is not polled for
 * TS_EV_LINK_BACKOFF, instead of spinning on a readable fd.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "ts_event.h"
#include "ts_event_internal.h"
#include "ts_limits.h"

ts_time_t ts_ev_clock(void *unused)
{
	struct timespec ts;

	(void)unused;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts_time_t)ts.tv_sec * TS_USEC_PER_SEC +
	       (ts_time_t)ts.tv_nsec / 1000u;
}

static void set_timeval(struct timeval *tv, ts_time_t us)
{
	tv->tv_sec = (time_t)(us / TS_USEC_PER_SEC);
	tv->tv_usec = (suseconds_t)(us % TS_USEC_PER_SEC);
}

/* After every entry into the stack: lets the link send what it batched,
 * then points the timer at the earliest deadline of the stack and link. */
static void rearm(struct ts_ev *ev)
{
	ts_time_t now = ts_ev_clock(NULL), d, l;
	struct timeval tv;

	l = ts_link_next_deadline(ev->link);
	if (l <= now) {
		ts_link_poll(ev->link);
		l = ts_link_next_deadline(ev->link);
	}
	d = ts_next_deadline(ev->st);
	if (l < d)
		d = l;
	if (d == ev->armed && (d == TS_TIME_NEVER || evtimer_pending(ev->timer, NULL)))
		return;
	ev->armed = d;
	if (d == TS_TIME_NEVER) {
		evtimer_del(ev->timer);
		return;
	}
	/* libevent measures the timeout from its cached time; refresh it so
	 * the timer does not fire early by the time this callback took. */
	event_base_update_cache_time(ev->base);
	set_timeval(&tv, d > now ? d - now : 0);
	evtimer_add(ev->timer, &tv);
}

static void link_failed(struct ts_ev *ev)
{
	struct timeval tv;

	event_del(ev->rd);
	set_timeval(&tv, TS_EV_LINK_BACKOFF);
	evtimer_add(ev->backoff, &tv);
}

/* Feeds waiting frames to the stack, at most TS_EV_DRAIN_MAX. */
static void drain(struct ts_ev *ev)
{
	unsigned i;

	for (i = 0; i < TS_EV_DRAIN_MAX; i++) {
		bool unverified = false;
		ssize_t n = ts_link_recv(ev->link, ev->rxbuf, TS_FRAME_MAX,
					 &unverified);

		if (n == 0 || n == -EAGAIN || n == -EINTR)
			return;
		if (n < 0) {
			if (ev->rd)
				link_failed(ev);
			return;
		}
		if (unverified)
			ts_input_csum_unverified(ev->st, ev->rxbuf, (size_t)n);
		else
			ts_input(ev->st, ev->rxbuf, (size_t)n);
	}
}

static void read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ts_ev *ev = arg;

	(void)fd;
	(void)what;
	drain(ev);
	rearm(ev);
}

static void backoff_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ts_ev *ev = arg;

	(void)fd;
	(void)what;
	event_add(ev->rd, NULL);
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ts_ev *ev = arg;
	ts_time_t now = ts_ev_clock(NULL);

	(void)fd;
	(void)what;
	ev->armed = TS_TIME_NEVER;
	if (ts_link_next_deadline(ev->link) <= now) {
		ts_link_poll(ev->link);
		drain(ev); /* frames the impairer released on the rx side */
	}
	if (ts_next_deadline(ev->st) <= now)
		ts_timers(ev->st);
	rearm(ev);
}

static void defer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ts_ev *ev = arg;

	(void)fd;
	(void)what;
	ts_dispatch(ev->st);
	rearm(ev);
}

static void glue_output(void *ctx, const uint8_t *frame, size_t len)
{
	struct ts_ev *ev = ctx;

	/* A frame the link cannot take is lost, like on a wire; TCP
	 * retransmits it. */
	ts_link_send(ev->link, frame, len);
}

static void glue_wakeup(void *ctx)
{
	struct ts_ev *ev = ctx;

	event_active(ev->defer, EV_TIMEOUT, 0);
}

static void ev_release(struct ts_ev *ev)
{
	if (ev->rd)
		event_free(ev->rd);
	if (ev->timer)
		event_free(ev->timer);
	if (ev->defer)
		event_free(ev->defer);
	if (ev->backoff)
		event_free(ev->backoff);
	if (ev->st)
		ts_stack_free(ev->st);
	ts_link_close(ev->link);
	free(ev->rxbuf);
	free(ev);
}

/* The events; the link's read event only when it has an fd. */
static int ev_make_events(struct ts_ev *ev)
{
	int fd = ts_link_fd(ev->link);

	ev->timer = evtimer_new(ev->base, timer_cb, ev);
	ev->defer = event_new(ev->base, -1, 0, defer_cb, ev);
	ev->backoff = evtimer_new(ev->base, backoff_cb, ev);
	if (!ev->timer || !ev->defer || !ev->backoff)
		return -ENOMEM;
	if (fd < 0)
		return 0;
	ev->rd = event_new(ev->base, fd, EV_READ | EV_PERSIST, read_cb, ev);
	if (!ev->rd || event_add(ev->rd, NULL) < 0)
		return -ENOMEM;
	return 0;
}

struct ts_ev *ts_ev_new(struct event_base *base, struct ts_link *link,
			const struct ts_stack_config *cfg, int *err)
{
	struct ts_stack_config c = *cfg;
	struct ts_link_info info;
	struct ts_ev *ev = calloc(1, sizeof(*ev));
	int rc;

	if (!ev) {
		ts_link_close(link);
		*err = -ENOMEM;
		return NULL;
	}
	ev->base = base;
	ev->link = link;
	ev->armed = TS_TIME_NEVER;
	ev->rxbuf = malloc(TS_FRAME_MAX);
	rc = ev->rxbuf ? ev_make_events(ev) : -ENOMEM;
	if (rc < 0) {
		ev_release(ev);
		*err = rc;
		return NULL;
	}
	ts_link_get_info(link, &info);
	c.link_kind = info.kind;
	memcpy(c.mac, info.mac, sizeof(c.mac));
	c.mtu = info.mtu;
	c.output = glue_output;
	c.output_ctx = ev;
	c.clock = ts_ev_clock;
	c.clock_ctx = NULL;
	c.wakeup = glue_wakeup;
	c.wakeup_ctx = ev;
	ev->st = ts_stack_new(&c, err);
	if (!ev->st) {
		ev_release(ev);
		return NULL;
	}
	rearm(ev);
	return ev;
}

void ts_ev_free(struct ts_ev *ev)
{
	if (!ev)
		return;
	tsb_detach_all(ev);
	ev_release(ev);
}

struct ts_stack *ts_ev_stack(const struct ts_ev *ev)
{
	return ev->st;
}

struct ts_link *ts_ev_link(const struct ts_ev *ev)
{
	return ev->link;
}

struct event_base *ts_ev_base(const struct ts_ev *ev)
{
	return ev->base;
}

void ts_ev_kick(struct ts_ev *ev)
{
	rearm(ev);
}

/* ---- duplicate-address detection ------------------------------------------ */

/* Runs the loop for TS_DAD_WAIT_USEC so answers to probes can arrive. */
static void wait_for_answers(struct ts_ev *ev)
{
	struct timeval tv;

	set_timeval(&tv, TS_DAD_WAIT_USEC);
	event_base_loopexit(ev->base, &tv);
	event_base_dispatch(ev->base);
}

bool ts_ev_address_taken(struct ts_ev *ev, uint32_t ip, uint8_t mac[6])
{
	struct ts_link_info info;
	unsigned before = ts_addr_conflicts(ev->st, NULL), i;

	ts_link_get_info(ev->link, &info);
	if (info.kind != TS_LINK_ETHERNET)
		return false; /* no ARP: nobody can be asked */
	for (i = 0; i < TS_DAD_PROBES; i++)
		ts_arp_probe(ev->st, ip);
	rearm(ev);
	wait_for_answers(ev);
	/* An answer for our own address is a conflict; for another one
	 * (a caller probing before taking it) it lands in the cache. */
	return ts_addr_conflicts(ev->st, mac) != before ||
	       ts_arp_lookup(ev->st, ip, mac);
}

int ts_ev_claim_address(struct ts_ev *ev, const char *fix, char *err,
			size_t errcap)
{
	struct ts_link_info info;
	uint32_t ip = ts_get_address(ev->st);
	uint8_t m[6];
	char a[16];

	if (!ts_ev_address_taken(ev, ip, m))
		return 0;
	ts_link_get_info(ev->link, &info);
	snprintf(err, errcap, "address %s is already in use by "
		 "%02x:%02x:%02x:%02x:%02x:%02x on %s; %s or stop the other "
		 "station", ts_ipv4_str(ip, a), m[0], m[1], m[2], m[3], m[4],
		 m[5], info.name, fix != NULL ? fix : "choose another address");
	return -EADDRINUSE;
}
