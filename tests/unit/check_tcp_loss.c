/*
 * check_tcp_loss.c - losing segments and the timers that recover them,
 * in virtual time: fast retransmit and NewReno partial ACKs, RTO with
 * exponential backoff, the loss window and slow start after it, give-up
 * with ETIMEDOUT and RST, the handshake RTT sample and RFC 6298 5.7,
 * Karn's rule and the RFC 6298 estimator, a lossy reordering wire, a peer
 * that closes its window over data in flight, keepalive.
 *
 * The fixture's segment log records every segment and a policy drops the
 * ones each test names.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fixture.h"

#define MIB (1024u * 1024u)
#define MSL_US (30ULL * TS_USEC_PER_SEC) /* the fixture's msl_ms */

/* State of the individual tests' policies. */
static unsigned client_syns;
/* The client's new data segments (counted from 1) that are lost, each
 * on its first transmission only; 0: none. */
static unsigned lose[2];
/* Nodes whose every segment is lost, while set. */
static bool silenced[TN_NODES_MAX];
/* The next segment from `from` with all of `flags` is lost, if armed. */
static struct {
	bool armed;
	unsigned from;
	uint8_t flags;
} drop_next;

static void setup(uint32_t cisn, uint32_t sisn, tn_config_fn fn)
{
	tn_setup_cfg(cisn, sisn, fn);
	tn_log_start(NULL);
	client_syns = 0;
	memset(lose, 0, sizeof(lose));
	memset(silenced, 0, sizeof(silenced));
	memset(&drop_next, 0, sizeof(drop_next));
}

/* ---- loss and recovery ------------------------------------------------------ */


static bool lose_listed(unsigned from, const struct tcp_seg *seg, bool is_new,
			ts_time_t *at)
{
	unsigned n = tn.new_data[TN_CLIENT];

	(void)at;
	return !(from == TN_CLIENT && is_new && seg->len > 0 &&
		 (n == lose[0] || n == lose[1]));
}

/* Opens a connection that will lose the client's new data segments
 * number l0 and l1 (from 1; 0: none), once each. */
static struct tn_pair open_losing(unsigned l0, unsigned l1)
{
	struct tn_pair p;

	setup(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	lose[0] = l0;
	lose[1] = l1;
	tn.policy = lose_listed;
	return p;
}

/* The client sends `total` bytes; all must arrive within 10 s. */
static void send_all(const struct tn_pair *p, size_t total)
{
	ck_assert_uint_eq(tn_transfer(TN_CLIENT, p->cs, TN_SERVER, p->as, total,
				      6, total, tn.now + 10 * TS_USEC_PER_SEC),
			  total);
}

/* Both together. */
static void transfer_losing(size_t total, unsigned l0, unsigned l1)
{
	struct tn_pair p = open_losing(l0, l1);

	send_all(&p, total);
}

START_TEST(test_single_loss_fast_retransmit)
{
	transfer_losing(200000, 5, 0);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_FAST_RETRANSMITS), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 0);
	ck_assert_uint_ge(tn_counter(TN_CLIENT, TS_C_TCP_DUPACKS), 3);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_RETRANSMITS), 1);
	tn_expect_line(TN_CLIENT, "3 duplicate ACKs");
	tn_teardown();
}
END_TEST

START_TEST(test_last_segment_loss_recovered_by_rto)
{
	int orig, rexmt;
	ts_time_t gap;

	transfer_losing(4000, 3, 0); /* 3 segments: the last one lost */
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_FAST_RETRANSMITS), 0);
	orig = tn_log_nth(TN_CLIENT, true, 2);
	rexmt = tn_log_nth(TN_CLIENT, true, 3);
	ck_assert_int_ge(rexmt, 0);
	ck_assert(tn.log[orig].dropped);
	ck_assert_uint_eq(tn.log[rexmt].seg.seq, tn.log[orig].seg.seq);
	ck_assert_uint_eq(tn.log[rexmt].seg.len, tn.log[orig].seg.len);
	/* RTO: at least the 200 ms floor, at most the 1 s initial value. */
	gap = tn.log[rexmt].at - tn.log[orig].at;
	ck_assert_uint_ge(gap, TS_RTO_MIN);
	ck_assert_uint_le(gap, TS_RTO_INITIAL);
	tn_teardown();
}
END_TEST

