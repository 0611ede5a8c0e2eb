/*
 * check_tcp_cc.c - congestion control in virtual time: the initial window
 * (RFC 6928), slow start with byte counting (RFC 5681, RFC 3465), NewReno
 * congestion avoidance, and CUBIC (RFC 9438): the window function and K,
 * the concave/plateau/convex growth it drives, fast convergence, the
 * Reno-friendly region, the restart after a timeout, CUBIC as the
 * default and NewReno per socket, and no growth of a window that does not
 * limit sending.
 *
 * White-box tests drive tcp_cc_* on a TCB with the stack's clock set by
 * hand; the others use two stacks on the fixture's wire.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "tcp_fixture.h"

#define MSS 1000u
#define C 0.4
#define BETA 0.7
#define K75 4.217163326508746 /* cbrt(100 * (1 - BETA) / C) = cbrt(75) */

static struct ts_stack *st;
static struct tcb *tp;

/* A bare TCB of one stack, MSS 1000, cwnd-limited, in congestion
 * avoidance at `cwnd_segs`, algorithm cc. */
static void cc_setup(enum ts_cc cc, uint32_t cwnd_segs)
{
	tn_setup();
	st = tn_st(TN_CLIENT);
	tp = tcb_new(st);
	ck_assert_ptr_nonnull(tp);
	tp->mss = MSS;
	tcp_cc_set_algo(tp, cc);
	tcp_cc_init(st, tp);
	tp->cwnd = cwnd_segs * MSS;
	tp->ssthresh = tp->cwnd / 2;
	tp->flags |= TF_CWND_LIMITED;
	tp->srtt = 100 * TS_USEC_PER_MSEC;
	tp->rtt_valid = true;
	st->now = 10 * TS_USEC_PER_SEC;
}

static void cc_teardown(void)
{
	tcb_free(st, tp);
	tn_teardown();
}

static double segs(void)
{
	return (double)tp->cwnd / MSS;
}

/* One round trip of ACKs, one per segment of the window, spread over the
 * RTT; the clock ends one RTT later. */
static void one_rtt(void)
{
	uint32_t n = tp->cwnd / MSS, i;
	ts_time_t start = st->now, rtt = tp->srtt;

	for (i = 0; i < n; i++) {
		st->now = start + rtt * (i + 1) / n;
		tcp_cc_ack(st, tp, MSS);
	}
	st->now = start + rtt;
}

/* ---- initial window and slow start ---------------------------------------- */

START_TEST(test_initial_window_rfc6928)
{
	static const uint32_t mss[] = { 536, 1448, 1460, 4000, 9000 };
	static const uint32_t want[] = { 5360, 14480, 14600, 14600, 18000 };
	unsigned i;

	cc_setup(TS_CC_CUBIC, 10);
	for (i = 0; i < sizeof(mss) / sizeof(mss[0]); i++) {
		tp->mss = (uint16_t)mss[i];
		tcp_cc_init(st, tp);
		ck_assert_uint_eq(tp->cwnd, want[i]);
		ck_assert_uint_gt(tp->ssthresh, 1u << 30);
	}
	cc_teardown();
}
END_TEST

START_TEST(test_connection_starts_with_ten_segments)
{
	struct tn_pair p;

	tn_setup();
	tn_pair_open(&p, 20, 0);
	ck_assert_uint_eq(tn_info(TN_CLIENT, p.cs).cwnd, 10 * 1448);
	ck_assert_uint_eq(tn_info(TN_SERVER, p.as).cwnd, 10 * 1448);
	tn_teardown();
}
END_TEST

/* RFC 3465: at most 2 SMSS per ACK in slow start, however much it acks. */
START_TEST(test_slow_start_byte_counting_limit)
{
	cc_setup(TS_CC_NEWRENO, 10);
	tp->ssthresh = 100 * MSS;
	tcp_cc_ack(st, tp, 10 * MSS);
	ck_assert_uint_eq(tp->cwnd, 12 * MSS);
	tcp_cc_ack(st, tp, 500);
	ck_assert_uint_eq(tp->cwnd, 12 * MSS + 500);
	cc_teardown();
}
END_TEST

