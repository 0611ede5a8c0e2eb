/*
 * check_tcp_data.c - the data path of the TCP core in virtual time:
 * byte-exact bulk transfers, sequence wrap-around, reassembly and SACK,
 * FINs ahead of data, zero-window probing, Nagle, delayed ACKs, MSS and
 * window-scale negotiation, urgent data. (Loss and timers:
 * check_tcp_loss.c.)
 *
 * The fixture's segment log records every segment (who sent it, when)
 * and a policy may drop or delay some, so each test states exactly what
 * happens to which segment.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fixture.h"

#define MIB (1024u * 1024u)

/* State of the individual tests' policies. */
static bool server_window_zero_seen, window_update_dropped;

static void setup(uint32_t cisn, uint32_t sisn, tn_config_fn fn)
{
	tn_setup_cfg(cisn, sisn, fn);
	tn_log_start(NULL);
	server_window_zero_seen = window_update_dropped = false;
}

/* ---- bulk transfers ------------------------------------------------------- */

/* 8 MiB one way, byte-exact; then both close cleanly. */
static void bulk(tn_config_fn cfg, unsigned from, size_t chunk,
		 ts_time_t max_time)
{
	struct ts_sockinfo si, ri;
	struct tn_pair p;
	unsigned to = from == TN_CLIENT ? TN_SERVER : TN_CLIENT;
	int ss, rs;
	ts_time_t t0;

	setup(0, 0, cfg);
	tn_trace_segments(false);
	tn_pair_open(&p, 20, 0);
	ss = from == TN_CLIENT ? p.cs : p.as;
	rs = from == TN_CLIENT ? p.as : p.cs;
	t0 = tn.now;
	ck_assert_uint_eq(tn_transfer(from, ss, to, rs, 8 * MIB, 7, chunk,
				      t0 + max_time),
			  8 * MIB);
	tn_run(TS_USEC_PER_SEC);
	si = tn_info(from, ss);
	ri = tn_info(to, rs);
	ck_assert_uint_eq(si.bytes_acked, 8 * MIB);
	ck_assert_uint_eq(ri.bytes_received, 8 * MIB);
	ck_assert_uint_eq(si.snd_una, si.iss + 1 + 8 * MIB);
	ck_assert_uint_eq(si.sndbuf_used, 0);
	ck_assert_uint_eq(tn_counter(from, TS_C_TCP_RETRANSMITS), 0);
	ck_assert_int_eq(ts_close(tn_st(from), ss), 0);
	ck_assert_int_eq(ts_close(tn_st(to), rs), 0);
	ck_assert_int_eq(ts_close(tn_st(TN_SERVER), p.ls), 0);
	tn_run(70 * TS_USEC_PER_SEC);
	tn_teardown_check(true);
}

START_TEST(test_bulk_8mib_client_to_server_small_buffers)
{
	/* 4 KB of window per 2 ms round trip: about 4 s at best. */
	bulk(tn_cfg_small_buffers, TN_CLIENT, 1000, 15 * TS_USEC_PER_SEC);
}
END_TEST

START_TEST(test_bulk_8mib_server_to_client_small_buffers)
{
	bulk(tn_cfg_small_buffers, TN_SERVER, 1000, 15 * TS_USEC_PER_SEC);
}
END_TEST

START_TEST(test_bulk_8mib_client_to_server_large_buffers)
{
	/* Slow start to a 1 MiB window on an unlimited wire: ms, not s. */
	bulk(NULL, TN_CLIENT, 65536, 200 * TS_USEC_PER_MSEC);
}
END_TEST

START_TEST(test_bulk_8mib_server_to_client_large_buffers)
{
	bulk(NULL, TN_SERVER, 65536, 200 * TS_USEC_PER_MSEC);
}
END_TEST

/* ---- sequence numbers crossing 2^32 --------------------------------------- */

#define WRAP_CLIENT_ISN 0xfffff000u /* 4 KB below 2^32 */
#define WRAP_SERVER_ISN 0xffffe000u /* 8 KB below 2^32 */

