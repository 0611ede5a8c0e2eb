/*
 * check_tcp_data.c - the data path of the TCP core in virtual time:
 * byte-exact bulk transfers, sequence wrap-around, reassembly and SACK,
 * loss recovery (fast retransmit, RTO with backoff, give-up), Karn's rule
 * and the RFC 6298 estimator, zero-window probing, Nagle, delayed ACKs,
 * MSS and window-scale negotiation, urgent data.
 *
 * A wire filter logs every segment (who sent it, when) and may drop or
 * delay some, so each test states exactly which segment it loses.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fixture.h"

#define MIB (1024u * 1024u)
#define REC_MAX 200000u

/* ---- a logging, dropping wire ------------------------------------------- */

struct rec {
	unsigned from;
	ts_time_t at;        /* when it was sent */
	struct tcp_seg seg;  /* payload pointer cleared */
	bool dropped;
};

/* Decides a segment's fate: false drops it; may delay it through *at.
 * is_new: the first transmission of its data (seq at the sender's
 * highest so far). */
typedef bool (*policy_fn)(unsigned from, const struct tcp_seg *seg,
			  bool is_new, ts_time_t *at);

static struct rec *recs;
static unsigned nrecs;
static policy_fn policy;
static uint32_t next_new[TN_NODES_MAX]; /* highest seq sent, per node */
static bool seen_data[TN_NODES_MAX];
static unsigned new_data_count[TN_NODES_MAX]; /* first transmissions */
/* State of the individual tests' policies. */
static bool drop_all_from_client, drop_all_from_server;
static unsigned client_syns;
static bool server_window_zero_seen, window_update_dropped;

static bool log_filter(unsigned from, unsigned index, uint8_t *frame,
		       size_t len, ts_time_t *at)
{
	struct tcp_seg seg;
	bool is_new = false, keep = true;

	(void)index;
	if (!tn_parse_seg(frame, len, &seg))
		return true;
	seg.payload = NULL;
	if (seg.len > 0) {
		is_new = !seen_data[from] || seq_geq(seg.seq, next_new[from]);
		if (is_new) {
			next_new[from] = seg.seq + seg.len;
			new_data_count[from]++;
		}
		seen_data[from] = true;
	}
	if (policy != NULL)
		keep = policy(from, &seg, is_new, at);
	ck_assert_uint_lt(nrecs, REC_MAX);
	recs[nrecs].from = from;
	recs[nrecs].at = tn.now;
	recs[nrecs].seg = seg;
	recs[nrecs].dropped = !keep;
	nrecs++;
	return keep;
}

static void data_setup_cfg(uint32_t cisn, uint32_t sisn, tn_config_fn fn)
{
	tn_setup_cfg(cisn, sisn, fn);
	recs = calloc(REC_MAX, sizeof(*recs));
	ck_assert_ptr_nonnull(recs);
	nrecs = 0;
	policy = NULL;
	memset(next_new, 0, sizeof(next_new));
	memset(seen_data, 0, sizeof(seen_data));
	memset(new_data_count, 0, sizeof(new_data_count));
	drop_all_from_client = drop_all_from_server = false;
	client_syns = 0;
	server_window_zero_seen = window_update_dropped = false;
	tn.filter = log_filter;
}

static void data_teardown(void)
{
	tn_teardown();
	free(recs);
	recs = NULL;
}

static struct ts_stack *stk(unsigned node)
{
	return tn.node[node].st;
}

static struct ts_sockinfo info_of(unsigned node, int sock)
{
	struct ts_sockinfo i;

	ck_assert_int_eq(ts_getinfo(stk(node), sock, &i), 0);
	return i;
}

/* Index of the n-th (from 0) logged segment from `from` matching: data
 * (len > 0) when want_data, else any; -1 if none. */
static int nth_rec(unsigned from, bool want_data, unsigned n)
{
	unsigned i;

	for (i = 0; i < nrecs; i++) {
		if (recs[i].from != from || (want_data && recs[i].seg.len == 0))
			continue;
		if (n-- == 0)
			return (int)i;
	}
	return -1;
}

static unsigned count_recs(unsigned from, bool want_data)
{
	unsigned i, n = 0;

	for (i = 0; i < nrecs; i++)
		if (recs[i].from == from && (!want_data || recs[i].seg.len > 0))
			n++;
	return n;
}

static void segments_trace_off(void)
{
	ts_set_trace(stk(TN_CLIENT), TS_TRACE_STATES | TS_TRACE_EVENTS);
	ts_set_trace(stk(TN_SERVER), TS_TRACE_STATES | TS_TRACE_EVENTS);
}

/* ---- bulk transfers ------------------------------------------------------- */

static void cfg_small_buffers(unsigned node, struct ts_stack_config *cfg)
{
	(void)node;
	cfg->sndbuf = 4096;
	cfg->rcvbuf = 4096;
}

