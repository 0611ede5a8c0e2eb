/*
 * arp_internal.h - ARP cache with expiry and per-entry packet queues.
 */
#ifndef TS_ARP_INTERNAL_H
#define TS_ARP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ts.h"
#include "ts_limits.h"

/* A packet waiting for its next hop's MAC; heap copy owned by the entry. */
struct arp_pending {
	uint8_t *ip;   /* IP packet, with TS_L2_HEADROOM bytes before it   */
	size_t len;
};

enum arp_entry_state { ARP_FREE = 0, ARP_RESOLVING, ARP_RESOLVED, ARP_STATIC };

struct arp_entry {
	enum arp_entry_state state;
	uint32_t ip;
	uint8_t mac[6];
	ts_time_t deadline;   /* expiry (RESOLVED) or next retry (RESOLVING) */
	unsigned tries;
	unsigned npending;
	struct arp_pending pending[TS_ARP_QUEUE_PER_ENTRY];
};

struct arp_cache {
	struct arp_entry entries[TS_ARP_CACHE_SIZE];
	unsigned conflicts;
	uint8_t conflict_mac[6];
	bool announced;   /* ts_announce() ran: a conflict is now a warning */
};

#endif /* TS_ARP_INTERNAL_H */
