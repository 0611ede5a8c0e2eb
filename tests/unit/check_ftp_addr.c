/* Unit tests for common/ftp_addr.c: PORT, PASV, EPRT, EPSV arguments. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ftp_addr.h"
#include "ftp_limits.h"

#define IP_SEED_CLIENT 0x4c581068u /* 76.88.16.104 */

static enum ftp_addr_rc port_parse(const char *s, struct ftp_hostport *hp)
{
	return ftp_port_parse(s, strlen(s), hp);
}

START_TEST(test_port_parses_seed_client)
{
	struct ftp_hostport hp;

	ck_assert_int_eq(port_parse("76,88,16,104,4,14", &hp), FTP_ADDR_OK);
	ck_assert_uint_eq(hp.ip, IP_SEED_CLIENT);
	ck_assert_uint_eq(hp.port, 1038);
}
END_TEST

START_TEST(test_port_rejects_out_of_range_and_malformed)
{
	static const char *const bad[] = {
		"256,0,0,1,4,14", "1,2,3,4,5", "1,2,3,4,5,6,7", "1,2,3,4,0,0",
		"1,2,3,4,5,256", "1,2,3,4,5,6 ", " 1,2,3,4,5,6", "1,,3,4,5,6",
		"1,2,3,4,5,-6", "1,2,3,4,5,0006", "99999999999999999999,1,1,1,1,1",
		"4294967297,0,0,1,4,14", "", "a,b,c,d,e,f", "1, 2,3,4,5,6",
	};
	struct ftp_hostport hp;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(port_parse(bad[i], &hp) == FTP_ADDR_BAD,
			      "accepted \"%s\"", bad[i]);
}
END_TEST

START_TEST(test_port_format_round_trips)
{
	struct ftp_hostport hp = { IP_SEED_CLIENT, 1038 }, back;
	char buf[FTP_HOSTPORT_STR_MAX];
	size_t n = ftp_port_format(&hp, buf, sizeof(buf));

	ck_assert_str_eq(buf, "76,88,16,104,4,14");
	ck_assert_uint_eq(n, strlen(buf));
	ck_assert_int_eq(ftp_port_parse(buf, n, &back), FTP_ADDR_OK);
	ck_assert_uint_eq(back.ip, hp.ip);
	ck_assert_uint_eq(back.port, hp.port);
}
END_TEST

START_TEST(test_port_format_truncates_to_cap)
{
	struct ftp_hostport hp = { 0xffffffffu, 65535 };
	char buf[8];

	ck_assert_uint_eq(ftp_port_format(&hp, buf, sizeof(buf)), 7);
	ck_assert_str_eq(buf, "255,255");
}
END_TEST

START_TEST(test_pasv_accepts_real_server_formats)
{
	static const char *const ok[] = {
		"227 Entering Passive Mode (76,88,16,16,19,137).",
		"227 Entering Passive Mode (76,88,16,16,19,137)",
		"227 Entering Passive Mode 76,88,16,16,19,137",
		"Entering Passive Mode (76,88,16,16,19,137)",
		"227 =76,88,16,16,19,137",
		"227 Passive (76, 88, 16, 16, 19, 137)",
	};
	struct ftp_hostport hp;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		memset(&hp, 0, sizeof(hp));
		ck_assert_msg(ftp_pasv_parse(ok[i], strlen(ok[i]), &hp) ==
				      FTP_ADDR_OK, "refused \"%s\"", ok[i]);
		ck_assert_uint_eq(hp.ip, 0x4c581010u);
		ck_assert_uint_eq(hp.port, 19u * 256u + 137u);
	}
}
END_TEST

START_TEST(test_pasv_rejects_bad_numbers)
{
	static const char *const bad[] = {
		"227 Entering Passive Mode (76,88,16,16,19)",
		"227 Entering Passive Mode (76,88,16,300,19,137)",
		"227 Entering Passive Mode (76,88,16,16,0,0)",
		"227 Entering Passive Mode",
		"227 (1,2,3,4,5,6789)",
		"",
	};
	struct ftp_hostport hp;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ftp_pasv_parse(bad[i], strlen(bad[i]), &hp) ==
				      FTP_ADDR_BAD, "accepted \"%s\"", bad[i]);
}
END_TEST

START_TEST(test_pasv_format_is_parsed_back)
{
	struct ftp_hostport hp = { 0x4c581010u, 5001 }, back;
	char buf[FTP_PASV_REPLY_MAX];
	size_t n = ftp_pasv_format(&hp, buf, sizeof(buf));

	ck_assert_str_eq(buf, "227 Entering Passive Mode (76,88,16,16,19,137).");
	ck_assert_int_eq(ftp_pasv_parse(buf, n, &back), FTP_ADDR_OK);
	ck_assert_uint_eq(back.port, 5001);
}
END_TEST

START_TEST(test_eprt_parses_any_delimiter)
{
	static const char *const ok[] = {
		"|1|76.88.16.104|1038|", "!1!76.88.16.104!1038!",
		"~1~76.88.16.104~1038~",
	};
	struct ftp_hostport hp;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_int_eq(ftp_eprt_parse(ok[i], strlen(ok[i]), &hp),
				 FTP_ADDR_OK);
		ck_assert_uint_eq(hp.ip, IP_SEED_CLIENT);
		ck_assert_uint_eq(hp.port, 1038);
	}
}
END_TEST