/* Drops, once, the client's segment whose data crosses sequence 0. */
static bool drop_wrapping_segment(unsigned from, const struct tcp_seg *seg,
				  bool is_new, ts_time_t *at)
{
	(void)at;
	return !(from == TN_CLIENT && is_new && seg->len > 0 &&
		 seg->seq + seg->len < seg->seq);
}

START_TEST(test_sequence_wraps_around_zero_both_sides)
{
	struct ts_sockinfo c, s;
	struct tn_pair p;

	setup(WRAP_CLIENT_ISN, WRAP_SERVER_ISN, NULL);
	tn.policy = drop_wrapping_segment;
	tn_pair_open(&p, 20, 0);
	ck_assert_uint_eq(tn_transfer(TN_CLIENT, p.cs, TN_SERVER, p.as, MIB, 3,
				      16384, tn.now + 30 * TS_USEC_PER_SEC),
			  MIB);
	ck_assert_uint_eq(tn_transfer(TN_SERVER, p.as, TN_CLIENT, p.cs, MIB, 4,
				      16384, tn.now + 30 * TS_USEC_PER_SEC),
			  MIB);
	tn_run(TS_USEC_PER_SEC);
	c = tn_info(TN_CLIENT, p.cs);
	s = tn_info(TN_SERVER, p.as);
	ck_assert_uint_eq(c.iss, WRAP_CLIENT_ISN);
	ck_assert_uint_eq(s.iss, WRAP_SERVER_ISN);
	/* Both streams crossed zero: SND.UNA is now numerically small. */
	ck_assert_uint_eq(c.snd_una, (uint32_t)(WRAP_CLIENT_ISN + 1 + MIB));
	ck_assert_uint_eq(s.snd_una, (uint32_t)(WRAP_SERVER_ISN + 1 + MIB));
	ck_assert_uint_lt(c.snd_una, MIB);
	ck_assert_uint_lt(s.snd_una, MIB);
	ck_assert_uint_eq(c.rcv_nxt, s.snd_una);
	ck_assert_uint_eq(s.rcv_nxt, c.snd_una);
	/* The lost segment across zero was recovered. */
	ck_assert_uint_ge(tn_counter(TN_CLIENT, TS_C_TCP_RETRANSMITS), 1);
	tn_teardown();
}
END_TEST

/* ---- reordering, loss ----------------------------------------------------- */

/* Holds back the client's 3rd new data segment by 5 ms. */
static bool delay_third(unsigned from, const struct tcp_seg *seg, bool is_new,
			ts_time_t *at)
{
	if (from == TN_CLIENT && is_new && seg->len > 0 &&
	    tn.new_data[TN_CLIENT] == 3)
		*at += 5 * TS_USEC_PER_MSEC;
	return true;
}