/* RFC 5681 3.1: one SMSS per window's worth of ACKs. */
START_TEST(test_newreno_avoidance_one_segment_per_rtt)
{
	unsigned r;

	cc_setup(TS_CC_NEWRENO, 20);
	for (r = 1; r <= 5; r++) {
		one_rtt();
		ck_assert_uint_eq(tp->cwnd, (20 + r) * MSS);
	}
	cc_teardown();
}
END_TEST

/* RFC 5681 (4): ssthresh = max(FlightSize / 2, 2 SMSS). */
START_TEST(test_newreno_loss_halves_flight)
{
	cc_setup(TS_CC_NEWRENO, 40);
	tp->snd_una = 1000;
	tp->snd_max = 1000 + 30 * MSS;
	tcp_cc_loss(st, tp);
	ck_assert_uint_eq(tp->ssthresh, 15 * MSS);
	tp->snd_max = 1000 + MSS;
	tcp_cc_loss(st, tp);
	ck_assert_uint_eq(tp->ssthresh, 2 * MSS);
	cc_teardown();
}
END_TEST

/* RFC 7661's idea: a window that does not limit sending does not grow. */
START_TEST(test_window_grows_only_when_it_limits_sending)
{
	cc_setup(TS_CC_CUBIC, 10);
	tp->ssthresh = 1000 * MSS;
	tp->flags &= ~TF_CWND_LIMITED;
	tcp_cc_ack(st, tp, MSS);
	ck_assert_uint_eq(tp->cwnd, 10 * MSS);
	tp->flags |= TF_CWND_LIMITED;
	tcp_cc_ack(st, tp, MSS);
	ck_assert_uint_eq(tp->cwnd, 11 * MSS);
	cc_teardown();
}
END_TEST

/* An application that writes a little every 10 ms never fills the
 * initial window: after a second of it the window is still IW. */
START_TEST(test_application_limited_window_stays_at_iw)
{
	static const uint8_t small[100];
	struct tn_pair p;
	uint8_t buf[4096];
	unsigned k;

	tn_setup();
	tn_pair_open(&p, 20, 0);
	for (k = 0; k < 100; k++) {
		ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), p.cs, small, sizeof(small), 0),
				 (ssize_t)sizeof(small));
		tn_run(10 * TS_USEC_PER_MSEC);
		while (ts_recv(tn_st(TN_SERVER), p.as, buf, sizeof(buf)) > 0)
			;
	}
	ck_assert_uint_eq(tn_info(TN_CLIENT, p.cs).cwnd, 10 * 1448);
	tn_teardown();
}
END_TEST

/* ---- CUBIC ---------------------------------------------------------------------- */

/* RFC 9438 4.6 and figures 1-2 after a loss at W_max = 100 segments:
 * ssthresh = 0.7 W_max; K = cbrt(W_max (1 - beta) / C); W_cubic(0) is
 * the reduced window, W_cubic(K) = W_max, W_cubic(2K) = W_max + C K^3. */
START_TEST(test_cubic_window_function)
{
	double k = K75;

	cc_setup(TS_CC_CUBIC, 100);
	tcp_cc_loss(st, tp);
	ck_assert_uint_eq(tp->ssthresh, 70 * MSS);
	tp->cwnd = tp->ssthresh; /* recovery ended */
	tcp_cc_ack(st, tp, 1);   /* the epoch starts */
	ck_assert_double_eq_tol(tp->cubic.k, k, 1e-9);
	ck_assert_double_eq_tol(tp->cubic.w_max, 100.0, 1e-9);
	ck_assert_double_eq_tol(tcp_cubic_window(tp, 0.0), 70.0, 1e-6);
	ck_assert_double_eq_tol(tcp_cubic_window(tp, k), 100.0, 1e-9);
	ck_assert_double_eq_tol(tcp_cubic_window(tp, 2 * k), 100.0 + C * k * k * k,
				1e-6);
	tn_expect_line(TN_CLIENT, "cubic epoch: cwnd 70.0, W_max 100.0, K 4.217");
	cc_teardown();
}
END_TEST

