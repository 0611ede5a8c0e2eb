/*
 * check_tcp_statefile - TIME_WAIT and the ISN clock across restarts: the
 * state file (save, load, every way a file can be wrong), and the state
 * directory (lock, unclean-stop marker, quiet time). A "restart" replaces
 * the server node's stack with a new one; wall-clock times are passed in,
 * so remaining times are exact.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcp_statefile_internal.h"
#include "tw_fixture.h"

#define MSG_CAP 1024u
#define WALL0 1700000000000000ULL /* a wall-clock time, microseconds */
#define NOTES_MAX 16u

static const struct ts_addr any21 = { 0, TW_PORT };
static char dir[TW_PATH_MAX], path[TW_PATH_MAX + 32];

static void expect_text(const char *got, const char *want)
{
	ck_assert_msg(strcmp(got, want) == 0, "got \"%s\"\nwant \"%s\"", got, want);
}

static void expect_textf(const char *got, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void expect_textf(const char *got, const char *fmt, ...)
{
	char want[MSG_CAP];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	expect_text(got, want);
}

/* The index of the server's trace line containing the formatted text. */
static int expect_linef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int expect_linef(const char *fmt, ...)
{
	char want[MSG_CAP];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	return tn_expect_line(TN_SERVER, want);
}

static void expect_contains(const char *got, const char *want)
{
	ck_assert_msg(strstr(got, want) != NULL, "\"%s\"\ndoes not contain \"%s\"",
		      got, want);
}

/* The seed's server: a session closed by the server, its side in
 * TIME_WAIT, the listener closed; saved at WALL0. */
static void setup_saved(void)
{
	uint32_t unsaved = 1;

	tn_setup();
	tw_mkdir(dir);
	snprintf(path, sizeof(path), "%s/state.bin", dir);
	tw_seed_timewait(1028);
	ck_assert_int_eq(tcp_state_save_at(tw_srv(), path, WALL0, &unsaved), 1);
	ck_assert_uint_eq(unsaved, 0);
}

static void teardown_dir(void)
{
	tw_rmdir(dir);
	tn_teardown();
}

static size_t read_all(uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void write_all(const uint8_t *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

/* Loads the (bad) file into a restarted server: refused with rc and a
 * message containing want; nothing applied. */
static void expect_ignored(int rc, const char *want)
{
	char msg[MSG_CAP] = "";
	int s;

	tw_restart(TN_SERVER, 0);
	ck_assert_int_eq(tcp_state_load_at(tw_srv(), path, WALL0, msg,
					   sizeof(msg)), rc);
	expect_contains(msg, want);
	ck_assert_uint_eq(tw_srv()->tcp.nconns, 0);
	s = ts_socket(tw_srv());
	ck_assert_int_eq(ts_bind(tw_srv(), s, &any21), 0);
}

/* ---- save and load ------------------------------------------------------ */

START_TEST(test_save_load_keeps_timewait_with_remaining_time)
{
	char msg[MSG_CAP];
	uint32_t clock_before = tcp_isn_clock(tw_srv(), tn.now), clock_after;
	struct stat sb;
	ts_time_t left;
	int s, at;

	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0600);
	tw_restart(TN_SERVER, 0);
	tn_run(3 * TW_SEC); /* the new process's clock is its own */
	ck_assert_int_eq(tcp_state_load_at(tw_srv(), path, WALL0 + 10 * TW_SEC,
					   msg, sizeof(msg)), 1);
	expect_textf(msg, "loaded 1 TIME_WAIT connection from %s (longest 50 s "
		     "left)", path);
	at = expect_linef("timewait: loaded 1 entries from %s (longest 50 s "
			  "left)", path);
	tn_expect_line(TN_SERVER, "state 76.88.16.16:21 <-> 76.88.16.104:1028 "
		       "CLOSED -> TIME_WAIT (loaded from state file, 50 s left)");
	ck_assert_uint_eq(ts_timewait_count(tw_srv(), &any21, &left), 1);
	ck_assert(left > 49 * TW_SEC && left <= 50 * TW_SEC);
	/* The ISN clock went on for the 10 s of wall-clock time. */
	clock_after = tcp_isn_clock(tw_srv(), tn.now);
	ck_assert_uint_le(clock_after - (clock_before + 10 * TW_SEC / 4), 1);

	s = ts_socket(tw_srv());
	ck_assert_int_eq(ts_bind(tw_srv(), s, &any21), -EADDRINUSE);
	tn_run(51 * TW_SEC);
	ck_assert_int_gt(tn_find(TN_SERVER, "state 76.88.16.16:21 <-> "
				 "76.88.16.104:1028 TIME_WAIT -> CLOSED (2MSL "
				 "expired)", at), at);
	ck_assert_int_eq(ts_bind(tw_srv(), s, &any21), 0);
}
END_TEST

/* The client comes back on the same pair: its SYN's timestamp is newer
 * than the TS.Recent the restarted server loaded (RFC 6191). */
START_TEST(test_loaded_timewait_takes_newer_syn)
{
	const struct ts_addr l1028 = { 0, 1028 }, srv21 = { TN_IP_SERVER, TW_PORT };
	char msg[MSG_CAP];
	int s, c;

	tw_restart(TN_SERVER, 0);
	ck_assert_int_eq(tcp_state_load_at(tw_srv(), path, WALL0 + TW_SEC, msg,
					   sizeof(msg)), 1);
	s = ts_socket(tw_srv());
	ck_assert_int_eq(ts_setopt(tw_srv(), s, TS_OPT_REUSEADDR, 1), 0);
	ck_assert_int_eq(ts_bind(tw_srv(), s, &any21), 0);
	ck_assert_int_eq(ts_listen(tw_srv(), s, 4), 0);
	tn_run(TW_SEC);
	c = ts_socket(tw_cli());
	ck_assert_int_eq(ts_bind(tw_cli(), c, &l1028), 0);
	tn_watch(TN_CLIENT, c);
	ck_assert_int_eq(ts_connect(tw_cli(), c, &srv21), -EINPROGRESS);
	tn_run(100 * TW_MS);
	ck_assert_int_eq(tn_state(TN_CLIENT, c), TS_ESTABLISHED);
	tn_expect_line(TN_SERVER, "timewait: SYN from 76.88.16.104:1028");
	tn_expect_line(TN_SERVER, "reuses the pair in TIME_WAIT: its timestamp "
		       "is newer than the old connection's (RFC 6191)");
	ck_assert_int_ge(tn_accept(TN_SERVER, s), 0);
}
END_TEST

START_TEST(test_load_skips_expired_entries)
{
	char msg[MSG_CAP];

	tw_restart(TN_SERVER, 0);
	ck_assert_int_eq(tcp_state_load_at(tw_srv(), path, WALL0 + 61 * TW_SEC,
					   msg, sizeof(msg)), 0);
	expect_textf(msg, "no TIME_WAIT connection in %s is still waiting; 1 "
		     "expired entry skipped", path);
	expect_linef("timewait: loaded 0 entries from %s (longest 0 s left); 1 "
		     "expired entry skipped", path);
	ck_assert_uint_eq(tw_srv()->tcp.nconns, 0);
}
END_TEST

START_TEST(test_wall_clock_gone_back_counts_as_no_time)
{
	char msg[MSG_CAP];
	ts_time_t left;

	tw_restart(TN_SERVER, 0);
	ck_assert_int_eq(tcp_state_load_at(tw_srv(), path, WALL0 - 3600 * TW_SEC,
					   msg, sizeof(msg)), 1);
	ck_assert_uint_eq(ts_timewait_count(tw_srv(), &any21, &left), 1);
	ck_assert(left <= TW_2MSL && left > TW_2MSL - TW_SEC);
}
END_TEST

START_TEST(test_save_is_atomic_and_leaves_no_temp_file)
{
	char missing[TW_PATH_MAX + 64];
	uint32_t unsaved;

	ck_assert_int_eq(tcp_state_save_at(tw_srv(), path, WALL0, &unsaved), 1);
	ck_assert_int_eq(ts_state_save(tw_srv(), path), 0);
	ck_assert_uint_eq(tw_dir_count(dir), 1);
	snprintf(missing, sizeof(missing), "%s/no/such/dir/state.bin", dir);
	ck_assert_int_eq(ts_state_save(tw_srv(), missing), -ENOENT);
	ck_assert_uint_eq(tw_dir_count(dir), 1);
}
END_TEST

START_TEST(test_load_refused_once_connections_exist)
{
	char msg[MSG_CAP];

	/* The server still has its TIME_WAIT connection. */
	ck_assert_int_eq(ts_state_load(tw_srv(), path, msg, sizeof(msg)), -EBUSY);
	expect_contains(msg, "the stack already has connections; load it "
			"before opening any");
}
END_TEST

/* ---- files that must not be trusted ------------------------------------------ */

START_TEST(test_corrupt_file_ignored)
{
	uint8_t buf[1024];
	size_t n = read_all(buf, sizeof(buf));

	buf[SF_HDR_LEN + 13] ^= 0x40; /* one bit of SND.NXT */
	write_all(buf, n);
	expect_ignored(-EBADMSG, "checksum mismatch (the file is corrupt); the "
		       "TIME_WAIT state of the previous run is lost");
}
END_TEST

START_TEST(test_truncated_file_ignored)
{
	uint8_t buf[1024];
	size_t n = read_all(buf, sizeof(buf));

	write_all(buf, n - 5);
	expect_ignored(-EBADMSG, "truncated (115 bytes, 1 entries need 120)");
	write_all(buf, 0);
	expect_ignored(-EBADMSG, "truncated (0 bytes)");
}
END_TEST

START_TEST(test_wrong_version_ignored)
{
	uint8_t buf[1024];
	size_t n = read_all(buf, sizeof(buf));

	buf[11] = 2;
	write_all(buf, n);
	expect_ignored(-EBADMSG, "format version 2, this build reads version 1");
	memcpy(buf, "NOTSYNFN", 8);
	write_all(buf, n);
	expect_ignored(-EBADMSG, "not a synfin state file (bad magic)");
}
END_TEST

START_TEST(test_file_of_another_address_ignored)
{
	char want[MSG_CAP];
	uint32_t unsaved;

	/* The client's file, presented to the server. */
	ck_assert_int_eq(tcp_state_save_at(tw_cli(), path, WALL0, &unsaved), 0);
	snprintf(want, sizeof(want), "ignoring state file %s: it was written "
		 "for 76.88.16.104 and this stack is 76.88.16.16", path);
	expect_ignored(-EADDRNOTAVAIL, want);
}
END_TEST

START_TEST(test_file_others_may_read_ignored)
{
	ck_assert_int_eq(chmod(path, 0644), 0);
	expect_ignored(-EPERM, "others may read or write it (mode 644) and it "
		       "holds the ISN secret; chmod 600 it or remove it");
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	expect_ignored(-EPERM, "(a symbolic link)");
}
END_TEST

START_TEST(test_missing_file_reported)
{
	char msg[MSG_CAP];

	ck_assert_int_eq(unlink(path), 0);
	tw_restart(TN_SERVER, 0);
	ck_assert_int_eq(ts_state_load(tw_srv(), path, msg, sizeof(msg)), -ENOENT);
	expect_contains(msg, "no saved state in ");
}
END_TEST

/* sf_parse on files built field by field. */
static struct sf_entry entries[2];
static struct sf_file good;

static void build_good(void)
{
	unsigned i;

	memset(&good, 0, sizeof(good));
	good.addr = TN_IP_SERVER;
	good.written_us = WALL0;
	good.msl_ms = 30000;
	good.nentries = 2;
	good.entries = entries;
	for (i = 0; i < 2; i++) {
		memset(&entries[i], 0, sizeof(entries[i]));
		entries[i].local = (struct ts_addr){ TN_IP_SERVER, TW_PORT };
		entries[i].remote = (struct ts_addr){ TN_IP_CLIENT, (uint16_t)(1028 + i) };
		entries[i].expiry_us = WALL0 + TW_2MSL;
	}
}

static enum sf_result parse_built(char *why, size_t cap)
{
	static uint8_t buf[SF_HDR_LEN + 2 * SF_ENTRY_LEN + SF_SUM_LEN];
	struct sf_file out;
	enum sf_result r;

	sf_encode(&good, buf);
	r = sf_parse(buf, sf_encoded_len(good.nentries), &out, why, cap);
	if (r == SF_OK)
		sf_file_free(&out);
	return r;
}

START_TEST(test_parser_checks_every_field)
{
	char why[MSG_CAP];

	build_good();
	ck_assert_int_eq(parse_built(why, sizeof(why)), SF_OK);
	entries[1].remote.port = 1028;
	ck_assert_int_eq(parse_built(why, sizeof(why)), SF_BAD);
	expect_text(why, "the same socket pair appears twice");
	build_good();
	entries[1].expiry_us = WALL0 + TW_2MSL + 1;
	ck_assert_int_eq(parse_built(why, sizeof(why)), SF_BAD);
	expect_text(why, "entry 1: expires more than 2MSL after the file was "
		    "written");
	build_good();
	entries[0].local.ip = TN_IP_CLIENT;
	ck_assert_int_eq(parse_built(why, sizeof(why)), SF_BAD);
	expect_contains(why, "entry 0: bad socket pair");
	build_good();
	entries[0].remote.port = 0;
	ck_assert_int_eq(parse_built(why, sizeof(why)), SF_BAD);
	build_good();
	entries[0].rcv_wscale = 15;
	ck_assert_int_eq(parse_built(why, sizeof(why)), SF_BAD);
	build_good();
	good.msl_ms = 0;
	ck_assert_int_eq(parse_built(why, sizeof(why)), SF_BAD);
	expect_contains(why, "MSL of 0 ms is outside");
}
END_TEST

START_TEST(test_parser_framing)
{
	static uint8_t buf[SF_HDR_LEN + 2 * SF_ENTRY_LEN + SF_SUM_LEN + 1];
	size_t len = sizeof(buf) - 1;
	struct sf_file out;
	char why[MSG_CAP];

	build_good();
	sf_encode(&good, buf);
	ck_assert_int_eq(sf_parse(buf, len + 1, &out, why, sizeof(why)), SF_BAD);
	expect_contains(why, "trailing bytes");
	ck_assert_int_eq(sf_parse(buf, len - 1, &out, why, sizeof(why)),
			 SF_NEED_MORE);
	ck_assert_int_eq(sf_parse(buf, 10, &out, why, sizeof(why)), SF_NEED_MORE);
	buf[64] = 0xff; /* entry count far beyond the limit */
	ck_assert_int_eq(sf_parse(buf, len, &out, why, sizeof(why)), SF_TOO_LONG);
	expect_contains(why, "more than the limit of 262144");
}
END_TEST

/* ---- the state directory: lock, marker, quiet time ---------------------------- */

static char notes[NOTES_MAX][MSG_CAP];
static unsigned nnotes;

static void collect_note(void *ctx, const char *line)
{
	(void)ctx;
	if (nnotes < NOTES_MAX)
		snprintf(notes[nnotes++], MSG_CAP, "%s", line);
}

static bool noted(const char *text)
{
	unsigned i;

	for (i = 0; i < nnotes; i++)
		if (strstr(notes[i], text) != NULL)
			return true;
	for (i = 0; i < nnotes; i++)
		fprintf(stderr, "note: %s\n", notes[i]);
	return false;
}

static int begin(struct ts_state **s, bool quiet, char *err, size_t cap)
{
	struct ts_state_opts o = { .dir = dir, .quiet_time = quiet,
				   .note = collect_note };

	nnotes = 0;
	return ts_state_begin(tw_srv(), &o, s, err, cap);
}

static void setup_dir(void)
{
	tn_setup();
	tw_mkdir(dir);
	snprintf(path, sizeof(path), "%s/state-76.88.16.16.bin", dir);
}

/* The story: a clean stop with a connection in TIME_WAIT, a
 * restart that cannot bind port 21 without reuse, and can with it. */
START_TEST(test_clean_restart_keeps_timewait_and_refuses_bind)
{
	char err[MSG_CAP] = "", msg[MSG_CAP], want[MSG_CAP];
	struct ts_state *s;
	int sock;

	ck_assert_int_eq(begin(&s, true, err, sizeof(err)), 0);
	ck_assert(noted("no saved state in"));
	ck_assert_uint_eq(ts_quiet_until(tw_srv()), 0);
	tw_seed_timewait(1028);
	nnotes = 0;
	ck_assert_int_eq(ts_state_end(s, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "saved 1 TIME_WAIT connection to %s", path);
	ck_assert(noted(want));
	ck_assert_uint_eq(tw_dir_count(dir), 2); /* state file and lock */

	tw_restart(TN_SERVER, 0);
	ck_assert_int_eq(begin(&s, true, err, sizeof(err)), 0);
	ck_assert(noted("loaded 1 TIME_WAIT connection from"));
	ck_assert_uint_eq(ts_quiet_until(tw_srv()), 0);
	sock = ts_socket(tw_srv());
	ck_assert_int_eq(ts_bind(tw_srv(), sock, &any21), -EADDRINUSE);
	ts_bind_strerror(tw_srv(), &any21, -EADDRINUSE, NULL, msg, sizeof(msg));
	ck_assert(strncmp(msg, "address in use (1 connection in TIME_WAIT, ", 43) == 0);
	expect_contains(msg, " s left); set reuse_addr=yes to override");
	ck_assert_int_eq(ts_setopt(tw_srv(), sock, TS_OPT_REUSEADDR, 1), 0);
	ck_assert_int_eq(ts_bind(tw_srv(), sock, &any21), 0);
	ck_assert_int_eq(ts_state_end(s, err, sizeof(err)), 0);
}
END_TEST

/* kill -9: the child claims the directory and dies without a word. */
static void crash_in_child(void)
{
	pid_t pid = fork();
	int status = 0;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct ts_state *s;
		char err[MSG_CAP];

		_exit(begin(&s, true, err, sizeof(err)) == 0 ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

START_TEST(test_unclean_stop_keeps_quiet_for_msl)
{
	char err[MSG_CAP] = "";
	struct ts_state *s;

	crash_in_child();
	tw_restart(TN_SERVER, 0);
	ck_assert_int_eq(begin(&s, true, err, sizeof(err)), 0);
	ck_assert(noted("quiet time: previous instance stopped uncleanly; waiting "
			"30 s (MSL) before opening connections; set "
			"quiet_time=no to skip"));
	ck_assert_uint_eq(ts_quiet_until(tw_srv()), tn.now + 30 * TW_SEC);
	tn_expect_line(TN_SERVER, "quiet time: previous instance stopped uncleanly");
	tn_expect_line(TN_SERVER, "quiet time: no segments sent or accepted for "
		       "30000 ms (RFC 9293 3.4.3)");
	/* This run ends cleanly: the next start is quiet no more. */
	ck_assert_int_eq(ts_state_end(s, err, sizeof(err)), 0);
	tw_restart(TN_SERVER, 0);
	ck_assert_int_eq(begin(&s, true, err, sizeof(err)), 0);
	ck_assert_uint_eq(ts_quiet_until(tw_srv()), 0);
	ck_assert_int_eq(ts_state_end(s, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_unclean_stop_with_quiet_time_off)
{
	struct ts_state_opts o = { .dir = dir, .quiet_time = true,
				   .quiet_off_hint = "use --quiet-time no",
				   .note = collect_note };
	char err[MSG_CAP] = "";
	struct ts_state *s;

	crash_in_child();
	tw_restart(TN_SERVER, 0);
	ck_assert_int_eq(begin(&s, false, err, sizeof(err)), 0);
	ck_assert(noted("quiet time skipped: previous instance stopped uncleanly, "
			"and quiet time is off; segments of its connections may "
			"still arrive for up to 30 s (MSL)"));
	ck_assert_uint_eq(ts_quiet_until(tw_srv()), 0);
	ck_assert_int_eq(ts_state_end(s, err, sizeof(err)), 0);

	/* The application's own words for the fix. */
	crash_in_child();
	tw_restart(TN_SERVER, 0);
	nnotes = 0;
	ck_assert_int_eq(ts_state_begin(tw_srv(), &o, &s, err, sizeof(err)), 0);
	ck_assert(noted("before opening connections; use --quiet-time no to skip"));
	ck_assert_int_eq(ts_state_end(s, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_second_process_on_same_address_refused)
{
	char err[MSG_CAP] = "";
	struct ts_state *s1, *s2;

	ck_assert_int_eq(begin(&s1, true, err, sizeof(err)), 0);
	ck_assert_int_eq(begin(&s2, true, err, sizeof(err)), -EBUSY);
	ck_assert_ptr_null(s2);
	expect_textf(err, "state directory %s is in use for 76.88.16.16 by "
		     "another process (pid %ld): stop it first, or give this "
		     "one another state directory", dir, (long)getpid());
	ck_assert_int_eq(ts_state_end(s1, err, sizeof(err)), 0);
	ck_assert_int_eq(begin(&s2, true, err, sizeof(err)), 0);
	ck_assert_int_eq(ts_state_end(s2, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_unusable_state_file_keeps_quiet)
{
	static const uint8_t junk[] = "this is not a state file";
	char err[MSG_CAP] = "";
	struct ts_state *s;

	write_all(junk, sizeof(junk));
	ck_assert_int_eq(begin(&s, true, err, sizeof(err)), 0);
	ck_assert(noted("not a synfin state file (bad magic)"));
	ck_assert(noted("quiet time: the saved TIME_WAIT state is unusable; "
			"waiting 30 s (MSL)"));
	ck_assert_uint_ne(ts_quiet_until(tw_srv()), 0);
	ck_assert_int_eq(ts_state_end(s, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_state_dir_writable_by_others_refused)
{
	char err[MSG_CAP] = "";
	struct ts_state *s;

	ck_assert_int_eq(chmod(dir, 0777), 0);
	ck_assert_int_eq(begin(&s, true, err, sizeof(err)), -EPERM);
	expect_contains(err, "writable only by it");
	expect_contains(err, "chmod 700 it, or choose another state directory");
	ck_assert_int_eq(chmod(dir, 0700), 0);
}
END_TEST

START_TEST(test_default_state_dir)
{
	char buf[TW_PATH_MAX];

	ck_assert_int_eq(setenv("XDG_STATE_HOME", "/xdg/state", 1), 0);
	ck_assert_int_eq(setenv("HOME", "/home/someone", 1), 0);
	ck_assert_int_eq(ts_state_default_dir(buf, sizeof(buf)), 0);
	if (geteuid() == 0) {
		expect_contains(buf, "/lib/synfin");
		return;
	}
	expect_text(buf, "/xdg/state/synfin");
	ck_assert_int_eq(setenv("XDG_STATE_HOME", "relative/is/ignored", 1), 0);
	ck_assert_int_eq(ts_state_default_dir(buf, sizeof(buf)), 0);
	expect_text(buf, "/home/someone/.local/state/synfin");
	ck_assert_int_eq(ts_state_default_dir(buf, 8), -ENAMETOOLONG);
}
END_TEST

static Suite *statefile_suite(void)
{
	Suite *s = suite_create("tcp_statefile");
	TCase *file = tcase_create("file");
	TCase *bad = tcase_create("untrusted");
	TCase *parse = tcase_create("parser");
	TCase *sdir = tcase_create("state_dir");

	tcase_add_checked_fixture(file, setup_saved, teardown_dir);
	tcase_add_test(file, test_save_load_keeps_timewait_with_remaining_time);
	tcase_add_test(file, test_loaded_timewait_takes_newer_syn);
	tcase_add_test(file, test_load_skips_expired_entries);
	tcase_add_test(file, test_wall_clock_gone_back_counts_as_no_time);
	tcase_add_test(file, test_save_is_atomic_and_leaves_no_temp_file);
	tcase_add_test(file, test_load_refused_once_connections_exist);
	tcase_add_checked_fixture(bad, setup_saved, teardown_dir);
	tcase_add_test(bad, test_corrupt_file_ignored);
	tcase_add_test(bad, test_truncated_file_ignored);
	tcase_add_test(bad, test_wrong_version_ignored);
	tcase_add_test(bad, test_file_of_another_address_ignored);
	tcase_add_test(bad, test_file_others_may_read_ignored);
	tcase_add_test(bad, test_missing_file_reported);
	tcase_add_test(parse, test_parser_checks_every_field);
	tcase_add_test(parse, test_parser_framing);
	tcase_add_checked_fixture(sdir, setup_dir, teardown_dir);
	tcase_add_test(sdir, test_clean_restart_keeps_timewait_and_refuses_bind);
	tcase_add_test(sdir, test_unclean_stop_keeps_quiet_for_msl);
	tcase_add_test(sdir, test_unclean_stop_with_quiet_time_off);
	tcase_add_test(sdir, test_second_process_on_same_address_refused);
	tcase_add_test(sdir, test_unusable_state_file_keeps_quiet);
	tcase_add_test(sdir, test_state_dir_writable_by_others_refused);
	tcase_add_test(sdir, test_default_state_dir);
	suite_add_tcase(s, file);
	suite_add_tcase(s, bad);
	suite_add_tcase(s, parse);
	suite_add_tcase(s, sdir);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(statefile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