START_TEST(test_out_of_order_reassembled_with_sack)
{
	struct tn_pair p;
	int line;

	setup(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	tn.policy = delay_third;
	ck_assert_uint_eq(tn_transfer(TN_CLIENT, p.cs, TN_SERVER, p.as, 100000,
				      5, 100000, tn.now + 10 * TS_USEC_PER_SEC),
			  100000);
	ck_assert_uint_ge(tn_counter(TN_SERVER, TS_C_TCP_OOO), 1);
	ck_assert_uint_ge(tn_counter(TN_SERVER, TS_C_TCP_SACK_BLOCKS_TX), 1);
	/* The server's ACK names the range it holds beyond the hole. */
	line = tn_expect_line(TN_SERVER, "> 76.88.16.104:");
	line = tn_find(TN_SERVER, ",sack 1 {", line);
	if (line < 0) {
		tn_dump(TN_SERVER);
		ck_abort_msg("no SACK block in the server's ACKs");
	}
	ck_assert_ptr_nonnull(strstr(tn.node[TN_SERVER].lines[line],
				     "76.88.16.16:20 > "));
	tn_teardown();
}
END_TEST

/* A FIN that arrives before the data in front of it waits for that
 * data (RFC 9293 3.10.7.4 eighth: only a FIN at RCV.NXT counts). */
static void fin_ahead_of_data(bool fin_with_data)
{
	struct ts_sockinfo i;
	struct tcp_seg seg;
	struct tn_raw c;
	uint32_t s0;
	char buf[16];

	setup(0, 0, NULL);
	tn_raw_passive(&c, TN_SERVER, 20, 4000, 5000, NULL);
	s0 = c.snd_nxt;
	if (fin_with_data)
		tn_inject(TN_SERVER, 4000, 20, s0 + 5, c.rcv_nxt,
			  TCP_ACK | TCP_FIN, 65535, "world", 5, NULL);
	else
		tn_inject(TN_SERVER, 4000, 20, s0 + 5, c.rcv_nxt,
			  TCP_ACK | TCP_FIN, 65535, NULL, 0, NULL);
	ck_assert_int_eq(tn_state(TN_SERVER, c.sock), TS_ESTABLISHED);
	ck_assert_uint_eq(ts_readable(tn_st(TN_SERVER), c.sock), 0);
	ck_assert_uint_eq(tn.node[TN_SERVER].events[c.sock] & TS_EV_EOF, 0);
	tn_raw_expect(&c, &seg, NULL, 0); /* a duplicate ACK at once */
	ck_assert_uint_eq(seg.ack, s0);
	tn_inject(TN_SERVER, 4000, 20, s0, c.rcv_nxt, TCP_ACK, 65535, "hello", 5,
		  NULL);
	i = tn_info(TN_SERVER, c.sock);
	ck_assert_int_eq(i.state, TS_CLOSE_WAIT);
	ck_assert_uint_eq(i.rcv_nxt, s0 + (fin_with_data ? 10 : 5) + 1);
	ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), c.sock, buf, sizeof(buf)),
			 fin_with_data ? 10 : 5);
	ck_assert_int_eq(memcmp(buf, "helloworld", fin_with_data ? 10 : 5), 0);
	ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), c.sock, buf, sizeof(buf)), 0);
	ck_assert_uint_ne(tn.node[TN_SERVER].events[c.sock] & TS_EV_EOF, 0);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.ack, i.rcv_nxt);
	tn_teardown();
}

START_TEST(test_fin_with_data_ahead_of_hole_waits)
{
	fin_ahead_of_data(true);
}
END_TEST

START_TEST(test_bare_fin_ahead_of_hole_waits)
{
	fin_ahead_of_data(false);
}
END_TEST

/* ---- flow control ------------------------------------------------------------ */

static void cfg_server_small_rcvbuf(unsigned node, struct ts_stack_config *cfg)
{
	if (node == TN_SERVER)
		cfg->rcvbuf = 4096;
}

/* Drops the server's first segment that opens its window again, so the
 * client learns of the open window only through a probe. */

static bool drop_first_window_update(unsigned from, const struct tcp_seg *seg,
				     bool is_new, ts_time_t *at)
{
	(void)is_new;
	(void)at;
	if (from != TN_SERVER)
		return true;
	if (seg->wnd == 0)
		server_window_zero_seen = true;
	else if (server_window_zero_seen && !window_update_dropped) {
		window_update_dropped = true;
		return false;
	}
	return true;
}

/* Reads what is there and checks it against the pattern from offset. */
static size_t read_pattern(unsigned node, int sock, size_t off, unsigned seed)
{
	uint8_t buf[4096], want[4096];
	ssize_t n;

	while ((n = ts_recv(tn_st(node), sock, buf, sizeof(buf))) > 0) {
		tn_pattern(want, (size_t)n, off, seed);
		ck_assert_int_eq(memcmp(buf, want, (size_t)n), 0);
		off += (size_t)n;
	}
	return off;
}