/* 8 MiB one way, byte-exact; then both close cleanly. */
static void bulk(tn_config_fn cfg, unsigned from, size_t chunk,
		 ts_time_t max_time)
{
	struct ts_sockinfo si, ri;
	struct tn_pair p;
	unsigned to = from == TN_CLIENT ? TN_SERVER : TN_CLIENT;
	int ss, rs;
	ts_time_t t0;

	data_setup_cfg(0, 0, cfg);
	segments_trace_off();
	tn_pair_open(&p, 20, 0);
	ss = from == TN_CLIENT ? p.cs : p.as;
	rs = from == TN_CLIENT ? p.as : p.cs;
	t0 = tn.now;
	ck_assert_uint_eq(tn_transfer(from, ss, to, rs, 8 * MIB, 7, chunk,
				      t0 + max_time),
			  8 * MIB);
	tn_run(TS_USEC_PER_SEC);
	si = info_of(from, ss);
	ri = info_of(to, rs);
	ck_assert_uint_eq(si.bytes_acked, 8 * MIB);
	ck_assert_uint_eq(ri.bytes_received, 8 * MIB);
	ck_assert_uint_eq(si.snd_una, si.iss + 1 + 8 * MIB);
	ck_assert_uint_eq(si.sndbuf_used, 0);
	ck_assert_uint_eq(tn_counter(from, TS_C_TCP_RETRANSMITS), 0);
	ck_assert_int_eq(ts_close(stk(from), ss), 0);
	ck_assert_int_eq(ts_close(stk(to), rs), 0);
	ck_assert_int_eq(ts_close(stk(TN_SERVER), p.ls), 0);
	tn_run(70 * TS_USEC_PER_SEC);
	tn_teardown_check(true);
	free(recs);
	recs = NULL;
}

START_TEST(test_bulk_8mib_client_to_server_small_buffers)
{
	/* 4 KB of window per 2 ms round trip: about 4 s at best. */
	bulk(cfg_small_buffers, TN_CLIENT, 1000, 15 * TS_USEC_PER_SEC);
}
END_TEST

START_TEST(test_bulk_8mib_server_to_client_small_buffers)
{
	bulk(cfg_small_buffers, TN_SERVER, 1000, 15 * TS_USEC_PER_SEC);
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

	data_setup_cfg(WRAP_CLIENT_ISN, WRAP_SERVER_ISN, NULL);
	policy = drop_wrapping_segment;
	tn_pair_open(&p, 20, 0);
	ck_assert_uint_eq(tn_transfer(TN_CLIENT, p.cs, TN_SERVER, p.as, MIB, 3,
				      16384, tn.now + 30 * TS_USEC_PER_SEC),
			  MIB);
	ck_assert_uint_eq(tn_transfer(TN_SERVER, p.as, TN_CLIENT, p.cs, MIB, 4,
				      16384, tn.now + 30 * TS_USEC_PER_SEC),
			  MIB);
	tn_run(TS_USEC_PER_SEC);
	c = info_of(TN_CLIENT, p.cs);
	s = info_of(TN_SERVER, p.as);
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
	data_teardown();
}
END_TEST

/* ---- reordering, loss ----------------------------------------------------- */

/* Holds back the client's 3rd new data segment by 5 ms. */
static bool delay_third(unsigned from, const struct tcp_seg *seg, bool is_new,
			ts_time_t *at)
{
	if (from == TN_CLIENT && is_new && seg->len > 0 &&
	    new_data_count[TN_CLIENT] == 3)
		*at += 5 * TS_USEC_PER_MSEC;
	return true;
}

START_TEST(test_out_of_order_reassembled_with_sack)
{
	struct tn_pair p;
	int line;

	data_setup_cfg(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	policy = delay_third;
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
	data_teardown();
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

	data_setup_cfg(0, 0, NULL);
	tn_raw_passive(&c, TN_SERVER, 20, 4000, 5000, NULL);
	s0 = c.snd_nxt;
	if (fin_with_data)
		tn_inject(TN_SERVER, 4000, 20, s0 + 5, c.rcv_nxt,
			  TCP_ACK | TCP_FIN, 65535, "world", 5, NULL);
	else
		tn_inject(TN_SERVER, 4000, 20, s0 + 5, c.rcv_nxt,
			  TCP_ACK | TCP_FIN, 65535, NULL, 0, NULL);
	ck_assert_int_eq(tn_state(TN_SERVER, c.sock), TS_ESTABLISHED);
	ck_assert_uint_eq(ts_readable(stk(TN_SERVER), c.sock), 0);
	ck_assert_uint_eq(tn.node[TN_SERVER].events[c.sock] & TS_EV_EOF, 0);
	tn_raw_expect(&c, &seg, NULL, 0); /* a duplicate ACK at once */
	ck_assert_uint_eq(seg.ack, s0);
	tn_inject(TN_SERVER, 4000, 20, s0, c.rcv_nxt, TCP_ACK, 65535, "hello", 5,
		  NULL);
	i = info_of(TN_SERVER, c.sock);
	ck_assert_int_eq(i.state, TS_CLOSE_WAIT);
	ck_assert_uint_eq(i.rcv_nxt, s0 + (fin_with_data ? 10 : 5) + 1);
	ck_assert_int_eq(ts_recv(stk(TN_SERVER), c.sock, buf, sizeof(buf)),
			 fin_with_data ? 10 : 5);
	ck_assert_int_eq(memcmp(buf, "helloworld", fin_with_data ? 10 : 5), 0);
	ck_assert_int_eq(ts_recv(stk(TN_SERVER), c.sock, buf, sizeof(buf)), 0);
	ck_assert_uint_ne(tn.node[TN_SERVER].events[c.sock] & TS_EV_EOF, 0);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.ack, i.rcv_nxt);
	data_teardown();
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

/* Drops the client's 5th new data segment, once. */
static bool drop_fifth(unsigned from, const struct tcp_seg *seg, bool is_new,
		       ts_time_t *at)
{
	(void)at;
	return !(from == TN_CLIENT && is_new && seg->len > 0 &&
		 new_data_count[TN_CLIENT] == 5);
}

START_TEST(test_single_loss_fast_retransmit)
{
	struct tn_pair p;

	data_setup_cfg(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	policy = drop_fifth;
	ck_assert_uint_eq(tn_transfer(TN_CLIENT, p.cs, TN_SERVER, p.as, 200000,
				      6, 200000, tn.now + 10 * TS_USEC_PER_SEC),
			  200000);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_FAST_RETRANSMITS), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 0);
	ck_assert_uint_ge(tn_counter(TN_CLIENT, TS_C_TCP_DUPACKS), 3);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_RETRANSMITS), 1);
	tn_expect_line(TN_CLIENT, "3 duplicate ACKs");
	data_teardown();
}
END_TEST