START_TEST(test_eprt_other_protocol_is_distinct)
{
	const char *v6 = "|2|::1|5282|";
	struct ftp_hostport hp;

	ck_assert_int_eq(ftp_eprt_parse(v6, strlen(v6), &hp),
			 FTP_ADDR_BAD_PROTO);
	ck_assert_int_eq(ftp_eprt_parse("|3|x|1|", 7, &hp), FTP_ADDR_BAD_PROTO);
}
END_TEST

START_TEST(test_eprt_rejects_malformed)
{
	static const char *const bad[] = {
		"|1|76.88.16.104|0|", "|1|76.88.16.104|65536|",
		"|1|76.88.16.104|1038", "|1|76.88.16|1038|",
		"|1|76.88.16.256|1038|", "|1|76.88.16.104|1038|x",
		"\x7f" "1\x7f" "1.2.3.4\x7f" "5\x7f", " 1 1.2.3.4 5 ",
		"|x|1.2.3.4|5|", "||1.2.3.4|5|", "|1|1.2.3.4|99999999999|",
		"|2|::1|5282", "|", "", "|1|1.2.3.4|5||",
	};
	struct ftp_hostport hp;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ftp_eprt_parse(bad[i], strlen(bad[i]), &hp) ==
				      FTP_ADDR_BAD, "accepted \"%s\"", bad[i]);
}
END_TEST

START_TEST(test_eprt_format_round_trips)
{
	struct ftp_hostport hp = { IP_SEED_CLIENT, 1038 }, back;
	char buf[FTP_EPRT_STR_MAX];
	size_t n = ftp_eprt_format(&hp, buf, sizeof(buf));

	ck_assert_str_eq(buf, "|1|76.88.16.104|1038|");
	ck_assert_int_eq(ftp_eprt_parse(buf, n, &back), FTP_ADDR_OK);
	ck_assert_uint_eq(back.ip, hp.ip);
}
END_TEST

START_TEST(test_epsv_parses_reply_and_rejects_bad_ports)
{
	const char *ok = "229 Entering Extended Passive Mode (|||6446|)";
	const char *other = "229 EPSV ok (!!!65535!)";
	static const char *const bad[] = {
		"229 Entering Extended Passive Mode (|||0|)",
		"229 Entering Extended Passive Mode (|||65536|)",
		"229 Entering Extended Passive Mode (||6446|)",
		"229 Entering Extended Passive Mode (|||6446|",
		"229 Entering Extended Passive Mode (|||6446!)",
		"229 Entering Extended Passive Mode |||6446|",
		"229 (|1|1.2.3.4|6446|)",
	};
	uint16_t port = 0;
	size_t i;

	ck_assert_int_eq(ftp_epsv_parse(ok, strlen(ok), &port), FTP_ADDR_OK);
	ck_assert_uint_eq(port, 6446);
	ck_assert_int_eq(ftp_epsv_parse(other, strlen(other), &port),
			 FTP_ADDR_OK);
	ck_assert_uint_eq(port, 65535);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ftp_epsv_parse(bad[i], strlen(bad[i]), &port) ==
				      FTP_ADDR_BAD, "accepted \"%s\"", bad[i]);
}
END_TEST

START_TEST(test_epsv_format_is_parsed_back)
{
	char buf[FTP_EPSV_REPLY_MAX];
	uint16_t port = 0;
	size_t n = ftp_epsv_format(6446, buf, sizeof(buf));

	ck_assert_str_eq(buf, "229 Entering Extended Passive Mode (|||6446|)");
	ck_assert_int_eq(ftp_epsv_parse(buf, n, &port), FTP_ADDR_OK);
	ck_assert_uint_eq(port, 6446);
}
END_TEST

START_TEST(test_ipv4_parse_and_format)
{
	uint32_t ip;
	char buf[16];

	ck_assert_int_eq(ftp_ipv4_parse("76.88.16.104", 12, &ip), FTP_ADDR_OK);
	ck_assert_uint_eq(ip, IP_SEED_CLIENT);
	ck_assert_str_eq(ftp_ipv4_format(ip, buf), "76.88.16.104");
	ck_assert_int_eq(ftp_ipv4_parse("76.88.16.104.1", 14, &ip),
			 FTP_ADDR_BAD);
	ck_assert_int_eq(ftp_ipv4_parse("1.2.3.4x", 8, &ip), FTP_ADDR_BAD);
	/* Explicit length: the bytes after len are not read. */
	ck_assert_int_eq(ftp_ipv4_parse("1.2.3.45", 7, &ip), FTP_ADDR_OK);
	ck_assert_uint_eq(ip, 0x01020304u);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ftp_addr");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_port_parses_seed_client);
	tcase_add_test(tc, test_port_rejects_out_of_range_and_malformed);
	tcase_add_test(tc, test_port_format_round_trips);
	tcase_add_test(tc, test_port_format_truncates_to_cap);
	tcase_add_test(tc, test_pasv_accepts_real_server_formats);
	tcase_add_test(tc, test_pasv_rejects_bad_numbers);
	tcase_add_test(tc, test_pasv_format_is_parsed_back);
	tcase_add_test(tc, test_eprt_parses_any_delimiter);
	tcase_add_test(tc, test_eprt_other_protocol_is_distinct);
	tcase_add_test(tc, test_eprt_rejects_malformed);
	tcase_add_test(tc, test_eprt_format_round_trips);
	tcase_add_test(tc, test_epsv_parses_reply_and_rejects_bad_ports);
	tcase_add_test(tc, test_epsv_format_is_parsed_back);
	tcase_add_test(tc, test_ipv4_parse_and_format);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
