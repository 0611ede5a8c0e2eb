/*
 * check_tcp_sack.c - loss recovery with SACK (RFC 2018, RFC 6675), RACK-TLP
 * (RFC 8985), D-SACK (RFC 2883) and PRR (RFC 6937), in virtual time:
 * several holes repaired in one round trip (and NewReno's one per round
 * trip for contrast), a lost retransmission found without a timeout, a
 * lost tail repaired by a loss probe, a timeout that resends only what
 * the peer lacks, a reordering wire that RACK learns to tolerate, and a
 * scripted peer's SACK and D-SACK blocks seen from both ends.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fixture.h"

#define SEG 1448u        /* payload per segment with timestamps */
#define RTT_US 2000u     /* the fixture's 1 ms each way */
#define LOSE_MAX 8u

/* The client's new data segments (counted from 1) lost on their first
 * transmission, and how many of each one's retransmissions are lost too. */
static struct {
	unsigned n[LOSE_MAX], again[LOSE_MAX], count;
	uint32_t seq[LOSE_MAX];   /* filled in as they go by */
	bool rexmt_dropping;      /* every retransmission lost while set */
	unsigned delay_nth;       /* this new segment is late ...  */
	ts_time_t delay_by;       /* ... by this much              */
} pol;
static tn_filter_fn log_filter;
static bool strip_sack;

static bool lose_policy(unsigned from, const struct tcp_seg *seg, bool is_new,
			ts_time_t *at)
{
	unsigned k, nth = tn.new_data[TN_CLIENT];

	if (from != TN_CLIENT || seg->len == 0)
		return true;
	if (is_new && nth == pol.delay_nth)
		*at += pol.delay_by;
	for (k = 0; k < pol.count; k++) {
		if (is_new && nth == pol.n[k]) {
			pol.seq[k] = seg->seq;
			return false;
		}
		if (!is_new && pol.seq[k] == seg->seq && pol.again[k] > 0) {
			pol.again[k]--;
			return false;
		}
	}
	return !(pol.rexmt_dropping && !is_new);
}

/* Removes SACK-permitted from SYNs, then the segment log's filter. */
static bool strip_filter(unsigned from, unsigned index, uint8_t *frame,
			 size_t len, ts_time_t *at)
{
	if (strip_sack)
		tn_strip_option(frame, len, TCPOPT_SACK_PERM);
	return log_filter(from, index, frame, len, at);
}

static void setup_net(bool sack)
{
	tn_setup();
	tn_trace_segments(getenv("TN_TRACE") != NULL);
	tn_log_start(lose_policy);
	log_filter = tn.filter;
	strip_sack = !sack;
	tn.filter = strip_filter;
	memset(&pol, 0, sizeof(pol));
}

static void lose(unsigned nth, unsigned again)
{
	ck_assert_uint_lt(pol.count, LOSE_MAX);
	pol.n[pol.count] = nth;
	pol.again[pol.count] = again;
	pol.count++;
}

/* The client sends total bytes; all must arrive within `within`. */
static struct tn_pair send_all(size_t total, ts_time_t within)
{
	struct tn_pair p;

	tn_pair_open(&p, 20, 0);
	ck_assert_uint_eq(tn_transfer(TN_CLIENT, p.cs, TN_SERVER, p.as, total, 9,
				      total, tn.now + within),
			  total);
	return p;
}

/* Times of the client's retransmissions of the lost segments. */
static void rexmt_span(ts_time_t *first, ts_time_t *last)
{
	unsigned i, k;

	*first = TS_TIME_NEVER;
	*last = 0;
	for (i = 0; i < tn.nlog; i++) {
		const struct tn_rec *r = &tn.log[i];

		if (r->from != TN_CLIENT || r->seg.len == 0 || r->dropped)
			continue;
		for (k = 0; k < pol.count; k++) {
			if (r->seg.seq != pol.seq[k])
				continue;
			if (r->at < *first)
				*first = r->at;
			if (r->at > *last)
				*last = r->at;
		}
	}
}