/* Two holes in one window: NewReno's partial ACK (RFC 6582 3.2 step 5)
 * fills the second without waiting for a timeout. */
START_TEST(test_two_losses_in_one_window_no_timeout)
{
	transfer_losing(200000, 5, 8);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 0);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_FAST_RETRANSMITS), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_RETRANSMITS), 2);
	tn_teardown();
}
END_TEST

/* A seeded lossy, reordering wire in both directions. */
static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(rng_state >> 33) % n;
}

static bool lossy_wire(unsigned from, const struct tcp_seg *seg, bool is_new,
		       ts_time_t *at)
{
	(void)from;
	(void)seg;
	(void)is_new;
	if (rnd(100) < 3)
		return false;
	if (rnd(100) < 10)
		*at += rnd(5000); /* up to 5 ms late: reordered */
	return true;
}

/* Both directions in turn over the lossy wire, byte-exact, then an
 * orderly close that must end in CLOSED on both sides. */
static void lossy_round(uint64_t seed, tn_config_fn cfg)
{
	struct tn_pair p;

	setup(0, 0, cfg);
	tn_trace_segments(false);
	rng_state = seed;
	tn_pair_open(&p, 20, 0);
	tn.policy = lossy_wire;
	ck_assert_uint_eq(tn_transfer(TN_CLIENT, p.cs, TN_SERVER, p.as, 2 * MIB,
				      11, 7000, tn.now + 120 * TS_USEC_PER_SEC),
			  2 * MIB);
	ck_assert_uint_eq(tn_transfer(TN_SERVER, p.as, TN_CLIENT, p.cs, 2 * MIB,
				      12, 5000, tn.now + 120 * TS_USEC_PER_SEC),
			  2 * MIB);
	ck_assert_int_eq(ts_close(tn_st(TN_CLIENT), p.cs), 0);
	ck_assert_int_eq(ts_close(tn_st(TN_SERVER), p.as), 0);
	ck_assert_int_eq(ts_close(tn_st(TN_SERVER), p.ls), 0);
	tn_run(300 * TS_USEC_PER_SEC);
	ck_assert_uint_ge(tn_counter(TN_CLIENT, TS_C_TCP_RETRANSMITS), 1);
	ck_assert_uint_ge(tn_counter(TN_SERVER, TS_C_TCP_RETRANSMITS), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_GIVEUPS), 0);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_GIVEUPS), 0);
	tn_teardown_check(true);
}

START_TEST(test_lossy_reordering_wire_stress)
{
	uint64_t seed;

	for (seed = 1; seed <= 6; seed++)
		lossy_round(seed, seed % 2 ? NULL : tn_cfg_small_buffers);
}
END_TEST

/* ---- retransmission timer -------------------------------------------------- */


static bool drop_silenced(unsigned from, const struct tcp_seg *seg,
			  bool is_new, ts_time_t *at)
{
	(void)seg;
	(void)is_new;
	(void)at;
	return !silenced[from];
}

static void cfg_ten_retries(unsigned node, struct ts_stack_config *cfg)
{
	(void)node;
	cfg->max_retries = 10;
}

/* Everything the client sends is lost: its retransmissions come after
 * RTO, 2 RTO, 4 RTO... capped at 60 s (RFC 6298 5.5); after max_retries
 * it gives up with ETIMEDOUT and a RST. */
