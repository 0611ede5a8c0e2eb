/*
 * tcp_cc.c - congestion control: slow start and congestion avoidance
 * (RFC 5681, byte counting per RFC 3465), NewReno's window rules around
 * recovery (RFC 6582), and CUBIC (RFC 9438, the default). Initial window
 * per RFC 6928. Windows are in bytes; CUBIC computes in segments.
 *
 * The window only grows while it is what limits sending (RFC 7661's
 * idea): an application- or receiver-limited connection does not inflate
 * a window it never tested.
 */
#include <string.h>

#include "stack_internal.h"

#define CUBIC_C 0.4        /* RFC 9438 4.1 */
#define CUBIC_BETA 0.7     /* RFC 9438 4.6 */
#define ABC_LIMIT_SEGS 2u  /* RFC 3465: at most 2*SMSS per ACK in slow start */
#define SSTHRESH_INFINITE (UINT32_MAX / 2)

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

uint32_t tcp_in_flight(const struct tcb *tp)
{
	return tcp_pipe(tp);
}

const char *tcp_cc_name(enum ts_cc cc)
{
	return cc == TS_CC_CUBIC ? "cubic" : "newreno";
}

void tcp_cc_init(struct ts_stack *st, struct tcb *tp)
{
	(void)st;
	/* RFC 6928: min(10*MSS, max(2*MSS, 14600)). */
	tp->cwnd = min_u32(TS_INIT_CWND_SEGS * tp->mss,
			   max_u32(2u * tp->mss, TS_INIT_CWND_BYTES));
	tp->ssthresh = SSTHRESH_INFINITE;
	tp->bytes_acked_ca = 0;
	tp->dupacks = 0;
	tp->flags &= ~(TF_IN_RECOVERY | TF_IN_LOSS);
	memset(&tp->cubic, 0, sizeof(tp->cubic));
	memset(&tp->prr, 0, sizeof(tp->prr));
	tcp_rack_init(tp);
	tp->sb.high_rxt = tp->snd_una;
	tp->sb.isl_scanned = tp->snd_una;
	tp->recover = tp->snd_una - 1;
}

void tcp_cc_set_algo(struct tcb *tp, enum ts_cc cc)
{
	tp->cc_algo = cc;
	memset(&tp->cubic, 0, sizeof(tp->cubic));
	tp->bytes_acked_ca = 0;
}

/* Cube root of a non-negative double by Newton iteration (no libm). */
static double cube_root(double x)
{
	double r = x > 1.0 ? x / 3.0 : 1.0;
	unsigned i;

	if (x <= 0.0)
		return 0.0;
	for (i = 0; i < 100; i++) {
		double next = r - (r * r * r - x) / (3.0 * r * r);

		if (next == r)
			break;
		r = next;
	}
	return r;
}

double tcp_cubic_window(const struct tcb *tp, double t)
{
	const struct tcp_cc_cubic *c = &tp->cubic;
	double d = t - c->k;

	return CUBIC_C * d * d * d + c->w_max; /* RFC 9438 figure 1 */
}

/* RFC 9438 4.2: a new congestion avoidance epoch. */
static void cubic_epoch(struct ts_stack *st, struct tcb *tp, double cwnd)
{
	struct tcp_cc_cubic *c = &tp->cubic;

	c->epoch_start = stack_now(st);
	c->cwnd_epoch = cwnd;
	if (c->w_max > cwnd) {
		c->k = cube_root((c->w_max - cwnd) / CUBIC_C); /* figure 2 */
	} else {
		/* No reduction before (slow start ended, or after a timeout,
		 * RFC 9438 4.8): the curve starts here, K = 0. */
		c->k = 0.0;
		c->w_max = cwnd;
	}
	c->w_est = cwnd;
	trace_event(st, "cc: cubic epoch: cwnd %.1f, W_max %.1f, K %.3f s "
		    "(segments)", cwnd, c->w_max, c->k);
}

