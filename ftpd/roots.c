/*
 * roots.c - the open FTP roots, by path (see roots.h). A small chained
 * hash table: a server with many virtual users has as many roots.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftpd_limits.h"
#include "roots.h"

#define ROOTS_BUCKETS 1024u

struct root {
	struct root *next;
	struct vfs *vfs;
	char path[];
};

struct ftpd_roots {
	struct root *bucket[ROOTS_BUCKETS];
	size_t n;
	bool sealed;
};

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h % ROOTS_BUCKETS;
}

struct ftpd_roots *ftpd_roots_new(void)
{
	return calloc(1, sizeof(struct ftpd_roots));
}

void ftpd_roots_free(struct ftpd_roots *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < ROOTS_BUCKETS; i++)
		while (r->bucket[i]) {
			struct root *e = r->bucket[i];

			r->bucket[i] = e->next;
			vfs_free(e->vfs);
			free(e);
		}
	free(r);
}

const struct vfs *ftpd_roots_find(const struct ftpd_roots *r,
				  const char *path)
{
	const struct root *e;

	for (e = r->bucket[hash(path)]; e; e = e->next)
		if (strcmp(e->path, path) == 0)
			return e->vfs;
	return NULL;
}

const struct vfs *ftpd_roots_open(struct ftpd_roots *r, const char *path,
				  char *err, size_t errlen)
{
	const struct vfs *found = ftpd_roots_find(r, path);
	size_t len = strlen(path);
	struct root *e;
	uint32_t h;

	if (found)
		return found;
	if (r->sealed) {
		snprintf(err, errlen, "root %s was not open when ftpd dropped "
			 "its privileges (it opens every root before it "
			 "chroots); restart ftpd to serve it", path);
		return NULL;
	}
	if (r->n >= FTPD_ROOTS_MAX) {
		snprintf(err, errlen, "root %s: more than %d roots are open; "
			 "give users a common root", path, FTPD_ROOTS_MAX);
		return NULL;
	}
	e = calloc(1, sizeof(*e) + len + 1);
	if (!e) {
		snprintf(err, errlen, "root %s: out of memory", path);
		return NULL;
	}
	memcpy(e->path, path, len + 1);
	if (vfs_open_root(path, 0, &e->vfs, err, errlen) != 0) {
		free(e);
		return NULL;
	}
	h = hash(path);
	e->next = r->bucket[h];
	r->bucket[h] = e;
	r->n++;
	return e->vfs;
}

void ftpd_roots_seal(struct ftpd_roots *r)
{
	r->sealed = true;
}

size_t ftpd_roots_count(const struct ftpd_roots *r)
{
	return r->n;
}
