/*
 * check_tcp_api.c - the socket API's contracts (ts.h): error codes for
 * bad handles and wrong states, recv/send edge cases, RST on abortive
 * closes, bind and SO_REUSEADDR rules, ephemeral ports, listen backlog
 * and accept order, event delivery (what, when, and callbacks that close
 * sockets during dispatch), ts_strerror, ts_getinfo; and a soak that
 * opens and ends connections every way there is and checks nothing is
 * left behind (run under ASan for leaks and use-after-free).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fixture.h"

#define PEER_ISN 5000u

static unsigned *events(unsigned node, int sock)
{
	ck_assert_int_ge(sock, 0);
	ck_assert_int_lt(sock, (int)TN_SOCKS_MAX);
	return &tn.node[node].events[sock];
}

/* ---- handles and states --------------------------------------------------- */

static void expect_ebadf(struct ts_stack *st, int s)
{
	struct ts_addr a = { TN_IP_SERVER, 21 };
	struct ts_sockinfo info;
	int64_t v;
	char b;

	ck_assert_int_eq(ts_bind(st, s, &a), -EBADF);
	ck_assert_int_eq(ts_listen(st, s, 1), -EBADF);
	ck_assert_int_eq(ts_accept(st, s, NULL), -EBADF);
	ck_assert_int_eq(ts_connect(st, s, &a), -EBADF);
	ck_assert_int_eq(ts_send(st, s, "x", 1, 0), -EBADF);
	ck_assert_int_eq(ts_recv(st, s, &b, 1), -EBADF);
	ck_assert_int_eq(ts_shutdown(st, s, TS_SHUT_WR), -EBADF);
	ck_assert_int_eq(ts_close(st, s), -EBADF);
	ck_assert_int_eq(ts_abort(st, s), -EBADF);
	ck_assert_int_eq(ts_setopt(st, s, TS_OPT_NODELAY, 1), -EBADF);
	ck_assert_int_eq(ts_getopt(st, s, TS_OPT_NODELAY, &v), -EBADF);
	ck_assert_int_eq(ts_getinfo(st, s, &info), -EBADF);
	ck_assert_int_eq(ts_sock_error(st, s), -EBADF);
	ck_assert_uint_eq(ts_readable(st, s), 0);
	ck_assert_uint_eq(ts_writable(st, s), 0);
	ts_set_callback(st, s, NULL, NULL); /* ignored, no crash */
}

START_TEST(test_bad_handle_ebadf_everywhere)
{
	struct ts_stack *st;
	int s;

	tn_setup();
	st = tn_st(TN_CLIENT);
	expect_ebadf(st, -1);
	expect_ebadf(st, 0);          /* never allocated */
	expect_ebadf(st, 1 << 20);
	s = ts_socket(st);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(ts_close(st, s), 0);
	expect_ebadf(st, s);          /* closed */
	s = ts_socket(st);
	ck_assert_int_eq(ts_abort(st, s), 0);
	expect_ebadf(st, s);          /* aborted */
	tn_teardown_check(true);
}
END_TEST

START_TEST(test_send_before_connect_enotconn)
{
	struct ts_stack *st;
	int s, ls;
	char b;

	tn_setup();
	st = tn_st(TN_CLIENT);
	s = ts_socket(st);
	ck_assert_int_eq(ts_send(st, s, "x", 1, 0), -ENOTCONN);
	ck_assert_int_eq(ts_recv(st, s, &b, 1), -ENOTCONN);
	ck_assert_int_eq(ts_shutdown(st, s, TS_SHUT_WR), -ENOTCONN);
	ck_assert_uint_eq(ts_writable(st, s), 0);
	ck_assert_int_eq(ts_accept(st, s, NULL), -EINVAL);
	ls = tn_listen(TN_CLIENT, 21);
	ck_assert_int_eq(ts_send(st, ls, "x", 1, 0), -ENOTCONN);
	ck_assert_int_eq(ts_recv(st, ls, &b, 1), -ENOTCONN);
	ck_assert_int_eq(ts_accept(st, ls, NULL), -EAGAIN);
	tn_teardown();
}
END_TEST

START_TEST(test_send_after_shutdown_epipe)
{
	struct tn_pair p;

	tn_setup();
	tn_pair_open(&p, 21, 0);
	ck_assert_uint_gt(ts_writable(tn_st(TN_CLIENT), p.cs), 0);
	ck_assert_int_eq(ts_shutdown(tn_st(TN_CLIENT), p.cs, TS_SHUT_WR), 0);
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), p.cs, "x", 1, 0), -EPIPE);
	ck_assert_uint_eq(ts_writable(tn_st(TN_CLIENT), p.cs), 0);
	ck_assert_int_eq(ts_shutdown(tn_st(TN_CLIENT), p.cs, 0), -EINVAL);
	ck_assert_int_eq(ts_shutdown(tn_st(TN_CLIENT), p.cs, 4), -EINVAL);
	/* After a reset, send reports the reset. */
	ck_assert_int_eq(ts_abort(tn_st(TN_CLIENT), p.cs), 0);
	tn_run(100000);
	ck_assert_int_eq(ts_send(tn_st(TN_SERVER), p.as, "x", 1, 0), -ECONNRESET);
	tn_teardown();
}
END_TEST

