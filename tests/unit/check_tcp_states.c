/*
 * check_tcp_states.c - every arc of the RFC 9293 state diagram (section
 * 3.3.2, figure 5), checked twice: the state ts_getinfo() reports and the
 * state line of the trace. Plus half-close, connection refused, and the
 * RST/SYN/ACK acceptance rules of RFC 9293 3.10.7.4 with RFC 5961 and
 * RFC 1337.
 *
 * Two stacks on the fixture's wire play client and server; where a test
 * needs segments no well-behaved stack sends, a raw peer (tn_raw_*) speaks
 * for one side. Virtual time only.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fixture.h"

#define MSL_US (30ULL * TS_USEC_PER_SEC) /* the fixture's msl_ms */
#define PEER_ISN 5000u

/* A socket of node bound to port, with events recorded. */
static int bound_socket(unsigned node, uint16_t port)
{
	struct ts_addr a = { 0, port };
	int s = ts_socket(tn_st(node));

	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(ts_bind(tn_st(node), s, &a), 0);
	tn_watch(node, s);
	return s;
}

static void open_pair(struct tn_pair *p)
{
	tn_setup();
	tn_pair_open(p, 21, 1038);
}

/* ---- opening ------------------------------------------------------------ */

START_TEST(test_closed_to_listen)
{
	int s;

	tn_setup();
	s = bound_socket(TN_SERVER, 21);
	ck_assert_int_eq(tn_state(TN_SERVER, s), TS_CLOSED);
	ck_assert_int_eq(ts_listen(tn_st(TN_SERVER), s, 4), 0);
	ck_assert_int_eq(tn_state(TN_SERVER, s), TS_LISTEN);
	tn_expect_line(TN_SERVER,
		       "state 76.88.16.16:21 <-> 0.0.0.0:0 CLOSED -> LISTEN (listen())");
	tn_teardown();
}
END_TEST

START_TEST(test_listen_to_syn_received)
{
	struct tcp_seg seg;
	struct tcb *child;
	int ls;

	tn_setup();
	ls = tn_listen(TN_SERVER, 21);
	tn_syn(TN_SERVER, 4000, 21, PEER_ISN);
	child = tn_tcb(TN_SERVER, 21, RAW_PEER_IP, 4000);
	ck_assert_ptr_nonnull(child);
	ck_assert_int_eq(child->state, TS_SYN_RECEIVED);
	ck_assert_int_eq(tn_state(TN_SERVER, ls), TS_LISTEN);
	tn_expect_line(TN_SERVER, "state 76.88.16.16:21 <-> 76.88.16.99:4000 "
				  "LISTEN -> SYN_RECEIVED (rcvd SYN, sending SYN,ACK)");
	ck_assert(tn_take_seg(TN_SERVER, &seg, NULL, 0));
	ck_assert_uint_eq(seg.flags, TCP_SYN | TCP_ACK);
	ck_assert_uint_eq(seg.ack, PEER_ISN + 1);
	ck_assert(seg.opt.mss_present);
	ck_assert_uint_eq(seg.opt.mss, 1460);
	/* The peer offered no window scale, SACK or timestamps: none back. */
	ck_assert(!seg.opt.wscale_present && !seg.opt.sack_ok && !seg.opt.ts_present);
	ck_assert_int_eq(ts_accept(tn_st(TN_SERVER), ls, NULL), -EAGAIN);
	tn_teardown();
}
END_TEST

START_TEST(test_syn_received_to_established)
{
	struct tn_raw c;

	tn_setup();
	tn_raw_passive(&c, TN_SERVER, 21, 4000, PEER_ISN, NULL);
	ck_assert_int_eq(tn_state(TN_SERVER, c.sock), TS_ESTABLISHED);
	ck_assert_uint_eq(tn.node[TN_SERVER].events[c.lsock] & TS_EV_ACCEPT,
			  TS_EV_ACCEPT);
	tn_expect_line(TN_SERVER, "state 76.88.16.16:21 <-> 76.88.16.99:4000 "
				  "SYN_RECEIVED -> ESTABLISHED (rcvd ACK of SYN,ACK)");
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_PASSIVE_OPENS), 1);
	tn_teardown();
}
END_TEST

START_TEST(test_closed_to_syn_sent)
{
	struct ts_sockinfo i;
	struct tcp_seg seg;
	int s;

	tn_setup();
	s = tn_connect(TN_CLIENT, RAW_PEER_IP, 21, 1038);
	i = tn_info(TN_CLIENT, s);
	ck_assert_int_eq(i.state, TS_SYN_SENT);
	tn_expect_line(TN_CLIENT, "state 76.88.16.104:1038 <-> 76.88.16.99:21 "
				  "CLOSED -> SYN_SENT (connect(), sending SYN)");
	ck_assert(tn_take_seg(TN_CLIENT, &seg, NULL, 0));
	ck_assert_uint_eq(seg.flags, TCP_SYN);
	ck_assert_uint_eq(seg.seq, i.iss);
	ck_assert_uint_eq(i.snd_nxt, i.iss + 1);
	ck_assert_int_eq(ts_connect(tn_st(TN_CLIENT), s,
				    &(struct ts_addr){ RAW_PEER_IP, 21 }),
			 -EALREADY);
	tn_teardown();
}
END_TEST

