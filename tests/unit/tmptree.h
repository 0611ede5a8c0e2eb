/*
 * tmptree.h - temporary directory trees for unit tests (fixtures made with
 * mkdtemp and removed in teardown). Each function fails the running test
 * when the file system refuses.
 */
#ifndef TMPTREE_H
#define TMPTREE_H

#include <stddef.h>

/* Makes a new directory /tmp/NAME.XXXXXX; its path goes into dir. */
void tmptree_make(char *dir, size_t cap, const char *name);

/* Writes text into the new file dir/name. */
void tmptree_put(const char *dir, const char *name, const char *text);

/* Removes dir and everything below it (links are removed, not followed). */
void tmptree_remove(const char *dir);

#endif /* TMPTREE_H */
