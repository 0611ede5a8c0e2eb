/*
 * tcp_table.c - where TCBs live: socket handles, the connection hash, the
 * bind table, and ephemeral port selection (RFC 6056).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"

#define HASH_INITIAL_BUCKETS 256u
#define HASH_MAX_BUCKETS (1u << 20)
#define SOCKS_INITIAL 64u

int tcp_init(struct ts_stack *st)
{
	struct tcp_state *ts = &st->tcp;

	ts->hash = calloc(HASH_INITIAL_BUCKETS, sizeof(*ts->hash));
	ts->socks = calloc(SOCKS_INITIAL, sizeof(*ts->socks));
	if (ts->hash == NULL || ts->socks == NULL) {
		free(ts->hash);
		free(ts->socks);
		return -ENOMEM;
	}
	ts->hash_mask = HASH_INITIAL_BUCKETS - 1;
	ts->nsocks_cap = SOCKS_INITIAL;
	return 0;
}

/* Frees every TCB: those with handles, then those without (listeners'
 * children, orphans, loaded TIME_WAIT entries), which are all in the
 * connection hash. Nothing is sent: this is the stack going away, not
 * connections closing. The bind table needs no scan (every TCB in it is
 * reached through one of the two), so its pages are never touched. */
void tcp_free(struct ts_stack *st)
{
	struct tcp_state *ts = &st->tcp;
	unsigned i;

	for (i = 0; i < ts->nsocks_cap; i++)
		if (ts->socks[i] != NULL)
			tcb_free(st, ts->socks[i]);
	for (i = 0; i <= ts->hash_mask; i++)
		while (ts->hash[i] != NULL)
			tcb_free(st, ts->hash[i]);
	free(ts->hash);
	free(ts->socks);
	free(ts->heap);
}

struct tcb *tcb_new(struct ts_stack *st)
{
	struct tcb *tp = calloc(1, sizeof(*tp));
	unsigned t;

	if (tp == NULL)
		return NULL;
	tp->state = TS_CLOSED;
	tp->sock = -1;
	tp->heap_idx = UINT_MAX;
	for (t = 0; t < TCPT_COUNT; t++)
		tp->timer[t] = TS_TIME_NEVER;
	tp->deadline = TS_TIME_NEVER;
	tp->sndbuf = st->cfg.sndbuf;
	tp->rcvbuf = st->cfg.rcvbuf;
	ringbuf_init(&tp->sndq, tp->sndbuf);
	ringbuf_init(&tp->rcvq, tp->rcvbuf);
	tp->max_retries = st->cfg.max_retries;
	tp->syn_retries = st->cfg.syn_retries;
	tp->keep_idle_s = TS_KEEPIDLE_DEFAULT_S;
	tp->keep_intvl_s = TS_KEEPINTVL_DEFAULT_S;
	tp->keep_cnt = TS_KEEPCNT_DEFAULT;
	tp->cc_algo = TS_CC_CUBIC;
	if (st->cfg.fixed_isn_set) {
		tp->flags |= TF_ISN_FIXED;
		tp->fixed_isn = st->cfg.fixed_isn;
	}
	tcp_rtt_init(tp);
	return tp;
}

void tcb_free(struct ts_stack *st, struct tcb *tp)
{
	tcp_event_unlink(st, tp);
	tcp_heap_remove(st, tp);
	tcp_hash_remove(st, tp);
	tcp_unbind(st, tp);
	if (tp->sock >= 0)
		tcp_sock_release(st, tp);
	ringbuf_free(&tp->sndq);
	ringbuf_free(&tp->rcvq);
	tcp_txq_free(tp); /* per-segment send records (tcp_txrec.c) */
	free(tp);
}

/* ---- socket handles ---------------------------------------------------- */

struct tcb *tcb_from_sock(const struct ts_stack *st, int sock)
{
	if (sock < 0 || (unsigned)sock >= st->tcp.nsocks_cap)
		return NULL;
	return st->tcp.socks[sock];
}

