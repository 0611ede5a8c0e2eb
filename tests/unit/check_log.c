/* Unit tests for log.c: line format, levels, escaping, truncation,
 * password redaction, reopen after rotation (also through a directory
 * descriptor). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static char dir[64];
static char path[128];
static char err[512];
static char text[16384];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_log.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ftpd.log", dir);
}

static void teardown(void)
{
	char other[160];

	snprintf(other, sizeof(other), "%s.1", path);
	unlink(path);
	unlink(other);
	ck_assert_int_eq(rmdir(dir), 0);
}

static struct log *open_file_log(enum log_level level, bool bare)
{
	struct log_options o = { .target = LOG_TARGET_FILE, .path = path,
				 .ident = "ftpd", .level = level,
				 .bare = bare };
	struct log *lg = log_open(&o, err, sizeof(err));

	ck_assert_msg(lg != NULL, "%s", err);
	return lg;
}

static const char *slurp(const char *p)
{
	int fd = open(p, O_RDONLY);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	n = read(fd, text, sizeof(text) - 1);
	ck_assert_int_ge(n, 0);
	text[n] = '\0';
	close(fd);
	return text;
}

/* The part of a line after "TIME ident[pid]: ". */
static const char *after_prefix(const char *line)
{
	const char *p = strstr(line, "]: ");

	ck_assert_ptr_nonnull(p);
	return p + 3;
}

START_TEST(test_line_has_utc_time_ident_pid_level)
{
	struct log *lg = open_file_log(LOG_LVL_INFO, false);
	char expect[64];

	log_msg(lg, LOG_LVL_INFO, "listening on %s:%d", "76.88.16.16", 21);
	log_close(lg);
	slurp(path);
	/* 2026-11-24T04:14:00Z */
	ck_assert_uint_eq(strlen(text) > 21, 1);
	ck_assert_int_eq(text[4], '-');
	ck_assert_int_eq(text[10], 'T');
	ck_assert_int_eq(text[19], 'Z');
	snprintf(expect, sizeof(expect), " ftpd[%ld]: ", (long)getpid());
	ck_assert_ptr_nonnull(strstr(text, expect));
	ck_assert_str_eq(after_prefix(text), "info: listening on 76.88.16.16:21\n");
}
END_TEST

START_TEST(test_session_line_carries_id_and_peer)
{
	struct log *lg = open_file_log(LOG_LVL_INFO, false);
	struct log_session s = { .id = 42 };

	snprintf(s.peer, sizeof(s.peer), "76.88.16.104:1038");
	log_session(lg, LOG_LVL_INFO, &s, "login ok: %s", "ftp");
	log_close(lg);
	ck_assert_str_eq(after_prefix(slurp(path)),
			 "info: [#42 76.88.16.104:1038] login ok: ftp\n");
}
END_TEST

START_TEST(test_level_filters_lower_priority_messages)
{
	struct log *lg = open_file_log(LOG_LVL_WARNING, true);

	log_msg(lg, LOG_LVL_DEBUG, "d");
	log_msg(lg, LOG_LVL_INFO, "i");
	log_msg(lg, LOG_LVL_WARNING, "w");
	log_msg(lg, LOG_LVL_ERROR, "e");
	ck_assert_int_eq(log_get_level(lg), LOG_LVL_WARNING);
	log_set_level(lg, LOG_LVL_DEBUG);
	log_msg(lg, LOG_LVL_DEBUG, "d2");
	log_close(lg);
	ck_assert_str_eq(slurp(path), "w\ne\nd2\n");
}
END_TEST

START_TEST(test_control_bytes_are_escaped_so_lines_cannot_be_forged)
{
	struct log *lg = open_file_log(LOG_LVL_INFO, true);

	log_msg(lg, LOG_LVL_INFO, "RETR %s", "a\r\nfake: line\\\x7f\x01");
	log_close(lg);
	ck_assert_str_eq(slurp(path),
			 "RETR a\\x0d\\x0afake: line\\\\\\x7f\\x01\n");
}
END_TEST