/* Drops the client's 3rd (and last) new data segment, once. */
static bool drop_third(unsigned from, const struct tcp_seg *seg, bool is_new,
		       ts_time_t *at)
{
	(void)at;
	return !(from == TN_CLIENT && is_new && seg->len > 0 &&
		 new_data_count[TN_CLIENT] == 3);
}

START_TEST(test_last_segment_loss_recovered_by_rto)
{
	struct tn_pair p;
	int orig, rexmt;
	ts_time_t gap;

	data_setup_cfg(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	policy = drop_third;
	ck_assert_uint_eq(tn_transfer(TN_CLIENT, p.cs, TN_SERVER, p.as, 4000, 8,
				      4000, tn.now + 10 * TS_USEC_PER_SEC),
			  4000);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_FAST_RETRANSMITS), 0);
	orig = nth_rec(TN_CLIENT, true, 2);
	rexmt = nth_rec(TN_CLIENT, true, 3);
	ck_assert_int_ge(rexmt, 0);
	ck_assert(recs[orig].dropped);
	ck_assert_uint_eq(recs[rexmt].seg.seq, recs[orig].seg.seq);
	ck_assert_uint_eq(recs[rexmt].seg.len, recs[orig].seg.len);
	/* RTO: at least the 200 ms floor, at most the 1 s initial value. */
	gap = recs[rexmt].at - recs[orig].at;
	ck_assert_uint_ge(gap, TS_RTO_MIN);
	ck_assert_uint_le(gap, TS_RTO_INITIAL);
	data_teardown();
}
END_TEST

/* Drops the client's 5th and 8th new data segments: two holes in one
 * window. NewReno's partial ACK (RFC 6582 3.2 step 5) fills the second
 * without waiting for a timeout. */
static bool drop_fifth_and_eighth(unsigned from, const struct tcp_seg *seg,
				  bool is_new, ts_time_t *at)
{
	(void)at;
	return !(from == TN_CLIENT && is_new && seg->len > 0 &&
		 (new_data_count[TN_CLIENT] == 5 || new_data_count[TN_CLIENT] == 8));
}

START_TEST(test_two_losses_in_one_window_no_timeout)
{
	struct tn_pair p;

	data_setup_cfg(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	policy = drop_fifth_and_eighth;
	ck_assert_uint_eq(tn_transfer(TN_CLIENT, p.cs, TN_SERVER, p.as, 200000,
				      6, 200000, tn.now + 10 * TS_USEC_PER_SEC),
			  200000);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 0);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_FAST_RETRANSMITS), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_RETRANSMITS), 2);
	data_teardown();
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

	data_setup_cfg(0, 0, cfg);
	segments_trace_off();
	rng_state = seed;
	tn_pair_open(&p, 20, 0);
	policy = lossy_wire;
	ck_assert_uint_eq(tn_transfer(TN_CLIENT, p.cs, TN_SERVER, p.as, 2 * MIB,
				      11, 7000, tn.now + 120 * TS_USEC_PER_SEC),
			  2 * MIB);
	ck_assert_uint_eq(tn_transfer(TN_SERVER, p.as, TN_CLIENT, p.cs, 2 * MIB,
				      12, 5000, tn.now + 120 * TS_USEC_PER_SEC),
			  2 * MIB);
	ck_assert_int_eq(ts_close(stk(TN_CLIENT), p.cs), 0);
	ck_assert_int_eq(ts_close(stk(TN_SERVER), p.as), 0);
	ck_assert_int_eq(ts_close(stk(TN_SERVER), p.ls), 0);
	tn_run(300 * TS_USEC_PER_SEC);
	ck_assert_uint_ge(tn_counter(TN_CLIENT, TS_C_TCP_RETRANSMITS), 1);
	ck_assert_uint_ge(tn_counter(TN_SERVER, TS_C_TCP_RETRANSMITS), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_GIVEUPS), 0);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_GIVEUPS), 0);
	tn_teardown_check(true);
	free(recs);
	recs = NULL;
}

START_TEST(test_lossy_reordering_wire_stress)
{
	uint64_t seed;

	for (seed = 1; seed <= 6; seed++)
		lossy_round(seed, seed % 2 ? NULL : cfg_small_buffers);
}
END_TEST

/* ---- retransmission timer -------------------------------------------------- */