START_TEST(test_recv_eagain_then_data_then_eof)
{
	struct tn_pair p;
	char buf[16];

	tn_setup();
	tn_pair_open(&p, 21, 0);
	ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), p.as, buf, sizeof(buf)), -EAGAIN);
	ck_assert_uint_eq(ts_readable(tn_st(TN_SERVER), p.as), 0);
	ts_send(tn_st(TN_CLIENT), p.cs, "hello", 5, 0);
	ts_shutdown(tn_st(TN_CLIENT), p.cs, TS_SHUT_WR);
	tn_run(100000);
	ck_assert_uint_eq(ts_readable(tn_st(TN_SERVER), p.as), 5);
	ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), p.as, buf, 2), 2);
	ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), p.as, buf + 2, sizeof(buf)), 3);
	ck_assert_int_eq(memcmp(buf, "hello", 5), 0);
	ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), p.as, buf, sizeof(buf)), 0);
	ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), p.as, buf, sizeof(buf)), 0);
	ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), p.as, buf, 0), 0);
	tn_teardown();
}
END_TEST

/* The peer of a socket reset by `node`: ECONNRESET, TS_EV_ERROR. */
static void expect_reset(unsigned node, int sock)
{
	ck_assert_int_eq(tn_state(node, sock), TS_CLOSED);
	ck_assert_int_eq(ts_sock_error(tn_st(node), sock), -ECONNRESET);
	ck_assert_uint_ne(*events(node, sock) & TS_EV_ERROR, 0);
}

START_TEST(test_close_with_unread_data_sends_rst)
{
	struct tn_pair p;

	tn_setup();
	tn_pair_open(&p, 21, 0);
	ts_send(tn_st(TN_CLIENT), p.cs, "unread", 6, 0);
	tn_run(100000);
	ck_assert_int_eq(ts_close(tn_st(TN_SERVER), p.as), 0);
	tn_expect_line(TN_SERVER, "76.88.16.16:21 > 76.88.16.104:");
	ck_assert_int_ge(tn_find(TN_SERVER, " RST,ACK seq=", 0), 0);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_RST_TX), 1);
	tn_expect_no_line(TN_SERVER, "FIN_WAIT_1");
	tn_run(100000);
	expect_reset(TN_CLIENT, p.cs);
	ck_assert_uint_eq(tn_st(TN_SERVER)->tcp.nconns, 0);
	tn_teardown();
}
END_TEST

START_TEST(test_abort_sends_rst)
{
	struct ts_sockinfo i;
	struct tn_pair p;

	tn_setup();
	tn_pair_open(&p, 21, 0);
	i = tn_info(TN_CLIENT, p.cs);
	ck_assert_int_eq(ts_abort(tn_st(TN_CLIENT), p.cs), 0);
	tn_expect_line(TN_CLIENT, "ESTABLISHED -> CLOSED (abort(), sent RST)");
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_RST_TX), 1);
	ck_assert_int_eq(ts_getinfo(tn_st(TN_CLIENT), p.cs, &i), -EBADF);
	tn_run(100000);
	expect_reset(TN_SERVER, p.as);
	tn_teardown_check(false);
}
END_TEST

/* ---- bind, reuse, ephemeral ports --------------------------------------------- */

static int sock_bound(unsigned node, uint16_t port, bool reuse, int expect)
{
	struct ts_addr a = { 0, port };
	int s = ts_socket(tn_st(node));

	ck_assert_int_ge(s, 0);
	if (reuse)
		ck_assert_int_eq(ts_setopt(tn_st(node), s, TS_OPT_REUSEADDR, 1), 0);
	ck_assert_int_eq(ts_bind(tn_st(node), s, &a), expect);
	return s;
}

