/* Unit tests for ftp/progress.c in virtual time: the progress bar, the
 * summary line, hash marks, the rate limiter and byte-count parsing. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ftpc_limits.h"
#include "progress.h"

#define T0 1000000000ULL
#define SEC FTPC_USEC_PER_SEC
#define KIB 1024ULL

START_TEST(test_bar_shows_percent_bytes_rate_eta)
{
	struct ftpc_progress p;
	char buf[256];
	size_t n;

	ftpc_progress_start(&p, 1000 * KIB, 0, T0);
	ftpc_progress_update(&p, 430 * KIB, T0 + 2 * SEC);
	n = ftpc_progress_render(&p, T0 + 2 * SEC, 80, buf, sizeof(buf));
	ck_assert_uint_eq(n, 79);
	ck_assert_uint_eq(strlen(buf), 79);
	ck_assert_int_eq(strncmp(buf, " 43% |", 6), 0);
	ck_assert_ptr_nonnull(strstr(buf, "|   430 KiB  215.00 KiB/s"));
	ck_assert_ptr_nonnull(strstr(buf, "00:02 ETA"));
	/* 43% of the bar is filled. */
	ck_assert_ptr_nonnull(strstr(buf, "|*****"));
}
END_TEST

START_TEST(test_bar_fits_narrow_and_wide_terminals)
{
	struct ftpc_progress p;
	char buf[1024];
	unsigned w;

	ftpc_progress_start(&p, 5000, 0, T0);
	ftpc_progress_update(&p, 2500, T0 + SEC);
	for (w = 10; w <= 600; w += 7) {
		size_t n = ftpc_progress_render(&p, T0 + SEC, w, buf,
						sizeof(buf));
		ck_assert_uint_le(n, w - 1);
		ck_assert_uint_eq(strlen(buf), n);
	}
	/* Too narrow for a bar: no '|' at all. */
	ftpc_progress_render(&p, T0 + SEC, 30, buf, sizeof(buf));
	ck_assert_ptr_null(strchr(buf, '|'));
}
END_TEST

START_TEST(test_unknown_size_has_no_percent_or_eta)
{
	struct ftpc_progress p;
	char buf[256];

	ftpc_progress_start(&p, 0, 0, T0);
	ftpc_progress_update(&p, 100, T0 + SEC);
	ftpc_progress_render(&p, T0 + SEC, 80, buf, sizeof(buf));
	ck_assert_ptr_null(strchr(buf, '%'));
	ck_assert_ptr_null(strstr(buf, "ETA"));
	ck_assert_ptr_nonnull(strstr(buf, "  100 B "));
}
END_TEST

START_TEST(test_stalled_after_five_quiet_seconds)
{
	struct ftpc_progress p;
	char buf[256];

	ftpc_progress_start(&p, 10000, 0, T0);
	ftpc_progress_update(&p, 100, T0 + SEC);
	ftpc_progress_render(&p, T0 + 5 * SEC, 80, buf, sizeof(buf));
	ck_assert_ptr_null(strstr(buf, "stalled"));
	ftpc_progress_render(&p, T0 + 6 * SEC, 80, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "- stalled -"));
	/* Nothing moved yet: no rate, so no ETA. */
	ftpc_progress_start(&p, 10000, 0, T0);
	ftpc_progress_render(&p, T0 + SEC, 80, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "--:-- ETA"));
}
END_TEST

START_TEST(test_redraw_at_most_once_a_second)
{
	struct ftpc_progress p;

	ftpc_progress_start(&p, 10000, 0, T0);
	ck_assert(ftpc_progress_update(&p, 1, T0));
	ck_assert(!ftpc_progress_update(&p, 2, T0 + SEC / 2));
	ck_assert(!ftpc_progress_update(&p, 3, T0 + SEC - 1));
	ck_assert(ftpc_progress_update(&p, 4, T0 + SEC));
	ck_assert(!ftpc_progress_update(&p, 5, T0 + SEC + 1));
}
END_TEST

START_TEST(test_restart_counts_toward_percent_not_rate)
{
	struct ftpc_progress p;
	char buf[256];

	ftpc_progress_start(&p, 1000, 500, T0);
	ftpc_progress_update(&p, 600, T0 + SEC);
	ftpc_progress_render(&p, T0 + SEC, 80, buf, sizeof(buf));
	ck_assert_int_eq(strncmp(buf, " 60% |", 6), 0);
	ck_assert_ptr_nonnull(strstr(buf, " 100.00 B/s"));
	ftpc_progress_summary(&p, T0 + SEC, "received", buf, sizeof(buf));
	ck_assert_str_eq(buf, "100 bytes received in 00:01 (100.00 B/s)");
}
END_TEST