START_TEST(test_rto_backoff_doubles_to_cap_then_gives_up)
{
	struct ts_sockinfo ci;
	struct tn_pair p;
	ts_time_t rto0, prev = 0;
	unsigned k, sent = 0;
	int first = -1;

	setup(0, 0, cfg_ten_retries);
	tn.delay = 50 * TS_USEC_PER_MSEC; /* RTT 100 ms */
	tn.policy = drop_silenced;
	tn_pair_open(&p, 20, 0);
	ci = tn_info(TN_CLIENT, p.cs);
	rto0 = ci.rto_us;
	ck_assert_uint_gt(rto0, TS_RTO_MIN); /* from the 100 ms RTT */
	silenced[TN_CLIENT] = true;
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), p.cs, "lost", 4, 0), 4);
	tn_run(600 * TS_USEC_PER_SEC);
	silenced[TN_CLIENT] = false;
	for (k = 0; k < tn.nlog; k++) {
		ts_time_t want;

		if (tn.log[k].from != TN_CLIENT || tn.log[k].seg.len == 0)
			continue;
		if (first < 0) {
			first = (int)k;
			prev = tn.log[k].at;
			sent++;
			continue;
		}
		want = rto0 << (sent - 1);
		if (want > TS_RTO_MAX)
			want = TS_RTO_MAX;
		ck_assert_msg(tn.log[k].at - prev == want,
			      "retransmission %u after %llu us, want %llu", sent,
			      (unsigned long long)(tn.log[k].at - prev),
			      (unsigned long long)want);
		prev = tn.log[k].at;
		sent++;
	}
	ck_assert_uint_eq(sent, 1 + 10); /* original + max_retries */
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_CLOSED);
	ck_assert_int_eq(ts_sock_error(tn_st(TN_CLIENT), p.cs), -ETIMEDOUT);
	ck_assert_uint_ne(tn.node[TN_CLIENT].events[p.cs] & TS_EV_ERROR, 0);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_GIVEUPS), 1);
	/* The give-up comes one capped RTO after the last try, with a RST. */
	k = tn.nlog;
	while (k-- > 0)
		if (tn.log[k].from == TN_CLIENT)
			break;
	ck_assert_uint_ne(tn.log[k].seg.flags & TCP_RST, 0);
	ck_assert_uint_eq(tn.log[k].at - prev, TS_RTO_MAX);
	tn_expect_line(TN_CLIENT, "ESTABLISHED -> CLOSED (timeout: data unacknowledged");
	tn_teardown();
}
END_TEST

/* Client data segments logged at virtual time t. */
static unsigned client_data_at(ts_time_t t)
{
	unsigned k, n = 0;

	for (k = 0; k < tn.nlog; k++)
		n += tn.log[k].from == TN_CLIENT && tn.log[k].seg.len > 0 &&
		     tn.log[k].at == t;
	return n;
}

/* The next time after t at which the client sent data. */
static ts_time_t client_data_after(ts_time_t t)
{
	unsigned k;

	for (k = 0; k < tn.nlog; k++)
		if (tn.log[k].from == TN_CLIENT && tn.log[k].seg.len > 0 &&
		    tn.log[k].at > t)
			return tn.log[k].at;
	ck_abort_msg("no client data after %llu", (unsigned long long)t);
	return 0;
}

/* A whole window is lost. Two round trips later a tail loss probe (RFC
 * 8985 7) sends the last segment again; it is lost too. At the timeout
 * the loss window is one segment (RFC 5681 3.1, RFC 6298 5.4): one
 * retransmission, not a burst of the whole flight; then slow start, two
 * segments per ACK. */
START_TEST(test_rto_resends_one_segment_then_slow_start)
{
	static uint8_t data[10 * 1448];
	struct tn_pair p;
	ts_time_t t;
	unsigned k;

	setup(0, 0, NULL);
	tn.policy = drop_silenced;
	tn_pair_open(&p, 20, 0);
	silenced[TN_CLIENT] = true;
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), p.cs, data, sizeof(data), 0),
			 (ssize_t)sizeof(data));
	ck_assert_uint_eq(tn_log_count(TN_CLIENT, true), 10); /* initial window */
	tn_run(100 * TS_USEC_PER_MSEC);
	silenced[TN_CLIENT] = false;
	tn_run(TS_USEC_PER_SEC);
	ck_assert_uint_eq(tn_info(TN_CLIENT, p.cs).snd_una,
			  tn_info(TN_CLIENT, p.cs).iss + 1 + sizeof(data));
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TLP_PROBES), 1);
	k = (unsigned)tn_log_nth(TN_CLIENT, true, 10); /* the probe */
	ck_assert_uint_eq(tn.log[k].seg.seq, tn.log[tn_log_nth(TN_CLIENT, true, 9)].seg.seq);
	ck_assert(tn.log[k].dropped);
	k = (unsigned)tn_log_nth(TN_CLIENT, true, 11); /* the first resend */
	t = tn.log[k].at;
	ck_assert_uint_eq(client_data_at(t), 1);
	ck_assert_uint_eq(tn.log[k].seg.seq, tn.log[tn_log_nth(TN_CLIENT, true, 0)].seg.seq);
	/* Each ACK (delayed, one segment) grows cwnd by what it acks. */
	t = client_data_after(t);
	ck_assert_uint_eq(client_data_at(t), 2);
	t = client_data_after(t);
	ck_assert_uint_eq(client_data_at(t), 4);
	tn_teardown();
}
END_TEST

