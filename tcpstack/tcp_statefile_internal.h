/*
 * tcp_statefile_internal.h - the TIME_WAIT state file: its parsed form,
 * the parser and encoder, and the seams between tcp_statefile.c,
 * tcp_statedir.c and tcp_timewait.c.
 *
 * File format, version 1 (all integers big-endian):
 *
 *   header (72 bytes)
 *     0  8  magic "SYNFINTW"
 *     8  4  version (1)
 *    12  4  the stack's IPv4 address
 *    16  6  the stack's MAC (informational)
 *    22  2  reserved, 0
 *    24  8  wall-clock time of writing, microseconds since the epoch
 *    32  4  MSL in milliseconds
 *    36  4  flags: bit 0 = the clock and secret are present
 *    40  8  the stack's continued clock (microseconds) behind the ISN
 *           clock M (RFC 9293 3.4.1) and the timestamp clock
 *    48 16  ISN secret (RFC 6528 F's key)
 *    64  4  number of entries
 *    68  4  reserved, 0
 *   entries (40 bytes each)
 *     0  4  local address     4  2  local port     6  2  remote port
 *     8  4  remote address   12  4  SND.NXT        16  4  RCV.NXT
 *    20  4  TS.Recent        24  4  our TSval at writing
 *    28  1  flags: bit 0 = timestamps on
 *    29  1  our window scale 30  2  reserved, 0
 *    32  8  wall-clock expiry of the 2MSL wait, microseconds
 *   trailer
 *     0  8  SipHash-2-4 (fixed key) of everything before it
 *
 * The file is untrusted input: sf_parse() is the only code that reads its
 * bytes, checks every length and field, and returns a parsed struct or a
 * reason; nothing of a bad file is applied.
 */
#ifndef TS_TCP_STATEFILE_INTERNAL_H
#define TS_TCP_STATEFILE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ts.h"
#include "ts_limits.h"

#define SF_VERSION 1u
#define SF_HDR_LEN 72u
#define SF_ENTRY_LEN 40u
#define SF_SUM_LEN 8u
#define SF_SECRET_LEN 16u
#define SF_FLAG_CLOCK 1u       /* header flags */
#define SF_ENTRY_TS 1u         /* entry flags  */
#define SF_FILE_MAX (SF_HDR_LEN + (size_t)TS_STATE_ENTRIES_MAX * SF_ENTRY_LEN + SF_SUM_LEN)

struct sf_entry {
	struct ts_addr local, remote;
	uint32_t snd_nxt, rcv_nxt;
	uint32_t ts_recent;     /* last TSval seen from the peer          */
	uint32_t tsval;         /* our timestamp clock when written       */
	bool ts_on;             /* the connection used timestamps         */
	uint8_t rcv_wscale;
	uint64_t expiry_us;     /* wall clock                             */
};

struct sf_file {
	uint32_t addr;
	uint8_t mac[6];
	uint64_t written_us;    /* wall clock                             */
	uint32_t msl_ms;
	bool clock_present;
	uint64_t clock_us;      /* stack clock + clock_offset when written */
	uint8_t isn_secret[SF_SECRET_LEN];
	uint32_t nentries;
	struct sf_entry *entries; /* owned; sf_file_free() */
};

/* Parser results (STYLE 4): truncated, malformed, over the limits. */
enum sf_result { SF_OK = 0, SF_NEED_MORE, SF_BAD, SF_TOO_LONG };

/* Parses a whole state file of len bytes into *out (entries allocated;
 * free with sf_file_free). On anything but SF_OK, *out holds nothing to
 * free and why says what is wrong ("checksum mismatch", ...). Checks the
 * framing, version, checksum and every field, and that no socket pair
 * appears twice; not the address (the caller compares it with its own). */
enum sf_result sf_parse(const uint8_t *buf, size_t len, struct sf_file *out,
			char *why, size_t whycap);
void sf_file_free(struct sf_file *f);

/* Bytes of a file with n entries, and the encoder: writes exactly
 * sf_encoded_len(f->nentries) bytes, checksum included. */
size_t sf_encoded_len(uint32_t nentries);
void sf_encode(const struct sf_file *f, uint8_t *buf);

/* Save and load at a given wall-clock time (ts_state_save/load use the
 * real one; tests pass their own). Save returns the count of entries
 * written and, in *unsaved, those beyond TS_STATE_ENTRIES_MAX; or -errno
 * (-ERANGE: the stack's MSL is over TS_STATE_MSL_MAX_MS). */
int tcp_state_save_at(const struct ts_stack *st, const char *path,
		      uint64_t wall_us, uint32_t *unsaved);
int tcp_state_load_at(struct ts_stack *st, const char *path,
		      uint64_t wall_us, char *msg, size_t msgcap);
uint64_t tcp_wall_clock_us(void);

/* Writes len bytes to path atomically (temp file in the same directory,
 * mode 0600, fsync, rename, fsync of the directory); no temp file is left
 * on failure. 0 or -errno. */
int sf_write_atomic(const char *path, const uint8_t *buf, size_t len);
/* fsync of the directory that holds path. 0 or -errno. */
int sf_fsync_dir_of(const char *path);

/* tcp_timewait.c: a connection in TIME_WAIT rebuilt from a saved entry,
 * with `left` of its 2MSL wait to run and our timestamp clock continuing
 * at ts_offset. Returns false when memory is short (nothing is left
 * half-made). */
bool tcp_timewait_restore(struct ts_stack *st, const struct sf_entry *e,
			  ts_time_t left, uint32_t ts_offset);

#endif /* TS_TCP_STATEFILE_INTERNAL_H */