START_TEST(test_syn_sent_to_established)
{
	struct tn_raw c;

	tn_setup();
	tn_raw_active(&c, TN_CLIENT, 21, PEER_ISN, NULL);
	ck_assert_int_eq(tn_state(TN_CLIENT, c.sock), TS_ESTABLISHED);
	tn_expect_line(TN_CLIENT, "SYN_SENT -> ESTABLISHED (rcvd SYN,ACK, sending ACK)");
	ts_dispatch(tn_st(TN_CLIENT));
	ck_assert_uint_eq(tn.node[TN_CLIENT].events[c.sock] &
				  (TS_EV_CONNECTED | TS_EV_WRITE),
			  TS_EV_CONNECTED | TS_EV_WRITE);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_ACTIVE_OPENS), 1);
	tn_teardown();
}
END_TEST

/* Two stacks connect to each other's port at the same instant: both SYNs
 * cross, both go SYN_SENT -> SYN_RECEIVED -> ESTABLISHED (figure 8). */
START_TEST(test_simultaneous_open_two_stacks)
{
	struct ts_addr to_server = { TN_IP_SERVER, 6000 };
	struct ts_addr to_client = { TN_IP_CLIENT, 5000 };
	int c, s;
	unsigned n;

	tn_setup();
	c = bound_socket(TN_CLIENT, 5000);
	s = bound_socket(TN_SERVER, 6000);
	ck_assert_int_eq(ts_connect(tn_st(TN_CLIENT), c, &to_server), -EINPROGRESS);
	ck_assert_int_eq(ts_connect(tn_st(TN_SERVER), s, &to_client), -EINPROGRESS);
	tn_run(TS_USEC_PER_SEC);
	for (n = 0; n < 2; n++) {
		int sock = n == TN_CLIENT ? c : s;
		static const char *const arcs[] = {
			"CLOSED -> SYN_SENT (connect(), sending SYN)",
			"SYN_SENT -> SYN_RECEIVED (rcvd SYN (simultaneous open)",
			"SYN_RECEIVED -> ESTABLISHED",
		};

		ck_assert_int_eq(tn_state(n, sock), TS_ESTABLISHED);
		tn_expect_order(n, arcs, 3);
		ck_assert_uint_ne(tn.node[n].events[sock] & TS_EV_CONNECTED, 0);
	}
	/* The connection works both ways. */
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), c, "ping", 4, 0), 4);
	ck_assert_int_eq(ts_send(tn_st(TN_SERVER), s, "pong", 4, 0), 4);
	tn_run(100000);
	{
		char buf[8];

		ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), s, buf, sizeof(buf)), 4);
		ck_assert_int_eq(memcmp(buf, "ping", 4), 0);
		ck_assert_int_eq(ts_recv(tn_st(TN_CLIENT), c, buf, sizeof(buf)), 4);
		ck_assert_int_eq(memcmp(buf, "pong", 4), 0);
	}
	tn_teardown();
}
END_TEST

/* The raw peer answers our SYN with a bare SYN (its own active open). */
START_TEST(test_syn_sent_bare_syn_to_syn_received)
{
	struct tn_raw c = { .node = TN_CLIENT, .peer_port = 80, .wnd = 65535 };
	struct ts_sockinfo i;
	struct tcp_seg seg;

	tn_setup();
	c.sock = tn_connect(TN_CLIENT, RAW_PEER_IP, 80, 0);
	i = tn_info(TN_CLIENT, c.sock);
	c.port = i.local.port;
	tn_raw_expect(&c, &seg, NULL, 0);
	c.snd_nxt = PEER_ISN;
	tn_raw_send(&c, TCP_SYN, NULL, 0);
	ck_assert_int_eq(tn_state(TN_CLIENT, c.sock), TS_SYN_RECEIVED);
	tn_expect_line(TN_CLIENT, "SYN_SENT -> SYN_RECEIVED (rcvd SYN (simultaneous open), sending SYN,ACK)");
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.flags, TCP_SYN | TCP_ACK);
	ck_assert_uint_eq(seg.seq, i.iss);
	ck_assert_uint_eq(seg.ack, PEER_ISN + 1);
	tn_raw_send(&c, TCP_ACK, NULL, 0);
	ck_assert_int_eq(tn_state(TN_CLIENT, c.sock), TS_ESTABLISHED);
	tn_expect_line(TN_CLIENT, "SYN_RECEIVED -> ESTABLISHED");
	ck_assert_uint_ne(tn.node[TN_CLIENT].events[c.sock] & TS_EV_CONNECTED, 0);
	tn_teardown();
}
END_TEST

