/* Unit tests for common/ftp_reply.c: RFC 959 4.2 replies from an untrusted
 * server, fed whole, byte by byte, malformed and oversized. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ftp_limits.h"
#include "ftp_reply.h"

static struct ftp_reply_parser *p;

static void setup(void)
{
	p = ftp_reply_parser_new();
	ck_assert_ptr_nonnull(p);
}

static void teardown(void)
{
	ftp_reply_parser_free(p);
}

/* Feeds a NUL-terminated string whole; returns the result and *used. */
static enum ftp_parse feed(const char *s, size_t *used, struct ftp_reply *r)
{
	return ftp_reply_feed(p, (const uint8_t *)s, strlen(s), used, r);
}

START_TEST(test_single_line_reply_is_ok)
{
	struct ftp_reply r;
	size_t used;

	ck_assert_int_eq(feed("220 synfin ready\r\n", &used, &r), FTP_PARSE_OK);
	ck_assert_uint_eq(used, 18);
	ck_assert_uint_eq(r.code, 220);
	ck_assert_str_eq(r.text, "220 synfin ready");
	ck_assert_uint_eq(r.len, 16);
	ck_assert_uint_eq(r.nlines, 1);
	ck_assert_str_eq(r.msg, "synfin ready");
	ck_assert_uint_eq(r.msg_len, 12);
	ck_assert(!ftp_reply_parser_busy(p));
}
END_TEST

START_TEST(test_bare_lf_ends_a_line)
{
	struct ftp_reply r;
	size_t used;

	ck_assert_int_eq(feed("331 Please specify the password.\n", &used, &r),
			 FTP_PARSE_OK);
	ck_assert_str_eq(r.msg, "Please specify the password.");
}
END_TEST

START_TEST(test_partial_reply_needs_more)
{
	struct ftp_reply r;
	size_t used;

	ck_assert_int_eq(feed("230 Log", &used, &r), FTP_PARSE_NEED_MORE);
	ck_assert_uint_eq(used, 7);
	ck_assert(ftp_reply_parser_busy(p));
	ck_assert_int_eq(feed("in successful.\r", &used, &r),
			 FTP_PARSE_NEED_MORE);
	ck_assert_int_eq(feed("\n", &used, &r), FTP_PARSE_OK);
	ck_assert_str_eq(r.text, "230 Login successful.");
}
END_TEST

START_TEST(test_multiline_reply_with_inner_codes_is_one_reply)
{
	const char *in = "211-Features:\r\n"
			 " EPSV\r\n"
			 "200 not the end\r\n"
			 "211-still not\r\n"
			 "211 End\r\n";
	struct ftp_reply r;
	size_t used, pos = 0, len;
	const char *line;
	unsigned n = 0;

	ck_assert_int_eq(feed(in, &used, &r), FTP_PARSE_OK);
	ck_assert_uint_eq(used, strlen(in));
	ck_assert_uint_eq(r.code, 211);
	ck_assert_uint_eq(r.nlines, 5);
	ck_assert_str_eq(r.msg, "End");
	ck_assert_str_eq(r.text, "211-Features:\n EPSV\n200 not the end\n"
				 "211-still not\n211 End");
	while (ftp_reply_next_line(&r, &pos, &line, &len))
		n++;
	ck_assert_uint_eq(n, 5);
}
END_TEST

START_TEST(test_multiline_code_alone_terminates)
{
	struct ftp_reply r;
	size_t used;

	ck_assert_int_eq(feed("214-help\r\n214\r\n", &used, &r), FTP_PARSE_OK);
	ck_assert_uint_eq(r.nlines, 2);
	ck_assert_uint_eq(r.msg_len, 0);
	ck_assert_str_eq(r.msg, "");
}
END_TEST

START_TEST(test_multiline_wrong_terminator_needs_more)
{
	struct ftp_reply r;
	size_t used;

	ck_assert_int_eq(feed("230-hello\r\n231 done\r\n230-x\r\n", &used, &r),
			 FTP_PARSE_NEED_MORE);
	ck_assert(ftp_reply_parser_busy(p));
}
END_TEST

START_TEST(test_byte_by_byte_equals_whole)
{
	const char *in = "250-a\r\n b\n250 c\r\n";
	struct ftp_reply r;
	size_t i, used;
	enum ftp_parse res = FTP_PARSE_NEED_MORE;

	for (i = 0; i < strlen(in); i++) {
		res = ftp_reply_feed(p, (const uint8_t *)in + i, 1, &used, &r);
		ck_assert_uint_eq(used, 1);
		if (i + 1 < strlen(in))
			ck_assert_int_eq(res, FTP_PARSE_NEED_MORE);
	}
	ck_assert_int_eq(res, FTP_PARSE_OK);
	ck_assert_str_eq(r.text, "250-a\n b\n250 c");
}
END_TEST