START_TEST(test_long_message_is_cut_and_marked)
{
	struct log *lg = open_file_log(LOG_LVL_INFO, true);
	char *big = malloc(3 * LOG_LINE_MAX);

	memset(big, 'a', 3 * LOG_LINE_MAX - 1);
	big[3 * LOG_LINE_MAX - 1] = '\0';
	log_msg(lg, LOG_LVL_INFO, "%s", big);
	log_close(lg);
	free(big);
	slurp(path);
	ck_assert_uint_le(strlen(text), LOG_LINE_MAX + 20);
	ck_assert_ptr_nonnull(strstr(text, "aaa [truncated]\n"));
	/* One line: the only LF is the last byte. */
	ck_assert_ptr_eq(strchr(text, '\n'), text + strlen(text) - 1);
}
END_TEST

START_TEST(test_pass_argument_is_never_logged)
{
	struct log *lg = open_file_log(LOG_LVL_DEBUG, true);
	struct log_session s = { .id = 7, .peer = "1.2.3.4:5" };

	log_ftp_command(lg, &s, "USER", 4, "alice", 5);
	log_ftp_command(lg, &s, "PASS", 4, "hunter2", 7);
	log_ftp_command(lg, &s, "pass", 4, "hunter3", 7);
	log_ftp_command(lg, &s, "ACCT", 4, "hunter4", 7);
	log_ftp_command(lg, &s, "NOOP", 4, NULL, 0);
	log_close(lg);
	slurp(path);
	ck_assert_ptr_null(strstr(text, "hunter"));
	ck_assert_str_eq(text, "[#7 1.2.3.4:5] command: USER alice\n"
			 "[#7 1.2.3.4:5] command: PASS <hidden>\n"
			 "[#7 1.2.3.4:5] command: pass <hidden>\n"
			 "[#7 1.2.3.4:5] command: ACCT <hidden>\n"
			 "[#7 1.2.3.4:5] command: NOOP\n");
}
END_TEST

START_TEST(test_redact_line_hides_secret_whatever_the_spacing)
{
	char out[64];

	ck_assert_uint_eq(log_redact_ftp_line("PASS secret\r\n", 13, out,
					      sizeof(out)), 13);
	ck_assert_str_eq(out, "PASS <hidden>");
	log_redact_ftp_line("  pAsS\tsecret", 13, out, sizeof(out));
	ck_assert_str_eq(out, "  pAsS <hidden>");
	log_redact_ftp_line("PASS", 4, out, sizeof(out));
	ck_assert_str_eq(out, "PASS <hidden>");
	log_redact_ftp_line("CWD /a\r\n", 8, out, sizeof(out));
	ck_assert_str_eq(out, "CWD /a\\x0d\\x0a");
	log_redact_ftp_line("PASSWORD x", 10, out, sizeof(out));
	ck_assert_str_eq(out, "PASSWORD x");
	ck_assert_uint_eq(log_redact_ftp_line("CWD /abc", 8, out, 5), 4);
	ck_assert_str_eq(out, "CWD ");
}
END_TEST

START_TEST(test_reopen_follows_rotation)
{
	struct log *lg = open_file_log(LOG_LVL_INFO, true);
	char rotated[160];

	snprintf(rotated, sizeof(rotated), "%s.1", path);
	log_msg(lg, LOG_LVL_INFO, "before");
	ck_assert_int_eq(rename(path, rotated), 0);
	log_msg(lg, LOG_LVL_INFO, "still old");
	ck_assert_int_eq(log_reopen(lg, err, sizeof(err)), 0);
	log_msg(lg, LOG_LVL_INFO, "after");
	log_close(lg);
	ck_assert_str_eq(slurp(rotated), "before\nstill old\n");
	ck_assert_str_eq(slurp(path), "after\n");
}
END_TEST

START_TEST(test_reopen_failure_keeps_old_file)
{
	struct log *lg = open_file_log(LOG_LVL_INFO, true);
	char rotated[160];

	snprintf(rotated, sizeof(rotated), "%s.1", path);
	ck_assert_int_eq(rename(path, rotated), 0);
	/* A directory where the file should be: reopen must fail. */
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_lt(log_reopen(lg, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, path));
	log_msg(lg, LOG_LVL_INFO, "kept");
	log_close(lg);
	ck_assert_int_eq(rmdir(path), 0);
	ck_assert_str_eq(slurp(rotated), "kept\n");
}
END_TEST