static bool drop_client_when_asked(unsigned from, const struct tcp_seg *seg,
				   bool is_new, ts_time_t *at)
{
	(void)seg;
	(void)is_new;
	(void)at;
	return !(drop_all_from_client && from == TN_CLIENT);
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

	data_setup_cfg(0, 0, cfg_ten_retries);
	tn.delay = 50 * TS_USEC_PER_MSEC; /* RTT 100 ms */
	policy = drop_client_when_asked;
	tn_pair_open(&p, 20, 0);
	ci = info_of(TN_CLIENT, p.cs);
	rto0 = ci.rto_us;
	ck_assert_uint_gt(rto0, TS_RTO_MIN); /* from the 100 ms RTT */
	drop_all_from_client = true;
	ck_assert_int_eq(ts_send(stk(TN_CLIENT), p.cs, "lost", 4, 0), 4);
	tn_run(600 * TS_USEC_PER_SEC);
	drop_all_from_client = false;
	for (k = 0; k < nrecs; k++) {
		ts_time_t want;

		if (recs[k].from != TN_CLIENT || recs[k].seg.len == 0)
			continue;
		if (first < 0) {
			first = (int)k;
			prev = recs[k].at;
			sent++;
			continue;
		}
		want = rto0 << (sent - 1);
		if (want > TS_RTO_MAX)
			want = TS_RTO_MAX;
		ck_assert_msg(recs[k].at - prev == want,
			      "retransmission %u after %llu us, want %llu", sent,
			      (unsigned long long)(recs[k].at - prev),
			      (unsigned long long)want);
		prev = recs[k].at;
		sent++;
	}
	ck_assert_uint_eq(sent, 1 + 10); /* original + max_retries */
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_CLOSED);
	ck_assert_int_eq(ts_sock_error(stk(TN_CLIENT), p.cs), -ETIMEDOUT);
	ck_assert_uint_ne(tn.node[TN_CLIENT].events[p.cs] & TS_EV_ERROR, 0);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_GIVEUPS), 1);
	/* The give-up comes one capped RTO after the last try, with a RST. */
	k = nrecs;
	while (k-- > 0)
		if (recs[k].from == TN_CLIENT)
			break;
	ck_assert_uint_ne(recs[k].seg.flags & TCP_RST, 0);
	ck_assert_uint_eq(recs[k].at - prev, TS_RTO_MAX);
	tn_expect_line(TN_CLIENT, "ESTABLISHED -> CLOSED (timeout: data unacknowledged");
	data_teardown();
}
END_TEST

/* Client data segments logged at virtual time t. */
static unsigned client_data_at(ts_time_t t)
{
	unsigned k, n = 0;

	for (k = 0; k < nrecs; k++)
		n += recs[k].from == TN_CLIENT && recs[k].seg.len > 0 &&
		     recs[k].at == t;
	return n;
}

/* The next time after t at which the client sent data. */
static ts_time_t client_data_after(ts_time_t t)
{
	unsigned k;

	for (k = 0; k < nrecs; k++)
		if (recs[k].from == TN_CLIENT && recs[k].seg.len > 0 &&
		    recs[k].at > t)
			return recs[k].at;
	ck_abort_msg("no client data after %llu", (unsigned long long)t);
	return 0;
}

/* A whole window is lost. At the timeout the loss window is one segment
 * (RFC 5681 3.1, RFC 6298 5.4): one retransmission, not a burst of the
 * whole flight; then slow start, two segments per ACK. */
START_TEST(test_rto_resends_one_segment_then_slow_start)
{
	static uint8_t data[10 * 1448];
	struct tn_pair p;
	ts_time_t t;
	unsigned k;

	data_setup_cfg(0, 0, NULL);
	policy = drop_client_when_asked;
	tn_pair_open(&p, 20, 0);
	drop_all_from_client = true;
	ck_assert_int_eq(ts_send(stk(TN_CLIENT), p.cs, data, sizeof(data), 0),
			 (ssize_t)sizeof(data));
	ck_assert_uint_eq(count_recs(TN_CLIENT, true), 10); /* initial window */
	tn_run(100 * TS_USEC_PER_MSEC);
	drop_all_from_client = false;
	tn_run(TS_USEC_PER_SEC);
	ck_assert_uint_eq(info_of(TN_CLIENT, p.cs).snd_una,
			  info_of(TN_CLIENT, p.cs).iss + 1 + sizeof(data));
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 1);
	k = (unsigned)nth_rec(TN_CLIENT, true, 10); /* the first resend */
	t = recs[k].at;
	ck_assert_uint_eq(client_data_at(t), 1);
	ck_assert_uint_eq(recs[k].seg.seq, recs[nth_rec(TN_CLIENT, true, 0)].seg.seq);
	/* Each ACK (delayed, one segment) grows cwnd by what it acks. */
	t = client_data_after(t);
	ck_assert_uint_eq(client_data_at(t), 2);
	t = client_data_after(t);
	ck_assert_uint_eq(client_data_at(t), 4);
	data_teardown();
}
END_TEST

/* RFC 6582's "recover" must not fall 2^31 behind SND.UNA, or after 2 GiB
 * without loss the next loss would not count as a new episode and wait
 * for a timeout. (White box: the 2 GiB are simulated.) */
START_TEST(test_fast_retransmit_after_2gib_without_loss)
{
	struct tn_pair p;
	struct tcb *tp;

	data_setup_cfg(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	tp = tcb_from_sock(stk(TN_CLIENT), p.cs);
	/* As if 2 GiB minus 4 KB had been acked since: the first ACK (2
	 * segments) keeps it behind, the loss comes after 2^31. */
	tp->recover = tp->snd_una - 0x7ffff000u;
	policy = drop_fifth;
	ck_assert_uint_eq(tn_transfer(TN_CLIENT, p.cs, TN_SERVER, p.as, 200000,
				      6, 200000, tn.now + 10 * TS_USEC_PER_SEC),
			  200000);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_FAST_RETRANSMITS), 1);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_TIMEOUTS), 0);
	data_teardown();
}
END_TEST

