/* Unit tests for listing.c and listing_format.c: exact LIST/NLST/MLSD
 * lines, the six-month rule, facts and perms, and collection through the
 * vfs (sorting, -a, patterns, caps, links). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ftpd/listing.h"
#include "ftpd/users.h"
#include "tmptree.h"

#define T0 1795493640 /* Tue Nov 24 04:14:00 2026 UTC */
#define DAY 86400

static struct listing_entry file_entry(const char *name)
{
	struct listing_entry e;

	memset(&e, 0, sizeof(e));
	e.name = (char *)name;
	e.st.mode = S_IFREG | 0644;
	e.st.nlink = 1;
	e.st.uid = 1000;
	e.st.gid = 100;
	e.st.size = 1234;
	e.st.mtime = T0;
	e.st.dev = 0x803;
	e.st.ino = 0x1a2b;
	return e;
}

static const struct listing_style hidden = { T0 + DAY, true, false };

START_TEST(test_list_line_is_ls_format)
{
	struct listing_entry e = file_entry("name");
	struct listing_style numeric = { T0 + DAY, false, false };
	char out[256];

	ck_assert_int_eq(listing_format_list(&e, &hidden, out, sizeof(out)),
			 (int)strlen(out));
	ck_assert_str_eq(out, "-rw-r--r--   1 ftp      ftp          1234 "
			 "Nov 24 04:14 name\r\n");
	listing_format_list(&e, &numeric, out, sizeof(out));
	ck_assert_str_eq(out, "-rw-r--r--   1 1000     100          1234 "
			 "Nov 24 04:14 name\r\n");
}
END_TEST

START_TEST(test_list_shows_year_when_old_or_future)
{
	struct listing_entry e = file_entry("old");
	struct listing_style s = hidden;
	char out[256];

	s.now = T0 + 200 * DAY;
	listing_format_list(&e, &s, out, sizeof(out));
	ck_assert_str_eq(out, "-rw-r--r--   1 ftp      ftp          1234 "
			 "Nov 24  2026 old\r\n");
	s.now = T0 - 60;
	listing_format_list(&e, &s, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, " Nov 24  2026 old"));
	s.now = T0 + 180 * DAY;
	listing_format_list(&e, &s, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, " Nov 24 04:14 old"));
	e.st.mtime = T0 - 20 * DAY; /* Nov  4: day padded to two columns */
	s.now = T0;
	listing_format_list(&e, &s, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, " Nov  4 04:14 old"));
}
END_TEST

START_TEST(test_list_types_special_bits_and_links)
{
	struct listing_entry e = file_entry("dir");
	char out[256];

	e.st.mode = S_IFDIR | 01777;
	e.st.nlink = 12;
	e.st.size = 4096;
	listing_format_list(&e, &hidden, out, sizeof(out));
	ck_assert_str_eq(out, "drwxrwxrwt  12 ftp      ftp          4096 "
			 "Nov 24 04:14 dir\r\n");
	e.st.mode = S_IFREG | 06744;
	listing_format_list(&e, &hidden, out, sizeof(out));
	ck_assert_int_eq(strncmp(out, "-rwsr-Sr-- ", 11), 0);
	e.st.mode = S_IFLNK | 0777;
	e.name = (char *)"latest";
	e.link = (char *)"releases/1.0";
	listing_format_list(&e, &hidden, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "lrwxrwxrwx "));
	ck_assert_ptr_nonnull(strstr(out, " latest -> releases/1.0\r\n"));
	e.st.size = 99999999999LL;
	listing_format_list(&e, &hidden, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "ftp      99999999999 Nov"));
}
END_TEST

START_TEST(test_names_cannot_break_lines)
{
	struct listing_entry e = file_entry("evil\r\n226 done\x7f");
	char out[256];

	listing_format_nlst(&e, out, sizeof(out));
	ck_assert_str_eq(out, "evil??226 done?\r\n");
	listing_format_list(&e, &hidden, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "04:14 evil??226 done?\r\n"));
	ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);
}
END_TEST

