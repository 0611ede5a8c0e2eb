/* Unit tests for ftpd/reply.c and common/strbuf.c. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ftpd/reply.h"
#include "strbuf.h"

static char out[256];

START_TEST(test_single_line)
{
	ck_assert_int_eq(ftpd_reply_format(200, "Okay.", out, sizeof(out)), 11);
	ck_assert_str_eq(out, "200 Okay.\r\n");
	ck_assert_int_eq(ftpd_reply_format(226, "", out, sizeof(out)), 6);
	ck_assert_str_eq(out, "226 \r\n");
}
END_TEST

START_TEST(test_multi_line_feat_form)
{
	ck_assert_int_gt(ftpd_reply_format(211, "Features:\n MDTM\n SIZE\nEnd",
					   out, sizeof(out)), 0);
	ck_assert_str_eq(out, "211-Features:\r\n MDTM\r\n SIZE\r\n211 End\r\n");
}
END_TEST

START_TEST(test_middle_line_starting_with_digits_is_indented)
{
	ftpd_reply_format(213, "Status of /:\n226 fake end\n-rw-r--r-- x\nEnd",
			  out, sizeof(out));
	ck_assert_str_eq(out, "213-Status of /:\r\n 226 fake end\r\n"
			 "-rw-r--r-- x\r\n213 End\r\n");
	ftpd_reply_format(220, "a\n\nb", out, sizeof(out));
	ck_assert_str_eq(out, "220-a\r\n\r\n220 b\r\n");
}
END_TEST

START_TEST(test_control_bytes_cannot_forge_a_reply)
{
	ftpd_reply_format(550, "a\r226 b\x01\x7f: No such file", out,
			  sizeof(out));
	ck_assert_str_eq(out, "550 a?226 b??: No such file\r\n");
	ck_assert_ptr_eq(strchr(out, '\r'), out + strlen(out) - 2);
}
END_TEST

START_TEST(test_bad_code_and_small_buffer)
{
	ck_assert_int_eq(ftpd_reply_format(99, "x", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(ftpd_reply_format(600, "x", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(ftpd_reply_format(200, "Okay.", out, 11), -ENOSPC);
	ck_assert_int_eq(ftpd_reply_format(200, "Okay.", out, 12), 11);
	ck_assert_int_eq(ftpd_reply_format(200, "Okay.", out, 0), -ENOSPC);
}
END_TEST

START_TEST(test_quote_path_doubles_quotes)
{
	ck_assert_int_eq(ftpd_reply_quote_path("/a \"b\"", out, sizeof(out)), 10);
	ck_assert_str_eq(out, "\"/a \"\"b\"\"\"");
	ck_assert_int_eq(ftpd_reply_quote_path("/", out, 3), -ENOSPC);
	ck_assert_int_eq(ftpd_reply_quote_path("/", out, 4), 3);
}
END_TEST

START_TEST(test_strbuf_stops_whole_when_full)
{
	struct strbuf sb;
	char small[8];

	strbuf_init(&sb, small, sizeof(small));
	strbuf_printf(&sb, "%d", 1234);
	strbuf_append(&sb, "ab", 2);
	ck_assert_int_eq(strbuf_result(&sb), 6);
	ck_assert_str_eq(small, "1234ab");
	strbuf_printf(&sb, "%s", "xyz");
	ck_assert_int_eq(strbuf_result(&sb), -ENOSPC);
	strbuf_append(&sb, "c", 1);
	ck_assert_str_eq(small, "1234ab");
	strbuf_init(&sb, small, sizeof(small));
	strbuf_append_printable(&sb, "a\nb\x7f", 4);
	ck_assert_str_eq(small, "a?b?");
}
END_TEST

static Suite *reply_suite(void)
{
	Suite *s = suite_create("reply");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_single_line);
	tcase_add_test(tc, test_multi_line_feat_form);
	tcase_add_test(tc, test_middle_line_starting_with_digits_is_indented);
	tcase_add_test(tc, test_control_bytes_cannot_forge_a_reply);
	tcase_add_test(tc, test_bad_code_and_small_buffer);
	tcase_add_test(tc, test_quote_path_doubles_quotes);
	tcase_add_test(tc, test_strbuf_stops_whole_when_full);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(reply_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