/* RFC 6298 2.2: the handshake gives the first RTT measurement. */
START_TEST(test_handshake_gives_rtt_sample)
{
	struct ts_sockinfo c, s;
	struct tn_pair p;

	data_setup_cfg(0, 0, NULL);
	tn.delay = 60 * TS_USEC_PER_MSEC;
	tn_pair_open(&p, 20, 0);
	c = info_of(TN_CLIENT, p.cs);
	s = info_of(TN_SERVER, p.as);
	ck_assert_uint_eq(c.srtt_us, 120000);
	ck_assert_uint_eq(c.rttvar_us, 60000);
	ck_assert_uint_eq(c.rto_us, 120000 + 4 * 60000);
	ck_assert_uint_eq(s.srtt_us, 120000);
	ck_assert_uint_eq(s.rto_us, 360000);
	data_teardown();
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

	data_setup_cfg(0, 0, NULL);
	policy = drop_first_syn;
	tn_listen(TN_SERVER, 20);
	cs = tn_connect(TN_CLIENT, TN_IP_SERVER, 20, 0);
	tn_run(2 * TS_USEC_PER_SEC); /* the SYN goes again after 1 s */
	ck_assert_uint_eq(client_syns, 2);
	ck_assert_int_eq(tn_state(TN_CLIENT, cs), TS_ESTABLISHED);
	ck_assert_uint_eq(info_of(TN_CLIENT, cs).srtt_us, 0); /* Karn */
	ck_assert_uint_eq(info_of(TN_CLIENT, cs).rto_us, TS_RTO_AFTER_SYN_LOSS);
	data_teardown();
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

	data_setup_cfg(0, 0, NULL);
	tn_raw_active(&c, TN_CLIENT, 80, 5000, NULL);
	i0 = info_of(TN_CLIENT, c.sock);
	ck_assert(!i0.ts_ok);
	ck_assert_int_eq(ts_send(stk(TN_CLIENT), c.sock, "karn", 4, 0), 4);
	tn_raw_expect(&c, &seg, NULL, 0);
	tn_run(i0.rto_us); /* the RTO fires: the segment goes again */
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.len, 4);
	tn_run(50 * TS_USEC_PER_MSEC);
	tn_raw_send(&c, TCP_ACK, NULL, 0); /* ambiguous: which one is acked? */
	i1 = info_of(TN_CLIENT, c.sock);
	ck_assert_uint_eq(i1.snd_una, i0.snd_una + 4);
	ck_assert_uint_eq(i1.srtt_us, i0.srtt_us);
	ck_assert_uint_eq(i1.rttvar_us, i0.rttvar_us);
	/* A segment sent once and acked 30 ms later is a valid sample. */
	ck_assert_int_eq(ts_send(stk(TN_CLIENT), c.sock, "once", 4, 0), 4);
	tn_raw_expect(&c, &seg, NULL, 0);
	tn_run(30 * TS_USEC_PER_MSEC);
	tn_raw_send(&c, TCP_ACK, NULL, 0);
	i2 = info_of(TN_CLIENT, c.sock);
	expect = i1.srtt_us - i1.srtt_us / 8 + 30000 / 8;
	ck_assert_uint_eq(i2.srtt_us, expect);
	data_teardown();
}
END_TEST

/* RFC 6298 2.2-2.5 with alpha 1/8, beta 1/4, K 4, G 1 ms, our bounds of
 * [200 ms, 60 s], and backoff by doubling. */
START_TEST(test_rfc6298_estimator_values)
{
	struct tcb *tp;
	unsigned k;

	tn_setup();
	tp = tcb_new(stk(TN_CLIENT));
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
	tcb_free(stk(TN_CLIENT), tp);
	tn_teardown();
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

	while ((n = ts_recv(stk(node), sock, buf, sizeof(buf))) > 0) {
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

	data_setup_cfg(0, 0, cfg_server_small_rcvbuf);
	tn_pair_open(&p, 20, 0);
	policy = drop_first_window_update;
	tn_pattern(data, sizeof(data), 0, 9);
	ck_assert_int_eq(ts_send(stk(TN_CLIENT), p.cs, data, sizeof(data), 0),
			 (ssize_t)sizeof(data));
	tn_run(100 * TS_USEC_PER_SEC); /* nobody reads */
	ck_assert_uint_eq(info_of(TN_CLIENT, p.cs).snd_wnd, 0);
	ck_assert_uint_eq(info_of(TN_SERVER, p.as).rcvbuf_used, 4096);
	/* Probes: seq = SND.UNA - 1, no data; each interval twice the last
	 * until the 60 s cap. */
	for (k = 0; k < nrecs; k++) {
		const struct tcp_seg *s = &recs[k].seg;

		if (recs[k].from != TN_CLIENT || s->len != 0 ||
		    s->seq != info_of(TN_CLIENT, p.cs).snd_una - 1)
			continue;
		if (probes >= 2) {
			ts_time_t want = 2 * gap > TS_PERSIST_MAX ? TS_PERSIST_MAX : 2 * gap;

			ck_assert_uint_eq(recs[k].at - prev, want);
		}
		if (probes >= 1)
			gap = recs[k].at - prev;
		prev = recs[k].at;
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
	ck_assert_uint_eq(info_of(TN_CLIENT, p.cs).sndbuf_used, 0);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_ESTABLISHED);
	data_teardown();
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

	data_setup_cfg(0, 0, cfg_server_small_rcvbuf);
	tn_raw_passive(&c, TN_SERVER, 20, 4000, 5000, NULL);
	tn_raw_send(&c, TCP_ACK, fill, sizeof(fill)); /* fills the window */
	tn_run(TS_USEC_PER_SEC);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.ack, c.snd_nxt);
	ck_assert_uint_eq(seg.wnd, 0);
	ck_assert_int_eq(ts_send(stk(TN_SERVER), c.sock, "reply", 5, 0), 5);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.len, 5);
	/* More data from the peer, acknowledging the reply. */
	tn_raw_send(&c, TCP_ACK | TCP_PSH, "more", 4);
	i = info_of(TN_SERVER, c.sock);
	ck_assert_uint_eq(i.snd_una, c.rcv_nxt);      /* the ACK counted */
	ck_assert_uint_eq(i.rcv_nxt, c.snd_nxt - 4);  /* the data did not */
	ck_assert_uint_eq(i.rcvbuf_used, sizeof(fill));
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.ack, c.snd_nxt - 4);
	ck_assert_uint_eq(seg.wnd, 0);
	tn_run(5 * TS_USEC_PER_SEC);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_RETRANSMITS), 0);
	data_teardown();
}
END_TEST

