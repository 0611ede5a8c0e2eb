/*
 * check_tcp_conform.c - the stack against a scripted peer, segment by
 * segment, in virtual time: path MTU discovery from ICMP
 * fragmentation-needed (RFC 1191) and the RFC 5927 checks that throw away
 * forged or implausible ones; delayed ACKs (RFC 9293 3.8.6.3, RFC 5681
 * 4.2); window scale and timestamp negotiation with PAWS (RFC 7323); the
 * keepalive probe's form (RFC 9293 3.8.4); the urgent pointer received
 * (RFC 9293 3.8.5); and the RFC 5961 check of old ACKs.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "tcp_fixture.h"

#define ROUTER_IP 0x4c581001u /* 76.88.16.1 */

/* ---- path MTU ------------------------------------------------------------------ */

/* An ICMP destination-unreachable (code) from a router to node, quoting a
 * TCP header node -> raw peer with ports and sequence number; mtu is the
 * next-hop MTU of code 4 (fragmentation needed). */
static void icmp_unreach(unsigned node, uint8_t code, uint16_t sport,
			 uint16_t dport, uint32_t seq, uint16_t mtu)
{
	static const uint8_t router_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	uint8_t frame[128], quote[IP4_HLEN_MIN + 8];
	uint8_t *icmp = frame + ETH_HLEN + IP4_HLEN_MIN;
	size_t len;

	ip4_write(quote, IP4_PROTO_TCP, tn.node[node].ip, RAW_PEER_IP, 1400, 9,
		  true, 64);
	quote[IP4_HLEN_MIN + 0] = (uint8_t)(sport >> 8);
	quote[IP4_HLEN_MIN + 1] = (uint8_t)sport;
	quote[IP4_HLEN_MIN + 2] = (uint8_t)(dport >> 8);
	quote[IP4_HLEN_MIN + 3] = (uint8_t)dport;
	quote[IP4_HLEN_MIN + 4] = (uint8_t)(seq >> 24);
	quote[IP4_HLEN_MIN + 5] = (uint8_t)(seq >> 16);
	quote[IP4_HLEN_MIN + 6] = (uint8_t)(seq >> 8);
	quote[IP4_HLEN_MIN + 7] = (uint8_t)seq;
	len = icmp_write(icmp, ICMP_DEST_UNREACH, code, mtu, quote, sizeof(quote));
	ip4_write(frame + ETH_HLEN, IP4_PROTO_ICMP, ROUTER_IP, tn.node[node].ip,
		  (uint16_t)len, 77, false, 64);
	eth_write(frame, tn.node[node].mac, router_mac, ETH_TYPE_IPV4);
	ts_input(tn.node[node].st, frame, ETH_HLEN + IP4_HLEN_MIN + len);
}

static void icmp_frag_needed(unsigned node, uint16_t sport, uint16_t dport,
			     uint32_t seq, uint16_t mtu)
{
	icmp_unreach(node, ICMP_CODE_FRAG_NEEDED, sport, dport, seq, mtu);
}

/* A connect() to the raw peer, its SYN taken off the wire. */
static int connect_raw(struct tcp_seg *syn)
{
	int s;

	tn_setup();
	s = tn_connect(TN_CLIENT, RAW_PEER_IP, 81, 0);
	ck_assert(tn_take_seg(TN_CLIENT, syn, NULL, 0));
	ck_assert_uint_eq(syn->flags, TCP_SYN);
	return s;
}

/* RFC 9293 3.10.7.3 practice (RFC 1122 4.2.3.9 lets a connection attempt
 * end on such an error): port unreachable ends a SYN_SENT connection with
 * "connection refused", and its owner hears of it. */
