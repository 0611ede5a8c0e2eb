/*
 * tcp_cc.c - congestion control: slow start and congestion avoidance
 * (RFC 5681, byte counting per RFC 3465), NewReno's window rules during
 * recovery (RFC 6582), and CUBIC (RFC 9438, the default). Initial window
 * per RFC 6928. Windows are in bytes.
 */
#include "stack_internal.h"

#define CUBIC_C 0.4        /* RFC 9438 4.1 */
#define CUBIC_BETA 0.7     /* RFC 9438 4.6 */
#define ABC_LIMIT_SEGS 2u  /* RFC 3465: at most 2*SMSS per ACK in slow start */
#define SSTHRESH_INFINITE (UINT32_MAX / 2)

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

uint32_t tcp_in_flight(const struct tcb *tp)
{
	uint32_t out = tp->snd_max - tp->snd_una;

	if ((tp->flags & TF_RCVD_SACKOK) && tp->sb.sacked_bytes < out)
		return out - tp->sb.sacked_bytes;
	return out;
}

void tcp_cc_init(struct ts_stack *st, struct tcb *tp)
{
	(void)st;
	/* RFC 6928: min(10*MSS, max(2*MSS, 14600)). */
	tp->cwnd = TS_INIT_CWND_SEGS * tp->mss;
	if (tp->cwnd > max_u32(2u * tp->mss, 14600u))
		tp->cwnd = max_u32(2u * tp->mss, 14600u);
	tp->ssthresh = SSTHRESH_INFINITE;
	tp->bytes_acked_ca = 0;
	tp->dupacks = 0;
	tp->flags &= ~TF_IN_RECOVERY;
	tp->cubic.epoch_start = 0;
	tp->cubic.w_max = 0;
	tp->cubic.w_last_max = 0;
}

/* Cube root of a positive double by Newton iteration (no libm needed). */
static double cube_root(double x)
{
	double r = x > 1.0 ? x / 3.0 : 1.0;
	unsigned i;

	if (x <= 0.0)
		return 0.0;
	for (i = 0; i < 60; i++)
		r = r - (r * r * r - x) / (3.0 * r * r);
	return r;
}

/* RFC 9438 4.2-4.3: the window CUBIC aims for one RTT from now, and the
 * Reno-friendly estimate; cwnd grows towards the larger. */
static void cubic_ack(struct ts_stack *st, struct tcb *tp, uint32_t acked)
{
	struct tcp_cc_cubic *c = &tp->cubic;
	double mss = tp->mss, cwnd_seg = (double)tp->cwnd / mss;
	double t, target, alpha, inc;

	if (c->epoch_start == 0) {
		c->epoch_start = stack_now(st);
		if (c->w_max > tp->cwnd) {
			c->k_us = (uint64_t)(cube_root(((double)(c->w_max - tp->cwnd) / mss) /
						       CUBIC_C) *
					     1e6);
			c->origin_point = c->w_max;
		} else {
			c->k_us = 0;
			c->origin_point = tp->cwnd;
		}
		c->w_est = tp->cwnd;
	}
	t = (double)(stack_now(st) - c->epoch_start + tp->srtt) / 1e6 -
	    (double)c->k_us / 1e6;
	target = (double)c->origin_point / mss + CUBIC_C * t * t * t;
	/* Reno-friendly region (RFC 9438 4.3). */
	alpha = 3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA);
	c->w_est += (uint32_t)(alpha * mss * (double)acked / (double)tp->cwnd);
	if (target > 1.5 * cwnd_seg)
		target = 1.5 * cwnd_seg; /* RFC 9438 4.4: bound per-RTT growth */
	inc = target > cwnd_seg ? (target - cwnd_seg) / cwnd_seg * (double)acked : 0.0;
	c->ack_cnt += (uint32_t)inc;
	if (c->ack_cnt > 0) {
		tp->cwnd += c->ack_cnt;
		c->ack_cnt = 0;
	}
	if (c->w_est > tp->cwnd)
		tp->cwnd = c->w_est;
}

void tcp_cc_ack(struct ts_stack *st, struct tcb *tp, uint32_t acked)
{
	if (acked == 0)
		return;
	if (tp->cwnd < tp->ssthresh) {
		uint32_t lim = ABC_LIMIT_SEGS * tp->mss;

		tp->cwnd += acked < lim ? acked : lim;
		return;
	}
	if (tp->cc_algo == TS_CC_CUBIC) {
		cubic_ack(st, tp, acked);
		return;
	}
	/* RFC 5681 3.1 congestion avoidance with byte counting. */
	tp->bytes_acked_ca += acked;
	if (tp->bytes_acked_ca >= tp->cwnd) {
		tp->bytes_acked_ca -= tp->cwnd;
		tp->cwnd += tp->mss;
	}
}

/* The slow-start threshold after a loss. */
static uint32_t reduced_window(struct tcb *tp)
{
	uint32_t flight = tp->snd_max - tp->snd_una;

	if (tp->cc_algo == TS_CC_CUBIC) {
		struct tcp_cc_cubic *c = &tp->cubic;

		/* RFC 9438 4.7 fast convergence. */
		if (tp->cwnd < c->w_last_max)
			c->w_max = (uint32_t)((double)tp->cwnd * (1.0 + CUBIC_BETA) / 2.0);
		else
			c->w_max = tp->cwnd;
		c->w_last_max = tp->cwnd;
		c->epoch_start = 0;
		return max_u32((uint32_t)((double)tp->cwnd * CUBIC_BETA), 2u * tp->mss);
	}
	return max_u32(flight / 2, 2u * tp->mss); /* RFC 5681 (4) */
}

void tcp_cc_loss(struct ts_stack *st, struct tcb *tp)
{
	tp->ssthresh = reduced_window(tp);
	trace_event(st, "cc: loss: ssthresh %u, cwnd %u (%s)", tp->ssthresh,
		    tp->cwnd, tp->cc_algo == TS_CC_CUBIC ? "cubic" : "newreno");
}

void tcp_cc_timeout(struct ts_stack *st, struct tcb *tp)
{
	tp->ssthresh = reduced_window(tp);
	tp->cwnd = tp->mss; /* RFC 5681 3.1: loss window of one segment */
	tp->bytes_acked_ca = 0;
	tp->flags &= ~TF_IN_RECOVERY;
	tp->recover = tp->snd_max;
	trace_event(st, "cc: timeout: ssthresh %u, cwnd %u", tp->ssthresh,
		    tp->cwnd);
}

void tcp_cc_recovered(struct ts_stack *st, struct tcb *tp)
{
	uint32_t flight = tp->snd_max - tp->snd_una;

	/* RFC 6582 3.2 step 3, option 1. */
	tp->cwnd = tp->ssthresh < flight + tp->mss ? tp->ssthresh : flight + tp->mss;
	tp->flags &= ~TF_IN_RECOVERY;
	tp->dupacks = 0;
	trace_event(st, "cc: recovery complete at seq %u: cwnd %u", tp->snd_una,
		    tp->cwnd);
}