START_TEST(test_bind_conflicts_and_reuse_rules)
{
	struct ts_addr foreign = { 0x0a000001u, 21 };
	struct ts_stack *st;
	int a, b, c;

	tn_setup();
	st = tn_st(TN_SERVER);
	a = sock_bound(TN_SERVER, 21, false, 0);
	sock_bound(TN_SERVER, 21, false, -EADDRINUSE);
	sock_bound(TN_SERVER, 21, true, -EADDRINUSE); /* a did not ask */
	ck_assert_int_eq(ts_bind(st, a, &(struct ts_addr){ 0, 22 }), -EINVAL);
	ck_assert_int_eq(ts_bind(st, ts_socket(st), &foreign), -EADDRNOTAVAIL);
	/* Both ask for reuse, neither listens: they share. */
	b = sock_bound(TN_SERVER, 30, true, 0);
	c = sock_bound(TN_SERVER, 30, true, 0);
	/* One listens: the port is its own. */
	ck_assert_int_eq(ts_listen(st, b, 4), 0);
	ck_assert_int_eq(ts_listen(st, c, 4), -EADDRINUSE);
	sock_bound(TN_SERVER, 30, true, -EADDRINUSE);
	/* Closing frees the port. */
	ck_assert_int_eq(ts_close(st, a), 0);
	sock_bound(TN_SERVER, 21, false, 0);
	tn_teardown();
}
END_TEST

START_TEST(test_time_wait_blocks_bind_unless_reuse)
{
	struct tn_pair p;
	ts_time_t left;

	tn_setup();
	tn_pair_open(&p, 21, 0);
	/* The server closes first (the seed's "bye") and keeps TIME_WAIT. */
	ts_close(tn_st(TN_SERVER), p.as);
	tn_run(10000);
	ts_close(tn_st(TN_CLIENT), p.cs);
	tn_run(100000);
	ck_assert_int_eq(ts_close(tn_st(TN_SERVER), p.ls), 0);
	ck_assert_uint_eq(ts_timewait_count(tn_st(TN_SERVER), &(struct ts_addr){ 0, 21 },
					    &left),
			  1);
	sock_bound(TN_SERVER, 21, false, -EADDRINUSE);
	p.ls = sock_bound(TN_SERVER, 21, true, 0);
	ck_assert_int_eq(ts_listen(tn_st(TN_SERVER), p.ls, 4), 0);
	tn_run(61 * TS_USEC_PER_SEC);
	sock_bound(TN_SERVER, 21, false, -EADDRINUSE); /* the listener */
	ck_assert_int_eq(ts_close(tn_st(TN_SERVER), p.ls), 0);
	sock_bound(TN_SERVER, 21, false, 0); /* 2MSL over: free */
	tn_teardown();
}
END_TEST

static void cfg_ten_ephemeral_ports(unsigned node, struct ts_stack_config *cfg)
{
	if (node == TN_CLIENT) {
		cfg->ephemeral_lo = 40000;
		cfg->ephemeral_hi = 40009;
	}
}

START_TEST(test_ephemeral_ports_in_range_and_distinct)
{
	struct ts_addr srv = { TN_IP_SERVER, 21 }, srv2 = { TN_IP_SERVER, 22 };
	bool used[10] = { false };
	unsigned k;
	int s;

	tn_setup_cfg(0, 0, cfg_ten_ephemeral_ports);
	tn_listen(TN_SERVER, 21);
	for (k = 0; k < 10; k++) {
		struct ts_sockinfo i;

		s = tn_connect(TN_CLIENT, TN_IP_SERVER, 21, 0);
		i = tn_info(TN_CLIENT, s);
		ck_assert_uint_ge(i.local.port, 40000);
		ck_assert_uint_le(i.local.port, 40009);
		ck_assert_msg(!used[i.local.port - 40000], "port %u twice",
			      i.local.port);
		used[i.local.port - 40000] = true;
	}
	/* Every port has a connection to 21: an 11th has no port. */
	s = ts_socket(tn_st(TN_CLIENT));
	ck_assert_int_eq(ts_connect(tn_st(TN_CLIENT), s, &srv), -EADDRNOTAVAIL);
	/* Another remote port makes other 4-tuples: a port is found. */
	s = ts_socket(tn_st(TN_CLIENT));
	ck_assert_int_eq(ts_connect(tn_st(TN_CLIENT), s, &srv2), -EINPROGRESS);
	ck_assert_uint_ge(tn_info(TN_CLIENT, s).local.port, 40000);
	ck_assert_uint_le(tn_info(TN_CLIENT, s).local.port, 40009);
	tn_teardown();
}
END_TEST

/* ---- listen backlog and accept order ---------------------------------------- */

/* The raw peer opens a connection from sport; true if it got a SYN,ACK. */
static bool raw_open(unsigned node, uint16_t sport, uint16_t dport)
{
	struct tcp_seg seg;

	tn_inject(node, sport, dport, PEER_ISN, 0, TCP_SYN, 65535, NULL, 0, NULL);
	if (!tn_take_seg(node, &seg, NULL, 0))
		return false;
	ck_assert_uint_eq(seg.flags, TCP_SYN | TCP_ACK);
	tn_inject(node, sport, dport, PEER_ISN + 1, seg.seq + 1, TCP_ACK, 65535,
		  NULL, 0, NULL);
	return true;
}

