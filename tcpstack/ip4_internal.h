/*
 * ip4_internal.h - IPv4 state: datagram ids and the fragment reassembly
 * table (RFC 791/815, bounded memory, overlaps rejected as RFC 5722 does).
 */
#ifndef TS_IP4_INTERNAL_H
#define TS_IP4_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ts.h"
#include "ts_limits.h"

/* One datagram being reassembled. Holes are tracked with a simple sorted
 * list of received ranges (RFC 815's idea), adjacent ranges merged, so a
 * datagram is complete when one range covers 0..total-1. */
struct frag_range {
	uint16_t first, last; /* byte offsets, inclusive */
};

#define FRAG_RANGES_MAX 64u

struct frag_slot {
	bool used;
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	uint8_t ttl;          /* from the first fragment that arrived */
	ts_time_t deadline;
	uint8_t *buf;         /* 20-byte header + up to 65515 payload bytes */
	size_t cap;
	uint32_t total;       /* payload length once the last fragment came; 0 unknown */
	unsigned nranges;
	struct frag_range ranges[FRAG_RANGES_MAX];
};

struct ip4_state {
	uint16_t next_id;
	size_t frag_mem;      /* bytes held by all slots */
	struct frag_slot frags[TS_FRAG_MAX_DATAGRAMS];
	uint8_t *done;        /* last reassembled datagram (see frag_input) */
};

#define IP4_LIMITED_BROADCAST 0xffffffffu

/* True for 255.255.255.255 and our subnet's directed broadcast address
 * (ip4_input.c). */
bool ip4_is_broadcast(const struct ts_stack *st, uint32_t addr);

#endif /* TS_IP4_INTERNAL_H */