/* The peer shrinks its window to zero over data in flight and answers
 * every retransmission with "window 0": those retransmissions are its
 * window probes, and a peer that answers them must not be timed out
 * (RFC 9293 3.8.6.1). A silent peer still is (see the backoff test). */
START_TEST(test_shrunk_window_answering_peer_not_timed_out)
{
	struct tcp_seg seg;
	struct tn_raw c;
	unsigned k, answered = 0;

	data_setup_cfg(0, 0, NULL);
	tn_raw_passive(&c, TN_SERVER, 20, 4000, 5000, NULL);
	ck_assert_int_eq(ts_send(stk(TN_SERVER), c.sock, "stuck", 5, 0), 5);
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
	ck_assert_uint_eq(info_of(TN_SERVER, c.sock).sndbuf_used, 0);
	data_teardown();
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

	data_setup_cfg(0, 0, cfg_server_small_rcvbuf);
	segments_trace_off();
	tn_pair_open(&p, 20, 0);
	tn_pattern(data, sizeof(data), 0, 21);
	ck_assert_int_eq(ts_send(stk(TN_CLIENT), p.cs, data, sizeof(data), 0),
			 (ssize_t)sizeof(data));
	ck_assert_int_eq(ts_close(stk(TN_CLIENT), p.cs), 0);
	for (k = 0; k < 10000 && got < sizeof(data); k++) {
		got = read_pattern(TN_SERVER, p.as, got, 21);
		tn_run(10 * TS_USEC_PER_MSEC);
	}
	ck_assert_uint_eq(got, sizeof(data));
	tn_run(100 * TS_USEC_PER_MSEC);
	ck_assert_int_eq(ts_recv(stk(TN_SERVER), p.as, &b, 1), 0);
	ck_assert_int_eq(tn_state(TN_SERVER, p.as), TS_CLOSE_WAIT);
	ts_close(stk(TN_SERVER), p.as);
	ts_close(stk(TN_SERVER), p.ls);
	tn_run(70 * TS_USEC_PER_SEC);
	tn_teardown_check(true);
	free(recs);
	recs = NULL;
}
END_TEST

/* ---- Nagle, delayed ACK ------------------------------------------------------- */

static unsigned small_writes_segments(bool nodelay)
{
	struct tn_pair p;
	unsigned k, n;
	char buf[32];

	data_setup_cfg(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	ck_assert_int_eq(ts_setopt(stk(TN_CLIENT), p.cs, TS_OPT_NODELAY, nodelay), 0);
	for (k = 0; k < 11; k++)
		ck_assert_int_eq(ts_send(stk(TN_CLIENT), p.cs, "x", 1, 0), 1);
	tn_run(TS_USEC_PER_SEC);
	ck_assert_int_eq(ts_recv(stk(TN_SERVER), p.as, buf, sizeof(buf)), 11);
	n = count_recs(TN_CLIENT, true);
	data_teardown();
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

	for (i = from; i < nrecs; i++)
		if (recs[i].from == TN_SERVER && (recs[i].seg.flags & TCP_ACK))
			return (int)i;
	return -1;
}

START_TEST(test_delayed_ack_timer_and_every_second_segment)
{
	static uint8_t data[2 * 1448];
	struct tn_pair p;
	unsigned before;
	int d, a;

	data_setup_cfg(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	ts_setopt(stk(TN_CLIENT), p.cs, TS_OPT_NODELAY, 1);
	/* One small segment: acknowledged when the delayed-ACK timer runs. */
	before = nrecs;
	ck_assert_int_eq(ts_send(stk(TN_CLIENT), p.cs, "one", 3, 0), 3);
	tn_run(TS_USEC_PER_SEC);
	d = nth_rec(TN_CLIENT, true, 0);
	a = server_ack_after(before);
	ck_assert_int_ge(a, 0);
	ck_assert_uint_eq(recs[a].at, recs[d].at + tn.delay + TS_DELACK_DEFAULT);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_DELACKS), 1);
	/* Two full segments back to back: the second is acked at once. */
	before = nrecs;
	ck_assert_int_eq(ts_send(stk(TN_CLIENT), p.cs, data, sizeof(data), 0),
			 (ssize_t)sizeof(data));
	tn_run(TS_USEC_PER_SEC);
	d = nth_rec(TN_CLIENT, true, 2);
	ck_assert_uint_eq(recs[d].seg.len, 1448);
	a = server_ack_after(before);
	ck_assert_uint_eq(recs[a].at, recs[d].at + tn.delay);
	ck_assert_uint_eq(recs[a].seg.ack, recs[d].seg.seq + 1448);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_DELACKS), 1);
	data_teardown();
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

	data_setup_cfg(0, 0, cfg_client_mtu_1000);
	tn_pair_open(&p, 20, 0);
	tn_expect_line(TN_CLIENT, "SYN seq=");
	ck_assert_int_ge(tn_find(TN_CLIENT, "<mss 960,", 0), 0);
	ck_assert_int_ge(tn_find(TN_SERVER, "SYN,ACK seq=", 0), 0);
	ck_assert_int_ge(tn_find(TN_SERVER, "<mss 1460,", 0), 0);
	/* Both send at most 960 - 12 (timestamps) per segment. */
	ck_assert_uint_eq(info_of(TN_CLIENT, p.cs).mss, 948);
	ck_assert_uint_eq(info_of(TN_SERVER, p.as).mss, 948);
	ck_assert_uint_eq(tn_transfer(TN_SERVER, p.as, TN_CLIENT, p.cs, 20000, 1,
				      20000, tn.now + TS_USEC_PER_SEC),
			  20000);
	ck_assert_uint_eq(recs[nth_rec(TN_SERVER, true, 0)].seg.len, 948);
	data_teardown();
}
END_TEST