START_TEST(test_listen_backlog_overflow_drops_syn)
{
	struct ts_addr peer;
	struct ts_addr a = { 0, 21 };
	int ls, s;

	tn_setup();
	ls = ts_socket(tn_st(TN_SERVER));
	ts_bind(tn_st(TN_SERVER), ls, &a);
	ck_assert_int_eq(ts_listen(tn_st(TN_SERVER), ls, 2), 0);
	ck_assert(raw_open(TN_SERVER, 4000, 21));
	ck_assert(raw_open(TN_SERVER, 4001, 21));
	ck_assert(!raw_open(TN_SERVER, 4002, 21)); /* dropped, unanswered */
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_DROP_LISTEN_OVERFLOW), 1);
	tn_expect_line(TN_SERVER, "listen: queue full on port 21");
	ck_assert_ptr_null(tn_tcb(TN_SERVER, 21, RAW_PEER_IP, 4002));
	/* Accepting one makes room. */
	s = ts_accept(tn_st(TN_SERVER), ls, &peer);
	ck_assert_int_ge(s, 0);
	ck_assert_uint_eq(peer.port, 4000);
	ck_assert(raw_open(TN_SERVER, 4002, 21));
	tn_teardown();
}
END_TEST

/* Two handshakes complete while the accept queue (backlog 1) has room for
 * one: the second final ACK is ignored until accept() makes room; then
 * the retransmitted SYN,ACK brings a new ACK and the child is queued. */
START_TEST(test_full_accept_queue_ignores_final_ack)
{
	struct ts_addr a = { 0, 21 };
	struct tcp_seg s1, s2;
	int ls;

	tn_setup();
	ls = ts_socket(tn_st(TN_SERVER));
	ts_bind(tn_st(TN_SERVER), ls, &a);
	ck_assert_int_eq(ts_listen(tn_st(TN_SERVER), ls, 1), 0);
	tn_syn(TN_SERVER, 4000, 21, PEER_ISN);
	tn_syn(TN_SERVER, 4001, 21, PEER_ISN);
	ck_assert(tn_take_seg(TN_SERVER, &s1, NULL, 0));
	ck_assert(tn_take_seg(TN_SERVER, &s2, NULL, 0));
	tn_inject(TN_SERVER, 4000, 21, PEER_ISN + 1, s1.seq + 1, TCP_ACK, 65535,
		  NULL, 0, NULL);
	tn_inject(TN_SERVER, 4001, 21, PEER_ISN + 1, s2.seq + 1, TCP_ACK, 65535,
		  NULL, 0, NULL);
	ck_assert_uint_eq(tcb_from_sock(tn_st(TN_SERVER), ls)->aq_len, 1);
	ck_assert_int_eq(tn_tcb(TN_SERVER, 21, RAW_PEER_IP, 4001)->state,
			 TS_SYN_RECEIVED);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_DROP_LISTEN_OVERFLOW), 1);
	ck_assert_int_ge(ts_accept(tn_st(TN_SERVER), ls, NULL), 0);
	tn_run(1500 * TS_USEC_PER_MSEC); /* the SYN,ACK timer */
	ck_assert(tn_take_seg(TN_SERVER, &s2, NULL, 0));
	ck_assert_uint_eq(s2.flags, TCP_SYN | TCP_ACK);
	ck_assert_uint_eq(s2.dport, 4001);
	tn_inject(TN_SERVER, 4001, 21, PEER_ISN + 1, s2.seq + 1, TCP_ACK, 65535,
		  NULL, 0, NULL);
	ck_assert_int_ge(ts_accept(tn_st(TN_SERVER), ls, NULL), 0);
	tn_teardown();
}
END_TEST

START_TEST(test_accept_queue_in_order_of_establishment)
{
	static const uint16_t ports[] = { 1003, 1001, 1002 };
	struct ts_addr peer;
	unsigned k;
	int ls;

	tn_setup();
	ls = tn_listen(TN_SERVER, 21);
	for (k = 0; k < 3; k++) {
		tn_connect(TN_CLIENT, TN_IP_SERVER, 21, ports[k]);
		tn_run(10000);
	}
	ck_assert_uint_ne(*events(TN_SERVER, ls) & TS_EV_ACCEPT, 0);
	for (k = 0; k < 3; k++) {
		ck_assert_int_ge(ts_accept(tn_st(TN_SERVER), ls, &peer), 0);
		ck_assert_uint_eq(peer.ip, TN_IP_CLIENT);
		ck_assert_uint_eq(peer.port, ports[k]);
	}
	ck_assert_int_eq(ts_accept(tn_st(TN_SERVER), ls, &peer), -EAGAIN);
	tn_teardown();
}
END_TEST

