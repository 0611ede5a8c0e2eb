/*
 * progress.h - what the client shows while a file moves, all computed from
 * byte counts and a time the caller passes in (microseconds, any monotonic
 * origin), so everything here is tested in virtual time:
 *
 *  - a tnftp-style progress bar for a terminal of a given width:
 *      " 42% |*************          |   430 KiB  215.00 KiB/s    00:03 ETA"
 *    with "- stalled -" when no byte arrived for FTPC_PROGRESS_STALL_US,
 *    redrawn at most once per FTPC_PROGRESS_INTERVAL_US;
 *  - the summary line "1048576 bytes received in 00:01 (1.00 MiB/s)";
 *  - BSD `hash` marks: one '#' per N bytes;
 *  - a token bucket for the `rate` command.
 */
#ifndef FTPC_PROGRESS_H
#define FTPC_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ftpc_progress {
	uint64_t total;      /* expected bytes including restart; 0: unknown */
	uint64_t restart;    /* bytes already there before (reget)          */
	uint64_t bytes;      /* bytes so far, restart included              */
	uint64_t start_us, last_draw_us, last_change_us;
	bool drawn;          /* drawn at least once                         */
};

/* Starts a transfer of total bytes (0 when unknown) resuming at restart. */
void ftpc_progress_start(struct ftpc_progress *p, uint64_t total,
			 uint64_t restart, uint64_t now_us);

/* Records that the transfer now stands at bytes (restart included).
 * Returns true when the bar should be redrawn (first call, or at least
 * FTPC_PROGRESS_INTERVAL_US since the last drawing); then it counts as
 * drawn at now_us. */
bool ftpc_progress_update(struct ftpc_progress *p, uint64_t bytes,
			  uint64_t now_us);

/* Renders the bar for a terminal `width` columns wide into buf (cap
 * bytes, NUL-terminated, no newline, at most width-1 characters so the
 * cursor never wraps). Returns the length. */
size_t ftpc_progress_render(const struct ftpc_progress *p, uint64_t now_us,
			    unsigned width, char *buf, size_t cap);

/* "N bytes received in 00:01 (1.00 MiB/s)"; direction is "received" or
 * "sent". Counts only the bytes moved in this transfer. */
size_t ftpc_progress_summary(const struct ftpc_progress *p, uint64_t now_us,
			     const char *direction, char *buf, size_t cap);

/* Hash marks: one per `step` bytes (0: FTPC_HASH_BYTES_DEFAULT). */
struct ftpc_hash {
	uint64_t step, marked;
};
void ftpc_hash_start(struct ftpc_hash *h, uint64_t step);
/* How many new '#' to print now that bytes have been moved in total. */
uint64_t ftpc_hash_marks(struct ftpc_hash *h, uint64_t bytes);

/* Token bucket: rate bytes per second, bursts of at most one second's
 * worth. rate 0 means unlimited. */
struct ftpc_rate {
	uint64_t rate;     /* bytes/s, <= FTPC_RATE_MAX                     */
	uint64_t credit;   /* byte-microseconds available (bytes * 1e6)     */
	uint64_t last_us;
};
/* Sets the rate (clamped to FTPC_RATE_MAX) and fills the bucket. */
void ftpc_rate_set(struct ftpc_rate *r, uint64_t rate, uint64_t now_us);
/* How many of want bytes may be moved now; they are taken. */
uint64_t ftpc_rate_take(struct ftpc_rate *r, uint64_t want, uint64_t now_us);
/* Microseconds until at least one byte may move (0: now). */
uint64_t ftpc_rate_wait_us(const struct ftpc_rate *r, uint64_t now_us);

/* Parses a byte count with an optional k, m or g suffix (powers of 1024,
 * as tnftp's `rate` and `hash`): 0 and *out, or -1 when malformed or
 * over FTPC_RATE_MAX. */
int ftpc_parse_bytes(const char *s, uint64_t *out);

#endif /* FTPC_PROGRESS_H */