START_TEST(test_two_replies_in_one_buffer_come_one_at_a_time)
{
	const char *in = "150 Opening\r\n226 Done\r\n";
	struct ftp_reply r;
	size_t used;

	ck_assert_int_eq(feed(in, &used, &r), FTP_PARSE_OK);
	ck_assert_uint_eq(r.code, 150);
	ck_assert_uint_eq(used, 13);
	ck_assert_int_eq(ftp_reply_feed(p, (const uint8_t *)in + used,
					strlen(in) - used, &used, &r),
			 FTP_PARSE_OK);
	ck_assert_uint_eq(r.code, 226);
	ck_assert_str_eq(r.text, "226 Done");
}
END_TEST

START_TEST(test_non_digit_and_short_codes_are_bad)
{
	static const char *const bad[] = {
		"abc hello\r\n", "22 short\r\n", "22\r\n", "\r\n",
		"2200 four digits\r\n", "620 first digit 6\r\n",
		"020 first digit 0\r\n", "2x0 x\r\n", "220x\r\n",
	};
	struct ftp_reply r;
	size_t i, used;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(feed(bad[i], &used, &r) == FTP_PARSE_BAD,
			      "input %zu not BAD", i);
		ck_assert_uint_eq(used, strlen(bad[i]));
		ck_assert(!ftp_reply_parser_busy(p));
	}
	/* The parser recovers at the next line. */
	ck_assert_int_eq(feed("200 ok\r\n", &used, &r), FTP_PARSE_OK);
}
END_TEST

START_TEST(test_control_characters_are_neutralised)
{
	struct ftp_reply r;
	size_t used;
	static const uint8_t in[] = "220 a\x1b[2Jb\rc\0d\r\n";

	ck_assert_int_eq(ftp_reply_feed(p, in, sizeof(in) - 1, &used, &r),
			 FTP_PARSE_OK);
	ck_assert_uint_eq(r.len, 14);
	ck_assert_int_eq(memcmp(r.text, "220 a?[2Jb?c?d", 14), 0);
}
END_TEST

START_TEST(test_one_megabyte_line_is_too_long_once_then_recovers)
{
	size_t big = 1024u * 1024u, chunk = 4096u, off = 0, used;
	uint8_t *buf = malloc(chunk);
	struct ftp_reply r;
	unsigned too_long = 0, other = 0;

	ck_assert_ptr_nonnull(buf);
	memset(buf, 'a', chunk);
	memcpy(buf, "220 ", 4);
	while (off < big) {
		size_t pos = 0;
		while (pos < chunk) {
			enum ftp_parse res = ftp_reply_feed(
				p, buf + pos, chunk - pos, &used, &r);
			pos += used;
			too_long += res == FTP_PARSE_TOO_LONG;
			other += res != FTP_PARSE_TOO_LONG &&
				 res != FTP_PARSE_NEED_MORE;
		}
		memset(buf, 'a', 4);
		off += chunk;
	}
	free(buf);
	ck_assert_uint_eq(too_long, 1);
	ck_assert_uint_eq(other, 0);
	/* The end of the long line ends that reply; the next one parses. */
	ck_assert_int_eq(feed("\r\n421 bye\r\n", &used, &r), FTP_PARSE_OK);
	ck_assert_uint_eq(r.code, 421);
	ck_assert_str_eq(r.text, "421 bye");
}
END_TEST

START_TEST(test_too_long_multiline_reply_is_skipped_to_its_terminator)
{
	struct ftp_reply r;
	size_t used, i, lines = FTP_REPLY_SIZE_MAX / 8u + 10u;
	unsigned too_long = 0;
	enum ftp_parse res;

	ck_assert_int_eq(feed("211-start\r\n", &used, &r),
			 FTP_PARSE_NEED_MORE);
	for (i = 0; i < lines; i++) {
		res = feed(" 123456\r\n", &used, &r);
		if (res == FTP_PARSE_TOO_LONG) {
			too_long++;
			/* Finish the line the parser stopped in. */
			res = ftp_reply_feed(
				p, (const uint8_t *)" 123456\r\n" + used,
				9 - used, &used, &r);
		}
		ck_assert_int_eq(res, FTP_PARSE_NEED_MORE);
	}
	ck_assert_uint_eq(too_long, 1);
	ck_assert_int_eq(feed("211 end\r\n", &used, &r), FTP_PARSE_NEED_MORE);
	ck_assert(!ftp_reply_parser_busy(p));
	ck_assert_int_eq(feed("200 next\r\n", &used, &r), FTP_PARSE_OK);
	ck_assert_str_eq(r.text, "200 next");
}
END_TEST