/* ---- events ---------------------------------------------------------------- */

START_TEST(test_events_delivered_when_due)
{
	int ls, cs, as;
	char buf[8];

	tn_setup();
	ls = tn_listen(TN_SERVER, 21);
	cs = tn_connect(TN_CLIENT, TN_IP_SERVER, 21, 1038);
	tn_run(1500); /* SYN arrived, SYN,ACK on the wire */
	ck_assert_uint_eq(*events(TN_CLIENT, cs), 0);
	tn_run(1000); /* SYN,ACK arrived */
	ck_assert_uint_eq(*events(TN_CLIENT, cs), TS_EV_CONNECTED | TS_EV_WRITE);
	ck_assert_uint_eq(*events(TN_SERVER, ls), 0);
	tn_run(1000); /* ACK arrived */
	ck_assert_uint_eq(*events(TN_SERVER, ls), TS_EV_ACCEPT);
	/* Data and FIN before accept: kept, delivered once a callback is. */
	ts_send(tn_st(TN_CLIENT), cs, "abc", 3, 0);
	ts_shutdown(tn_st(TN_CLIENT), cs, TS_SHUT_WR);
	tn_run(100000);
	as = ts_accept(tn_st(TN_SERVER), ls, NULL);
	ck_assert_int_ge(as, 0);
	tn_watch(TN_SERVER, as);
	ck_assert_uint_eq(*events(TN_SERVER, as), 0);
	ts_dispatch(tn_st(TN_SERVER));
	ck_assert_uint_eq(*events(TN_SERVER, as),
			  TS_EV_WRITE | TS_EV_READ | TS_EV_EOF);
	ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), as, buf, sizeof(buf)), 3);
	/* Data: READ only, and only when it arrives. */
	*events(TN_CLIENT, cs) = 0;
	ts_send(tn_st(TN_SERVER), as, "xy", 2, 0);
	ck_assert_uint_eq(*events(TN_CLIENT, cs), 0);
	tn_run(100000);
	ck_assert_uint_eq(*events(TN_CLIENT, cs), TS_EV_READ);
	/* FIN: READ and EOF. */
	*events(TN_CLIENT, cs) = 0;
	ts_close(tn_st(TN_SERVER), as);
	tn_run(100000);
	ck_assert_uint_eq(*events(TN_CLIENT, cs), TS_EV_READ | TS_EV_EOF);
	tn_teardown();
}
END_TEST

static void cfg_small_sndbuf(unsigned node, struct ts_stack_config *cfg)
{
	(void)node;
	cfg->sndbuf = 4096;
}

START_TEST(test_write_event_when_room_frees)
{
	static uint8_t data[8192];
	struct tn_pair p;

	tn_setup_cfg(0, 0, cfg_small_sndbuf);
	tn_pair_open(&p, 21, 0);
	tn_run(100000);
	*events(TN_CLIENT, p.cs) = 0;
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), p.cs, data, sizeof(data), 0), 4096);
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), p.cs, data, sizeof(data), 0), -EAGAIN);
	ck_assert_uint_eq(*events(TN_CLIENT, p.cs), 0);
	tn_run(100000);
	ck_assert_uint_ne(*events(TN_CLIENT, p.cs) & TS_EV_WRITE, 0);
	ck_assert_uint_eq(ts_writable(tn_st(TN_CLIENT), p.cs), 4096);
	/* A send that fitted asks for no WRITE event. */
	*events(TN_CLIENT, p.cs) = 0;
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), p.cs, data, 100, 0), 100);
	tn_run(100000);
	ck_assert_uint_eq(*events(TN_CLIENT, p.cs) & TS_EV_WRITE, 0);
	tn_teardown();
}
END_TEST

/* Callbacks that close sockets while the dispatcher walks its list. */
static struct {
	int socks[2];
	unsigned calls;
	unsigned node;
	int listener;
} cb_state;

static void close_both_on_read(struct ts_stack *st, int sock, unsigned ev,
			       void *arg)
{
	(void)arg;
	cb_state.calls++;
	ck_assert_uint_ne(ev & TS_EV_READ, 0);
	ck_assert(sock == cb_state.socks[0] || sock == cb_state.socks[1]);
	/* One closes (unread data: an abort, freed at once), the other is
	 * closed in order (orphaned), and the listener goes too. */
	ck_assert_int_eq(ts_close(st, cb_state.socks[0]), 0);
	ck_assert_int_eq(ts_shutdown(st, cb_state.socks[1], TS_SHUT_RD), 0);
	ck_assert_int_eq(ts_close(st, cb_state.socks[1]), 0);
	ck_assert_int_eq(ts_close(st, cb_state.listener), 0);
	ck_assert_int_eq(ts_close(st, sock), -EBADF);
}

