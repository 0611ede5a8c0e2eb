/*
 * arp.c - ARP (RFC 826): the cache with expiry and static entries,
 * resolution with a bounded queue of packets per next hop and bounded
 * retries, replies for our address, gratuitous ARP and probes (RFC 5227),
 * and detection of another station claiming our address.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"

#define ETH_FRAME_MIN 60u /* shortest Ethernet frame without FCS */

static const uint8_t mac_zero[6];
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static bool mac_is_multicast(const uint8_t mac[6])
{
	return (mac[0] & 1u) != 0; /* also true for broadcast */
}

static struct arp_entry *arp_find(struct arp_cache *c, uint32_t ip)
{
	unsigned i;

	for (i = 0; i < TS_ARP_CACHE_SIZE; i++)
		if (c->entries[i].state != ARP_FREE && c->entries[i].ip == ip)
			return &c->entries[i];
	return NULL;
}

/* Frees the packets an entry holds and the entry itself. */
static void arp_release(struct arp_entry *e)
{
	unsigned i;

	for (i = 0; i < e->npending; i++)
		free(e->pending[i].ip - TS_L2_HEADROOM);
	memset(e, 0, sizeof(*e));
}

/* A free entry, else the resolved entry closest to expiry (it is the least
 * useful); NULL when every entry is static or resolving. */
static struct arp_entry *arp_alloc(struct arp_cache *c, uint32_t ip)
{
	struct arp_entry *victim = NULL;
	unsigned i;

	for (i = 0; i < TS_ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = &c->entries[i];

		if (e->state == ARP_FREE) {
			victim = e;
			break;
		}
		if (e->state == ARP_RESOLVED &&
		    (!victim || e->deadline < victim->deadline))
			victim = e;
	}
	if (!victim)
		return NULL;
	arp_release(victim);
	victim->ip = ip;
	return victim;
}

static void arp_send(struct ts_stack *st, const uint8_t eth_dst[6],
		     const struct arp_pkt *a)
{
	uint8_t frame[ETH_FRAME_MIN];

	memset(frame, 0, sizeof(frame)); /* padding to the minimum frame */
	eth_write(frame, eth_dst, st->cfg.mac, ETH_TYPE_ARP);
	arp_write(frame + ETH_HLEN, a);
	CNT(st, ARP_TX);
	link_emit(st, frame, sizeof(frame));
}

/* Broadcast request: who has tpa? Tell spa (0 for an RFC 5227 probe). */
static void arp_send_request(struct ts_stack *st, uint32_t spa, uint32_t tpa)
{
	struct arp_pkt a = { .op = ARP_OP_REQUEST, .spa = spa, .tpa = tpa };

	memcpy(a.sha, st->cfg.mac, 6);
	arp_send(st, mac_bcast, &a);
}

/* Puts the Ethernet header into the headroom before ip and sends it. */
static void arp_emit_ip(struct ts_stack *st, const uint8_t mac[6], uint8_t *ip,
			size_t len)
{
	eth_write(ip - ETH_HLEN, mac, st->cfg.mac, ETH_TYPE_IPV4);
	link_emit(st, ip - ETH_HLEN, len + ETH_HLEN);
}

/* The entry's MAC is known: send what waited for it, in order. */
static void arp_resolved(struct ts_stack *st, struct arp_entry *e,
			 const uint8_t mac[6], enum arp_entry_state state)
{
	char ip[TRACE_IP_STR_LEN], m[TRACE_MAC_STR_LEN];
	unsigned i;

	if (e->state == ARP_RESOLVING)
		trace_event(st, "arp: %s is at %s", trace_ip_str(e->ip, ip),
			    trace_mac_str(mac, m));
	memcpy(e->mac, mac, 6);
	e->state = state;
	e->tries = 0;
	e->deadline = state == ARP_STATIC ? TS_TIME_NEVER
					  : stack_now(st) + TS_ARP_ENTRY_TTL;
	for (i = 0; i < e->npending; i++) {
		arp_emit_ip(st, mac, e->pending[i].ip, e->pending[i].len);
		free(e->pending[i].ip - TS_L2_HEADROOM);
	}
	e->npending = 0;
}

/* Keeps a heap copy (with headroom) of a packet waiting for resolution. */
static bool arp_queue(struct ts_stack *st, struct arp_entry *e,
		      const uint8_t *ip, size_t len)
{
	uint8_t *copy;

	if (e->npending >= TS_ARP_QUEUE_PER_ENTRY)
		return false;
	copy = malloc(TS_L2_HEADROOM + len);
	if (!copy)
		return false;
	memcpy(copy + TS_L2_HEADROOM, ip, len);
	e->pending[e->npending].ip = copy + TS_L2_HEADROOM;
	e->pending[e->npending].len = len;
	e->npending++;
	return true;
}

