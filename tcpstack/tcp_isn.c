/*
 * tcp_isn.c - initial sequence numbers (RFC 6528) and the keyed hash the
 * stack uses wherever a remote peer must not predict or steer a value
 * (ISNs, ephemeral ports, SYN cookies).
 *
 *   ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
 *
 * M is a clock ticking every 4 microseconds (RFC 9293 3.4.1) and F is
 * SipHash-2-4 keyed with a per-stack secret from the OS random source.
 */
#include <string.h>

#include "stack_internal.h"

static inline uint64_t rotl64(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

#define SIPROUND(v0, v1, v2, v3)                                            \
	do {                                                                \
		v0 += v1; v1 = rotl64(v1, 13); v1 ^= v0; v0 = rotl64(v0, 32); \
		v2 += v3; v3 = rotl64(v3, 16); v3 ^= v2;                    \
		v0 += v3; v3 = rotl64(v3, 21); v3 ^= v0;                    \
		v2 += v1; v1 = rotl64(v1, 17); v1 ^= v2; v2 = rotl64(v2, 32); \
	} while (0)

uint64_t tcp_siphash(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *in = data;
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
	uint64_t v0 = 0x736f6d6570736575ull ^ k0;
	uint64_t v1 = 0x646f72616e646f6dull ^ k1;
	uint64_t v2 = 0x6c7967656e657261ull ^ k0;
	uint64_t v3 = 0x7465646279746573ull ^ k1;
	uint64_t b = (uint64_t)len << 56, m;
	size_t i, full = len - (len % 8);
	uint8_t tail[8] = { 0 };

	for (i = 0; i < full; i += 8) {
		m = load_le64(in + i);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	memcpy(tail, in + full, len - full);
	b |= load_le64(tail);
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

uint32_t tcp_isn_clock(const struct ts_stack *st, ts_time_t now)
{
	return (uint32_t)((now + st->tcp.clock_offset) / TCP_ISN_TICK_USEC);
}

uint32_t tcp_keyed_hash32(const struct ts_stack *st, const struct ts_addr *local,
			  const struct ts_addr *remote, uint32_t a, uint32_t use)
{
	struct {
		uint32_t lip, rip;
		uint16_t lport, rport;
		uint32_t a, use;
	} key;

	memset(&key, 0, sizeof(key));
	key.lip = local->ip;
	key.rip = remote->ip;
	key.lport = local->port;
	key.rport = remote->port;
	key.a = a;
	key.use = use;
	return (uint32_t)tcp_siphash(st->tcp.secret, &key, sizeof(key));
}

/* F(localip, localport, remoteip, remoteport, secretkey); `use` keeps
 * the ISN's and the timestamp offset's values apart. */
static uint32_t pair_hash(const struct ts_stack *st, const struct ts_addr *local,
			  const struct ts_addr *remote, uint32_t use)
{
	return tcp_keyed_hash32(st, local, remote, 0, use);
}

uint32_t tcp_new_isn(struct ts_stack *st, const struct tcb *tp)
{
	if (tp->flags & TF_ISN_FIXED)
		return tp->fixed_isn;
	return tcp_isn_clock(st, stack_now(st)) +
	       pair_hash(st, &tp->local, &tp->remote, 0);
}

uint32_t tcp_ts_offset_pair(const struct ts_stack *st,
			    const struct ts_addr *local,
			    const struct ts_addr *remote)
{
	return pair_hash(st, local, remote, 1) +
	       (uint32_t)(st->tcp.clock_offset / TS_USEC_PER_MSEC);
}

uint32_t tcp_ts_offset(const struct ts_stack *st, const struct tcb *tp)
{
	return tcp_ts_offset_pair(st, &tp->local, &tp->remote);
}
