/* Unit tests for ftp/netrc.c: .netrc tokens, entries, macdef bodies, the
 * readable-by-others refusal, and lookup by host. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ftpc_limits.h"
#include "netrc.h"

static struct ftpc_netrc nr;
static char err[512];
static char path[64];

static void setup(void)
{
	memset(&nr, 0, sizeof(nr));
	path[0] = '\0';
}

static void teardown(void)
{
	ftpc_netrc_free(&nr);
	if (path[0])
		unlink(path);
}

static enum ftp_parse parse(const char *s)
{
	return ftpc_netrc_parse(s, strlen(s), &nr, err, sizeof(err));
}

/* Writes text to a fresh temporary file with the given mode. */
static void write_file(const char *text, mode_t mode)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/check_netrc.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

START_TEST(test_entries_and_default_are_parsed)
{
	const struct ftpc_netrc_entry *e;

	ck_assert_int_eq(parse("machine 76.88.16.16 login alice password "
			       "s3cret account acc\n"
			       "machine Files.Example login bob, passwd x\n"
			       "default login anonymous password guest@\n"),
			 FTP_PARSE_OK);
	ck_assert_uint_eq(nr.n, 3);
	e = ftpc_netrc_find(&nr, "76.88.16.16");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->login, "alice");
	ck_assert_str_eq(e->password, "s3cret");
	ck_assert_str_eq(e->account, "acc");
	e = ftpc_netrc_find(&nr, "files.example");
	ck_assert_str_eq(e->login, "bob");
	ck_assert_str_eq(e->password, "x");
	e = ftpc_netrc_find(&nr, "76.88.16.17");
	ck_assert_ptr_null(e->machine);
	ck_assert_str_eq(e->login, "anonymous");
}
END_TEST

START_TEST(test_no_default_means_no_match)
{
	ck_assert_int_eq(parse("machine a login x\n"), FTP_PARSE_OK);
	ck_assert_ptr_null(ftpc_netrc_find(&nr, "b"));
	ck_assert_ptr_null(nr.entries[0].password);
}
END_TEST

START_TEST(test_quoted_tokens_and_escapes)
{
	const struct ftpc_netrc_entry *e;

	ck_assert_int_eq(parse("machine h login \"a b\" password "
			       "\"p\\\"w d\" account c\\ d\n"),
			 FTP_PARSE_OK);
	e = ftpc_netrc_find(&nr, "h");
	ck_assert_str_eq(e->login, "a b");
	ck_assert_str_eq(e->password, "p\"w d");
	ck_assert_str_eq(e->account, "c d");
}
END_TEST

START_TEST(test_macdef_body_ends_at_blank_line)
{
	const struct ftpc_netrc_entry *e;

	ck_assert_int_eq(parse("machine h login u password p\n"
			       "macdef init\n"
			       "binary\n"
			       "cd /pub\n"
			       "\n"
			       "macdef getall\n"
			       "mget $i\n"
			       "\n"
			       "machine other login o\n"),
			 FTP_PARSE_OK);
	ck_assert_uint_eq(nr.n, 2);
	e = ftpc_netrc_find(&nr, "h");
	ck_assert_uint_eq(e->nmacros, 2);
	ck_assert_str_eq(e->macros[0].name, "init");
	ck_assert_str_eq(e->macros[0].body, "binary\ncd /pub\n");
	ck_assert_uint_eq(e->macros[0].len, 15);
	ck_assert_str_eq(e->macros[1].body, "mget $i\n");
	ck_assert_str_eq(ftpc_netrc_find(&nr, "other")->login, "o");
}
END_TEST

START_TEST(test_macdef_at_end_of_file_and_empty_body)
{
	const struct ftpc_netrc_entry *e;

	ck_assert_int_eq(parse("machine h\nmacdef e\n\nmacdef last\nls"),
			 FTP_PARSE_OK);
	e = ftpc_netrc_find(&nr, "h");
	ck_assert_uint_eq(e->nmacros, 2);
	ck_assert_str_eq(e->macros[0].body, "");
	ck_assert_str_eq(e->macros[1].body, "ls");
}
END_TEST