START_TEST(test_zero_window_probes_back_off_and_resume)
{
	static uint8_t data[65536];
	struct tn_pair p;
	ts_time_t prev = 0, gap = 0;
	unsigned k, probes = 0;
	size_t got = 0;

	setup(0, 0, cfg_server_small_rcvbuf);
	tn_pair_open(&p, 20, 0);
	tn.policy = drop_first_window_update;
	tn_pattern(data, sizeof(data), 0, 9);
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), p.cs, data, sizeof(data), 0),
			 (ssize_t)sizeof(data));
	tn_run(100 * TS_USEC_PER_SEC); /* nobody reads */
	ck_assert_uint_eq(tn_info(TN_CLIENT, p.cs).snd_wnd, 0);
	ck_assert_uint_eq(tn_info(TN_SERVER, p.as).rcvbuf_used, 4096);
	/* Probes: seq = SND.UNA - 1, no data; each interval twice the last
	 * until the 60 s cap. */
	for (k = 0; k < tn.nlog; k++) {
		const struct tcp_seg *s = &tn.log[k].seg;

		if (tn.log[k].from != TN_CLIENT || s->len != 0 ||
		    s->seq != tn_info(TN_CLIENT, p.cs).snd_una - 1)
			continue;
		if (probes >= 2) {
			ts_time_t want = 2 * gap > TS_PERSIST_MAX ? TS_PERSIST_MAX : 2 * gap;

			ck_assert_uint_eq(tn.log[k].at - prev, want);
		}
		if (probes >= 1)
			gap = tn.log[k].at - prev;
		prev = tn.log[k].at;
		probes++;
	}
	ck_assert_uint_ge(probes, 5);
	ck_assert_uint_le(probes, 12); /* backed off, not every RTO */
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_ZWP), probes);
	/* The reader reads; its window update is lost; a probe finds the
	 * window open and the rest flows. */
	for (k = 0; k < 1000 && got < sizeof(data); k++) {
		got = read_pattern(TN_SERVER, p.as, got, 9);
		tn_run(100 * TS_USEC_PER_MSEC);
	}
	ck_assert(window_update_dropped);
	ck_assert_uint_eq(got, sizeof(data));
	ck_assert_uint_eq(tn_info(TN_CLIENT, p.cs).sndbuf_used, 0);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_ESTABLISHED);
	tn_teardown();
}
END_TEST

/* Our window is zero (the application does not read) while we send: the
 * peer's data cannot be taken, but the ACK it carries must be (RFC 9293
 * 3.10.7.4: "special allowance ... to accept valid ACKs, URGs and RSTs"),
 * or our own data would wait for a timeout. */
START_TEST(test_zero_window_still_takes_acks)
{
	static uint8_t fill[4096];
	struct ts_sockinfo i;
	struct tcp_seg seg;
	struct tn_raw c;

	setup(0, 0, cfg_server_small_rcvbuf);
	tn_raw_passive(&c, TN_SERVER, 20, 4000, 5000, NULL);
	tn_raw_send(&c, TCP_ACK, fill, sizeof(fill)); /* fills the window */
	tn_run(TS_USEC_PER_SEC);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.ack, c.snd_nxt);
	ck_assert_uint_eq(seg.wnd, 0);
	ck_assert_int_eq(ts_send(tn_st(TN_SERVER), c.sock, "reply", 5, 0), 5);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.len, 5);
	/* More data from the peer, acknowledging the reply. */
	tn_raw_send(&c, TCP_ACK | TCP_PSH, "more", 4);
	i = tn_info(TN_SERVER, c.sock);
	ck_assert_uint_eq(i.snd_una, c.rcv_nxt);      /* the ACK counted */
	ck_assert_uint_eq(i.rcv_nxt, c.snd_nxt - 4);  /* the data did not */
	ck_assert_uint_eq(i.rcvbuf_used, sizeof(fill));
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.ack, c.snd_nxt - 4);
	ck_assert_uint_eq(seg.wnd, 0);
	tn_run(5 * TS_USEC_PER_SEC);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_RETRANSMITS), 0);
	tn_teardown();
}
END_TEST

/* The sender queues 1 MiB and closes at once (an orphan from then on);
 * the receiver's small window drains slowly. Every byte arrives, then
 * the FIN; the orphan is gone after TIME_WAIT. */