START_TEST(test_summary_line_like_tnftp)
{
	struct ftpc_progress p;
	char buf[128];

	ftpc_progress_start(&p, 0, 0, T0);
	ftpc_progress_update(&p, 1048576, T0 + SEC);
	ftpc_progress_summary(&p, T0 + SEC, "received", buf, sizeof(buf));
	ck_assert_str_eq(buf, "1048576 bytes received in 00:01 (1.00 MiB/s)");
	ftpc_progress_start(&p, 0, 0, T0);
	ftpc_progress_update(&p, 1, T0);
	ftpc_progress_summary(&p, T0 + 3725 * SEC, "sent", buf, sizeof(buf));
	ck_assert_str_eq(buf, "1 byte sent in 1:02:05 (0.00 B/s)");
}
END_TEST

START_TEST(test_hash_marks_one_per_step)
{
	struct ftpc_hash h;

	ftpc_hash_start(&h, 0);
	ck_assert_uint_eq(ftpc_hash_marks(&h, 1023), 0);
	ck_assert_uint_eq(ftpc_hash_marks(&h, 1024), 1);
	ck_assert_uint_eq(ftpc_hash_marks(&h, 5000), 3);
	ck_assert_uint_eq(ftpc_hash_marks(&h, 5000), 0);
	ftpc_hash_start(&h, 100);
	ck_assert_uint_eq(ftpc_hash_marks(&h, 1000), 10);
}
END_TEST

START_TEST(test_rate_limits_bytes_per_second)
{
	struct ftpc_rate r;
	uint64_t now = T0, total = 0;
	unsigned i;

	ftpc_rate_set(&r, 1000, now);
	/* A full bucket: one second's worth at once, then nothing. */
	ck_assert_uint_eq(ftpc_rate_take(&r, 5000, now), 1000);
	ck_assert_uint_eq(ftpc_rate_take(&r, 5000, now), 0);
	ck_assert_uint_eq(ftpc_rate_wait_us(&r, now), 1000);
	/* Over ten virtual seconds in 1 ms steps: 10000 bytes, exactly. */
	for (i = 0; i < 10000; i++) {
		now += 1000;
		total += ftpc_rate_take(&r, 5000, now);
	}
	ck_assert_uint_eq(total, 10000);
	/* Idle time does not bank more than a second. */
	now += 60 * SEC;
	ck_assert_uint_eq(ftpc_rate_take(&r, 1000000, now), 1000);
}
END_TEST

START_TEST(test_rate_zero_is_unlimited_and_huge_rates_do_not_overflow)
{
	struct ftpc_rate r;

	ftpc_rate_set(&r, 0, T0);
	ck_assert_uint_eq(ftpc_rate_take(&r, 123456789, T0), 123456789);
	ck_assert_uint_eq(ftpc_rate_wait_us(&r, T0), 0);
	ftpc_rate_set(&r, UINT64_MAX, T0);
	ck_assert_uint_eq(r.rate, FTPC_RATE_MAX);
	ck_assert_uint_eq(ftpc_rate_take(&r, UINT64_MAX, T0 + 10 * SEC),
			  FTPC_RATE_MAX);
}
END_TEST

START_TEST(test_parse_bytes_with_suffixes)
{
	uint64_t v = 0;

	ck_assert_int_eq(ftpc_parse_bytes("1024", &v), 0);
	ck_assert_uint_eq(v, 1024);
	ck_assert_int_eq(ftpc_parse_bytes("100k", &v), 0);
	ck_assert_uint_eq(v, 100 * KIB);
	ck_assert_int_eq(ftpc_parse_bytes("2M", &v), 0);
	ck_assert_uint_eq(v, 2 * KIB * KIB);
	ck_assert_int_eq(ftpc_parse_bytes("1g", &v), 0);
	ck_assert_uint_eq(v, KIB * KIB * KIB);
	ck_assert_int_eq(ftpc_parse_bytes("", &v), -1);
	ck_assert_int_eq(ftpc_parse_bytes("k", &v), -1);
	ck_assert_int_eq(ftpc_parse_bytes("10kb", &v), -1);
	ck_assert_int_eq(ftpc_parse_bytes("-1", &v), -1);
	ck_assert_int_eq(ftpc_parse_bytes("99999999999999999999999", &v), -1);
	ck_assert_int_eq(ftpc_parse_bytes("2000g", &v), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("progress");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_bar_shows_percent_bytes_rate_eta);
	tcase_add_test(tc, test_bar_fits_narrow_and_wide_terminals);
	tcase_add_test(tc, test_unknown_size_has_no_percent_or_eta);
	tcase_add_test(tc, test_stalled_after_five_quiet_seconds);
	tcase_add_test(tc, test_redraw_at_most_once_a_second);
	tcase_add_test(tc, test_restart_counts_toward_percent_not_rate);
	tcase_add_test(tc, test_summary_line_like_tnftp);
	tcase_add_test(tc, test_hash_marks_one_per_step);
	tcase_add_test(tc, test_rate_limits_bytes_per_second);
	tcase_add_test(tc,
		       test_rate_zero_is_unlimited_and_huge_rates_do_not_overflow);
	tcase_add_test(tc, test_parse_bytes_with_suffixes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