START_TEST(test_callback_closes_own_and_other_socket)
{
	int c1, c2, k;

	tn_setup();
	cb_state.listener = tn_listen(TN_SERVER, 21);
	c1 = tn_connect(TN_CLIENT, TN_IP_SERVER, 21, 1001);
	c2 = tn_connect(TN_CLIENT, TN_IP_SERVER, 21, 1002);
	tn_run(100000);
	ts_send(tn_st(TN_CLIENT), c1, "one", 3, 0);
	ts_send(tn_st(TN_CLIENT), c2, "two", 3, 0);
	tn_run(100000);
	/* Both accepted sockets have READ pending: setting the callbacks
	 * queues both, and one dispatch serves the list. */
	cb_state.calls = 0;
	for (k = 0; k < 2; k++) {
		cb_state.socks[k] = ts_accept(tn_st(TN_SERVER), cb_state.listener, NULL);
		ck_assert_int_ge(cb_state.socks[k], 0);
		ts_set_callback(tn_st(TN_SERVER), cb_state.socks[k],
				close_both_on_read, NULL);
	}
	/* Queued: the listener's ACCEPT (a second connection waited) and
	 * both sockets' READ. */
	ck_assert_uint_eq(tn_st(TN_SERVER)->tcp.ev_count, 3);
	ts_dispatch(tn_st(TN_SERVER));
	ck_assert_uint_eq(cb_state.calls, 1);
	ck_assert_uint_eq(tn_st(TN_SERVER)->tcp.ev_count, 0);
	ck_assert_uint_eq(ts_sock_error(tn_st(TN_SERVER), cb_state.socks[0]), -EBADF);
	ck_assert_uint_eq(ts_sock_error(tn_st(TN_SERVER), cb_state.socks[1]), -EBADF);
	tn_run(100 * TS_USEC_PER_SEC);
	ts_close(tn_st(TN_CLIENT), c1);
	ts_close(tn_st(TN_CLIENT), c2);
	tn_run(100 * TS_USEC_PER_SEC);
	tn_teardown_check(true);
}
END_TEST

static void abort_self_on_error(struct ts_stack *st, int sock, unsigned ev,
				void *arg)
{
	(void)arg;
	cb_state.calls++;
	if (ev & (TS_EV_ERROR | TS_EV_EOF))
		ck_assert_int_eq(ts_abort(st, sock), 0);
}

START_TEST(test_callback_aborts_itself_on_error)
{
	struct tn_pair p;

	tn_setup();
	tn_pair_open(&p, 21, 0);
	cb_state.calls = 0;
	ts_set_callback(tn_st(TN_CLIENT), p.cs, abort_self_on_error, NULL);
	ts_abort(tn_st(TN_SERVER), p.as);
	tn_run(100000);
	ck_assert_uint_eq(cb_state.calls, 1);
	ck_assert_int_eq(ts_sock_error(tn_st(TN_CLIENT), p.cs), -EBADF);
	ts_close(tn_st(TN_SERVER), p.ls);
	tn_teardown_check(true);
}
END_TEST

/* ---- texts and status ------------------------------------------------------- */

START_TEST(test_strerror_texts)
{
	static const struct {
		int err;
		const char *text;
	} t[] = {
		{ 0, "success" },
		{ -EADDRINUSE, "address in use" },
		{ -EADDRNOTAVAIL, "address not available" },
		{ -ECONNREFUSED, "connection refused" },
		{ -ECONNRESET, "connection reset by peer" },
		{ -ETIMEDOUT, "connection timed out" },
		{ -EHOSTUNREACH, "host unreachable" },
		{ -ENETUNREACH, "network unreachable" },
		{ -EAGAIN, "try again" },
		{ -EINPROGRESS, "in progress" },
		{ -EISCONN, "already connected" },
		{ -ENOTCONN, "not connected" },
		{ -EPIPE, "broken pipe" },
		{ -EBADF, "bad socket handle" },
		{ -EINVAL, "invalid argument" },
		{ -EMFILE, "too many sockets" },
		{ -ENOMEM, "out of memory" },
		{ -EALREADY, "already in progress" },
		{ -12345, "unknown error" },
	};
	size_t k;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++)
		ck_assert_msg(strstr(ts_strerror(t[k].err), t[k].text) != NULL,
			      "ts_strerror(%d) = \"%s\", wanted \"%s\"", t[k].err,
			      ts_strerror(t[k].err), t[k].text);
	/* The fix is named where there is one. */
	ck_assert_ptr_nonnull(strstr(ts_strerror(-EADDRINUSE), "TIME_WAIT"));
}
END_TEST

