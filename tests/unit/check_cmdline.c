/* Unit tests for ftpd/cmdline.c: lines, Telnet, limits, bad input. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftpd/cmdline.h"

static struct ftpd_cmdline *p;
static struct ftpd_cmd cmd;

static void setup(void)
{
	p = ftpd_cmdline_new(16);
	ck_assert_ptr_nonnull(p);
	memset(&cmd, 0, sizeof(cmd));
}

static void teardown(void)
{
	ftpd_cmdline_free(p);
}

/* Feeds all of s (len bytes) and records each result as a letter:
 * O(k) B(ad) L(ong); NEED_MORE at the end is not recorded. The verb and
 * argument of each command are appended as "VERB[arg]". */
static const char *run(const char *s, size_t len)
{
	static char log[512];
	size_t used = 0, pos = 0, n;
	int guard = 0;

	log[0] = '\0';
	while (pos < len) {
		enum ftp_parse r = ftpd_cmdline_feed(p, (const uint8_t *)s + pos,
						     len - pos, &n, &cmd);

		ck_assert_int_le(++guard, 100);
		ck_assert_uint_ge(n, 1);
		pos += n;
		if (r == FTP_PARSE_OK)
			used += (size_t)snprintf(log + used, sizeof(log) - used,
						 "%s[%.*s]", cmd.verb,
						 (int)cmd.arg_len, cmd.arg);
		else if (r == FTP_PARSE_BAD)
			used += (size_t)snprintf(log + used, sizeof(log) - used, "B");
		else if (r == FTP_PARSE_TOO_LONG)
			used += (size_t)snprintf(log + used, sizeof(log) - used, "L");
		else
			ck_assert_uint_eq(pos, len);
	}
	return log;
}

#define RUN(lit) run(lit, sizeof(lit) - 1)

START_TEST(test_crlf_and_bare_lf_lines)
{
	ck_assert_str_eq(RUN("USER ftp\r\nPASS x\nQUIT\r\n"),
			 "USER[ftp]PASS[x]QUIT[]");
	ck_assert(!ftpd_cmdline_busy(p));
}
END_TEST

START_TEST(test_verb_uppercased_argument_kept_exactly)
{
	ck_assert_str_eq(RUN("retr  a  b \r\n"), "RETR[ a  b ]");
	ck_assert_str_eq(cmd.verb, "RETR");
	ck_assert_uint_eq(cmd.verb_len, 4);
	ck_assert(cmd.has_arg);
	ck_assert_uint_eq(cmd.arg_len, 6);
	ck_assert_str_eq(cmd.arg, " a  b ");
	ck_assert_str_eq(RUN("CWD \r\n"), "CWD[]");
	ck_assert(cmd.has_arg);
	ck_assert_str_eq(RUN("pwd\r\n"), "PWD[]");
	ck_assert(!cmd.has_arg);
	ck_assert_str_eq(cmd.arg, "");
}
END_TEST

START_TEST(test_bytes_arrive_one_at_a_time)
{
	const char *line = "STOR \xc3\xa9t\xc3\xa9.txt\r\n";
	size_t i, n;

	for (i = 0; i + 1 < strlen(line); i++) {
		ck_assert_int_eq(ftpd_cmdline_feed(p, (const uint8_t *)line + i,
						   1, &n, &cmd),
				 FTP_PARSE_NEED_MORE);
		ck_assert(ftpd_cmdline_busy(p));
	}
	ck_assert_int_eq(ftpd_cmdline_feed(p, (const uint8_t *)line + i, 1, &n,
					   &cmd), FTP_PARSE_OK);
	ck_assert_str_eq(cmd.arg, "\xc3\xa9t\xc3\xa9.txt");
}
END_TEST

