/* Unit tests for the impairment layer: the spec parser, the rates of each
 * impairment over 100000 frames with a fixed seed, replay from a seed, and
 * delay, jitter and rate limiting in virtual time. Frames go through an
 * impaired mem link: ts_link_mem_take() sees what left the impairer,
 * ts_link_mem_inject() feeds its receive side. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ts_limits.h"
#include "ts_link.h"

#define NFRAMES 100000u
#define FRAME_LEN 64u
#define SEQ_OFF 14u

static ts_time_t vnow;

static ts_time_t fake_clock(void *ctx)
{
	(void)ctx;
	return vnow;
}

static struct ts_link *impaired_mem(const char *spec)
{
	struct ts_link_options opt = { .impair = spec, .clock = fake_clock };
	struct ts_link *l = NULL;
	char err[256] = "";

	vnow = 0;
	ck_assert_msg(ts_link_open("mem", &opt, &l, err, sizeof(err)) == 0,
		      "%s: %s", spec, err);
	return l;
}

static void make_frame(uint8_t *f, uint32_t seq)
{
	unsigned i;

	memset(f, 0xff, 6);
	memset(f + 6, 0x02, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	memcpy(f + SEQ_OFF, &seq, 4);
	for (i = SEQ_OFF + 4; i < FRAME_LEN; i++)
		f[i] = (uint8_t)i;
}

static uint32_t seq_of(const uint8_t *f)
{
	uint32_t seq;

	memcpy(&seq, f + SEQ_OFF, 4);
	return seq;
}

/* What came out of a run of NFRAMES sends. */
struct outcome {
	unsigned received, dups, late, corrupted;
	uint64_t hash; /* FNV-1a over every frame taken, in order */
};

static void take_all(struct ts_link *l, struct outcome *o, uint32_t *max_seen,
		     uint32_t *last)
{
	uint8_t g[TS_FRAME_MAX], ref[FRAME_LEN];
	size_t n, i;

	while ((n = ts_link_mem_take(l, g, sizeof(g))) > 0) {
		uint32_t seq = seq_of(g);

		for (i = 0; i < n; i++)
			o->hash = (o->hash ^ g[i]) * 0x100000001b3ULL;
		make_frame(ref, seq);
		if (n != FRAME_LEN || memcmp(ref, g, FRAME_LEN) != 0) {
			o->corrupted++;
			continue; /* its seq may be the corrupted part */
		}
		o->received++;
		if (o->received > 1 && seq == *last)
			o->dups++;
		else if (o->received > 1 && seq < *max_seen)
			o->late++;
		if (seq > *max_seen)
			*max_seen = seq;
		*last = seq;
	}
}

static struct outcome run(const char *spec)
{
	struct ts_link *l = impaired_mem(spec);
	struct outcome o = { .hash = 0xcbf29ce484222325ULL };
	uint32_t seq, max_seen = 0, last = 0;
	uint8_t f[FRAME_LEN];

	for (seq = 0; seq < NFRAMES; seq++) {
		make_frame(f, seq);
		ck_assert_int_eq(ts_link_send(l, f, sizeof(f)), 0);
		take_all(l, &o, &max_seen, &last);
	}
	/* Frames still held for reordering go when their hold expires. */
	vnow += TS_IMPAIR_HOLD_MAX;
	ts_link_poll(l);
	take_all(l, &o, &max_seen, &last);
	ck_assert_uint_eq(ts_link_next_deadline(l), TS_TIME_NEVER);
	ts_link_close(l);
	return o;
}

#define ck_assert_near(v, want, tol)                                        \
	ck_assert_msg((v) >= (want) - (tol) && (v) <= (want) + (tol),         \
		      "%s = %u, want %u +- %u", #v, (unsigned)(v),            \
		      (unsigned)(want), (unsigned)(tol))

START_TEST(test_impair_loss_rate_within_tolerance)
{
	struct outcome o = run("loss=5%,seed=42");

	ck_assert_near(o.received, 95000u, 600u);
	ck_assert_uint_eq(o.dups + o.late + o.corrupted, 0);
}
END_TEST