START_TEST(test_line_at_limit_is_ok_and_one_more_is_too_long)
{
	char *line = malloc(FTP_REPLY_LINE_MAX + 3u);
	struct ftp_reply r;
	size_t used;

	ck_assert_ptr_nonnull(line);
	memset(line, 'x', FTP_REPLY_LINE_MAX);
	memcpy(line, "200 ", 4);
	memcpy(line + FTP_REPLY_LINE_MAX, "\r\n", 3);
	ck_assert_int_eq(feed(line, &used, &r), FTP_PARSE_OK);
	ck_assert_uint_eq(r.len, FTP_REPLY_LINE_MAX);
	memcpy(line + FTP_REPLY_LINE_MAX, "xx", 3);
	ck_assert_int_eq(feed(line, &used, &r), FTP_PARSE_TOO_LONG);
	free(line);
}
END_TEST

START_TEST(test_reset_drops_partial_reply)
{
	struct ftp_reply r;
	size_t used;

	ck_assert_int_eq(feed("230-partial\r\n", &used, &r),
			 FTP_PARSE_NEED_MORE);
	ftp_reply_parser_reset(p);
	ck_assert(!ftp_reply_parser_busy(p));
	ck_assert_int_eq(feed("220 fresh\r\n", &used, &r), FTP_PARSE_OK);
	ck_assert_uint_eq(r.nlines, 1);
}
END_TEST

START_TEST(test_parse_names_are_distinct)
{
	ck_assert_str_eq(ftp_parse_name(FTP_PARSE_OK), "OK");
	ck_assert_str_eq(ftp_parse_name(FTP_PARSE_NEED_MORE), "NEED_MORE");
	ck_assert_str_eq(ftp_parse_name(FTP_PARSE_BAD), "BAD");
	ck_assert_str_eq(ftp_parse_name(FTP_PARSE_TOO_LONG), "TOO_LONG");
}
END_TEST

START_TEST(test_size_number_is_digits_only)
{
	uint64_t v = 0;

	ck_assert_int_eq(ftp_reply_number("4194304", 7, &v), FTP_PARSE_OK);
	ck_assert_uint_eq(v, 4194304u);
	ck_assert_int_eq(ftp_reply_number(" 12 ", 4, &v), FTP_PARSE_OK);
	ck_assert_uint_eq(v, 12u);
	ck_assert_int_eq(ftp_reply_number("", 0, &v), FTP_PARSE_BAD);
	ck_assert_int_eq(ftp_reply_number("12 bytes", 8, &v), FTP_PARSE_BAD);
	ck_assert_int_eq(ftp_reply_number("-1", 2, &v), FTP_PARSE_BAD);
	ck_assert_int_eq(ftp_reply_number("18446744073709551615", 20, &v),
			 FTP_PARSE_OK);
	ck_assert_int_eq(ftp_reply_number("18446744073709551616", 20, &v),
			 FTP_PARSE_BAD);
}
END_TEST

START_TEST(test_mdtm_time_is_utc_and_checked)
{
	int64_t t = 0;

	ck_assert_int_eq(ftp_reply_mdtm("19700101000000", 14, &t),
			 FTP_PARSE_OK);
	ck_assert_int_eq(t, 0);
	ck_assert_int_eq(ftp_reply_mdtm("20240229123456.789", 18, &t),
			 FTP_PARSE_OK);
	ck_assert_int_eq(t, 1709210096);
	ck_assert_int_eq(ftp_reply_mdtm("20241301000000", 14, &t),
			 FTP_PARSE_BAD);
	ck_assert_int_eq(ftp_reply_mdtm("2024010100000", 13, &t),
			 FTP_PARSE_BAD);
	ck_assert_int_eq(ftp_reply_mdtm("2024010100000x", 14, &t),
			 FTP_PARSE_BAD);
	ck_assert_int_eq(ftp_reply_mdtm("20240101000000.", 15, &t),
			 FTP_PARSE_BAD);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ftp_reply");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_single_line_reply_is_ok);
	tcase_add_test(tc, test_bare_lf_ends_a_line);
	tcase_add_test(tc, test_partial_reply_needs_more);
	tcase_add_test(tc, test_multiline_reply_with_inner_codes_is_one_reply);
	tcase_add_test(tc, test_multiline_code_alone_terminates);
	tcase_add_test(tc, test_multiline_wrong_terminator_needs_more);
	tcase_add_test(tc, test_byte_by_byte_equals_whole);
	tcase_add_test(tc, test_two_replies_in_one_buffer_come_one_at_a_time);
	tcase_add_test(tc, test_non_digit_and_short_codes_are_bad);
	tcase_add_test(tc, test_control_characters_are_neutralised);
	tcase_add_test(tc, test_one_megabyte_line_is_too_long_once_then_recovers);
	tcase_add_test(tc, test_too_long_multiline_reply_is_skipped_to_its_terminator);
	tcase_add_test(tc, test_line_at_limit_is_ok_and_one_more_is_too_long);
	tcase_add_test(tc, test_reset_drops_partial_reply);
	tcase_add_test(tc, test_parse_names_are_distinct);
	tcase_add_test(tc, test_size_number_is_digits_only);
	tcase_add_test(tc, test_mdtm_time_is_utc_and_checked);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