/* RFC 6582's "recover" must not fall 2^31 behind SND.UNA, or after 2 GiB
 * without loss the next loss would not count as a new episode and wait
 * for a timeout. (White box: the 2 GiB are simulated.) */
START_TEST(test_fast_retransmit_after_2gib_without_loss)
{
	struct tn_pair p = open_losing(5, 0);
	struct tcb *tp = tcb_from_sock(tn_st(TN_CLIENT), p.cs);

	/* As if 2 GiB minus 4 KB had been acked since: the first ACK (2
	 * segments) keeps it behind, the loss comes after 2^31. */
	tp->recover = tp->snd_una - 0x7ffff000u;
	send_all(&p, 200000);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_FAST_RETRANSMITS), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 0);
	tn_teardown();
}
END_TEST

/* TS_OPT_USER_TIMEOUT (RFC 5482): give up at the first timeout after the
 * data has waited that long, long before max_retries. */
START_TEST(test_user_timeout_gives_up_early)
{
	struct tn_pair p;
	ts_time_t sent;
	int line;

	setup(0, 0, NULL);
	tn.policy = drop_silenced;
	tn_pair_open(&p, 20, 0);
	ck_assert_int_eq(ts_setopt(tn_st(TN_CLIENT), p.cs, TS_OPT_USER_TIMEOUT,
				   5000), 0);
	silenced[TN_CLIENT] = true;
	sent = tn.now;
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), p.cs, "late", 4, 0), 4);
	tn_run(60 * TS_USEC_PER_SEC);
	ck_assert_int_eq(ts_sock_error(tn_st(TN_CLIENT), p.cs), -ETIMEDOUT);
	line = tn_expect_line(TN_CLIENT, "ESTABLISHED -> CLOSED (timeout");
	/* RTOs at 0.2, 0.6, 1.4, 3.0, 6.2 s: the one at 6.2 s gives up. */
	ck_assert_uint_eq(tn_line_time(TN_CLIENT, line) - sent,
			  (200 + 400 + 800 + 1600 + 3200) * TS_USEC_PER_MSEC);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_GIVEUPS), 1);
	tn_teardown();
}
END_TEST

/* RFC 6298 2.2: the handshake gives the first RTT measurement. */
START_TEST(test_handshake_gives_rtt_sample)
{
	struct ts_sockinfo c, s;
	struct tn_pair p;

	setup(0, 0, NULL);
	tn.delay = 60 * TS_USEC_PER_MSEC;
	tn_pair_open(&p, 20, 0);
	c = tn_info(TN_CLIENT, p.cs);
	s = tn_info(TN_SERVER, p.as);
	ck_assert_uint_eq(c.srtt_us, 120000);
	ck_assert_uint_eq(c.rttvar_us, 60000);
	ck_assert_uint_eq(c.rto_us, 120000 + 4 * 60000);
	ck_assert_uint_eq(s.srtt_us, 120000);
	ck_assert_uint_eq(s.rto_us, 360000);
	tn_teardown();
}
END_TEST

/* RFC 6298 5.7: a lost SYN means the data phase starts with RTO = 3 s. */
static bool drop_first_syn(unsigned from, const struct tcp_seg *seg,
			   bool is_new, ts_time_t *at)
{
	(void)is_new;
	(void)at;
	if (from == TN_CLIENT && (seg->flags & TCP_SYN))
		return ++client_syns > 1;
	return true;
}

START_TEST(test_syn_loss_sets_rto_three_seconds)
{
	int cs;

	setup(0, 0, NULL);
	tn.policy = drop_first_syn;
	tn_listen(TN_SERVER, 20);
	cs = tn_connect(TN_CLIENT, TN_IP_SERVER, 20, 0);
	tn_run(2 * TS_USEC_PER_SEC); /* the SYN goes again after 1 s */
	ck_assert_uint_eq(client_syns, 2);
	ck_assert_int_eq(tn_state(TN_CLIENT, cs), TS_ESTABLISHED);
	ck_assert_uint_eq(tn_info(TN_CLIENT, cs).srtt_us, 0); /* Karn */
	ck_assert_uint_eq(tn_info(TN_CLIENT, cs).rto_us, TS_RTO_AFTER_SYN_LOSS);
	tn_teardown();
}
END_TEST