START_TEST(test_mlsd_line_facts_and_single_space)
{
	struct listing_entry e = file_entry("name with spaces");
	char out[256];

	ck_assert_int_gt(listing_format_mlsx(&e, LISTING_FACTS_ALL,
					     FTPD_PERM_ALL, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "type=file;size=1234;modify=20261124041400;"
			 "perm=adfrw;unique=803U1a2b; name with spaces\r\n");
	listing_format_mlsx(&e, LISTING_FACTS_ALL, FTPD_PERM_READ |
			    FTPD_PERM_LIST, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, ";perm=r;"));
	listing_format_mlsx(&e, LISTING_FACT_TYPE | LISTING_FACT_SIZE, 0, out,
			    sizeof(out));
	ck_assert_str_eq(out, "type=file;size=1234; name with spaces\r\n");
}
END_TEST

START_TEST(test_mlsd_directory_roles_and_perms)
{
	struct listing_entry e = file_entry(".");
	char out[256];

	e.st.mode = S_IFDIR | 0755;
	e.role = LISTING_ROLE_CDIR;
	listing_format_mlsx(&e, LISTING_FACT_TYPE | LISTING_FACT_PERM,
			    FTPD_PERM_ALL, out, sizeof(out));
	ck_assert_str_eq(out, "type=cdir;perm=celmp; .\r\n");
	e.role = LISTING_ROLE_PDIR;
	e.name = (char *)"..";
	listing_format_mlsx(&e, LISTING_FACT_TYPE, 0, out, sizeof(out));
	ck_assert_str_eq(out, "type=pdir; ..\r\n");
	e.role = LISTING_ROLE_ENTRY;
	e.name = (char *)"sub";
	listing_format_mlsx(&e, LISTING_FACTS_ALL & ~(unsigned)LISTING_FACT_UNIQUE,
			    FTPD_PERM_ALL, out, sizeof(out));
	ck_assert_str_eq(out, "type=dir;modify=20261124041400;perm=cdeflmp; sub\r\n");
	listing_format_mlsx(&e, LISTING_FACT_PERM, FTPD_PERM_READ | FTPD_PERM_LIST,
			    out, sizeof(out));
	ck_assert_str_eq(out, "perm=el; sub\r\n");
	e.st.mode = S_IFLNK | 0777;
	listing_format_mlsx(&e, LISTING_FACT_TYPE, 0, out, sizeof(out));
	ck_assert_str_eq(out, "type=OS.unix=symlink; sub\r\n");
}
END_TEST

START_TEST(test_mdtm_time_and_facts_options)
{
	char out[64];
	unsigned f;

	ck_assert_int_eq(listing_format_time(T0, out, sizeof(out)), 14);
	ck_assert_str_eq(out, "20261124041400");
	ck_assert_int_eq(listing_format_time(0, out, sizeof(out)), 14);
	ck_assert_str_eq(out, "19700101000000");
	ck_assert_int_eq(listing_format_time(T0, out, 14), -ENOSPC);
	listing_parse_mlst_opts("TYPE;bogus;perm;", 16, &f);
	ck_assert_uint_eq(f, LISTING_FACT_TYPE | LISTING_FACT_PERM);
	listing_parse_mlst_opts("", 0, &f);
	ck_assert_uint_eq(f, 0);
	ck_assert_int_eq(listing_format_facts_list(LISTING_FACT_TYPE |
						   LISTING_FACT_PERM, false,
						   out, sizeof(out)), 10);
	ck_assert_str_eq(out, "type;perm;");
	listing_format_facts_list(LISTING_FACTS_ALL & ~(unsigned)LISTING_FACT_SIZE,
				  true, out, sizeof(out));
	ck_assert_str_eq(out, "type*;size;modify*;perm*;unique*;");
	ck_assert_int_eq(listing_format_facts_list(LISTING_FACTS_ALL, true, out,
						   8), -ENOSPC);
}
END_TEST

