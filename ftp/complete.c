/*
 * complete.c - completion candidates (see complete.h). Local directories
 * are read with a bound on entries scanned; nothing here touches the
 * terminal or the network.
 */
#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd_table.h"
#include "complete.h"
#include "ftpc_limits.h"

struct ftpc_rcache {
	char *dir;
	char **names;
	size_t n;
};

struct ftpc_rcache *ftpc_rcache_new(void)
{
	return calloc(1, sizeof(struct ftpc_rcache));
}

void ftpc_rcache_clear(struct ftpc_rcache *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->names[i]);
	free(c->names);
	free(c->dir);
	c->names = NULL;
	c->dir = NULL;
	c->n = 0;
}

void ftpc_rcache_free(struct ftpc_rcache *c)
{
	if (!c)
		return;
	ftpc_rcache_clear(c);
	free(c);
}

int ftpc_rcache_set(struct ftpc_rcache *c, const char *dir,
		    const char *const *names, size_t n)
{
	size_t i;

	ftpc_rcache_clear(c);
	if (n > FTPC_RCACHE_NAMES_MAX)
		n = FTPC_RCACHE_NAMES_MAX;
	c->dir = strdup(dir);
	c->names = calloc(n ? n : 1, sizeof(char *));
	if (!c->dir || !c->names)
		goto nomem;
	for (i = 0; i < n; i++) {
		c->names[i] = strdup(names[i]);
		if (!c->names[i])
			goto nomem;
		c->n++;
	}
	return 0;
nomem:
	ftpc_rcache_clear(c);
	return -1;
}

const char *ftpc_rcache_dir(const struct ftpc_rcache *c)
{
	return c->dir;
}

void ftpc_matches_free(struct ftpc_matches *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
	free(m->common);
	m->v = NULL;
	m->common = NULL;
	m->n = 0;
}

/* Adds a candidate made of two parts; false when out of memory. */
static bool add(struct ftpc_matches *m, const char *a, const char *b,
		const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *s, **v;

	if (m->n == FTPC_COMPLETE_MATCHES_MAX)
		return true;
	v = realloc(m->v, (m->n + 1) * sizeof(*v));
	if (!v)
		return false;
	m->v = v;
	s = malloc(la + lb + lc + 1);
	if (!s)
		return false;
	memcpy(s, a, la);
	memcpy(s + la, b, lb);
	memcpy(s + la + lb, c, lc + 1);
	m->v[m->n++] = s;
	return true;
}

static bool complete_commands(struct ftpc_matches *m, const char *word)
{
	size_t n, i, len = strlen(word);
	const struct ftpc_cmd *t = ftpc_cmd_table(&n);

	for (i = 0; i < n; i++)
		if (strncmp(t[i].name, word, len) == 0 &&
		    !add(m, t[i].name, "", ""))
			return false;
	return true;
}

static bool complete_remote(struct ftpc_matches *m, const char *word,
			    const struct ftpc_rcache *rc)
{
	size_t i, len = strlen(word);

	for (i = 0; rc && i < rc->n; i++)
		if (strncmp(rc->names[i], word, len) == 0 &&
		    !add(m, rc->names[i], "", ""))
			return false;
	return true;
}

static bool complete_local(struct ftpc_matches *m, const char *word)
{
	const char *slash = strrchr(word, '/');
	char dir[FTPC_LINE_MAX + 2];
	const char *base = slash ? slash + 1 : word;
	size_t dlen = slash ? (size_t)(slash - word) + 1 : 0, blen = strlen(base);
	struct dirent *de;
	unsigned scanned = 0;
	DIR *d;
	bool ok = true;

	memcpy(dir, word, dlen);
	dir[dlen] = '\0';
	d = opendir(dlen ? dir : ".");
	if (!d)
		return true; /* nothing to offer, not an error */
	while (ok && scanned++ < FTPC_COMPLETE_DIR_SCAN_MAX &&
	       (de = readdir(d)) != NULL) {
		struct stat st;
		bool isdir;
		if (strncmp(de->d_name, base, blen) != 0 ||
		    strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    (de->d_name[0] == '.' && base[0] != '.'))
			continue;
		isdir = fstatat(dirfd(d), de->d_name, &st, 0) == 0 &&
			S_ISDIR(st.st_mode);
		ok = add(m, dir, de->d_name, isdir ? "/" : "");
	}
	closedir(d);
	return ok;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool set_common(struct ftpc_matches *m, const char *word)
{
	size_t len, i, j;

	if (m->n == 0) {
		m->common = strdup(word);
		return m->common != NULL;
	}
	qsort(m->v, m->n, sizeof(*m->v), cmp_str);
	len = strlen(m->v[0]);
	for (i = 1; i < m->n; i++) {
		for (j = 0; j < len && m->v[i][j] == m->v[0][j]; j++)
			;
		len = j;
	}
	m->common = strndup(m->v[0], len);
	return m->common != NULL;
}

/* Where the word at the cursor starts and which argument it is. */
static size_t word_at(const char *line, size_t cursor, unsigned *argi)
{
	size_t start = cursor;
	unsigned n = 0;
	bool in_word = false;
	size_t i;

	while (start > 0 && line[start - 1] != ' ' && line[start - 1] != '\t')
		start--;
	for (i = 0; i < start; i++) {
		bool blank = line[i] == ' ' || line[i] == '\t';
		if (!blank && !in_word)
			n++;
		in_word = !blank;
	}
	*argi = n;
	return start;
}

int ftpc_complete(const char *line, size_t cursor,
		  const struct ftpc_rcache *rc, struct ftpc_matches *out)
{
	char word[FTPC_LINE_MAX + 1], first[FTPC_LINE_MAX + 1];
	const struct ftpc_cmd *cmd = NULL;
	unsigned argi;
	size_t start, lead, flen;
	bool ok = true;

	memset(out, 0, sizeof(*out));
	out->kind = 'n';
	if (strlen(line) > FTPC_LINE_MAX || cursor > strlen(line))
		return 0; /* the editor never holds such a line */
	start = word_at(line, cursor, &argi);
	out->start = start;
	memcpy(word, line + start, cursor - start);
	word[cursor - start] = '\0';
	out->kind = 'c';
	if (argi > 0) {
		lead = strspn(line, " \t");
		flen = strcspn(line + lead, " \t");
		memcpy(first, line + lead, flen);
		first[flen] = '\0';
		out->kind = ftpc_cmd_lookup(first, &cmd) == FTPC_LOOKUP_FOUND
				    ? ftpc_cmd_complete_kind(cmd, argi)
				    : 'n';
	}
	if (out->kind == 'c')
		ok = complete_commands(out, word);
	else if (out->kind == 'l')
		ok = complete_local(out, word);
	else if (out->kind == 'r')
		ok = complete_remote(out, word, rc);
	if (!ok || !set_common(out, word)) {
		ftpc_matches_free(out);
		return -1;
	}
	return 0;
}
