/* Unit tests for users.c: entry creation, hash verification, the file
 * format and its errors, atomic add. Iterations are kept at the minimum so
 * the suite stays fast; the default is tested only for its value. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ftpd/users.h"

#define FAST USERS_ITER_MIN

static char dir[64], path[128], err[512];
static struct users_db db;

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_users.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ftpd.users", dir);
	memset(&db, 0, sizeof(db));
}

static void teardown(void)
{
	users_free(&db);
	unlink(path);
	ck_assert_int_eq(rmdir(dir), 0);
}

static void make(const char *name, const char *pw, unsigned perms,
		 const char *root, char *line, size_t cap)
{
	int n = users_make_line(name, pw, strlen(pw), perms, root, FAST, line,
				cap, err, sizeof(err));

	ck_assert_msg(n > 0, "%s", err);
}

static int load(const char *text)
{
	users_free(&db);
	return users_load_buffer("u", text, strlen(text), &db, err,
				 sizeof(err));
}

START_TEST(test_made_entry_verifies_only_with_its_password)
{
	char line[512], text[600];
	const struct users_entry *e;

	make("alice", "correct horse", FTPD_PERM_READ | FTPD_PERM_LIST,
	     "/srv/ftp/alice", line, sizeof(line));
	ck_assert_int_eq(strncmp(line, "alice:pbkdf2-sha256$1000$", 25), 0);
	snprintf(text, sizeof(text), "# users\n\n%s\n", line);
	ck_assert_msg(load(text) == 0, "%s", err);
	ck_assert_uint_eq(db.n, 1);
	e = users_verify(&db, "alice", 5, "correct horse", 13);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->root, "/srv/ftp/alice");
	ck_assert_uint_eq(e->perms, FTPD_PERM_READ | FTPD_PERM_LIST);
	ck_assert_ptr_null(users_verify(&db, "alice", 5, "correct horsE", 13));
	ck_assert_ptr_null(users_verify(&db, "alice", 5, "correct hors", 12));
	ck_assert_ptr_null(users_verify(&db, "alice", 5, "", 0));
	ck_assert_ptr_null(users_verify(&db, "bob", 3, "correct horse", 13));
	ck_assert_ptr_null(users_verify(&db, "Alice", 5, "correct horse", 13));
}
END_TEST

START_TEST(test_same_password_gets_different_salts)
{
	char a[512], b[512];

	make("alice", "pw", FTPD_PERM_ALL, "", a, sizeof(a));
	make("alice", "pw", FTPD_PERM_ALL, "", b, sizeof(b));
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(test_overlong_password_never_matches)
{
	char *pw = malloc(USERS_PASSWORD_MAX + 2), line[512], text[600];

	memset(pw, 'p', USERS_PASSWORD_MAX + 1);
	pw[USERS_PASSWORD_MAX + 1] = '\0';
	ck_assert_int_eq(users_make_line("bob", pw, USERS_PASSWORD_MAX + 1,
					 0, "", FAST, line, sizeof(line), err,
					 sizeof(err)), -EINVAL);
	/* An entry whose password is the first USERS_PASSWORD_MAX bytes. */
	ck_assert_int_gt(users_make_line("bob", pw, USERS_PASSWORD_MAX, 0, "",
					 FAST, line, sizeof(line), err,
					 sizeof(err)), 0);
	snprintf(text, sizeof(text), "%s\n", line);
	ck_assert_int_eq(load(text), 0);
	ck_assert_ptr_nonnull(users_verify(&db, "bob", 3, pw, USERS_PASSWORD_MAX));
	ck_assert_ptr_null(users_verify(&db, "bob", 3, pw,
					USERS_PASSWORD_MAX + 1));
	free(pw);
}
END_TEST