/* Karn's rule: an ACK for a retransmitted segment gives no RTT sample.
 * A raw peer without timestamps, so timing is by segment only. */
START_TEST(test_karn_no_sample_from_retransmission)
{
	struct ts_sockinfo i0, i1, i2;
	struct tcp_seg seg;
	struct tn_raw c;
	uint32_t expect;

	setup(0, 0, NULL);
	tn_raw_active(&c, TN_CLIENT, 80, 5000, NULL);
	i0 = tn_info(TN_CLIENT, c.sock);
	ck_assert(!i0.ts_ok);
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), c.sock, "karn", 4, 0), 4);
	tn_raw_expect(&c, &seg, NULL, 0);
	tn_run(i0.rto_us); /* the RTO fires: the segment goes again */
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.len, 4);
	tn_run(50 * TS_USEC_PER_MSEC);
	tn_raw_send(&c, TCP_ACK, NULL, 0); /* ambiguous: which one is acked? */
	i1 = tn_info(TN_CLIENT, c.sock);
	ck_assert_uint_eq(i1.snd_una, i0.snd_una + 4);
	ck_assert_uint_eq(i1.srtt_us, i0.srtt_us);
	ck_assert_uint_eq(i1.rttvar_us, i0.rttvar_us);
	/* A segment sent once and acked 30 ms later is a valid sample. */
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), c.sock, "once", 4, 0), 4);
	tn_raw_expect(&c, &seg, NULL, 0);
	tn_run(30 * TS_USEC_PER_MSEC);
	tn_raw_send(&c, TCP_ACK, NULL, 0);
	i2 = tn_info(TN_CLIENT, c.sock);
	expect = i1.srtt_us - i1.srtt_us / 8 + 30000 / 8;
	ck_assert_uint_eq(i2.srtt_us, expect);
	tn_teardown();
}
END_TEST

/* RFC 6298 2.2-2.5 with alpha 1/8, beta 1/4, K 4, G 1 ms, our bounds of
 * [200 ms, 60 s], and backoff by doubling. */
START_TEST(test_rfc6298_estimator_values)
{
	struct tcb *tp;
	unsigned k;

	tn_setup();
	tp = tcb_new(tn_st(TN_CLIENT));
	ck_assert_ptr_nonnull(tp);
	ck_assert_uint_eq(tcp_rto(tp), TS_RTO_INITIAL);
	tcp_rtt_sample(tp, 100000);
	ck_assert_uint_eq(tp->srtt, 100000);
	ck_assert_uint_eq(tp->rttvar, 50000);
	ck_assert_uint_eq(tcp_rto(tp), 300000);
	tcp_rtt_sample(tp, 200000);
	ck_assert_uint_eq(tp->rttvar, 62500); /* 3/4 * 50000 + 1/4 * 100000 */
	ck_assert_uint_eq(tp->srtt, 112500);  /* 7/8 * 100000 + 1/8 * 200000 */
	ck_assert_uint_eq(tcp_rto(tp), 362500);
	tcp_rtt_sample(tp, 100000);
	ck_assert_uint_eq(tp->rttvar, 50000);
	ck_assert_uint_eq(tp->srtt, 110938);
	ck_assert_uint_eq(tcp_rto(tp), 310938);
	tp->rexmt_shift = 3;
	ck_assert_uint_eq(tcp_rto(tp), 8 * 310938);
	tp->rexmt_shift = 12;
	ck_assert_uint_eq(tcp_rto(tp), TS_RTO_MAX);
	tp->rexmt_shift = 0;
	for (k = 0; k < 100; k++)
		tcp_rtt_sample(tp, 1000);
	ck_assert_uint_eq(tcp_rto(tp), TS_RTO_MIN);
	tcp_rtt_sample(tp, 100 * TS_USEC_PER_SEC);
	ck_assert_uint_eq(tcp_rto(tp), TS_RTO_MAX);
	tcb_free(tn_st(TN_CLIENT), tp);
	tn_teardown();
}
END_TEST

/* ---- closing over a lossy wire ------------------------------------------------- */

static bool drop_next_policy(unsigned from, const struct tcp_seg *seg,
			     bool is_new, ts_time_t *at)
{
	(void)is_new;
	(void)at;
	if (!drop_next.armed || from != drop_next.from ||
	    (seg->flags & drop_next.flags) != drop_next.flags)
		return true;
	drop_next.armed = false;
	return false;
}