int tcp_sock_alloc(struct ts_stack *st, struct tcb *tp)
{
	struct tcp_state *ts = &st->tcp;
	unsigned i, n = ts->nsocks_cap;

	for (i = 0; i < n; i++) {
		unsigned idx = ((unsigned)ts->free_hint + i) % n;

		if (ts->socks[idx] == NULL) {
			ts->socks[idx] = tp;
			tp->sock = (int)idx;
			ts->free_hint = (int)((idx + 1) % n);
			return tp->sock;
		}
	}
	if (n >= TS_MAX_SOCKETS)
		return -EMFILE;
	{
		unsigned ncap = n * 2 > TS_MAX_SOCKETS ? TS_MAX_SOCKETS : n * 2;
		struct tcb **ns = realloc(ts->socks, ncap * sizeof(*ns));

		if (ns == NULL)
			return -ENOMEM;
		memset(ns + n, 0, (ncap - n) * sizeof(*ns));
		ts->socks = ns;
		ts->nsocks_cap = ncap;
	}
	ts->socks[n] = tp;
	tp->sock = (int)n;
	ts->free_hint = (int)(n + 1);
	return tp->sock;
}

void tcp_sock_release(struct ts_stack *st, struct tcb *tp)
{
	if (tp->sock >= 0 && (unsigned)tp->sock < st->tcp.nsocks_cap &&
	    st->tcp.socks[tp->sock] == tp)
		st->tcp.socks[tp->sock] = NULL;
	tp->sock = -1;
	tp->cb = NULL;
	tp->events = 0;
	tcp_event_unlink(st, tp);
}

/* ---- connection hash ------------------------------------------------------ */

/* A cheap keyed mix of the 4-tuple: the secret keeps remote peers from
 * choosing tuples that all land in one bucket. */
static uint32_t tuple_hash(const struct ts_stack *st, uint32_t lip,
			   uint16_t lport, uint32_t rip, uint16_t rport)
{
	uint64_t k;
	uint64_t h;

	memcpy(&k, st->tcp.secret, sizeof(k));
	h = ((uint64_t)lip << 32 | rip) ^ k;
	h ^= ((uint64_t)lport << 16 | rport) * 0x9E3779B97F4A7C15ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (uint32_t)h;
}

static unsigned bucket_of(const struct ts_stack *st, const struct tcb *tp)
{
	return tuple_hash(st, tp->local.ip, tp->local.port, tp->remote.ip,
			  tp->remote.port) &
	       st->tcp.hash_mask;
}

static void hash_grow(struct ts_stack *st)
{
	struct tcp_state *ts = &st->tcp;
	unsigned old_n = ts->hash_mask + 1, new_n = old_n * 2, i;
	struct tcb **nh;

	if (new_n > HASH_MAX_BUCKETS)
		return;
	nh = calloc(new_n, sizeof(*nh));
	if (nh == NULL)
		return; /* keep the smaller table; lookups just get slower */
	for (i = 0; i < old_n; i++) {
		struct tcb *tp = ts->hash[i];

		while (tp != NULL) {
			struct tcb *next = tp->hnext;
			unsigned b = tuple_hash(st, tp->local.ip, tp->local.port,
						tp->remote.ip, tp->remote.port) &
				     (new_n - 1);

			tp->hnext = nh[b];
			nh[b] = tp;
			tp = next;
		}
	}
	free(ts->hash);
	ts->hash = nh;
	ts->hash_mask = new_n - 1;
}

void tcp_hash_insert(struct ts_stack *st, struct tcb *tp)
{
	unsigned b;

	if (tp->hashed)
		return;
	if (st->tcp.nconns >= 2 * (st->tcp.hash_mask + 1))
		hash_grow(st);
	b = bucket_of(st, tp);
	tp->hnext = st->tcp.hash[b];
	st->tcp.hash[b] = tp;
	tp->hashed = true;
	st->tcp.nconns++;
}

void tcp_hash_remove(struct ts_stack *st, struct tcb *tp)
{
	struct tcb **pp;

	if (!tp->hashed)
		return;
	for (pp = &st->tcp.hash[bucket_of(st, tp)]; *pp != NULL;
	     pp = &(*pp)->hnext) {
		if (*pp == tp) {
			*pp = tp->hnext;
			break;
		}
	}
	tp->hnext = NULL;
	tp->hashed = false;
	st->tcp.nconns--;
}

struct tcb *tcp_lookup(const struct ts_stack *st, uint32_t lip, uint16_t lport,
		       uint32_t rip, uint16_t rport)
{
	unsigned b = tuple_hash(st, lip, lport, rip, rport) & st->tcp.hash_mask;
	struct tcb *tp;

	for (tp = st->tcp.hash[b]; tp != NULL; tp = tp->hnext)
		if (tp->local.port == lport && tp->remote.port == rport &&
		    tp->local.ip == lip && tp->remote.ip == rip)
			return tp;
	return NULL;
}

