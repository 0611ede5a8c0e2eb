/* Unit tests for vfs.c / vfs_walk.c: every escape attempt is refused and
 * every operation stays inside the root. Each filesystem test runs twice:
 * with openat2 (when the kernel has it) and with the manual walk. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ftpd/vfs.h"
#include "tmptree.h"

/*
 * Fixture:
 *   T/outside/secret             "SECRET"  (must never be reached)
 *   T/root/pub/file.txt          "hello"
 *   T/root/pub/sub/deep.txt      "deep"
 *   T/root/pub/link_escape    -> ../../outside/secret
 *   T/root/link_in            -> pub/file.txt
 *   T/root/link_dir_in        -> pub
 *   T/root/link_up_in         -> pub/../pub/sub
 *   T/root/link_out_abs       -> T/outside
 *   T/root/link_out_rel       -> ../outside
 *   T/root/link_new_out       -> ../outside/created   (dangling, outside)
 *   T/root/dangling           -> nothing
 *   T/root/loop1 -> loop2, loop2 -> loop1
 *   T/root/fifo                  a FIFO
 */
static char top[64], root[128], outside[128];
static struct vfs *v;
static struct vfs_path cwd;

static void link_at(const char *target, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, name);
	ck_assert_int_eq(symlink(target, path), 0);
}