START_TEST(test_impair_dup_rate_within_tolerance)
{
	struct outcome o = run("dup=1%,seed=42");

	ck_assert_near(o.dups, 1000u, 150u);
	ck_assert_uint_eq(o.received, NFRAMES + o.dups);
	ck_assert_uint_eq(o.late + o.corrupted, 0);
}
END_TEST

START_TEST(test_impair_reorder_rate_within_tolerance_and_nothing_lost)
{
	struct outcome o = run("reorder=5%,depth=3,seed=42");

	ck_assert_uint_eq(o.received, NFRAMES);
	ck_assert_near(o.late, 5000u, 600u);
	ck_assert_uint_eq(o.dups + o.corrupted, 0);
}
END_TEST

START_TEST(test_impair_corrupt_rate_within_tolerance)
{
	struct outcome o = run("corrupt=1%,seed=42");

	ck_assert_near(o.corrupted, 1000u, 150u);
	ck_assert_uint_eq(o.received + o.corrupted, NFRAMES);
}
END_TEST

START_TEST(test_impair_corrupt_flips_one_bit_beyond_ethernet_header)
{
	struct ts_link *l = impaired_mem("corrupt=100%,seed=3");
	uint8_t f[FRAME_LEN], g[TS_FRAME_MAX];
	unsigned i, k, bits;

	for (k = 0; k < 1000; k++) {
		make_frame(f, k);
		ck_assert_int_eq(ts_link_send(l, f, sizeof(f)), 0);
		ck_assert_uint_eq(ts_link_mem_take(l, g, sizeof(g)), FRAME_LEN);
		ck_assert_mem_eq(f, g, 14);
		for (bits = 0, i = 14; i < FRAME_LEN; i++)
			bits += (unsigned)__builtin_popcount(f[i] ^ g[i]);
		ck_assert_uint_eq(bits, 1);
	}
	ts_link_close(l);
}
END_TEST

START_TEST(test_impair_same_seed_same_decisions)
{
	const char *a = "loss=3%,dup=2%,reorder=4%,corrupt=1%,seed=7";
	struct outcome x = run(a), y = run(a);
	struct outcome z = run("loss=3%,dup=2%,reorder=4%,corrupt=1%,seed=8");

	ck_assert_uint_eq(x.hash, y.hash);
	ck_assert_uint_eq(x.received, y.received);
	ck_assert_uint_ne(x.hash, z.hash);
}
END_TEST

START_TEST(test_impair_delay_releases_frame_at_deadline)
{
	struct ts_link *l = impaired_mem("delay=50ms");
	uint8_t f[FRAME_LEN], g[TS_FRAME_MAX];

	make_frame(f, 1);
	vnow = 1000;
	ck_assert_int_eq(ts_link_send(l, f, sizeof(f)), 0);
	ck_assert_uint_eq(ts_link_mem_take(l, g, sizeof(g)), 0);
	ck_assert_uint_eq(ts_link_next_deadline(l), 51000);
	vnow = 50999;
	ts_link_poll(l);
	ck_assert_uint_eq(ts_link_mem_take(l, g, sizeof(g)), 0);
	vnow = 51000;
	ts_link_poll(l);
	ck_assert_uint_eq(ts_link_mem_take(l, g, sizeof(g)), FRAME_LEN);
	ck_assert_mem_eq(f, g, FRAME_LEN);
	ck_assert_uint_eq(ts_link_next_deadline(l), TS_TIME_NEVER);
	ts_link_close(l);
}
END_TEST

START_TEST(test_impair_jitter_stays_within_bounds)
{
	struct ts_link *l = impaired_mem("delay=10ms,jitter=5ms,seed=9");
	uint8_t f[FRAME_LEN], g[TS_FRAME_MAX];
	ts_time_t lo = TS_TIME_NEVER, hi = 0;
	unsigned k;

	/* One frame at a time, so each deadline is that frame's. */
	for (k = 0; k < 2000; k++) {
		ts_time_t d;

		make_frame(f, k);
		ck_assert_int_eq(ts_link_send(l, f, sizeof(f)), 0);
		d = ts_link_next_deadline(l) - vnow;
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
		vnow += d;
		ts_link_poll(l);
		ck_assert_uint_eq(ts_link_mem_take(l, g, sizeof(g)), FRAME_LEN);
	}
	ck_assert_uint_ge(lo, 5000);
	ck_assert_uint_le(hi, 15000);
	ck_assert_uint_lt(lo, 6000); /* the spread is used, not a constant */
	ck_assert_uint_gt(hi, 14000);
	ts_link_close(l);
}
END_TEST

