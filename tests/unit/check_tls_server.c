/* Unit tests for ftpd/tls_server.c and tls_mkcert.c: the TLS context of
 * a configuration (certificate and key files, and what is said when they
 * are wrong), the self-signed certificate of --make-cert, and a reload
 * that cannot read the key any more. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ftpd/ftpd_config.h"
#include "ftpd/privs.h"
#include "tls.h"
#include "ftpd/tls_server.h"

#define PATH_CAP 512

static char dir[] = "/tmp/check_tls_server.XXXXXX";
static char a_pem[PATH_CAP], a_crt[PATH_CAP], b_pem[PATH_CAP];
static char err[1024];
static struct ftpd_config c;
static struct ftpd_privs *privs;

static void path(char *out, const char *name)
{
	snprintf(out, PATH_CAP, "%s/%s", dir, name);
}

static void write_file(const char *p, const char *text, mode_t mode)
{
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
}

static void set(const char *cert, const char *key)
{
	free(c.rsa_cert_file);
	free(c.rsa_private_key_file);
	c.rsa_cert_file = strdup(cert);
	c.rsa_private_key_file = strdup(key);
}

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(ftpd_config_init(&c, err, sizeof(err)), 0);
	c.ssl_enable = true;
	path(a_pem, "a.pem");
	path(a_crt, "a.pem.crt");
	path(b_pem, "b.pem");
	ck_assert_int_eq(ftpd_make_cert(&c, a_pem, err, sizeof(err)), 0);
	ck_assert_int_eq(ftpd_make_cert(&c, b_pem, err, sizeof(err)), 0);
	privs = ftpd_privs_new();
	ck_assert_ptr_nonnull(privs);
}

static void teardown(void)
{
	char cmd[PATH_CAP + 16];

	ftpd_privs_free(privs);
	ftpd_config_free(&c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(dir + strlen(dir) - 6, "XXXXXX");
}

static int build(struct ftpd_tls_ctx **t)
{
	return ftpd_tls_ctx_new(privs, &c, NULL, t, err, sizeof(err));
}

START_TEST(test_make_cert_writes_key_0600_and_names_the_address)
{
	struct ftpd_tls_ctx *t = NULL;
	struct stat st;

	ck_assert_int_eq(stat(a_pem, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(stat(a_crt, &st), 0);
	set(a_pem, "");
	ck_assert_int_eq(build(&t), 0);
	ck_assert(tls_cert_matches(t->ctx, "76.88.16.16", 11));
	ck_assert(!tls_cert_matches(t->ctx, "76.88.16.17", 11));
	ck_assert(!tls_cert_matches(t->ctx, "mail.example.org", 16));
	ftpd_tls_ctx_free(t);
}
END_TEST

START_TEST(test_make_cert_never_overwrites)
{
	ck_assert_int_eq(ftpd_make_cert(&c, a_pem, err, sizeof(err)), -EEXIST);
	ck_assert_ptr_nonnull(strstr(err, "remove it first"));
}
END_TEST

START_TEST(test_missing_certificate_file_is_named)
{
	struct ftpd_tls_ctx *t = NULL;
	char p[PATH_CAP];

	path(p, "nothere.pem");
	set(p, "");
	ck_assert_int_lt(build(&t), 0);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err, "rsa_cert_file"));
	ck_assert_ptr_nonnull(strstr(err, "nothere.pem"));
}
END_TEST

START_TEST(test_garbage_is_no_certificate)
{
	struct ftpd_tls_ctx *t = NULL;
	char p[PATH_CAP];

	path(p, "junk.pem");
	write_file(p, "this is not PEM\n", 0600);
	set(p, "");
	ck_assert_int_eq(build(&t), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "no certificate in it"));
	ck_assert_ptr_nonnull(strstr(err, "ftpd --make-cert"));
}
END_TEST

START_TEST(test_certificate_without_key)
{
	struct ftpd_tls_ctx *t = NULL;

	chmod(a_crt, 0600);
	set(a_crt, "");
	ck_assert_int_eq(build(&t), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "no usable private key"));
}
END_TEST

START_TEST(test_key_of_another_certificate)
{
	struct ftpd_tls_ctx *t = NULL;

	set(a_crt, b_pem);
	ck_assert_int_eq(build(&t), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "does not match the certificate"));
}
END_TEST

START_TEST(test_key_readable_by_others_is_refused)
{
	struct ftpd_tls_ctx *t = NULL;

	chmod(b_pem, 0644);
	set(a_crt, b_pem);
	ck_assert_int_eq(build(&t), -EPERM);
	ck_assert_ptr_nonnull(strstr(err, "chmod 600"));
	/* The combined file likewise. */
	chmod(a_pem, 0604);
	set(a_pem, "");
	ck_assert_int_eq(build(&t), -EPERM);
}
END_TEST

