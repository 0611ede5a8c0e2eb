/* Unit tests for ftp/complete.c: what tab offers for commands, local files
 * (in a private temporary directory) and remote names from the cache; and
 * for ftp/edit.c's plain (non-terminal) input path on a pipe. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "complete.h"
#include "edit.h"
#include "ftpc_limits.h"

static struct ftpc_matches m;
static char tmpdir[64];
static char oldcwd[4096];

static void touch(const char *name)
{
	int fd = open(name, O_CREAT | O_WRONLY, 0600);

	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void setup(void)
{
	memset(&m, 0, sizeof(m));
	ck_assert_ptr_nonnull(getcwd(oldcwd, sizeof(oldcwd)));
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_complete.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	ck_assert_int_eq(chdir(tmpdir), 0);
	touch("alpha.txt");
	touch("alpine.bin");
	touch(".hidden");
	ck_assert_int_eq(mkdir("albums", 0700), 0);
	touch("albums/one.mp3");
}

static void teardown(void)
{
	ftpc_matches_free(&m);
	unlink("albums/one.mp3");
	rmdir("albums");
	unlink("alpha.txt");
	unlink("alpine.bin");
	unlink(".hidden");
	ck_assert_int_eq(chdir(oldcwd), 0);
	rmdir(tmpdir);
}

static void complete(const char *line, const struct ftpc_rcache *rc)
{
	ftpc_matches_free(&m);
	ck_assert_int_eq(ftpc_complete(line, strlen(line), rc, &m), 0);
}

START_TEST(test_first_word_completes_commands)
{
	complete("mk", NULL);
	ck_assert_int_eq(m.kind, 'c');
	ck_assert_uint_eq(m.n, 1);
	ck_assert_str_eq(m.v[0], "mkdir");
	ck_assert_str_eq(m.common, "mkdir");
	complete("  re", NULL);
	ck_assert_uint_eq(m.start, 2);
	ck_assert_uint_ge(m.n, 4);
	ck_assert_str_eq(m.common, "re");
}
END_TEST

START_TEST(test_help_argument_completes_commands)
{
	complete("help pw", NULL);
	ck_assert_int_eq(m.kind, 'c');
	ck_assert_uint_eq(m.n, 1);
	ck_assert_str_eq(m.v[0], "pwd");
	ck_assert_uint_eq(m.start, 5);
}
END_TEST

START_TEST(test_local_files_complete_with_dirs_marked)
{
	complete("put al", NULL);
	ck_assert_int_eq(m.kind, 'l');
	ck_assert_uint_eq(m.n, 3);
	ck_assert_str_eq(m.v[0], "albums/");
	ck_assert_str_eq(m.v[1], "alpha.txt");
	ck_assert_str_eq(m.v[2], "alpine.bin");
	ck_assert_str_eq(m.common, "al");
	complete("lcd albums/o", NULL);
	ck_assert_uint_eq(m.n, 1);
	ck_assert_str_eq(m.v[0], "albums/one.mp3");
	/* Hidden files only when asked for. */
	complete("put ", NULL);
	ck_assert_uint_eq(m.n, 3);
	complete("put .h", NULL);
	ck_assert_uint_eq(m.n, 1);
	complete("put /nonexistent-dir/x", NULL);
	ck_assert_uint_eq(m.n, 0);
}
END_TEST

START_TEST(test_remote_names_come_from_the_cache)
{
	struct ftpc_rcache *rc = ftpc_rcache_new();
	const char *names[] = { "README", "pub/", "private.key" };

	ck_assert_ptr_nonnull(rc);
	ck_assert_ptr_null(ftpc_rcache_dir(rc));
	ck_assert_int_eq(ftpc_rcache_set(rc, "/", names, 3), 0);
	ck_assert_str_eq(ftpc_rcache_dir(rc), "/");
	complete("get p", rc);
	ck_assert_int_eq(m.kind, 'r');
	ck_assert_uint_eq(m.n, 2);
	ck_assert_str_eq(m.common, "p");
	complete("get pu", rc);
	ck_assert_str_eq(m.common, "pub/");
	/* get's second argument is a local file. */
	complete("get README al", rc);
	ck_assert_int_eq(m.kind, 'l');
	ck_assert_uint_eq(m.n, 3);
	ftpc_rcache_clear(rc);
	complete("get p", rc);
	ck_assert_uint_eq(m.n, 0);
	ck_assert_str_eq(m.common, "p");
	ftpc_rcache_free(rc);
}
END_TEST

START_TEST(test_repeating_letters_and_no_completion)
{
	struct ftpc_rcache *rc = ftpc_rcache_new();
	const char *names[] = { "a1", "a2" };

	ck_assert_int_eq(ftpc_rcache_set(rc, "/d", names, 2), 0);
	complete("mget a1 a2 a", rc);
	ck_assert_int_eq(m.kind, 'r');
	ck_assert_uint_eq(m.n, 2);
	complete("pwd x", rc);
	ck_assert_int_eq(m.kind, 'n');
	ck_assert_uint_eq(m.n, 0);
	complete("frobnicate x", rc);
	ck_assert_int_eq(m.kind, 'n');
	ftpc_rcache_free(rc);
}
END_TEST