START_TEST(test_close_with_queued_data_delivers_everything)
{
	static uint8_t data[MIB];
	struct tn_pair p;
	size_t got = 0;
	unsigned k;
	char b;

	setup(0, 0, cfg_server_small_rcvbuf);
	tn_trace_segments(false);
	tn_pair_open(&p, 20, 0);
	tn_pattern(data, sizeof(data), 0, 21);
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), p.cs, data, sizeof(data), 0),
			 (ssize_t)sizeof(data));
	ck_assert_int_eq(ts_close(tn_st(TN_CLIENT), p.cs), 0);
	for (k = 0; k < 10000 && got < sizeof(data); k++) {
		got = read_pattern(TN_SERVER, p.as, got, 21);
		tn_run(10 * TS_USEC_PER_MSEC);
	}
	ck_assert_uint_eq(got, sizeof(data));
	tn_run(100 * TS_USEC_PER_MSEC);
	ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), p.as, &b, 1), 0);
	ck_assert_int_eq(tn_state(TN_SERVER, p.as), TS_CLOSE_WAIT);
	ts_close(tn_st(TN_SERVER), p.as);
	ts_close(tn_st(TN_SERVER), p.ls);
	tn_run(70 * TS_USEC_PER_SEC);
	tn_teardown_check(true);
}
END_TEST

/* ---- Nagle, delayed ACK ------------------------------------------------------- */

static unsigned small_writes_segments(bool nodelay)
{
	struct tn_pair p;
	unsigned k, n;
	char buf[32];

	setup(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	ck_assert_int_eq(ts_setopt(tn_st(TN_CLIENT), p.cs, TS_OPT_NODELAY, nodelay), 0);
	for (k = 0; k < 11; k++)
		ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), p.cs, "x", 1, 0), 1);
	tn_run(TS_USEC_PER_SEC);
	ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), p.as, buf, sizeof(buf)), 11);
	n = tn_log_count(TN_CLIENT, true);
	tn_teardown();
	return n;
}

START_TEST(test_nagle_coalesces_small_writes)
{
	/* One byte goes at once; the other ten wait for its ACK and leave
	 * together. */
	ck_assert_uint_eq(small_writes_segments(false), 2);
}
END_TEST

START_TEST(test_nodelay_sends_each_write)
{
	ck_assert_uint_eq(small_writes_segments(true), 11);
}
END_TEST

/* The first ACK from the server at or after record index from. */
static int server_ack_after(unsigned from)
{
	unsigned i;

	for (i = from; i < tn.nlog; i++)
		if (tn.log[i].from == TN_SERVER && (tn.log[i].seg.flags & TCP_ACK))
			return (int)i;
	return -1;
}

START_TEST(test_delayed_ack_timer_and_every_second_segment)
{
	static uint8_t data[2 * 1448];
	struct tn_pair p;
	unsigned before;
	int d, a;

	setup(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	ts_setopt(tn_st(TN_CLIENT), p.cs, TS_OPT_NODELAY, 1);
	/* One small segment: acknowledged when the delayed-ACK timer runs. */
	before = tn.nlog;
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), p.cs, "one", 3, 0), 3);
	tn_run(TS_USEC_PER_SEC);
	d = tn_log_nth(TN_CLIENT, true, 0);
	a = server_ack_after(before);
	ck_assert_int_ge(a, 0);
	ck_assert_uint_eq(tn.log[a].at, tn.log[d].at + tn.delay + TS_DELACK_DEFAULT);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_DELACKS), 1);
	/* Two full segments back to back: the second is acked at once. */
	before = tn.nlog;
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), p.cs, data, sizeof(data), 0),
			 (ssize_t)sizeof(data));
	tn_run(TS_USEC_PER_SEC);
	d = tn_log_nth(TN_CLIENT, true, 2);
	ck_assert_uint_eq(tn.log[d].seg.len, 1448);
	a = server_ack_after(before);
	ck_assert_uint_eq(tn.log[a].at, tn.log[d].at + tn.delay);
	ck_assert_uint_eq(tn.log[a].seg.ack, tn.log[d].seg.seq + 1448);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_DELACKS), 1);
	tn_teardown();
}
END_TEST

/* ---- MSS and window scale --------------------------------------------------------- */

static void cfg_client_mtu_1000(unsigned node, struct ts_stack_config *cfg)
{
	if (node == TN_CLIENT)
		cfg->mtu = 1000;
}

