/*
 * check_tcp_rst.c - what a reset does and when one is believed: RST on a
 * connect to a closed port (connection refused), and the acceptance rules
 * of RFC 9293 3.10.7.4 with RFC 5961: a RST at RCV.NXT resets, one
 * elsewhere in the window earns a challenge ACK, one outside is ignored;
 * a SYN in ESTABLISHED gets a challenge ACK; an ACK beyond SND.NXT is
 * answered and dropped; challenge ACKs are rate limited; TIME_WAIT
 * ignores RSTs (RFC 1337).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fixture.h"

#define MSL_US (30ULL * TS_USEC_PER_SEC) /* the fixture's msl_ms */
#define PEER_ISN 5000u

/* ---- resets and RFC 5961 ------------------------------------------------------ */

START_TEST(test_connect_to_closed_port_refused)
{
	int s, err;
	char b, msg[128];

	tn_setup();
	s = tn_connect(TN_CLIENT, TN_IP_SERVER, 9, 1038);
	tn_run(100000);
	ck_assert_int_eq(tn_state(TN_CLIENT, s), TS_CLOSED);
	err = ts_sock_error(tn_st(TN_CLIENT), s);
	ck_assert_int_eq(err, -ECONNREFUSED);
	ck_assert_ptr_nonnull(strstr(ts_strerror(err), "connection refused"));
	/* The socket's own message names the cause it saw: a RST. */
	ck_assert_str_eq(ts_sock_strerror(tn_st(TN_CLIENT), s, msg, sizeof(msg)),
			 "connection refused (RST received): nothing listens on "
			 "that port");
	ck_assert_uint_ne(tn.node[TN_CLIENT].events[s] & TS_EV_ERROR, 0);
	ck_assert_uint_eq(tn.node[TN_CLIENT].events[s] & TS_EV_CONNECTED, 0);
	tn_expect_line(TN_CLIENT, "SYN_SENT -> CLOSED (rcvd RST: connection refused)");
	tn_expect_line(TN_SERVER, "76.88.16.16:9 > 76.88.16.104:1038 RST,ACK");
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_DROP_NO_SOCKET), 1);
	ck_assert_int_eq(ts_recv(tn_st(TN_CLIENT), s, &b, 1), -ECONNREFUSED);
	tn_teardown();
}
END_TEST

static void raw_established(struct tn_raw *c, struct ts_sockinfo *i)
{
	tn_setup();
	tn_raw_passive(c, TN_SERVER, 21, 4000, PEER_ISN, NULL);
	*i = tn_info(TN_SERVER, c->sock);
	ck_assert_uint_eq(i->rcv_nxt, c->snd_nxt);
	ck_assert_uint_eq(i->snd_nxt, c->rcv_nxt);
}

START_TEST(test_rst_exact_seq_resets)
{
	struct ts_sockinfo i;
	struct tn_raw c;

	raw_established(&c, &i);
	tn_raw_send(&c, TCP_RST, NULL, 0);
	ck_assert_int_eq(tn_state(TN_SERVER, c.sock), TS_CLOSED);
	ck_assert_int_eq(ts_sock_error(tn_st(TN_SERVER), c.sock), -ECONNRESET);
	ck_assert_uint_ne(tn.node[TN_SERVER].events[c.sock] & TS_EV_ERROR, 0);
	tn_expect_line(TN_SERVER, "ESTABLISHED -> CLOSED (rcvd RST: connection reset)");
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_RST_RX), 1);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_ESTAB_RESETS), 1);
	ck_assert_uint_eq(tn.node[TN_SERVER].nraw_out, 0);
	tn_teardown();
}
END_TEST

START_TEST(test_rst_in_window_not_exact_challenge_ack)
{
	struct ts_sockinfo i;
	struct tcp_seg seg;
	struct tn_raw c;

	raw_established(&c, &i);
	tn_inject(TN_SERVER, 4000, 21, c.snd_nxt + 100, 0, TCP_RST, 0, NULL, 0, NULL);
	ck_assert_int_eq(tn_state(TN_SERVER, c.sock), TS_ESTABLISHED);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_CHALLENGE_ACKS), 1);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.flags, TCP_ACK);
	ck_assert_uint_eq(seg.seq, i.snd_nxt);
	ck_assert_uint_eq(seg.ack, i.rcv_nxt);
	/* The true peer answers the challenge with an exact RST. */
	tn_raw_send(&c, TCP_RST, NULL, 0);
	ck_assert_int_eq(ts_sock_error(tn_st(TN_SERVER), c.sock), -ECONNRESET);
	tn_teardown();
}
END_TEST

START_TEST(test_rst_outside_window_ignored)
{
	struct ts_sockinfo i;
	struct tn_raw c;

	raw_established(&c, &i);
	/* No window scale offered: the window is at most 65535. */
	tn_inject(TN_SERVER, 4000, 21, c.snd_nxt + 70000, 0, TCP_RST, 0, NULL, 0, NULL);
	tn_inject(TN_SERVER, 4000, 21, c.snd_nxt - 1, 0, TCP_RST, 0, NULL, 0, NULL);
	ck_assert_int_eq(tn_state(TN_SERVER, c.sock), TS_ESTABLISHED);
	ck_assert_uint_eq(tn.node[TN_SERVER].nraw_out, 0);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_DROP_UNACCEPTABLE), 2);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_CHALLENGE_ACKS), 0);
	tn_teardown();
}
END_TEST