START_TEST(test_syn_sent_close_returns_to_closed)
{
	struct ts_sockinfo i;
	struct tcp_seg seg;
	int s;

	tn_setup();
	s = tn_connect(TN_CLIENT, RAW_PEER_IP, 21, 1038);
	i = tn_info(TN_CLIENT, s);
	ck_assert_int_eq(ts_close(tn_st(TN_CLIENT), s), 0);
	tn_expect_line(TN_CLIENT, "SYN_SENT -> CLOSED (close() before the handshake)");
	ck_assert_int_eq(ts_getinfo(tn_st(TN_CLIENT), s, &i), -EBADF);
	ck_assert_uint_eq(tn_st(TN_CLIENT)->tcp.nconns, 0);
	tn_clear_raw(TN_CLIENT);
	tn_run(10 * TS_USEC_PER_SEC);
	ck_assert_uint_eq(tn.node[TN_CLIENT].nraw_out, 0); /* no SYN again */
	/* A late SYN,ACK finds no connection: RST. */
	tn_inject(TN_CLIENT, 21, 1038, PEER_ISN, i.iss + 1, TCP_SYN | TCP_ACK,
		  65535, NULL, 0, NULL);
	ck_assert(tn_take_seg(TN_CLIENT, &seg, NULL, 0));
	ck_assert_uint_eq(seg.flags, TCP_RST);
	ck_assert_uint_eq(seg.seq, i.iss + 1);
	tn_teardown_check(true);
}
END_TEST

/* A connect() during quiet time (RFC 9293 3.4.3) sends its SYN when the
 * quiet time ends: its first SYN, not a retransmission (no backoff, one
 * retry fewer, or a lost RTT sample would follow). */
START_TEST(test_connect_in_quiet_time_first_syn_is_not_a_retransmission)
{
	ts_time_t quiet_end;
	int ls, cs, line;

	tn_setup();
	ls = tn_listen(TN_SERVER, 21);
	quiet_end = tn.now + 2 * TS_USEC_PER_SEC;
	ts_set_quiet_until(tn_st(TN_CLIENT), quiet_end);
	cs = tn_connect(TN_CLIENT, TN_IP_SERVER, 21, 1038);
	ck_assert_int_eq(tn_state(TN_CLIENT, cs), TS_SYN_SENT);
	tn_run(3 * TS_USEC_PER_SEC);
	ck_assert_int_eq(tn_state(TN_CLIENT, cs), TS_ESTABLISHED);
	line = tn_expect_line(TN_CLIENT, "76.88.16.104:1038 > 76.88.16.16:21 SYN seq=");
	ck_assert_uint_eq(tn_line_time(TN_CLIENT, line), quiet_end);
	ck_assert_uint_eq(tn_count(TN_CLIENT, " SYN seq="), 1);
	tn_expect_no_line(TN_CLIENT, "retransmitting SYN");
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 0);
	ck_assert_uint_eq(tn_info(TN_CLIENT, cs).srtt_us, 2000);
	ck_assert_int_ge(ts_accept(tn_st(TN_SERVER), ls, NULL), 0);
	tn_teardown();
}
END_TEST

static void cfg_syn_retries_3(unsigned node, struct ts_stack_config *cfg)
{
	(void)node;
	cfg->syn_retries = 3;
}

/* No answer: SYN at 0, again at 1, 3 and 7 s (RFC 6298 initial RTO 1 s,
 * doubled each time), then ETIMEDOUT at 15 s. */
START_TEST(test_syn_sent_timeout_etimedout)
{
	static const ts_time_t expect_s[] = { 0, 1, 3, 7 };
	struct tn_node *n;
	ts_time_t t0;
	unsigned k;
	int s, line;

	tn_setup_cfg(0, 0, cfg_syn_retries_3);
	n = &tn.node[TN_CLIENT];
	t0 = tn.now;
	s = tn_connect(TN_CLIENT, RAW_PEER_IP, 21, 1038);
	tn_run(60 * TS_USEC_PER_SEC);
	ck_assert_uint_eq(n->nraw_out, 4);
	for (k = 0; k < 4; k++) {
		struct tcp_seg seg;

		ck_assert_uint_eq(n->raw_out[0].at - t0, expect_s[k] * TS_USEC_PER_SEC);
		ck_assert(tn_take_seg(TN_CLIENT, &seg, NULL, 0));
		ck_assert_uint_eq(seg.flags, TCP_SYN);
	}
	ck_assert_int_eq(tn_state(TN_CLIENT, s), TS_CLOSED);
	ck_assert_int_eq(ts_sock_error(tn_st(TN_CLIENT), s), -ETIMEDOUT);
	ck_assert_uint_ne(n->events[s] & TS_EV_ERROR, 0);
	ck_assert_ptr_nonnull(strstr(ts_strerror(-ETIMEDOUT), "timed out"));
	line = tn_expect_line(TN_CLIENT, "SYN_SENT -> CLOSED (timeout: no SYN,ACK after all SYN retries)");
	ck_assert_uint_eq(tn_line_time(TN_CLIENT, line) - t0, 15 * TS_USEC_PER_SEC);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_GIVEUPS), 1);
	ck_assert_int_eq(ts_recv(tn_st(TN_CLIENT), s, &k, 1), -ETIMEDOUT);
	ck_assert_int_eq(ts_close(tn_st(TN_CLIENT), s), 0);
	tn_teardown_check(true);
}
END_TEST

