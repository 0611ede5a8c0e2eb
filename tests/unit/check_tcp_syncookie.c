/*
 * check_tcp_syncookie.c - the bounded SYN queue and SYN cookies (RFC
 * 4987), with a scripted peer in virtual time: cookies only when the queue
 * is full; the round trip with timestamps (window scale and SACK in the
 * TSval, as Linux) and without (neither offered); the MSS table; forged,
 * stale and unsolicited cookie ACKs reset and counted; a full accept queue
 * sends no cookies; and a SYN flood that leaves an established transfer
 * running and memory bounded.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "tcp_fixture.h"

#define PORT 21u
#define FLOOD_PORT0 10000u
#define SPOOFED_IP 0x4c5810c8u /* 76.88.16.200: nobody answers for it */

/* A SYN from the spoofed address; its SYN,ACK is lost in ARP. */
static void spoofed_syn(uint16_t sport, uint32_t seq)
{
	tn_inject_from(TN_SERVER, SPOOFED_IP, sport, PORT, seq, 0, TCP_SYN,
		       65535, NULL, 0, NULL);
}

/* Fills the server's SYN queue with half-open connections. */
static void fill_syn_queue(void)
{
	uint64_t before = tn_counter(TN_SERVER, TS_C_TCP_COOKIES_SENT);
	unsigned i;

	for (i = 0; i < TS_SYN_QUEUE_MAX; i++)
		spoofed_syn((uint16_t)(FLOOD_PORT0 + i), 1000 + i);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_COOKIES_SENT), before);
}

static struct tcp_opts syn_opts(uint16_t mss, bool ts, bool sack, int wscale)
{
	struct tcp_opts o;

	memset(&o, 0, sizeof(o));
	if (mss != 0) {
		o.mss_present = true;
		o.mss = mss;
	}
	o.sack_ok = sack;
	if (wscale >= 0) {
		o.wscale_present = true;
		o.wscale = (uint8_t)wscale;
	}
	if (ts) {
		o.ts_present = true;
		o.tsval = 777000;
	}
	return o;
}

/* The raw peer sends a SYN from sport; returns the cookie SYN,ACK. */
static struct tcp_seg cookie_synack(uint16_t sport, uint32_t isn,
				    const struct tcp_opts *o)
{
	uint64_t sent = tn_counter(TN_SERVER, TS_C_TCP_COOKIES_SENT);
	unsigned conns = tn_st(TN_SERVER)->tcp.nconns;
	struct tcp_seg seg;

	tn_inject(TN_SERVER, sport, PORT, isn, 0, TCP_SYN, 65535, NULL, 0, o);
	ck_assert(tn_take_seg(TN_SERVER, &seg, NULL, 0));
	ck_assert_uint_eq(seg.flags, TCP_SYN | TCP_ACK);
	ck_assert_uint_eq(seg.ack, isn + 1);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_COOKIES_SENT), sent + 1);
	ck_assert_uint_eq(tn_st(TN_SERVER)->tcp.nconns, conns); /* nothing kept */
	return seg;
}

/* The raw peer completes the handshake; returns the accepted socket. */
static int cookie_ack(int ls, uint16_t sport, uint32_t isn,
		      const struct tcp_seg *synack, bool ts)
{
	struct tcp_opts o;

	memset(&o, 0, sizeof(o));
	if (ts) {
		o.ts_present = true;
		o.tsval = 777001;
		o.tsecr = synack->opt.tsval;
	}
	tn_inject(TN_SERVER, sport, PORT, isn + 1, synack->seq + 1, TCP_ACK,
		  65535, NULL, 0, &o);
	return ts_accept(tn_st(TN_SERVER), ls, NULL);
}

START_TEST(test_cookies_only_when_syn_queue_full)
{
	struct tcp_opts o = syn_opts(1460, false, false, -1);

	tn_setup();
	tn_listen(TN_SERVER, PORT);
	fill_syn_queue();
	ck_assert_uint_eq(tn_st(TN_SERVER)->tcp.nconns, TS_SYN_QUEUE_MAX);
	cookie_synack(20000, 5000, &o);
	tn_expect_line(TN_SERVER, "answering with SYN cookies");
	tn_teardown();
}
END_TEST