void arp_output(struct ts_stack *st, uint32_t next_hop, uint8_t *ip,
		size_t len)
{
	struct arp_entry *e = arp_find(&st->arp, next_hop);
	ts_time_t now = stack_now(st);

	if (ip4_is_broadcast(st, next_hop)) {
		arp_emit_ip(st, mac_bcast, ip, len);
		return;
	}
	if (e && (e->state == ARP_STATIC ||
		  (e->state == ARP_RESOLVED && e->deadline > now))) {
		arp_emit_ip(st, e->mac, ip, len);
		return;
	}
	if (e && e->state == ARP_RESOLVED) /* expired, not yet swept */
		arp_release(e), e = NULL;
	if (!e) {
		e = arp_alloc(&st->arp, next_hop);
		if (!e) {
			CNT(st, ARP_DROP_QUEUE_FULL);
			return;
		}
		e->state = ARP_RESOLVING;
		e->tries = 1;
		e->deadline = now + TS_ARP_RETRY_INTERVAL;
		if (!arp_queue(st, e, ip, len))
			CNT(st, ARP_DROP_QUEUE_FULL);
		arp_send_request(st, st->cfg.addr, next_hop);
		stack_wakeup(st);
		return;
	}
	if (!arp_queue(st, e, ip, len))
		CNT(st, ARP_DROP_QUEUE_FULL);
}

/* Duplicate-address detection: another station speaks for our address. */
static void arp_conflict(struct ts_stack *st, const struct arp_pkt *a)
{
	char ip[TRACE_IP_STR_LEN], m[TRACE_MAC_STR_LEN];

	st->arp.conflicts++;
	memcpy(st->arp.conflict_mac, a->sha, 6);
	CNT(st, ARP_CONFLICT);
	trace_event(st, "arp: address conflict: %s is also claimed by %s",
		    trace_ip_str(a->spa, ip), trace_mac_str(a->sha, m));
	/* Before the announcement the caller is probing and reports the
	 * conflict itself; after it, two stations answer for one address
	 * and the owner must hear of it whatever the trace shows. */
	if (st->arp.announced && st->cfg.warn_line != NULL) {
		char line[TS_WARN_LINE_MAX];

		snprintf(line, sizeof(line), "warning: address conflict: "
			 "%s, our address, is also claimed by %s; connections "
			 "to it may break: give one station another address",
			 ip, m);
		st->cfg.warn_line(st->cfg.warn_ctx, line);
	}
}

/* RFC 826 "merge": refresh a mapping we hold; create one only for a
 * station that asks for us (it will talk to us next). */
static void arp_learn(struct ts_stack *st, const struct arp_pkt *a)
{
	struct arp_entry *e = arp_find(&st->arp, a->spa);
	bool for_us = a->tpa == st->cfg.addr && a->op == ARP_OP_REQUEST;

	/* SECURITY: static entries are never overwritten, and nothing is
	 * learned for address 0 or a broadcast address (probes, spoofing). */
	if (a->spa == 0 || ip4_is_broadcast(st, a->spa))
		return;
	if (e && e->state == ARP_STATIC)
		return;
	if (!e && for_us)
		e = arp_alloc(&st->arp, a->spa);
	if (e)
		arp_resolved(st, e, a->sha, ARP_RESOLVED);
}

void arp_input(struct ts_stack *st, const struct eth_hdr *eth)
{
	struct arp_pkt a, r;
	enum ts_counter why;

	CNT(st, ARP_RX);
	if (arp_parse(eth->payload, eth->payload_len, &a, &why) != WIRE_OK) {
		st->counters[why]++;
		return;
	}
	/* SECURITY: a broadcast or multicast sender address is forged;
	 * caching it would send our unicast traffic to everyone. */
	if (mac_is_multicast(a.sha) || memcmp(a.sha, mac_zero, 6) == 0) {
		CNT(st, ARP_DROP_BAD);
		return;
	}
	if (memcmp(a.sha, st->cfg.mac, 6) == 0)
		return; /* our own frame, repeated back to us */
	if (st->cfg.addr != 0 && a.spa == st->cfg.addr) {
		arp_conflict(st, &a);
		return;
	}
	arp_learn(st, &a);
	if (a.op != ARP_OP_REQUEST || st->cfg.addr == 0 || a.tpa != st->cfg.addr)
		return;
	/* A probe (sender 0) is answered to the sender's MAC with target 0,
	 * as RFC 5227 expects; other requests to the sender. */
	r.op = ARP_OP_REPLY;
	memcpy(r.sha, st->cfg.mac, 6);
	r.spa = st->cfg.addr;
	memcpy(r.tha, a.sha, 6);
	r.tpa = a.spa;
	arp_send(st, a.sha, &r);
}

