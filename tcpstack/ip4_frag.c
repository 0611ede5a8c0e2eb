/*
 * ip4_frag.c - IPv4 reassembly (RFC 791 section 3.2, RFC 815 holes) with
 * bounded memory: at most TS_FRAG_MAX_DATAGRAMS in progress, at most
 * TS_FRAG_MEM_MAX bytes held, each abandoned after TS_FRAG_TIMEOUT.
 * Overlapping fragments drop the whole datagram, as RFC 5722 does for
 * IPv6: a receiver that picks one of two overlapping versions can be made
 * to see a different datagram than a firewall did. A repeated fragment
 * with identical bytes (a duplicated frame) is harmless and ignored.
 */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"

#define FRAG_PAYLOAD_MAX (65535u - IP4_HLEN_MIN) /* largest datagram body */
#define FRAG_UNIT 8u                              /* offset field unit    */

void ip4_init(struct ts_stack *st)
{
	memset(&st->ip4, 0, sizeof(st->ip4));
}

static void frag_slot_free(struct ts_stack *st, struct frag_slot *s)
{
	st->ip4.frag_mem -= s->cap;
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

/* The datagram handed out by the last frag_input lives until now. */
static void frag_done_free(struct ts_stack *st)
{
	free(st->ip4.done);
	st->ip4.done = NULL;
}

void ip4_free(struct ts_stack *st)
{
	unsigned i;

	for (i = 0; i < TS_FRAG_MAX_DATAGRAMS; i++)
		if (st->ip4.frags[i].used)
			frag_slot_free(st, &st->ip4.frags[i]);
	frag_done_free(st);
}

static struct frag_slot *frag_find(struct ts_stack *st, const struct ip4_pkt *ip)
{
	unsigned i;

	for (i = 0; i < TS_FRAG_MAX_DATAGRAMS; i++) {
		struct frag_slot *s = &st->ip4.frags[i];

		if (s->used && s->src == ip->src && s->dst == ip->dst &&
		    s->id == ip->id && s->proto == ip->proto)
			return s;
	}
	return NULL;
}

/* A free slot, else the oldest datagram is abandoned to make room. */
static struct frag_slot *frag_new(struct ts_stack *st, const struct ip4_pkt *ip)
{
	struct frag_slot *s = NULL;
	unsigned i;

	for (i = 0; i < TS_FRAG_MAX_DATAGRAMS; i++) {
		struct frag_slot *c = &st->ip4.frags[i];

		if (!c->used) {
			s = c;
			break;
		}
		if (!s || c->deadline < s->deadline)
			s = c;
	}
	if (s->used) {
		CNT(st, IP_FRAG_DROP_MEM);
		frag_slot_free(st, s);
	}
	s->used = true;
	s->src = ip->src;
	s->dst = ip->dst;
	s->id = ip->id;
	s->proto = ip->proto;
	s->ttl = ip->ttl;
	/* Only ts_input gets here, after which the owner re-reads the next
	 * deadline, so no wakeup is needed for this timer. */
	s->deadline = stack_now(st) + TS_FRAG_TIMEOUT;
	return s;
}

/* Grows the slot's buffer to hold payload bytes up to end, within the
 * stack-wide memory bound. */
static bool frag_reserve(struct ts_stack *st, struct frag_slot *s, size_t end)
{
	size_t need = IP4_HLEN_MIN + end, cap = s->cap * 2;
	uint8_t *buf;

	if (need <= s->cap)
		return true;
	if (cap < need)
		cap = need;
	if (cap > IP4_HLEN_MIN + FRAG_PAYLOAD_MAX)
		cap = IP4_HLEN_MIN + FRAG_PAYLOAD_MAX;
	/* SECURITY: fragments are memory an attacker chooses to make us
	 * hold; everything held stays under TS_FRAG_MEM_MAX. */
	if (st->ip4.frag_mem - s->cap + cap > TS_FRAG_MEM_MAX)
		return false;
	buf = realloc(s->buf, cap);
	if (!buf)
		return false;
	st->ip4.frag_mem = st->ip4.frag_mem - s->cap + cap;
	s->buf = buf;
	s->cap = cap;
	return true;
}

enum frag_fit { FRAG_FIT_NEW, FRAG_FIT_DUPLICATE, FRAG_FIT_OVERLAP };

/* How payload bytes [first, last] relate to what the slot holds. */
static enum frag_fit frag_check(const struct frag_slot *s, uint16_t first,
				uint16_t last, const uint8_t *data)
{
	unsigned i;

	for (i = 0; i < s->nranges; i++) {
		const struct frag_range *r = &s->ranges[i];

		if (last < r->first || first > r->last)
			continue;
		if (first >= r->first && last <= r->last &&
		    memcmp(s->buf + IP4_HLEN_MIN + first, data,
			   (size_t)(last - first) + 1) == 0)
			return FRAG_FIT_DUPLICATE;
		return FRAG_FIT_OVERLAP;
	}
	return FRAG_FIT_NEW;
}

/* Records [first, last] (disjoint from every range), merging neighbours.
 * False when the range list is full. */
static bool frag_add_range(struct frag_slot *s, uint16_t first, uint16_t last)
{
	unsigned i = 0, j;

	while (i < s->nranges && s->ranges[i].first < first)
		i++;
	if (i > 0 && s->ranges[i - 1].last + 1u == first) {
		s->ranges[i - 1].last = last;
		if (i < s->nranges && last + 1u == s->ranges[i].first) {
			s->ranges[i - 1].last = s->ranges[i].last;
			for (j = i; j + 1 < s->nranges; j++)
				s->ranges[j] = s->ranges[j + 1];
			s->nranges--;
		}
		return true;
	}
	if (i < s->nranges && last + 1u == s->ranges[i].first) {
		s->ranges[i].first = first;
		return true;
	}
	if (s->nranges >= FRAG_RANGES_MAX)
		return false;
	for (j = s->nranges; j > i; j--)
		s->ranges[j] = s->ranges[j - 1];
	s->ranges[i].first = first;
	s->ranges[i].last = last;
	s->nranges++;
	return true;
}

/* Validates a fragment's geometry against the datagram so far; on
 * success *end is the payload offset just past it. */
static bool frag_geometry_ok(const struct frag_slot *s, const struct ip4_pkt *ip,
			     size_t *end)
{
	size_t off = (size_t)(ip->frag & IP4_FRAG_OFFSET_MASK) * FRAG_UNIT;
	bool more = (ip->frag & IP4_FLAG_MF) != 0;

	*end = off + ip->payload_len;
	if (ip->payload_len == 0 || *end > FRAG_PAYLOAD_MAX)
		return false;
	if (more)
		return ip->payload_len % FRAG_UNIT == 0 &&
		       (s->total == 0 || *end <= s->total);
	/* The last fragment fixes the size: nothing may lie beyond it. */
	if (s->total != 0)
		return *end == s->total;
	return s->nranges == 0 || s->ranges[s->nranges - 1].last < *end;
}

/* The datagram is complete: hand its buffer out as st->ip4.done. */
static void frag_finish(struct ts_stack *st, struct frag_slot *s,
			struct ip4_pkt *out)
{
	uint8_t *buf = s->buf;

	ip4_write(buf, s->proto, s->src, s->dst, (uint16_t)s->total, s->id, false,
		  s->ttl);
	memset(out, 0, sizeof(*out));
	out->ihl_bytes = IP4_HLEN_MIN;
	out->ttl = s->ttl;
	out->proto = s->proto;
	out->total_len = (uint16_t)(IP4_HLEN_MIN + s->total);
	out->id = s->id;
	out->src = s->src;
	out->dst = s->dst;
	out->hdr = buf;
	out->payload = buf + IP4_HLEN_MIN;
	out->payload_len = s->total;
	s->buf = NULL; /* ownership moves to ip4.done */
	st->ip4.done = buf;
	frag_slot_free(st, s);
	CNT(st, IP_FRAG_REASSEMBLED);
}

static void frag_drop(struct ts_stack *st, struct frag_slot *s,
		      enum ts_counter why)
{
	st->counters[why]++;
	frag_slot_free(st, s);
}

bool frag_input(struct ts_stack *st, const struct ip4_pkt *ip,
		struct ip4_pkt *out)
{
	struct frag_slot *s;
	size_t off = (size_t)(ip->frag & IP4_FRAG_OFFSET_MASK) * FRAG_UNIT, end;

	frag_done_free(st);
	s = frag_find(st, ip);
	if (!s)
		s = frag_new(st, ip);
	if (!frag_geometry_ok(s, ip, &end))
		return frag_drop(st, s, TS_C_IP_FRAG_DROP_BAD), false;
	switch (frag_check(s, (uint16_t)off, (uint16_t)(end - 1), ip->payload)) {
	case FRAG_FIT_DUPLICATE:
		return false;
	case FRAG_FIT_OVERLAP:
		return frag_drop(st, s, TS_C_IP_FRAG_DROP_OVERLAP), false;
	case FRAG_FIT_NEW:
		break;
	}
	if (!frag_reserve(st, s, end) ||
	    !frag_add_range(s, (uint16_t)off, (uint16_t)(end - 1)))
		return frag_drop(st, s, TS_C_IP_FRAG_DROP_MEM), false;
	memcpy(s->buf + IP4_HLEN_MIN + off, ip->payload, ip->payload_len);
	if (!(ip->frag & IP4_FLAG_MF))
		s->total = (uint32_t)end;
	if (off == 0)
		s->ttl = ip->ttl;
	if (s->total == 0 || s->nranges != 1 || s->ranges[0].first != 0 ||
	    s->ranges[0].last + 1u != s->total)
		return false;
	frag_finish(st, s, out);
	return true;
}

ts_time_t frag_next_deadline(const struct ts_stack *st)
{
	ts_time_t next = TS_TIME_NEVER;
	unsigned i;

	for (i = 0; i < TS_FRAG_MAX_DATAGRAMS; i++)
		if (st->ip4.frags[i].used && st->ip4.frags[i].deadline < next)
			next = st->ip4.frags[i].deadline;
	return next;
}

void frag_timers(struct ts_stack *st, ts_time_t now)
{
	char src[TRACE_IP_STR_LEN];
	unsigned i;

	frag_done_free(st);
	for (i = 0; i < TS_FRAG_MAX_DATAGRAMS; i++) {
		struct frag_slot *s = &st->ip4.frags[i];

		if (!s->used || s->deadline > now)
			continue;
		trace_event(st, "ip: reassembly of datagram id %u from %s timed out; "
			    "fragments dropped", s->id, trace_ip_str(s->src, src));
		frag_drop(st, s, TS_C_IP_FRAG_TIMEOUT);
	}
}