START_TEST(test_root_may_contain_colons_and_empty_root_is_kept)
{
	char a[512], b[512], text[1100];

	make("u1", "x", 0, "/srv/a:b:c", a, sizeof(a));
	make("u2", "x", FTPD_PERM_ALL, "", b, sizeof(b));
	snprintf(text, sizeof(text), "%s\r\n%s", a, b);
	ck_assert_msg(load(text) == 0, "%s", err);
	ck_assert_str_eq(users_find(&db, "u1", 2)->root, "/srv/a:b:c");
	ck_assert_str_eq(users_find(&db, "u2", 2)->root, "");
	ck_assert_uint_eq(users_find(&db, "u2", 2)->perms, FTPD_PERM_ALL);
	ck_assert_uint_eq(users_find(&db, "u1", 2)->perms, 0);
}
END_TEST

START_TEST(test_perms_parse_and_format_round_trip)
{
	unsigned p;
	char out[128];

	ck_assert_int_eq(users_parse_perms("read,write,rename", 17, &p), 0);
	ck_assert_uint_eq(p, FTPD_PERM_READ | FTPD_PERM_WRITE | FTPD_PERM_RENAME);
	ck_assert_int_eq(users_format_perms(p, out, sizeof(out)), 17);
	ck_assert_str_eq(out, "read,write,rename");
	ck_assert_int_eq(users_parse_perms("all", 3, &p), 0);
	ck_assert_uint_eq(p, FTPD_PERM_ALL);
	users_format_perms(p, out, sizeof(out));
	ck_assert_str_eq(out, "read,list,write,delete,mkdir,rename,chmod");
	ck_assert_int_eq(users_parse_perms("", 0, &p), 0);
	ck_assert_uint_eq(p, 0);
	ck_assert_int_eq(users_parse_perms("read,", 5, &p), -EINVAL);
	ck_assert_int_eq(users_parse_perms("read,,list", 10, &p), -EINVAL);
	ck_assert_int_eq(users_parse_perms("admin", 5, &p), -EINVAL);
	ck_assert_int_eq(users_format_perms(FTPD_PERM_ALL, out, 5), -ENOSPC);
}
END_TEST

START_TEST(test_names_are_checked)
{
	ck_assert(users_name_ok("alice.b_c-1", 11));
	ck_assert(!users_name_ok("", 0));
	ck_assert(!users_name_ok(".hidden", 7));
	ck_assert(!users_name_ok("-o", 2));
	ck_assert(!users_name_ok("ftp", 3));
	ck_assert(!users_name_ok("anonymous", 9));
	ck_assert(!users_name_ok("a b", 3));
	ck_assert(!users_name_ok("a:b", 3));
	ck_assert(!users_name_ok("a/b", 3));
	ck_assert(!users_name_ok("abcdefghijabcdefghijabcdefghijabc", 33));
	ck_assert(users_name_ok("abcdefghijabcdefghijabcdefghijab", 32));
}
END_TEST

START_TEST(test_file_errors_name_line_and_fix)
{
	static const char key[] = "pbkdf2-sha256$1000$"
		"00112233445566778899aabbccddeeff$"
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	char text[512];

	ck_assert_int_eq(load("\nalice\n"), -EINVAL);
	ck_assert_str_eq(err, "u:2: expected name:hash:perms:root (found 0 ':')");
	snprintf(text, sizeof(text), "ftp:%s:all:/srv", key);
	ck_assert_int_eq(load(text), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "u:1: bad user name 'ftp'"));
	ck_assert_int_eq(load("bob:md5$abc:all:/srv"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "u:1: bad hash"));
	ck_assert_int_eq(load("bob:pbkdf2-sha256$10$00112233445566778899aabbccddeeff$"
			      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
			      ":all:/srv"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "iteration count out of range"));
	snprintf(text, sizeof(text), "bob:%s:all:srv", key);
	ck_assert_int_eq(load(text), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "root must be an absolute path"));
	snprintf(text, sizeof(text), "bob:%s:sudo:/srv", key);
	ck_assert_int_eq(load(text), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "bad perms 'sudo'"));
	snprintf(text, sizeof(text), "bob:%s:all:/a\n#\nbob:%s::/b\n", key, key);
	ck_assert_int_eq(load(text), -EINVAL);
	ck_assert_str_eq(err, "u:3: user bob is also on line 1; remove one of them");
	ck_assert_uint_eq(db.n, 0);
	/* Upper-case hex or a short salt is not what --add-user writes. */
	snprintf(text, sizeof(text), "bob:%s:all:/a", key);
	text[30] = 'A';
	ck_assert_int_eq(load(text), -EINVAL);
}
END_TEST

