/* Unit tests for ftpd_config.c and its key table: safe defaults, the
 * sample file, every key documented, value checks, rules between keys,
 * permissions and virtual hosts. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftpd/ftpd_config.h"
#include "ftpd/users.h"
#include "log.h"

static struct ftpd_config c;
static char err[1024];

static void setup(void)
{
	ck_assert_msg(ftpd_config_init(&c, err, sizeof(err)) == 0, "%s", err);
}

static void teardown(void)
{
	ftpd_config_free(&c);
}

static const char *srcdir(void)
{
	const char *d = getenv("top_srcdir");

	return d ? d : "..";
}

/* Applies "key=value" overrides, then the rules between keys. */
static int set(const char *kv)
{
	const char *one[] = { kv };

	return ftpd_config_load(&c, NULL, one, 1, err, sizeof(err));
}

START_TEST(test_defaults_are_safe)
{
	ck_assert(c.anonymous_enable);
	ck_assert(!c.local_enable);
	ck_assert(!c.write_enable);
	ck_assert(!c.anon_upload_enable);
	ck_assert(!c.anon_mkdir_write_enable);
	ck_assert(!c.anon_other_write_enable);
	ck_assert(!c.pasv_promiscuous);
	ck_assert(!c.port_promiscuous);
	ck_assert_int_eq(c.pasv_min_port, 49152);
	ck_assert_int_eq(c.pasv_max_port, 65535);
	ck_assert_int_eq(c.max_clients, 2000);
	ck_assert_int_eq(c.max_per_ip, 50);
	ck_assert_int_eq(c.max_login_fails, 3);
	ck_assert_int_eq(c.idle_session_timeout_ms, 300000);
	ck_assert_int_eq(c.data_connection_timeout_ms, 300000);
	ck_assert_int_eq(c.login_timeout_ms, 60000);
	ck_assert_int_eq(c.msl_ms, 30000);
	ck_assert_uint_eq(c.address.addr, 0x4c581010u);
	ck_assert_uint_eq(c.address.prefix, 24);
	ck_assert_str_eq(c.link, "hub");
	ck_assert_int_eq(c.trace, FTPD_TRACE_OFF);
	ck_assert_int_eq(c.log_level, LOG_LVL_INFO);
	ck_assert_int_eq(c.ssl_min_version, FTPD_TLS_1_2);
	ck_assert(c.require_ssl_reuse && c.ssl_alpn && c.ssl_sni_check);
	ck_assert(!c.allow_ccc && !c.background);
	ck_assert_uint_eq(ftpd_config_anon_perms(&c),
			  FTPD_PERM_READ | FTPD_PERM_LIST);
	ck_assert_int_eq(ftpd_config_check(&c, "defaults", err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_sample_config_passes_the_check)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/conf/ftpd.conf", srcdir());
	ck_assert_msg(ftpd_config_load(&c, path, NULL, 0, err, sizeof(err)) == 0,
		      "%s", err);
}
END_TEST

START_TEST(test_every_key_is_documented_in_the_man_page)
{
	const struct cfg_table *t = ftpd_config_table();
	char path[512], needle[96], *text;
	FILE *f;
	long n;
	size_t i;

	snprintf(path, sizeof(path), "%s/ftpd/ftpd.conf.5", srcdir());
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	ck_assert_uint_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	for (i = 0; i < t->nkeys; i++) {
		snprintf(needle, sizeof(needle), "\n.B %s\n", t->keys[i].name);
		ck_assert_msg(strstr(text, needle), "%s is not in ftpd.conf.5",
			      t->keys[i].name);
	}
	free(text);
}
END_TEST

START_TEST(test_overrides_apply_after_the_file_in_order)
{
	char path[] = "/tmp/check_ftpd_config.XXXXXX";
	const char *o[] = { "listen_port=2121", "listen_port = 2122",
			    "trace=all" };
	FILE *f;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("listen_port = 21\ntrace = states\nmax_clients = 100\n", f);
	fclose(f);
	ck_assert_int_eq(ftpd_config_load(&c, path, o, 3, err, sizeof(err)), 0);
	unlink(path);
	ck_assert_int_eq(c.listen_port, 2122);
	ck_assert_int_eq(c.trace, FTPD_TRACE_ALL);
	ck_assert_int_eq(c.max_clients, 100);
}
END_TEST

/* arp= repeats, in either form; a bad entry names file and line. */
START_TEST(test_arp_entries_listed_and_checked)
{
	char path[] = "/tmp/check_ftpd_config.XXXXXX", want[256];
	FILE *f;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("arp = 76.88.16.104 02:00:00:00:00:68\n"
	      "arp = 76.88.16.105=02:00:00:00:00:69\n", f);
	fclose(f);
	ck_assert_int_eq(ftpd_config_load(&c, path, NULL, 0, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.arp.n, 2);
	ck_assert_str_eq(c.arp.items[0], "76.88.16.104 02:00:00:00:00:68");
	ck_assert_str_eq(c.arp.items[1], "76.88.16.105=02:00:00:00:00:69");
	ftpd_config_free(&c);
	setup();
	f = fopen(path, "a");
	fputs("arp = 76.88.16.106 ff:ff:ff:ff:ff:ff\n", f);
	fclose(f);
	ck_assert_int_eq(ftpd_config_load(&c, path, NULL, 0, err, sizeof(err)),
			 -EINVAL);
	unlink(path);
	snprintf(want, sizeof(want), "%s:3: bad value", path);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got: %s", err);
	ck_assert_ptr_nonnull(strstr(err, "expected A.B.C.D aa:bb:cc:dd:ee:ff"));
	ck_assert_int_eq(set("arp=76.88.16.104"), -EINVAL);
	ck_assert_int_eq(set("arp=0.0.0.0=02:00:00:00:00:68"), -EINVAL);
	ck_assert_int_eq(set("arp=76.88.16.104=01:00:5e:00:00:01"), -EINVAL);
}
END_TEST

START_TEST(test_rules_between_keys_name_values_and_fix)
{
	ck_assert_int_eq(set("max_clients=10"), -EINVAL);
	ck_assert_str_eq(err, "command line: max_per_ip 50 is greater than "
			 "max_clients 10; lower it");
	ftpd_config_free(&c);
	setup();
	ck_assert_int_eq(set("pasv_min_port=60000"), 0);
	ck_assert_int_eq(set("pasv_max_port=50000"), -EINVAL);
	ck_assert_str_eq(err, "command line: pasv_min_port 60000 is greater "
			 "than pasv_max_port 50000; swap them");
	ftpd_config_free(&c);
	setup();
	ck_assert_int_eq(set("anonymous_enable=no"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "no one could log in"));
	ck_assert_int_eq(set("local_enable=yes"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "needs users_file"));
	ck_assert_int_eq(set("users_file=/etc/synfin/ftpd.users"), 0);
	ck_assert_int_eq(set("rsa_cert_file="), 0);
	ck_assert_int_eq(set("ssl_enable=yes"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "ssl_enable = yes needs rsa_cert_file"));
}
END_TEST

START_TEST(test_network_rules)
{
	ck_assert_int_eq(set("mtu=67"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "mtu 67 is too small"));
	ck_assert_int_eq(set("mtu=1500"), 0);
	ck_assert_int_eq(set("gateway=10.0.0.1"), -EINVAL);
	ck_assert_str_eq(err, "command line: gateway 10.0.0.1 is not on the "
			 "subnet of address 76.88.16.16/24; give a router "
			 "inside it");
	ck_assert_int_eq(set("gateway=76.88.16.1"), 0);
	ck_assert_int_eq(set("listen_address=76.88.16.17"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "set address = 76.88.16.17/PREFIX"));
	ck_assert_int_eq(set("listen_address=76.88.16.16"), 0);
	ck_assert_int_eq(set("mac=03:00:00:00:00:01"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "group (multicast)"));
	ck_assert_int_eq(set("mac=02:00:00:00:00:01"), 0);
}
END_TEST

START_TEST(test_link_values)
{
	static const char *const good[] = {
		"link=hub", "link=hub:/tmp/hub", "link=packet:veth0",
		"link=tap:tap-sf1", "link=tun:tun0", "link=hub:",
	};
	static const char *const bad[] = {
		"link=packet:", "link=eth0", "link=tap:averyveryverylongname",
		"link=tun:a/b", "link=packet:..", "link=mem:x",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(set(good[i]) == 0, "%s: %s", good[i], err);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(set(bad[i]) == -EINVAL, "%s accepted", bad[i]);
		ck_assert_ptr_nonnull(strstr(err, "expected hub, hub:DIR"));
	}
}
END_TEST

START_TEST(test_impair_validated_by_the_stack_parser)
{
	ck_assert_msg(set("impair=loss=5%,dup=1%,reorder=5%,corrupt=1%,"
			  "delay=50ms,jitter=10ms,rate=100mbit,seed=7") == 0,
		      "%s", err);
	ck_assert_str_eq(c.impair, "loss=5%,dup=1%,reorder=5%,corrupt=1%,"
			 "delay=50ms,jitter=10ms,rate=100mbit,seed=7");
	ck_assert_int_eq(set("impair=loss=banana"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "command line: bad value "
				     "'loss=banana' for impair: "));
	ck_assert_int_eq(set("impair="), 0);
	ck_assert_str_eq(c.impair, "");
}
END_TEST

START_TEST(test_chroot_local_user_no_is_refused)
{
	ck_assert_int_eq(set("chroot_local_user=YES"), 0);
	ck_assert_int_eq(set("chroot_local_user=no"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "only yes is accepted"));
}
END_TEST

START_TEST(test_roots_must_be_absolute)
{
	ck_assert_int_eq(set("anon_root=srv/ftp"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "expected an absolute path"));
	ck_assert_int_eq(set("anon_root="), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "needs anon_root"));
}
END_TEST

START_TEST(test_unknown_key_suggests_a_real_key)
{
	ck_assert_int_eq(set("anon_upload_enabel=yes"), -ENOENT);
	ck_assert_str_eq(err, "command line: unknown key 'anon_upload_enabel'; "
			 "did you mean 'anon_upload_enable'? (every key is "
			 "listed in ftpd.conf(5))");
}
END_TEST

START_TEST(test_virtual_hosts_lookup)
{
	ck_assert_int_eq(set("host=ftp.example.org:/srv/ftp/example"), 0);
	ck_assert_int_eq(set("host=[76.88.16.16]:/srv/ftp/by-ip"), 0);
	ck_assert_str_eq(ftpd_config_host_root(&c, "FTP.Example.ORG", 15),
			 "/srv/ftp/example");
	ck_assert_str_eq(ftpd_config_host_root(&c, "[76.88.16.16]", 13),
			 "/srv/ftp/by-ip");
	ck_assert_ptr_null(ftpd_config_host_root(&c, "ftp.example", 11));
	ck_assert_int_eq(set("host=ftp.example.org:/elsewhere"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "two host lines name the same host"));
	ck_assert_int_eq(set("host=bad name:/x"), -EINVAL);
	ck_assert_int_eq(set("host=name:relative"), -EINVAL);
	ck_assert_int_eq(set("host=[]:/x"), -EINVAL);
	ck_assert_int_eq(set("host="), 0);
	ck_assert_ptr_null(ftpd_config_host_root(&c, "[76.88.16.16]", 13));
}
END_TEST

START_TEST(test_permissions_follow_the_write_keys)
{
	ck_assert_int_eq(set("anon_upload_enable=yes"), 0);
	ck_assert_uint_eq(ftpd_config_anon_perms(&c),
			  FTPD_PERM_READ | FTPD_PERM_LIST);
	ck_assert_int_eq(set("write_enable=yes"), 0);
	ck_assert_uint_eq(ftpd_config_anon_perms(&c),
			  FTPD_PERM_READ | FTPD_PERM_LIST | FTPD_PERM_WRITE);
	ck_assert_int_eq(set("anon_other_write_enable=yes"), 0);
	ck_assert_int_eq(set("anon_mkdir_write_enable=yes"), 0);
	ck_assert_uint_eq(ftpd_config_anon_perms(&c),
			  FTPD_PERM_ALL & ~(unsigned)FTPD_PERM_CHMOD);
	ck_assert_int_eq(set("download_enable=no"), 0);
	ck_assert_int_eq(set("dirlist_enable=no"), 0);
	ck_assert_uint_eq(ftpd_config_mask_perms(&c, FTPD_PERM_ALL),
			  FTPD_PERM_ALL & ~(unsigned)(FTPD_PERM_READ |
						       FTPD_PERM_LIST));
	ck_assert_int_eq(set("write_enable=no"), 0);
	ck_assert_uint_eq(ftpd_config_mask_perms(&c, FTPD_PERM_ALL), 0);
}
END_TEST

START_TEST(test_dump_reloads_to_the_same_configuration)
{
	const struct cfg_table *t = ftpd_config_table();
	char path[] = "/tmp/check_ftpd_config.XXXXXX", a[4200], b[4200];
	struct ftpd_config again;
	FILE *f;
	size_t i;
	int fd = mkstemp(path);

	ck_assert_int_eq(set("host=a.example:/srv/a"), 0);
	ck_assert_int_eq(set("idle_session_timeout=90s"), 0);
	ck_assert_int_eq(set("anon_max_rate=512K"), 0);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ftpd_config_dump(&c, f, true);
	fclose(f);
	ck_assert_int_eq(ftpd_config_init(&again, err, sizeof(err)), 0);
	ck_assert_msg(ftpd_config_load(&again, path, NULL, 0, err,
				       sizeof(err)) == 0, "%s", err);
	unlink(path);
	for (i = 0; i < t->nkeys; i++) {
		ck_assert_int_ge(cfg_format(&t->keys[i], &c, a, sizeof(a)), 0);
		ck_assert_int_ge(cfg_format(&t->keys[i], &again, b, sizeof(b)), 0);
		ck_assert_msg(strcmp(a, b) == 0, "%s: %s != %s",
			      t->keys[i].name, a, b);
	}
	ck_assert_int_eq(again.anon_max_rate, 512 * 1024);
	ftpd_config_free(&again);
}
END_TEST

static Suite *ftpd_config_suite(void)
{
	Suite *s = suite_create("ftpd_config");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_defaults_are_safe);
	tcase_add_test(tc, test_sample_config_passes_the_check);
	tcase_add_test(tc, test_every_key_is_documented_in_the_man_page);
	tcase_add_test(tc, test_overrides_apply_after_the_file_in_order);
	tcase_add_test(tc, test_arp_entries_listed_and_checked);
	tcase_add_test(tc, test_rules_between_keys_name_values_and_fix);
	tcase_add_test(tc, test_network_rules);
	tcase_add_test(tc, test_link_values);
	tcase_add_test(tc, test_impair_validated_by_the_stack_parser);
	tcase_add_test(tc, test_chroot_local_user_no_is_refused);
	tcase_add_test(tc, test_roots_must_be_absolute);
	tcase_add_test(tc, test_unknown_key_suggests_a_real_key);
	tcase_add_test(tc, test_virtual_hosts_lookup);
	tcase_add_test(tc, test_permissions_follow_the_write_keys);
	tcase_add_test(tc, test_dump_reloads_to_the_same_configuration);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ftpd_config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
