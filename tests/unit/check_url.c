/* Unit tests for ftp/url.c (ftp:// URLs) and common/hosts.c (dotted quads
 * and hosts-file lookups, never DNS). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hosts.h"
#include "url.h"

static struct ftpc_url u;

static enum ftp_parse parse(const char *s)
{
	return ftpc_url_parse(s, strlen(s), &u);
}

START_TEST(test_full_url_is_split_and_decoded)
{
	ck_assert_int_eq(parse("ftp://al%20ice:p%40ss@76.88.16.16:2121/pub/"
			       "my%20file.txt"),
			 FTP_PARSE_OK);
	ck_assert(u.has_user);
	ck_assert(u.has_pass);
	ck_assert_str_eq(u.user, "al ice");
	ck_assert_str_eq(u.pass, "p@ss");
	ck_assert_str_eq(u.host, "76.88.16.16");
	ck_assert_uint_eq(u.port, 2121);
	ck_assert_str_eq(u.path, "pub/my file.txt");
	ck_assert(!u.is_dir);
	ck_assert_int_eq(u.type, 0);
}
END_TEST

START_TEST(test_minimal_url_defaults)
{
	ck_assert_int_eq(parse("FTP://76.88.16.16"), FTP_PARSE_OK);
	ck_assert(!u.has_user);
	ck_assert_uint_eq(u.port, 21);
	ck_assert_str_eq(u.path, "");
	ck_assert(u.is_dir);
	ck_assert_int_eq(parse("ftp://h:/"), FTP_PARSE_OK);
	ck_assert_uint_eq(u.port, 21);
	ck_assert(u.is_dir);
}
END_TEST

START_TEST(test_trailing_slash_means_listing)
{
	ck_assert_int_eq(parse("ftp://h/pub/"), FTP_PARSE_OK);
	ck_assert(u.is_dir);
	ck_assert_str_eq(u.path, "pub/");
	ck_assert_int_eq(parse("ftp://h/%2Fetc/motd"), FTP_PARSE_OK);
	ck_assert_str_eq(u.path, "/etc/motd");
	ck_assert(!u.is_dir);
}
END_TEST

START_TEST(test_type_suffix)
{
	ck_assert_int_eq(parse("ftp://h/f.txt;type=a"), FTP_PARSE_OK);
	ck_assert_int_eq(u.type, 'a');
	ck_assert_str_eq(u.path, "f.txt");
	ck_assert_int_eq(parse("ftp://h/f.bin;TYPE=I"), FTP_PARSE_OK);
	ck_assert_int_eq(u.type, 'i');
	ck_assert_int_eq(parse("ftp://h/dir;type=d"), FTP_PARSE_OK);
	ck_assert(u.is_dir);
	ck_assert_int_eq(parse("ftp://h/f;type=x"), FTP_PARSE_BAD);
}
END_TEST

START_TEST(test_user_without_password_and_last_at_wins)
{
	ck_assert_int_eq(parse("ftp://anonymous@h/x"), FTP_PARSE_OK);
	ck_assert(u.has_user);
	ck_assert(!u.has_pass);
	ck_assert_str_eq(u.user, "anonymous");
	ck_assert_int_eq(parse("ftp://a@b:c@h/x"), FTP_PARSE_OK);
	ck_assert_str_eq(u.user, "a@b");
	ck_assert_str_eq(u.pass, "c");
	ck_assert_str_eq(u.host, "h");
}
END_TEST

START_TEST(test_bad_urls_are_rejected)
{
	static const char *const bad[] = {
		"http://h/x", "ftp:/h/x", "ftp://", "ftp:///x", "ftp://h:0/",
		"ftp://h:65536/", "ftp://h:2x/", "ftp://h/a%2", "ftp://h/a%zz",
		"ftp://h/a%0D%0ADELE%20x", "ftp://u%0A@h/", "ftp://h h/",
		"ftp://[::1]/", "ftp://h/a\tb",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(bad[i]) == FTP_PARSE_BAD, "accepted %s",
			      bad[i]);
}
END_TEST

START_TEST(test_overlong_parts_are_too_long)
{
	char *s = malloc(FTPC_URL_MAX + 64);

	ck_assert_ptr_nonnull(s);
	strcpy(s, "ftp://");
	memset(s + 6, 'u', FTPC_URL_USER_MAX + 1);
	strcpy(s + 6 + FTPC_URL_USER_MAX + 1, "@h/");
	ck_assert_int_eq(parse(s), FTP_PARSE_TOO_LONG);
	memset(s, 'a', FTPC_URL_MAX + 1);
	memcpy(s, "ftp://h/", 8);
	ck_assert_int_eq(ftpc_url_parse(s, FTPC_URL_MAX + 1, &u),
			 FTP_PARSE_TOO_LONG);
	free(s);
}
END_TEST

START_TEST(test_is_ftp_detects_scheme)
{
	ck_assert(ftpc_url_is_ftp("ftp://h/"));
	ck_assert(ftpc_url_is_ftp("Ftp://h/"));
	ck_assert(!ftpc_url_is_ftp("76.88.16.16"));
	ck_assert(!ftpc_url_is_ftp("ftp:"));
}
END_TEST

START_TEST(test_hosts_file_lookup)
{
	char path[] = "/tmp/check_hosts.XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	uint32_t ip = 0;
	size_t i;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# comment 1.2.3.4 commented\n"
	      "::1 localhost6 ftpserver\n"
	      "76.88.16.16\tftpserver  Server.Lab # the seed's server\n", f);
	for (i = 0; i < 3000; i++) /* an over-long line is skipped whole */
		fputc(i == 0 ? '9' : 'x', f);
	fputs(" longline\n76.88.16.104 client\n", f);
	fclose(f);
	ck_assert_int_eq(ftp_hosts_lookup(path, "ftpserver", &ip), 0);
	ck_assert_uint_eq(ip, 0x4c581010u);
	ck_assert_int_eq(ftp_hosts_lookup(path, "server.lab", &ip), 0);
	ck_assert_int_eq(ftp_hosts_lookup(path, "client", &ip), 0);
	ck_assert_uint_eq(ip, 0x4c581068u);
	ck_assert_int_eq(ftp_hosts_lookup(path, "commented", &ip), 1);
	ck_assert_int_eq(ftp_hosts_lookup(path, "longline", &ip), 1);
	ck_assert_int_eq(ftp_hosts_lookup(path, "missing", &ip), 1);
	unlink(path);
	ck_assert_int_eq(ftp_hosts_lookup(path, "ftpserver", &ip), -1);
}
END_TEST