/* With a 100 ms RTT the window follows W_cubic one RTT ahead: concave
 * up to W_max, a plateau around K, convex beyond. */
START_TEST(test_cubic_growth_follows_the_curve)
{
	double k = K75, t, hi;
	ts_time_t epoch;
	unsigned r;

	cc_setup(TS_CC_CUBIC, 100);
	tcp_cc_loss(st, tp);
	tp->cwnd = tp->ssthresh;
	tcp_cc_ack(st, tp, 1);
	epoch = tp->cubic.epoch_start;
	for (r = 0; r < 70; r++) {
		one_rtt();
		t = (double)(st->now - epoch) / 1e6;
		/* cwnd lags the target W_cubic(t + RTT) by at most one
		 * round trip's growth, and passes it only where Reno's
		 * estimate is higher (the Reno-friendly region). */
		hi = tcp_cubic_window(tp, t + 0.1);
		if (tp->cubic.w_est > hi)
			hi = tp->cubic.w_est;
		ck_assert_msg(segs() <= hi + 0.01, "rtt %u: cwnd %.2f above %.2f",
			      r, segs(), hi);
		ck_assert_msg(segs() >= tcp_cubic_window(tp, t) - 1.0,
			      "rtt %u: cwnd %.2f below W_cubic %.2f", r, segs(),
			      tcp_cubic_window(tp, t));
		if (t - k < 0.15 && k - t < 0.15) /* the plateau */
			ck_assert_double_eq_tol(segs(), 100.0, 1.0);
	}
	ck_assert_double_gt(segs(), 110.0); /* convex, past W_max */
	cc_teardown();
}
END_TEST

/* RFC 9438 4.7: a loss before the window got back to W_max lowers W_max
 * further, to cwnd (1 + beta) / 2; one beyond it takes cwnd. */
START_TEST(test_cubic_fast_convergence)
{
	cc_setup(TS_CC_CUBIC, 100);
	tcp_cc_loss(st, tp);
	ck_assert_double_eq_tol(tp->cubic.w_max, 100.0, 1e-9);
	tp->cwnd = 80 * MSS;
	tcp_cc_loss(st, tp);
	ck_assert_double_eq_tol(tp->cubic.w_max, 80.0 * (1.0 + BETA) / 2.0, 1e-9);
	ck_assert_uint_eq(tp->ssthresh, 56 * MSS);
	tp->cwnd = 120 * MSS;
	tcp_cc_loss(st, tp);
	ck_assert_double_eq_tol(tp->cubic.w_max, 120.0, 1e-9);
	cc_teardown();
}
END_TEST

/* RFC 9438 4.3: with a short RTT and a small W_max, Reno's estimate
 * W_est = W_max beta + alpha * t/RTT (alpha = 3(1-beta)/(1+beta)) is ahead
 * of W_cubic: the window follows W_est. */
START_TEST(test_cubic_reno_friendly_region)
{
	double alpha = 3.0 * (1.0 - BETA) / (1.0 + BETA);
	ts_time_t epoch;
	unsigned r;

	cc_setup(TS_CC_CUBIC, 20);
	tp->srtt = TS_USEC_PER_MSEC; /* 1 ms */
	tcp_cc_loss(st, tp);
	tp->cwnd = tp->ssthresh; /* 14 segments */
	tcp_cc_ack(st, tp, 1);
	epoch = tp->cubic.epoch_start;
	for (r = 0; r < 8; r++)
		one_rtt();
	ck_assert_double_lt(tcp_cubic_window(tp, (double)(st->now - epoch) / 1e6),
			    tp->cubic.w_est);
	/* W_est grows alpha segments per RTT (to within the ACK splitting). */
	ck_assert_double_eq_tol(tp->cubic.w_est, 14.0 + 8 * alpha, 0.3);
	ck_assert_double_eq_tol(segs(), tp->cubic.w_est, 0.01);
	cc_teardown();
}
END_TEST

