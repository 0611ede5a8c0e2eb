/* Unit tests for common/ftp_ascii.c: TYPE A line ends, both ways, in
 * chunks (moved here from ftpd's rules suite and ftp's transfer suite). */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ftp_ascii.h"

START_TEST(test_to_net_turns_every_lf_into_crlf)
{
	uint8_t out[64];
	size_t n = ftp_ascii_to_net("a\nb\r\n\n", 6, out);

	ck_assert_uint_eq(n, 9);
	ck_assert_int_eq(memcmp(out, "a\r\nb\r\r\n\r\n", 9), 0);
	ck_assert_uint_eq(ftp_ascii_to_net("", 0, out), 0);
	/* A bare CR is data and stays as it is. */
	n = ftp_ascii_to_net("a\rb\r", 4, out);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(memcmp(out, "a\rb\r", 4), 0);
}
END_TEST

/* The same file in two chunks, cut anywhere: the same output. */
START_TEST(test_to_net_needs_no_state_between_chunks)
{
	const char *in = "x\r\ny\n\r\n";
	size_t len = strlen(in), cut;

	for (cut = 0; cut <= len; cut++) {
		uint8_t out[32];
		size_t n = ftp_ascii_to_net(in, cut, out);

		n += ftp_ascii_to_net(in + cut, len - cut, out + n);
		ck_assert_uint_eq(n, 10);
		ck_assert_int_eq(memcmp(out, "x\r\r\ny\r\n\r\r\n", 10), 0);
	}
}
END_TEST

/* Feeds in split at every position and checks the joined output. */
static void check_from_net(const char *in, const char *want)
{
	size_t len = strlen(in), cut;

	for (cut = 0; cut <= len; cut++) {
		struct ftp_ascii_in st = { false };
		uint8_t out[128];
		size_t n;

		n = ftp_ascii_from_net(&st, in, cut, out);
		n += ftp_ascii_from_net(&st, in + cut, len - cut, out + n);
		n += ftp_ascii_from_net_end(&st, out + n);
		ck_assert_msg(n == strlen(want) && memcmp(out, want, n) == 0,
			      "cut at %zu: got %.*s", cut, (int)n, out);
	}
}

START_TEST(test_from_net_crlf_to_lf_across_chunk_boundaries)
{
	check_from_net("a\r\nb\r\n", "a\nb\n");
	check_from_net("\r\n\r\n", "\n\n");
	/* A bare CR stays, also when it ends a chunk or the file. */
	check_from_net("a\rb\r", "a\rb\r");
	check_from_net("a\r\r\nb", "a\r\nb");
	check_from_net("x\n", "x\n");
	check_from_net("", "");
}
END_TEST

START_TEST(test_from_net_cr_held_at_chunk_end)
{
	struct ftp_ascii_in st = { false };
	char out[64];
	size_t n = ftp_ascii_from_net(&st, "a\r\nb\r", 5, out);

	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(memcmp(out, "a\nb", 3), 0);
	ck_assert(st.cr);
	n = ftp_ascii_from_net(&st, "\nc\rd", 4, out);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(memcmp(out, "\nc\rd", 4), 0);
	ck_assert(!st.cr);
	ck_assert_uint_eq(ftp_ascii_from_net(&st, "\r", 1, out), 0);
	ck_assert_uint_eq(ftp_ascii_from_net_end(&st, out), 1);
	ck_assert_int_eq(out[0], '\r');
	ck_assert_uint_eq(ftp_ascii_from_net_end(&st, out), 0);
}
END_TEST

/* Local -> network -> local gives the file back, byte for byte, for
 * every byte pair (so every CR/LF neighbourhood). */
START_TEST(test_round_trip_is_exact)
{
	unsigned a, b;

	for (a = 0; a < 256; a++) {
		for (b = 0; b < 256; b++) {
			uint8_t in[4] = { (uint8_t)a, (uint8_t)b, '\r', '\n' };
			uint8_t net[8], back[9];
			struct ftp_ascii_in st = { false };
			size_t n = ftp_ascii_to_net(in, 4, net), m;

			m = ftp_ascii_from_net(&st, net, n, back);
			m += ftp_ascii_from_net_end(&st, back + m);
			ck_assert_uint_eq(m, 4);
			ck_assert_int_eq(memcmp(in, back, 4), 0);
		}
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ftp_ascii");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_to_net_turns_every_lf_into_crlf);
	tcase_add_test(tc, test_to_net_needs_no_state_between_chunks);
	tcase_add_test(tc, test_from_net_crlf_to_lf_across_chunk_boundaries);
	tcase_add_test(tc, test_from_net_cr_held_at_chunk_end);
	tcase_add_test(tc, test_round_trip_is_exact);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