/* With timestamps: the peer's window scale and SACK permitted come back
 * in the echoed TSval; the connection is as if the queue had room. */
START_TEST(test_cookie_round_trip_with_timestamps)
{
	struct tcp_opts o = syn_opts(1460, true, true, 7);
	struct ts_sockinfo i;
	struct tcp_seg sa, seg;
	uint8_t buf[16];
	int ls, s;

	tn_setup();
	ls = tn_listen(TN_SERVER, PORT);
	fill_syn_queue();
	sa = cookie_synack(20000, 5000, &o);
	ck_assert(sa.opt.mss_present && sa.opt.ts_present && sa.opt.sack_ok &&
		  sa.opt.wscale_present);
	ck_assert_uint_eq(sa.opt.tsecr, 777000);
	ck_assert_uint_eq(sa.opt.tsval & 0x3f, 0x10u | 7u); /* sack | wscale */
	s = cookie_ack(ls, 20000, 5000, &sa, true);
	ck_assert_int_ge(s, 0);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_COOKIES_OK), 1);
	i = tn_info(TN_SERVER, s);
	ck_assert_int_eq(i.state, TS_ESTABLISHED);
	ck_assert_uint_eq(i.iss, sa.seq);
	ck_assert_uint_eq(i.mss, 1460 - 12);
	ck_assert(i.sack_ok && i.ts_ok);
	ck_assert_uint_eq(i.snd_wscale, 7);
	ck_assert_uint_eq(i.rcv_wscale, sa.opt.wscale);
	tn_expect_line(TN_SERVER, "LISTEN -> ESTABLISHED (rcvd ACK with a valid SYN cookie)");
	/* Data both ways. */
	tn_inject(TN_SERVER, 20000, PORT, 5001, sa.seq + 1, TCP_ACK | TCP_PSH,
		  65535, "hello", 5, NULL);
	ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), s, buf, sizeof(buf)), 5);
	ck_assert_mem_eq(buf, "hello", 5);
	ck_assert_int_eq(ts_send(tn_st(TN_SERVER), s, "world", 5, 0), 5);
	while (tn_take_seg(TN_SERVER, &seg, buf, sizeof(buf)) && seg.len == 0)
		;
	ck_assert_uint_eq(seg.seq, sa.seq + 1);
	ck_assert_uint_eq(seg.len, 5);
	ck_assert_mem_eq(buf, "world", 5);
	tn_teardown();
}
END_TEST

/* Without timestamps nothing can carry window scale or SACK back: the
 * SYN,ACK offers only the MSS (as Linux), the connection uses neither. */
START_TEST(test_cookie_without_timestamps_offers_only_mss)
{
	struct tcp_opts o = syn_opts(1400, false, true, 7);
	struct ts_sockinfo i;
	struct tcp_seg sa;
	int ls, s;

	tn_setup();
	ls = tn_listen(TN_SERVER, PORT);
	fill_syn_queue();
	sa = cookie_synack(20001, 9000, &o);
	ck_assert(sa.opt.mss_present);
	ck_assert(!sa.opt.ts_present && !sa.opt.sack_ok && !sa.opt.wscale_present);
	s = cookie_ack(ls, 20001, 9000, &sa, false);
	ck_assert_int_ge(s, 0);
	i = tn_info(TN_SERVER, s);
	ck_assert_uint_eq(i.mss, 1300); /* the table's entry at or below 1400 */
	ck_assert(!i.sack_ok && !i.ts_ok);
	ck_assert_uint_eq(i.snd_wscale, 0);
	ck_assert_uint_eq(i.rcv_wscale, 0);
	tn_teardown();
}
END_TEST

/* Linux's table {536, 1300, 1440, 1460}: the largest entry not above the
 * peer's MSS (536 when it announced none). */
