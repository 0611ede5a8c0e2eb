/* Unit tests for common/ftp_trace.c: what the trace shows of FTP control
 * connections, and what it must never show (passwords, TLS contents). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ftp_trace.h"

#define CLIENT_PORT 1038
#define OUT_CAP 121 /* TS_TRACE_PAYLOAD_MAX + NUL */
#define U(s) ((const uint8_t *)(s))

static struct ftp_trace tr;
static char out[OUT_CAP];

static void setup(void)
{
	ftp_trace_init(&tr, 0);
}

/* The client's view: local 1038, remote 21. */
static size_t client(bool outbound, const void *p, size_t len)
{
	return ftp_trace_decode(&tr, CLIENT_PORT, 21, outbound, p, len, out,
				sizeof(out));
}

/* The server's view: local 21, remote 1038. */
static size_t server(bool outbound, const void *p, size_t len)
{
	return ftp_trace_decode(&tr, 21, CLIENT_PORT, outbound, p, len, out,
				sizeof(out));
}

#define CLIENT_STR(outb, s) client(outb, s, strlen(s))
#define SERVER_STR(outb, s) server(outb, s, strlen(s))

START_TEST(test_command_is_shown_from_both_ends)
{
	ck_assert_uint_eq(CLIENT_STR(true, "USER anonymous\r\n"), 14);
	ck_assert_str_eq(out, "USER anonymous");
	SERVER_STR(false, "CWD /pub\r\n");
	ck_assert_str_eq(out, "CWD /pub");
}
END_TEST

START_TEST(test_reply_is_shown)
{
	CLIENT_STR(false, "331 Please specify the password.\r\n");
	ck_assert_str_eq(out, "331 Please specify the password.");
	SERVER_STR(true, "220 (synfin)\r\n");
	ck_assert_str_eq(out, "220 (synfin)");
}
END_TEST

START_TEST(test_pass_argument_is_always_masked)
{
	CLIENT_STR(true, "PASS s3cret\r\n");
	ck_assert_str_eq(out, "PASS ****");
	SERVER_STR(false, "pass s3cret\r\n");
	ck_assert_str_eq(out, "pass ****");
	CLIENT_STR(true, "ACCT acctpw\r\n");
	ck_assert_str_eq(out, "ACCT ****");
	ck_assert_ptr_null(strstr(out, "acctpw"));
}
END_TEST

START_TEST(test_pass_split_across_segments_never_shows_tail)
{
	CLIENT_STR(true, "PAS");
	ck_assert_ptr_null(strstr(out, "PAS"));
	CLIENT_STR(true, "S s3cret\r\n");
	ck_assert_ptr_null(strstr(out, "s3cret"));
	ck_assert_str_eq(out, "(continued line, 10 bytes)");
	CLIENT_STR(true, "PASS s3");
	ck_assert_str_eq(out, "PASS ****");
	CLIENT_STR(true, "cret\r\n");
	ck_assert_ptr_null(strstr(out, "cret"));
	/* A retransmitted tail, seen out of context, is not a verb. */
	CLIENT_STR(true, "USER a\r\n");
	CLIENT_STR(true, "cret\r\n");
	ck_assert_ptr_null(strstr(out, "cret"));
	/* The line state is back at a line start. */
	CLIENT_STR(true, "SYST\r\n");
	ck_assert_str_eq(out, "SYST");
}
END_TEST

START_TEST(test_multiline_reply_is_shortened)
{
	CLIENT_STR(false, "211-Features:\r\n EPSV\r\n MDTM\r\n211 End\r\n");
	ck_assert_str_eq(out, "211-Features: [+3 lines]");
	CLIENT_STR(false, "230-a\r\n230 b\r\n");
	ck_assert_str_eq(out, "230-a [+1 line]");
}
END_TEST

START_TEST(test_abort_sequence_names_telnet_commands)
{
	static const uint8_t ip[] = { 255, 244 };
	static const uint8_t dm_abor[] = { 255, 242, 'A', 'B', 'O', 'R', '\r',
					   '\n' };

	ck_assert_uint_gt(client(true, ip, sizeof(ip)), 0);
	ck_assert_str_eq(out, "IAC IP");
	client(true, dm_abor, sizeof(dm_abor));
	ck_assert_str_eq(out, "IAC DM ABOR");
}
END_TEST

START_TEST(test_tls_records_show_type_and_length_only)
{
	uint8_t rec[600];

	memset(rec, 'P', sizeof(rec));
	rec[0] = 0x16;
	rec[1] = 0x03;
	rec[2] = 0x01;
	rec[3] = 0x02;
	rec[4] = 0x00; /* 512 */
	client(true, rec, 517);
	ck_assert_str_eq(out, "TLS handshake len=512");
	/* Two records in one segment. */
	rec[517] = 0x17;
	rec[518] = 0x03;
	rec[519] = 0x03;
	rec[520] = 0x00;
	rec[521] = 0x28;
	client(false, rec, 562);
	ck_assert_str_eq(out, "TLS handshake len=512, application-data len=40");
	/* The middle of a record that spans segments is not text. */
	client(true, rec, 300);
	ck_assert_str_eq(out, "TLS handshake len=512");
	client(true, "PASS plain\r\n", 12);
	ck_assert_str_eq(out, "TLS data (continued) 12 bytes");
	client(true, rec, 205); /* the record's end */
	ck_assert_str_eq(out, "TLS data (continued) 205 bytes");
	/* Not whole lines of text after a record: still not text. */
	client(true, "\x01PWD\r\n", 6);
	ck_assert_str_eq(out, "TLS data (continued) 6 bytes");
	/* After CCC (RFC 4217 12.3): clear-text lines at a record
	 * boundary are commands again. */
	client(true, "PWD\r\n", 5);
	ck_assert_str_eq(out, "PWD");
	client(true, "PASS plain\r\n", 12);
	ck_assert_str_eq(out, "PASS ****");
}
END_TEST