START_TEST(test_icmp_unreachable_aborts_syn_sent)
{
	struct tcp_seg syn;
	int s = connect_raw(&syn);
	char msg[128];

	icmp_unreach(TN_CLIENT, ICMP_CODE_PORT_UNREACH, syn.sport, 81, syn.seq, 0);
	ck_assert_int_eq(tn_state(TN_CLIENT, s), TS_CLOSED);
	ck_assert_int_eq(ts_sock_error(tn_st(TN_CLIENT), s), -ECONNREFUSED);
	/* The message says ICMP and who sent it, not the RST wording. */
	ck_assert_str_eq(ts_sock_strerror(tn_st(TN_CLIENT), s, msg, sizeof(msg)),
			 "connection refused: ICMP port unreachable from "
			 "76.88.16.1: nothing listens on that port");
	tn_run(1000);
	ck_assert(tn.node[TN_CLIENT].events[s] & TS_EV_ERROR);
	tn_expect_line(TN_CLIENT, "icmp: ICMP port unreachable for a connection in SYN_SENT: aborting");
	tn_expect_line(TN_CLIENT, "SYN_SENT -> CLOSED (ICMP port unreachable)");
	tn_teardown();
}
END_TEST

/* SECURITY (RFC 5927 4.1): an unreachable quoting a sequence number we
 * never sent is forged: the connection attempt goes on. */
START_TEST(test_forged_icmp_unreachable_ignored_in_syn_sent)
{
	struct tcp_seg syn;
	int s = connect_raw(&syn);

	icmp_unreach(TN_CLIENT, ICMP_CODE_PORT_UNREACH, syn.sport, 81,
		     syn.seq + 5000, 0);
	ck_assert_int_eq(tn_state(TN_CLIENT, s), TS_SYN_SENT);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_ICMP_DROP_FORGED), 1);
	tn_teardown();
}
END_TEST

/* An active raw-peer connection with timestamps, and 4 full segments of
 * the node's data in flight (taken off the wire: "lost" at the router). */
static uint32_t pmtu_setup(struct tn_raw *c)
{
	static uint8_t data[4 * 1448];
	struct tcp_opts o;
	struct tcp_seg seg;
	unsigned k;

	memset(&o, 0, sizeof(o));
	o.mss_present = true;
	o.mss = 1460;
	o.ts_present = true;
	o.tsval = 1;
	o.sack_ok = true;
	tn_setup();
	tn_raw_active(c, TN_CLIENT, 80, 5000, &o);
	ck_assert_uint_eq(tn_info(TN_CLIENT, c->sock).mss, 1448);
	ck_assert_int_eq(ts_send(tn_st(TN_CLIENT), c->sock, data, sizeof(data), 0),
			 (ssize_t)sizeof(data));
	for (k = 0; k < 4; k++) {
		tn_raw_expect(c, &seg, NULL, 0);
		ck_assert_uint_eq(seg.len, 1448);
	}
	return tn_info(TN_CLIENT, c->sock).snd_una;
}

/* RFC 1191: a plausible next-hop MTU of 1006 makes the MSS 1006 - 40 - 12
 * (timestamps) = 954; what was in flight goes again at once, cut to size. */
START_TEST(test_icmp_frag_needed_lowers_mss_and_resends)
{
	struct tcp_seg seg;
	struct tn_raw c;
	uint32_t una = pmtu_setup(&c);
	unsigned k, bytes = 0;

	icmp_frag_needed(TN_CLIENT, c.port, 80, una + 1448, 1006);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_PMTU_LOWERED), 1);
	ck_assert_uint_eq(tn_info(TN_CLIENT, c.sock).mss, 954);
	tn_expect_line(TN_CLIENT, "pmtu: next hop MTU 1006: MSS 1448 -> 954");
	for (k = 0; k < 8 && bytes < 4 * 1448; k++) {
		tn_raw_expect(&c, &seg, NULL, 0);
		ck_assert_uint_le(seg.len, 954);
		ck_assert_uint_eq(seg.seq, una + bytes);
		bytes += seg.len;
	}
	ck_assert_uint_eq(bytes, 4 * 1448); /* each 1448 cut in two */
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 0);
	/* The peer acknowledges it all: nothing more goes. */
	tn_inject(TN_CLIENT, 80, c.port, c.snd_nxt, una + bytes, TCP_ACK, 65535,
		  NULL, 0, NULL);
	tn_run(5 * TS_USEC_PER_SEC);
	ck_assert(!tn_take_seg(TN_CLIENT, &seg, NULL, 0));
	tn_teardown();
}
END_TEST