START_TEST(test_syn_in_established_challenge_ack)
{
	struct ts_sockinfo i;
	struct tcp_seg seg;
	struct tn_raw c;

	raw_established(&c, &i);
	tn_syn(TN_SERVER, 4000, 21, c.snd_nxt);
	ck_assert_int_eq(tn_state(TN_SERVER, c.sock), TS_ESTABLISHED);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_CHALLENGE_ACKS), 1);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.flags, TCP_ACK);
	ck_assert_uint_eq(seg.seq, i.snd_nxt);
	ck_assert_uint_eq(seg.ack, i.rcv_nxt);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_RST_TX), 0);
	tn_teardown();
}
END_TEST

START_TEST(test_ack_beyond_snd_nxt_acked_and_dropped)
{
	struct ts_sockinfo i;
	struct tcp_seg seg;
	struct tn_raw c;

	raw_established(&c, &i);
	tn_inject(TN_SERVER, 4000, 21, c.snd_nxt, i.snd_nxt + 1000, TCP_ACK,
		  65535, "xyz", 3, NULL);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.flags, TCP_ACK);
	ck_assert_uint_eq(seg.ack, i.rcv_nxt); /* the data was not taken */
	ck_assert_uint_eq(ts_readable(tn_st(TN_SERVER), c.sock), 0);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_DROP_BAD_ACK), 1);
	ck_assert_uint_eq(tn_info(TN_SERVER, c.sock).snd_una, i.snd_una);
	ck_assert_int_eq(tn_state(TN_SERVER, c.sock), TS_ESTABLISHED);
	tn_teardown();
}
END_TEST

/* RFC 5961 7: at most TS_CHALLENGE_ACK_LIMIT challenge ACKs a second. */
START_TEST(test_challenge_ack_rate_limited)
{
	struct ts_sockinfo i;
	struct tn_raw c;
	unsigned k;

	raw_established(&c, &i);
	for (k = 0; k < TS_CHALLENGE_ACK_LIMIT + 100; k++) {
		tn_inject(TN_SERVER, 4000, 21, c.snd_nxt + 1 + k, 0, TCP_RST, 0,
			  NULL, 0, NULL);
		tn_clear_raw(TN_SERVER);
	}
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_CHALLENGE_ACKS),
			  TS_CHALLENGE_ACK_LIMIT);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_CHALLENGE_LIMITED), 100);
	tn_run(TS_USEC_PER_SEC);
	tn_inject(TN_SERVER, 4000, 21, c.snd_nxt + 1, 0, TCP_RST, 0, NULL, 0, NULL);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_CHALLENGE_ACKS),
			  TS_CHALLENGE_ACK_LIMIT + 1);
	ck_assert_int_eq(tn_state(TN_SERVER, c.sock), TS_ESTABLISHED);
	tn_teardown();
}
END_TEST

/* RFC 1337: a RST must not end TIME_WAIT early. */
START_TEST(test_rst_in_time_wait_ignored)
{
	struct ts_sockinfo i;
	struct tcp_seg seg;
	struct tn_raw c;

	raw_established(&c, &i);
	ts_shutdown(tn_st(TN_SERVER), c.sock, TS_SHUT_WR);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_ne(seg.flags & TCP_FIN, 0);
	tn_raw_send(&c, TCP_FIN | TCP_ACK, NULL, 0);
	ck_assert_int_eq(tn_state(TN_SERVER, c.sock), TS_TIME_WAIT);
	tn_clear_raw(TN_SERVER);
	tn_raw_send(&c, TCP_RST, NULL, 0);
	ck_assert_int_eq(tn_state(TN_SERVER, c.sock), TS_TIME_WAIT);
	tn_expect_line(TN_SERVER, "RST ignored in TIME_WAIT (RFC 1337)");
	tn_run(2 * MSL_US);
	ck_assert_int_eq(tn_state(TN_SERVER, c.sock), TS_CLOSED);
	ck_assert_int_eq(ts_sock_error(tn_st(TN_SERVER), c.sock), 0);
	tn_teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcp_rst");
	TCase *rst = tcase_create("rst");

	tcase_add_test(rst, test_connect_to_closed_port_refused);
	tcase_add_test(rst, test_rst_exact_seq_resets);
	tcase_add_test(rst, test_rst_in_window_not_exact_challenge_ack);
	tcase_add_test(rst, test_rst_outside_window_ignored);
	tcase_add_test(rst, test_syn_in_established_challenge_ack);
	tcase_add_test(rst, test_ack_beyond_snd_nxt_acked_and_dropped);
	tcase_add_test(rst, test_challenge_ack_rate_limited);
	tcase_add_test(rst, test_rst_in_time_wait_ignored);
	suite_add_tcase(s, rst);
	return tn_run_suite(s);
}
