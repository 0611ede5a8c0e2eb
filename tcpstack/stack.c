/*
 * stack.c - the stack object: creation, the entry points that feed it
 * frames and time, timer deadlines and event delivery.
 *
 * Entry points (ts_input, ts_timers, and the socket API) refresh the
 * stack's notion of "now" from the injected clock and never call an
 * application callback except through ts_dispatch(), which runs at the end
 * of ts_input/ts_timers and when the owner answers a wakeup.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "stack_internal.h"

/* Rounds of event delivery per ts_dispatch(): callbacks that keep making
 * new events are served again after the owner's next wakeup, so one busy
 * socket cannot starve the event loop. */
#define DISPATCH_MAX_ROUNDS 8u

static ts_time_t zero_clock(void *ctx)
{
	(void)ctx;
	return 0;
}

void ts_stack_config_init(struct ts_stack_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->link_kind = TS_LINK_ETHERNET;
	cfg->mtu = TS_MTU_DEFAULT;
	cfg->prefix_len = 24;
	cfg->clock = zero_clock;
}

static uint32_t prefix_to_mask(uint8_t prefix_len)
{
	if (prefix_len == 0)
		return 0;
	if (prefix_len >= 32)
		return 0xffffffffu;
	return 0xffffffffu << (32 - prefix_len);
}

/* Fills in defaults for every 0 ("use the default") field. */
static int config_normalize(struct ts_stack_config *cfg)
{
	if (cfg->mtu == 0)
		cfg->mtu = TS_MTU_DEFAULT;
	if (cfg->mtu < TS_MTU_MIN || cfg->mtu > TS_MTU_MAX)
		return -EINVAL;
	if (cfg->prefix_len > 32)
		return -EINVAL;
	if (cfg->msl_ms == 0)
		cfg->msl_ms = TS_MSL_DEFAULT_MS;
	if (cfg->sndbuf == 0)
		cfg->sndbuf = TS_SNDBUF_DEFAULT;
	if (cfg->rcvbuf == 0)
		cfg->rcvbuf = TS_RCVBUF_DEFAULT;
	if (cfg->sndbuf < TS_BUF_MIN || cfg->sndbuf > TS_BUF_MAX ||
	    cfg->rcvbuf < TS_BUF_MIN || cfg->rcvbuf > TS_BUF_MAX)
		return -EINVAL;
	if (cfg->ephemeral_lo == 0 && cfg->ephemeral_hi == 0) {
		cfg->ephemeral_lo = TS_EPHEMERAL_LO;
		cfg->ephemeral_hi = TS_EPHEMERAL_HI;
	}
	if (cfg->ephemeral_lo == 0 || cfg->ephemeral_lo > cfg->ephemeral_hi)
		return -EINVAL;
	if (cfg->max_retries == 0)
		cfg->max_retries = TS_MAX_RETRIES_DEFAULT;
	if (cfg->syn_retries == 0)
		cfg->syn_retries = TS_SYN_RETRIES_DEFAULT;
	if (cfg->clock == NULL)
		cfg->clock = zero_clock;
	return 0;
}

struct ts_stack *ts_stack_new(const struct ts_stack_config *cfg, int *err)
{
	struct ts_stack *st;
	int rc;

	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	st->cfg = *cfg;
	rc = config_normalize(&st->cfg);
	if (rc != 0)
		goto fail;
	st->netmask = prefix_to_mask(st->cfg.prefix_len);
	st->mtu = st->cfg.mtu;
	stack_refresh_now(st);
	if (st->cfg.isn_secret != NULL) {
		memcpy(st->tcp.secret, st->cfg.isn_secret, sizeof(st->tcp.secret));
	} else if (getrandom(st->tcp.secret, sizeof(st->tcp.secret), 0) !=
		   (ssize_t)sizeof(st->tcp.secret)) {
		rc = -errno;
		goto fail;
	}
	trace_init(st);
	arp_init(st);
	ip4_init(st);
	rc = tcp_init(st);
	if (rc != 0)
		goto fail_modules;
	return st;

fail_modules:
	ip4_free(st);
	arp_free(st);
	trace_free(st);
fail:
	free(st);
	*err = rc;
	return NULL;
}

void ts_stack_free(struct ts_stack *st)
{
	if (st == NULL)
		return;
	tcp_free(st);
	ip4_free(st);
	arp_free(st);
	trace_free(st);
	free(st);
}

static void input_common(struct ts_stack *st, const uint8_t *frame, size_t len,
			 bool csum_unverified)
{
	bool nested = st->in_input;

	stack_refresh_now(st);
	st->in_input = true;
	eth_input(st, frame, len, csum_unverified);
	st->in_input = nested;
	if (!nested)
		ts_dispatch(st);
}

void ts_input(struct ts_stack *st, const uint8_t *frame, size_t len)
{
	input_common(st, frame, len, false);
}

void ts_input_csum_unverified(struct ts_stack *st, const uint8_t *frame,
			      size_t len)
{
	input_common(st, frame, len, true);
}

void ts_timers(struct ts_stack *st)
{
	bool nested = st->in_input;

	stack_refresh_now(st);
	st->in_input = true;
	arp_timers(st, st->now);
	frag_timers(st, st->now);
	tcp_timers(st, st->now);
	st->in_input = nested;
	if (!nested)
		ts_dispatch(st);
}

