/*
 * check_tcp_timewait - TIME_WAIT in one process, in virtual time: a bind
 * over it is refused unless reuse was asked for (and the message says so),
 * a new SYN reuses a pair in it only when RFC 6191 says it is safe, an
 * active open reuses it with SO_REUSEADDR, and quiet time (RFC 9293
 * 3.4.3) keeps the stack from sending or accepting anything until it ends.
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tw_fixture.h"

#define MSG_CAP 256u

static const struct ts_addr any21 = { 0, TW_PORT };

static void expect_text(const char *got, const char *want)
{
	ck_assert_msg(strcmp(got, want) == 0, "got \"%s\"\nwant \"%s\"", got, want);
}

/* ---- bind over TIME_WAIT ------------------------------------------------ */

START_TEST(test_bind_refused_while_timewait_lasts_then_allowed)
{
	char msg[MSG_CAP];
	ts_time_t left;
	int s;

	tn_setup();
	tw_seed_timewait(1028);
	s = ts_socket(tw_srv());
	ck_assert_int_eq(ts_bind(tw_srv(), s, &any21), -EADDRINUSE);
	ck_assert_uint_eq(ts_timewait_count(tw_srv(), &any21, &left), 1);
	ck_assert(left > TW_2MSL - TW_SEC && left <= TW_2MSL);
	expect_text(ts_bind_strerror(tw_srv(), &any21, -EADDRINUSE, NULL, msg,
				     sizeof(msg)),
		    "address in use (1 connection in TIME_WAIT, 60 s left); "
		    "set reuse_addr=yes to override");
	tn_expect_line(TN_SERVER, "timewait: bind 76.88.16.16:21 refused: 1 "
		       "connection in TIME_WAIT (60 s left) and no reuse asked for");

	tn_run(TW_2MSL);
	tn_expect_line(TN_SERVER, "state 76.88.16.16:21 <-> 76.88.16.104:1028 "
		       "TIME_WAIT -> CLOSED (2MSL expired)");
	ck_assert_uint_eq(ts_timewait_count(tw_srv(), &any21, NULL), 0);
	ck_assert_int_eq(ts_bind(tw_srv(), s, &any21), 0);
	ck_assert_int_eq(ts_listen(tw_srv(), s, 4), 0);
	tn_teardown_check(true);
}
END_TEST

START_TEST(test_bind_with_reuse_addr_over_timewait)
{
	int s;

	tn_setup();
	tw_seed_timewait(1028);
	s = ts_socket(tw_srv());
	ck_assert_int_eq(ts_setopt(tw_srv(), s, TS_OPT_REUSEADDR, 1), 0);
	ck_assert_int_eq(ts_bind(tw_srv(), s, &any21), 0);
	ck_assert_int_eq(ts_listen(tw_srv(), s, 4), 0);
	tn_expect_line(TN_SERVER, "timewait: bind 76.88.16.16:21 allowed over 1 "
		       "connection in TIME_WAIT (60 s left): the socket asked "
		       "for reuse (SO_REUSEADDR)");
	/* The TIME_WAIT entry is still there and still counted. */
	ck_assert_uint_eq(ts_timewait_count(tw_srv(), &any21, NULL), 1);
	tn_teardown();
}
END_TEST

START_TEST(test_timewait_count_and_message_name_every_connection)
{
	const struct ts_addr other_ip = { 0x4c581011u, TW_PORT };
	const struct ts_addr port22 = { 0, 22 };
	char msg[MSG_CAP];
	ts_time_t left;
	int ls;

	tn_setup();
	ls = tn_listen(TN_SERVER, TW_PORT);
	tw_server_closes_first(ls, 1028);
	tn_run(5 * TW_SEC);
	tw_server_closes_first(ls, 1029);
	tn_run(5 * TW_SEC);
	tw_server_closes_first(ls, 1030);

	ck_assert_uint_eq(ts_timewait_count(tw_srv(), &any21, &left), 3);
	ck_assert(left > TW_2MSL - TW_SEC);
	ck_assert_uint_eq(ts_timewait_count(tw_srv(), &port22, NULL), 0);
	ck_assert_uint_eq(ts_timewait_count(tw_srv(), &other_ip, NULL), 0);
	expect_text(ts_bind_strerror(tw_srv(), &any21, -EADDRINUSE,
				     "use --reuse-addr", msg, sizeof(msg)),
		    "address in use (3 connections in TIME_WAIT, 60 s left); "
		    "use --reuse-addr to override");
	/* Not TIME_WAIT's doing: the plain reason. */
	expect_text(ts_bind_strerror(tw_srv(), &port22, -EADDRINUSE, NULL, msg,
				     sizeof(msg)),
		    "address in use: another socket of this stack is bound to "
		    "it or listens on it");
	expect_text(ts_bind_strerror(tw_srv(), &any21, -EINVAL, NULL, msg,
				     sizeof(msg)), ts_strerror(-EINVAL));

	/* 62 s after the first: it expired, the other two wait 3 and 8 s. */
	tn_run(52 * TW_SEC);
	ck_assert_uint_eq(ts_timewait_count(tw_srv(), &any21, &left), 2);
	ck_assert(left > 7 * TW_SEC && left <= 8 * TW_SEC);
	tn_teardown();
}
END_TEST

