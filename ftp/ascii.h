/*
 * ascii.h - line-end conversion for TYPE A transfers (RFC 959 3.1.1.1):
 * the network form ends lines with CR LF, the local form with LF. Both
 * directions work on a stream cut into arbitrary chunks.
 */
#ifndef FTPC_ASCII_H
#define FTPC_ASCII_H

#include <stdbool.h>
#include <stddef.h>

struct ftpc_ascii {
	bool cr_held; /* from_net: a CR ended the last chunk              */
};

/* Converts len bytes of network text in `in` to local text in `out`
 * (room for len + 1 bytes): CR LF becomes LF; a CR not followed by LF
 * stays. A CR at the end of a chunk is held until the next chunk (or
 * ftpc_ascii_from_net_end). Returns the bytes written to out. */
size_t ftpc_ascii_from_net(struct ftpc_ascii *a, const char *in, size_t len,
			   char *out);
/* End of stream: writes a held CR (if any) to out; returns 0 or 1. */
size_t ftpc_ascii_from_net_end(struct ftpc_ascii *a, char *out);

/* Converts local text to network text: every LF not already preceded
 * by CR becomes CR LF. out has room for 2 * len bytes. Returns the bytes
 * written. a carries whether the previous chunk ended in CR. */
size_t ftpc_ascii_to_net(struct ftpc_ascii *a, const char *in, size_t len,
			 char *out);

#endif /* FTPC_ASCII_H */