START_TEST(test_cursor_in_the_middle_completes_the_word_before_it)
{
	const char *line = "mkd xyz";

	ftpc_matches_free(&m);
	ck_assert_int_eq(ftpc_complete(line, 3, NULL, &m), 0);
	ck_assert_uint_eq(m.n, 1);
	ck_assert_str_eq(m.v[0], "mkdir");
	ck_assert_uint_eq(m.start, 0);
}
END_TEST


#define INPUT_MAX 8

struct input_log {
	struct event_base *base;
	struct ftpc_edit *e;
	unsigned n;
	enum ftpc_input ev[INPUT_MAX];
	char line[INPUT_MAX][32];
};

static void on_input(void *ctx, enum ftpc_input ev, char *line, size_t len)
{
	struct input_log *log = ctx;

	ck_assert_uint_lt(log->n, INPUT_MAX);
	log->ev[log->n] = ev;
	if (line)
		snprintf(log->line[log->n], sizeof(log->line[0]), "%.*s",
			 (int)len, line);
	log->n++;
	/* Like the session: ask for the next line until input ends. */
	if (ev == FTPC_INPUT_EOF && log->base)
		event_base_loopbreak(log->base);
	else if (ev != FTPC_INPUT_EOF)
		ck_assert_int_eq(ftpc_edit_read_line(log->e, "ftp> ", on_input,
						     log),
				 0);
}

START_TEST(test_plain_input_gives_lines_too_long_and_eof)
{
	struct event_base *base = event_base_new();
	struct input_log log = { 0 };
	struct timeval limit = { 3, 0 };
	char big[FTPC_LINE_MAX + 100];
	int p[2];

	ck_assert_ptr_nonnull(base);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(dup2(p[0], 0), 0);
	close(p[0]);
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	ck_assert_int_eq(write(p[1], "ls\r\nget a b\n", 13), 13);
	ck_assert_int_eq(write(p[1], big, sizeof(big)), (ssize_t)sizeof(big));
	ck_assert_int_eq(write(p[1], "last", 4), 4);
	close(p[1]);
	log.base = base;
	log.e = ftpc_edit_new(base, "ftp", false, NULL);
	ck_assert_ptr_nonnull(log.e);
	ck_assert_int_eq(ftpc_edit_read_line(log.e, "ftp> ", on_input, &log),
			 0);
	event_base_loopexit(base, &limit);
	event_base_dispatch(base);
	ck_assert_uint_eq(log.n, 5);
	ck_assert_int_eq(log.ev[0], FTPC_INPUT_LINE);
	ck_assert_str_eq(log.line[0], "ls");
	ck_assert_str_eq(log.line[1], "get a b");
	ck_assert_int_eq(log.ev[2], FTPC_INPUT_TOO_LONG);
	ck_assert_int_eq(log.ev[3], FTPC_INPUT_LINE);
	ck_assert_str_eq(log.line[3], "last");
	ck_assert_int_eq(log.ev[4], FTPC_INPUT_EOF);
	ftpc_edit_free(log.e);
	event_base_free(base);
}
END_TEST

START_TEST(test_cancel_reports_cancelled_once)
{
	struct event_base *base = event_base_new();
	struct input_log log = { 0 };
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(dup2(p[0], 0), 0);
	log.e = ftpc_edit_new(base, "ftp", false, NULL);
	ck_assert_ptr_nonnull(log.e);
	/* Only one input object per process. */
	ck_assert_ptr_null(ftpc_edit_new(base, "ftp", false, NULL));
	ck_assert_int_eq(ftpc_edit_read_password(log.e, "Password:", on_input,
						 &log),
			 0);
	ck_assert_int_eq(ftpc_edit_read_line(log.e, "x", on_input, &log), -1);
	ftpc_edit_cancel(log.e);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_int_eq(log.ev[0], FTPC_INPUT_CANCELLED);
	ftpc_edit_cancel(log.e); /* the re-armed line read */
	ck_assert_uint_eq(log.n, 2);
	ftpc_edit_free(log.e);
	close(p[1]);
	event_base_free(base);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("complete");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_first_word_completes_commands);
	tcase_add_test(tc, test_help_argument_completes_commands);
	tcase_add_test(tc, test_local_files_complete_with_dirs_marked);
	tcase_add_test(tc, test_remote_names_come_from_the_cache);
	tcase_add_test(tc, test_repeating_letters_and_no_completion);
	tcase_add_test(tc, test_cursor_in_the_middle_completes_the_word_before_it);
	suite_add_tcase(s, tc);
	tc = tcase_create("input");
	tcase_add_test(tc, test_plain_input_gives_lines_too_long_and_eof);
	tcase_add_test(tc, test_cancel_reports_cancelled_once);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
