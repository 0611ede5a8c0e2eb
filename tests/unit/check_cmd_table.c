/* Unit tests for ftpd/cmd_table.c: every command is known, and the
 * 500/501/502/503/530/550 checks come before any handler. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftpd/cmd_table.h"
#include "ftpd/users.h"

static struct ftpd_cmd_state st;
static const char *text;

static void setup(void)
{
	memset(&st, 0, sizeof(st));
	st.logged_in = true;
	st.perms = FTPD_PERM_ALL;
	text = NULL;
}

/* Checks "VERB arg" as the dispatcher would. */
static unsigned check(const char *verb, const char *arg)
{
	struct ftpd_cmd cmd;

	memset(&cmd, 0, sizeof(cmd));
	snprintf(cmd.verb, sizeof(cmd.verb), "%s", verb);
	cmd.verb_len = strlen(cmd.verb);
	cmd.has_arg = arg != NULL;
	cmd.arg = arg ? arg : "";
	cmd.arg_len = strlen(cmd.arg);
	return ftpd_cmd_check(ftpd_cmd_find(cmd.verb, cmd.verb_len), &cmd, &st,
			      &text);
}

START_TEST(test_every_command_of_the_issue_is_known)
{
	static const char *const all[] = {
		"USER", "PASS", "ACCT", "CWD", "CDUP", "SMNT", "REIN", "QUIT",
		"PORT", "PASV", "TYPE", "STRU", "MODE", "RETR", "STOR", "STOU",
		"APPE", "ALLO", "REST", "RNFR", "RNTO", "ABOR", "DELE", "RMD",
		"MKD", "PWD", "LIST", "NLST", "SITE", "SYST", "STAT", "HELP",
		"NOOP", "FEAT", "OPTS", "EPRT", "EPSV", "SIZE", "MDTM", "MLST",
		"MLSD", "HOST", "AUTH", "PBSZ", "PROT", "CCC", "XCWD", "XCUP",
		"XMKD", "XRMD", "XPWD",
	};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const struct ftpd_cmd_def *d = ftpd_cmd_find(all[i],
							     strlen(all[i]));

		ck_assert_msg(d != NULL, "%s missing", all[i]);
		ck_assert_str_eq(d->name, all[i]);
		ck_assert_ptr_nonnull(strstr(d->help, all[i]));
	}
	ck_assert_ptr_null(ftpd_cmd_find("XXXX", 4));
	ck_assert_ptr_null(ftpd_cmd_find("RET", 3));
	ck_assert_ptr_null(ftpd_cmd_find("RETRX", 5));
}
END_TEST

START_TEST(test_unknown_is_500)
{
	ck_assert_uint_eq(check("FOO", NULL), 500);
	ck_assert_str_eq(text, "Unknown command.");
}
END_TEST

START_TEST(test_login_required_is_530)
{
	st.logged_in = false;
	ck_assert_uint_eq(check("RETR", "a"), 530);
	ck_assert_str_eq(text, "Please log in with USER and PASS.");
	ck_assert_uint_eq(check("CWD", "/"), 530);
	/* These pass every check: 0, the handler runs. */
	ck_assert_uint_eq(check("USER", "ftp"), 0);
	ck_assert_uint_eq(check("FEAT", NULL), 0);
	ck_assert_uint_eq(check("QUIT", NULL), 0);
	ck_assert_uint_eq(check("HOST", "ftp.example.org"), 0);
}
END_TEST

START_TEST(test_tls_first_when_required)
{
	st.logged_in = false;
	st.tls_required = true;
	ck_assert_uint_eq(check("ACCT", "x"), 530);
	ck_assert_str_eq(text, "Secure the connection with AUTH TLS first.");
	ck_assert_uint_eq(check("LIST", NULL), 530);
	/* AUTH leads to TLS: it passes (cmd_tls.c decides the rest). */
	ck_assert_uint_eq(check("AUTH", "TLS"), 0);
	ck_assert_uint_eq(check("USER", "ftp"), 0);
}
END_TEST

START_TEST(test_sequence_rules_are_503)
{
	st.logged_in = false;
	ck_assert_uint_eq(check("PASS", "x"), 503);
	ck_assert_str_eq(text, "Log in with USER first.");
	st.prev = ftpd_cmd_find("USER", 4);
	ck_assert_uint_eq(check("PASS", "x"), 0);
	st.logged_in = true;
	st.prev = ftpd_cmd_find("NOOP", 4);
	ck_assert_uint_eq(check("RNTO", "b"), 503);
	ck_assert_str_eq(text, "Bad sequence of commands: RNFR first.");
	st.prev = ftpd_cmd_find("RNFR", 4);
	ck_assert_uint_eq(check("RNTO", "b"), 0);
}
END_TEST

START_TEST(test_argument_rules_are_501_with_syntax)
{
	ck_assert_uint_eq(check("PWD", "x"), 501);
	ck_assert_str_eq(text, "Syntax: PWD (print the working directory)");
	ck_assert_uint_eq(check("RETR", NULL), 501);
	ck_assert_uint_eq(check("RETR", ""), 501);
	ck_assert_uint_eq(check("REST", "12a"), 501);
	ck_assert_uint_eq(check("REST", "-1"), 501);
	ck_assert_uint_eq(check("REST", "12345678901234567890"), 501);
	ck_assert_uint_eq(check("REST", "5368709120"), 0);
	ck_assert_uint_eq(check("LIST", NULL), 0);
	ck_assert_uint_eq(check("LIST", "-la"), 0);
	ck_assert_uint_eq(check("SITE", NULL), 501);
	st.prev = ftpd_cmd_find("USER", 4);
	ck_assert_uint_eq(check("PASS", NULL), 0);
}
END_TEST

