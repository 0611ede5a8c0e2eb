/* Unit tests for ftp/cmd_table.c and ftp/cmdline.c: BSD ftp's command
 * lookup (exact, unique prefix, ambiguous, invalid), argument rules, help,
 * the tokenizer and macro expansion. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_table.h"
#include "cmdline.h"

static const char *lookup_name(const char *typed)
{
	const struct ftpc_cmd *c = NULL;

	if (ftpc_cmd_lookup(typed, &c) != FTPC_LOOKUP_FOUND)
		return NULL;
	return c->name;
}

START_TEST(test_every_issue_command_is_in_the_table)
{
	static const char *const names[] = {
		"open", "close", "user", "pass", "account", "ls", "dir",
		"nlist", "mls", "mlsd", "cd", "cdup", "pwd", "lcd", "lpwd",
		"get", "recv", "reget", "put", "send", "append", "mget",
		"mput", "mdelete", "delete", "mkdir", "rmdir", "rename",
		"size", "modtime", "chmod", "site", "quote", "literal",
		"binary", "ascii", "type", "passive", "active", "sendport",
		"epsv", "hash", "progress", "prompt", "verbose", "debug",
		"trace", "status", "system", "features", "rhelp", "help", "?",
		"restart", "rate", "bye", "quit", "exit", "!", "$", "macdef",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(lookup_name(names[i]) &&
				      strcmp(lookup_name(names[i]), names[i]) == 0,
			      "%s missing", names[i]);
}
END_TEST

START_TEST(test_table_is_sorted_and_complete)
{
	size_t n, i;
	const struct ftpc_cmd *t = ftpc_cmd_table(&n);

	ck_assert_uint_gt(n, 60);
	for (i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(t[i].help);
		ck_assert_uint_gt(strlen(t[i].help), 0);
		ck_assert_ptr_nonnull(t[i].usage);
		ck_assert_ptr_nonnull(t[i].complete);
		ck_assert(t[i].max_args == FTPC_ARGS_ANY ||
			  t[i].min_args <= t[i].max_args);
		if (i > 0)
			ck_assert_int_lt(strcmp(t[i - 1].name, t[i].name), 0);
	}
}
END_TEST

START_TEST(test_unique_prefix_is_accepted)
{
	ck_assert_str_eq(lookup_name("bin"), "binary");
	ck_assert_str_eq(lookup_name("by"), "bye");
	ck_assert_str_eq(lookup_name("mkd"), "mkdir");
	ck_assert_str_eq(lookup_name("feat"), "features");
	ck_assert_str_eq(lookup_name("quo"), "quote");
}
END_TEST

START_TEST(test_exact_match_beats_longer_names)
{
	/* "ls" is exact although no other name starts with it; "cd" is
	 * exact although "cdup" starts with it; "mls" vs "mlsd". */
	ck_assert_str_eq(lookup_name("cd"), "cd");
	ck_assert_str_eq(lookup_name("mls"), "mls");
	ck_assert_str_eq(lookup_name("get"), "get");
	ck_assert_str_eq(lookup_name("dir"), "dir");
}
END_TEST

START_TEST(test_ambiguous_prefix_is_reported_as_bsd_does)
{
	const struct ftpc_cmd *c = NULL;
	enum ftpc_lookup r = ftpc_cmd_lookup("re", &c);

	ck_assert_int_eq(r, FTPC_LOOKUP_AMBIGUOUS);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(ftpc_lookup_message(r), "?Ambiguous command.");
	ck_assert_int_eq(ftpc_cmd_lookup("c", &c), FTPC_LOOKUP_AMBIGUOUS);
	ck_assert_int_eq(ftpc_cmd_lookup("m", &c), FTPC_LOOKUP_AMBIGUOUS);
}
END_TEST