START_TEST(test_cookie_mss_table)
{
	static const uint16_t peer[] = { 0, 536, 1299, 1300, 1459, 1460, 8960 };
	static const uint16_t want[] = { 536, 536, 536, 1300, 1440, 1460, 1460 };
	unsigned k;
	int ls;

	tn_setup();
	ls = tn_listen(TN_SERVER, PORT);
	fill_syn_queue();
	for (k = 0; k < sizeof(peer) / sizeof(peer[0]); k++) {
		struct tcp_opts o = syn_opts(peer[k], false, false, -1);
		uint16_t port = (uint16_t)(30000 + k);
		struct tcp_seg sa = cookie_synack(port, 100 * k, &o);
		int s = cookie_ack(ls, port, 100 * k, &sa, false);

		ck_assert_int_ge(s, 0);
		ck_assert_uint_eq(tn_info(TN_SERVER, s).mss, want[k]);
		tn_clear_raw(TN_SERVER);
	}
	tn_teardown();
}
END_TEST

/* SECURITY: a cookie ACK that does not decode (wrong ACK, or for another
 * SYN sequence number) is reset and counted; nothing is created. */
START_TEST(test_forged_cookie_reset_and_counted)
{
	struct tcp_opts o = syn_opts(1460, false, false, -1);
	struct tcp_seg sa, rst;
	int ls;

	tn_setup();
	ls = tn_listen(TN_SERVER, PORT);
	fill_syn_queue();
	sa = cookie_synack(20002, 4242, &o);
	tn_inject(TN_SERVER, 20002, PORT, 4243, sa.seq + 2, TCP_ACK, 65535,
		  NULL, 0, NULL);
	ck_assert(tn_take_seg(TN_SERVER, &rst, NULL, 0));
	ck_assert_uint_ne(rst.flags & TCP_RST, 0);
	tn_inject(TN_SERVER, 20002, PORT, 9999, sa.seq + 1, TCP_ACK, 65535,
		  NULL, 0, NULL);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_COOKIES_BAD), 2);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_COOKIES_OK), 0);
	ck_assert_int_eq(ts_accept(tn_st(TN_SERVER), ls, NULL), -EAGAIN);
	tn_teardown();
}
END_TEST

/* A cookie is good for TS_SYNCOOKIE_MAX_AGE ticks of its clock: one a
 * minute old works, one four minutes old does not. */
START_TEST(test_cookie_expires)
{
	struct tcp_opts o = syn_opts(1460, false, false, -1);
	struct tcp_seg fresh, stale;
	int ls;

	tn_setup();
	ls = tn_listen(TN_SERVER, PORT);
	fill_syn_queue();
	stale = cookie_synack(20003, 1, &o);
	tn_run(3 * TS_SYNCOOKIE_PERIOD); /* the half-open ones give up */
	ck_assert_uint_eq(tn_st(TN_SERVER)->tcp.nconns, 0);
	fill_syn_queue();
	fresh = cookie_synack(20004, 2, &o);
	tn.now += TS_SYNCOOKIE_PERIOD;
	ck_assert_int_lt(cookie_ack(ls, 20003, 1, &stale, false), 0);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_COOKIES_BAD), 1);
	ck_assert_int_ge(cookie_ack(ls, 20004, 2, &fresh, false), 0);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_COOKIES_OK), 1);
	tn_teardown();
}
END_TEST

/* A listener that sent no cookies resets a stray ACK without looking for
 * one (no counter moves). */
START_TEST(test_stray_ack_without_cookies_reset)
{
	struct tcp_seg rst;

	tn_setup();
	tn_listen(TN_SERVER, PORT);
	tn_inject(TN_SERVER, 20005, PORT, 1, 12345, TCP_ACK, 65535, NULL, 0, NULL);
	ck_assert(tn_take_seg(TN_SERVER, &rst, NULL, 0));
	ck_assert_uint_eq(rst.flags, TCP_RST);
	ck_assert_uint_eq(rst.seq, 12345);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_COOKIES_BAD), 0);
	tn_teardown();
}
END_TEST