/* ---- a new SYN for a pair in TIME_WAIT (RFC 6191) ------------------------- */

static void expect_reused(uint32_t seq, const char *why)
{
	struct tcp_seg seg;
	struct tcb *tp;

	ck_assert(tn_take_seg(TN_SERVER, &seg, NULL, 0));
	ck_assert_uint_eq(seg.flags, TCP_SYN | TCP_ACK);
	ck_assert_uint_eq(seg.ack, seq + 1);
	tp = tn_tcb(TN_SERVER, TW_PORT, RAW_PEER_IP, TW_PEER_PORT);
	ck_assert_ptr_nonnull(tp);
	ck_assert_int_eq(tp->state, TS_SYN_RECEIVED);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_TW_RECYCLED), 1);
	tn_expect_line(TN_SERVER, why);
	tn_expect_line(TN_SERVER, "TIME_WAIT -> CLOSED (new SYN reuses the "
		       "pair (RFC 6191))");
}

/* Refused: the old connection stays and answers with an ACK of RCV.NXT. */
static void expect_refused(const struct tw_raw *r, const char *why)
{
	struct tcp_seg seg;
	struct tcb *tp;

	ck_assert(tn_take_seg(TN_SERVER, &seg, NULL, 0));
	ck_assert_uint_eq(seg.flags, TCP_ACK);
	ck_assert_uint_eq(seg.ack, r->rcv_nxt);
	tp = tn_tcb(TN_SERVER, TW_PORT, RAW_PEER_IP, TW_PEER_PORT);
	ck_assert_ptr_nonnull(tp);
	ck_assert_int_eq(tp->state, TS_TIME_WAIT);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_TW_RECYCLED), 0);
	tn_expect_line(TN_SERVER, why);
}

/* RFC 6191 section 2, one row per rule: the old connection used
 * timestamps or not; the new SYN's sequence number and timestamp relative
 * to the old RCV.NXT and TS.Recent; whether it may reuse the pair. */
static const struct syn_case {
	bool old_ts;
	int32_t seq_delta;   /* SYN seq - old RCV.NXT                    */
	bool syn_ts;
	int32_t ts_delta;    /* SYN TSval - old TS.Recent                 */
	bool reused;
	const char *line;    /* the trace line (part of it) that says why */
} syn_cases[] = {
	{ false, 100000, false, 0, true, "timewait: SYN from 76.88.16.99:40000 "
	  "seq=101002 reuses the pair in TIME_WAIT: its sequence number is "
	  "beyond the old connection's (RFC 6191)" },
	{ false, -500, false, 0, false, "timewait: SYN from 76.88.16.99:40000 "
	  "seq=502 refused: its sequence number is not beyond the old "
	  "connection's (old RCV.NXT=1002); TIME_WAIT stays and answers with "
	  "an ACK (RFC 9293 3.10.7.4)" },
	{ true, -500, true, 10, true, "its timestamp is newer than the old "
	  "connection's (RFC 6191)" },
	{ true, 100000, true, -10, false, "refused: its timestamp is not newer "
	  "than the old connection's (old RCV.NXT=1002, TS.Recent=5002)" },
	{ true, 100000, true, 0, true, "equal timestamp, and its sequence "
	  "number is beyond the old connection's (RFC 6191)" },
	{ true, 100000, false, 0, true, "no timestamp, but its sequence number "
	  "is beyond the old connection's (RFC 6191)" },
	{ false, -500, true, 0, true, "it carries timestamps and the old "
	  "connection did not (RFC 6191)" },
};