/* ---- SACK recovery against NewReno ----------------------------------------- */

START_TEST(test_sack_recovery_repairs_five_holes_in_one_round_trip)
{
	ts_time_t first, last;

	setup_net(true);
	lose(5, 0), lose(8, 0), lose(11, 0), lose(14, 0), lose(17, 0);
	send_all(300000, 2 * TS_USEC_PER_SEC);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 0);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_SACK_RECOVERIES), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_FAST_RETRANSMITS), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_RETRANSMITS), 5);
	rexmt_span(&first, &last);
	ck_assert_msg(last - first <= RTT_US, "holes repaired over %llu us",
		      (unsigned long long)(last - first));
	tn_expect_line(TN_CLIENT, "entering SACK recovery");
	tn_teardown();
}
END_TEST

/* Without SACK the same losses take one round trip each (RFC 6582). */
START_TEST(test_newreno_without_sack_one_hole_per_round_trip)
{
	ts_time_t first, last;
	struct tn_pair p;

	setup_net(false);
	lose(5, 0), lose(8, 0), lose(11, 0), lose(14, 0), lose(17, 0);
	p = send_all(300000, 2 * TS_USEC_PER_SEC);
	ck_assert(!tn_info(TN_CLIENT, p.cs).sack_ok);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 0);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_RENO_RECOVERIES), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_SACK_RECOVERIES), 0);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_RETRANSMITS), 5);
	rexmt_span(&first, &last);
	ck_assert_uint_ge(last - first, 4 * RTT_US);
	tn_expect_line(TN_CLIENT, "entering NewReno recovery");
	tn_teardown();
}
END_TEST

/* PRR (RFC 6937) ends recovery with cwnd = ssthresh: 0.7 times the
 * window at the loss for CUBIC (RFC 9438 4.6). */
START_TEST(test_recovery_ends_with_cwnd_at_ssthresh)
{
	unsigned long loss_cwnd = 0, ssthresh = 0, after = 0;
	int i;

	setup_net(true);
	lose(20, 0);
	send_all(400000, 2 * TS_USEC_PER_SEC);
	i = tn_expect_line(TN_CLIENT, "cc: loss: ssthresh");
	ck_assert_int_eq(sscanf(strstr(tn.node[TN_CLIENT].lines[i], "ssthresh"),
				"ssthresh %lu, cwnd %lu", &ssthresh, &loss_cwnd), 2);
	i = tn_expect_line(TN_CLIENT, "recovery complete");
	ck_assert_int_eq(sscanf(strstr(tn.node[TN_CLIENT].lines[i], "cwnd"),
				"cwnd %lu", &after), 1);
	ck_assert_uint_eq(after, ssthresh);
	ck_assert_uint_eq(ssthresh, (unsigned long)(loss_cwnd * 0.7));
	tn_teardown();
}
END_TEST

/* ---- RACK ---------------------------------------------------------------------- */

/* A retransmission lost as well is found by RACK when later segments are
 * delivered (RFC 8985 6.2), not by the retransmission timer. */
START_TEST(test_lost_retransmission_found_without_timeout)
{
	setup_net(true);
	lose(5, 1);
	send_all(300000, 2 * TS_USEC_PER_SEC);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 0);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_LOST_RETRANSMITS), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_RETRANSMITS), 2);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_SACK_RECOVERIES), 1);
	tn_teardown();
}
END_TEST

/* A segment 0.8 ms late (reordered behind later ones): the first time it
 * costs a spurious retransmission, which the receiver reports with a
 * D-SACK; the window reduction is undone (RFC 2883 5), RACK widens its
 * reordering window and the same lateness later costs nothing (RFC 8985
 * 6.2 step 4). */