/* Drops the next segment from `from` carrying all of `flags`, once. */
static void arm_drop(unsigned from, uint8_t flags)
{
	drop_next.armed = true;
	drop_next.from = from;
	drop_next.flags = flags;
	tn.policy = drop_next_policy;
}

START_TEST(test_lost_fin_is_retransmitted)
{
	struct tn_pair p;

	setup(0, 0, NULL);
	tn_pair_open(&p, 21, 1038);
	arm_drop(TN_CLIENT, TCP_FIN);
	ts_shutdown(tn_st(TN_CLIENT), p.cs, TS_SHUT_WR);
	tn_run(100000);
	ck_assert(!drop_next.armed);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_FIN_WAIT_1);
	ck_assert_int_eq(tn_state(TN_SERVER, p.as), TS_ESTABLISHED);
	tn_run(2 * TS_USEC_PER_SEC);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_FIN_WAIT_2);
	ck_assert_int_eq(tn_state(TN_SERVER, p.as), TS_CLOSE_WAIT);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 1);
	/* Sent twice: lost, then again after the RTO. */
	ck_assert_uint_eq(tn_count(TN_CLIENT, " > 76.88.16.16:21 FIN,ACK seq="), 2);
	tn_teardown();
}
END_TEST

/* The active closer's last ACK is lost: the passive closer resends its
 * FIN from LAST_ACK; TIME_WAIT acknowledges it again and restarts its
 * 2MSL wait from then (RFC 9293 3.10.7.4, TIME-WAIT). */
START_TEST(test_lost_last_ack_fin_resent_time_wait_restarts)
{
	struct tn_pair p;
	ts_time_t again;
	int line;

	setup(0, 0, NULL);
	tn_pair_open(&p, 21, 1038);
	ts_shutdown(tn_st(TN_CLIENT), p.cs, TS_SHUT_WR);
	tn_run(100000);
	arm_drop(TN_CLIENT, TCP_ACK);
	ts_close(tn_st(TN_SERVER), p.as);
	tn_run(100000);
	ck_assert(!drop_next.armed);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_TIME_WAIT);
	ck_assert_ptr_nonnull(tn_tcb(TN_SERVER, 21, TN_IP_CLIENT, 1038));
	ck_assert_int_eq(tn_tcb(TN_SERVER, 21, TN_IP_CLIENT, 1038)->state, TS_LAST_ACK);
	tn_run(2 * TS_USEC_PER_SEC);
	tn_expect_line(TN_SERVER, "LAST_ACK -> CLOSED (rcvd ACK of FIN)");
	line = tn_expect_line(TN_CLIENT, "retransmitted FIN, ACK again and restart 2MSL");
	again = tn_line_time(TN_CLIENT, line);
	tn_run_until(again + 2 * MSL_US - 1);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_TIME_WAIT);
	tn_run_until(again + 2 * MSL_US);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_CLOSED);
	ts_close(tn_st(TN_CLIENT), p.cs);
	ts_close(tn_st(TN_SERVER), p.ls);
	tn_teardown_check(true);
}
END_TEST

/* ---- zero window over data in flight ----------------------------------------------- */

/* The peer shrinks its window to zero over data in flight and answers
 * every retransmission with "window 0": those retransmissions are its
 * window probes, and a peer that answers them must not be timed out
 * (RFC 9293 3.8.6.1). A silent peer still is (see the backoff test). */
START_TEST(test_shrunk_window_answering_peer_not_timed_out)
{
	struct tcp_seg seg;
	struct tn_raw c;
	unsigned k, answered = 0;

	setup(0, 0, NULL);
	tn_raw_passive(&c, TN_SERVER, 20, 4000, 5000, NULL);
	ck_assert_int_eq(ts_send(tn_st(TN_SERVER), c.sock, "stuck", 5, 0), 5);
	for (k = 0; k < 3600; k++) { /* one virtual hour */
		tn_run(TS_USEC_PER_SEC);
		while (tn.node[TN_SERVER].nraw_out > 0) {
			ck_assert(tn_take_seg(TN_SERVER, &seg, NULL, 0));
			if (seg.len == 0)
				continue;
			tn_inject(TN_SERVER, 4000, 20, c.snd_nxt, seg.seq, TCP_ACK, 0,
				  NULL, 0, NULL);
			answered++;
		}
	}
	ck_assert_uint_gt(answered, 12 + 1); /* beyond max_retries */
	ck_assert_int_eq(tn_state(TN_SERVER, c.sock), TS_ESTABLISHED);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_GIVEUPS), 0);
	/* The window opens: the data is acknowledged, all is well. */
	tn_inject(TN_SERVER, 4000, 20, c.snd_nxt, c.rcv_nxt + 5, TCP_ACK, 65535,
		  NULL, 0, NULL);
	ck_assert_uint_eq(tn_info(TN_SERVER, c.sock).sndbuf_used, 0);
	tn_teardown();
}
END_TEST