START_TEST(test_small_buffers_are_enospc)
{
	struct listing_entry e = file_entry("name");
	char out[64];

	ck_assert_int_eq(listing_format_list(&e, &hidden, out, 20), -ENOSPC);
	ck_assert_int_eq(listing_format_nlst(&e, out, 5), -ENOSPC);
	ck_assert_int_eq(listing_format_nlst(&e, out, 7), 6);
	ck_assert_int_eq(listing_format_mlsx(&e, LISTING_FACTS_ALL, 0, out, 30),
			 -ENOSPC);
}
END_TEST

START_TEST(test_parse_args_splits_options)
{
	struct listing_args a;

	listing_parse_args("-la pub", 7, &a);
	ck_assert(a.all);
	ck_assert_uint_eq(a.path_len, 3);
	ck_assert_int_eq(strncmp(a.path, "pub", 3), 0);
	listing_parse_args("-l", 2, &a);
	ck_assert(!a.all);
	ck_assert_uint_eq(a.path_len, 0);
	listing_parse_args("-a -L  x y", 10, &a);
	ck_assert(a.all);
	ck_assert_uint_eq(a.path_len, 3);
	ck_assert_int_eq(strncmp(a.path, "x y", 3), 0);
	listing_parse_args("./-file", 7, &a);
	ck_assert_uint_eq(a.path_len, 7);
	listing_parse_args("", 0, &a);
	ck_assert_uint_eq(a.path_len, 0);
}
END_TEST

/* ---- collection through the vfs ---------------------------------------------- */

static char top[64], root[128];
static struct vfs *v;
static struct vfs_path cwd;
static struct listing l;