START_TEST(test_syn_for_timewait_pair_follows_rfc6191)
{
	const struct syn_case *c = &syn_cases[_i];
	struct tw_raw r;
	uint32_t seq;

	tn_setup();
	tw_raw_timewait(&r, c->old_ts);
	seq = r.rcv_nxt + (uint32_t)c->seq_delta;
	tw_raw_syn(seq, c->syn_ts, c->old_ts ? r.ts_recent + (uint32_t)c->ts_delta : 1);
	if (c->reused)
		expect_reused(seq, c->line);
	else
		expect_refused(&r, c->line);
	tn_teardown();
}
END_TEST

START_TEST(test_syn_refused_when_nothing_listens)
{
	struct tw_raw r;

	tn_setup();
	tw_raw_timewait(&r, false);
	ck_assert_int_eq(ts_close(tw_srv(), r.ls), 0);
	tw_raw_syn(r.rcv_nxt + 100000, false, 0);
	expect_refused(&r, "refused: nothing listens on the port");
	tn_teardown();
}
END_TEST

START_TEST(test_syn_refused_during_quiet_time_and_nothing_sent)
{
	struct tw_raw r;
	struct tcp_seg seg;
	struct tcb *tp;

	tn_setup();
	tw_raw_timewait(&r, false);
	ts_set_quiet_until(tw_srv(), tn.now + 5 * TW_SEC);
	tw_raw_syn(r.rcv_nxt + 100000, false, 0);
	ck_assert(!tn_take_seg(TN_SERVER, &seg, NULL, 0));
	tp = tn_tcb(TN_SERVER, TW_PORT, RAW_PEER_IP, TW_PEER_PORT);
	ck_assert_ptr_nonnull(tp);
	ck_assert_int_eq(tp->state, TS_TIME_WAIT);
	tn_expect_line(TN_SERVER, "refused: quiet time (RFC 9293 3.4.3)");
	ck_assert_uint_ge(tn_counter(TN_SERVER, TS_C_TCP_DROP_QUIET), 1);
	tn_teardown();
}
END_TEST

/* ---- an active open over TIME_WAIT ---------------------------------------- */

START_TEST(test_connect_over_timewait_needs_reuse)
{
	const struct ts_addr l1038 = { 0, 1038 }, srv21 = { TN_IP_SERVER, TW_PORT };
	struct tn_pair p;
	struct ts_sockinfo info;
	uint32_t old_snd_nxt;
	struct tcb *tw;
	int s;

	tn_setup();
	tn_pair_open(&p, TW_PORT, 1038);
	/* This time the client closes first: its side waits. */
	ck_assert_int_eq(ts_close(tw_cli(), p.cs), 0);
	tn_run(10 * TW_MS);
	ck_assert_int_eq(ts_close(tw_srv(), p.as), 0);
	tn_run(10 * TW_MS);
	tw = tn_tcb(TN_CLIENT, 1038, TN_IP_SERVER, TW_PORT);
	ck_assert_ptr_nonnull(tw);
	ck_assert_int_eq(tw->state, TS_TIME_WAIT);
	old_snd_nxt = tw->snd_nxt;

	s = ts_socket(tw_cli());
	ck_assert_int_eq(ts_bind(tw_cli(), s, &l1038), -EADDRINUSE);
	ck_assert_int_eq(ts_setopt(tw_cli(), s, TS_OPT_REUSEADDR, 1), 0);
	ck_assert_int_eq(ts_bind(tw_cli(), s, &l1038), 0);
	tn_watch(TN_CLIENT, s);
	ck_assert_int_eq(ts_connect(tw_cli(), s, &srv21), -EINPROGRESS);
	tn_expect_line(TN_CLIENT, "TIME_WAIT -> CLOSED (connect() reuses the "
		       "pair (SO_REUSEADDR))");
	ck_assert_int_eq(ts_getinfo(tw_cli(), s, &info), 0);
	ck_assert(seq_gt(info.iss, old_snd_nxt));
	tn_run(100 * TW_MS);
	ck_assert_int_eq(tn_state(TN_CLIENT, s), TS_ESTABLISHED);
	ck_assert_int_ge(tn_accept(TN_SERVER, p.ls), 0);
	tn_teardown();
}
END_TEST