/* The server listens on 21; the raw peer's SYN from port 4000 made a
 * half-open child, whose SYN,ACK is taken. Returns the listener. */
static int listener_with_half_open(void)
{
	struct tcp_seg seg;
	int ls;

	tn_setup();
	ls = tn_listen(TN_SERVER, 21);
	tn_syn(TN_SERVER, 4000, 21, PEER_ISN);
	ck_assert(tn_take_seg(TN_SERVER, &seg, NULL, 0));
	ck_assert_uint_eq(seg.flags, TCP_SYN | TCP_ACK);
	ck_assert_uint_eq(seg.ack, PEER_ISN + 1);
	return ls;
}

START_TEST(test_syn_received_rst_returns_to_listen)
{
	struct tcp_seg seg;
	int ls = listener_with_half_open();

	tn_inject(TN_SERVER, 4000, 21, PEER_ISN + 1, 0, TCP_RST, 0, NULL, 0, NULL);
	tn_expect_line(TN_SERVER, "state 76.88.16.16:21 <-> 76.88.16.99:4000 "
				  "SYN_RECEIVED -> LISTEN (rcvd RST)");
	ck_assert_ptr_null(tn_tcb(TN_SERVER, 21, RAW_PEER_IP, 4000));
	ck_assert_int_eq(tn_state(TN_SERVER, ls), TS_LISTEN);
	ck_assert_uint_eq(tcb_from_sock(tn_st(TN_SERVER), ls)->synq_len, 0);
	ck_assert_int_eq(ts_accept(tn_st(TN_SERVER), ls, NULL), -EAGAIN);
	ck_assert_uint_eq(tn.node[TN_SERVER].nraw_out, 0); /* RST not answered */
	/* The listener takes the next SYN as usual. */
	tn_syn(TN_SERVER, 4001, 21, PEER_ISN);
	ck_assert(tn_take_seg(TN_SERVER, &seg, NULL, 0));
	ck_assert_uint_eq(seg.flags, TCP_SYN | TCP_ACK);
	tn_teardown();
}
END_TEST

START_TEST(test_syn_received_rst_not_exact_challenged)
{
	struct tcp_seg seg;

	listener_with_half_open();
	tn_inject(TN_SERVER, 4000, 21, PEER_ISN + 10, 0, TCP_RST, 0, NULL, 0, NULL);
	ck_assert_int_eq(tn_tcb(TN_SERVER, 21, RAW_PEER_IP, 4000)->state,
			 TS_SYN_RECEIVED);
	ck_assert(tn_take_seg(TN_SERVER, &seg, NULL, 0));
	ck_assert_uint_eq(seg.flags & (TCP_ACK | TCP_RST), TCP_ACK);
	ck_assert_uint_eq(seg.ack, PEER_ISN + 1);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_CHALLENGE_ACKS), 1);
	tn_teardown();
}
END_TEST

/* RFC 9293 3.10.7.4 fourth: a SYN in the window of a passive open's
 * SYN_RECEIVED (the peer started over) returns it to LISTEN. */
START_TEST(test_syn_received_new_syn_returns_to_listen)
{
	struct tcp_seg seg;
	int ls = listener_with_half_open();

	tn_syn(TN_SERVER, 4000, 21, PEER_ISN + 100);
	tn_expect_line(TN_SERVER, "SYN_RECEIVED -> LISTEN (rcvd SYN in the window)");
	ck_assert_ptr_null(tn_tcb(TN_SERVER, 21, RAW_PEER_IP, 4000));
	ck_assert_uint_eq(tcb_from_sock(tn_st(TN_SERVER), ls)->synq_len, 0);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_RST_TX), 0);
	/* The peer's SYN again: a new child. */
	tn_clear_raw(TN_SERVER);
	tn_syn(TN_SERVER, 4000, 21, PEER_ISN + 100);
	ck_assert(tn_take_seg(TN_SERVER, &seg, NULL, 0));
	ck_assert_uint_eq(seg.flags, TCP_SYN | TCP_ACK);
	ck_assert_uint_eq(seg.ack, PEER_ISN + 101);
	/* A repeated SYN (our SYN,ACK lost) gets the SYN,ACK again. */
	tn_syn(TN_SERVER, 4000, 21, PEER_ISN + 100);
	ck_assert(tn_take_seg(TN_SERVER, &seg, NULL, 0));
	ck_assert_uint_eq(seg.flags, TCP_SYN | TCP_ACK);
	ck_assert_int_eq(tn_tcb(TN_SERVER, 21, RAW_PEER_IP, 4000)->state,
			 TS_SYN_RECEIVED);
	tn_teardown();
}
END_TEST