static void mkdir_at(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void setup(void)
{
	char path[512];

	tmptree_make(top, sizeof(top), "check_vfs");
	snprintf(root, sizeof(root), "%s/root", top);
	snprintf(outside, sizeof(outside), "%s/outside", top);
	ck_assert_int_eq(mkdir(root, 0755), 0);
	ck_assert_int_eq(mkdir(outside, 0755), 0);
	tmptree_put(outside, "secret", "SECRET");
	mkdir_at(root, "pub");
	tmptree_put(root, "pub/file.txt", "hello");
	mkdir_at(root, "pub/sub");
	tmptree_put(root, "pub/sub/deep.txt", "deep");
	link_at("../../outside/secret", "pub/link_escape");
	link_at("pub/file.txt", "link_in");
	link_at("pub", "link_dir_in");
	link_at("pub/../pub/sub", "link_up_in");
	link_at(outside, "link_out_abs");
	link_at("../outside", "link_out_rel");
	link_at("../outside/created", "link_new_out");
	link_at("nothing", "dangling");
	link_at("loop2", "loop1");
	link_at("loop1", "loop2");
	snprintf(path, sizeof(path), "%s/fifo", root);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	vfs_path_root(&cwd);
}

static void teardown(void)
{
	vfs_free(v);
	v = NULL;
	tmptree_remove(top);
}

/* Opens the vfs for loop iteration i: 0 = openat2 if present, 1 = walk. */
static void open_vfs(int i)
{
	char err[256];

	ck_assert_msg(vfs_open_root(root, i ? VFS_NO_OPENAT2 : 0, &v, err,
				    sizeof(err)) == 0, "%s", err);
	if (i)
		ck_assert(!vfs_uses_openat2(v));
}

static struct vfs_path P(const char *s)
{
	struct vfs_path p;

	ck_assert_int_eq(vfs_resolve(&cwd, s, strlen(s), &p), 0);
	return p;
}

static int read_file(const char *path, char *buf, size_t cap)
{
	struct vfs_path p = P(path);
	ssize_t n;
	int fd, rc = vfs_open_file(v, &p, VFS_READ, 0, 0, &fd);

	if (rc != 0)
		return rc;
	n = read(fd, buf, cap - 1);
	close(fd);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	return 0;
}

/* The outside directory holds exactly "secret" with its text. */
static void assert_outside_untouched(void)
{
	char path[512], buf[16] = { 0 };
	int fd;

	snprintf(path, sizeof(path), "%s/created", outside);
	ck_assert_int_ne(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/secret", outside);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, buf, sizeof(buf) - 1), 6);
	close(fd);
	ck_assert_str_eq(buf, "SECRET");
}

/* ---- lexical resolution ------------------------------------------------------ */

static const char *res(const char *cwd_s, const char *arg)
{
	static struct vfs_path out;
	struct vfs_path c;

	ck_assert_int_eq(vfs_resolve(&cwd, cwd_s, strlen(cwd_s), &c), 0);
	ck_assert_int_eq(vfs_resolve(&c, arg, strlen(arg), &out), 0);
	ck_assert_uint_eq(out.len, strlen(out.s));
	return out.s;
}

START_TEST(test_resolve_normalises_every_form)
{
	ck_assert_str_eq(res("/", ""), "/");
	ck_assert_str_eq(res("/pub", ""), "/pub");
	ck_assert_str_eq(res("/pub", "."), "/pub");
	ck_assert_str_eq(res("/pub", "sub/"), "/pub/sub");
	ck_assert_str_eq(res("/pub", "//a//b///"), "/a/b");
	ck_assert_str_eq(res("/pub", "./a/./b/."), "/pub/a/b");
	ck_assert_str_eq(res("/pub/sub", "../x"), "/pub/x");
	ck_assert_str_eq(res("/pub", "a/../../b"), "/b");
	ck_assert_str_eq(res("/pub", "/x/y/../z"), "/x/z");
	ck_assert_str_eq(res("/", "...") , "/...");
	ck_assert_str_eq(res("/", "\xc3\xa9t\xc3\xa9 f\xc3\xaate"),
			 "/\xc3\xa9t\xc3\xa9 f\xc3\xaate");
}
END_TEST

START_TEST(test_resolve_dotdot_never_climbs_above_root)
{
	ck_assert_str_eq(res("/", ".."), "/");
	ck_assert_str_eq(res("/pub", "../../../../etc/passwd"), "/etc/passwd");
	ck_assert_str_eq(res("/pub/sub", "/../../.."), "/");
	ck_assert_str_eq(res("/", "../../outside/secret"), "/outside/secret");
}
END_TEST

START_TEST(test_resolve_refuses_nul_and_overlong)
{
	struct vfs_path out;
	char name[NAME_MAX + 2], *big;
	size_t i;

	ck_assert_int_eq(vfs_resolve(&cwd, "a\0/../../etc", 12, &out), -EINVAL);
	ck_assert_int_eq(vfs_resolve(&cwd, "\0", 1, &out), -EINVAL);
	memset(name, 'n', sizeof(name) - 1);
	name[NAME_MAX + 1] = '\0';
	ck_assert_int_eq(vfs_resolve(&cwd, name, NAME_MAX + 1, &out),
			 -ENAMETOOLONG);
	ck_assert_int_eq(vfs_resolve(&cwd, name, NAME_MAX, &out), 0);
	ck_assert_uint_eq(out.len, NAME_MAX + 1);
	/* 20 components of 255 bytes: over PATH_MAX in total. */
	big = malloc(20 * (NAME_MAX + 1) + 1);
	for (i = 0; i < 20; i++) {
		memset(big + i * (NAME_MAX + 1), 'd', NAME_MAX);
		big[i * (NAME_MAX + 1) + NAME_MAX] = '/';
	}
	ck_assert_int_eq(vfs_resolve(&cwd, big, 20 * (NAME_MAX + 1), &out),
			 -ENAMETOOLONG);
	ck_assert_int_eq(vfs_resolve(&cwd, big, VFS_ARG_MAX + 1, &out),
			 -ENAMETOOLONG);
	free(big);
	ck_assert_str_eq(vfs_path_base(&out), out.s + 1);
}
END_TEST

/* ---- the file system ------------------------------------------------------------ */

START_TEST(test_reads_stay_inside_the_root)
{
	char buf[64];

	open_vfs(_i);
	ck_assert_int_eq(read_file("/pub/file.txt", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "hello");
	ck_assert_int_eq(read_file("pub/../pub/./file.txt", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "hello");
	/* ".." cannot climb out: this is /outside/secret inside the root. */
	ck_assert_int_eq(read_file("../../outside/secret", buf, sizeof(buf)),
			 -ENOENT);
	ck_assert_int_eq(read_file("/../outside/secret", buf, sizeof(buf)),
			 -ENOENT);
	assert_outside_untouched();
}
END_TEST

START_TEST(test_links_inside_the_root_are_followed)
{
	char buf[64];

	open_vfs(_i);
	ck_assert_int_eq(read_file("/link_in", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "hello");
	ck_assert_int_eq(read_file("/link_dir_in/file.txt", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "hello");
	ck_assert_int_eq(read_file("/link_up_in/deep.txt", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "deep");
}
END_TEST

START_TEST(test_links_leading_out_are_refused)
{
	struct vfs_path p;
	struct stat st;
	char buf[64];

	open_vfs(_i);
	ck_assert_int_eq(read_file("/link_out_abs/secret", buf, sizeof(buf)),
			 -EXDEV);
	ck_assert_int_eq(read_file("/link_out_rel/secret", buf, sizeof(buf)),
			 -EXDEV);
	ck_assert_int_eq(read_file("/pub/link_escape", buf, sizeof(buf)), -EXDEV);
	ck_assert_int_eq(read_file("/link_dir_in/link_escape", buf, sizeof(buf)),
			 -EXDEV);
	p = P("/link_out_abs");
	ck_assert_int_eq(vfs_stat(v, &p, &st), -EXDEV);
	ck_assert_int_eq(vfs_check_dir(v, &p), -EXDEV);
	p = P("/link_out_rel");
	ck_assert_int_eq(vfs_check_dir(v, &p), -EXDEV);
	/* The link itself is an entry of the root: lstat shows it. */
	ck_assert_int_eq(vfs_lstat(v, &p, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	assert_outside_untouched();
}
END_TEST

START_TEST(test_writes_through_outward_links_create_nothing_outside)
{
	struct vfs_path p, q;
	int fd = -1;

	open_vfs(_i);
	p = P("/link_new_out");
	ck_assert_int_eq(vfs_open_file(v, &p, VFS_WRITE, 0, 0644, &fd), -EXDEV);
	p = P("/link_out_rel/created");
	ck_assert_int_eq(vfs_open_file(v, &p, VFS_WRITE, 0, 0644, &fd), -EXDEV);
	ck_assert_int_eq(vfs_open_file(v, &p, VFS_APPEND, 0, 0644, &fd), -EXDEV);
	ck_assert_int_eq(vfs_mkdir(v, &p, 0755), -EXDEV);
	q = P("/link_out_abs/secret");
	ck_assert_int_eq(vfs_unlink(v, &q), -EXDEV);
	ck_assert_int_eq(vfs_chmod(v, &q, 0777), -EXDEV);
	p = P("/pub/file.txt");
	ck_assert_int_eq(vfs_rename(v, &p, &q), -EXDEV);
	ck_assert_int_eq(vfs_rename(v, &q, &p), -EXDEV);
	assert_outside_untouched();
	ck_assert_int_eq(vfs_stat(v, &p, &(struct stat){ 0 }), 0);
}
END_TEST

START_TEST(test_loops_dangling_links_and_fifos)
{
	struct vfs_path p;
	char buf[16];
	int fd;

	open_vfs(_i);
	ck_assert_int_eq(read_file("/loop1", buf, sizeof(buf)), -ELOOP);
	ck_assert_int_eq(read_file("/dangling", buf, sizeof(buf)), -ENOENT);
	/* A FIFO is refused at once, never waited on. */
	ck_assert_int_eq(read_file("/fifo", buf, sizeof(buf)), -EINVAL);
	p = P("/fifo");
	ck_assert_int_eq(vfs_open_file(v, &p, VFS_WRITE, 0, 0644, &fd), -EINVAL);
	ck_assert_int_eq(read_file("/pub", buf, sizeof(buf)), -EISDIR);
	ck_assert_int_eq(read_file("/", buf, sizeof(buf)), -EISDIR);
	/* A dangling link inside the root may be written through. */
	p = P("/dangling");
	ck_assert_int_eq(vfs_open_file(v, &p, VFS_WRITE, 0, 0644, &fd), 0);
	ck_assert_int_eq(write(fd, "x", 1), 1);
	close(fd);
	ck_assert_int_eq(read_file("/nothing", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "x");
}
END_TEST

START_TEST(test_open_modes_and_64bit_offsets)
{
	struct vfs_path p = P("/pub/new.bin");
	const off_t big = (off_t)5 << 30; /* 5 GiB, sparse */
	struct stat st;
	char buf[16] = { 0 };
	int fd;

	open_vfs(_i);
	ck_assert_int_eq(vfs_open_file(v, &p, VFS_CREATE_NEW, 0, 0644, &fd), 0);
	ck_assert_int_eq(write(fd, "abcdef", 6), 6);
	close(fd);
	ck_assert_int_eq(vfs_open_file(v, &p, VFS_CREATE_NEW, 0, 0644, &fd),
			 -EEXIST);
	ck_assert_int_eq(vfs_open_file(v, &p, VFS_WRITE_AT, 3, 0644, &fd), 0);
	ck_assert_int_eq(write(fd, "XY", 2), 2);
	close(fd);
	ck_assert_int_eq(read_file("/pub/new.bin", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "abcXY");
	ck_assert_int_eq(vfs_open_file(v, &p, VFS_APPEND, 0, 0644, &fd), 0);
	ck_assert_int_eq(write(fd, "!", 1), 1);
	close(fd);
	ck_assert_int_eq(read_file("/pub/new.bin", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "abcXY!");
	ck_assert_int_eq(vfs_open_file(v, &p, VFS_WRITE_AT, big, 0644, &fd), 0);
	ck_assert_int_eq(write(fd, "Z", 1), 1);
	close(fd);
	ck_assert_int_eq(vfs_stat(v, &p, &st), 0);
	ck_assert_int_eq(st.st_size, big + 1);
	ck_assert_int_eq(vfs_open_file(v, &p, VFS_READ, big, 0, &fd), 0);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 1);
	ck_assert_int_eq(buf[0], 'Z');
	close(fd);
	ck_assert_int_eq(vfs_open_file(v, &p, VFS_WRITE, 0, 0644, &fd), 0);
	close(fd);
	ck_assert_int_eq(vfs_stat(v, &p, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(vfs_open_file(v, &p, VFS_READ, -1, 0, &fd), -EINVAL);
}
END_TEST

START_TEST(test_unique_names_for_stou)
{
	struct vfs_path want = P("/pub/file.txt"), got;
	int fd, i;

	open_vfs(_i);
	for (i = 1; i <= 3; i++) {
		char expect[32];

		ck_assert_int_eq(vfs_open_unique(v, &want, 0644, &fd, &got), 0);
		close(fd);
		snprintf(expect, sizeof(expect), "/pub/file.txt.%d", i);
		ck_assert_str_eq(got.s, expect);
	}
	want = P("/pub/fresh");
	ck_assert_int_eq(vfs_open_unique(v, &want, 0644, &fd, &got), 0);
	close(fd);
	ck_assert_str_eq(got.s, "/pub/fresh");
}
END_TEST

START_TEST(test_names_change_inside_the_root)
{
	struct vfs_path d = P("/pub/newdir"), f = P("/pub/file.txt"),
			g = P("/pub/newdir/moved.txt"), root_p = P("/");
	struct stat st;

	open_vfs(_i);
	ck_assert_int_eq(vfs_mkdir(v, &d, 0755), 0);
	ck_assert_int_eq(vfs_mkdir(v, &d, 0755), -EEXIST);
	ck_assert_int_eq(vfs_mkdir(v, &root_p, 0755), -EEXIST);
	ck_assert_int_eq(vfs_rename(v, &f, &g), 0);
	ck_assert_int_eq(vfs_stat(v, &g, &st), 0);
	ck_assert_int_eq(vfs_stat(v, &f, &st), -ENOENT);
	ck_assert_int_eq(vfs_rmdir(v, &d), -ENOTEMPTY);
	ck_assert_int_eq(vfs_unlink(v, &d), -EISDIR);
	ck_assert_int_eq(vfs_unlink(v, &g), 0);
	ck_assert_int_eq(vfs_rmdir(v, &d), 0);
	ck_assert_int_eq(vfs_rename(v, &root_p, &d), -EBUSY);
	ck_assert_int_eq(vfs_rename(v, &d, &root_p), -EBUSY);
	ck_assert_int_eq(vfs_rmdir(v, &root_p), -EBUSY);
	/* Removing a link removes the link, not what it points to. */
	d = P("/link_out_rel");
	ck_assert_int_eq(vfs_unlink(v, &d), 0);
	assert_outside_untouched();
}
END_TEST

START_TEST(test_chmod_masks_bits_and_refuses_links)
{
	struct vfs_path f = P("/pub/file.txt"), l = P("/link_in");
	struct stat st;

	open_vfs(_i);
	ck_assert_int_eq(vfs_chmod(v, &f, 07600), 0);
	ck_assert_int_eq(vfs_stat(v, &f, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(vfs_chmod(v, &l, 0777), -ELOOP);
	ck_assert_int_eq(vfs_stat(v, &f, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
}
END_TEST

START_TEST(test_directories_list_with_a_cap)
{
	struct vfs_path p = P("/pub");
	struct vfs_dir *d;
	struct vfs_dirent e;
	int n = 0, rc;

	open_vfs(_i);
	ck_assert_int_eq(vfs_opendir(v, &p, 100, &d), 0);
	while ((rc = vfs_readdir(d, &e)) == 1) {
		n++;
		ck_assert_str_ne(e.name, ".");
		ck_assert_str_ne(e.name, "..");
		if (strcmp(e.name, "link_escape") == 0)
			ck_assert(S_ISLNK(e.st.st_mode));
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(n, 3);
	ck_assert(!vfs_dir_truncated(d));
	vfs_closedir(d);
	ck_assert_int_eq(vfs_opendir(v, &p, 2, &d), 0);
	ck_assert_int_eq(vfs_readdir(d, &e), 1);
	ck_assert_int_eq(vfs_readdir(d, &e), 1);
	ck_assert_int_eq(vfs_readdir(d, &e), 0);
	ck_assert(vfs_dir_truncated(d));
	vfs_closedir(d);
	p = P("/link_out_abs");
	ck_assert_int_eq(vfs_opendir(v, &p, 100, &d), -EXDEV);
	p = P("/link_dir_in");
	ck_assert_int_eq(vfs_opendir(v, &p, 100, &d), 0);
	vfs_closedir(d);
	p = P("/pub/file.txt");
	ck_assert_int_eq(vfs_opendir(v, &p, 100, &d), -ENOTDIR);
}
END_TEST

START_TEST(test_readlink_and_check_dir)
{
	struct vfs_path p = P("/link_out_abs");
	char buf[256];

	open_vfs(_i);
	ck_assert_int_eq(vfs_readlink(v, &p, buf, sizeof(buf)),
			 (ssize_t)strlen(outside));
	ck_assert_str_eq(buf, outside);
	ck_assert_int_eq(vfs_readlink(v, &p, buf, 4), -ENAMETOOLONG);
	p = P("/pub");
	ck_assert_int_eq(vfs_readlink(v, &p, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(vfs_check_dir(v, &p), 0);
	p = P("/link_dir_in");
	ck_assert_int_eq(vfs_check_dir(v, &p), 0);
	p = P("/pub/file.txt");
	ck_assert_int_eq(vfs_check_dir(v, &p), -ENOTDIR);
	p = P("/");
	ck_assert_int_eq(vfs_check_dir(v, &p), 0);
	p = P("/missing");
	ck_assert_int_eq(vfs_check_dir(v, &p), -ENOENT);
}
END_TEST

START_TEST(test_open_root_errors_name_the_fix)
{
	char err[256], path[512];

	ck_assert_int_eq(vfs_open_root("/nonexistent-root", 0, &v, err,
				       sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "FTP root /nonexistent-root: cannot "
				     "open"));
	snprintf(path, sizeof(path), "%s/pub/file.txt", root);
	ck_assert_int_eq(vfs_open_root(path, 0, &v, err, sizeof(err)), -ENOTDIR);
	ck_assert_ptr_nonnull(strstr(err, "must be a directory"));
	ck_assert_str_eq(vfs_strerror(-EXDEV),
			 "Path leads outside your root (or across file systems)");
}
END_TEST

static Suite *vfs_suite(void)
{
	Suite *s = suite_create("vfs");
	TCase *lex = tcase_create("resolve");
	TCase *fs = tcase_create("filesystem");

	tcase_add_checked_fixture(lex, setup, teardown);
	tcase_add_test(lex, test_resolve_normalises_every_form);
	tcase_add_test(lex, test_resolve_dotdot_never_climbs_above_root);
	tcase_add_test(lex, test_resolve_refuses_nul_and_overlong);
	tcase_add_test(lex, test_open_root_errors_name_the_fix);
	suite_add_tcase(s, lex);

	tcase_add_checked_fixture(fs, setup, teardown);
	tcase_add_loop_test(fs, test_reads_stay_inside_the_root, 0, 2);
	tcase_add_loop_test(fs, test_links_inside_the_root_are_followed, 0, 2);
	tcase_add_loop_test(fs, test_links_leading_out_are_refused, 0, 2);
	tcase_add_loop_test(fs, test_writes_through_outward_links_create_nothing_outside, 0, 2);
	tcase_add_loop_test(fs, test_loops_dangling_links_and_fifos, 0, 2);
	tcase_add_loop_test(fs, test_open_modes_and_64bit_offsets, 0, 2);
	tcase_add_loop_test(fs, test_unique_names_for_stou, 0, 2);
	tcase_add_loop_test(fs, test_names_change_inside_the_root, 0, 2);
	tcase_add_loop_test(fs, test_chmod_masks_bits_and_refuses_links, 0, 2);
	tcase_add_loop_test(fs, test_directories_list_with_a_cap, 0, 2);
	tcase_add_loop_test(fs, test_readlink_and_check_dir, 0, 2);
	suite_add_tcase(s, fs);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(vfs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