/* SECURITY (RFC 5927 4.1): an error quoting a sequence number outside
 * SND.UNA..SND.NXT, or a connection that does not exist, is forged. */
START_TEST(test_forged_icmp_ignored)
{
	struct tn_raw c;
	uint32_t una = pmtu_setup(&c);

	icmp_frag_needed(TN_CLIENT, c.port, 80, una - 1, 1006);     /* acked */
	icmp_frag_needed(TN_CLIENT, c.port, 80, una + 100000, 1006); /* unsent */
	icmp_frag_needed(TN_CLIENT, c.port, 81, una, 1006);         /* port */
	icmp_frag_needed(TN_CLIENT, (uint16_t)(c.port + 1), 80, una, 1006);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_ICMP_DROP_FORGED), 4);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_PMTU_LOWERED), 0);
	ck_assert_uint_eq(tn_info(TN_CLIENT, c.sock).mss, 1448);
	tn_teardown();
}
END_TEST

/* SECURITY (RFC 5927 4.2, RFC 1191): an MTU below 68, not below the
 * current one, or too small for the headers is not believed. */
START_TEST(test_implausible_mtu_ignored)
{
	static const uint16_t bad[] = { 0, 67, 52, 1500, 9000 };
	struct tn_raw c;
	uint32_t una = pmtu_setup(&c);
	unsigned k;

	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		icmp_frag_needed(TN_CLIENT, c.port, 80, una, bad[k]);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_ICMP_DROP_FORGED), 5);
	ck_assert_uint_eq(tn_info(TN_CLIENT, c.sock).mss, 1448);
	/* The smallest plausible MTU gives at least the MSS floor. */
	icmp_frag_needed(TN_CLIENT, c.port, 80, una, 68);
	ck_assert_uint_eq(tn_info(TN_CLIENT, c.sock).mss, TS_MSS_MIN);
	tn_teardown();
}
END_TEST

/* ---- delayed ACKs ---------------------------------------------------------------- */

static void passive_sack(struct tn_raw *c)
{
	struct tcp_opts o;

	memset(&o, 0, sizeof(o));
	o.mss_present = true;
	o.mss = 1000;
	o.sack_ok = true;
	tn_setup();
	tn_raw_passive(c, TN_SERVER, 20, 4000, 7000, &o);
}

/* One segment is acknowledged after the delayed-ACK timer (at most
 * 200 ms, RFC 9293 3.8.6.3); the second full segment at once. */
START_TEST(test_delayed_ack_at_most_200ms_every_second_segment)
{
	static uint8_t data[1000];
	struct tcp_seg seg;
	struct tn_raw c;
	ts_time_t sent;

	passive_sack(&c);
	sent = tn.now;
	tn_raw_send(&c, TCP_ACK, data, sizeof(data));
	ck_assert(!tn_take_seg(TN_SERVER, &seg, NULL, 0));
	tn_run(TS_DELACK_MAX);
	ck_assert_uint_eq(tn.node[TN_SERVER].nraw_out, 1);
	ck_assert_uint_le(tn.node[TN_SERVER].raw_out[0].at - sent, TS_DELACK_MAX);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.ack, c.snd_nxt);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_DELACKS), 1);
	tn_raw_send(&c, TCP_ACK, data, sizeof(data));
	ck_assert(!tn_take_seg(TN_SERVER, &seg, NULL, 0));
	tn_raw_send(&c, TCP_ACK, data, sizeof(data));
	tn_raw_expect(&c, &seg, NULL, 0); /* the second: no delay */
	ck_assert_uint_eq(seg.ack, c.snd_nxt);
	tn_teardown();
}
END_TEST