/* A socket in SYN_RECEIVED by simultaneous open, with data queued: the
 * application closes its sending side. Its SYN,ACK is still unacked, so
 * that is what a timeout resends; once the SYN is acked the data and the
 * FIN follow (RFC 9293 3.10.4, CLOSE in SYN-RECEIVED). */
static void simopen_syn_received(struct tn_raw *c, struct ts_sockinfo *i)
{
	struct tcp_seg seg;

	memset(c, 0, sizeof(*c));
	c->node = TN_CLIENT;
	c->peer_port = 80;
	c->wnd = 65535;
	c->lsock = -1;
	c->sock = tn_connect(TN_CLIENT, RAW_PEER_IP, 80, 1038);
	c->port = 1038;
	tn_raw_expect(c, &seg, NULL, 0);
	c->snd_nxt = PEER_ISN;
	tn_raw_send(c, TCP_SYN, NULL, 0);
	tn_raw_expect(c, &seg, NULL, 0); /* SYN,ACK */
	ck_assert_uint_eq(seg.flags, TCP_SYN | TCP_ACK);
	*i = tn_info(TN_CLIENT, c->sock);
	ck_assert_int_eq(i->state, TS_SYN_RECEIVED);
}

/* After the SYN_RECEIVED -> FIN_WAIT_1 close: the SYN,ACK is resent when
 * unacked; then the raw peer acks it and must get "hello" and the FIN. */
static void finish_close_from_syn_received(struct tn_raw *c,
					   const struct ts_sockinfo *i)
{
	uint8_t data[16];
	struct tcp_seg seg;

	tn_run(1500 * TS_USEC_PER_MSEC); /* past the 1 s initial RTO */
	tn_raw_expect(c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.flags, TCP_SYN | TCP_ACK);
	ck_assert_uint_eq(seg.seq, i->iss);
	tn_clear_raw(TN_CLIENT);
	tn_raw_send(c, TCP_ACK, NULL, 0); /* acks the SYN */
	tn_raw_expect(c, &seg, data, sizeof(data));
	ck_assert_uint_eq(seg.seq, i->iss + 1);
	ck_assert_uint_eq(seg.len, 5);
	ck_assert_int_eq(memcmp(data, "hello", 5), 0);
	if (!(seg.flags & TCP_FIN)) {
		tn_raw_expect(c, &seg, NULL, 0);
		ck_assert_uint_eq(seg.seq, i->iss + 6);
	}
	ck_assert_uint_ne(seg.flags & TCP_FIN, 0);
	ck_assert_uint_eq(c->rcv_nxt, i->iss + 7);
	tn_raw_send(c, TCP_ACK, NULL, 0);
	tn_expect_line(TN_CLIENT, "FIN_WAIT_1 -> FIN_WAIT_2 (rcvd ACK of FIN)");
	tn_raw_send(c, TCP_FIN | TCP_ACK, NULL, 0);
	tn_expect_line(TN_CLIENT, "FIN_WAIT_2 -> TIME_WAIT (rcvd FIN)");
	tn_raw_expect(c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.ack, c->snd_nxt);
}

START_TEST(test_syn_received_shutdown_to_fin_wait_1)
{
	struct ts_sockinfo i;
	struct tn_raw c;

	tn_setup();
	simopen_syn_received(&c, &i);
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), c.sock, "hello", 5, 0), 5);
	ck_assert_int_eq(ts_shutdown(tn_st(TN_CLIENT), c.sock, TS_SHUT_WR), 0);
	ck_assert_int_eq(tn_state(TN_CLIENT, c.sock), TS_FIN_WAIT_1);
	tn_expect_line(TN_CLIENT, "SYN_RECEIVED -> FIN_WAIT_1 (shutdown(WR), sending FIN)");
	finish_close_from_syn_received(&c, &i);
	ck_assert_int_eq(tn_state(TN_CLIENT, c.sock), TS_TIME_WAIT);
	tn_teardown();
}
END_TEST

START_TEST(test_syn_received_close_to_fin_wait_1)
{
	struct ts_sockinfo i;
	struct tn_raw c;

	tn_setup();
	simopen_syn_received(&c, &i);
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), c.sock, "hello", 5, 0), 5);
	ck_assert_int_eq(ts_close(tn_st(TN_CLIENT), c.sock), 0);
	tn_expect_line(TN_CLIENT, "SYN_RECEIVED -> FIN_WAIT_1 (close(), sending FIN)");
	finish_close_from_syn_received(&c, &i);
	tn_run(2 * MSL_US);
	tn_expect_line(TN_CLIENT, "TIME_WAIT -> CLOSED (2MSL expired)");
	tn_teardown_check(true);
}
END_TEST