START_TEST(test_getinfo_fields)
{
	static uint8_t data[1000];
	struct ts_sockinfo c, s;
	struct tn_pair p;
	char buf[400];

	tn_setup_isn(1000, 2000000);
	tn_pair_open(&p, 21, 1038);
	ts_send(tn_st(TN_CLIENT), p.cs, data, sizeof(data), 0);
	tn_run(100000);
	ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), p.as, buf, sizeof(buf)), 400);
	c = tn_info(TN_CLIENT, p.cs);
	s = tn_info(TN_SERVER, p.as);
	ck_assert_int_eq(c.state, TS_ESTABLISHED);
	ck_assert_uint_eq(c.local.ip, TN_IP_CLIENT);
	ck_assert_uint_eq(c.local.port, 1038);
	ck_assert_uint_eq(c.remote.ip, TN_IP_SERVER);
	ck_assert_uint_eq(c.remote.port, 21);
	ck_assert_uint_eq(s.local.port, 21);
	ck_assert_uint_eq(s.remote.port, 1038);
	ck_assert_uint_eq(c.iss, 1000);
	ck_assert_uint_eq(s.iss, 2000000);
	ck_assert_uint_eq(c.irs, 2000000);
	ck_assert_uint_eq(s.irs, 1000);
	ck_assert_uint_eq(c.snd_una, 1000 + 1 + 1000);
	ck_assert_uint_eq(c.snd_nxt, c.snd_una);
	ck_assert_uint_eq(s.rcv_nxt, c.snd_nxt);
	ck_assert_uint_eq(c.rcv_nxt, s.snd_nxt);
	ck_assert_uint_eq(c.bytes_sent, 1000);
	ck_assert_uint_eq(c.bytes_acked, 1000);
	ck_assert_uint_eq(s.bytes_received, 1000);
	ck_assert_uint_eq(c.sndbuf_used, 0);
	ck_assert_uint_eq(s.rcvbuf_used, 600);
	ck_assert_uint_eq(s.rcv_wnd, TS_RCVBUF_DEFAULT - 600);
	ck_assert_uint_eq(c.mss, 1448);
	ck_assert(c.sack_ok && c.ts_ok && s.sack_ok && s.ts_ok);
	ck_assert_uint_eq(c.snd_wscale, 5);
	ck_assert_uint_gt(c.cwnd, 0);
	ck_assert_uint_gt(c.srtt_us, 0);
	ck_assert_uint_ge(c.rto_us, TS_RTO_MIN);
	ck_assert_uint_eq(c.retransmits, 0);
	tn_teardown();
}
END_TEST

/* ---- nothing leaks ----------------------------------------------------------- */

static void cfg_quick_giveup(unsigned node, struct ts_stack_config *cfg)
{
	(void)node;
	cfg->syn_retries = 2;
	cfg->max_retries = 3;
}

/* n connections client -> server:21; returns the client handles and the
 * accepted server handles. */
static void open_many(int *cs, int *as, unsigned n, int ls)
{
	unsigned k;

	for (k = 0; k < n; k++)
		cs[k] = tn_connect(TN_CLIENT, TN_IP_SERVER, 21, 0);
	tn_run(100000);
	for (k = 0; k < n; k++) {
		as[k] = ts_accept(tn_st(TN_SERVER), ls, NULL);
		ck_assert_int_ge(as[k], 0);
	}
}

static unsigned live_handles(unsigned node)
{
	const struct tcp_state *ts = &tn_st(node)->tcp;
	unsigned i, n = 0;

	for (i = 0; i < ts->nsocks_cap; i++)
		n += ts->socks[i] != NULL;
	return n;
}