/* Out of order: an immediate duplicate ACK with a SACK block; the
 * segment that fills the hole: an immediate ACK (RFC 5681 4.2). */
START_TEST(test_out_of_order_acked_at_once)
{
	static uint8_t data[1000];
	struct tcp_seg seg;
	struct tn_raw c;
	uint32_t hole;

	passive_sack(&c);
	hole = c.snd_nxt;
	c.snd_nxt += 1000; /* the first segment "lost" */
	tn_raw_send(&c, TCP_ACK, data, sizeof(data));
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.ack, hole);
	ck_assert_uint_eq(seg.opt.nsack, 1);
	ck_assert_uint_eq(seg.opt.sack[0].left, hole + 1000);
	ck_assert_uint_eq(seg.opt.sack[0].right, hole + 2000);
	tn_inject(TN_SERVER, 4000, 20, hole, c.rcv_nxt, TCP_ACK, 65535, data,
		  sizeof(data), NULL);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.ack, hole + 2000);
	ck_assert_uint_eq(seg.opt.nsack, 0);
	tn_teardown();
}
END_TEST

/* ---- RFC 7323 ---------------------------------------------------------------------- */

/* The peer's scale is honoured (14 at most, RFC 7323 2.3), ours fits the
 * receive buffer; our SYN,ACK echoes the peer's TSval. */
START_TEST(test_window_scale_and_timestamps_negotiated)
{
	static const struct { uint8_t peer; uint8_t want; } w[] = {
		{ 0, 0 }, { 7, 7 }, { 14, 14 }, { 15, 14 }, { 255, 14 } };
	unsigned k;

	for (k = 0; k < sizeof(w) / sizeof(w[0]); k++) {
		struct tcp_opts o;
		struct tcp_seg seg;
		struct ts_sockinfo i;
		int ls;

		memset(&o, 0, sizeof(o));
		o.wscale_present = true;
		o.wscale = w[k].peer;
		o.ts_present = true;
		o.tsval = 4242 + k;
		tn_setup();
		ls = tn_listen(TN_SERVER, 20);
		tn_inject(TN_SERVER, 4000, 20, 100, 0, TCP_SYN, 65535, NULL, 0, &o);
		ck_assert(tn_take_seg(TN_SERVER, &seg, NULL, 0));
		ck_assert(seg.opt.wscale_present && seg.opt.ts_present);
		ck_assert_uint_eq(seg.opt.wscale, tcp_wscale_for(TS_RCVBUF_DEFAULT));
		ck_assert_uint_eq(seg.opt.tsecr, 4242 + k);
		ck_assert_uint_eq(seg.wnd, 65535); /* never scaled in a SYN */
		memset(&o, 0, sizeof(o));
		o.ts_present = true;
		o.tsval = 4243 + k;
		o.tsecr = seg.opt.tsval;
		tn_inject(TN_SERVER, 4000, 20, 101, seg.seq + 1, TCP_ACK, 100, NULL,
			  0, &o);
		i = tn_info(TN_SERVER, ts_accept(tn_st(TN_SERVER), ls, NULL));
		ck_assert_uint_eq(i.snd_wscale, w[k].want);
		ck_assert_uint_eq(i.snd_wnd, 100u << w[k].want);
		ck_assert(i.ts_ok);
		tn_teardown();
	}
}
END_TEST

/* RFC 7323 5.3: a segment whose TSval is older than TS.Recent is an old
 * duplicate: dropped, counted, and answered with an ACK. */
