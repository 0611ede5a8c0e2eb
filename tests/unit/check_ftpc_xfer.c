/* Unit tests for the client's transfer helpers: download targets with a
 * temporary name (ftp/localfile.c), the replies due after ABOR
 * (ftp/abort.c; the drain itself: ftp_fake_server.sh, user abortlate).
 * Line ends: check_ftp_ascii.c. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abort.h"
#include "localfile.h"

static char dir[] = "/tmp/check_ftpc_xfer.XXXXXX";
static char path[512], part[512];

static void setup(void)
{
	strcpy(dir, "/tmp/check_ftpc_xfer.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/file.bin", dir);
	snprintf(part, sizeof(part), "%s/.file.bin.part", dir);
}

static void teardown(void)
{
	unlink(path);
	unlink(part);
	rmdir(dir);
}

static off_t size_of(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? st.st_size : -1;
}

START_TEST(test_part_name_beside_final)
{
	char out[64];

	ck_assert_int_eq(ftpc_local_part_name("d/x.iso", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "d/.x.iso.part");
	ck_assert_int_eq(ftpc_local_part_name("x", out, sizeof(out)), 0);
	ck_assert_str_eq(out, ".x.part");
	ck_assert_int_lt(ftpc_local_part_name("xxxxxxxx", out, 8), 0);
}
END_TEST

START_TEST(test_get_commit_renames_abandon_keeps_part)
{
	struct ftpc_local l;
	char err[256];

	ck_assert_int_eq(ftpc_local_open_get(&l, path, false, 0, err,
					     sizeof(err)), 0);
	ck_assert_int_eq(ftpc_local_write(&l, "hello", 5), 0);
	ck_assert_int_eq(size_of(path), -1); /* never under the final name */
	ck_assert(ftpc_local_abandon(&l));
	ck_assert_int_eq(size_of(path), -1);
	ck_assert_int_eq(size_of(part), 5);
	/* reget continues the partial file and renames it at the end */
	ck_assert_int_eq(ftpc_local_open_get(&l, path, true, 0, err,
					     sizeof(err)), 0);
	ck_assert_uint_eq(l.resume, 5);
	ck_assert_int_eq(ftpc_local_write(&l, " world", 6), 0);
	ck_assert_int_eq(ftpc_local_commit(&l, err, sizeof(err)), 0);
	ck_assert_int_eq(size_of(path), 11);
	ck_assert_int_eq(size_of(part), -1);
}
END_TEST

START_TEST(test_empty_abandon_removes_part_and_reget_adopts_final)
{
	struct ftpc_local l;
	char err[256];
	int fd;

	ck_assert_int_eq(ftpc_local_open_get(&l, path, false, 0, err,
					     sizeof(err)), 0);
	ck_assert(!ftpc_local_abandon(&l));
	ck_assert_int_eq(size_of(part), -1);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_eq(write(fd, "abc", 3), 3);
	close(fd);
	ck_assert_int_eq(ftpc_local_open_get(&l, path, true, 0, err,
					     sizeof(err)), 0);
	ck_assert_uint_eq(l.resume, 3);
	ck_assert_int_eq(size_of(path), -1); /* moved aside meanwhile */
	ck_assert(ftpc_local_abandon(&l));
	/* restart cuts at the offset; beyond the file is refused */
	ck_assert_int_lt(ftpc_local_open_get(&l, path, false, 9, err,
					     sizeof(err)), 0);
	ck_assert_int_eq(ftpc_local_open_get(&l, path, false, 2, err,
					     sizeof(err)), 0);
	ck_assert_uint_eq(l.resume, 2);
	ck_assert_int_eq(ftpc_local_commit(&l, err, sizeof(err)), 0);
	ck_assert_int_eq(size_of(path), 2);
}
END_TEST

/* RFC 959 4.1.3: the transfer's reply (426, or 226 if it had ended)
 * plus ABOR's own; only ABOR's once the transfer's was read. */
START_TEST(test_abort_due_two_replies_while_transfer_reply_unread)
{
	ck_assert_uint_eq(ftpc_abort_replies_due(false), 2);
	ck_assert_uint_eq(ftpc_abort_replies_due(true), 1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ftpc_xfer");
	TCase *l = tcase_create("localfile");
	TCase *a = tcase_create("abort");

	tcase_add_checked_fixture(l, setup, teardown);
	tcase_add_test(l, test_part_name_beside_final);
	tcase_add_test(l, test_get_commit_renames_abandon_keeps_part);
	tcase_add_test(l, test_empty_abandon_removes_part_and_reget_adopts_final);
	suite_add_tcase(s, l);
	tcase_add_test(a, test_abort_due_two_replies_while_transfer_reply_unread);
	suite_add_tcase(s, a);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