/* RFC 9293 3.10.2: SEND on a LISTEN socket with the foreign socket given
 * turns the passive open into an active one. */
START_TEST(test_listen_to_syn_sent)
{
	struct ts_addr peer = { RAW_PEER_IP, 80 };
	struct tn_raw c = { .node = TN_CLIENT, .peer_port = 80, .port = 7000,
			    .wnd = 65535, .lsock = -1 };
	struct tcp_seg seg;

	tn_setup();
	c.sock = tn_listen(TN_CLIENT, 7000);
	ck_assert_int_eq(ts_connect(tn_st(TN_CLIENT), c.sock, &peer), -EINPROGRESS);
	ck_assert_int_eq(tn_state(TN_CLIENT, c.sock), TS_SYN_SENT);
	tn_expect_line(TN_CLIENT, "state 76.88.16.104:7000 <-> 76.88.16.99:80 LISTEN -> SYN_SENT");
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.flags, TCP_SYN);
	ck_assert_uint_eq(seg.sport, 7000);
	tn_inject(TN_CLIENT, 80, 7000, PEER_ISN, c.rcv_nxt, TCP_SYN | TCP_ACK,
		  65535, NULL, 0, NULL);
	ck_assert_int_eq(tn_state(TN_CLIENT, c.sock), TS_ESTABLISHED);
	ck_assert_uint_ne(tn.node[TN_CLIENT].events[c.sock] & TS_EV_CONNECTED, 0);
	tn_clear_raw(TN_CLIENT);
	/* It listens no more: a SYN from elsewhere to port 7000 is refused. */
	tn_syn(TN_CLIENT, 81, 7000, PEER_ISN);
	ck_assert(tn_take_seg(TN_CLIENT, &seg, NULL, 0));
	ck_assert_uint_eq(seg.flags, TCP_RST | TCP_ACK);
	tn_teardown();
}
END_TEST

/* A listener with a half-open child cannot become an active opener: the
 * child belongs to it. */
START_TEST(test_listen_with_child_connect_refused)
{
	struct ts_addr peer = { RAW_PEER_IP, 80 };
	int ls;

	tn_setup();
	ls = tn_listen(TN_CLIENT, 7000);
	tn_syn(TN_CLIENT, 4000, 7000, PEER_ISN);
	ck_assert_int_eq(ts_connect(tn_st(TN_CLIENT), ls, &peer), -EISCONN);
	ck_assert_int_eq(tn_state(TN_CLIENT, ls), TS_LISTEN);
	tn_teardown();
}
END_TEST

START_TEST(test_listen_close_to_closed)
{
	struct tcp_seg seg;
	int ls = listener_with_half_open(); /* reset when the listener goes */

	ck_assert_int_eq(ts_close(tn_st(TN_SERVER), ls), 0);
	tn_expect_line(TN_SERVER, "state 76.88.16.16:21 <-> 0.0.0.0:0 LISTEN -> CLOSED (close())");
	ck_assert(tn_take_seg(TN_SERVER, &seg, NULL, 0));
	ck_assert_uint_ne(seg.flags & TCP_RST, 0);
	ck_assert_uint_eq(tn_st(TN_SERVER)->tcp.nconns, 0);
	/* Nothing listens any more. */
	tn_syn(TN_SERVER, 4001, 21, PEER_ISN);
	ck_assert(tn_take_seg(TN_SERVER, &seg, NULL, 0));
	ck_assert_uint_eq(seg.flags, TCP_RST | TCP_ACK);
	ck_assert_uint_eq(seg.ack, PEER_ISN + 1);
	tn_teardown_check(true);
}
END_TEST

/* ---- closing ------------------------------------------------------------- */

/* A state fixture: the client shut down writing and its FIN is acked;
 * client FIN_WAIT_2, server CLOSE_WAIT. */
static void pair_client_half_closed(struct tn_pair *p)
{
	open_pair(p);
	ck_assert_int_eq(ts_shutdown(tn_st(TN_CLIENT), p->cs, TS_SHUT_WR), 0);
	tn_run(100000);
}

START_TEST(test_established_to_fin_wait_1)
{
	struct tn_pair p;

	open_pair(&p);
	ck_assert_int_eq(ts_shutdown(tn_st(TN_CLIENT), p.cs, TS_SHUT_WR), 0);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_FIN_WAIT_1);
	tn_expect_line(TN_CLIENT, "state 76.88.16.104:1038 <-> 76.88.16.16:21 "
				  "ESTABLISHED -> FIN_WAIT_1 (shutdown(WR), sending FIN)");
	tn_expect_line(TN_CLIENT, "76.88.16.104:1038 > 76.88.16.16:21 FIN,ACK");
	tn_teardown();
}
END_TEST