START_TEST(test_mss_536_when_peer_announces_none)
{
	static uint8_t data[2000];
	struct tcp_seg seg;
	struct tn_raw c;

	data_setup_cfg(0, 0, NULL);
	tn_raw_passive(&c, TN_SERVER, 20, 4000, 5000, NULL);
	ck_assert_uint_eq(info_of(TN_SERVER, c.sock).mss, TS_MSS_DEFAULT);
	ck_assert_int_eq(ts_send(stk(TN_SERVER), c.sock, data, sizeof(data), 0),
			 (ssize_t)sizeof(data));
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.len, 536);
	data_teardown();
}
END_TEST

START_TEST(test_timestamps_reduce_payload_to_mss_minus_12)
{
	struct tn_pair p;
	unsigned k;

	data_setup_cfg(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	ck_assert(info_of(TN_CLIENT, p.cs).ts_ok);
	ck_assert_uint_eq(info_of(TN_CLIENT, p.cs).mss, 1448);
	ck_assert_uint_eq(info_of(TN_SERVER, p.as).mss, 1448);
	ck_assert_uint_eq(tn_transfer(TN_CLIENT, p.cs, TN_SERVER, p.as, 50000, 1,
				      50000, tn.now + TS_USEC_PER_SEC),
			  50000);
	for (k = 0; k < nrecs; k++)
		ck_assert_uint_le(recs[k].seg.len, 1448);
	ck_assert_uint_eq(recs[nth_rec(TN_CLIENT, true, 0)].seg.len, 1448);
	tn_expect_line(TN_CLIENT, "len=1448 <nop,nop,TS val");
	data_teardown();
}
END_TEST

START_TEST(test_window_scale_negotiated)
{
	struct ts_sockinfo c, s;
	struct tn_pair p;

	data_setup_cfg(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	s = info_of(TN_SERVER, p.as);
	/* The client knows the scaled window once the server sends a
	 * segment that is not a SYN (RFC 7323 2.2). */
	ck_assert_uint_eq(info_of(TN_CLIENT, p.cs).snd_wnd, 65535);
	ck_assert_int_eq(ts_send(stk(TN_SERVER), p.as, "x", 1, 0), 1);
	tn_run(100000);
	c = info_of(TN_CLIENT, p.cs);
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
	data_teardown();
}
END_TEST

START_TEST(test_window_scale_off_when_peer_does_not_offer)
{
	static uint8_t data[3000];
	struct tcp_seg seg;
	struct tn_raw c;
	struct ts_sockinfo i;

	data_setup_cfg(0, 0, NULL);
	/* Passive: the SYN has no wscale, so the SYN,ACK has none. */
	tn_raw_passive(&c, TN_SERVER, 20, 4000, 5000, NULL);
	tn_expect_no_line(TN_SERVER, "wscale");
	i = info_of(TN_SERVER, c.sock);
	ck_assert_uint_eq(i.rcv_wscale, 0);
	ck_assert_uint_eq(i.snd_wscale, 0);
	tn_raw_send(&c, TCP_ACK | TCP_PSH, data, sizeof(data));
	tn_run(TS_USEC_PER_SEC);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.ack, c.snd_nxt);
	ck_assert_uint_eq(seg.wnd, 65535); /* unscaled, clamped */
	/* Active: we offered wscale, the SYN,ACK did not: no scaling. */
	tn_raw_active(&c, TN_CLIENT, 80, 7000, NULL);
	i = info_of(TN_CLIENT, c.sock);
	ck_assert_uint_eq(i.rcv_wscale, 0);
	ck_assert_uint_eq(i.snd_wscale, 0);
	ck_assert_uint_eq(i.snd_wnd, 65535);
	data_teardown();
}
END_TEST

/* ---- keepalive ---------------------------------------------------------------------- */

static bool drop_server_when_asked(unsigned from, const struct tcp_seg *seg,
				   bool is_new, ts_time_t *at)
{
	(void)seg;
	(void)is_new;
	(void)at;
	return !(drop_all_from_server && from == TN_SERVER);
}

/* Idle 10 s, then a probe every 5 s; 3 unanswered probes end it. */
START_TEST(test_keepalive_probes_answered_then_peer_gone)
{
	struct ts_stack *c;
	struct tn_pair p;
	ts_time_t gone;
	unsigned k;
	int line;

	data_setup_cfg(0, 0, NULL);
	policy = drop_server_when_asked;
	tn_pair_open(&p, 20, 0);
	c = stk(TN_CLIENT);
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
	drop_all_from_server = true;
	gone = tn.now;
	tn_run(60 * TS_USEC_PER_SEC);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_KEEPALIVE_PROBES), 6);
	ck_assert_uint_eq(tn_counter(TN_CLIENT, TS_C_TCP_KEEPALIVE_DROPS), 1);
	ck_assert_int_eq(tn_state(TN_CLIENT, p.cs), TS_CLOSED);
	ck_assert_int_eq(ts_sock_error(c, p.cs), -ETIMEDOUT);
	line = tn_expect_line(TN_CLIENT, "ESTABLISHED -> CLOSED (keepalive");
	/* Idle and three intervals after the last answer arrived. */
	for (k = nrecs; k-- > 0;)
		if (recs[k].from == TN_SERVER && recs[k].at < gone)
			break;
	ck_assert_uint_eq(tn_line_time(TN_CLIENT, line),
			  recs[k].at + tn.delay + (10 + 3 * 5) * TS_USEC_PER_SEC);
	data_teardown();
}
END_TEST

