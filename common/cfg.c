/*
 * cfg.c - typed `key = value` configuration engine (see cfg.h).
 *
 * The file is parsed in one place (cfg_load_buffer -> split_line) with
 * explicit lengths; every value goes through parse_value() into a
 * union cfg_val, then store_value() puts it into the program's struct.
 * Formatting goes the other way (load_value -> format_value), so a dump
 * reads back to the same configuration.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "cfg_internal.h"
#include "common_limits.h"
#include "file_read.h"

/* ---- storage ------------------------------------------------------------- */

static void *field(const struct cfg_key *k, void *obj)
{
	return (char *)obj + k->offset;
}

static const void *cfield(const struct cfg_key *k, const void *obj)
{
	return (const char *)obj + k->offset;
}

static void list_clear(struct cfg_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

static int list_append(struct cfg_list *l, const char *s)
{
	char **items;
	char *copy;

	if (l->n >= CFG_LIST_MAX)
		return -E2BIG;
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	items = realloc(l->items, (l->n + 1) * sizeof(*items));
	if (!items) {
		free(copy);
		return -ENOMEM;
	}
	items[l->n++] = copy;
	l->items = items;
	return 0;
}

static int store_string(char **slot, const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		return -ENOMEM;
	free(*slot);
	*slot = copy;
	return 0;
}

static int store_value(const struct cfg_key *k, void *obj,
		       const union cfg_val *v)
{
	void *f = field(k, obj);

	switch (k->type) {
	case CFG_BOOL: *(bool *)f = v->b; return 0;
	case CFG_INT:
	case CFG_SIZE:
	case CFG_DURATION: *(int64_t *)f = v->i; return 0;
	case CFG_ENUM: *(int *)f = v->e; return 0;
	case CFG_IPV4: *(uint32_t *)f = v->ip; return 0;
	case CFG_CIDR: *(struct cfg_cidr *)f = v->cidr; return 0;
	case CFG_MAC: *(struct cfg_mac *)f = v->mac; return 0;
	case CFG_PORT_RANGE: *(struct cfg_port_range *)f = v->ports; return 0;
	case CFG_STRING:
	case CFG_PATH: return store_string((char **)f, v->s);
	case CFG_LIST:
		if (v->s[0] == '\0') {
			list_clear((struct cfg_list *)f);
			return 0;
		}
		return list_append((struct cfg_list *)f, v->s);
	}
	return -EINVAL;
}

/* Current value of k in obj; strings are borrowed from obj. */
static void load_value(const struct cfg_key *k, const void *obj,
		       union cfg_val *v)
{
	const void *f = cfield(k, obj);

	memset(v, 0, sizeof(*v));
	switch (k->type) {
	case CFG_BOOL: v->b = *(const bool *)f; break;
	case CFG_INT:
	case CFG_SIZE:
	case CFG_DURATION: v->i = *(const int64_t *)f; break;
	case CFG_ENUM: v->e = *(const int *)f; break;
	case CFG_IPV4: v->ip = *(const uint32_t *)f; break;
	case CFG_CIDR: v->cidr = *(const struct cfg_cidr *)f; break;
	case CFG_MAC: v->mac = *(const struct cfg_mac *)f; break;
	case CFG_PORT_RANGE: v->ports = *(const struct cfg_port_range *)f; break;
	case CFG_STRING:
	case CFG_PATH: v->s = *(char *const *)f ? *(char *const *)f : ""; break;
	case CFG_LIST: v->list = (const struct cfg_list *)f; break;
	}
}

/* ---- keys ------------------------------------------------------------------ */

const struct cfg_key *cfg_find(const struct cfg_table *t, const char *name,
			       size_t len)
{
	size_t i;

	for (i = 0; i < t->nkeys; i++)
		if (strlen(t->keys[i].name) == len &&
		    memcmp(t->keys[i].name, name, len) == 0)
			return &t->keys[i];
	return NULL;
}

/* Levenshtein distance, for "did you mean"; both strings are at most
 * CFG_KEY_MAX bytes (longer names are never close to a key). */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[CFG_KEY_MAX + 1];

	if (la > CFG_KEY_MAX || lb > CFG_KEY_MAX)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

const char *cfg_closest(const struct cfg_table *t, const char *name)
{
	const char *best = NULL;
	size_t best_d = CFG_SUGGEST_MAX_DIST + 1, i;

	for (i = 0; i < t->nkeys; i++) {
		size_t d = edit_distance(name, t->keys[i].name);

		if (d < best_d) {
			best_d = d;
			best = t->keys[i].name;
		}
	}
	return best;
}

/* ---- setting one key ------------------------------------------------------ */

/* Quotes at most CFG_SHOW_MAX bytes of a value for an error message. */
static const char *show(const char *value, char *buf, size_t cap)
{
	size_t len = strlen(value);

	if (len <= CFG_SHOW_MAX)
		snprintf(buf, cap, "%s", value);
	else
		snprintf(buf, cap, "%.*s...", (int)CFG_SHOW_MAX, value);
	return buf;
}

static int unknown_key(const struct cfg_table *t, const char *key,
		       const char *where, char *err, size_t errlen)
{
	const char *near = cfg_closest(t, key);
	char shown[CFG_SHOW_MAX + 4];

	show(key, shown, sizeof(shown));
	if (near)
		snprintf(err, errlen,
			 "%s: unknown key '%s'; did you mean '%s'? "
			 "(every key is listed in %s)",
			 where, shown, near, t->doc);
	else
		snprintf(err, errlen,
			 "%s: unknown key '%s' (every key is listed in %s)",
			 where, shown, t->doc);
	return -ENOENT;
}

int cfg_set(const struct cfg_table *t, void *obj, const char *key,
	    const char *value, const char *where, char *err, size_t errlen)
{
	const struct cfg_key *k = cfg_find(t, key, strlen(key));
	char why[256], shown[CFG_SHOW_MAX + 4];
	union cfg_val v;
	int rc;

	if (!k)
		return unknown_key(t, key, where, err, errlen);
	if (strlen(value) > CFG_VALUE_MAX) {
		snprintf(err, errlen,
			 "%s: the value of %s is longer than %u bytes; "
			 "shorten it", where, k->name, CFG_VALUE_MAX);
		return -E2BIG;
	}
	why[0] = '\0';
	rc = cfg_value_parse(k, value, &v, why, sizeof(why));
	if (rc == 0 && k->check)
		rc = k->check(value, why, sizeof(why));
	if (rc != 0) {
		snprintf(err, errlen, "%s: bad value '%s' for %s: %s%s", where,
			 show(value, shown, sizeof(shown)), k->name, why,
			 strstr(value, " #") ?
			 " (a comment must be on a line of its own)" : "");
		return -EINVAL;
	}
	rc = store_value(k, obj, &v);
	if (rc == -E2BIG)
		snprintf(err, errlen,
			 "%s: %s is given more than %u times; merge the lines",
			 where, k->name, CFG_LIST_MAX);
	else if (rc != 0)
		snprintf(err, errlen, "%s: %s: out of memory", where, k->name);
	return rc;
}

int cfg_init(const struct cfg_table *t, void *obj, char *err, size_t errlen)
{
	size_t i;
	int rc;

	for (i = 0; i < t->nkeys; i++) {
		rc = cfg_set(t, obj, t->keys[i].name, t->keys[i].def,
			     "default", err, errlen);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Sets key from len bytes of value (already trimmed by cfg_split_line). */
static int set_from_line(const struct cfg_table *t, void *obj,
			 const struct cfg_line *line, const char *where,
			 char *err, size_t errlen)
{
	char buf[CFG_VALUE_MAX + 1];

	if (line->value_len > CFG_VALUE_MAX) {
		snprintf(err, errlen,
			 "%s: the value of %s is longer than %u bytes; "
			 "shorten it", where, line->key, CFG_VALUE_MAX);
		return -E2BIG;
	}
	memcpy(buf, line->value, line->value_len);
	buf[line->value_len] = '\0';
	return cfg_set(t, obj, line->key, buf, where, err, errlen);
}

int cfg_override(const struct cfg_table *t, void *obj, const char *kv,
		 char *err, size_t errlen)
{
	struct cfg_line line;
	int rc = cfg_split_line(kv, strlen(kv), "command line", &line, err,
				errlen);

	if (rc == CFG_LINE_EMPTY) {
		snprintf(err, errlen,
			 "command line: expected -o key=value, found '%.*s'",
			 (int)CFG_SHOW_MAX, kv);
		return -EINVAL;
	}
	if (rc != CFG_LINE_KV)
		return -EINVAL;
	return set_from_line(t, obj, &line, "command line", err, errlen);
}

/* ---- formatting ------------------------------------------------------------ */

int cfg_format(const struct cfg_key *key, const void *obj, char *out,
	       size_t cap)
{
	union cfg_val v;

	load_value(key, obj, &v);
	return cfg_value_format(key, &v, out, cap);
}

static bool is_default(const struct cfg_key *k, const char *cur)
{
	char buf[CFG_VALUE_MAX + 1], why[8];
	union cfg_val v;

	if (k->type == CFG_LIST)
		return cur[0] == '\0' && k->def[0] == '\0';
	if (cfg_value_parse(k, k->def, &v, why, sizeof(why)) != 0 ||
	    cfg_value_format(k, &v, buf, sizeof(buf)) < 0)
		return false;
	return strcmp(buf, cur) == 0;
}

void cfg_dump(const struct cfg_table *t, const void *obj, FILE *out,
	      bool verbose)
{
	char buf[CFG_VALUE_MAX + 1];
	size_t i, j;

	for (i = 0; i < t->nkeys; i++) {
		const struct cfg_key *k = &t->keys[i];

		if (cfg_format(k, obj, buf, sizeof(buf)) < 0)
			snprintf(buf, sizeof(buf), "?");
		if (verbose)
			fprintf(out, "# %s%s\n", k->help,
				is_default(k, buf) ? "" : " [changed]");
		if (k->type == CFG_LIST) {
			const struct cfg_list *l = cfield(k, obj);

			if (l->n == 0)
				fprintf(out, "%s =\n", k->name);
			for (j = 0; j < l->n; j++)
				fprintf(out, "%s = %s\n", k->name,
					l->items[j]);
		} else {
			fprintf(out, "%s = %s\n", k->name, buf);
		}
	}
}

void cfg_free(const struct cfg_table *t, void *obj)
{
	size_t i;

	for (i = 0; i < t->nkeys; i++) {
		const struct cfg_key *k = &t->keys[i];

		if (k->type == CFG_STRING || k->type == CFG_PATH) {
			char **slot = field(k, obj);

			free(*slot);
			*slot = NULL;
		} else if (k->type == CFG_LIST) {
			list_clear(field(k, obj));
		}
	}
}

/* ---- files ----------------------------------------------------------------- */

int cfg_load_file(const struct cfg_table *t, void *obj, const char *path,
		  char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = file_read_all(NULL, path, CFG_FILE_MAX, 0, &buf, &len, err,
			       errlen);

	if (rc != 0)
		return rc;
	rc = cfg_load_buffer(t, obj, path, buf, len, err, errlen);
	free(buf);
	return rc;
}

int cfg_load_buffer(const struct cfg_table *t, void *obj, const char *name,
		    const char *buf, size_t len, char *err, size_t errlen)
{
	struct cfg_line line;
	char where[512];
	size_t pos = 0, lineno = 0;
	int rc;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;

		lineno++;
		snprintf(where, sizeof(where), "%s:%zu", name, lineno);
		rc = cfg_split_line(buf + pos, end - pos, where, &line, err,
				    errlen);
		pos = nl ? end + 1 : len;
		if (rc == CFG_LINE_EMPTY)
			continue;
		if (rc != CFG_LINE_KV)
			return -EINVAL;
		rc = set_from_line(t, obj, &line, where, err, errlen);
		if (rc != 0)
			return rc;
	}
	return 0;
}