START_TEST(test_overlong_line_discarded_whole_reported_once)
{
	/* max_line is 16: the 17th byte makes the line too long. */
	ck_assert_str_eq(RUN("RETR aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
			     "NOOP\r\n"), "LNOOP[]");
	ck_assert_str_eq(RUN("RETR aaaaaaaaaaa\r\n"), "RETR[aaaaaaaaaaa]");
	ck_assert_str_eq(RUN("RETR aaaaaaaaaaaa"), "L");
	/* The rest arrives later and is still one discarded line. */
	ck_assert_str_eq(RUN("QUIT bbbbbbbbbbbbbbbbbbbbbbbbbbbb"), "");
	ck_assert(ftpd_cmdline_busy(p));
	ck_assert_str_eq(RUN("bbbb\r\nSYST\r\n"), "SYST[]");
}
END_TEST

START_TEST(test_nul_and_bare_cr_are_bad_whole_line)
{
	ck_assert_str_eq(RUN("RETR a\0/etc/passwd\r\nNOOP\r\n"), "BNOOP[]");
	ck_assert_str_eq(RUN("RETR a\rDELE b\r\nNOOP\r\n"), "BNOOP[]");
	ck_assert_str_eq(RUN("\r\n\n"), "BB");
	ck_assert_str_eq(RUN("R3TR x\r\n"), "B");
	ck_assert_str_eq(RUN("ABCDEFGHI x\r\n"), "B");
	ck_assert_str_eq(RUN(" USER x\r\n"), "B");
	ck_assert_str_eq(RUN("\xff\xff\xfe\r\n"), "B");
}
END_TEST

START_TEST(test_binary_garbage_never_yields_a_command_or_overruns)
{
	uint8_t junk[4096];
	size_t i, pos = 0, n;
	int guard = 0;

	srand(7);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)rand();
	while (pos < sizeof(junk)) {
		enum ftp_parse r = ftpd_cmdline_feed(p, junk + pos,
						     sizeof(junk) - pos, &n,
						     &cmd);

		ck_assert_int_le(++guard, (int)sizeof(junk));
		pos += n;
		if (r == FTP_PARSE_OK) {
			ck_assert_uint_le(cmd.verb_len, FTPD_VERB_MAX);
			ck_assert_uint_le(cmd.arg_len, 16);
			ck_assert_ptr_null(memchr(cmd.arg, '\n', cmd.arg_len));
			ck_assert_ptr_null(memchr(cmd.arg, '\r', cmd.arg_len));
		}
	}
}
END_TEST

START_TEST(test_iac_iac_is_a_data_byte)
{
	ck_assert_str_eq(RUN("CWD a\xff\xff" "b\r\n"), "CWD[a\xff" "b]");
	ck_assert_uint_eq(cmd.arg_len, 3);
}
END_TEST

START_TEST(test_abort_sequence_reports_ip_and_dm)
{
	size_t n;

	/* IAC IP arrives first (the urgent part comes as its own segment). */
	ck_assert_int_eq(ftpd_cmdline_feed(p, (const uint8_t *)"\xff\xf4", 2,
					   &n, &cmd), FTP_PARSE_NEED_MORE);
	ck_assert_str_eq(RUN("\xff\xf2" "ABOR\r\n"), "ABOR[]");
	ck_assert_uint_eq(cmd.telnet, FTPD_TELNET_IP | FTPD_TELNET_DM);
	ck_assert_str_eq(RUN("NOOP\r\n"), "NOOP[]");
	ck_assert_uint_eq(cmd.telnet, 0);
}
END_TEST

START_TEST(test_dm_discards_partial_line_before_it)
{
	ck_assert_str_eq(RUN("STOR half\xff\xf2" "ABOR\r\n"), "ABOR[]");
	ck_assert_uint_eq(cmd.telnet, FTPD_TELNET_DM);
	/* Even a line already too long starts afresh after DM. */
	ck_assert_str_eq(RUN("RETR xxxxxxxxxxxxxxxxxxxx\xff\xf2" "ABOR\r\n"),
			 "LABOR[]");
}
END_TEST

START_TEST(test_events_can_be_taken_before_the_line)
{
	size_t n;

	ck_assert_int_eq(ftpd_cmdline_feed(p, (const uint8_t *)"\xff\xf4\xff\xf5",
					   4, &n, &cmd), FTP_PARSE_NEED_MORE);
	ck_assert_uint_eq(ftpd_cmdline_take_events(p),
			  FTPD_TELNET_IP | FTPD_TELNET_AO);
	ck_assert_uint_eq(ftpd_cmdline_take_events(p), 0);
}
END_TEST