START_TEST(test_resolve_dotted_quad_and_unknown_name)
{
	uint32_t ip = 0;
	char err[256];

	ck_assert_int_eq(ftp_host_resolve("76.88.16.16", &ip, err, sizeof(err)),
			 0);
	ck_assert_uint_eq(ip, 0x4c581010u);
	ck_assert_int_eq(ftp_host_resolve("no-such-host.invalid", &ip, err,
					  sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "no-such-host.invalid"));
	ck_assert_ptr_nonnull(strstr(err, "dotted quad"));
	ck_assert_int_eq(ftp_host_resolve("", &ip, err, sizeof(err)), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("url");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_full_url_is_split_and_decoded);
	tcase_add_test(tc, test_minimal_url_defaults);
	tcase_add_test(tc, test_trailing_slash_means_listing);
	tcase_add_test(tc, test_type_suffix);
	tcase_add_test(tc, test_user_without_password_and_last_at_wins);
	tcase_add_test(tc, test_bad_urls_are_rejected);
	tcase_add_test(tc, test_overlong_parts_are_too_long);
	tcase_add_test(tc, test_is_ftp_detects_scheme);
	tcase_add_test(tc, test_hosts_file_lookup);
	tcase_add_test(tc, test_resolve_dotted_quad_and_unknown_name);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