START_TEST(test_reordering_learned_from_dsack)
{
	struct tn_pair p;
	struct tcb *tp;

	setup_net(true);
	pol.delay_nth = 20; /* mid-burst: later ones overtake it */
	pol.delay_by = 800;
	p = send_all(200000, 2 * TS_USEC_PER_SEC);
	tp = tn_tcb(TN_CLIENT, tn_info(TN_CLIENT, p.cs).local.port, TN_IP_SERVER, 20);
	ck_assert_ptr_nonnull(tp);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_RETRANSMITS), 1);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_DSACK_TX), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_DSACK_RX), 1);
	ck_assert(tp->rack.reord);
	ck_assert_uint_eq(tp->rack.reo_wnd_mult, 2);
	/* The recovery was spurious: its window reduction is undone. */
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_UNDO_RECOVERIES), 1);
	tn_expect_line(TN_CLIENT, "was spurious: undone");
	/* The same again: tolerated. */
	pol.delay_nth = tn.new_data[TN_CLIENT] + 20;
	ck_assert_uint_eq(tn_transfer(TN_CLIENT, p.cs, TN_SERVER, p.as, 200000, 3,
				      200000, tn.now + TS_USEC_PER_SEC),
			  200000);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_RETRANSMITS), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_SACK_RECOVERIES), 1);
	tn_teardown();
}
END_TEST

/* ---- TLP and the timeout -------------------------------------------------------- */

/* The last two segments are lost: no later segment can reveal it. Two
 * round trips later a probe (the last segment again) draws a SACK, RACK
 * finds the other, all well before the 200 ms minimum RTO. */
START_TEST(test_tail_loss_probe_repairs_lost_tail)
{
	ts_time_t start;

	setup_net(true);
	lose(19, 0), lose(20, 0);
	start = tn.now;
	send_all(20 * SEG, 2 * TS_USEC_PER_SEC);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 0);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TLP_PROBES), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_RETRANSMITS), 2);
	ck_assert_uint_lt(tn.now - start, TS_RTO_MIN);
	tn_expect_line(TN_CLIENT, "tlp: probe timeout");
	tn_teardown();
}
END_TEST

/* Segments 3 to 5 and every retransmission are lost until the timer
 * fires: after the timeout only 3 to 5 go again, never the SACKed 6 to 20
 * (RFC 6675 5.1), one segment first (RFC 5681 3.1). */
START_TEST(test_timeout_resends_only_unsacked_segments)
{
	static uint8_t data[20 * SEG];
	struct tn_pair p;
	uint32_t sacked_from;
	ts_time_t rto_at;
	unsigned i, resent = 0;
	int line;

	setup_net(true);
	lose(3, 0), lose(4, 0), lose(5, 0);
	pol.rexmt_dropping = true;
	tn_pair_open(&p, 20, 0);
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), p.cs, data, sizeof(data), 0),
			 (ssize_t)sizeof(data));
	tn_run(150 * TS_USEC_PER_MSEC);
	pol.rexmt_dropping = false;
	tn_run(2 * TS_USEC_PER_SEC);
	ck_assert_uint_eq(tn_info(TN_SERVER, p.as).rcvbuf_used, 20 * SEG);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 1);
	line = tn_expect_line(TN_CLIENT, "timer: RTO");
	rto_at = tn_line_time(TN_CLIENT, line);
	tn_expect_line(TN_CLIENT, "3 segments to resend");
	sacked_from = pol.seq[2] + SEG;
	for (i = 0; i < tn.nlog; i++) {
		const struct tn_rec *r = &tn.log[i];

		if (r->from != TN_CLIENT || r->seg.len == 0 || r->at < rto_at)
			continue;
		ck_assert_msg(seq_lt(r->seg.seq, sacked_from),
			      "SACKed data at %u resent", r->seg.seq);
		resent++;
	}
	ck_assert_uint_eq(resent, 3);
	tn_teardown();
}
END_TEST

/* ---- a scripted peer's SACK blocks -------------------------------------------------- */

static struct tcp_opts sack_opts(void)
{
	struct tcp_opts o;

	memset(&o, 0, sizeof(o));
	o.mss_present = true;
	o.mss = 1000;
	o.sack_ok = true;
	return o;
}

