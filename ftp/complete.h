/*
 * complete.h - tab completion for the client, independent of the terminal
 * library: given a line and a cursor it finds the word being completed and
 * its candidates (command names, local files, or remote names from a cache
 * the session fills from its last listing), using each command's completion
 * letters (cmd_table.h). edit.c feeds the result to libedit.
 */
#ifndef FTPC_COMPLETE_H
#define FTPC_COMPLETE_H

#include <stdbool.h>
#include <stddef.h>

/* Remote names of one directory, as the session last listed it. */
struct ftpc_rcache;

/* NULL when out of memory. The caller owns it. */
struct ftpc_rcache *ftpc_rcache_new(void);
void ftpc_rcache_free(struct ftpc_rcache *c);

/* Replaces the cache with n names (copied) listed in remote directory dir
 * (copied). A name ending in '/' is a directory. At most
 * FTPC_RCACHE_NAMES_MAX are kept. 0, or -1 when out of memory (the cache
 * is then empty). */
int ftpc_rcache_set(struct ftpc_rcache *c, const char *dir,
		    const char *const *names, size_t n);
/* Forgets everything (after cd, or when the connection closes). */
void ftpc_rcache_clear(struct ftpc_rcache *c);
/* The directory the names belong to, or NULL when empty. */
const char *ftpc_rcache_dir(const struct ftpc_rcache *c);

struct ftpc_matches {
	char **v;      /* owned: n candidates, each the whole word          */
	size_t n;
	char *common;  /* owned: longest common prefix of the candidates    */
	size_t start;  /* offset in the line where the completed word starts */
	char kind;     /* 'c', 'l', 'r' or 'n' (see cmd_table.h)            */
};

/* Completes the word that ends at cursor in line (cursor <= strlen(line)).
 * rc may be NULL (no remote names). Fills *out (free with
 * ftpc_matches_free, also when n is 0). 0, or -1 when out of memory. */
int ftpc_complete(const char *line, size_t cursor,
		  const struct ftpc_rcache *rc, struct ftpc_matches *out);
void ftpc_matches_free(struct ftpc_matches *m);

#endif /* FTPC_COMPLETE_H */
