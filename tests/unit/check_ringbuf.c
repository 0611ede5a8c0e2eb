/* Unit tests for ringbuf.c: lazy growth, wrap-around, reassembly writes. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_internal.h"

START_TEST(test_ringbuf_allocates_nothing_until_written)
{
	struct ringbuf rb;

	ringbuf_init(&rb, 1u << 20);
	ck_assert_ptr_null(rb.data);
	ck_assert_uint_eq(ringbuf_space(&rb), 1u << 20);
	ck_assert_uint_eq(ringbuf_read(&rb, NULL, 10), 0);
	ringbuf_free(&rb);
}
END_TEST

START_TEST(test_ringbuf_write_stops_at_limit)
{
	struct ringbuf rb;
	uint8_t buf[100];

	memset(buf, 'x', sizeof(buf));
	ringbuf_init(&rb, 64);
	ck_assert_uint_eq(ringbuf_write(&rb, buf, 100), 64);
	ck_assert_uint_eq(ringbuf_space(&rb), 0);
	ck_assert_uint_eq(ringbuf_write(&rb, buf, 1), 0);
	ringbuf_free(&rb);
}
END_TEST

START_TEST(test_ringbuf_fifo_order_across_wrap_and_growth)
{
	struct ringbuf rb;
	uint8_t in[7000], out[7000];
	uint32_t i, w = 0, r = 0;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 3);
	ringbuf_init(&rb, 5000);
	/* Interleave writes and reads of odd sizes so head wraps repeatedly
	 * while the buffer also grows. */
	while (r < sizeof(in)) {
		uint32_t chunk = 333;
		if (w < sizeof(in)) {
			if (chunk > sizeof(in) - w)
				chunk = (uint32_t)sizeof(in) - w;
			w += ringbuf_write(&rb, in + w, chunk);
		}
		r += ringbuf_read(&rb, out + r, 211);
	}
	ck_assert_int_eq(memcmp(in, out, sizeof(in)), 0);
	ck_assert_uint_eq(rb.len, 0);
	ringbuf_free(&rb);
}
END_TEST

START_TEST(test_ringbuf_write_at_then_commit_fills_hole)
{
	struct ringbuf rb;
	char out[16] = { 0 };

	ringbuf_init(&rb, 4096);
	ck_assert_uint_eq(ringbuf_write(&rb, "ab", 2), 2);
	/* "ef" arrives before "cd": stored beyond the end, invisible. */
	ck_assert_int_eq(ringbuf_write_at(&rb, 2, "ef", 2), 0);
	ck_assert_uint_eq(rb.len, 2);
	ck_assert_int_eq(ringbuf_write_at(&rb, 0, "cd", 2), 0);
	ringbuf_commit(&rb, 4);
	ck_assert_uint_eq(ringbuf_read(&rb, out, sizeof(out)), 6);
	ck_assert_str_eq(out, "abcdef");
	ringbuf_free(&rb);
}
END_TEST

START_TEST(test_ringbuf_write_at_keeps_pending_bytes_when_growing)
{
	struct ringbuf rb;
	uint8_t big[5000], out[5000];
	uint32_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	ringbuf_init(&rb, 8192);
	/* Out-of-order bytes far beyond the first allocation force growth;
	 * the earlier out-of-order bytes must survive the move. */
	ck_assert_int_eq(ringbuf_write_at(&rb, 100, big + 100, 100), 0);
	ck_assert_int_eq(ringbuf_write_at(&rb, 3000, big + 3000, 2000), 0);
	ck_assert_int_eq(ringbuf_write_at(&rb, 0, big, 100), 0);
	ck_assert_int_eq(ringbuf_write_at(&rb, 200, big + 200, 2800), 0);
	ringbuf_commit(&rb, 5000);
	ck_assert_uint_eq(ringbuf_read(&rb, out, 5000), 5000);
	ck_assert_int_eq(memcmp(big, out, 5000), 0);
	ringbuf_free(&rb);
}
END_TEST

START_TEST(test_ringbuf_write_at_beyond_limit_is_refused)
{
	struct ringbuf rb;

	ringbuf_init(&rb, 100);
	ck_assert_int_lt(ringbuf_write_at(&rb, 99, "xy", 2), 0);
	ringbuf_free(&rb);
}
END_TEST

START_TEST(test_ringbuf_peek_does_not_consume)
{
	struct ringbuf rb;
	char out[4] = { 0 };

	ringbuf_init(&rb, 100);
	ringbuf_write(&rb, "hello", 5);
	ringbuf_peek(&rb, 1, out, 3);
	ck_assert_str_eq(out, "ell");
	ck_assert_uint_eq(rb.len, 5);
	ringbuf_free(&rb);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ringbuf");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_ringbuf_allocates_nothing_until_written);
	tcase_add_test(tc, test_ringbuf_write_stops_at_limit);
	tcase_add_test(tc, test_ringbuf_fifo_order_across_wrap_and_growth);
	tcase_add_test(tc, test_ringbuf_write_at_then_commit_fills_hole);
	tcase_add_test(tc, test_ringbuf_write_at_keeps_pending_bytes_when_growing);
	tcase_add_test(tc, test_ringbuf_write_at_beyond_limit_is_refused);
	tcase_add_test(tc, test_ringbuf_peek_does_not_consume);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