/* With the accept queue full, SYNs are dropped, cookies or not. */
START_TEST(test_full_accept_queue_sends_no_cookie)
{
	struct tcp_seg seg;
	unsigned k;
	int ls;

	tn_setup();
	ls = tn_listen(TN_SERVER, PORT);
	ck_assert_int_eq(ts_listen(tn_st(TN_SERVER), ls, 1), 0);
	tn_connect(TN_CLIENT, TN_IP_SERVER, PORT, 0);
	tn_run(100 * TS_USEC_PER_MSEC); /* one established, not accepted */
	for (k = 0; k < 3; k++)
		tn_syn(TN_SERVER, (uint16_t)(40000 + k), PORT, k);
	ck_assert(!tn_take_seg(TN_SERVER, &seg, NULL, 0));
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_DROP_LISTEN_OVERFLOW), 3);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_COOKIES_SENT), 0);
	tn_teardown();
}
END_TEST

/* 20 000 SYNs from scrambled ports of a spoofed address during a 4 MiB
 * transfer: the transfer
 * completes intact, the server holds at most a full SYN queue, the rest
 * were cookies. */
START_TEST(test_syn_flood_during_transfer)
{
	static uint8_t out[65536], in[65536], want[65536];
	size_t total = 4u << 20, sent = 0, rcvd = 0;
	uint64_t rng = 12345;
	struct tn_pair p;
	unsigned syns = 0;
	ts_time_t end;

	tn_setup();
	tn_trace_segments(false);
	ts_set_trace(tn_st(TN_SERVER), TS_TRACE_STATES);
	tn_pair_open(&p, PORT, 0);
	end = tn.now + 30 * TS_USEC_PER_SEC;
	while (rcvd < total && tn.now < end) {
		ssize_t n;
		unsigned k;

		for (k = 0; k < 1000 && syns < 20000; k++, syns++) {
			rng = rng * 6364136223846793005ull + 1442695040888963407ull;
			/* distinct ports in a scrambled order */
			spoofed_syn((uint16_t)(1024 + (syns * 7919u) % 60000u),
				    (uint32_t)(rng >> 13));
		}
		for (n = 1; sent < total && n > 0;) {
			size_t len = total - sent < sizeof(out) ? total - sent
								: sizeof(out);

			tn_pattern(out, len, sent, 5);
			n = ts_send(tn_st(TN_CLIENT), p.cs, out, len, 0);
			if (n > 0)
				sent += (size_t)n;
		}
		while ((n = ts_recv(tn_st(TN_SERVER), p.as, in, sizeof(in))) > 0) {
			tn_pattern(want, (size_t)n, rcvd, 5);
			ck_assert_mem_eq(in, want, (size_t)n);
			rcvd += (size_t)n;
		}
		tn_run(TS_USEC_PER_MSEC);
	}
	ck_assert_uint_eq(rcvd, total);
	ck_assert_uint_eq(syns, 20000);
	ck_assert_uint_le(tn_st(TN_SERVER)->tcp.nconns, TS_SYN_QUEUE_MAX + 1);
	ck_assert_uint_ge(tn_counter(TN_SERVER, TS_C_TCP_COOKIES_SENT),
			  20000 - TS_SYN_QUEUE_MAX);
	tn_teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcp_syncookie");
	TCase *tc = tcase_create("syncookie");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_cookies_only_when_syn_queue_full);
	tcase_add_test(tc, test_cookie_round_trip_with_timestamps);
	tcase_add_test(tc, test_cookie_without_timestamps_offers_only_mss);
	tcase_add_test(tc, test_cookie_mss_table);
	tcase_add_test(tc, test_forged_cookie_reset_and_counted);
	tcase_add_test(tc, test_cookie_expires);
	tcase_add_test(tc, test_stray_ack_without_cookies_reset);
	tcase_add_test(tc, test_full_accept_queue_sends_no_cookie);
	tcase_add_test(tc, test_syn_flood_during_transfer);
	suite_add_tcase(s, tc);
	return tn_run_suite(s);
}