START_TEST(test_unknown_command_is_invalid)
{
	const struct ftpc_cmd *c = NULL;
	enum ftpc_lookup r = ftpc_cmd_lookup("frobnicate", &c);
	char buf[128];

	ck_assert_int_eq(r, FTPC_LOOKUP_INVALID);
	ck_assert_str_eq(ftpc_lookup_message(r), "?Invalid command.");
	ck_assert_int_eq(ftpc_cmd_lookup("", &c), FTPC_LOOKUP_INVALID);
	ck_assert_int_eq(ftpc_cmd_lookup("getx", &c), FTPC_LOOKUP_INVALID);
	ck_assert_ptr_null(ftpc_lookup_message(FTPC_LOOKUP_FOUND));
	ck_assert_str_eq(ftpc_help_lookup_message(r, "frob", buf, sizeof(buf)),
			 "?Invalid help command frob");
	ck_assert_str_eq(ftpc_help_lookup_message(FTPC_LOOKUP_AMBIGUOUS, "re",
						  buf, sizeof(buf)),
			 "?Ambiguous help command re");
}
END_TEST

START_TEST(test_argument_rules_and_usage)
{
	const struct ftpc_cmd *c = NULL;
	char buf[128];

	ck_assert_int_eq(ftpc_cmd_lookup("get", &c), FTPC_LOOKUP_FOUND);
	ck_assert(!ftpc_cmd_args_ok(c, 1));
	ck_assert(ftpc_cmd_args_ok(c, 2));
	ck_assert(ftpc_cmd_args_ok(c, 3));
	ck_assert(!ftpc_cmd_args_ok(c, 4));
	ck_assert(c->needs_conn);
	ck_assert_str_eq(ftpc_cmd_usage(c, buf, sizeof(buf)),
			 "usage: get remote-file [local-file]");
	ck_assert_int_eq(ftpc_cmd_lookup("mget", &c), FTPC_LOOKUP_FOUND);
	ck_assert(ftpc_cmd_args_ok(c, 200));
	ck_assert_int_eq(ftpc_cmd_lookup("pwd", &c), FTPC_LOOKUP_FOUND);
	ck_assert_str_eq(ftpc_cmd_usage(c, buf, sizeof(buf)), "usage: pwd");
	ck_assert_int_eq(ftpc_cmd_lookup("lcd", &c), FTPC_LOOKUP_FOUND);
	ck_assert(!c->needs_conn);
	ck_assert_str_eq(FTPC_MSG_NOT_CONNECTED, "Not connected.");
}
END_TEST

START_TEST(test_help_line_uses_bsd_layout)
{
	const struct ftpc_cmd *c = NULL;
	char buf[128];

	ck_assert_int_eq(ftpc_cmd_lookup("get", &c), FTPC_LOOKUP_FOUND);
	ck_assert_str_eq(ftpc_cmd_help_line(c, buf, sizeof(buf)),
			 "get        \treceive file");
}
END_TEST

static unsigned help_lines;
static size_t help_widest;
static bool help_has_get;

static void count_help(void *ctx, const char *text)
{
	(void)ctx;
	help_lines++;
	if (strlen(text) > help_widest)
		help_widest = strlen(text);
	if (strstr(text, "get "))
		help_has_get = true;
}

START_TEST(test_help_columns_fit_the_width)
{
	size_t n;

	ftpc_cmd_table(&n);
	help_lines = 0;
	help_widest = 0;
	help_has_get = false;
	ftpc_cmd_help_columns(80, count_help, NULL);
	ck_assert(help_has_get);
	ck_assert_uint_le(help_widest, 80);
	/* 2 header lines, then 16-character columns: 5 per line. */
	ck_assert_uint_eq(help_lines, 2 + (n + 4) / 5);
}
END_TEST

START_TEST(test_complete_kinds_follow_letters)
{
	const struct ftpc_cmd *c = NULL;

	ftpc_cmd_lookup("get", &c);
	ck_assert_int_eq(ftpc_cmd_complete_kind(c, 1), 'r');
	ck_assert_int_eq(ftpc_cmd_complete_kind(c, 2), 'l');
	ck_assert_int_eq(ftpc_cmd_complete_kind(c, 3), 'n');
	ftpc_cmd_lookup("mput", &c);
	ck_assert_int_eq(ftpc_cmd_complete_kind(c, 7), 'l');
	ftpc_cmd_lookup("help", &c);
	ck_assert_int_eq(ftpc_cmd_complete_kind(c, 2), 'c');
	ftpc_cmd_lookup("pwd", &c);
	ck_assert_int_eq(ftpc_cmd_complete_kind(c, 1), 'n');
}
END_TEST