START_TEST(test_paws_drops_old_timestamp)
{
	struct tcp_opts o;
	struct tcp_seg seg;
	struct tn_raw c;

	memset(&o, 0, sizeof(o));
	o.ts_present = true;
	o.tsval = 1000000;
	tn_setup();
	tn_raw_passive(&c, TN_SERVER, 20, 4000, 7000, &o);
	o.tsval = 1000100;
	tn_inject(TN_SERVER, 4000, 20, c.snd_nxt, c.rcv_nxt, TCP_ACK | TCP_PSH,
		  65535, "new", 3, &o);
	c.snd_nxt += 3;
	tn_run(TS_DELACK_MAX);
	tn_clear_raw(TN_SERVER);
	o.tsval = 999000; /* from before the wrap */
	tn_inject(TN_SERVER, 4000, 20, c.snd_nxt, c.rcv_nxt, TCP_ACK | TCP_PSH,
		  65535, "old", 3, &o);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_DROP_PAWS), 1);
	ck_assert_uint_eq(tn_info(TN_SERVER, c.sock).rcvbuf_used, 3);
	ck_assert(tn_take_seg(TN_SERVER, &seg, NULL, 0)); /* at once */
	ck_assert_uint_eq(seg.ack, c.snd_nxt);
	tn_teardown();
}
END_TEST

/* ---- keepalive, urgent, old ACKs ------------------------------------------------------ */

/* A keepalive probe is an ACK one below SND.NXT with no data (RFC 9293
 * 3.8.4, as BSD and Linux send it); the answer resets the count. */
START_TEST(test_keepalive_probe_form)
{
	struct ts_stack *st;
	struct tcp_seg seg;
	struct tn_raw c;
	unsigned k;

	tn_setup();
	tn_raw_active(&c, TN_CLIENT, 80, 5000, NULL);
	st = tn_st(TN_CLIENT);
	ck_assert_int_eq(ts_setopt(st, c.sock, TS_OPT_KEEPIDLE, 30), 0);
	ck_assert_int_eq(ts_setopt(st, c.sock, TS_OPT_KEEPINTVL, 5), 0);
	ck_assert_int_eq(ts_setopt(st, c.sock, TS_OPT_KEEPCNT, 2), 0);
	ck_assert_int_eq(ts_setopt(st, c.sock, TS_OPT_KEEPALIVE, 1), 0);
	for (k = 0; k < 3; k++) {
		tn_run(30 * TS_USEC_PER_SEC); /* idle, then a probe */
		tn_raw_expect(&c, &seg, NULL, 0);
		ck_assert_uint_eq(seg.flags, TCP_ACK);
		ck_assert_uint_eq(seg.len, 0);
		ck_assert_uint_eq(seg.seq, c.rcv_nxt - 1);
		tn_raw_send(&c, TCP_ACK, NULL, 0); /* answered: idle again */
	}
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_KEEPALIVE_PROBES), 3);
	tn_run(30 * TS_USEC_PER_SEC + 2 * 5 * TS_USEC_PER_SEC);
	ck_assert_int_eq(tn_state(TN_CLIENT, c.sock), TS_CLOSED);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_KEEPALIVE_DROPS), 1);
	tn_teardown();
}
END_TEST

/* The peer's urgent pointer may point beyond the segment (the urgent byte
 * comes later): one TS_EV_URGENT per new mark, data stays in line. */
