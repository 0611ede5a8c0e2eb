/* Unit tests for ftpd/tls_rules.c: the FTPS decisions (RFC 4217 AUTH,
 * PBSZ, PROT, CCC; TLS for logins and data; the 522 session reuse rule;
 * ALPN and SNI against ALPACA). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ftpd/ftpd_config.h"
#include "ftpd/tls_rules.h"

#define ARG(s) (s), strlen(s)
#define TAG_LEN 16

static const char *text;

START_TEST(test_auth_tls_starts_only_once_and_before_user)
{
	ck_assert_uint_eq(ftpd_auth_decide(ARG("TLS"), true, false, false,
					   &text), 234);
	ck_assert_str_eq(text, "Proceed with negotiation.");
	ck_assert_uint_eq(ftpd_auth_decide(ARG("tls-c"), true, false, false,
					   &text), 234);
	ck_assert_uint_eq(ftpd_auth_decide(ARG("SSL"), true, false, false,
					   &text), 234);
	ck_assert_uint_eq(ftpd_auth_decide(ARG("TLS"), true, true, false,
					   &text), 503);
	ck_assert_uint_eq(ftpd_auth_decide(ARG("TLS"), true, false, true,
					   &text), 503);
	ck_assert_str_eq(text, "AUTH TLS must come before USER.");
	ck_assert_uint_eq(ftpd_auth_decide(ARG("TLS"), false, false, false,
					   &text), 502);
	ck_assert_uint_eq(ftpd_auth_decide(ARG("GSSAPI"), true, false, false,
					   &text), 504);
	ck_assert_uint_eq(ftpd_auth_decide(ARG("TLSX"), true, false, false,
					   &text), 504);
}
END_TEST

START_TEST(test_pbsz_needs_tls_and_answers_zero)
{
	ck_assert_uint_eq(ftpd_pbsz_decide(false, &text), 503);
	ck_assert_str_eq(text, "PBSZ needs AUTH TLS first.");
	ck_assert_uint_eq(ftpd_pbsz_decide(true, &text), 200);
	ck_assert_str_eq(text, "PBSZ=0");
}
END_TEST

START_TEST(test_prot_levels_and_order)
{
	bool priv = false;

	ck_assert_uint_eq(ftpd_prot_decide(ARG("P"), false, false, false, &priv,
					   &text), 503);
	ck_assert_uint_eq(ftpd_prot_decide(ARG("P"), true, false, false, &priv,
					   &text), 503);
	ck_assert_str_eq(text, "PROT needs PBSZ first (PBSZ 0).");
	ck_assert_uint_eq(ftpd_prot_decide(ARG("p"), true, true, false, &priv,
					   &text), 200);
	ck_assert(priv);
	ck_assert_uint_eq(ftpd_prot_decide(ARG("C"), true, true, false, &priv,
					   &text), 200);
	ck_assert(!priv);
	ck_assert_uint_eq(ftpd_prot_decide(ARG("S"), true, true, false, &priv,
					   &text), 536);
	ck_assert_uint_eq(ftpd_prot_decide(ARG("E"), true, true, false, &priv,
					   &text), 536);
	ck_assert_uint_eq(ftpd_prot_decide(ARG("X"), true, true, false, &priv,
					   &text), 504);
	ck_assert_uint_eq(ftpd_prot_decide(ARG("PP"), true, true, false, &priv,
					   &text), 504);
}
END_TEST

START_TEST(test_prot_c_refused_when_data_must_be_protected)
{
	bool priv = true;

	ck_assert_uint_eq(ftpd_prot_decide(ARG("C"), true, true, true, &priv,
					   &text), 534);
	ck_assert(priv); /* unchanged */
	ck_assert_uint_eq(ftpd_prot_decide(ARG("P"), true, true, true, &priv,
					   &text), 200);
}
END_TEST

START_TEST(test_ccc_needs_tls_and_is_refusable)
{
	/* protected_now, allow, logged_in, busy */
	ck_assert_uint_eq(ftpd_ccc_decide(false, true, true, false, &text), 533);
	ck_assert_uint_eq(ftpd_ccc_decide(true, false, true, false, &text), 534);
	ck_assert_ptr_nonnull(strstr(text, "allow_ccc = no"));
	ck_assert_uint_eq(ftpd_ccc_decide(true, true, false, false, &text), 530);
	ck_assert_uint_eq(ftpd_ccc_decide(true, true, true, true, &text), 534);
	ck_assert_ptr_nonnull(strstr(text, "in flight"));
	ck_assert_uint_eq(ftpd_ccc_decide(true, true, true, false, &text), 200);
}
END_TEST

