/*
 * The seed's story, golden: the FTP client 76.88.16.104:1038 opens the
 * control connection to 76.88.16.16:21 with the ISNs of the seed's figure
 * 2, and a connection with the ISNs of its figure 4 is closed by the
 * server first (frames 17-20), every ack shown as peer_seq+1.
 */
#include <check.h>
#include <stdlib.h>

#include "tcp_fixture.h"

#define SEED_CLIENT_ISN 1791872318u
#define SEED_SERVER_ISN 3880988084u
/* Figure 4: the server's FIN has seq 1803774978 and the client's FIN
 * 846902939; with no data sent, FIN seq = ISN + 1. */
#define SEED_CLOSE_SERVER_ISN 1803774977u
#define SEED_CLOSE_CLIENT_ISN 846902938u

START_TEST(test_seed_handshake_golden_trace)
{
	int ls, cs, as;

	tn_setup_isn(SEED_CLIENT_ISN, SEED_SERVER_ISN);
	ls = tn_listen(TN_SERVER, 21);
	cs = tn_connect(TN_CLIENT, TN_IP_SERVER, 21, 1038);
	tn_run(100000);
	as = tn_accept(TN_SERVER, ls);
	ck_assert_int_ge(as, 0);
	ck_assert_int_eq(tn_state(TN_CLIENT, cs), TS_ESTABLISHED);
	ck_assert_int_eq(tn_state(TN_SERVER, as), TS_ESTABLISHED);

	/* Figure 2, lines 1-3, as both ends see them. */
	tn_expect_line(TN_CLIENT, "76.88.16.104:1038 > 76.88.16.16:21 SYN seq=1791872318 win=");
	tn_expect_line(TN_CLIENT, "76.88.16.16:21 > 76.88.16.104:1038 SYN,ACK seq=3880988084 ack=1791872319 (1791872318+1) win=");
	tn_expect_line(TN_CLIENT, "76.88.16.104:1038 > 76.88.16.16:21 ACK seq=1791872319 ack=3880988085 (3880988084+1) win=");
	tn_expect_line(TN_SERVER, "76.88.16.104:1038 > 76.88.16.16:21 SYN seq=1791872318 win=");
	tn_expect_line(TN_SERVER, "76.88.16.16:21 > 76.88.16.104:1038 SYN,ACK seq=3880988084 ack=1791872319 (1791872318+1) win=");
	tn_expect_line(TN_SERVER, "76.88.16.104:1038 > 76.88.16.16:21 ACK seq=1791872319 ack=3880988085 (3880988084+1) win=");
	/* The announced MSS is Ethernet's 1500 - 40. */
	tn_expect_line(TN_CLIENT, "SYN seq=1791872318 win=65535 len=0 <mss 1460");
	{
		static const char *const client[] = {
			"state 76.88.16.104:1038 <-> 76.88.16.16:21 CLOSED -> SYN_SENT",
			"seg #1 ",
			"SYN,ACK seq=3880988084",
			"state 76.88.16.104:1038 <-> 76.88.16.16:21 SYN_SENT -> ESTABLISHED",
			"ACK seq=1791872319 ack=3880988085",
		};
		static const char *const server[] = {
			"state 76.88.16.16:21 <-> 0.0.0.0:0 CLOSED -> LISTEN (listen())",
			"SYN seq=1791872318",
			"state 76.88.16.16:21 <-> 76.88.16.104:1038 LISTEN -> SYN_RECEIVED",
			"SYN,ACK seq=3880988084",
			"ACK seq=1791872319 ack=3880988085",
			"state 76.88.16.16:21 <-> 76.88.16.104:1038 SYN_RECEIVED -> ESTABLISHED",
		};
		tn_expect_order(TN_CLIENT, client, sizeof(client) / sizeof(client[0]));
		tn_expect_order(TN_SERVER, server, sizeof(server) / sizeof(server[0]));
	}
	tn_teardown();
}
END_TEST

/* The client closes once it has read the server's FIN (as the seed's FTP
 * client does after "bye"), so its ACK and its FIN are two segments. */
static void close_on_eof(struct ts_stack *st, int sock, unsigned ev, void *arg)
{
	char buf[64];

	(void)arg;
	if (ev & TS_EV_EOF) {
		while (ts_recv(st, sock, buf, sizeof(buf)) > 0)
			;
		ts_close(st, sock);
	}
}

START_TEST(test_seed_server_first_close_golden_trace)
{
	int ls, cs, as;

	tn_setup_isn(SEED_CLOSE_CLIENT_ISN, SEED_CLOSE_SERVER_ISN);
	ls = tn_listen(TN_SERVER, 21);
	cs = tn_connect(TN_CLIENT, TN_IP_SERVER, 21, 1028);
	tn_run(100000);
	as = tn_accept(TN_SERVER, ls);
	ck_assert_int_ge(as, 0);
	ts_set_callback(tn.node[TN_CLIENT].st, cs, close_on_eof, NULL);

	/* "bye": the server closes first. */
	ck_assert_int_eq(ts_close(tn.node[TN_SERVER].st, as), 0);
	tn_run(100000);

	/* Figure 4, lines 17-20. */
	{
		static const char *const frames[] = {
			"76.88.16.16:21 > 76.88.16.104:1028 FIN,ACK seq=1803774978 ack=846902939 (846902938+1)",
			"76.88.16.104:1028 > 76.88.16.16:21 ACK seq=846902939 ack=1803774979 (1803774978+1)",
			"76.88.16.104:1028 > 76.88.16.16:21 FIN,ACK seq=846902939 ack=1803774979 (1803774978+1)",
			"76.88.16.16:21 > 76.88.16.104:1028 ACK seq=1803774979 ack=846902940 (846902939+1)",
		};
		tn_expect_order(TN_SERVER, frames, 4);
		tn_expect_order(TN_CLIENT, frames, 4);
	}
	/* The server (active closer) waits in TIME_WAIT... */
	{
		static const char *const server[] = {
			"ESTABLISHED -> FIN_WAIT_1 (close(), sending FIN)",
			"FIN_WAIT_1 -> FIN_WAIT_2 (rcvd ACK of FIN)",
			"FIN_WAIT_2 -> TIME_WAIT (rcvd FIN)",
		};
		static const char *const client[] = {
			"ESTABLISHED -> CLOSE_WAIT (rcvd FIN)",
			"CLOSE_WAIT -> LAST_ACK (close(), sending FIN)",
			"LAST_ACK -> CLOSED (rcvd ACK of FIN)",
		};
		tn_expect_order(TN_SERVER, server, 3);
		tn_expect_order(TN_CLIENT, client, 3);
	}
	ck_assert_int_lt(tn_find(TN_SERVER, "TIME_WAIT -> CLOSED", 0), 0);
	/* ...for 2MSL (MSL 30 s): still there just before 60 s... */
	tn_run(59 * TS_USEC_PER_SEC);
	ck_assert_int_lt(tn_find(TN_SERVER, "TIME_WAIT -> CLOSED", 0), 0);
	/* ...and gone after. */
	tn_run(2 * TS_USEC_PER_SEC);
	tn_expect_line(TN_SERVER, "state 76.88.16.16:21 <-> 76.88.16.104:1028 TIME_WAIT -> CLOSED (2MSL expired)");
	ts_close(tn.node[TN_SERVER].st, ls);
	tn_teardown_check(true);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcp_seed");
	TCase *tc = tcase_create("seed");

	tcase_add_test(tc, test_seed_handshake_golden_trace);
	tcase_add_test(tc, test_seed_server_first_close_golden_trace);
	suite_add_tcase(s, tc);
	return tn_run_suite(s);
}