ts_time_t arp_next_deadline(const struct ts_stack *st)
{
	ts_time_t next = TS_TIME_NEVER;
	unsigned i;

	for (i = 0; i < TS_ARP_CACHE_SIZE; i++) {
		const struct arp_entry *e = &st->arp.entries[i];

		if ((e->state == ARP_RESOLVING || e->state == ARP_RESOLVED) &&
		    e->deadline < next)
			next = e->deadline;
	}
	return next;
}

/* A resolution ran out of tries: its packets are dropped. */
static void arp_give_up(struct ts_stack *st, struct arp_entry *e)
{
	char ip[TRACE_IP_STR_LEN];

	CNT_ADD(st, ARP_DROP_UNRESOLVED, e->npending);
	trace_event(st, "arp: no reply from %s after %u requests; dropped %u "
		    "queued packets (is the host up and on this link?)",
		    trace_ip_str(e->ip, ip), e->tries, e->npending);
	arp_release(e);
}

void arp_timers(struct ts_stack *st, ts_time_t now)
{
	unsigned i;

	for (i = 0; i < TS_ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = &st->arp.entries[i];

		if (e->state == ARP_RESOLVED && e->deadline <= now) {
			arp_release(e);
		} else if (e->state == ARP_RESOLVING && e->deadline <= now) {
			if (e->tries >= TS_ARP_MAX_TRIES) {
				arp_give_up(st, e);
				continue;
			}
			e->tries++;
			e->deadline = now + TS_ARP_RETRY_INTERVAL;
			arp_send_request(st, st->cfg.addr, e->ip);
		}
	}
}

void arp_init(struct ts_stack *st)
{
	memset(&st->arp, 0, sizeof(st->arp));
}

void arp_free(struct ts_stack *st)
{
	unsigned i;

	for (i = 0; i < TS_ARP_CACHE_SIZE; i++)
		arp_release(&st->arp.entries[i]);
}

/* ---- public API (ts.h) ------------------------------------------------------ */

void ts_announce(struct ts_stack *st)
{
	if (st->cfg.link_kind != TS_LINK_ETHERNET || st->cfg.addr == 0)
		return;
	if (!st->in_input)
		stack_refresh_now(st);
	/* RFC 5227 ARP Announcement: a request with our address as both
	 * sender and target, so every cache refreshes its entry. */
	arp_send_request(st, st->cfg.addr, st->cfg.addr);
	st->arp.announced = true;
}

void ts_arp_probe(struct ts_stack *st, uint32_t ip)
{
	struct arp_entry *e;

	if (st->cfg.link_kind != TS_LINK_ETHERNET || ip == 0)
		return;
	if (!st->in_input)
		stack_refresh_now(st);
	/* An entry in RESOLVING (with nothing queued) lets the reply be
	 * learned for ts_arp_lookup; it lapses after one retry interval. A
	 * reply for our own address is a conflict instead. */
	e = arp_find(&st->arp, ip);
	if (!e && ip != st->cfg.addr && (e = arp_alloc(&st->arp, ip)) != NULL) {
		e->state = ARP_RESOLVING;
		e->tries = TS_ARP_MAX_TRIES;
		e->deadline = stack_now(st) + TS_ARP_RETRY_INTERVAL;
		stack_wakeup(st);
	}
	arp_send_request(st, 0, ip);
}

bool ts_arp_lookup(const struct ts_stack *st, uint32_t ip, uint8_t mac[6])
{
	unsigned i;

	for (i = 0; i < TS_ARP_CACHE_SIZE; i++) {
		const struct arp_entry *e = &st->arp.entries[i];

		if (e->ip != ip)
			continue;
		if (e->state == ARP_STATIC ||
		    (e->state == ARP_RESOLVED && e->deadline > stack_now(st))) {
			memcpy(mac, e->mac, 6);
			return true;
		}
	}
	return false;
}

int ts_arp_add_static(struct ts_stack *st, uint32_t ip, const uint8_t mac[6])
{
	struct arp_entry *e;

	if (ip == 0 || ip4_is_broadcast(st, ip) || mac_is_multicast(mac) ||
	    memcmp(mac, mac_zero, 6) == 0)
		return -EINVAL;
	e = arp_find(&st->arp, ip);
	if (!e)
		e = arp_alloc(&st->arp, ip);
	if (!e)
		return -ENOSPC;
	arp_resolved(st, e, mac, ARP_STATIC);
	return 0;
}

unsigned ts_addr_conflicts(const struct ts_stack *st, uint8_t mac[6])
{
	if (mac && st->arp.conflicts > 0)
		memcpy(mac, st->arp.conflict_mac, 6);
	return st->arp.conflicts;
}