START_TEST(test_ccc_close_notify_or_clear_text_by_first_byte)
{
	/* TLS 1.2 alert record; TLS 1.3 hides it in application data. */
	ck_assert_int_eq(ftpd_ccc_classify(0x15), FTPD_CCC_TLS_RECORD);
	ck_assert_int_eq(ftpd_ccc_classify(0x17), FTPD_CCC_TLS_RECORD);
	ck_assert_int_eq(ftpd_ccc_classify('P'), FTPD_CCC_CLEAR_TEXT);
	ck_assert_int_eq(ftpd_ccc_classify('q'), FTPD_CCC_CLEAR_TEXT);
	ck_assert_int_eq(ftpd_ccc_classify(0xff), FTPD_CCC_CLEAR_TEXT); /* IAC */
}
END_TEST

START_TEST(test_login_rules_follow_force_local_logins_ssl)
{
	/* enabled, tls_on, anonymous, force_local, allow_anon */
	ck_assert_uint_eq(ftpd_login_tls_decide(true, false, false, true, false,
						&text), 530);
	ck_assert_str_eq(text, "Non-anonymous sessions must use encryption.");
	ck_assert_uint_eq(ftpd_login_tls_decide(true, true, false, true, false,
						&text), 0);
	ck_assert_uint_eq(ftpd_login_tls_decide(true, false, false, false,
						false, &text), 0);
	ck_assert_uint_eq(ftpd_login_tls_decide(true, false, true, true, false,
						&text), 0);
	ck_assert_uint_eq(ftpd_login_tls_decide(true, true, true, true, false,
						&text), 530);
	ck_assert_str_eq(text, "Anonymous sessions may not use encryption.");
	ck_assert_uint_eq(ftpd_login_tls_decide(true, true, true, true, true,
						&text), 0);
	/* ssl_enable = no: the force_* keys do not apply (as in vsftpd). */
	ck_assert_uint_eq(ftpd_login_tls_decide(false, false, false, true,
						false, &text), 0);
}
END_TEST

START_TEST(test_data_in_clear_refused_521_for_local_users)
{
	ck_assert_uint_eq(ftpd_data_tls_decide(true, false, false, true, &text),
			  521);
	ck_assert_uint_eq(ftpd_data_tls_decide(true, true, false, true, &text),
			  0);
	ck_assert_uint_eq(ftpd_data_tls_decide(true, false, true, true, &text),
			  0);
	ck_assert_uint_eq(ftpd_data_tls_decide(true, false, false, false,
					       &text), 0);
	ck_assert_uint_eq(ftpd_data_tls_decide(false, false, false, true,
					       &text), 0);
}
END_TEST

START_TEST(test_reuse_rule_522)
{
	uint8_t want[TAG_LEN], other[TAG_LEN];

	memset(want, 0xa5, sizeof(want));
	memset(other, 0x5a, sizeof(other));
	ck_assert_uint_eq(ftpd_reuse_check(true, true, want, TAG_LEN, want,
					   TAG_LEN, &text), 0);
	/* A new session (Python's ftplib) is refused, as by vsftpd. */
	ck_assert_uint_eq(ftpd_reuse_check(true, false, NULL, 0, want, TAG_LEN,
					   &text), 522);
	ck_assert_str_eq(text, "SSL connection failed: session reuse required");
	/* Resumed, but from another control connection's session. */
	ck_assert_uint_eq(ftpd_reuse_check(true, true, other, TAG_LEN, want,
					   TAG_LEN, &text), 522);
	ck_assert_uint_eq(ftpd_reuse_check(true, true, want, TAG_LEN - 1, want,
					   TAG_LEN, &text), 522);
	ck_assert_uint_eq(ftpd_reuse_check(true, true, NULL, 0, want, TAG_LEN,
					   &text), 522);
	/* require_ssl_reuse = no: anything goes. */
	ck_assert_uint_eq(ftpd_reuse_check(false, false, NULL, 0, want,
					   TAG_LEN, &text), 0);
}
END_TEST