START_TEST(test_mss_announced_is_mtu_minus_40)
{
	struct tn_pair p;

	setup(0, 0, cfg_client_mtu_1000);
	tn_pair_open(&p, 20, 0);
	tn_expect_line(TN_CLIENT, "SYN seq=");
	ck_assert_int_ge(tn_find(TN_CLIENT, "<mss 960,", 0), 0);
	ck_assert_int_ge(tn_find(TN_SERVER, "SYN,ACK seq=", 0), 0);
	ck_assert_int_ge(tn_find(TN_SERVER, "<mss 1460,", 0), 0);
	/* Both send at most 960 - 12 (timestamps) per segment. */
	ck_assert_uint_eq(tn_info(TN_CLIENT, p.cs).mss, 948);
	ck_assert_uint_eq(tn_info(TN_SERVER, p.as).mss, 948);
	ck_assert_uint_eq(tn_transfer(TN_SERVER, p.as, TN_CLIENT, p.cs, 20000, 1,
				      20000, tn.now + TS_USEC_PER_SEC),
			  20000);
	ck_assert_uint_eq(tn.log[tn_log_nth(TN_SERVER, true, 0)].seg.len, 948);
	tn_teardown();
}
END_TEST

START_TEST(test_mss_536_when_peer_announces_none)
{
	static uint8_t data[2000];
	struct tcp_seg seg;
	struct tn_raw c;

	setup(0, 0, NULL);
	tn_raw_passive(&c, TN_SERVER, 20, 4000, 5000, NULL);
	ck_assert_uint_eq(tn_info(TN_SERVER, c.sock).mss, TS_MSS_DEFAULT);
	ck_assert_int_eq(ts_send(tn_st(TN_SERVER), c.sock, data, sizeof(data), 0),
			 (ssize_t)sizeof(data));
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.len, 536);
	tn_teardown();
}
END_TEST

START_TEST(test_timestamps_reduce_payload_to_mss_minus_12)
{
	struct tn_pair p;
	unsigned k;

	setup(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	ck_assert(tn_info(TN_CLIENT, p.cs).ts_ok);
	ck_assert_uint_eq(tn_info(TN_CLIENT, p.cs).mss, 1448);
	ck_assert_uint_eq(tn_info(TN_SERVER, p.as).mss, 1448);
	ck_assert_uint_eq(tn_transfer(TN_CLIENT, p.cs, TN_SERVER, p.as, 50000, 1,
				      50000, tn.now + TS_USEC_PER_SEC),
			  50000);
	for (k = 0; k < tn.nlog; k++)
		ck_assert_uint_le(tn.log[k].seg.len, 1448);
	ck_assert_uint_eq(tn.log[tn_log_nth(TN_CLIENT, true, 0)].seg.len, 1448);
	tn_expect_line(TN_CLIENT, "len=1448 <nop,nop,TS val");
	tn_teardown();
}
END_TEST

START_TEST(test_window_scale_negotiated)
{
	struct ts_sockinfo c, s;
	struct tn_pair p;

	setup(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	s = tn_info(TN_SERVER, p.as);
	/* The client knows the scaled window once the server sends a
	 * segment that is not a SYN (RFC 7323 2.2). */
	ck_assert_uint_eq(tn_info(TN_CLIENT, p.cs).snd_wnd, 65535);
	ck_assert_int_eq(ts_send(tn_st(TN_SERVER), p.as, "x", 1, 0), 1);
	tn_run(100000);
	c = tn_info(TN_CLIENT, p.cs);
	/* 1 MiB buffers need a shift of 5 to fit 16 bits (RFC 7323 2.3). */
	ck_assert_uint_eq(c.rcv_wscale, 5);
	ck_assert_uint_eq(c.snd_wscale, 5);
	ck_assert_uint_eq(s.rcv_wscale, 5);
	ck_assert_uint_eq(s.snd_wscale, 5);
	ck_assert_uint_eq(c.snd_wnd, TS_RCVBUF_DEFAULT);
	ck_assert_uint_eq(s.snd_wnd, TS_RCVBUF_DEFAULT);
	tn_expect_line(TN_CLIENT, ",nop,wscale 5>");
	tn_expect_line(TN_CLIENT, "ACK seq=");
	ck_assert_int_ge(tn_find(TN_CLIENT, " win=32768 ", 0), 0);
	tn_teardown();
}
END_TEST

START_TEST(test_window_scale_off_when_peer_does_not_offer)
{
	static uint8_t data[3000];
	struct tcp_seg seg;
	struct tn_raw c;
	struct ts_sockinfo i;

	setup(0, 0, NULL);
	/* Passive: the SYN has no wscale, so the SYN,ACK has none. */
	tn_raw_passive(&c, TN_SERVER, 20, 4000, 5000, NULL);
	tn_expect_no_line(TN_SERVER, "wscale");
	i = tn_info(TN_SERVER, c.sock);
	ck_assert_uint_eq(i.rcv_wscale, 0);
	ck_assert_uint_eq(i.snd_wscale, 0);
	tn_raw_send(&c, TCP_ACK | TCP_PSH, data, sizeof(data));
	tn_run(TS_USEC_PER_SEC);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.ack, c.snd_nxt);
	ck_assert_uint_eq(seg.wnd, 65535); /* unscaled, clamped */
	/* Active: we offered wscale, the SYN,ACK did not: no scaling. */
	tn_raw_active(&c, TN_CLIENT, 80, 7000, NULL);
	i = tn_info(TN_CLIENT, c.sock);
	ck_assert_uint_eq(i.rcv_wscale, 0);
	ck_assert_uint_eq(i.snd_wscale, 0);
	ck_assert_uint_eq(i.snd_wnd, 65535);
	tn_teardown();
}
END_TEST

/* ---- urgent data ------------------------------------------------------------------ */

START_TEST(test_urgent_pointer_sent)
{
	struct tcp_seg seg;
	struct tn_raw c;
	uint8_t buf[8];

	setup(0, 0, NULL);
	tn_raw_active(&c, TN_CLIENT, 80, 5000, NULL);
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), c.sock, "ab!", 3, TS_MSG_OOB), 3);
	tn_raw_expect(&c, &seg, buf, sizeof(buf));
	ck_assert_uint_ne(seg.flags & TCP_URG, 0);
	ck_assert_uint_eq(seg.len, 3);
	ck_assert_uint_eq(seg.urp, 3); /* just past the urgent byte '!' */
	tn_expect_line(TN_CLIENT, "PSH,ACK,URG seq=");
	tn_expect_line(TN_CLIENT, " urg=3 len=3");
	/* Once acknowledged, no more URG. */
	tn_raw_send(&c, TCP_ACK, NULL, 0);
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), c.sock, "z", 1, 0), 1);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.flags & TCP_URG, 0);
	tn_teardown();
}
END_TEST