/* After a chroot the path leads elsewhere: the file is reopened by its
 * name in a descriptor of its directory; a symbolic link there is
 * refused. */
START_TEST(test_reopen_at_uses_the_directory_descriptor)
{
	struct log *lg = open_file_log(LOG_LVL_INFO, true);
	char rotated[160];
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);

	ck_assert_int_ge(dfd, 0);
	ck_assert_str_eq(log_path(lg), path);
	snprintf(rotated, sizeof(rotated), "%s.1", path);
	ck_assert_int_eq(rename(path, rotated), 0);
	ck_assert_int_eq(symlink(rotated, path), 0);
	ck_assert_int_eq(log_reopen_at(lg, dfd, err, sizeof(err)), -ELOOP);
	ck_assert_int_eq(unlink(path), 0);
	log_msg(lg, LOG_LVL_INFO, "old");
	ck_assert_int_eq(log_reopen_at(lg, dfd, err, sizeof(err)), 0);
	log_msg(lg, LOG_LVL_INFO, "new");
	log_close(lg);
	close(dfd);
	ck_assert_str_eq(slurp(rotated), "old\n");
	ck_assert_str_eq(slurp(path), "new\n");
}
END_TEST

START_TEST(test_open_in_missing_directory_says_fix)
{
	struct log_options o = { .target = LOG_TARGET_FILE,
				 .path = "/nonexistent-dir/x.log" };

	ck_assert_ptr_null(log_open(&o, err, sizeof(err)));
	ck_assert_str_eq(err, "log file /nonexistent-dir/x.log: cannot open for "
			 "appending: No such file or directory (create its "
			 "directory first)");
}
END_TEST

START_TEST(test_stderr_target_writes_to_fd_2)
{
	struct log_options o = { .target = LOG_TARGET_STDERR, .ident = "t",
				 .level = LOG_LVL_INFO };
	struct log *lg;
	int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT, 0600);

	ck_assert_int_ge(fd, 0);
	dup2(fd, 2);
	close(fd);
	lg = log_open(&o, err, sizeof(err));
	ck_assert_ptr_nonnull(lg);
	ck_assert_ptr_null(log_path(lg));
	log_msg(lg, LOG_LVL_ERROR, "to stderr");
	log_close(lg);
	dup2(saved, 2);
	close(saved);
	ck_assert_str_eq(after_prefix(slurp(path)), "error: to stderr\n");
}
END_TEST

START_TEST(test_level_names)
{
	ck_assert_str_eq(log_level_name(LOG_LVL_ERROR), "error");
	ck_assert_str_eq(log_level_name(LOG_LVL_WARNING), "warning");
	ck_assert_str_eq(log_level_name(LOG_LVL_DEBUG), "debug");
	ck_assert_str_eq(log_level_name((enum log_level)9), "?");
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_line_has_utc_time_ident_pid_level);
	tcase_add_test(tc, test_session_line_carries_id_and_peer);
	tcase_add_test(tc, test_level_filters_lower_priority_messages);
	tcase_add_test(tc, test_control_bytes_are_escaped_so_lines_cannot_be_forged);
	tcase_add_test(tc, test_long_message_is_cut_and_marked);
	tcase_add_test(tc, test_pass_argument_is_never_logged);
	tcase_add_test(tc, test_redact_line_hides_secret_whatever_the_spacing);
	tcase_add_test(tc, test_reopen_follows_rotation);
	tcase_add_test(tc, test_reopen_failure_keeps_old_file);
	tcase_add_test(tc, test_reopen_at_uses_the_directory_descriptor);
	tcase_add_test(tc, test_open_in_missing_directory_says_fix);
	tcase_add_test(tc, test_stderr_target_writes_to_fd_2);
	tcase_add_test(tc, test_level_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(log_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