/* ---- quiet time (RFC 9293 3.4.3) -------------------------------------------- */

START_TEST(test_quiet_time_accepts_nothing_until_it_ends)
{
	ts_time_t quiet_end;
	int ls, cs, idx;

	tn_setup();
	ls = tn_listen(TN_SERVER, TW_PORT);
	quiet_end = tn.now + 5 * TW_SEC;
	ts_set_quiet_until(tw_srv(), quiet_end);
	tn_expect_line(TN_SERVER, "quiet time: no segments sent or accepted for "
		       "5000 ms (RFC 9293 3.4.3)");
	cs = tn_connect(TN_CLIENT, TN_IP_SERVER, TW_PORT, 1038);

	tn_run(4900 * TW_MS);
	ck_assert_int_eq(tn_state(TN_CLIENT, cs), TS_SYN_SENT);
	ck_assert_uint_ge(tn_counter(TN_SERVER, TS_C_TCP_DROP_QUIET), 2);
	tn_expect_no_line(TN_SERVER, "76.88.16.16:21 > 76.88.16.104:1038 SYN,ACK");

	/* The client's next SYN (at 7 s) is taken. */
	tn_run(5 * TW_SEC);
	ck_assert_int_eq(tn_state(TN_CLIENT, cs), TS_ESTABLISHED);
	idx = tn_expect_line(TN_SERVER, "76.88.16.16:21 > 76.88.16.104:1038 SYN,ACK");
	ck_assert(tn_line_time(TN_SERVER, idx) >= quiet_end);
	ck_assert_int_ge(tn_accept(TN_SERVER, ls), 0);
	tn_teardown();
}
END_TEST

START_TEST(test_quiet_time_holds_our_syn_until_it_ends)
{
	const struct ts_addr cli2121 = { TN_IP_CLIENT, 2121 };
	ts_time_t quiet_end;
	int s, idx;

	tn_setup();
	tn_listen(TN_CLIENT, 2121);
	quiet_end = tn.now + 2 * TW_SEC;
	ts_set_quiet_until(tw_srv(), quiet_end);
	s = ts_socket(tw_srv());
	tn_watch(TN_SERVER, s);
	ck_assert_int_eq(ts_connect(tw_srv(), s, &cli2121), -EINPROGRESS);
	tn_run(1900 * TW_MS);
	tn_expect_no_line(TN_SERVER, "> 76.88.16.104:2121 SYN");
	ck_assert_int_eq(tn_state(TN_SERVER, s), TS_SYN_SENT);
	tn_run(TW_SEC);
	idx = tn_expect_line(TN_SERVER, "> 76.88.16.104:2121 SYN");
	ck_assert(tn_line_time(TN_SERVER, idx) >= quiet_end);
	ck_assert_int_eq(tn_state(TN_SERVER, s), TS_ESTABLISHED);
	tn_teardown();
}
END_TEST

static Suite *timewait_suite(void)
{
	Suite *s = suite_create("tcp_timewait");
	TCase *bind = tcase_create("bind");
	TCase *syn = tcase_create("rfc6191");
	TCase *quiet = tcase_create("quiet_time");

	tcase_add_test(bind, test_bind_refused_while_timewait_lasts_then_allowed);
	tcase_add_test(bind, test_bind_with_reuse_addr_over_timewait);
	tcase_add_test(bind, test_timewait_count_and_message_name_every_connection);
	tcase_add_test(bind, test_connect_over_timewait_needs_reuse);
	tcase_add_loop_test(syn, test_syn_for_timewait_pair_follows_rfc6191, 0,
			    (int)(sizeof(syn_cases) / sizeof(syn_cases[0])));
	tcase_add_test(syn, test_syn_refused_when_nothing_listens);
	tcase_add_test(syn, test_syn_refused_during_quiet_time_and_nothing_sent);
	tcase_add_test(quiet, test_quiet_time_accepts_nothing_until_it_ends);
	tcase_add_test(quiet, test_quiet_time_holds_our_syn_until_it_ends);
	suite_add_tcase(s, bind);
	suite_add_tcase(s, syn);
	suite_add_tcase(s, quiet);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(timewait_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