/* ---- urgent data ------------------------------------------------------------------ */

START_TEST(test_urgent_pointer_sent)
{
	struct tcp_seg seg;
	struct tn_raw c;
	uint8_t buf[8];

	data_setup_cfg(0, 0, NULL);
	tn_raw_active(&c, TN_CLIENT, 80, 5000, NULL);
	ck_assert_int_eq(ts_send(stk(TN_CLIENT), c.sock, "ab!", 3, TS_MSG_OOB), 3);
	tn_raw_expect(&c, &seg, buf, sizeof(buf));
	ck_assert_uint_ne(seg.flags & TCP_URG, 0);
	ck_assert_uint_eq(seg.len, 3);
	ck_assert_uint_eq(seg.urp, 3); /* just past the urgent byte '!' */
	tn_expect_line(TN_CLIENT, "PSH,ACK,URG seq=");
	tn_expect_line(TN_CLIENT, " urg=3 len=3");
	/* Once acknowledged, no more URG. */
	tn_raw_send(&c, TCP_ACK, NULL, 0);
	ck_assert_int_eq(ts_send(stk(TN_CLIENT), c.sock, "z", 1, 0), 1);
	tn_raw_expect(&c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.flags & TCP_URG, 0);
	data_teardown();
}
END_TEST

START_TEST(test_urgent_event_delivered)
{
	struct tn_pair p;
	char buf[16];

	data_setup_cfg(0, 0, NULL);
	tn_pair_open(&p, 20, 0);
	tn.node[TN_SERVER].events[p.as] = 0;
	ck_assert_int_eq(ts_send(stk(TN_CLIENT), p.cs, "ABOR", 4, TS_MSG_OOB), 4);
	tn_run(100000);
	ck_assert_uint_ne(tn.node[TN_SERVER].events[p.as] & TS_EV_URGENT, 0);
	ck_assert_uint_eq(tn_counter(TN_SERVER, TS_C_TCP_URG_RX), 1);
	ck_assert_int_eq(ts_recv(stk(TN_SERVER), p.as, buf, sizeof(buf)), 4);
	ck_assert_int_eq(memcmp(buf, "ABOR", 4), 0); /* urgent data in line */
	/* Ordinary data does not raise it again. */
	tn.node[TN_SERVER].events[p.as] = 0;
	ts_send(stk(TN_CLIENT), p.cs, "more", 4, 0);
	tn_run(100000);
	ck_assert_uint_eq(tn.node[TN_SERVER].events[p.as] & TS_EV_URGENT, 0);
	data_teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcp_data");
	TCase *bulk_tc = tcase_create("bulk");
	TCase *loss = tcase_create("loss");
	TCase *flow = tcase_create("flow");
	SRunner *sr;
	int failed;

	tcase_set_timeout(bulk_tc, 300);
	tcase_add_test(bulk_tc, test_bulk_8mib_client_to_server_small_buffers);
	tcase_add_test(bulk_tc, test_bulk_8mib_server_to_client_small_buffers);
	tcase_add_test(bulk_tc, test_bulk_8mib_client_to_server_large_buffers);
	tcase_add_test(bulk_tc, test_bulk_8mib_server_to_client_large_buffers);
	tcase_add_test(bulk_tc, test_sequence_wraps_around_zero_both_sides);
	tcase_add_test(loss, test_out_of_order_reassembled_with_sack);
	tcase_add_test(loss, test_single_loss_fast_retransmit);
	tcase_add_test(loss, test_fin_with_data_ahead_of_hole_waits);
	tcase_add_test(loss, test_bare_fin_ahead_of_hole_waits);
	tcase_add_test(loss, test_last_segment_loss_recovered_by_rto);
	tcase_add_test(loss, test_two_losses_in_one_window_no_timeout);
	tcase_add_test(bulk_tc, test_lossy_reordering_wire_stress);
	tcase_add_test(loss, test_rto_backoff_doubles_to_cap_then_gives_up);
	tcase_add_test(loss, test_handshake_gives_rtt_sample);
	tcase_add_test(loss, test_rto_resends_one_segment_then_slow_start);
	tcase_add_test(loss, test_fast_retransmit_after_2gib_without_loss);
	tcase_add_test(loss, test_syn_loss_sets_rto_three_seconds);
	tcase_add_test(loss, test_karn_no_sample_from_retransmission);
	tcase_add_test(loss, test_rfc6298_estimator_values);
	tcase_add_test(flow, test_zero_window_probes_back_off_and_resume);
	tcase_add_test(flow, test_zero_window_still_takes_acks);
	tcase_add_test(flow, test_shrunk_window_answering_peer_not_timed_out);
	tcase_add_test(flow, test_close_with_queued_data_delivers_everything);
	tcase_add_test(flow, test_nagle_coalesces_small_writes);
	tcase_add_test(flow, test_nodelay_sends_each_write);
	tcase_add_test(flow, test_delayed_ack_timer_and_every_second_segment);
	tcase_add_test(flow, test_mss_announced_is_mtu_minus_40);
	tcase_add_test(flow, test_mss_536_when_peer_announces_none);
	tcase_add_test(flow, test_timestamps_reduce_payload_to_mss_minus_12);
	tcase_add_test(flow, test_window_scale_negotiated);
	tcase_add_test(flow, test_window_scale_off_when_peer_does_not_offer);
	tcase_add_test(flow, test_keepalive_probes_answered_then_peer_gone);
	tcase_add_test(flow, test_urgent_pointer_sent);
	tcase_add_test(flow, test_urgent_event_delivered);
	suite_add_tcase(s, bulk_tc);
	suite_add_tcase(s, loss);
	suite_add_tcase(s, flow);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