static void fs_setup(void)
{
	char path[512], err[256];

	tmptree_make(top, sizeof(top), "check_listing");
	snprintf(root, sizeof(root), "%s/root", top);
	ck_assert_int_eq(mkdir(root, 0755), 0);
	snprintf(path, sizeof(path), "%s/pub", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/pub/*literal", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	tmptree_put(root, "b.txt", "bb");
	tmptree_put(root, "a.txt", "a");
	tmptree_put(root, "c.bin", "ccc");
	tmptree_put(root, ".hidden", "h");
	tmptree_put(root, "pub/x.txt", "x");
	tmptree_put(root, "pub/y.txt", "y");
	tmptree_put(root, "pub/*literal/z.txt", "z");
	snprintf(path, sizeof(path), "%s/out", root);
	ck_assert_int_eq(symlink("/etc", path), 0);
	snprintf(path, sizeof(path), "%s/in", root);
	ck_assert_int_eq(symlink("pub", path), 0);
	ck_assert_int_eq(vfs_open_root(root, 0, &v, err, sizeof(err)), 0);
	vfs_path_root(&cwd);
	memset(&l, 0, sizeof(l));
}

static void fs_teardown(void)
{
	listing_free(&l);
	vfs_free(v);
	tmptree_remove(top);
}

static int collect(const char *arg, enum listing_kind kind, size_t max_e,
		   size_t max_m)
{
	struct listing_args a;

	listing_free(&l);
	listing_parse_args(arg, strlen(arg), &a);
	return listing_collect(v, &cwd, &a, kind, max_e, max_m, &l);
}

/* The listing's names joined by ' '. */
static const char *names(void)
{
	static char buf[1024];
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < l.n; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s",
					 i ? " " : "", l.v[i].name);
	return buf;
}

START_TEST(test_collect_sorts_and_hides_dot_files)
{
	ck_assert_int_eq(collect("", LISTING_LIST, 100, 100), 0);
	ck_assert_str_eq(names(), "a.txt b.txt c.bin in out pub");
	ck_assert(!l.truncated);
	ck_assert_int_eq(collect("-la", LISTING_LIST, 100, 100), 0);
	ck_assert_str_eq(names(), ". .. .hidden a.txt b.txt c.bin in out pub");
	ck_assert_int_eq(collect("", LISTING_MLSD, 100, 100), 0);
	ck_assert_str_eq(names(), ". .. .hidden a.txt b.txt c.bin in out pub");
	ck_assert_int_eq(l.v[0].role, LISTING_ROLE_CDIR);
	ck_assert_int_eq(l.v[1].role, LISTING_ROLE_PDIR);
}
END_TEST

START_TEST(test_collect_nlst_prefixes_directory_argument)
{
	ck_assert_int_eq(collect("pub", LISTING_NLST, 100, 100), 0);
	ck_assert_str_eq(names(), "pub/*literal pub/x.txt pub/y.txt");
	ck_assert_int_eq(collect("pub/", LISTING_LIST, 100, 100), 0);
	ck_assert_str_eq(names(), "*literal x.txt y.txt");
	ck_assert_int_eq(collect("in", LISTING_NLST, 100, 100), 0);
	ck_assert_str_eq(names(), "in/*literal in/x.txt in/y.txt");
}
END_TEST

START_TEST(test_collect_patterns_in_one_directory_only)
{
	ck_assert_int_eq(collect("*.txt", LISTING_NLST, 100, 100), 0);
	ck_assert_str_eq(names(), "a.txt b.txt");
	ck_assert_int_eq(collect("pub/?.txt", LISTING_LIST, 100, 100), 0);
	ck_assert_str_eq(names(), "pub/x.txt pub/y.txt");
	ck_assert_int_eq(collect("*", LISTING_NLST, 100, 100), 0);
	ck_assert_str_eq(names(), "a.txt b.txt c.bin in out pub");
	ck_assert_int_eq(collect("-a .h*", LISTING_NLST, 100, 100), 0);
	ck_assert_str_eq(names(), ".hidden");
	/* Pattern characters before the last '/' are literal. */
	ck_assert_int_eq(collect("pub/*literal/*", LISTING_NLST, 100, 100), 0);
	ck_assert_str_eq(names(), "pub/*literal/z.txt");
	ck_assert_int_eq(collect("*.none", LISTING_NLST, 100, 100), 0);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_int_eq(collect("nodir/*", LISTING_NLST, 100, 100), -ENOENT);
}
END_TEST

START_TEST(test_collect_caps_matches_and_entries)
{
	ck_assert_int_eq(collect("*", LISTING_NLST, 100, 2), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert(l.truncated);
	ck_assert_int_eq(collect("", LISTING_LIST, 3, 100), 0);
	ck_assert_uint_le(l.n, 3);
	ck_assert(l.truncated);
	ck_assert_int_eq(collect("", LISTING_LIST, 7, 100), 0);
	ck_assert(!l.truncated);
}
END_TEST

START_TEST(test_collect_single_files_and_links)
{
	ck_assert_int_eq(collect("./a.txt", LISTING_LIST, 100, 100), 0);
	ck_assert_str_eq(names(), "./a.txt");
	ck_assert_int_eq(l.v[0].st.size, 1);
	/* A link out of the root is listed as a link, never followed. */
	ck_assert_int_eq(collect("out", LISTING_LIST, 100, 100), 0);
	ck_assert_str_eq(names(), "out");
	ck_assert_str_eq(l.v[0].link, "/etc");
	ck_assert(!l.v[0].target_ok);
	ck_assert_int_eq(collect("out/passwd", LISTING_LIST, 100, 100), -EXDEV);
	ck_assert_int_eq(collect("out", LISTING_MLSD, 100, 100), -EXDEV);
	ck_assert_int_eq(collect("a.txt", LISTING_MLSD, 100, 100), -ENOTDIR);
	ck_assert_int_eq(collect("missing", LISTING_LIST, 100, 100), -ENOENT);
	ck_assert_int_eq(collect("../../..", LISTING_LIST, 100, 100), 0);
	ck_assert_str_eq(names(), "a.txt b.txt c.bin in out pub");
}
END_TEST

START_TEST(test_longest_names_fit_the_line_buffer)
{
	static char name[VFS_ARG_MAX + NAME_MAX + 2], link[PATH_MAX];
	static char out[FTPD_LIST_LINE_MAX];
	struct listing_entry e = file_entry(name);

	memset(name, 'n', sizeof(name) - 1);
	memset(link, 'l', sizeof(link) - 1);
	e.st.mode = S_IFLNK | 0777;
	e.st.size = INT64_MAX;
	e.st.nlink = (nlink_t)-1;
	e.link = link;
	ck_assert_int_gt(listing_format_list(&e, &hidden, out, sizeof(out)), 0);
	ck_assert_int_gt(listing_format_mlsx(&e, LISTING_FACTS_ALL,
					     FTPD_PERM_ALL, out, sizeof(out)), 0);
	ck_assert_int_gt(listing_format_nlst(&e, out, sizeof(out)), 0);
}
END_TEST

START_TEST(test_collect_links_inside_root_show_their_target)
{
	size_t i;
	char out[256];

	ck_assert_int_eq(collect("", LISTING_MLSD, 100, 100), 0);
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.v[i].name, "in") == 0) {
			ck_assert(l.v[i].target_ok);
			listing_format_mlsx(&l.v[i], LISTING_FACT_TYPE, 0, out,
					    sizeof(out));
			ck_assert_str_eq(out, "type=dir; in\r\n");
		}
		if (strcmp(l.v[i].name, "out") == 0) {
			listing_format_mlsx(&l.v[i], LISTING_FACT_TYPE, 0, out,
					    sizeof(out));
			ck_assert_str_eq(out, "type=OS.unix=symlink; out\r\n");
		}
	}
}
END_TEST