START_TEST(test_fin_wait_1_to_fin_wait_2)
{
	struct tn_pair p;

	pair_client_half_closed(&p);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_FIN_WAIT_2);
	tn_expect_line(TN_CLIENT, "FIN_WAIT_1 -> FIN_WAIT_2 (rcvd ACK of FIN)");
	tn_teardown();
}
END_TEST

START_TEST(test_established_to_close_wait)
{
	struct tn_pair p;

	pair_client_half_closed(&p);
	ck_assert_int_eq(tn_state(TN_SERVER, p.as), TS_CLOSE_WAIT);
	tn_expect_line(TN_SERVER, "ESTABLISHED -> CLOSE_WAIT (rcvd FIN)");
	ck_assert_uint_ne(tn.node[TN_SERVER].events[p.as] & TS_EV_EOF, 0);
	tn_teardown();
}
END_TEST

START_TEST(test_close_wait_to_last_ack)
{
	struct tn_pair p;

	pair_client_half_closed(&p);
	ck_assert_int_eq(ts_shutdown(tn_st(TN_SERVER), p.as, TS_SHUT_WR), 0);
	ck_assert_int_eq(tn_state(TN_SERVER, p.as), TS_LAST_ACK);
	tn_expect_line(TN_SERVER, "CLOSE_WAIT -> LAST_ACK (shutdown(WR), sending FIN)");
	tn_teardown();
}
END_TEST

START_TEST(test_last_ack_to_closed)
{
	struct tn_pair p;

	pair_client_half_closed(&p);
	ts_shutdown(tn_st(TN_SERVER), p.as, TS_SHUT_WR);
	tn_run(100000);
	ck_assert_int_eq(tn_state(TN_SERVER, p.as), TS_CLOSED);
	tn_expect_line(TN_SERVER, "LAST_ACK -> CLOSED (rcvd ACK of FIN)");
	ck_assert_int_eq(ts_sock_error(tn_st(TN_SERVER), p.as), 0);
	tn_teardown();
}
END_TEST

START_TEST(test_fin_wait_2_to_time_wait)
{
	struct tn_pair p;

	pair_client_half_closed(&p);
	ts_close(tn_st(TN_SERVER), p.as);
	tn_run(100000);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_TIME_WAIT);
	tn_expect_line(TN_CLIENT, "FIN_WAIT_2 -> TIME_WAIT (rcvd FIN)");
	tn_teardown();
}
END_TEST

/* TIME_WAIT lasts 2MSL to the microsecond: not a tick less. */
START_TEST(test_time_wait_to_closed_after_exactly_2msl)
{
	struct tn_pair p;
	ts_time_t entered;
	int line;

	pair_client_half_closed(&p);
	ts_close(tn_st(TN_SERVER), p.as);
	tn_run(100000);
	line = tn_expect_line(TN_CLIENT, "-> TIME_WAIT");
	entered = tn_line_time(TN_CLIENT, line);
	tn_run_until(entered + 2 * MSL_US - 1);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_TIME_WAIT);
	tn_expect_no_line(TN_CLIENT, "TIME_WAIT -> CLOSED");
	tn_run_until(entered + 2 * MSL_US);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_CLOSED);
	line = tn_expect_line(TN_CLIENT, "state 76.88.16.104:1038 <-> 76.88.16.16:21 "
					 "TIME_WAIT -> CLOSED (2MSL expired)");
	ck_assert_uint_eq(tn_line_time(TN_CLIENT, line), entered + 2 * MSL_US);
	ts_close(tn_st(TN_CLIENT), p.cs);
	ts_close(tn_st(TN_SERVER), p.ls);
	tn_teardown_check(true);
}
END_TEST

/* Both ends close at the same virtual instant: the FINs cross, each end
 * goes FIN_WAIT_1 -> CLOSING -> TIME_WAIT (figure 13). */
START_TEST(test_simultaneous_close_closing)
{
	static const char *const arcs[] = {
		"ESTABLISHED -> FIN_WAIT_1",
		"FIN_WAIT_1 -> CLOSING (rcvd FIN (simultaneous close))",
		"CLOSING -> TIME_WAIT (rcvd ACK of FIN)",
		"TIME_WAIT -> CLOSED (2MSL expired)",
	};
	struct tn_pair p;

	open_pair(&p);
	ts_shutdown(tn_st(TN_CLIENT), p.cs, TS_SHUT_WR);
	ts_shutdown(tn_st(TN_SERVER), p.as, TS_SHUT_WR);
	tn_run(1500); /* the FINs have crossed, the ACKs not yet arrived */
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_CLOSING);
	ck_assert_int_eq(tn_state(TN_SERVER, p.as), TS_CLOSING);
	tn_run(100000);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_TIME_WAIT);
	ck_assert_int_eq(tn_state(TN_SERVER, p.as), TS_TIME_WAIT);
	tn_run(2 * MSL_US);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_CLOSED);
	ck_assert_int_eq(tn_state(TN_SERVER, p.as), TS_CLOSED);
	tn_expect_order(TN_CLIENT, arcs, 4);
	tn_expect_order(TN_SERVER, arcs, 4);
	tn_teardown();
}
END_TEST

