/*
 * tcp_timewait.c - TIME_WAIT: the 2MSL wait of the side that closed first,
 * whether a new SYN may reuse a pair still in it (RFC 6191), what a bind
 * over it is told, the counts behind "address in use (3 connections in
 * TIME_WAIT, 41 s left)", and connections in TIME_WAIT rebuilt from a
 * state file (tcp_statefile.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include "stack_internal.h"
#include "tcp_statefile_internal.h"

static ts_time_t two_msl(const struct ts_stack *st)
{
	return 2ULL * st->cfg.msl_ms * TS_USEC_PER_MSEC;
}

/* Whole seconds, rounded up: "1 s left" until the very end. */
static unsigned long long secs_up(ts_time_t us)
{
	return (unsigned long long)((us + TS_USEC_PER_SEC - 1) / TS_USEC_PER_SEC);
}

void tcp_timewait_start(struct ts_stack *st, struct tcb *tp)
{
	tcp_timer_clear_all(st, tp);
	/* Nothing will be sent again but ACKs: the send queue goes. Unread
	 * received data stays for an owner that only shut down writing. */
	ringbuf_free(&tp->sndq);
	if (tp->sock < 0)
		ringbuf_free(&tp->rcvq);
	tp->nooo = 0;
	tcp_sack_clear(tp);
	tcp_timer_set(st, tp, TCPT_2MSL, stack_now(st) + two_msl(st));
}

/* ---- a new SYN for a pair in TIME_WAIT (RFC 6191) ------------------------ */

/* The RFC 6191 section 2 rules. The "last sequence number seen" is
 * RCV.NXT (past the peer's FIN); the last timestamp is TS.Recent. Sets
 * *why to the reason, accepted or not. */
static bool rfc6191_newer(const struct tcb *tw, const struct tcp_seg *syn,
			  const char **why)
{
	bool new_ts = syn->opt.ts_present;
	bool seq_newer = seq_gt(syn->seq, tw->rcv_nxt);

	if (tw->flags & TF_RCVD_TS) {
		if (new_ts && seq_gt(syn->opt.tsval, tw->ts_recent)) {
			*why = "its timestamp is newer than the old connection's";
			return true;
		}
		if (new_ts && syn->opt.tsval == tw->ts_recent && seq_newer) {
			*why = "equal timestamp, and its sequence number is "
			       "beyond the old connection's";
			return true;
		}
		if (!new_ts && seq_newer) {
			*why = "no timestamp, but its sequence number is beyond "
			       "the old connection's";
			return true;
		}
		*why = new_ts ? "its timestamp is not newer than the old "
				"connection's"
			      : "its sequence number is not beyond the old "
				"connection's";
		return false;
	}
	if (new_ts) {
		*why = "it carries timestamps and the old connection did not";
		return true;
	}
	*why = seq_newer ? "its sequence number is beyond the old connection's"
			 : "its sequence number is not beyond the old "
			   "connection's";
	return seq_newer;
}

bool tcp_timewait_accept_syn(struct ts_stack *st, const struct tcb *tw,
			     const struct tcp_seg *syn,
			     const struct tcb *listener)
{
	char rip[TRACE_IP_STR_LEN], old_ts[32] = "";
	const char *why = "nothing listens on the port";
	bool ok = false;

	trace_ip_str(tw->remote.ip, rip);
	if (stack_now(st) < st->quiet_until) {
		why = "quiet time (RFC 9293 3.4.3)";
	} else if (listener != NULL) {
		ok = rfc6191_newer(tw, syn, &why);
	}
	if (ok) {
		trace_event(st, "timewait: SYN from %s:%u seq=%u reuses the pair "
			    "in TIME_WAIT: %s (RFC 6191)", rip, tw->remote.port,
			    syn->seq, why);
		return true;
	}
	if (tw->flags & TF_RCVD_TS)
		snprintf(old_ts, sizeof(old_ts), ", TS.Recent=%u", tw->ts_recent);
	trace_event(st, "timewait: SYN from %s:%u seq=%u%s refused: %s "
		    "(old RCV.NXT=%u%s); TIME_WAIT stays and answers with an "
		    "ACK (RFC 9293 3.10.7.4)", rip, tw->remote.port, syn->seq,
		    syn->opt.ts_present ? " with TS" : "", why, tw->rcv_nxt,
		    old_ts);
	return false;
}

/* ---- binding over TIME_WAIT ------------------------------------------------ */