START_TEST(test_impair_rate_serialises_frames)
{
	/* 8 Mbit/s: one byte per microsecond. */
	struct ts_link *l = impaired_mem("rate=8mbit");
	uint8_t f[1000], g[TS_FRAME_MAX];
	int k;

	memset(f, 0, sizeof(f));
	for (k = 0; k < 3; k++)
		ck_assert_int_eq(ts_link_send(l, f, sizeof(f)), 0);
	for (k = 1; k <= 3; k++) {
		ck_assert_uint_eq(ts_link_next_deadline(l), (ts_time_t)k * 1000);
		vnow = (ts_time_t)k * 1000 - 1;
		ts_link_poll(l);
		ck_assert_uint_eq(ts_link_mem_take(l, g, sizeof(g)), 0);
		vnow++;
		ts_link_poll(l);
		ck_assert_uint_eq(ts_link_mem_take(l, g, sizeof(g)), sizeof(f));
	}
	/* An idle wire sends the next frame one serialisation time later. */
	vnow = 10000;
	ck_assert_int_eq(ts_link_send(l, f, sizeof(f)), 0);
	ck_assert_uint_eq(ts_link_next_deadline(l), 11000);
	ts_link_close(l);
}
END_TEST

START_TEST(test_impair_rx_direction_only)
{
	struct ts_link *l = impaired_mem("loss=100%,dir=rx");
	uint8_t f[FRAME_LEN], g[TS_FRAME_MAX];

	make_frame(f, 5);
	ck_assert_int_eq(ts_link_mem_inject(l, f, sizeof(f)), 0);
	ck_assert_int_eq(ts_link_recv(l, g, sizeof(g), NULL), 0);
	ck_assert_int_eq(ts_link_send(l, f, sizeof(f)), 0);
	ck_assert_uint_eq(ts_link_mem_take(l, g, sizeof(g)), FRAME_LEN);
	ts_link_close(l);
}
END_TEST

START_TEST(test_impair_rx_delay_holds_received_frames)
{
	struct ts_link *l = impaired_mem("delay=2ms,dir=rx");
	uint8_t f[FRAME_LEN], g[TS_FRAME_MAX];

	make_frame(f, 6);
	ck_assert_int_eq(ts_link_mem_inject(l, f, sizeof(f)), 0);
	ck_assert_int_eq(ts_link_recv(l, g, sizeof(g), NULL), 0);
	ck_assert_uint_eq(ts_link_next_deadline(l), 2000);
	vnow = 2000;
	ts_link_poll(l);
	/* Ready frames make the deadline "now" until they are read. */
	ck_assert_uint_le(ts_link_next_deadline(l), vnow);
	ck_assert_int_eq(ts_link_recv(l, g, sizeof(g), NULL), FRAME_LEN);
	ck_assert_mem_eq(f, g, FRAME_LEN);
	ck_assert_uint_eq(ts_link_next_deadline(l), TS_TIME_NEVER);
	/* tx is untouched. */
	ck_assert_int_eq(ts_link_send(l, f, sizeof(f)), 0);
	ck_assert_uint_eq(ts_link_mem_take(l, g, sizeof(g)), FRAME_LEN);
	ts_link_close(l);
}
END_TEST

/* ---- the spec parser ------------------------------------------------------- */