/* A data connection (ports 20 / 50000, not the control port): TLS
 * record headers are shown, plain data never. */
START_TEST(test_data_connection_shows_tls_records_only)
{
	static const uint8_t hello[] = { 0x16, 0x03, 0x01, 0x01, 0x00, 1 };
	static const uint8_t bogus[] = { 0x16, 0x03, 0x01, 0xff, 0xff, 1 };

	ck_assert_uint_gt(ftp_trace_decode(&tr, 50000, 40001, false, hello,
					   sizeof(hello), out, sizeof(out)), 0);
	ck_assert_str_eq(out, "TLS handshake len=256");
	ck_assert_uint_eq(ftp_trace_decode(&tr, 50000, 40001, true,
					   U("PASS x\r\n"), 8, out,
					   sizeof(out)), 0);
	/* Too long for a record: file data that looks like a header. */
	ck_assert_uint_eq(ftp_trace_decode(&tr, 20, 40001, true, bogus,
					   sizeof(bogus), out, sizeof(out)), 0);
}
END_TEST

START_TEST(test_alert_and_change_cipher_spec_names)
{
	static const uint8_t alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 1, 0 };
	static const uint8_t ccs[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 1 };

	server(true, alert, sizeof(alert));
	ck_assert_str_eq(out, "TLS alert len=2");
	ftp_trace_init(&tr, 0);
	server(true, ccs, sizeof(ccs));
	ck_assert_str_eq(out, "TLS change-cipher-spec len=1");
}
END_TEST

START_TEST(test_other_connections_render_nothing)
{
	ck_assert_uint_eq(ftp_trace_decode(&tr, 40000, 20, true,
					   U("USER x\r\n"), 8, out, sizeof(out)),
			  0);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(ftp_trace_decode(&tr, 20, 40000, false, U("x"), 1, out,
					   sizeof(out)),
			  0);
}
END_TEST

START_TEST(test_configured_port_is_used)
{
	ftp_trace_init(&tr, 2121);
	ck_assert_uint_eq(CLIENT_STR(true, "NOOP\r\n"), 0);
	ck_assert_uint_gt(ftp_trace_decode(&tr, 5000, 2121, true, U("NOOP\r\n"),
					   6, out, sizeof(out)),
			  0);
	ck_assert_str_eq(out, "NOOP");
}
END_TEST

START_TEST(test_non_commands_and_binary_are_not_shown_as_text)
{
	static const uint8_t bin[] = { 0x01, 0x80, 0xff, 'a', '\n' };

	CLIENT_STR(true, "hello world\r\n");
	ck_assert_str_eq(out, "(13 bytes, not an FTP command)");
	client(true, bin, sizeof(bin));
	ck_assert_str_eq(out, "(5 bytes, not an FTP command)");
	/* Replies are shown, but never with control characters. */
	client(false, "500 \x1b[2Jx\r\n", 11);
	ck_assert_str_eq(out, "500 .[2Jx");
}
END_TEST

START_TEST(test_output_is_bounded_by_cap)
{
	char line[400], small[10];
	size_t n;

	memset(line, 'x', sizeof(line));
	memcpy(line, "250 ", 4);
	n = client(false, line, sizeof(line));
	ck_assert_uint_eq(n, OUT_CAP - 1);
	ck_assert_uint_eq(strlen(out), OUT_CAP - 1);
	n = ftp_trace_decode(&tr, CLIENT_PORT, 21, false, U(line), sizeof(line),
			     small, sizeof(small));
	ck_assert_uint_eq(n, 9);
	ck_assert_str_eq(small, "250 xxxxx");
}
END_TEST

START_TEST(test_many_connections_evict_oldest)
{
	unsigned i;

	/* More connections than the table holds: all still decode. */
	for (i = 0; i < 3 * FTP_TRACE_CONN_MAX; i++)
		ck_assert_uint_gt(ftp_trace_decode(&tr, (uint16_t)(2000 + i),
						   21, true, U("NOOP\r\n"), 6,
						   out, sizeof(out)),
				  0);
	ck_assert_str_eq(out, "NOOP");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ftp_trace");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_command_is_shown_from_both_ends);
	tcase_add_test(tc, test_reply_is_shown);
	tcase_add_test(tc, test_pass_argument_is_always_masked);
	tcase_add_test(tc, test_pass_split_across_segments_never_shows_tail);
	tcase_add_test(tc, test_multiline_reply_is_shortened);
	tcase_add_test(tc, test_abort_sequence_names_telnet_commands);
	tcase_add_test(tc, test_tls_records_show_type_and_length_only);
	tcase_add_test(tc, test_alert_and_change_cipher_spec_names);
	tcase_add_test(tc, test_other_connections_render_nothing);
	tcase_add_test(tc, test_configured_port_is_used);
	tcase_add_test(tc, test_non_commands_and_binary_are_not_shown_as_text);
	tcase_add_test(tc, test_output_is_bounded_by_cap);
	tcase_add_test(tc, test_many_connections_evict_oldest);
	tcase_add_test(tc, test_data_connection_shows_tls_records_only);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