START_TEST(test_urgent_event_delivered)
{
	struct tn_pair p;
	char buf[16];

	setup(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	tn.node[TN_SERVER].events[p.as] = 0;
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), p.cs, "ABOR", 4, TS_MSG_OOB), 4);
	tn_run(100000);
	ck_assert_uint_ne(tn.node[TN_SERVER].events[p.as] & TS_EV_URGENT, 0);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_URG_RX), 1);
	ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), p.as, buf, sizeof(buf)), 4);
	ck_assert_int_eq(memcmp(buf, "ABOR", 4), 0); /* urgent data in line */
	/* Ordinary data does not raise it again. */
	tn.node[TN_SERVER].events[p.as] = 0;
	ts_send(tn_st(TN_CLIENT), p.cs, "more", 4, 0);
	tn_run(100000);
	ck_assert_uint_eq(tn.node[TN_SERVER].events[p.as] & TS_EV_URGENT, 0);
	tn_teardown();
}
END_TEST

/* ---- segments that carry SACK blocks ---------------------------------------- */

static unsigned client_data_seen;

/* Drops the client's 5th new data segment once, so the server holds
 * out-of-order data (SACK blocks to send) while it sends its own stream. */
static bool drop_fifth_client_segment(unsigned from, const struct tcp_seg *seg,
				      bool is_new, ts_time_t *at)
{
	(void)at;
	return !(from == TN_CLIENT && seg->len > 0 && is_new &&
		 ++client_data_seen == 5);
}

