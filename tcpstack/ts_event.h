/*
 * ts_event.h - binds a tcpstack stack to a libevent event_base and a link.
 *
 * The glue owns: a read event on the link's fd, one timer event re-armed to
 * ts_next_deadline() (and to the link's impairment deadline) after every
 * call into the stack, and a deferred event that runs ts_dispatch() when
 * the stack asks for a wakeup. Nothing blocks.
 *
 * ts_bufferevent_new() gives an ordinary libevent bufferevent for a stack
 * socket, so application code (and libevent's OpenSSL filter) works on it
 * as on any bufferevent. It is a bufferevent_filter over one end of a
 * bufferevent_pair whose other end this glue drains into ts_send() and
 * fills from ts_recv(); back-pressure follows the stack's windows.
 */
#ifndef TS_EVENT_H
#define TS_EVENT_H

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "ts.h"
#include "ts_link.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ts_ev;

/* Creates a stack on link, driven by base. cfg's output, clock and wakeup
 * hooks are filled in by the glue (its other fields are used as given; the
 * link's kind, MTU and MAC override cfg's). The glue takes ownership of
 * link. Returns NULL and *err (negative errno) on failure. */
struct ts_ev *ts_ev_new(struct event_base *base, struct ts_link *link,
			const struct ts_stack_config *cfg, int *err);

/* Frees the stack and the link. Bufferevents from ts_bufferevent_new that
 * are still open are detached: they carry and report nothing more, and the
 * application still frees them (before or after), as any bufferevent;
 * freeing them here could pull one from under a filter stacked on it. */
void ts_ev_free(struct ts_ev *ev);

struct ts_stack *ts_ev_stack(const struct ts_ev *ev);
struct ts_link *ts_ev_link(const struct ts_ev *ev);
struct event_base *ts_ev_base(const struct ts_ev *ev);

/* The glue's monotonic clock (CLOCK_MONOTONIC in microseconds). */
ts_time_t ts_ev_clock(void *unused);

/* Must be called after application code changed stack state outside a
 * stack callback (e.g. from its own timer): re-arms the stack's timer.
 * Stack callbacks and bufferevent operations do this themselves. */
void ts_ev_kick(struct ts_ev *ev);

/* Duplicate-address detection (RFC 5227 in miniature) for ip, which the
 * stack should already hold as its address, so that an answer counts as a
 * conflict: sends TS_DAD_PROBES ARP probes, runs the event base for
 * TS_DAD_WAIT_USEC so that answers arrive, and returns true, with the MAC
 * of the station that answered in mac, when another station holds ip.
 * Links without ARP (TUN) return false at once. Call before ts_announce. */
bool ts_ev_address_taken(struct ts_ev *ev, uint32_t ip, uint8_t mac[6]);

/* Start-up check of the stack's own address with ts_ev_address_taken.
 * 0 when it is free; -EADDRINUSE when another station holds it, with
 * "address 76.88.16.16 is already in use by 02:00:00:00:00:10 on
 * hub:/dir; FIX or stop the other station" in err, where fix is e.g.
 * "choose another address=" (NULL: "choose another address"). */
int ts_ev_claim_address(struct ts_ev *ev, const char *fix, char *err,
			size_t errcap);

/* Bufferevent for a connected (or connecting) stack socket.
 * options: BEV_OPT_CLOSE_ON_FREE closes the stack socket (orderly, with
 * ts_close) when the bufferevent is freed; without it the socket is left to
 * the caller. BEV_OPT_DEFER_CALLBACKS is always on.
 * The bufferevent reports BEV_EVENT_CONNECTED when a connect completes,
 * BEV_EVENT_EOF when the peer's FIN has been read, and BEV_EVENT_ERROR
 * (see ts_bufferevent_error) when the connection fails or is reset.
 * Returns NULL on allocation failure. */
struct bufferevent *ts_bufferevent_new(struct ts_ev *ev, int sock,
				       int options);

/* The stack socket behind a bufferevent from ts_bufferevent_new (or a
 * filter stacked on one, e.g. OpenSSL), or -1. */
int ts_bufferevent_sock(struct bufferevent *bev);

/* The negative errno behind the last BEV_EVENT_ERROR, or 0. */
int ts_bufferevent_error(struct bufferevent *bev);

/* Half-close: once everything written so far has been sent, send FIN
 * (ts_shutdown TS_SHUT_WR). Reading continues. */
int ts_bufferevent_shutdown_write(struct bufferevent *bev);

#ifdef __cplusplus
}
#endif
#endif /* TS_EVENT_H */