/* The peer SACKs segments 4 to 10 of 10: the scoreboard holds 7000 bytes,
 * RFC 6675 IsLost marks 1 to 3 lost (more than 2 SMSS SACKed above),
 * pipe is 0, far below ssthresh (7000), so PRR's slow start bound lets
 * recovery resend all three at once. */
START_TEST(test_peer_sack_blocks_drive_islost_and_pipe)
{
	static uint8_t data[10000];
	struct tcp_opts o = sack_opts();
	struct tcp_seg seg;
	struct tn_raw c;
	struct tcb *tp;
	uint32_t base;
	unsigned k;

	tn_setup();
	tn_raw_active(&c, TN_CLIENT, 80, 5000, &o);
	tp = tcb_from_sock(tn_st(TN_CLIENT), c.sock);
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), c.sock, data, sizeof(data), 0),
			 (ssize_t)sizeof(data));
	base = c.rcv_nxt;
	for (k = 0; k < 10; k++) {
		tn_raw_expect(&c, &seg, NULL, 0);
		ck_assert_uint_eq(seg.len, 1000);
	}
	ck_assert_uint_eq(tcp_pipe(tp), 10000);
	o.mss_present = false;
	o.sack_ok = false;
	o.nsack = 1;
	o.sack[0].left = base + 3000;
	o.sack[0].right = base + 10000;
	tn_inject(TN_CLIENT, 80, c.port, c.snd_nxt, base, TCP_ACK, 65535, NULL, 0, &o);
	ck_assert_uint_eq(tp->txq.sacked, 7000);
	ck_assert(tcp_sack_is_lost(tp, base + 2999));
	ck_assert(!tcp_sack_is_lost(tp, base + 3000));
	ck_assert_uint_eq(tcp_sack_lost_boundary(tp), base + 3000);
	for (k = 0; k < 3; k++) {
		tn_raw_expect(&c, &seg, NULL, 0);
		ck_assert_uint_eq(seg.seq, base + k * 1000);
		ck_assert_uint_eq(seg.len, 1000);
	}
	ck_assert(!tn_take_seg(TN_CLIENT, &seg, NULL, 0));
	ck_assert_uint_eq(tcp_pipe(tp), 3000); /* the retransmissions */
	ck_assert_uint_ne(tp->flags & TF_IN_RECOVERY, 0);
	ck_assert_uint_eq(tp->sb.high_rxt, base + 3000);
	/* Everything acked: recovery ends, the scoreboard empties. */
	tn_inject(TN_CLIENT, 80, c.port, c.snd_nxt, base + 10000, TCP_ACK, 65535,
		  NULL, 0, NULL);
	ck_assert_uint_eq(tp->flags & TF_IN_RECOVERY, 0);
	ck_assert_uint_eq(tp->sb.nblocks, 0);
	ck_assert_uint_eq(tp->txq.n, 0);
	ck_assert_uint_eq(tcp_pipe(tp), 0);
	tn_teardown();
}
END_TEST

/* An active raw-peer connection with SACK whose node has sent `len`
 * bytes (taken off the wire); returns the first byte's sequence number. */
static uint32_t sack_sender(struct tn_raw *c, struct tcb **tp, size_t len)
{
	static uint8_t data[10000];
	struct tcp_opts o = sack_opts();
	struct tcp_seg seg;

	ck_assert_uint_le(len, sizeof(data));
	tn_setup();
	tn_raw_active(c, TN_CLIENT, 80, 5000, &o);
	*tp = tcb_from_sock(tn_st(TN_CLIENT), c->sock);
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), c->sock, data, len, 0),
			 (ssize_t)len);
	while (tn_take_seg(TN_CLIENT, &seg, NULL, 0))
		;
	return c->rcv_nxt;
}

/* Blocks about data never sent, or below SND.UNA (but for a D-SACK
 * first), are ignored (RFC 6675 5.1, RFC 2883). */