START_TEST(test_many_connections_leave_nothing)
{
	int cs[20], as[20], ls, k, round;
	char buf[8];

	tn_setup_cfg(0, 0, cfg_quick_giveup);
	ls = tn_listen(TN_SERVER, 21);
	ck_assert_int_eq(ts_listen(tn_st(TN_SERVER), ls, 64), 0); /* new backlog */
	for (round = 0; round < 5; round++) {
		/* Orderly, either side first, data both ways. */
		open_many(cs, as, 20, ls);
		for (k = 0; k < 20; k++) {
			ts_send(tn_st(TN_CLIENT), cs[k], "ping", 4, 0);
			ts_send(tn_st(TN_SERVER), as[k], "pong", 4, 0);
		}
		tn_run(100000);
		for (k = 0; k < 20; k++) {
			ck_assert_int_eq(ts_recv(tn_st(TN_CLIENT), cs[k], buf, 8), 4);
			ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), as[k], buf, 8), 4);
			ts_close(tn_st(k % 2 ? TN_CLIENT : TN_SERVER), k % 2 ? cs[k] : as[k]);
		}
		tn_run(100000);
		for (k = 0; k < 20; k++)
			ts_close(tn_st(k % 2 ? TN_SERVER : TN_CLIENT), k % 2 ? as[k] : cs[k]);
		/* Aborted, and reset by a close with unread data. */
		open_many(cs, as, 20, ls);
		for (k = 0; k < 20; k++) {
			if (k % 2)
				ts_abort(tn_st(TN_CLIENT), cs[k]);
			else
				ts_send(tn_st(TN_CLIENT), cs[k], "unread", 6, 0);
		}
		tn_run(100000);
		for (k = 0; k < 20; k++) {
			ts_close(tn_st(TN_SERVER), as[k]);
			if (k % 2 == 0)
				ts_close(tn_st(TN_CLIENT), cs[k]);
		}
		/* Refused, and timed out (the raw peer never answers). */
		for (k = 0; k < 5; k++) {
			cs[k] = tn_connect(TN_CLIENT, TN_IP_SERVER, 9, 0);
			cs[k + 5] = tn_connect(TN_CLIENT, RAW_PEER_IP, 21, 0);
		}
		/* Half-open children of a listener closed under them. */
		tn_syn(TN_SERVER, 4000, 21, PEER_ISN);
		tn_run(100000);
		tn_clear_raw(TN_CLIENT);
		tn_clear_raw(TN_SERVER);
		tn_run(20 * TS_USEC_PER_SEC);
		tn_clear_raw(TN_CLIENT);
		tn_clear_raw(TN_SERVER);
		for (k = 0; k < 10; k++) {
			ck_assert_int_eq(tn_state(TN_CLIENT, cs[k]), TS_CLOSED);
			ts_close(tn_st(TN_CLIENT), cs[k]);
		}
	}
	ck_assert_int_eq(ts_close(tn_st(TN_SERVER), ls), 0);
	tn_run(200 * TS_USEC_PER_SEC);
	tn_clear_raw(TN_CLIENT);
	tn_clear_raw(TN_SERVER);
	ck_assert_uint_eq(live_handles(TN_CLIENT), 0);
	ck_assert_uint_eq(live_handles(TN_SERVER), 0);
	ck_assert_uint_eq(tn_st(TN_CLIENT)->tcp.heap_len, 0);
	ck_assert_uint_eq(tn_st(TN_SERVER)->tcp.heap_len, 0);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_ACTIVE_OPENS), 5 * 40);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_GIVEUPS), 5 * 5);
	ck_assert_uint_ge(tn_counter(TN_SERVER, TS_C_TCP_DROP_NO_SOCKET), 5 * 5);
	ck_assert_uint_ge(tn_counter(TN_CLIENT, TS_C_TCP_RST_RX), 5 * (10 + 5));
	ck_assert_uint_ge(tn_counter(TN_CLIENT, TS_C_TCP_TW_EXPIRED), 5 * 10);
	tn_teardown_check(true);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcp_api");
	TCase *calls = tcase_create("calls");
	TCase *ev = tcase_create("events");
	TCase *leak = tcase_create("leak");

	tcase_add_test(calls, test_bad_handle_ebadf_everywhere);
	tcase_add_test(calls, test_send_before_connect_enotconn);
	tcase_add_test(calls, test_send_after_shutdown_epipe);
	tcase_add_test(calls, test_recv_eagain_then_data_then_eof);
	tcase_add_test(calls, test_close_with_unread_data_sends_rst);
	tcase_add_test(calls, test_abort_sends_rst);
	tcase_add_test(calls, test_bind_conflicts_and_reuse_rules);
	tcase_add_test(calls, test_time_wait_blocks_bind_unless_reuse);
	tcase_add_test(calls, test_ephemeral_ports_in_range_and_distinct);
	tcase_add_test(calls, test_listen_backlog_overflow_drops_syn);
	tcase_add_test(calls, test_accept_queue_in_order_of_establishment);
	tcase_add_test(calls, test_full_accept_queue_ignores_final_ack);
	tcase_add_test(calls, test_strerror_texts);
	tcase_add_test(calls, test_getinfo_fields);
	tcase_add_test(ev, test_events_delivered_when_due);
	tcase_add_test(ev, test_write_event_when_room_frees);
	tcase_add_test(ev, test_callback_closes_own_and_other_socket);
	tcase_add_test(ev, test_callback_aborts_itself_on_error);
	tcase_set_timeout(leak, 300);
	tcase_add_test(leak, test_many_connections_leave_nothing);
	suite_add_tcase(s, calls);
	suite_add_tcase(s, ev);
	suite_add_tcase(s, leak);
	return tn_run_suite(s);
}