START_TEST(test_collect_one_names_the_virtual_path)
{
	struct listing_entry e;
	char out[256];

	ck_assert_int_eq(vfs_resolve(&cwd, "pub", 3, &cwd), 0);
	ck_assert_int_eq(listing_collect_one(v, &cwd, "../b.txt", 8, &e), 0);
	ck_assert_str_eq(e.name, "/b.txt");
	listing_format_mlsx(&e, LISTING_FACT_TYPE | LISTING_FACT_SIZE, 0, out,
			    sizeof(out));
	ck_assert_str_eq(out, "type=file;size=2; /b.txt\r\n");
	listing_entry_free(&e);
	ck_assert_int_eq(listing_collect_one(v, &cwd, "", 0, &e), 0);
	ck_assert_str_eq(e.name, "/pub");
	listing_entry_free(&e);
	ck_assert_int_eq(listing_collect_one(v, &cwd, "nope", 4, &e), -ENOENT);
}
END_TEST

static Suite *listing_suite(void)
{
	Suite *s = suite_create("listing");
	TCase *fmt = tcase_create("format");
	TCase *fs = tcase_create("collect");

	tcase_add_test(fmt, test_list_line_is_ls_format);
	tcase_add_test(fmt, test_list_shows_year_when_old_or_future);
	tcase_add_test(fmt, test_list_types_special_bits_and_links);
	tcase_add_test(fmt, test_names_cannot_break_lines);
	tcase_add_test(fmt, test_mlsd_line_facts_and_single_space);
	tcase_add_test(fmt, test_mlsd_directory_roles_and_perms);
	tcase_add_test(fmt, test_mdtm_time_and_facts_options);
	tcase_add_test(fmt, test_small_buffers_are_enospc);
	tcase_add_test(fmt, test_parse_args_splits_options);
	suite_add_tcase(s, fmt);

	tcase_add_checked_fixture(fs, fs_setup, fs_teardown);
	tcase_add_test(fs, test_collect_sorts_and_hides_dot_files);
	tcase_add_test(fs, test_collect_nlst_prefixes_directory_argument);
	tcase_add_test(fs, test_collect_patterns_in_one_directory_only);
	tcase_add_test(fs, test_collect_caps_matches_and_entries);
	tcase_add_test(fs, test_collect_single_files_and_links);
	tcase_add_test(fs, test_collect_links_inside_root_show_their_target);
	tcase_add_test(fmt, test_longest_names_fit_the_line_buffer);
	tcase_add_test(fs, test_collect_one_names_the_virtual_path);
	suite_add_tcase(s, fs);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(listing_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