/* ---- half-close ------------------------------------------------------------ */

/* `closer` sends 10 KB and shuts down writing; the other side reads it,
 * sees EOF, and still streams 200 KB back, which the closer reads. */
static void half_close(unsigned closer, int csock, unsigned other, int osock)
{
	char b;

	ck_assert_uint_eq(tn_transfer(closer, csock, other, osock, 10000, 1,
				      4096, tn.now + 10 * TS_USEC_PER_SEC),
			  10000);
	ck_assert_int_eq(ts_shutdown(tn_st(closer), csock, TS_SHUT_WR), 0);
	tn_run(100000);
	ck_assert_int_eq(ts_recv(tn_st(other), osock, &b, 1), 0); /* EOF */
	ck_assert_uint_ne(tn.node[other].events[osock] & TS_EV_EOF, 0);
	ck_assert_int_eq(ts_send(tn_st(closer), csock, "x", 1, 0), -EPIPE);
	ck_assert_int_eq(tn_state(closer, csock), TS_FIN_WAIT_2);
	ck_assert_int_eq(tn_state(other, osock), TS_CLOSE_WAIT);
	ck_assert_uint_eq(tn_transfer(other, osock, closer, csock, 200000, 2,
				      8192, tn.now + 10 * TS_USEC_PER_SEC),
			  200000);
	ck_assert_int_eq(tn_state(closer, csock), TS_FIN_WAIT_2);
	ck_assert_int_eq(ts_close(tn_st(other), osock), 0);
	tn_run(100000);
	ck_assert_int_eq(ts_recv(tn_st(closer), csock, &b, 1), 0);
	ck_assert_int_eq(tn_state(closer, csock), TS_TIME_WAIT);
}

START_TEST(test_half_close_client_stops_writing)
{
	struct tn_pair p;

	open_pair(&p);
	half_close(TN_CLIENT, p.cs, TN_SERVER, p.as);
	tn_teardown();
}
END_TEST

START_TEST(test_half_close_server_stops_writing)
{
	struct tn_pair p;

	open_pair(&p);
	half_close(TN_SERVER, p.as, TN_CLIENT, p.cs);
	tn_teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcp_states");
	TCase *open = tcase_create("open");
	TCase *close = tcase_create("close");

	tcase_add_test(open, test_closed_to_listen);
	tcase_add_test(open, test_listen_to_syn_received);
	tcase_add_test(open, test_syn_received_to_established);
	tcase_add_test(open, test_closed_to_syn_sent);
	tcase_add_test(open, test_syn_sent_to_established);
	tcase_add_test(open, test_simultaneous_open_two_stacks);
	tcase_add_test(open, test_syn_sent_bare_syn_to_syn_received);
	tcase_add_test(open, test_syn_sent_close_returns_to_closed);
	tcase_add_test(open, test_syn_sent_timeout_etimedout);
	tcase_add_test(open, test_connect_in_quiet_time_first_syn_is_not_a_retransmission);
	tcase_add_test(open, test_syn_received_rst_returns_to_listen);
	tcase_add_test(open, test_syn_received_rst_not_exact_challenged);
	tcase_add_test(open, test_syn_received_new_syn_returns_to_listen);
	tcase_add_test(open, test_syn_received_shutdown_to_fin_wait_1);
	tcase_add_test(open, test_syn_received_close_to_fin_wait_1);
	tcase_add_test(open, test_listen_to_syn_sent);
	tcase_add_test(open, test_listen_with_child_connect_refused);
	tcase_add_test(open, test_listen_close_to_closed);
	suite_add_tcase(s, open);
	tcase_add_test(close, test_established_to_fin_wait_1);
	tcase_add_test(close, test_fin_wait_1_to_fin_wait_2);
	tcase_add_test(close, test_established_to_close_wait);
	tcase_add_test(close, test_close_wait_to_last_ack);
	tcase_add_test(close, test_last_ack_to_closed);
	tcase_add_test(close, test_fin_wait_2_to_time_wait);
	tcase_add_test(close, test_time_wait_to_closed_after_exactly_2msl);
	tcase_add_test(close, test_simultaneous_close_closing);
	tcase_add_test(close, test_half_close_client_stops_writing);
	tcase_add_test(close, test_half_close_server_stops_writing);
	suite_add_tcase(s, close);
	return tn_run_suite(s);
}
