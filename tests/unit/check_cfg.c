/* Unit tests for cfg.c: every value type, file syntax, errors, overrides,
 * dump round trip. */
#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "common_limits.h"

struct demo {
	bool on;
	int64_t port;
	int64_t rate;
	int64_t timeout_ms;
	char *banner;
	char *file;
	int mode;
	uint32_t gw;
	struct cfg_cidr net;
	struct cfg_mac mac;
	struct cfg_port_range ports;
	struct cfg_list hosts;
};

static const char *const modes[] = { "off", "states", "segments", "all", NULL };

static int check_no_x(const char *v, char *why, size_t len)
{
	if (strchr(v, 'x')) {
		snprintf(why, len, "no 'x' allowed");
		return -EINVAL;
	}
	return 0;
}

#define F(n) .offset = offsetof(struct demo, n)
static const struct cfg_key demo_keys[] = {
	{ "anonymous_enable", CFG_BOOL, F(on), "yes", "allow anonymous" },
	{ "listen_port", CFG_INT, F(port), "21", "port", .min = 1, .max = 65535 },
	{ "max_rate", CFG_SIZE, F(rate), "0", "rate", .min = 0,
	  .max = INT64_MAX },
	{ "idle_timeout", CFG_DURATION, F(timeout_ms), "300", "idle",
	  .min = 1, .max = 86400000, .unit_ms = 1000 },
	{ "banner", CFG_STRING, F(banner), "Hello", "banner", .check = check_no_x },
	{ "log_file", CFG_PATH, F(file), "", "log file" },
	{ "trace", CFG_ENUM, F(mode), "off", "trace", .choices = modes },
	{ "gateway", CFG_IPV4, F(gw), "", "gateway" },
	{ "address", CFG_CIDR, F(net), "76.88.16.16/24", "address" },
	{ "mac", CFG_MAC, F(mac), "", "mac" },
	{ "ports", CFG_PORT_RANGE, F(ports), "49152-65535", "ports" },
	{ "host", CFG_LIST, F(hosts), "", "virtual host" },
};
static const struct cfg_table demo_table = {
	"demo.conf(5)", demo_keys, sizeof(demo_keys) / sizeof(demo_keys[0])
};

static struct demo d;
static char err[1024];

static void setup(void)
{
	memset(&d, 0, sizeof(d));
	err[0] = '\0';
	ck_assert_int_eq(cfg_init(&demo_table, &d, err, sizeof(err)), 0);
}

static void teardown(void)
{
	cfg_free(&demo_table, &d);
	ck_assert_ptr_null(d.banner);
	ck_assert_ptr_null(d.hosts.items);
}

static int load(const char *text)
{
	return cfg_load_buffer(&demo_table, &d, "t.conf", text, strlen(text),
			       err, sizeof(err));
}

START_TEST(test_init_applies_every_default)
{
	ck_assert(d.on);
	ck_assert_int_eq(d.port, 21);
	ck_assert_int_eq(d.timeout_ms, 300000);
	ck_assert_str_eq(d.banner, "Hello");
	ck_assert_str_eq(d.file, "");
	ck_assert_int_eq(d.mode, 0);
	ck_assert_uint_eq(d.net.addr, 0x4c581010u);
	ck_assert_uint_eq(d.net.prefix, 24);
	ck_assert(!d.mac.set);
	ck_assert_uint_eq(d.ports.lo, 49152);
	ck_assert_uint_eq(d.ports.hi, 65535);
	ck_assert_uint_eq(d.hosts.n, 0);
}
END_TEST

START_TEST(test_file_syntax_comments_blanks_whitespace_crlf)
{
	ck_assert_int_eq(load("# comment\n\n   \t\n  listen_port\t=  2121  \r\n"
			      "  # indented comment\n"
			      "banner = Welcome # to synfin\n"
			      "anonymous_enable=NO"), 0);
	ck_assert_int_eq(d.port, 2121);
	ck_assert_str_eq(d.banner, "Welcome # to synfin");
	ck_assert(!d.on);
}
END_TEST

START_TEST(test_duplicate_key_last_wins)
{
	ck_assert_int_eq(load("listen_port = 1\nlisten_port = 2\n"), 0);
	ck_assert_int_eq(d.port, 2);
}
END_TEST

