/* Unit tests for ftpd/rules.c: the bounce check, the passive port
 * chooser, the login-delay schedule, rate pacing, TYPE A conversion
 * across chunk boundaries, and the small argument parsers. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ftpd/ftpd_limits.h"
#include "ftpd/rules.h"

#define CLIENT 0x4c581068u /* 76.88.16.104 */
#define OTHER 0x4c581001u  /* 76.88.16.1   */

START_TEST(test_port_to_the_client_above_1023_is_ok)
{
	struct ftp_hostport hp = { CLIENT, 1024 };

	ck_assert_int_eq(ftpd_port_check(CLIENT, &hp, false), FTPD_PORT_OK);
	hp.port = 65535;
	ck_assert_int_eq(ftpd_port_check(CLIENT, &hp, false), FTPD_PORT_OK);
}
END_TEST

START_TEST(test_port_bounce_to_another_host_is_refused)
{
	struct ftp_hostport hp = { OTHER, 2000 };

	ck_assert_int_eq(ftpd_port_check(CLIENT, &hp, false),
			 FTPD_PORT_OTHER_HOST);
	/* Another host's privileged port: still "another host". */
	hp.port = 25;
	ck_assert_int_eq(ftpd_port_check(CLIENT, &hp, false),
			 FTPD_PORT_OTHER_HOST);
	ck_assert_int_eq(ftpd_port_check(CLIENT, &hp, true), FTPD_PORT_OK);
}
END_TEST

START_TEST(test_port_to_a_privileged_port_is_refused)
{
	struct ftp_hostport hp = { CLIENT, 25 };

	ck_assert_int_eq(ftpd_port_check(CLIENT, &hp, false),
			 FTPD_PORT_LOW_PORT);
	hp.port = 1023;
	ck_assert_int_eq(ftpd_port_check(CLIENT, &hp, false),
			 FTPD_PORT_LOW_PORT);
}
END_TEST

START_TEST(test_pasv_ports_cover_the_range_once_from_a_random_start)
{
	static char seen[11];
	unsigned n, tries = ftpd_pasv_tries(50000, 50010);

	ck_assert_uint_eq(tries, 11);
	for (n = 0; n < tries; n++) {
		uint16_t p = ftpd_pasv_port(50000, 50010, 123456789u, n);

		ck_assert_uint_ge(p, 50000);
		ck_assert_uint_le(p, 50010);
		ck_assert_int_eq(seen[p - 50000], 0);
		seen[p - 50000] = 1;
	}
	/* Successive ports follow each other and wrap. */
	ck_assert_uint_eq(ftpd_pasv_port(50000, 50010, 10, 0), 50010);
	ck_assert_uint_eq(ftpd_pasv_port(50000, 50010, 10, 1), 50000);
	/* Different random values start at different places. */
	ck_assert_uint_ne(ftpd_pasv_port(49152, 65535, 1, 0),
			  ftpd_pasv_port(49152, 65535, 2, 0));
}
END_TEST

START_TEST(test_pasv_tries_are_bounded_and_one_port_works)
{
	ck_assert_uint_eq(ftpd_pasv_tries(49152, 65535), FTPD_PASV_TRIES);
	ck_assert_uint_eq(ftpd_pasv_tries(2121, 2121), 1);
	ck_assert_uint_eq(ftpd_pasv_port(2121, 2121, 0xffffffffu, 0), 2121);
	ck_assert_uint_eq(ftpd_pasv_port(1024, 65535, 0xffffffffu, 7),
			  1024 + (0xffffffffu % 64512 + 7) % 64512);
}
END_TEST

START_TEST(test_login_delay_grows_and_is_capped)
{
	ck_assert_uint_eq(ftpd_login_delay_ms(0), 0);
	ck_assert_uint_eq(ftpd_login_delay_ms(1), FTPD_LOGIN_DELAY_BASE_MS);
	ck_assert_uint_eq(ftpd_login_delay_ms(2), 2 * FTPD_LOGIN_DELAY_BASE_MS);
	ck_assert_uint_eq(ftpd_login_delay_ms(3), 4 * FTPD_LOGIN_DELAY_BASE_MS);
	ck_assert_uint_eq(ftpd_login_delay_ms(10), FTPD_LOGIN_DELAY_MAX_MS);
	ck_assert_uint_eq(ftpd_login_delay_ms(100), FTPD_LOGIN_DELAY_MAX_MS);
	ck_assert_uint_eq(ftpd_login_delay_ms(~0u), FTPD_LOGIN_DELAY_MAX_MS);
}
END_TEST