static ts_time_t min_time(ts_time_t a, ts_time_t b)
{
	return a < b ? a : b;
}

ts_time_t ts_next_deadline(const struct ts_stack *st)
{
	ts_time_t t = tcp_next_deadline(st);

	t = min_time(t, arp_next_deadline(st));
	t = min_time(t, frag_next_deadline(st));
	return t;
}

int ts_set_address(struct ts_stack *st, uint32_t addr, uint8_t prefix_len)
{
	unsigned i;

	if (prefix_len > 32)
		return -EINVAL;
	for (i = 0; i < st->tcp.nsocks_cap; i++)
		if (st->tcp.socks[i] != NULL)
			return -EBUSY;
	if (st->tcp.nconns != 0)
		return -EBUSY;
	st->cfg.addr = addr;
	st->cfg.prefix_len = prefix_len;
	st->netmask = prefix_to_mask(prefix_len);
	return 0;
}

uint32_t ts_get_address(const struct ts_stack *st)
{
	return st->cfg.addr;
}

ts_time_t ts_now(const struct ts_stack *st)
{
	return st->cfg.clock(st->cfg.clock_ctx);
}

void stack_wakeup(struct ts_stack *st)
{
	if (st->in_input || st->in_dispatch)
		return; /* the running entry point dispatches before returning */
	if (st->cfg.wakeup != NULL)
		st->cfg.wakeup(st->cfg.wakeup_ctx);
}

/* Delivers the events queued on one TCB. The TCB is off the list first, so
 * the callback may close, abort or re-queue it freely. */
static void dispatch_one(struct ts_stack *st, struct tcb *tp)
{
	unsigned ev = tp->events;

	if (tp->sock < 0 || tp->cb == NULL)
		return; /* kept in tp->events until a callback is set */
	tp->events = 0;
	tp->cb(st, tp->sock, ev, tp->cb_arg);
}

void ts_dispatch(struct ts_stack *st)
{
	unsigned round;

	if (st->in_dispatch)
		return;
	st->in_dispatch = true;
	stack_refresh_now(st);
	for (round = 0; round < DISPATCH_MAX_ROUNDS && st->tcp.ev_head; round++) {
		/* Serve the events queued so far; ones queued by callbacks wait
		 * for the next round. tcb_free unlinks a TCB from the list, so
		 * a callback may free any TCB, including later ones. */
		unsigned n = st->tcp.ev_count;

		while (n-- > 0 && st->tcp.ev_head != NULL) {
			struct tcb *tp = st->tcp.ev_head;

			tcp_event_unlink(st, tp);
			dispatch_one(st, tp);
		}
	}
	st->in_dispatch = false;
	if (st->tcp.ev_head != NULL && st->cfg.wakeup != NULL)
		st->cfg.wakeup(st->cfg.wakeup_ctx);
}

void ts_set_quiet_until(struct ts_stack *st, ts_time_t until)
{
	st->quiet_until = until;
	if (until > stack_now(st))
		trace_event(st, "quiet time: no segments sent or accepted for "
			    "%llu ms (RFC 9293 3.4.3)",
			    (unsigned long long)((until - stack_now(st)) /
						 TS_USEC_PER_MSEC));
}

ts_time_t ts_quiet_until(const struct ts_stack *st)
{
	return st->quiet_until;
}

const char *ts_strerror(int err)
{
	switch (-err) {
	case 0:
		return "success";
	case EADDRINUSE:
		return "address in use: another socket is bound to it, or "
		       "connections on it are in TIME_WAIT (set reuse_addr to "
		       "override)";
	case EADDRNOTAVAIL:
		return "address not available: it is not this stack's address, "
		       "or no ephemeral port is free";
	case ECONNREFUSED:
		return "connection refused (RST or ICMP port unreachable "
		       "received): nothing listens on that port";
	case ECONNRESET:
		return "connection reset by peer (RST received)";
	case ETIMEDOUT:
		return "connection timed out: no answer after all "
		       "retransmissions";
	case EHOSTUNREACH:
		return "host unreachable: not on the local subnet and no "
		       "gateway configured, or ICMP host unreachable received";
	case ENETUNREACH:
		return "network unreachable (ICMP received)";
	case EAGAIN:
		return "resource temporarily unavailable: try again when the "
		       "socket reports readiness";
	case EINPROGRESS:
		return "connection in progress";
	case EALREADY:
		return "connection already in progress: wait for it to "
		       "complete or fail";
	case EISCONN:
		return "socket is already connected";
	case ENOTCONN:
		return "socket is not connected";
	case EPIPE:
		return "broken pipe: sending after shutdown or close";
	case EBADF:
		return "bad socket handle";
	case EINVAL:
		return "invalid argument or socket state for this call";
	case EMFILE:
		return "too many sockets open in this stack";
	case ENOMEM:
		return "out of memory";
	case EMSGSIZE:
		return "message too long for the link MTU";
	case EOPNOTSUPP:
		return "operation not supported on this socket";
	case ECONNABORTED:
		return "connection aborted locally";
	default:
		return "unknown error";
	}
}