START_TEST(test_bool_accepts_every_spelling)
{
	static const char *const yes[] = { "yes", "YES", "true", "On", "1" };
	static const char *const no[] = { "no", "False", "off", "0", "NO" };
	char line[64];
	size_t i;

	for (i = 0; i < 5; i++) {
		snprintf(line, sizeof(line), "anonymous_enable = %s", yes[i]);
		ck_assert_int_eq(load(line), 0);
		ck_assert(d.on);
		snprintf(line, sizeof(line), "anonymous_enable = %s", no[i]);
		ck_assert_int_eq(load(line), 0);
		ck_assert(!d.on);
	}
	ck_assert_int_eq(load("anonymous_enable = maybe"), -EINVAL);
	ck_assert_str_eq(err, "t.conf:1: bad value 'maybe' for anonymous_enable:"
			 " expected yes or no (also true/false, on/off, 1/0)");
}
END_TEST

START_TEST(test_int_range_and_garbage_are_errors)
{
	ck_assert_int_eq(load("listen_port = 65535"), 0);
	ck_assert_int_eq(load("\nlisten_port = 65536"), -EINVAL);
	ck_assert_str_eq(err, "t.conf:2: bad value '65536' for listen_port: "
			 "expected a whole number from 1 to 65535");
	ck_assert_int_eq(load("listen_port = 0"), -EINVAL);
	ck_assert_int_eq(load("listen_port = 21x"), -EINVAL);
	ck_assert_int_eq(load("listen_port = 99999999999999999999999"), -EINVAL);
	ck_assert_int_eq(load("listen_port ="), -EINVAL);
	ck_assert_int_eq(d.port, 65535);
}
END_TEST

START_TEST(test_trailing_comment_error_says_why)
{
	ck_assert_int_eq(load("listen_port = 21 # ftp"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "a comment must be on a line of its own"));
}
END_TEST

START_TEST(test_size_units_are_powers_of_1024)
{
	ck_assert_int_eq(load("max_rate = 512"), 0);
	ck_assert_int_eq(d.rate, 512);
	ck_assert_int_eq(load("max_rate = 512K"), 0);
	ck_assert_int_eq(d.rate, 512 * 1024);
	ck_assert_int_eq(load("max_rate = 10MiB"), 0);
	ck_assert_int_eq(d.rate, 10 * 1024 * 1024);
	ck_assert_int_eq(load("max_rate = 2 G"), 0);
	ck_assert_int_eq(d.rate, 2LL << 30);
	ck_assert_int_eq(load("max_rate = 2T"), -EINVAL);
	ck_assert_int_eq(load("max_rate = -1"), -EINVAL);
	ck_assert_int_eq(load("max_rate = 9999999999999G"), -EINVAL);
}
END_TEST

START_TEST(test_duration_units_and_bare_number_unit)
{
	ck_assert_int_eq(load("idle_timeout = 45"), 0);
	ck_assert_int_eq(d.timeout_ms, 45000);
	ck_assert_int_eq(load("idle_timeout = 250ms"), 0);
	ck_assert_int_eq(d.timeout_ms, 250);
	ck_assert_int_eq(load("idle_timeout = 2m"), 0);
	ck_assert_int_eq(d.timeout_ms, 120000);
	ck_assert_int_eq(load("idle_timeout = 1h"), 0);
	ck_assert_int_eq(d.timeout_ms, 3600000);
	ck_assert_int_eq(load("idle_timeout = 0"), -EINVAL);
	ck_assert_str_eq(err, "t.conf:1: bad value '0' for idle_timeout: "
			 "expected a duration from 1ms to 24h, e.g. 30s or "
			 "500ms (a bare number is in seconds)");
	ck_assert_int_eq(load("idle_timeout = 5 days"), -EINVAL);
}
END_TEST

START_TEST(test_enum_lists_choices_on_error)
{
	ck_assert_int_eq(load("trace = SEGMENTS"), 0);
	ck_assert_int_eq(d.mode, 2);
	ck_assert_int_eq(load("trace = verbose"), -EINVAL);
	ck_assert_str_eq(err, "t.conf:1: bad value 'verbose' for trace: "
			 "expected one of: off, states, segments, all");
}
END_TEST