/* RFC 9438 4.8: after a timeout, cwnd is one segment; the next epoch
 * starts with K = 0 and W_max = the window at its start. */
START_TEST(test_cubic_after_timeout_k_zero)
{
	cc_setup(TS_CC_CUBIC, 100);
	tp->snd_una = tp->snd_max = 1;
	tcp_cc_timeout(st, tp);
	ck_assert_uint_eq(tp->cwnd, MSS);
	ck_assert_uint_eq(tp->ssthresh, 70 * MSS);
	while (tp->cwnd < tp->ssthresh)
		tcp_cc_ack(st, tp, MSS); /* slow start */
	tcp_cc_ack(st, tp, MSS);         /* the first ACK in avoidance */
	ck_assert_double_eq_tol(tp->cubic.k, 0.0, 1e-12);
	ck_assert_double_eq_tol(tp->cubic.w_max, 70.0, 1e-9);
	cc_teardown();
}
END_TEST

/* CUBIC is the default; TS_OPT_CONGESTION selects NewReno per socket (a
 * listener's children inherit it); other values are refused. */
START_TEST(test_cubic_default_newreno_per_socket)
{
	struct ts_stack *c;
	struct tn_pair p;
	int64_t v;
	int s;

	tn_setup();
	c = tn_st(TN_CLIENT);
	s = ts_socket(c);
	ck_assert_int_eq(ts_getopt(c, s, TS_OPT_CONGESTION, &v), 0);
	ck_assert_int_eq(v, TS_CC_CUBIC);
	ck_assert_int_eq(ts_setopt(c, s, TS_OPT_CONGESTION, TS_CC_NEWRENO), 0);
	ck_assert_int_eq(ts_getopt(c, s, TS_OPT_CONGESTION, &v), 0);
	ck_assert_int_eq(v, TS_CC_NEWRENO);
	ck_assert_int_eq(ts_setopt(c, s, TS_OPT_CONGESTION, 7), -EINVAL);
	ts_close(c, s);
	p.ls = tn_listen(TN_SERVER, 20);
	ck_assert_int_eq(ts_setopt(tn_st(TN_SERVER), p.ls, TS_OPT_CONGESTION,
				   TS_CC_NEWRENO), 0);
	p.cs = tn_connect(TN_CLIENT, TN_IP_SERVER, 20, 0);
	tn_run(100000);
	p.as = tn_accept(TN_SERVER, p.ls);
	ck_assert_int_eq(ts_getopt(tn_st(TN_SERVER), p.as, TS_OPT_CONGESTION, &v), 0);
	ck_assert_int_eq(v, TS_CC_NEWRENO);
	ck_assert_int_eq(ts_getopt(c, p.cs, TS_OPT_CONGESTION, &v), 0);
	ck_assert_int_eq(v, TS_CC_CUBIC);
	tn_teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcp_cc");
	TCase *base = tcase_create("reno");
	TCase *cubic = tcase_create("cubic");

	tcase_add_test(base, test_initial_window_rfc6928);
	tcase_add_test(base, test_connection_starts_with_ten_segments);
	tcase_add_test(base, test_slow_start_byte_counting_limit);
	tcase_add_test(base, test_newreno_avoidance_one_segment_per_rtt);
	tcase_add_test(base, test_newreno_loss_halves_flight);
	tcase_add_test(base, test_window_grows_only_when_it_limits_sending);
	tcase_add_test(base, test_application_limited_window_stays_at_iw);
	suite_add_tcase(s, base);
	tcase_add_test(cubic, test_cubic_window_function);
	tcase_add_test(cubic, test_cubic_growth_follows_the_curve);
	tcase_add_test(cubic, test_cubic_fast_convergence);
	tcase_add_test(cubic, test_cubic_reno_friendly_region);
	tcase_add_test(cubic, test_cubic_after_timeout_k_zero);
	tcase_add_test(cubic, test_cubic_default_newreno_per_socket);
	suite_add_tcase(s, cubic);
	return tn_run_suite(s);
}
