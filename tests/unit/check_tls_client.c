/* Unit tests for ftp/tls_client.c's pure part: the -z words, and for
 * common/tls.c what a client connection is bound to (the host name or
 * the address the certificate must match; SNI for names only). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tls.h"
#include "tls_client.h"

static char err[256];

START_TEST(test_z_words)
{
	struct ftpc_opts o;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(ftpc_tls_option(&o, "tls", err, sizeof(err)), 0);
	ck_assert(o.tls);
	ck_assert_int_eq(ftpc_tls_option(&o, "notls", err, sizeof(err)), 0);
	ck_assert(!o.tls);
	ck_assert_int_eq(ftpc_tls_option(&o, "ssl", err, sizeof(err)), 0);
	ck_assert(o.tls);
	ck_assert_int_eq(ftpc_tls_option(&o, "noverify", err, sizeof(err)), 0);
	ck_assert(o.tls_noverify);
	ck_assert_int_eq(ftpc_tls_option(&o, "cafile=/etc/ca.pem", err,
					 sizeof(err)), 0);
	ck_assert_str_eq(o.tls_cafile, "/etc/ca.pem");
	ck_assert_int_eq(ftpc_tls_option(&o, "cafile=", err, sizeof(err)), -1);
	ck_assert_int_eq(ftpc_tls_option(&o, "verify", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "bad -z 'verify': give tls, notls, noverify or "
			 "cafile=FILE");
}
END_TEST

START_TEST(test_client_binds_name_or_address)
{
	struct tls_client_opts o = { NULL, true, TLS_MIN_1_2 };
	SSL_CTX *ctx = tls_client_ctx_new(&o, err, sizeof(err));
	SSL *ssl;

	ck_assert_ptr_nonnull(ctx);
	ck_assert(tls_host_is_ip("76.88.16.16"));
	ck_assert(!tls_host_is_ip("ftp.example.org"));
	ck_assert(!tls_host_is_ip("76.88.16"));
	/* A name: SNI (and the host check, see ftp_tls.sh). */
	ssl = tls_client_ssl_new(ctx, "ftp.example.org", err, sizeof(err));
	ck_assert_ptr_nonnull(ssl);
	ck_assert_str_eq(SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name),
			 "ftp.example.org");
	SSL_free(ssl);
	/* An address: no SNI (RFC 6066 3); an IP check instead. */
	ssl = tls_client_ssl_new(ctx, "76.88.16.16", err, sizeof(err));
	ck_assert_ptr_nonnull(ssl);
	ck_assert_ptr_null(SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name));
	SSL_free(ssl);
	SSL_CTX_free(ctx);
}
END_TEST

START_TEST(test_missing_ca_file_is_named)
{
	struct tls_client_opts o = { "/nonexistent/ca.pem", true, TLS_MIN_1_2 };

	ck_assert_ptr_null(tls_client_ctx_new(&o, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "CA file /nonexistent/ca.pem: "));
	ck_assert_ptr_nonnull(strstr(err, "give a PEM file"));
}
END_TEST

static Suite *tls_client_suite(void)
{
	Suite *s = suite_create("tls_client");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_z_words);
	tcase_add_test(tc, test_client_binds_name_or_address);
	tcase_add_test(tc, test_missing_ca_file_is_named);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tls_client_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