#define ALPN(s) ((const uint8_t *)(s)), (sizeof(s) - 1)

START_TEST(test_alpn_selects_ftp_and_refuses_other_protocols)
{
	const uint8_t *sel;
	static const uint8_t list[] = "\x08http/1.1\x03" "ftp";

	ck_assert_int_eq(ftpd_alpn_decide(FTPD_ALPN_YES, ALPN("\x03" "ftp"),
					  &sel), FTPD_ALPN_SELECT);
	ck_assert_int_eq(memcmp(sel, "ftp", 3), 0);
	ck_assert_int_eq(ftpd_alpn_decide(FTPD_ALPN_YES, list, sizeof(list) - 1,
					  &sel), FTPD_ALPN_SELECT);
	ck_assert_ptr_eq(sel, list + 10);
	/* ALPACA: an HTTP client sent to the FTP server. */
	ck_assert_int_eq(ftpd_alpn_decide(FTPD_ALPN_YES, ALPN("\x08http/1.1"),
					  &sel), FTPD_ALPN_REFUSE);
	ck_assert_int_eq(ftpd_alpn_decide(FTPD_ALPN_NO, ALPN("\x08http/1.1"),
					  &sel), FTPD_ALPN_NOACK);
	/* "ftps" and "ft" are not "ftp". */
	ck_assert_int_eq(ftpd_alpn_decide(FTPD_ALPN_YES, ALPN("\x04" "ftps"),
					  &sel), FTPD_ALPN_REFUSE);
	ck_assert_int_eq(ftpd_alpn_decide(FTPD_ALPN_YES, ALPN("\x02" "ft"),
					  &sel), FTPD_ALPN_REFUSE);
}
END_TEST

START_TEST(test_alpn_missing_and_malformed)
{
	const uint8_t *sel;

	ck_assert_int_eq(ftpd_alpn_decide(FTPD_ALPN_YES, NULL, 0, &sel),
			 FTPD_ALPN_NOACK);
	ck_assert_int_eq(ftpd_alpn_decide(FTPD_ALPN_REQUIRED, NULL, 0, &sel),
			 FTPD_ALPN_REFUSE);
	/* A length running past the end, a zero length. */
	ck_assert_int_eq(ftpd_alpn_decide(FTPD_ALPN_YES, ALPN("\x05" "ftp"),
					  &sel), FTPD_ALPN_REFUSE);
	ck_assert_int_eq(ftpd_alpn_decide(FTPD_ALPN_NO, ALPN("\x00\x03" "ftp"),
					  &sel), FTPD_ALPN_REFUSE);
}
END_TEST

START_TEST(test_sni_must_name_this_server)
{
	ck_assert(ftpd_sni_ok(true, NULL, 0, false, false));
	ck_assert(ftpd_sni_ok(true, ARG("ftp.example.org"), true, false));
	ck_assert(ftpd_sni_ok(true, ARG("vhost.example.org"), false, true));
	ck_assert(!ftpd_sni_ok(true, ARG("mail.example.org"), false, false));
	ck_assert(ftpd_sni_ok(false, ARG("mail.example.org"), false, false));
}
END_TEST

static Suite *tls_rules_suite(void)
{
	Suite *s = suite_create("tls_rules");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_auth_tls_starts_only_once_and_before_user);
	tcase_add_test(tc, test_pbsz_needs_tls_and_answers_zero);
	tcase_add_test(tc, test_prot_levels_and_order);
	tcase_add_test(tc, test_prot_c_refused_when_data_must_be_protected);
	tcase_add_test(tc, test_ccc_needs_tls_and_is_refusable);
	tcase_add_test(tc, test_ccc_close_notify_or_clear_text_by_first_byte);
	tcase_add_test(tc, test_login_rules_follow_force_local_logins_ssl);
	tcase_add_test(tc, test_data_in_clear_refused_521_for_local_users);
	tcase_add_test(tc, test_reuse_rule_522);
	tcase_add_test(tc, test_alpn_selects_ftp_and_refuses_other_protocols);
	tcase_add_test(tc, test_alpn_missing_and_malformed);
	tcase_add_test(tc, test_sni_must_name_this_server);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tls_rules_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