START_TEST(test_option_negotiation_is_refused)
{
	uint8_t out[64];

	/* WILL ECHO, DO SGA, WONT x, DONT y: answers DONT ECHO, WONT SGA. */
	ck_assert_str_eq(RUN("\xff\xfb\x01\xff\xfd\x03\xff\xfc\x05\xff\xfe\x06"
			     "NOOP\r\n"), "NOOP[]");
	ck_assert_uint_eq(ftpd_cmdline_take_reply(p, out, sizeof(out)), 6);
	ck_assert_int_eq(memcmp(out, "\xff\xfe\x01\xff\xfc\x03", 6), 0);
	ck_assert_uint_eq(ftpd_cmdline_take_reply(p, out, sizeof(out)), 0);
}
END_TEST

START_TEST(test_refusals_are_bounded)
{
	uint8_t flood[3 * 100], out[512];
	size_t i, n;

	for (i = 0; i < 100; i++)
		memcpy(flood + 3 * i, "\xff\xfd\x18", 3);
	ck_assert_int_eq(ftpd_cmdline_feed(p, flood, sizeof(flood), &n, &cmd),
			 FTP_PARSE_NEED_MORE);
	ck_assert_uint_eq(n, sizeof(flood));
	n = ftpd_cmdline_take_reply(p, out, 5);
	ck_assert_uint_eq(n, 5);
	n += ftpd_cmdline_take_reply(p, out + 5, sizeof(out) - 5);
	ck_assert_uint_eq(n, FTPD_TELNET_OUT_MAX);
	ck_assert_int_eq(memcmp(out, "\xff\xfc\x18\xff\xfc\x18", 6), 0);
}
END_TEST

START_TEST(test_subnegotiation_is_skipped)
{
	ck_assert_str_eq(RUN("NO\xff\xfa\x18\x01 junk \xff\xff\r\n\xff\xf0OP\r\n"),
			 "NOOP[]");
}
END_TEST

START_TEST(test_wipe_clears_the_password_bytes)
{
	ck_assert_str_eq(RUN("PASS hunter2\r\n"), "PASS[hunter2]");
	ftpd_cmdline_wipe(p);
	ck_assert_ptr_null(memmem(cmd.arg - 5, 13, "hunter2", 7));
	ck_assert_str_eq(RUN("NOOP\r\n"), "NOOP[]");
}
END_TEST

START_TEST(test_telnet_bytes_do_not_count_toward_the_limit)
{
	ck_assert_str_eq(RUN("RETR abcdefghijk\xff\xf1\xff\xf1\xff\xf1\r\n"),
			 "RETR[abcdefghijk]");
}
END_TEST

static Suite *cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_crlf_and_bare_lf_lines);
	tcase_add_test(tc, test_verb_uppercased_argument_kept_exactly);
	tcase_add_test(tc, test_bytes_arrive_one_at_a_time);
	tcase_add_test(tc, test_overlong_line_discarded_whole_reported_once);
	tcase_add_test(tc, test_nul_and_bare_cr_are_bad_whole_line);
	tcase_add_test(tc, test_binary_garbage_never_yields_a_command_or_overruns);
	tcase_add_test(tc, test_iac_iac_is_a_data_byte);
	tcase_add_test(tc, test_abort_sequence_reports_ip_and_dm);
	tcase_add_test(tc, test_dm_discards_partial_line_before_it);
	tcase_add_test(tc, test_events_can_be_taken_before_the_line);
	tcase_add_test(tc, test_option_negotiation_is_refused);
	tcase_add_test(tc, test_refusals_are_bounded);
	tcase_add_test(tc, test_subnegotiation_is_skipped);
	tcase_add_test(tc, test_wipe_clears_the_password_bytes);
	tcase_add_test(tc, test_telnet_bytes_do_not_count_toward_the_limit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cmdline_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