START_TEST(test_urgent_pointer_received)
{
	struct tcp_seg urg;
	struct tn_raw c;
	char buf[16];

	tn_setup();
	tn_raw_passive(&c, TN_SERVER, 21, 4000, 7000, NULL);
	tn.node[TN_SERVER].events[c.sock] = 0;
	/* "\xff\xf4" (IAC IP) now; the pointer is past the urgent
	 * "\xff\xf2" (IAC DM) of the next segment. */
	memset(&urg, 0, sizeof(urg));
	urg.src_ip = RAW_PEER_IP;
	urg.sport = 4000;
	urg.dport = 21;
	urg.seq = c.snd_nxt;
	urg.ack = c.rcv_nxt;
	urg.flags = TCP_ACK | TCP_PSH | TCP_URG;
	urg.wnd = 65535;
	urg.urp = 4;
	urg.payload = (const uint8_t *)"\xff\xf4";
	urg.len = 2;
	tn_inject_seg(TN_SERVER, &urg);
	ck_assert_uint_ne(tn.node[TN_SERVER].events[c.sock] & TS_EV_URGENT, 0);
	tn_run(TS_USEC_PER_MSEC);
	tn.node[TN_SERVER].events[c.sock] = 0;
	c.snd_nxt += 2;
	tn_raw_send(&c, TCP_ACK | TCP_PSH, "\xff\xf2" "ABOR\r\n", 8);
	tn_run(TS_USEC_PER_MSEC);
	ck_assert_uint_eq(tn.node[TN_SERVER].events[c.sock] & TS_EV_URGENT, 0);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_URG_RX), 1);
	ck_assert_int_eq(ts_recv(tn_st(TN_SERVER), c.sock, buf, sizeof(buf)), 10);
	ck_assert_mem_eq(buf, "\xff\xf4\xff\xf2" "ABOR\r\n", 10);
	tn_teardown();
}
END_TEST

/* RFC 5961 5.2: an ACK more than MAX.SND.WND below SND.UNA is a blind
 * injection: dropped with a challenge ACK, its data not taken. */
START_TEST(test_old_ack_challenged_and_dropped)
{
	static uint8_t data[3000];
	struct tcp_seg seg;
	struct tn_raw c;
	struct ts_sockinfo i;

	tn_setup();
	tn_raw_passive(&c, TN_SERVER, 20, 4000, 7000, NULL);
	c.wnd = 1000;
	tn_raw_send(&c, TCP_ACK, NULL, 0); /* MAX.SND.WND 65535 -> stays */
	i = tn_info(TN_SERVER, c.sock);
	ts_send(tn_st(TN_SERVER), c.sock, data, sizeof(data), 0);
	tn_clear_raw(TN_SERVER);
	tn_inject(TN_SERVER, 4000, 20, c.snd_nxt, i.snd_una - 70000, TCP_ACK,
		  65535, "evil", 4, NULL);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_DROP_BAD_ACK), 1);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_CHALLENGE_ACKS), 1);
	ck_assert_uint_eq(tn_info(TN_SERVER, c.sock).rcvbuf_used, 0);
	ck_assert(tn_take_seg(TN_SERVER, &seg, NULL, 0));
	ck_assert_uint_eq(seg.ack, c.snd_nxt);
	tn_teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcp_conform");
	TCase *pmtu = tcase_create("pmtu");
	TCase *acks = tcase_create("acks");
	TCase *opts = tcase_create("options");

	tcase_add_test(pmtu, test_icmp_frag_needed_lowers_mss_and_resends);
	tcase_add_test(pmtu, test_icmp_unreachable_aborts_syn_sent);
	tcase_add_test(pmtu, test_forged_icmp_unreachable_ignored_in_syn_sent);
	tcase_add_test(pmtu, test_forged_icmp_ignored);
	tcase_add_test(pmtu, test_implausible_mtu_ignored);
	suite_add_tcase(s, pmtu);
	tcase_add_test(acks, test_delayed_ack_at_most_200ms_every_second_segment);
	tcase_add_test(acks, test_out_of_order_acked_at_once);
	tcase_add_test(acks, test_old_ack_challenged_and_dropped);
	suite_add_tcase(s, acks);
	tcase_add_test(opts, test_window_scale_and_timestamps_negotiated);
	tcase_add_test(opts, test_paws_drops_old_timestamp);
	tcase_add_test(opts, test_keepalive_probe_form);
	tcase_add_test(opts, test_urgent_pointer_received);
	suite_add_tcase(s, opts);
	return tn_run_suite(s);
}