/* ---- keepalive ---------------------------------------------------------------------- */

/* Idle 10 s, then a probe every 5 s; 3 unanswered probes end it. */
START_TEST(test_keepalive_probes_answered_then_peer_gone)
{
	struct ts_stack *c;
	struct tn_pair p;
	ts_time_t gone;
	unsigned k;
	int line;

	setup(0, 0, NULL);
	tn.policy = drop_silenced;
	tn_pair_open(&p, 20, 0);
	c = tn_st(TN_CLIENT);
	ck_assert_int_eq(ts_setopt(c, p.cs, TS_OPT_KEEPIDLE, 10), 0);
	ck_assert_int_eq(ts_setopt(c, p.cs, TS_OPT_KEEPINTVL, 5), 0);
	ck_assert_int_eq(ts_setopt(c, p.cs, TS_OPT_KEEPCNT, 3), 0);
	ck_assert_int_eq(ts_setopt(c, p.cs, TS_OPT_KEEPALIVE, 1), 0);
	tn_run(9 * TS_USEC_PER_SEC);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_KEEPALIVE_PROBES), 0);
	tn_run(26 * TS_USEC_PER_SEC); /* probes at 10, 20, 30 s, answered */
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_KEEPALIVE_PROBES), 3);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_ESTABLISHED);
	/* The server vanishes: probes at +10, +15, +20 s, dropped at +25. */
	silenced[TN_SERVER] = true;
	gone = tn.now;
	tn_run(60 * TS_USEC_PER_SEC);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_KEEPALIVE_PROBES), 6);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_KEEPALIVE_DROPS), 1);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_CLOSED);
	ck_assert_int_eq(ts_sock_error(c, p.cs), -ETIMEDOUT);
	line = tn_expect_line(TN_CLIENT, "ESTABLISHED -> CLOSED (keepalive");
	/* Idle and three intervals after the last answer arrived. */
	for (k = tn.nlog; k-- > 0;)
		if (tn.log[k].from == TN_SERVER && tn.log[k].at < gone)
			break;
	ck_assert_uint_eq(tn_line_time(TN_CLIENT, line),
			  tn.log[k].at + tn.delay + (10 + 3 * 5) * TS_USEC_PER_SEC);
	tn_teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcp_loss");
	TCase *loss = tcase_create("loss");
	TCase *timers = tcase_create("timers");

	tcase_set_timeout(loss, 300);
	tcase_add_test(loss, test_single_loss_fast_retransmit);
	tcase_add_test(loss, test_last_segment_loss_recovered_by_rto);
	tcase_add_test(loss, test_two_losses_in_one_window_no_timeout);
	tcase_add_test(loss, test_lossy_reordering_wire_stress);
	tcase_add_test(loss, test_fast_retransmit_after_2gib_without_loss);
	suite_add_tcase(s, loss);
	tcase_add_test(timers, test_rto_backoff_doubles_to_cap_then_gives_up);
	tcase_add_test(timers, test_rto_resends_one_segment_then_slow_start);
	tcase_add_test(timers, test_user_timeout_gives_up_early);
	tcase_add_test(timers, test_handshake_gives_rtt_sample);
	tcase_add_test(timers, test_syn_loss_sets_rto_three_seconds);
	tcase_add_test(timers, test_karn_no_sample_from_retransmission);
	tcase_add_test(timers, test_rfc6298_estimator_values);
	tcase_add_test(timers, test_lost_fin_is_retransmitted);
	tcase_add_test(timers, test_lost_last_ack_fin_resent_time_wait_restarts);
	tcase_add_test(timers, test_shrunk_window_answering_peer_not_timed_out);
	tcase_add_test(timers, test_keepalive_probes_answered_then_peer_gone);
	suite_add_tcase(s, timers);
	return tn_run_suite(s);
}
