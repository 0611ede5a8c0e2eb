/*
 * transfer.h - one data transfer: the data connection, REST, the command
 * (RETR, STOR, APPE, LIST, NLST, MLSD), the bytes with line-end
 * conversion, progress bar / hash marks / rate limit, and the final
 * reply. Ctrl-C aborts it the RFC 959 way (abort.h).
 */
#ifndef FTPC_TRANSFER_H
#define FTPC_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "localfile.h"
#include "session.h"

struct ftpc_xfer {
	const char *verb;     /* "RETR", "STOR", ...                       */
	const char *arg;      /* NULL: the verb alone                      */
	bool upload;
	struct ftpc_local *out; /* download target; NULL: to memory      */
	int in_fd;            /* upload source                             */
	bool ascii;           /* convert line ends                         */
	bool meter;           /* progress bar, hash marks, summary         */
	bool sanitize;        /* show control bytes as '?' (terminal)      */
	uint64_t restart;     /* REST offset, 0: none                      */
	uint64_t total;       /* expected size with restart, 0: unknown    */
	uint64_t rate;        /* bytes/s, 0: unlimited                     */
	/* To memory (names for mget): owned by the caller after return.  */
	char *mem;
	size_t mem_len, mem_cap;
	/* Results. */
	uint64_t bytes;       /* network bytes moved                       */
	bool interrupted;     /* Ctrl-C: aborted with ABOR                 */
};

/* Runs the transfer. 0 when the server confirmed it (2xx) and every
 * byte moved; -errno otherwise, with a message printed. */
int ftpc_transfer(struct ftpc_session *s, struct ftpc_xfer *x);

#endif /* FTPC_TRANSFER_H */