START_TEST(test_unknown_user_costs_hashing_work_too)
{
	char line[512];

	make("alice", "pw", 0, "", line, sizeof(line));
	ck_assert_int_eq(load(line), 0);
	/* The dummy work for unknown names uses the file's iteration count,
	 * not the (much slower) default. */
	ck_assert_uint_eq(db.dummy_iterations, FAST);
	users_free(&db);
	ck_assert_int_eq(load(""), 0);
	ck_assert_uint_eq(db.dummy_iterations, USERS_ITER_DEFAULT);
	ck_assert_uint_ge(USERS_ITER_DEFAULT, 600000);
}
END_TEST

START_TEST(test_file_add_creates_private_file_and_refuses_duplicates)
{
	struct stat st;

	ck_assert_msg(users_file_add(path, "alice", "pw1", 3, FTPD_PERM_ALL,
				     "/srv/a", FAST, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(users_file_add(path, "bob", "pw2", 3, FTPD_PERM_READ,
					"", FAST, err, sizeof(err)), 0);
	ck_assert_int_eq(users_file_add(path, "alice", "pw3", 3, 0, "", FAST,
					err, sizeof(err)), -EEXIST);
	ck_assert_ptr_nonnull(strstr(err, "user alice already exists"));
	ck_assert_int_eq(users_load(path, &db, err, sizeof(err)), 0);
	ck_assert_uint_eq(db.n, 2);
	ck_assert_ptr_nonnull(users_verify(&db, "alice", 5, "pw1", 3));
	ck_assert_ptr_nonnull(users_verify(&db, "bob", 3, "pw2", 3));
	ck_assert_ptr_null(users_verify(&db, "alice", 5, "pw3", 3));
}
END_TEST

START_TEST(test_writable_by_others_file_is_refused)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fchmod(fd, 0666), 0);
	close(fd);
	ck_assert_int_eq(users_load(path, &db, err, sizeof(err)), -EPERM);
	ck_assert_ptr_nonnull(strstr(err, "chmod go-w"));
	ck_assert_int_eq(users_file_add(path, "x", "y", 1, 0, "", FAST, err,
					sizeof(err)), -EPERM);
}
END_TEST

START_TEST(test_make_line_rejects_bad_input)
{
	char line[512];

	ck_assert_int_eq(users_make_line("a b", "pw", 2, 0, "", FAST, line,
					 sizeof(line), err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(users_make_line("ab", "pw", 2, 0, "rel", FAST, line,
					 sizeof(line), err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(users_make_line("ab", "pw", 2, 0, "", 999, line,
					 sizeof(line), err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(users_make_line("ab", "", 0, 0, "", FAST, line,
					 sizeof(line), err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(users_make_line("ab", "pw", 2, 0, "/x\n", FAST, line,
					 sizeof(line), err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(users_make_line("ab", "pw", 2, 0, "", FAST, line, 40,
					 err, sizeof(err)), -ENOSPC);
}
END_TEST

static Suite *users_suite(void)
{
	Suite *s = suite_create("users");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_made_entry_verifies_only_with_its_password);
	tcase_add_test(tc, test_same_password_gets_different_salts);
	tcase_add_test(tc, test_overlong_password_never_matches);
	tcase_add_test(tc, test_root_may_contain_colons_and_empty_root_is_kept);
	tcase_add_test(tc, test_perms_parse_and_format_round_trip);
	tcase_add_test(tc, test_names_are_checked);
	tcase_add_test(tc, test_file_errors_name_line_and_fix);
	tcase_add_test(tc, test_unknown_user_costs_hashing_work_too);
	tcase_add_test(tc, test_file_add_creates_private_file_and_refuses_duplicates);
	tcase_add_test(tc, test_writable_by_others_file_is_refused);
	tcase_add_test(tc, test_make_line_rejects_bad_input);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(users_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