unsigned ts_timewait_count(const struct ts_stack *st,
			   const struct ts_addr *local, ts_time_t *longest_left)
{
	const struct tcb *tp;
	unsigned n = 0;
	ts_time_t now = ts_now(st), longest = 0;

	for (tp = st->tcp.bind[local->port]; tp != NULL; tp = tp->bnext) {
		if (tp->state != TS_TIME_WAIT)
			continue;
		if (local->ip != 0 && tp->local.ip != local->ip)
			continue;
		n++;
		if (tp->timer[TCPT_2MSL] != TS_TIME_NEVER &&
		    tp->timer[TCPT_2MSL] > now &&
		    tp->timer[TCPT_2MSL] - now > longest)
			longest = tp->timer[TCPT_2MSL] - now;
	}
	if (longest_left != NULL)
		*longest_left = longest;
	return n;
}

void tcp_timewait_note_bind(struct ts_stack *st, const struct tcb *tp, int rc)
{
	char ip[TRACE_IP_STR_LEN];
	ts_time_t left;
	unsigned n;

	if (rc != 0 && rc != -EADDRINUSE)
		return;
	n = ts_timewait_count(st, &tp->local, &left);
	if (n == 0)
		return;
	trace_ip_str(tp->local.ip, ip);
	if (rc == 0)
		trace_event(st, "timewait: bind %s:%u allowed over %u connection%s "
			    "in TIME_WAIT (%llu s left): the socket asked for "
			    "reuse (SO_REUSEADDR)", ip, tp->local.port, n,
			    n == 1 ? "" : "s", secs_up(left));
	else
		trace_event(st, "timewait: bind %s:%u refused: %u connection%s in "
			    "TIME_WAIT (%llu s left) and no reuse asked for",
			    ip, tp->local.port, n, n == 1 ? "" : "s",
			    secs_up(left));
}

const char *ts_bind_strerror(const struct ts_stack *st,
			     const struct ts_addr *local, int err,
			     const char *fix, char *buf, size_t cap)
{
	ts_time_t left = 0;
	unsigned n = 0;

	if (cap == 0)
		return buf;
	if (err == -EADDRINUSE)
		n = ts_timewait_count(st, local, &left);
	if (n == 0) {
		snprintf(buf, cap, "%s", err == -EADDRINUSE
			 ? "address in use: another socket of this stack is "
			   "bound to it or listens on it"
			 : ts_strerror(err));
		return buf;
	}
	snprintf(buf, cap, "address in use (%u connection%s in TIME_WAIT, "
		 "%llu s left); %s to override", n, n == 1 ? "" : "s",
		 secs_up(left), fix != NULL ? fix : "set reuse_addr=yes");
	return buf;
}

/* ---- restored from a state file ------------------------------------------- */

bool tcp_timewait_restore(struct ts_stack *st, const struct sf_entry *e,
			  ts_time_t left, uint32_t ts_offset)
{
	struct tcb *tp = tcb_new(st);
	char why[64];

	if (tp == NULL)
		return false;
	/* Both FINs were exchanged: ours is SND.NXT-1, the peer's RCV.NXT-1. */
	tp->flags |= TF_TW_LOADED | TF_FIN_SENT | TF_FIN_RCVD;
	if (e->ts_on)
		tp->flags |= TF_RCVD_TS;
	tp->local = e->local;
	tp->remote = e->remote;
	tp->snd_una = tp->snd_nxt = tp->snd_max = e->snd_nxt;
	tp->iss = tp->fin_seq = e->snd_nxt - 1;
	tp->rcv_nxt = tp->rcv_adv = tp->last_ack_sent = e->rcv_nxt;
	tp->irs = e->rcv_nxt - 1;
	tp->ts_recent = e->ts_recent;
	tp->ts_recent_age = stack_now(st);
	tp->ts_offset = ts_offset;
	tp->rcv_wscale = e->rcv_wscale;
	tp->mss = tp->mss_announce = TS_MSS_DEFAULT;
	tcp_hash_insert(st, tp);
	tcp_bind_link(st, tp);
	snprintf(why, sizeof(why), "loaded from state file, %llu s left",
		 secs_up(left));
	tcp_set_state(st, tp, TS_TIME_WAIT, why);
	tcp_timer_set(st, tp, TCPT_2MSL, stack_now(st) + left);
	if (tp->heap_idx == UINT_MAX) {
		/* No room in the timer heap: it would never expire. */
		tcp_close_tcb(st, tp, "out of memory for its 2MSL timer");
		return false;
	}
	return true;
}