START_TEST(test_rate_limit_paces_to_the_rate)
{
	uint64_t burst = 1000000 * FTPD_RATE_BURST_MS / 1000;

	/* Unlimited. */
	ck_assert_uint_eq(ftpd_rate_wait_us(0, 1ull << 40, 0), 0);
	ck_assert(ftpd_rate_allowance(0, 5, 0) == UINT64_MAX);
	/* 1 MB/s: the burst may go at once, then one byte more waits. */
	ck_assert_uint_eq(ftpd_rate_allowance(1000000, 0, 0), burst);
	ck_assert_uint_eq(ftpd_rate_wait_us(1000000, burst - 1, 0), 0);
	ck_assert_uint_gt(ftpd_rate_wait_us(1000000, burst, 0), 0);
	/* 2 MB moved after 1 s: about 1 s - burst to wait. */
	ck_assert_uint_ge(ftpd_rate_wait_us(1000000, 2000000, 1000000),
			  1000000 - FTPD_RATE_BURST_MS * 1000);
	ck_assert_uint_le(ftpd_rate_wait_us(1000000, 2000000, 1000000),
			  1000000 - FTPD_RATE_BURST_MS * 1000 + 2);
	/* The largest rate over a day does not overflow. */
	ck_assert_uint_gt(ftpd_rate_allowance(FTPD_RATE_MAX, 0,
					      86400ull * 1000000), 0);
}
END_TEST

START_TEST(test_chmod_argument)
{
	unsigned mode;
	size_t off;

	ck_assert_int_eq(ftpd_parse_chmod("755 my file", 11, &mode, &off),
			 FTP_PARSE_OK);
	ck_assert_uint_eq(mode, 0755);
	ck_assert_uint_eq(off, 4);
	ck_assert_int_eq(ftpd_parse_chmod("4755 f", 6, &mode, &off),
			 FTP_PARSE_OK);
	ck_assert_uint_eq(mode, 04755);
	ck_assert_int_eq(ftpd_parse_chmod("75 f", 4, &mode, &off), FTP_PARSE_OK);
	ck_assert_int_eq(ftpd_parse_chmod("14755 f", 7, &mode, &off),
			 FTP_PARSE_BAD);
	ck_assert_int_eq(ftpd_parse_chmod("789 f", 5, &mode, &off),
			 FTP_PARSE_BAD);
	ck_assert_int_eq(ftpd_parse_chmod("755", 3, &mode, &off), FTP_PARSE_BAD);
	ck_assert_int_eq(ftpd_parse_chmod("755 ", 4, &mode, &off),
			 FTP_PARSE_BAD);
	ck_assert_int_eq(ftpd_parse_chmod("", 0, &mode, &off), FTP_PARSE_BAD);
}
END_TEST

START_TEST(test_unsigned_argument)
{
	uint64_t v;

	ck_assert_int_eq(ftpd_parse_uint("300", 3, 600, &v), FTP_PARSE_OK);
	ck_assert_uint_eq(v, 300);
	ck_assert_int_eq(ftpd_parse_uint("601", 3, 600, &v), FTP_PARSE_TOO_LONG);
	ck_assert_int_eq(ftpd_parse_uint("3a", 2, 600, &v), FTP_PARSE_BAD);
	ck_assert_int_eq(ftpd_parse_uint("", 0, 600, &v), FTP_PARSE_BAD);
	ck_assert_int_eq(ftpd_parse_uint("9999999999999999999", 19, UINT64_MAX,
					 &v), FTP_PARSE_OK);
	ck_assert_int_eq(ftpd_parse_uint("12345678901234567890", 20, UINT64_MAX,
					 &v), FTP_PARSE_TOO_LONG);
}
END_TEST

static Suite *rules_suite(void)
{
	Suite *s = suite_create("ftpd_rules");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, test_port_to_the_client_above_1023_is_ok);
	tcase_add_test(tc, test_port_bounce_to_another_host_is_refused);
	tcase_add_test(tc, test_port_to_a_privileged_port_is_refused);
	tcase_add_test(tc, test_pasv_ports_cover_the_range_once_from_a_random_start);
	tcase_add_test(tc, test_pasv_tries_are_bounded_and_one_port_works);
	tcase_add_test(tc, test_login_delay_grows_and_is_capped);
	tcase_add_test(tc, test_rate_limit_paces_to_the_rate);
	tcase_add_test(tc, test_chmod_argument);
	tcase_add_test(tc, test_unsigned_argument);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rules_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
