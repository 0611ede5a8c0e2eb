/*
 * ts_event_internal.h - what the libevent glue (ts_event.c) and the
 * bufferevent adapter (ts_bufferevent.c) share.
 *
 * Ownership: struct ts_ev owns the stack, the link, its events and the
 * list of adapter records (struct tsb) still attached to it.
 */
#ifndef TS_EVENT_INTERNAL_H
#define TS_EVENT_INTERNAL_H

#include <stdint.h>

#include "ts.h"
#include "ts_link.h"

struct event;
struct event_base;
struct tsb;

struct ts_ev {
	struct event_base *base;
	struct ts_link *link;
	struct ts_stack *st;
	struct event *rd;       /* link fd readable (persistent)          */
	struct event *timer;    /* stack and link deadlines               */
	struct event *defer;    /* runs ts_dispatch after a wakeup        */
	struct event *backoff;  /* re-enables rd after a link error       */
	ts_time_t armed;        /* deadline the timer is set for          */
	uint8_t *rxbuf;         /* one frame, TS_FRAME_MAX bytes; owned    */
	struct tsb *bevs;       /* adapter records on this stack          */
};

/* Detaches and frees every adapter record of ev (ts_ev_free). */
void tsb_detach_all(struct ts_ev *ev);

#endif /* TS_EVENT_INTERNAL_H */
