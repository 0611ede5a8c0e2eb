/*
 * check_tcp_isn.c - initial sequence numbers per RFC 6528, seen through
 * the public API in virtual time: ISN = M + F(4-tuple, secret), with M a
 * clock ticking every 4 microseconds. Different 4-tuples give unrelated
 * ISNs; the same 4-tuple later advances with the clock, tick for tick; a
 * different secret gives another ISN for the same 4-tuple and time.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "tcp_fixture.h" /* tn_run_suite */

#define CLIENT_IP 0x4c581068u /* 76.88.16.104 */
#define SERVER_IP 0x4c581010u /* 76.88.16.16  */
#define TUPLES 64u
#define ISN_TICK_USEC 4u      /* RFC 9293 3.4.1 */

static const uint8_t secret_a[16] = "synfin-secret-A";
static const uint8_t secret_b[16] = "synfin-secret-B";

static ts_time_t vclock_now;

static ts_time_t vclock(void *ctx)
{
	(void)ctx;
	return vclock_now;
}

static void drop_frame(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	(void)frame;
	(void)len;
}

/* The ISN a fresh stack keyed with secret picks at time now for
 * CLIENT_IP:lport -> rip:rport (its SYN waits for ARP; only the ISN
 * matters here). */
static uint32_t isn_of(const uint8_t secret[16], ts_time_t now,
		       uint16_t lport, uint32_t rip, uint16_t rport)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x68 };
	struct ts_stack_config cfg;
	struct ts_addr local = { 0, lport }, remote = { rip, rport };
	struct ts_sockinfo si;
	struct ts_stack *st;
	int err = 0, s;

	ts_stack_config_init(&cfg);
	memcpy(cfg.mac, mac, 6);
	cfg.addr = CLIENT_IP;
	cfg.prefix_len = 24;
	cfg.isn_secret = secret;
	cfg.output = drop_frame;
	cfg.clock = vclock;
	vclock_now = now;
	st = ts_stack_new(&cfg, &err);
	ck_assert_ptr_nonnull(st);
	s = ts_socket(st);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(ts_bind(st, s, &local), 0);
	ck_assert_int_eq(ts_connect(st, s, &remote), -EINPROGRESS);
	ck_assert_int_eq(ts_getinfo(st, s, &si), 0);
	ts_stack_free(st);
	return si.iss;
}

static unsigned popcount32(uint32_t v)
{
	unsigned n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

/* RFC 6528 section 3: the hash of the 4-tuple keeps an off-path attacker
 * from predicting one connection's ISN from another's. Neighbouring
 * tuples (next port, next address) give values that share no pattern:
 * all distinct, every bit both set and clear across them, and about half
 * the bits changing between neighbours. */
START_TEST(test_isn_unrelated_across_tuples)
{
	uint32_t isn[TUPLES], ones[32] = { 0 };
	unsigned i, j, b;

	for (i = 0; i < TUPLES; i++)
		isn[i] = i < TUPLES / 2
			 ? isn_of(secret_a, 1000000, (uint16_t)(40000 + i),
				  SERVER_IP, 21)
			 : isn_of(secret_a, 1000000, 40000, SERVER_IP + i, 21);
	for (i = 0; i < TUPLES; i++) {
		for (j = i + 1; j < TUPLES; j++)
			ck_assert_msg(isn[i] != isn[j], "tuples %u and %u share "
				      "ISN %u", i, j, isn[i]);
		for (b = 0; b < 32; b++)
			ones[b] += (isn[i] >> b) & 1u;
		if (i > 0 && i != TUPLES / 2) {
			unsigned flipped = popcount32(isn[i] ^ isn[i - 1]);

			ck_assert_msg(flipped >= 6 && flipped <= 26,
				      "neighbours %u and %u differ in %u bits",
				      i - 1, i, flipped);
			/* Not a counter: no small step between them. */
			ck_assert_uint_gt(isn[i] - isn[i - 1], 1u << 16);
			ck_assert_uint_gt(isn[i - 1] - isn[i], 1u << 16);
		}
	}
	for (b = 0; b < 32; b++)
		ck_assert_msg(ones[b] >= TUPLES / 8 && ones[b] <= TUPLES * 7 / 8,
			      "bit %u set in %u of %u ISNs", b, ones[b], TUPLES);
}
END_TEST

/* RFC 6528 section 3 / RFC 9293 3.4.1: for one 4-tuple, M advances one
 * per 4 microseconds, so a later incarnation starts above the old one's
 * sequence space; the clock wraps modulo 2^32. */
START_TEST(test_isn_same_tuple_advances_with_clock)
{
	uint32_t t0 = isn_of(secret_a, 1000000, 1038, SERVER_IP, 21);

	ck_assert_uint_eq(isn_of(secret_a, 1000000 + ISN_TICK_USEC - 1, 1038,
				 SERVER_IP, 21), t0);
	ck_assert_uint_eq(isn_of(secret_a, 1000000 + ISN_TICK_USEC, 1038,
				 SERVER_IP, 21), t0 + 1);
	ck_assert_uint_eq(isn_of(secret_a, 1000000 + 4000, 1038, SERVER_IP, 21),
			  t0 + 1000);
	/* One minute later: 15,000,000 ticks on. */
	ck_assert_uint_eq(isn_of(secret_a, 61000000, 1038, SERVER_IP, 21),
			  t0 + 15000000u);
	/* 2^32 ticks (about 4.77 hours) later the clock has wrapped. */
	ck_assert_uint_eq(isn_of(secret_a, 1000000 + (4ULL << 32), 1038,
				 SERVER_IP, 21), t0);
	/* The same computation at the same time gives the same ISN. */
	ck_assert_uint_eq(isn_of(secret_a, 1000000, 1038, SERVER_IP, 21), t0);
}
END_TEST

/* RFC 6528 section 3: F is keyed with a secret, so another stack (another
 * secret) picks other ISNs for the same 4-tuple at the same time, and its
 * clock still ticks the same way. */
START_TEST(test_isn_depends_on_secret)
{
	uint32_t a = isn_of(secret_a, 1000000, 1038, SERVER_IP, 21);
	uint32_t b = isn_of(secret_b, 1000000, 1038, SERVER_IP, 21);

	ck_assert_uint_ne(a, b);
	ck_assert_uint_gt(popcount32(a ^ b), 5);
	ck_assert_uint_eq(isn_of(secret_b, 1000000 + 400, 1038, SERVER_IP, 21),
			  b + 100);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcp_isn");
	TCase *tc = tcase_create("rfc6528");

	tcase_add_test(tc, test_isn_unrelated_across_tuples);
	tcase_add_test(tc, test_isn_same_tuple_advances_with_clock);
	tcase_add_test(tc, test_isn_depends_on_secret);
	suite_add_tcase(s, tc);
	return tn_run_suite(s);
}
