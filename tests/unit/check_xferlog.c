/* Unit tests for xferlog.c against known wu-ftpd xferlog lines. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ftpd/xferlog.h"

static struct xferlog_entry download(void)
{
	struct xferlog_entry e = {
		.when = 1795493640, /* Tue Nov 24 04:14:00 2026 UTC */
		.duration_ms = 1200,
		.remote_host = "76.88.16.104",
		.bytes = 1234,
		.filename = "/pub/file.txt",
		.ascii = false,
		.direction = XFERLOG_OUTGOING,
		.access = XFERLOG_ANONYMOUS,
		.username = "ftp",
		.complete = true,
	};
	return e;
}

START_TEST(test_anonymous_download_line)
{
	struct xferlog_entry e = download();
	char out[256];
	int n = xferlog_format(&e, false, out, sizeof(out));

	ck_assert_str_eq(out, "Tue Nov 24 04:14:00 2026 1 76.88.16.104 1234 "
			 "/pub/file.txt b _ o a ftp ftp 0 * c");
	ck_assert_int_eq(n, (int)strlen(out));
}
END_TEST

START_TEST(test_upload_by_user_incomplete_ascii_with_padded_day)
{
	struct xferlog_entry e = download();
	char out[256];

	e.when = 852548830; /* Mon Jan  6 11:07:10 1997 UTC */
	e.duration_ms = 93500;
	e.bytes = 5368709120ULL;
	e.filename = "/home/alice/big.iso";
	e.ascii = true;
	e.direction = XFERLOG_INCOMING;
	e.access = XFERLOG_REAL;
	e.username = "alice";
	e.complete = false;
	ck_assert_int_gt(xferlog_format(&e, false, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "Mon Jan  6 11:07:10 1997 94 76.88.16.104 "
			 "5368709120 /home/alice/big.iso a _ i r alice ftp 0 "
			 "* i");
}
END_TEST

START_TEST(test_spaces_in_names_become_underscores)
{
	struct xferlog_entry e = download();
	char out[256];

	e.filename = "/pub/my file\twith\nodd\x01name";
	e.direction = XFERLOG_DELETED;
	e.access = XFERLOG_GUEST;
	xferlog_format(&e, false, out, sizeof(out));
	ck_assert_str_eq(out, "Tue Nov 24 04:14:00 2026 1 76.88.16.104 1234 "
			 "/pub/my_file_with_odd?name b _ d g ftp ftp 0 * c");
}
END_TEST

START_TEST(test_every_line_has_fourteen_fields)
{
	struct xferlog_entry e = download();
	char out[256], *tok, *save;
	int fields = 0;

	e.filename = "/a b c";
	e.username = "";
	xferlog_format(&e, false, out, sizeof(out));
	/* ctime's date is five words: 18 words = 14 fields. */
	for (tok = strtok_r(out, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		fields++;
	ck_assert_int_eq(fields, 18);
}
END_TEST

START_TEST(test_zero_duration_is_one_second)
{
	struct xferlog_entry e = download();
	char out[256];

	e.duration_ms = 0;
	xferlog_format(&e, false, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, " 2026 1 76.88"));
	e.duration_ms = 2499;
	xferlog_format(&e, false, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, " 2026 2 76.88"));
}
END_TEST

START_TEST(test_small_buffer_is_enospc)
{
	struct xferlog_entry e = download();
	char out[256];
	int full = xferlog_format(&e, false, out, sizeof(out));

	ck_assert_int_eq(xferlog_format(&e, false, out, (size_t)full), -ENOSPC);
	ck_assert_int_eq(xferlog_format(&e, false, out, 30), -ENOSPC);
	ck_assert_int_eq(xferlog_format(&e, false, out, (size_t)full + 1), full);
}
END_TEST

static Suite *xferlog_suite(void)
{
	Suite *s = suite_create("xferlog");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_anonymous_download_line);
	tcase_add_test(tc, test_upload_by_user_incomplete_ascii_with_padded_day);
	tcase_add_test(tc, test_spaces_in_names_become_underscores);
	tcase_add_test(tc, test_every_line_has_fourteen_fields);
	tcase_add_test(tc, test_zero_duration_is_one_second);
	tcase_add_test(tc, test_small_buffer_is_enospc);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(xferlog_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