struct tcb *tcp_lookup_listener(const struct ts_stack *st, uint32_t lip,
				uint16_t lport)
{
	struct tcb *tp, *wild = NULL;

	for (tp = st->tcp.bind[lport]; tp != NULL; tp = tp->bnext) {
		if (tp->state != TS_LISTEN)
			continue;
		if (tp->local.ip == lip)
			return tp;
		if (tp->local.ip == 0)
			wild = tp;
	}
	return wild;
}

/* ---- bind table and ephemeral ports -------------------------------------- */

static bool same_or_wild(uint32_t a, uint32_t b)
{
	return a == b || a == 0 || b == 0;
}

/* May tp bind tp->local? The rules of BSD and Linux SO_REUSEADDR: a port
 * is shared only when both sockets asked for reuse and neither listens;
 * TIME_WAIT blocks the port unless the new socket asked for reuse. */
static int bind_conflict(const struct ts_stack *st, const struct tcb *tp)
{
	const struct tcb *o;

	for (o = st->tcp.bind[tp->local.port]; o != NULL; o = o->bnext) {
		if (o == tp || !same_or_wild(o->local.ip, tp->local.ip))
			continue;
		if (o->state == TS_TIME_WAIT) {
			if (!(tp->flags & TF_REUSEADDR))
				return -EADDRINUSE;
			continue;
		}
		if (!(tp->flags & TF_REUSEADDR) || !(o->flags & TF_REUSEADDR) ||
		    o->state == TS_LISTEN)
			return -EADDRINUSE;
	}
	return 0;
}

void tcp_bind_link(struct ts_stack *st, struct tcb *tp)
{
	tp->bnext = st->tcp.bind[tp->local.port];
	st->tcp.bind[tp->local.port] = tp;
	tp->bound = true;
}

void tcp_unbind(struct ts_stack *st, struct tcb *tp)
{
	struct tcb **pp;

	if (!tp->bound)
		return;
	for (pp = &st->tcp.bind[tp->local.port]; *pp != NULL; pp = &(*pp)->bnext) {
		if (*pp == tp) {
			*pp = tp->bnext;
			break;
		}
	}
	tp->bnext = NULL;
	tp->bound = false;
}

/* Can an active open to remote use local port p? Sharing a port between
 * connections is fine as long as the 4-tuples differ and nobody listens on
 * or explicitly bound the port. */
static bool ephemeral_usable(const struct ts_stack *st, uint32_t lip,
			     uint16_t p, const struct ts_addr *remote)
{
	const struct tcb *o;

	for (o = st->tcp.bind[p]; o != NULL; o = o->bnext) {
		if (!same_or_wild(o->local.ip, lip))
			continue;
		if (remote == NULL || o->state == TS_LISTEN ||
		    o->state == TS_CLOSED)
			return false;
		if (o->remote.ip == remote->ip && o->remote.port == remote->port)
			return false;
	}
	return true;
}

/* RFC 6056 algorithm 4 ("double-hash port selection"). */
static int choose_ephemeral(struct ts_stack *st, struct tcb *tp,
			    const struct ts_addr *remote)
{
	uint32_t lo = st->cfg.ephemeral_lo, num = st->cfg.ephemeral_hi - lo + 1;
	struct {
		uint32_t lip, rip;
		uint16_t rport;
	} key = { tp->local.ip, remote ? remote->ip : 0,
		  remote ? remote->port : 0 };
	uint64_t h = tcp_siphash(st->tcp.secret, &key, sizeof(key));
	uint32_t offset = (uint32_t)h;
	uint32_t *slot = &st->tcp.port_table[(h >> 32) & 0xff];
	uint32_t count;

	for (count = 0; count < num; count++) {
		uint16_t p = (uint16_t)(lo + (offset + *slot) % num);

		(*slot)++;
		if (ephemeral_usable(st, tp->local.ip, p, remote)) {
			tp->local.port = p;
			tcp_bind_link(st, tp);
			return 0;
		}
	}
	return -EADDRNOTAVAIL;
}

int tcp_bind(struct ts_stack *st, struct tcb *tp, const struct ts_addr *remote)
{
	int rc;

	if (tp->bound)
		return 0;
	if (tp->local.port == 0)
		return choose_ephemeral(st, tp, remote);
	rc = bind_conflict(st, tp);
	if (rc != 0)
		return rc;
	tcp_bind_link(st, tp);
	return 0;
}