static struct ftpc_argv av;

static enum ftp_parse tok(const char *s)
{
	return ftpc_tokenize(s, strlen(s), &av);
}

START_TEST(test_tokenizer_splits_on_blanks)
{
	ck_assert_int_eq(tok("  get  a.txt\tb.txt  "), FTP_PARSE_OK);
	ck_assert_int_eq(av.argc, 3);
	ck_assert_str_eq(av.argv[0], "get");
	ck_assert_str_eq(av.argv[1], "a.txt");
	ck_assert_str_eq(av.argv[2], "b.txt");
	ck_assert_ptr_null(av.argv[3]);
	ck_assert_str_eq(av.rest, "a.txt\tb.txt  ");
	ck_assert_int_eq(tok("   "), FTP_PARSE_OK);
	ck_assert_int_eq(av.argc, 0);
}
END_TEST

START_TEST(test_tokenizer_quotes_and_backslashes)
{
	ck_assert_int_eq(tok("put \"my file.txt\" a\\ b \"q\\\"x\" \"\""),
			 FTP_PARSE_OK);
	ck_assert_int_eq(av.argc, 5);
	ck_assert_str_eq(av.argv[1], "my file.txt");
	ck_assert_str_eq(av.argv[2], "a b");
	ck_assert_str_eq(av.argv[3], "q\"x");
	ck_assert_str_eq(av.argv[4], "");
	/* Quotes may join parts of one word; an open quote runs to the
	 * end of the line, as in BSD ftp. */
	ck_assert_int_eq(tok("cd a\"b c\"d \"open end"), FTP_PARSE_OK);
	ck_assert_int_eq(av.argc, 3);
	ck_assert_str_eq(av.argv[1], "ab cd");
	ck_assert_str_eq(av.argv[2], "open end");
}
END_TEST

START_TEST(test_tokenizer_shell_escape_keeps_raw_rest)
{
	ck_assert_int_eq(tok("!ls -l \"x y\""), FTP_PARSE_OK);
	ck_assert_str_eq(av.argv[0], "!");
	ck_assert_str_eq(av.argv[1], "ls");
	ck_assert_str_eq(av.argv[2], "-l");
	ck_assert_str_eq(av.argv[3], "x y");
	ck_assert_str_eq(av.rest, "ls -l \"x y\"");
	ck_assert_int_eq(tok("!"), FTP_PARSE_OK);
	ck_assert_int_eq(av.argc, 1);
	ck_assert_str_eq(av.rest, "");
}
END_TEST

START_TEST(test_tokenizer_macro_invocation)
{
	ck_assert_int_eq(tok("$getall a b"), FTP_PARSE_OK);
	ck_assert_int_eq(av.argc, 4);
	ck_assert_str_eq(av.argv[0], "$");
	ck_assert_str_eq(av.argv[1], "getall");
	ck_assert_int_eq(tok("$ init"), FTP_PARSE_OK);
	ck_assert_int_eq(av.argc, 2);
	ck_assert_str_eq(av.argv[1], "init");
	/* '$' only counts at the start of a line. */
	ck_assert_int_eq(tok("cd $HOME"), FTP_PARSE_OK);
	ck_assert_str_eq(av.argv[1], "$HOME");
}
END_TEST