/* RFC 9438 4.3-4.5: per ACK of `acked` bytes in congestion avoidance. */
static void cubic_ack(struct ts_stack *st, struct tcb *tp, uint32_t acked)
{
	struct tcp_cc_cubic *c = &tp->cubic;
	double mss = tp->mss, cwnd = (double)tp->cwnd / mss;
	double segs = (double)acked / mss, t, rtt, target, alpha, next;

	if (c->epoch_start == 0)
		cubic_epoch(st, tp, cwnd);
	t = (double)(stack_now(st) - c->epoch_start) / 1e6;
	rtt = (double)(tp->srtt ? tp->srtt : TS_RTO_INITIAL) / 1e6;
	/* Reno-friendly estimate (4.3); alpha becomes 1 once W_max is
	 * reached. */
	alpha = c->w_est >= c->w_max ? 1.0
				     : 3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA);
	c->w_est += alpha * segs / cwnd;
	if (tcp_cubic_window(tp, t) < c->w_est) {
		next = c->w_est; /* Reno-friendly region */
	} else {
		/* Concave or convex region (4.4, 4.5): aim at W_cubic one
		 * RTT ahead, at most 1.5 times the window. */
		target = tcp_cubic_window(tp, t + rtt);
		if (target < cwnd)
			target = cwnd;
		if (target > 1.5 * cwnd)
			target = 1.5 * cwnd;
		next = cwnd + (target - cwnd) / cwnd * segs;
	}
	if (next > cwnd) {
		double add = (next - cwnd) * mss + c->frac;

		c->frac = add - (double)(uint32_t)add;
		tp->cwnd += (uint32_t)add;
	}
}

void tcp_cc_ack(struct ts_stack *st, struct tcb *tp, uint32_t acked)
{
	if (acked == 0 || !(tp->flags & TF_CWND_LIMITED))
		return;
	if (tp->cwnd < tp->ssthresh) {
		/* Slow start (RFC 5681 3.1) with byte counting (RFC 3465). */
		tp->cwnd += min_u32(acked, ABC_LIMIT_SEGS * tp->mss);
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

/* The slow-start threshold after a congestion event. */
static uint32_t reduced_window(struct tcb *tp)
{
	uint32_t flight = tp->snd_max - tp->snd_una;

	if (tp->cc_algo == TS_CC_CUBIC) {
		struct tcp_cc_cubic *c = &tp->cubic;
		double cwnd = (double)tp->cwnd / tp->mss;

		/* RFC 9438 4.7 fast convergence: a window that did not get
		 * back to the last W_max releases bandwidth to newer flows. */
		if (cwnd < c->w_max)
			c->w_max = cwnd * (1.0 + CUBIC_BETA) / 2.0;
		else
			c->w_max = cwnd;
		c->epoch_start = 0;
		c->frac = 0.0;
		return max_u32((uint32_t)((double)tp->cwnd * CUBIC_BETA),
			       2u * tp->mss); /* RFC 9438 4.6 */
	}
	return max_u32(flight / 2, 2u * tp->mss); /* RFC 5681 (4) */
}

void tcp_cc_loss(struct ts_stack *st, struct tcb *tp)
{
	tp->ssthresh = reduced_window(tp);
	trace_event(st, "cc: loss: ssthresh %u, cwnd %u (%s)", tp->ssthresh,
		    tp->cwnd, tcp_cc_name(tp->cc_algo));
}

void tcp_cc_timeout(struct ts_stack *st, struct tcb *tp)
{
	tp->ssthresh = reduced_window(tp);
	/* RFC 9438 4.8: after a timeout the next epoch starts with K = 0
	 * and W_max = the window at its start. */
	tp->cubic.w_max = 0.0;
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

	if (tp->flags & TF_RCVD_SACKOK)
		tp->cwnd = tp->ssthresh; /* RFC 6937 section 3: cwnd = ssthresh */
	else /* RFC 6582 3.2 step 3, option 1 */
		tp->cwnd = min_u32(tp->ssthresh, flight + tp->mss);
	if (tp->cwnd < tp->mss)
		tp->cwnd = tp->mss;
	tp->flags &= ~TF_IN_RECOVERY;
	tp->dupacks = 0;
	trace_event(st, "cc: recovery complete at seq %u: cwnd %u", tp->snd_una,
		    tp->cwnd);
}