START_TEST(test_forged_sack_blocks_ignored)
{
	struct tcp_opts o;
	struct tn_raw c;
	struct tcb *tp;
	uint32_t base = sack_sender(&c, &tp, 3000);

	memset(&o, 0, sizeof(o));
	o.nsack = 2;
	o.sack[0] = (struct tcp_sack_block){ base + 1000, base + 9000 };
	o.sack[1] = (struct tcp_sack_block){ base + 2000, base + 100000 };
	tn_inject(TN_CLIENT, 80, c.port, c.snd_nxt, base, TCP_ACK, 65535, NULL, 0, &o);
	ck_assert_uint_eq(tp->txq.sacked, 0);
	ck_assert_uint_eq(tp->sb.nblocks, 0);
	tn_teardown();
}
END_TEST

/* The receiver reports a duplicate segment in a D-SACK block, first in
 * its next ACK (RFC 2883 4.1.1). */
START_TEST(test_duplicate_segment_reported_with_dsack)
{
	struct tcp_opts o = sack_opts();
	struct tcp_seg seg;
	struct tn_raw c;
	uint32_t at;

	tn_setup();
	tn_raw_passive(&c, TN_SERVER, 20, 4000, 7000, &o);
	at = c.snd_nxt;
	tn_raw_send(&c, TCP_ACK | TCP_PSH, "hello", 5);
	tn_run(TS_DELACK_MAX);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.ack, at + 5);
	ck_assert_uint_eq(seg.opt.nsack, 0);
	c.snd_nxt = at; /* the same segment again */
	tn_raw_send(&c, TCP_ACK | TCP_PSH, "hello", 5);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.ack, at + 5);
	ck_assert_uint_eq(seg.opt.nsack, 1);
	ck_assert_uint_eq(seg.opt.sack[0].left, at);
	ck_assert_uint_eq(seg.opt.sack[0].right, at + 5);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_DSACK_TX), 1);
	tn_teardown();
}
END_TEST

/* A D-SACK from the peer: counted, reordering noted, RACK's reordering
 * window doubled for the next 16 recoveries (RFC 8985 6.2 step 4). */
START_TEST(test_dsack_from_peer_widens_reordering_window)
{
	struct tcp_opts o;
	struct tn_raw c;
	struct tcb *tp;
	uint32_t base = sack_sender(&c, &tp, 2000);

	ck_assert_uint_eq(tp->rack.reo_wnd_mult, 1);
	memset(&o, 0, sizeof(o));
	o.nsack = 1;
	o.sack[0] = (struct tcp_sack_block){ base, base + 1000 };
	tn_inject(TN_CLIENT, 80, c.port, c.snd_nxt, base + 1000, TCP_ACK, 65535,
		  NULL, 0, &o);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_DSACK_RX), 1);
	ck_assert(tp->rack.reord);
	ck_assert_uint_eq(tp->rack.reo_wnd_mult, 2);
	ck_assert_uint_eq(tp->rack.reo_wnd_persist, TS_RACK_REO_PERSIST);
	tn_teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcp_sack");
	TCase *rec = tcase_create("recovery");
	TCase *peer = tcase_create("scripted_peer");

	tcase_set_timeout(rec, 120);
	tcase_add_test(rec, test_sack_recovery_repairs_five_holes_in_one_round_trip);
	tcase_add_test(rec, test_newreno_without_sack_one_hole_per_round_trip);
	tcase_add_test(rec, test_recovery_ends_with_cwnd_at_ssthresh);
	tcase_add_test(rec, test_lost_retransmission_found_without_timeout);
	tcase_add_test(rec, test_reordering_learned_from_dsack);
	tcase_add_test(rec, test_tail_loss_probe_repairs_lost_tail);
	tcase_add_test(rec, test_timeout_resends_only_unsacked_segments);
	suite_add_tcase(s, rec);
	tcase_add_test(peer, test_peer_sack_blocks_drive_islost_and_pipe);
	tcase_add_test(peer, test_forged_sack_blocks_ignored);
	tcase_add_test(peer, test_duplicate_segment_reported_with_dsack);
	tcase_add_test(peer, test_dsack_from_peer_widens_reordering_window);
	suite_add_tcase(s, peer);
	return tn_run_suite(s);
}