START_TEST(test_tokenizer_limits)
{
	char *line = malloc(FTPC_LINE_MAX + 2);
	size_t i;

	ck_assert_ptr_nonnull(line);
	memset(line, 'x', FTPC_LINE_MAX + 1);
	ck_assert_int_eq(ftpc_tokenize(line, FTPC_LINE_MAX + 1, &av),
			 FTP_PARSE_TOO_LONG);
	ck_assert_int_eq(ftpc_tokenize(line, FTPC_LINE_MAX, &av),
			 FTP_PARSE_OK);
	ck_assert_int_eq(av.argc, 1);
	for (i = 0; i + 1 < FTPC_LINE_MAX; i += 2)
		memcpy(line + i, "a ", 2);
	ck_assert_int_eq(ftpc_tokenize(line, FTPC_LINE_MAX, &av),
			 FTP_PARSE_TOO_LONG);
	ck_assert_int_eq(av.argc, 0);
	ck_assert_int_eq(ftpc_tokenize("ls\0x", 4, &av), FTP_PARSE_BAD);
	free(line);
}
END_TEST

START_TEST(test_macro_expands_arguments_and_escapes)
{
	char *args[] = { "one", "two" };
	char out[64];
	bool loops;
	const char *body = "  get $1 $2$3 \\$1 $0";

	ck_assert_int_eq(ftpc_macro_expand(body, strlen(body), "m", args, 2, 0,
					   out, sizeof(out), &loops),
			 FTP_PARSE_OK);
	ck_assert_str_eq(out, "get one two $1 m");
	ck_assert(!loops);
}
END_TEST

START_TEST(test_macro_dollar_i_loops_over_arguments)
{
	char *args[] = { "a.txt", "b.txt" };
	char out[64];
	bool loops;
	const char *body = "get $i";

	ck_assert_int_eq(ftpc_macro_expand(body, strlen(body), "m", args, 2, 1,
					   out, sizeof(out), &loops),
			 FTP_PARSE_OK);
	ck_assert_str_eq(out, "get b.txt");
	ck_assert(loops);
	ck_assert_int_eq(ftpc_macro_expand(body, strlen(body), "m", args, 2, 2,
					   out, sizeof(out), &loops),
			 FTP_PARSE_OK);
	ck_assert_str_eq(out, "get ");
}
END_TEST

START_TEST(test_macro_expansion_is_bounded)
{
	char *args[] = { "0123456789abcdef" };
	char out[16], big[64];
	bool loops;

	ck_assert_int_eq(ftpc_macro_expand("x $1", 4, "m", args, 1, 0, out,
					   sizeof(out), &loops),
			 FTP_PARSE_TOO_LONG);
	ck_assert_str_eq(out, "");
	/* A huge argument number neither overflows nor reads args. */
	ck_assert_int_eq(ftpc_macro_expand("$99999999999999999999", 21, "m",
					   args, 1, 0, big, sizeof(big),
					   &loops),
			 FTP_PARSE_OK);
	ck_assert_str_eq(big, "99999999999999999");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ftpc_cmds");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_every_issue_command_is_in_the_table);
	tcase_add_test(tc, test_table_is_sorted_and_complete);
	tcase_add_test(tc, test_unique_prefix_is_accepted);
	tcase_add_test(tc, test_exact_match_beats_longer_names);
	tcase_add_test(tc, test_ambiguous_prefix_is_reported_as_bsd_does);
	tcase_add_test(tc, test_unknown_command_is_invalid);
	tcase_add_test(tc, test_argument_rules_and_usage);
	tcase_add_test(tc, test_help_line_uses_bsd_layout);
	tcase_add_test(tc, test_help_columns_fit_the_width);
	tcase_add_test(tc, test_complete_kinds_follow_letters);
	tcase_add_test(tc, test_tokenizer_splits_on_blanks);
	tcase_add_test(tc, test_tokenizer_quotes_and_backslashes);
	tcase_add_test(tc, test_tokenizer_shell_escape_keeps_raw_rest);
	tcase_add_test(tc, test_tokenizer_macro_invocation);
	tcase_add_test(tc, test_tokenizer_limits);
	tcase_add_test(tc, test_macro_expands_arguments_and_escapes);
	tcase_add_test(tc, test_macro_dollar_i_loops_over_arguments);
	tcase_add_test(tc, test_macro_expansion_is_bounded);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
