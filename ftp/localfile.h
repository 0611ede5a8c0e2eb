/*
 * localfile.h - where a download goes: a file, standard output ("-") or
 * a command's input ("|cmd"). A file is written under a temporary name
 * in the same directory, ".NAME.part", and renamed to NAME only when the
 * transfer succeeded, so an interrupted or failed get never leaves a
 * truncated file under the final name. A partial ".NAME.part" is kept
 * for `reget`, which resumes it (or adopts a partial NAME by moving it
 * to the temporary name first).
 */
#ifndef FTPC_LOCALFILE_H
#define FTPC_LOCALFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ftpc_limits.h"

enum ftpc_local_kind { FTPC_LOCAL_FILE = 0, FTPC_LOCAL_STDOUT,
		       FTPC_LOCAL_PIPE };

struct ftpc_local {
	enum ftpc_local_kind kind;
	char final[FTPC_PATH_MAX];
	char part[FTPC_PATH_MAX];
	int fd;             /* where bytes are written                 */
	FILE *pipe;         /* FTPC_LOCAL_PIPE                         */
	uint64_t resume;    /* bytes already in the file (REST offset) */
	uint64_t written;   /* bytes written by this transfer          */
};

/* ".NAME.part" beside NAME into out. 0, or -ENAMETOOLONG. */
int ftpc_local_part_name(const char *name, char *out, size_t cap);

/* Opens a download target. resume: continue a partial file (reget);
 * restart_at > 0: continue at exactly that offset (the `restart`
 * command; the partial file is cut there). 0, or -errno with a message
 * in err that names the file, the cause and the fix. */
int ftpc_local_open_get(struct ftpc_local *l, const char *name, bool resume,
			uint64_t restart_at, char *err, size_t errcap);

/* Writes all of buf. 0 or -errno (disk full, pipe closed). */
int ftpc_local_write(struct ftpc_local *l, const void *buf, size_t len);

/* Success: closes and renames the temporary file to the final name.
 * 0, or -errno with a message in err. */
int ftpc_local_commit(struct ftpc_local *l, char *err, size_t errcap);

/* Failure: closes; a partial file with bytes is kept for reget (returns
 * true), an empty one removed (false). The final name is untouched. */
bool ftpc_local_abandon(struct ftpc_local *l);

#endif /* FTPC_LOCALFILE_H */