START_TEST(test_reload_keeps_the_context_of_the_same_files)
{
	struct ftpd_tls_ctx *prev = NULL, *t = NULL;

	set(a_pem, "");
	ck_assert_int_eq(build(&prev), 0);
	/* The file cannot be read now (a root-only key after the
	 * privilege drop looks the same): the loaded context stays. */
	ck_assert_int_eq(unlink(a_pem), 0);
	ck_assert_int_eq(ftpd_tls_ctx_new(privs, &c, prev, &t, err,
					  sizeof(err)), 0);
	ck_assert_ptr_eq(t->ctx, prev->ctx);
	ftpd_tls_ctx_free(t);
	/* Another minimum version (or other files, ciphers): the old
	 * context would not do; the reload fails. */
	c.ssl_min_version = FTPD_TLS_1_3;
	ck_assert_int_eq(ftpd_tls_ctx_new(privs, &c, prev, &t, err,
					  sizeof(err)), -ENOENT);
	ck_assert_ptr_null(t);
	ftpd_tls_ctx_free(prev);
}
END_TEST

START_TEST(test_minimum_version_1_3)
{
	struct ftpd_tls_ctx *t = NULL;

	set(a_pem, "");
	c.ssl_min_version = FTPD_TLS_1_3;
	ck_assert_int_eq(build(&t), 0);
	ck_assert_int_eq(SSL_CTX_get_min_proto_version(t->ctx), TLS1_3_VERSION);
	ftpd_tls_ctx_free(t);
	c.ssl_min_version = FTPD_TLS_1_2;
	ck_assert_int_eq(build(&t), 0);
	ck_assert_int_eq(SSL_CTX_get_min_proto_version(t->ctx), TLS1_2_VERSION);
	ftpd_tls_ctx_free(t);
}
END_TEST

START_TEST(test_allow_ccc_yes_is_accepted)
{
	set(a_pem, "");
	c.local_enable = false;
	c.anonymous_enable = true;
	free(c.anon_root);
	c.anon_root = strdup(dir);
	c.allow_ccc = true;
	ck_assert_msg(ftpd_config_check(&c, "test", err, sizeof(err)) == 0,
		      "%s", err);
}
END_TEST

static Suite *tls_server_suite(void)
{
	Suite *s = suite_create("tls_server");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_make_cert_writes_key_0600_and_names_the_address);
	tcase_add_test(tc, test_make_cert_never_overwrites);
	tcase_add_test(tc, test_missing_certificate_file_is_named);
	tcase_add_test(tc, test_garbage_is_no_certificate);
	tcase_add_test(tc, test_certificate_without_key);
	tcase_add_test(tc, test_key_of_another_certificate);
	tcase_add_test(tc, test_key_readable_by_others_is_refused);
	tcase_add_test(tc, test_reload_keeps_the_context_of_the_same_files);
	tcase_add_test(tc, test_minimum_version_1_3);
	tcase_add_test(tc, test_allow_ccc_yes_is_accepted);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tls_server_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
