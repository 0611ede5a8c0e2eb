/* tmptree.c - temporary directory trees for unit tests (see tmptree.h). */
#include "config.h"

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#include "tmptree.h"

#define TMPTREE_FDS 16 /* descriptors nftw may hold open */

void tmptree_make(char *dir, size_t cap, const char *name)
{
	ck_assert_int_lt(snprintf(dir, cap, "/tmp/%s.XXXXXX", name), (int)cap);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

void tmptree_put(const char *dir, const char *name, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot create %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

void tmptree_remove(const char *dir)
{
	ck_assert_int_eq(nftw(dir, remove_one, TMPTREE_FDS,
			      FTW_DEPTH | FTW_PHYS), 0);
}