START_TEST(test_impair_parse_full_spec)
{
	struct ts_impair_spec s;
	char err[256] = "";

	ck_assert_int_eq(ts_impair_parse("loss=5%,dup=1%,reorder=5%,depth=3,"
					 "corrupt=100ppm,delay=50ms,"
					 "jitter=10us,rate=100mbit,seed=7,"
					 "dir=tx", &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.loss_ppm, 50000);
	ck_assert_uint_eq(s.dup_ppm, 10000);
	ck_assert_uint_eq(s.reorder_ppm, 50000);
	ck_assert_uint_eq(s.reorder_depth, 3);
	ck_assert_uint_eq(s.corrupt_ppm, 100);
	ck_assert_uint_eq(s.delay, 50000);
	ck_assert_uint_eq(s.jitter, 10);
	ck_assert_uint_eq(s.rate_bps, 100000000ULL);
	ck_assert_uint_eq(s.seed, 7);
	ck_assert(s.tx && !s.rx);
}
END_TEST

START_TEST(test_impair_parse_defaults_and_decimals)
{
	struct ts_impair_spec s;
	char err[256] = "";

	ck_assert_int_eq(ts_impair_parse("loss=0.5%,delay=1.5ms,rate=2.5Gbit,",
					 &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.loss_ppm, 5000);
	ck_assert_uint_eq(s.delay, 1500);
	ck_assert_uint_eq(s.rate_bps, 2500000000ULL);
	ck_assert_uint_eq(s.reorder_depth, TS_IMPAIR_DEPTH_DEFAULT);
	ck_assert(s.tx && s.rx);
	ck_assert_int_eq(ts_impair_parse("", &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.loss_ppm, 0);
}
END_TEST

START_TEST(test_impair_parse_errors_name_the_item)
{
	static const struct { const char *spec, *item, *hint; } bad[] = {
		{ "loss=5", "loss=5", "unit" },
		{ "loss=101%", "loss=101%", "100%" },
		{ "delay=50", "delay=50", "ms" },
		{ "delay=61s", "delay=61s", "60 s" },
		{ "jitter=1.5us", "jitter=1.5us", "finer" },
		{ "rate=10mbps", "rate=10mbps", "mbit" },
		{ "depth=0", "depth=0", "1 to 64" },
		{ "depth=65", "depth=65", "1 to 64" },
		{ "dir=up", "dir=up", "tx, rx or both" },
		{ "seed=x", "seed=x", "whole number" },
		{ "speed=1", "speed=1", "unknown key" },
		{ "loss", "loss", "key=value" },
		{ "loss=abc%", "loss=abc%", "not a number" },
	};
	struct ts_impair_spec s;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(ts_impair_parse(bad[i].spec, &s, err, sizeof(err)) ==
				      -EINVAL, "'%s' accepted", bad[i].spec);
		ck_assert_msg(strstr(err, bad[i].item) && strstr(err, bad[i].hint),
			      "'%s': message '%s'", bad[i].spec, err);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("impair");
	TCase *rates = tcase_create("rates"), *timing = tcase_create("timing"),
	      *parse = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_test(rates, test_impair_loss_rate_within_tolerance);
	tcase_add_test(rates, test_impair_dup_rate_within_tolerance);
	tcase_add_test(rates,
		       test_impair_reorder_rate_within_tolerance_and_nothing_lost);
	tcase_add_test(rates, test_impair_corrupt_rate_within_tolerance);
	tcase_add_test(rates,
		       test_impair_corrupt_flips_one_bit_beyond_ethernet_header);
	tcase_add_test(rates, test_impair_same_seed_same_decisions);
	suite_add_tcase(s, rates);
	tcase_add_test(timing, test_impair_delay_releases_frame_at_deadline);
	tcase_add_test(timing, test_impair_jitter_stays_within_bounds);
	tcase_add_test(timing, test_impair_rate_serialises_frames);
	tcase_add_test(timing, test_impair_rx_direction_only);
	tcase_add_test(timing, test_impair_rx_delay_holds_received_frames);
	suite_add_tcase(s, timing);
	tcase_add_test(parse, test_impair_parse_full_spec);
	tcase_add_test(parse, test_impair_parse_defaults_and_decimals);
	tcase_add_test(parse, test_impair_parse_errors_name_the_item);
	suite_add_tcase(s, parse);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