START_TEST(test_addresses_parse_and_reject)
{
	ck_assert_int_eq(load("gateway = 76.88.16.1\naddress = 10.0.0.5/8\n"
			      "mac = 02:00:4C:58:10:10\nports = 20-21"), 0);
	ck_assert_uint_eq(d.gw, 0x4c581001u);
	ck_assert_uint_eq(d.net.addr, 0x0a000005u);
	ck_assert_uint_eq(d.net.prefix, 8);
	ck_assert(d.mac.set);
	ck_assert_uint_eq(d.mac.b[2], 0x4c);
	ck_assert_uint_eq(d.ports.lo, 20);
	ck_assert_uint_eq(d.ports.hi, 21);
	ck_assert_int_eq(load("address = 10.0.0.5"), 0);
	ck_assert_uint_eq(d.net.prefix, 24);
	ck_assert_int_eq(load("gateway ="), 0);
	ck_assert_uint_eq(d.gw, 0);
	ck_assert_int_eq(load("gateway = 1.2.3"), -EINVAL);
	ck_assert_int_eq(load("gateway = 256.1.1.1"), -EINVAL);
	ck_assert_int_eq(load("address = 10.0.0.1/33"), -EINVAL);
	ck_assert_int_eq(load("address = 10.0.0.1/"), -EINVAL);
	ck_assert_int_eq(load("mac = 02:00:4c:58:10"), -EINVAL);
	ck_assert_int_eq(load("mac = 02:00:4c:58:10:zz"), -EINVAL);
	ck_assert_int_eq(load("ports = 30-20"), -EINVAL);
	ck_assert_int_eq(load("ports = 0-20"), -EINVAL);
	ck_assert_int_eq(load("ports = 20--30"), -EINVAL);
	ck_assert_int_eq(load("ports = 20-70000"), -EINVAL);
}
END_TEST

START_TEST(test_list_key_appends_and_empty_clears)
{
	ck_assert_int_eq(load("host = a:/srv/a\nhost = b:/srv/b\n"), 0);
	ck_assert_uint_eq(d.hosts.n, 2);
	ck_assert_str_eq(d.hosts.items[1], "b:/srv/b");
	ck_assert_int_eq(load("host =\nhost = c:/srv/c"), 0);
	ck_assert_uint_eq(d.hosts.n, 1);
	ck_assert_str_eq(d.hosts.items[0], "c:/srv/c");
}
END_TEST

START_TEST(test_unknown_key_suggests_closest)
{
	ck_assert_int_eq(load("listen_prot = 21"), -ENOENT);
	ck_assert_str_eq(err, "t.conf:1: unknown key 'listen_prot'; did you mean "
			 "'listen_port'? (every key is listed in demo.conf(5))");
	ck_assert_int_eq(load("completely_unrelated = 1"), -ENOENT);
	ck_assert_str_eq(err, "t.conf:1: unknown key 'completely_unrelated' "
			 "(every key is listed in demo.conf(5))");
}
END_TEST

START_TEST(test_malformed_lines_name_the_line)
{
	ck_assert_int_eq(load("listen_port 21"), -EINVAL);
	ck_assert_str_eq(err, "t.conf:1: expected 'key = value', found "
			 "'listen_port 21'");
	ck_assert_int_eq(load("\n\nListen_Port = 21"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "t.conf:3: expected a key name"));
	ck_assert_int_eq(load("= 21"), -EINVAL);
	ck_assert_int_eq(cfg_load_buffer(&demo_table, &d, "t.conf",
					 "banner = a\0b", 12, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "NUL byte"));
}
END_TEST

START_TEST(test_overlong_line_and_value_are_errors_not_truncated)
{
	size_t n = CFG_LINE_MAX + 10;
	char *text = malloc(n + 1);

	memcpy(text, "banner = ", 9);
	memset(text + 9, 'a', n - 9);
	text[n] = '\0';
	ck_assert_int_eq(load(text), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "longer than 8192 bytes"));
	text[9 + CFG_VALUE_MAX + 1] = '\0';
	ck_assert_int_eq(load(text), -E2BIG);
	ck_assert_ptr_nonnull(strstr(err, "longer than 4095 bytes"));
	text[9 + CFG_VALUE_MAX] = '\0';
	ck_assert_int_eq(load(text), 0);
	ck_assert_uint_eq(strlen(d.banner), CFG_VALUE_MAX);
	free(text);
}
END_TEST

START_TEST(test_check_hook_rejects_value_and_keeps_old)
{
	ck_assert_int_eq(load("banner = box"), -EINVAL);
	ck_assert_str_eq(err, "t.conf:1: bad value 'box' for banner: no 'x' allowed");
	ck_assert_str_eq(d.banner, "Hello");
}
END_TEST