START_TEST(test_malformed_files_are_bad_with_line)
{
	ck_assert_int_eq(parse("login x\n"), FTP_PARSE_BAD);
	ck_assert_ptr_nonnull(strstr(err, "line 1"));
	ftpc_netrc_free(&nr);
	ck_assert_int_eq(parse("machine h\npassword"), FTP_PARSE_BAD);
	ck_assert_ptr_nonnull(strstr(err, "line 2"));
	ftpc_netrc_free(&nr);
	ck_assert_int_eq(parse("machine"), FTP_PARSE_BAD);
	ftpc_netrc_free(&nr);
	ck_assert_int_eq(parse("macdef x\nls\n"), FTP_PARSE_BAD);
	ftpc_netrc_free(&nr);
	ck_assert_int_eq(parse("machine h macdef toolongname\nls\n"),
			 FTP_PARSE_BAD);
}
END_TEST

START_TEST(test_unknown_keyword_is_skipped_with_warning)
{
	ck_assert_int_eq(parse("machine h port 21 login u\n"), FTP_PARSE_OK);
	ck_assert_ptr_nonnull(strstr(err, "unknown .netrc keyword port"));
	ck_assert_str_eq(ftpc_netrc_find(&nr, "h")->login, "u");
}
END_TEST

START_TEST(test_limits_give_too_long)
{
	char *big = malloc(FTPC_NETRC_TOKEN_MAX + 64);
	size_t i;

	ck_assert_ptr_nonnull(big);
	strcpy(big, "machine ");
	memset(big + 8, 'h', FTPC_NETRC_TOKEN_MAX + 1);
	big[8 + FTPC_NETRC_TOKEN_MAX + 1] = '\0';
	ck_assert_int_eq(parse(big), FTP_PARSE_TOO_LONG);
	ftpc_netrc_free(&nr);
	free(big);
	big = malloc(FTPC_MACRO_BODY_MAX + 64);
	ck_assert_ptr_nonnull(big);
	strcpy(big, "machine h macdef m\n");
	for (i = strlen(big); i < FTPC_MACRO_BODY_MAX + 40; i++)
		big[i] = 'x';
	big[i] = '\0';
	ck_assert_int_eq(parse(big), FTP_PARSE_TOO_LONG);
	free(big);
}
END_TEST

START_TEST(test_readable_netrc_with_password_is_refused)
{
	write_file("machine h login alice password s3cret\n", 0644);
	ck_assert_int_eq(ftpc_netrc_load(path, &nr, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "Error: .netrc file is readable by others.\n"
			      "Remove password or make file unreadable by "
			      "others.");
	ck_assert_uint_eq(nr.n, 0);
}
END_TEST

START_TEST(test_private_netrc_is_loaded)
{
	write_file("machine h login alice password s3cret\n", 0600);
	ck_assert_int_eq(ftpc_netrc_load(path, &nr, err, sizeof(err)), 0);
	ck_assert_str_eq(ftpc_netrc_find(&nr, "h")->password, "s3cret");
}
END_TEST

START_TEST(test_readable_netrc_without_secrets_is_loaded)
{
	write_file("machine h login alice\n"
		   "default login anonymous password me@\n", 0644);
	ck_assert_int_eq(ftpc_netrc_load(path, &nr, err, sizeof(err)), 0);
	ck_assert_uint_eq(nr.n, 2);
}
END_TEST

START_TEST(test_missing_netrc_is_not_an_error)
{
	ck_assert_int_eq(ftpc_netrc_load("/nonexistent/dir/.netrc", &nr, err,
					 sizeof(err)),
			 1);
	ck_assert_int_eq(ftpc_netrc_load("/", &nr, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("netrc");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_entries_and_default_are_parsed);
	tcase_add_test(tc, test_no_default_means_no_match);
	tcase_add_test(tc, test_quoted_tokens_and_escapes);
	tcase_add_test(tc, test_macdef_body_ends_at_blank_line);
	tcase_add_test(tc, test_macdef_at_end_of_file_and_empty_body);
	tcase_add_test(tc, test_malformed_files_are_bad_with_line);
	tcase_add_test(tc, test_unknown_keyword_is_skipped_with_warning);
	tcase_add_test(tc, test_limits_give_too_long);
	tcase_add_test(tc, test_readable_netrc_with_password_is_refused);
	tcase_add_test(tc, test_private_netrc_is_loaded);
	tcase_add_test(tc, test_readable_netrc_without_secrets_is_loaded);
	tcase_add_test(tc, test_missing_netrc_is_not_an_error);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