/* Reads whatever is ready on sock into a pattern check; returns bytes. */
static size_t drain_check(unsigned node, int sock, size_t off, unsigned seed)
{
	static uint8_t got[65536], want[65536];
	ssize_t n;
	size_t total = 0;

	while ((n = ts_recv(tn_st(node), sock, got, sizeof(got))) > 0) {
		tn_pattern(want, (size_t)n, off + total, seed);
		ck_assert_int_eq(memcmp(got, want, (size_t)n), 0);
		total += (size_t)n;
	}
	return total;
}

START_TEST(test_data_segments_with_sack_blocks_fit_the_mtu)
{
	static uint8_t chunk[16384];
	size_t sent[2] = { 0, 0 }, got[2] = { 0, 0 };
	const size_t total = 2 * MIB;
	struct tn_pair p;
	unsigned i;

	setup(0, 0, NULL);
	tn_trace_segments(false);
	client_data_seen = 0;
	tn_log_start(drop_fifth_client_segment);
	tn_pair_open(&p, 20, 0);
	/* Both directions at once, in slices, until both streams arrived. */
	for (i = 0; i < 100000 && (got[0] < total || got[1] < total); i++) {
		ssize_t n;

		tn_pattern(chunk, sizeof(chunk), sent[0], 11);
		if (sent[0] < total &&
		    (n = ts_send(tn_st(TN_CLIENT), p.cs, chunk, sizeof(chunk), 0)) > 0)
			sent[0] += (size_t)n;
		tn_pattern(chunk, sizeof(chunk), sent[1], 12);
		if (sent[1] < total &&
		    (n = ts_send(tn_st(TN_SERVER), p.as, chunk, sizeof(chunk), 0)) > 0)
			sent[1] += (size_t)n;
		tn_run(5000);
		got[0] += drain_check(TN_SERVER, p.as, got[0], 11);
		got[1] += drain_check(TN_CLIENT, p.cs, got[1], 12);
	}
	ck_assert_uint_eq(got[0], total);
	ck_assert_uint_eq(got[1], total);
	ck_assert_uint_gt(tn_counter(TN_SERVER, TS_C_TCP_SACK_BLOCKS_TX), 0);
	/* Every segment TCP built reached the wire: IP refused none as too
	 * big for the MTU. */
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_TX),
			  tn_log_count(TN_SERVER, false));
	tn_teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcp_data");
	TCase *bulk = tcase_create("bulk");
	TCase *flow = tcase_create("flow");

	tcase_set_timeout(bulk, 300);
	tcase_add_test(bulk, test_bulk_8mib_client_to_server_small_buffers);
	tcase_add_test(bulk, test_bulk_8mib_server_to_client_small_buffers);
	tcase_add_test(bulk, test_bulk_8mib_client_to_server_large_buffers);
	tcase_add_test(bulk, test_bulk_8mib_server_to_client_large_buffers);
	tcase_add_test(bulk, test_sequence_wraps_around_zero_both_sides);
	suite_add_tcase(s, bulk);
	tcase_add_test(flow, test_out_of_order_reassembled_with_sack);
	tcase_add_test(flow, test_data_segments_with_sack_blocks_fit_the_mtu);
	tcase_add_test(flow, test_fin_with_data_ahead_of_hole_waits);
	tcase_add_test(flow, test_bare_fin_ahead_of_hole_waits);
	tcase_add_test(flow, test_zero_window_probes_back_off_and_resume);
	tcase_add_test(flow, test_zero_window_still_takes_acks);
	tcase_add_test(flow, test_close_with_queued_data_delivers_everything);
	tcase_add_test(flow, test_nagle_coalesces_small_writes);
	tcase_add_test(flow, test_nodelay_sends_each_write);
	tcase_add_test(flow, test_delayed_ack_timer_and_every_second_segment);
	tcase_add_test(flow, test_mss_announced_is_mtu_minus_40);
	tcase_add_test(flow, test_mss_536_when_peer_announces_none);
	tcase_add_test(flow, test_timestamps_reduce_payload_to_mss_minus_12);
	tcase_add_test(flow, test_window_scale_negotiated);
	tcase_add_test(flow, test_window_scale_off_when_peer_does_not_offer);
	tcase_add_test(flow, test_urgent_pointer_sent);
	tcase_add_test(flow, test_urgent_event_delivered);
	suite_add_tcase(s, flow);
	return tn_run_suite(s);
}