START_TEST(test_override_after_file_with_command_line_errors)
{
	ck_assert_int_eq(load("listen_port = 21"), 0);
	ck_assert_int_eq(cfg_override(&demo_table, &d, "listen_port=2121", err,
				      sizeof(err)), 0);
	ck_assert_int_eq(d.port, 2121);
	ck_assert_int_eq(cfg_override(&demo_table, &d, " banner = Hi there ",
				      err, sizeof(err)), 0);
	ck_assert_str_eq(d.banner, "Hi there");
	ck_assert_int_eq(cfg_override(&demo_table, &d, "listen_port=x", err,
				      sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "command line: bad value 'x' for listen_port: "
			 "expected a whole number from 1 to 65535");
	ck_assert_int_eq(cfg_override(&demo_table, &d, "listen_port", err,
				      sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "command line: expected 'key = value', found "
			 "'listen_port'");
	ck_assert_int_eq(cfg_override(&demo_table, &d, "lisen_port=1", err,
				      sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "command line: unknown key"));
}
END_TEST

START_TEST(test_load_file_missing_names_path_and_fix)
{
	ck_assert_int_eq(cfg_load_file(&demo_table, &d, "/nonexistent/x.conf",
				       err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.conf: cannot open"));
}
END_TEST

START_TEST(test_dump_reads_back_to_same_config)
{
	char path[] = "/tmp/check_cfg.XXXXXX";
	struct demo again;
	char a[256], b[256];
	FILE *f;
	size_t i;
	int fd;

	ck_assert_int_eq(load("listen_port = 990\nmax_rate = 3M\n"
			      "idle_timeout = 1500ms\nbanner = a b\n"
			      "trace = all\nmac = 02:00:00:00:00:01\n"
			      "host = x:/a\nhost = y:/b\ngateway = 1.2.3.4"), 0);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	cfg_dump(&demo_table, &d, f, true);
	fclose(f);
	memset(&again, 0, sizeof(again));
	ck_assert_int_eq(cfg_init(&demo_table, &again, err, sizeof(err)), 0);
	ck_assert_msg(cfg_load_file(&demo_table, &again, path, err,
				    sizeof(err)) == 0, "%s", err);
	unlink(path);
	for (i = 0; i < demo_table.nkeys; i++) {
		ck_assert_int_ge(cfg_format(&demo_keys[i], &d, a, sizeof(a)), 0);
		ck_assert_int_ge(cfg_format(&demo_keys[i], &again, b, sizeof(b)), 0);
		ck_assert_str_eq(a, b);
	}
	ck_assert_uint_eq(again.hosts.n, 2);
	cfg_free(&demo_table, &again);
}
END_TEST

START_TEST(test_format_reports_small_buffer)
{
	char small[3];

	ck_assert_int_eq(cfg_format(&demo_keys[4], &d, small, sizeof(small)),
			 -ENOSPC);
}
END_TEST

static Suite *cfg_suite(void)
{
	Suite *s = suite_create("cfg");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_init_applies_every_default);
	tcase_add_test(tc, test_file_syntax_comments_blanks_whitespace_crlf);
	tcase_add_test(tc, test_duplicate_key_last_wins);
	tcase_add_test(tc, test_bool_accepts_every_spelling);
	tcase_add_test(tc, test_int_range_and_garbage_are_errors);
	tcase_add_test(tc, test_trailing_comment_error_says_why);
	tcase_add_test(tc, test_size_units_are_powers_of_1024);
	tcase_add_test(tc, test_duration_units_and_bare_number_unit);
	tcase_add_test(tc, test_enum_lists_choices_on_error);
	tcase_add_test(tc, test_addresses_parse_and_reject);
	tcase_add_test(tc, test_list_key_appends_and_empty_clears);
	tcase_add_test(tc, test_unknown_key_suggests_closest);
	tcase_add_test(tc, test_malformed_lines_name_the_line);
	tcase_add_test(tc, test_overlong_line_and_value_are_errors_not_truncated);
	tcase_add_test(tc, test_check_hook_rejects_value_and_keeps_old);
	tcase_add_test(tc, test_override_after_file_with_command_line_errors);
	tcase_add_test(tc, test_load_file_missing_names_path_and_fix);
	tcase_add_test(tc, test_dump_reads_back_to_same_config);
	tcase_add_test(tc, test_format_reports_small_buffer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cfg_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
