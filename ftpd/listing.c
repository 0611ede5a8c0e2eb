/*
 * listing.c - collecting listings through the vfs (see listing.h).
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listing.h"

void listing_parse_args(const char *arg, size_t len, struct listing_args *out)
{
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	/* Options: "-la path" (as vsftpd and wu-ftpd accept them). */
	while (i < len && arg[i] == '-') {
		for (i++; i < len && arg[i] != ' '; i++)
			if (arg[i] == 'a')
				out->all = true;
		while (i < len && arg[i] == ' ')
			i++;
	}
	out->path = arg + i;
	out->path_len = len - i;
}

static void copy_stat(const struct stat *st, struct listing_stat *out)
{
	out->mode = st->st_mode;
	out->nlink = st->st_nlink;
	out->uid = st->st_uid;
	out->gid = st->st_gid;
	out->size = st->st_size;
	out->mtime = st->st_mtime;
	out->dev = st->st_dev;
	out->ino = st->st_ino;
}

void listing_entry_free(struct listing_entry *e)
{
	free(e->name);
	free(e->link);
	e->name = e->link = NULL;
}

void listing_free(struct listing *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		listing_entry_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Fills e for the object at p, shown as name (len bytes); st is its lstat.
 * A link gets its target text and, when it leads somewhere inside the
 * root, the target's data. */
static int fill_entry(const struct vfs *v, const struct vfs_path *p,
		      const char *name, size_t len, const struct stat *st,
		      struct listing_entry *e)
{
	char target[PATH_MAX];
	struct stat tst;

	memset(e, 0, sizeof(*e));
	copy_stat(st, &e->st);
	e->name = strndup(name, len);
	if (!e->name)
		return -ENOMEM;
	if (!S_ISLNK(st->st_mode))
		return 0;
	if (vfs_readlink(v, p, target, sizeof(target)) >= 0 &&
	    !(e->link = strdup(target))) {
		listing_entry_free(e);
		return -ENOMEM;
	}
	if (vfs_stat(v, p, &tst) == 0) {
		e->target_ok = true;
		copy_stat(&tst, &e->target);
	}
	return 0;
}

static int add(struct listing *l, const struct listing_entry *e)
{
	struct listing_entry *v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	l->v = v;
	l->v[l->n++] = *e;
	return 0;
}

/* Adds "." / ".." (LIST -a) or cdir / pdir (MLSD) for directory dir. */
static int add_dots(const struct vfs *v, const struct vfs_path *dir,
		    struct listing *l)
{
	static const char *const dots[] = { ".", ".." };
	static const enum listing_role roles[] = { LISTING_ROLE_CDIR,
						   LISTING_ROLE_PDIR };
	struct listing_entry e;
	struct vfs_path p;
	struct stat st;
	int rc = 0, i;

	for (i = 0; i < 2 && rc == 0; i++) {
		rc = vfs_resolve(dir, dots[i], strlen(dots[i]), &p);
		if (rc == 0)
			rc = vfs_stat(v, &p, &st);
		if (rc == 0)
			rc = fill_entry(v, &p, dots[i], strlen(dots[i]), &st, &e);
		if (rc == 0) {
			e.role = roles[i];
			if ((rc = add(l, &e)) != 0)
				listing_entry_free(&e);
		}
	}
	return rc;
}

/* What read_dir lists. */
struct dir_query {
	const char *pattern; /* NULL: every name                     */
	const char *prefix;  /* shown before each name ("" for none) */
	bool all;            /* names starting with '.' too          */
	size_t max_entries, max_matches;
};

/* The entries of directory dir that q selects, added to l. */
static int read_dir(const struct vfs *v, const struct vfs_path *dir,
		    const struct dir_query *q, struct listing *l)
{
	char shown[VFS_ARG_MAX + NAME_MAX + 2];
	struct listing_entry e;
	struct vfs_dirent de;
	struct vfs_path p;
	struct vfs_dir *d = NULL;
	size_t matches = 0;
	int rc = vfs_opendir(v, dir, q->max_entries, &d);

	while (rc == 0 && (rc = vfs_readdir(d, &de)) == 1) {
		rc = 0;
		if (de.name[0] == '.' && !q->all)
			continue;
		if (q->pattern && fnmatch(q->pattern, de.name, FNM_PERIOD) != 0)
			continue;
		if (matches++ >= q->max_matches) {
			l->truncated = true;
			break;
		}
		snprintf(shown, sizeof(shown), "%s%s", q->prefix, de.name);
		rc = vfs_resolve(dir, de.name, strlen(de.name), &p);
		if (rc == 0)
			rc = fill_entry(v, &p, shown, strlen(shown), &de.st, &e);
		if (rc == 0 && (rc = add(l, &e)) != 0)
			listing_entry_free(&e);
	}
	if (d) {
		if (vfs_dir_truncated(d))
			l->truncated = true;
		vfs_closedir(d);
	}
	return rc > 0 ? 0 : rc;
}

/* CDIR, PDIR, then the entries by name (byte order, as ls in the C
 * locale). */
static int rank(enum listing_role r)
{
	return r == LISTING_ROLE_CDIR ? 0 : r == LISTING_ROLE_PDIR ? 1 : 2;
}

static int by_name(const void *a, const void *b)
{
	const struct listing_entry *x = a, *y = b;

	if (x->role != y->role)
		return rank(x->role) - rank(y->role);
	return strcmp(x->name, y->name);
}

static bool has_pattern(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[')
			return true;
	return false;
}

/* A pattern argument: "dir/pat" lists dir's names matching pat, shown as
 * "dir/name". */
static int collect_pattern(const struct vfs *v, const struct vfs_path *cwd,
			   const struct listing_args *a, size_t max_entries,
			   size_t max_matches, struct listing *out)
{
	const char *slash = memrchr(a->path, '/', a->path_len);
	size_t dlen = slash ? (size_t)(slash - a->path) + 1 : 0;
	size_t plen = a->path_len - dlen;
	char pattern[NAME_MAX + 1], prefix[VFS_ARG_MAX + 1];
	struct dir_query q = { pattern, prefix, a->all, max_entries,
			       max_matches };
	struct vfs_path dir;
	int rc = vfs_resolve(cwd, a->path, dlen, &dir);

	if (rc == 0 && (plen > NAME_MAX || memchr(a->path + dlen, '\0', plen)))
		rc = plen > NAME_MAX ? -ENAMETOOLONG : -EINVAL;
	if (rc != 0)
		return rc;
	memcpy(pattern, a->path + dlen, plen);
	pattern[plen] = '\0';
	memcpy(prefix, a->path, dlen);
	prefix[dlen] = '\0';
	return read_dir(v, &dir, &q, out);
}

/* A directory argument (or none). */
static int collect_dir(const struct vfs *v, const struct vfs_path *dir,
		       const struct listing_args *a, enum listing_kind kind,
		       size_t max_entries, struct listing *out)
{
	char prefix[VFS_ARG_MAX + 2] = "";
	struct dir_query q = { NULL, prefix, a->all || kind == LISTING_MLSD,
			       max_entries, max_entries };
	size_t plen = a->path_len;
	int rc = 0;

	while (plen > 0 && a->path[plen - 1] == '/')
		plen--;
	if (kind == LISTING_NLST && plen > 0)
		snprintf(prefix, sizeof(prefix), "%.*s/", (int)plen, a->path);
	if (kind == LISTING_MLSD || (kind == LISTING_LIST && a->all))
		rc = add_dots(v, dir, out);
	return rc == 0 ? read_dir(v, dir, &q, out) : rc;
}

/* A file argument: one entry, shown as the client wrote it. */
static int collect_file(const struct vfs *v, const struct vfs_path *p,
			const struct listing_args *a, struct listing *out)
{
	struct listing_entry e;
	struct stat st;
	int rc = vfs_lstat(v, p, &st);

	if (rc == 0)
		rc = fill_entry(v, p, a->path, a->path_len, &st, &e);
	if (rc == 0 && (rc = add(out, &e)) != 0)
		listing_entry_free(&e);
	return rc;
}

int listing_collect(const struct vfs *v, const struct vfs_path *cwd,
		    const struct listing_args *a, enum listing_kind kind,
		    size_t max_entries, size_t max_matches,
		    struct listing *out)
{
	struct vfs_path p;
	struct stat st;
	int rc;

	memset(out, 0, sizeof(*out));
	if (kind != LISTING_MLSD && has_pattern(a->path, a->path_len)) {
		rc = collect_pattern(v, cwd, a, max_entries, max_matches, out);
	} else {
		rc = vfs_resolve(cwd, a->path, a->path_len, &p);
		if (rc == 0)
			rc = vfs_stat(v, &p, &st);
		/* A link that leads nowhere (or out of the root) is still
		 * an entry that LIST and NLST show, as ls does. */
		if (rc != 0 && rc != -EINVAL && rc != -ENAMETOOLONG &&
		    kind != LISTING_MLSD && vfs_lstat(v, &p, &st) == 0 &&
		    S_ISLNK(st.st_mode))
			rc = 0;
		if (rc == 0 && S_ISDIR(st.st_mode))
			rc = collect_dir(v, &p, a, kind, max_entries, out);
		else if (rc == 0)
			rc = kind == LISTING_MLSD ? -ENOTDIR :
			     collect_file(v, &p, a, out);
	}
	if (rc != 0) {
		listing_free(out);
		return rc;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), by_name);
	return 0;
}

int listing_collect_one(const struct vfs *v, const struct vfs_path *cwd,
			const char *path, size_t len,
			struct listing_entry *e)
{
	struct vfs_path p;
	struct stat st;
	int rc = vfs_resolve(cwd, path, len, &p);

	if (rc == 0)
		rc = vfs_lstat(v, &p, &st);
	if (rc == 0)
		rc = fill_entry(v, &p, p.s, p.len, &st, e);
	return rc;
}