START_TEST(test_permissions_are_550)
{
	st.perms = FTPD_PERM_READ | FTPD_PERM_LIST;
	ck_assert_uint_eq(check("RETR", "a"), 0);
	ck_assert_uint_eq(check("STOR", "a"), 550);
	ck_assert_str_eq(text, "Permission denied.");
	ck_assert_uint_eq(check("APPE", "a"), 550);
	ck_assert_uint_eq(check("STOU", NULL), 550);
	ck_assert_uint_eq(check("DELE", "a"), 550);
	ck_assert_uint_eq(check("XRMD", "a"), 550);
	ck_assert_uint_eq(check("MKD", "a"), 550);
	ck_assert_uint_eq(check("RNFR", "a"), 550);
	st.perms = 0;
	ck_assert_uint_eq(check("RETR", "a"), 550);
	ck_assert_uint_eq(check("NLST", NULL), 550);
	ck_assert_uint_eq(check("CWD", "a"), 0);
}
END_TEST

START_TEST(test_smnt_is_always_502)
{
	ck_assert_uint_eq(check("SMNT", "/x"), 502);
	ck_assert_str_eq(text, "Command not implemented.");
}
END_TEST

START_TEST(test_flags_of_special_commands)
{
	static const char *const xfer[] = { "ABOR", "STAT", "QUIT", "NOOP" };
	size_t i;

	for (i = 0; i < 4; i++)
		ck_assert(ftpd_cmd_find(xfer[i], 4)->flags &
			  FTPD_CMD_DURING_XFER);
	ck_assert(!(ftpd_cmd_find("RETR", 4)->flags & FTPD_CMD_DURING_XFER));
	ck_assert(ftpd_cmd_find("PASS", 4)->flags & FTPD_CMD_SECRET);
	ck_assert(ftpd_cmd_find("ACCT", 4)->flags & FTPD_CMD_SECRET);
	ck_assert(!(ftpd_cmd_find("USER", 4)->flags & FTPD_CMD_SECRET));
}
END_TEST

START_TEST(test_site_subcommands)
{
	const struct ftpd_cmd_def *d;
	struct ftpd_cmd sub;
	const char *rest;
	size_t len;

	d = ftpd_site_find("chmod 755 my file", 17, &rest, &len);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->name, "CHMOD");
	ck_assert_uint_eq(len, 11);
	ck_assert_int_eq(strncmp(rest, "755 my file", 11), 0);
	d = ftpd_site_find("HELP", 4, &rest, &len);
	ck_assert_str_eq(d->name, "HELP");
	ck_assert_uint_eq(len, 0);
	ck_assert_ptr_nonnull(ftpd_site_find("IDLE 600", 8, &rest, &len));
	ck_assert_ptr_null(ftpd_site_find("EXEC ls", 7, &rest, &len));
	/* SITE CHMOD needs the chmod permission. */
	memset(&sub, 0, sizeof(sub));
	sub.arg = "755 f";
	sub.arg_len = 5;
	st.perms = FTPD_PERM_ALL & ~(unsigned)FTPD_PERM_CHMOD;
	d = ftpd_site_find("CHMOD 755 f", 11, &rest, &len);
	ck_assert_uint_eq(ftpd_cmd_check(d, &sub, &st, &text), 550);
}
END_TEST

START_TEST(test_help_lists_every_command_in_order)
{
	char out[2048], *line, *save;
	int n = ftpd_cmd_help_list(false, out, sizeof(out)), lines = 0;
	const char *prev = "";

	ck_assert_int_eq(n, (int)strlen(out));
	ck_assert_int_eq(strncmp(out, "The following commands are recognized", 37),
			 0);
	/* '*' marks what is not implemented: SMNT only (FTPS is there). */
	ck_assert_ptr_nonnull(strstr(out, " ABOR "));
	ck_assert_ptr_nonnull(strstr(out, "SMNT*"));
	ck_assert_ptr_null(strstr(out, "AUTH*"));
	ck_assert_ptr_null(strstr(out, "XRMD*"));
	ck_assert_str_eq(out + n - 9, "\nHelp OK.");
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *w, *s2;
		int words = 0;

		if (line[0] != ' ')
			continue;
		lines++;
		for (w = strtok_r(line, " ", &s2); w; w = strtok_r(NULL, " ", &s2)) {
			ck_assert_msg(strcmp(prev, w) < 0, "%s after %s", w, prev);
			prev = w;
			words++;
		}
		ck_assert_int_le(words, FTPD_HELP_PER_LINE);
	}
	ck_assert_int_eq(lines, 7);
	ck_assert_int_eq(ftpd_cmd_help_list(true, out, sizeof(out)),
			 (int)strlen(out));
	ck_assert_ptr_nonnull(strstr(out, "SITE commands"));
	ck_assert_ptr_nonnull(strstr(out, "CHMOD"));
	ck_assert_ptr_null(strstr(out, "CHMOD*"));
	ck_assert_int_eq(ftpd_cmd_help_list(false, out, 100), -ENOSPC);
}
END_TEST

static Suite *cmd_table_suite(void)
{
	Suite *s = suite_create("cmd_table");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_every_command_of_the_issue_is_known);
	tcase_add_test(tc, test_unknown_is_500);
	tcase_add_test(tc, test_login_required_is_530);
	tcase_add_test(tc, test_tls_first_when_required);
	tcase_add_test(tc, test_sequence_rules_are_503);
	tcase_add_test(tc, test_argument_rules_are_501_with_syntax);
	tcase_add_test(tc, test_permissions_are_550);
	tcase_add_test(tc, test_smnt_is_always_502);
	tcase_add_test(tc, test_flags_of_special_commands);
	tcase_add_test(tc, test_site_subcommands);
	tcase_add_test(tc, test_help_lists_every_command_in_order);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cmd_table_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
