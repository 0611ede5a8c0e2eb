/*
 * stack_internal.h - the stack object and the seams between its modules.
 *
 * Data flow (each arrow is one function below):
 *
 *   ts_input -> eth_input -> arp_input
 *                        \-> ip4_input -> frag_input -> (reassembled) ip4_deliver
 *                                     \-> icmp_input -> tcp_icmp_error
 *                                     \-> tcp_input
 *   tcp_output -> ip4_send -> arp_resolve (queue while resolving) -> link_emit
 *
 * Every function takes the stack first and keeps no state outside it.
 * The frame passed in is borrowed for the call; anything kept is copied.
 */
#ifndef TS_STACK_INTERNAL_H
#define TS_STACK_INTERNAL_H

#include <stdarg.h>

#include "ts.h"
#include "ts_limits.h"
#include "wire.h"
#include "arp_internal.h"
#include "ip4_internal.h"
#include "tcp_internal.h"
#include "trace_internal.h"

/* Bytes kept free in front of a transport segment being built, so IP and
 * Ethernet headers are written in place without copying. */
#define TS_L2_HEADROOM ETH_HLEN
#define TS_L3_HEADROOM (ETH_HLEN + IP4_HLEN_MIN)

struct ts_stack {
	struct ts_stack_config cfg;
	uint32_t netmask;           /* from cfg.prefix_len               */
	uint32_t mtu;               /* effective IP MTU                  */
	uint64_t counters[TS_C_COUNT];

	struct arp_cache arp;
	struct ip4_state ip4;
	struct tcp_state tcp;
	struct trace_state trace;

	ts_time_t now;              /* see stack_now()                    */
	ts_time_t quiet_until;      /* RFC 9293 3.4.3 quiet time          */
	bool in_dispatch;           /* ts_dispatch is running              */
	bool in_input;              /* ts_input/ts_timers is running       */

	/* Scratch buffer for one outgoing frame, with headroom. */
	uint8_t txbuf[TS_FRAME_MAX];
};

#define CNT(st, id) ((st)->counters[TS_C_##id]++)
#define CNT_ADD(st, id, n) ((st)->counters[TS_C_##id] += (n))

/* Current time: read from the clock once at every entry point into the
 * stack (stack_refresh_now), so one segment is handled at one instant. */
static inline ts_time_t stack_now(const struct ts_stack *st)
{
	return st->now;
}
static inline void stack_refresh_now(struct ts_stack *st)
{
	st->now = st->cfg.clock(st->cfg.clock_ctx);
}

/* Asks the owner for a ts_dispatch() / timer re-arm (see cfg.wakeup). */
void stack_wakeup(struct ts_stack *st);

/* ---- link layer (eth.c) -------------------------------------------------- */

/* Entry from ts_input: Ethernet or bare IP per the link kind. */
void eth_input(struct ts_stack *st, const uint8_t *frame, size_t len,
	       bool csum_unverified);
/* Hands a finished frame to the link (cfg.output), the pcap writer and the
 * counters. The frame is borrowed. */
void link_emit(struct ts_stack *st, const uint8_t *frame, size_t len);

/* ---- ARP (arp.c) --------------------------------------------------------- */

void arp_init(struct ts_stack *st);
void arp_free(struct ts_stack *st);
void arp_input(struct ts_stack *st, const struct eth_hdr *eth);
/* Sends the IP packet at ip (len bytes, with TS_L2_HEADROOM writable bytes
 * before it) to next_hop: at once when the MAC is known, else a copy is
 * queued while an ARP request is outstanding (dropped with
 * TS_C_ARP_DROP_UNRESOLVED after TS_ARP_MAX_TRIES). */
void arp_output(struct ts_stack *st, uint32_t next_hop, uint8_t *ip,
		size_t len);
ts_time_t arp_next_deadline(const struct ts_stack *st);
void arp_timers(struct ts_stack *st, ts_time_t now);

/* ---- IPv4, fragments, ICMP (ip4_input.c, ip4_output.c, ip4_frag.c,
 *      icmp.c) --------------------------------------------------------------- */

void ip4_init(struct ts_stack *st);
void ip4_free(struct ts_stack *st);
void ip4_input(struct ts_stack *st, const uint8_t *pkt, size_t len,
	       bool csum_unverified);
/* Delivers a validated, unfragmented packet to ICMP or TCP. */
void ip4_deliver(struct ts_stack *st, const struct ip4_pkt *ip,
		 bool csum_unverified);
/* Prepends a 20-byte IPv4 header to the l4_len bytes at l4 (which must have
 * TS_L3_HEADROOM writable bytes before it) and sends the packet towards dst
 * (via the gateway when off-link). 0, or -EHOSTUNREACH (no route), -EMSGSIZE
 * (beyond the MTU with df set). Without df, a packet beyond the MTU is sent
 * as fragments, which overwrites the buffer at l4. */
int ip4_send(struct ts_stack *st, uint8_t *l4, size_t l4_len, uint8_t proto,
	     uint32_t dst, bool df);
/* Reassembly: returns true and a complete datagram in *out (owned by the
 * frag table until the next frag_* call) when ip completed one. */
bool frag_input(struct ts_stack *st, const struct ip4_pkt *ip,
		struct ip4_pkt *out);
ts_time_t frag_next_deadline(const struct ts_stack *st);
void frag_timers(struct ts_stack *st, ts_time_t now);
void icmp_input(struct ts_stack *st, const struct ip4_pkt *ip);
/* Sends an ICMP error quoting `ip` (e.g. protocol unreachable). */
void icmp_send_error(struct ts_stack *st, const struct ip4_pkt *ip,
		     uint8_t type, uint8_t code);

/* ---- TCP (tcp_*.c) ---------------------------------------------------------- */

/* Sets up / tears down TCP's tables. tcp_init: 0 or -ENOMEM. */
int tcp_init(struct ts_stack *st);
void tcp_free(struct ts_stack *st);
void tcp_input(struct ts_stack *st, const struct ip4_pkt *ip,
	       bool csum_unverified);
/* ICMP error about a TCP segment we sent (RFC 5927 checks inside). */
void tcp_icmp_error(struct ts_stack *st, const struct icmp_msg *m);
ts_time_t tcp_next_deadline(const struct ts_stack *st);
void tcp_timers(struct ts_stack *st, ts_time_t now);

/* ---- trace and pcap (trace.c, pcap.c) ------------------------------------ */

/* A numbered decode line for a TCP segment sent or received.
 * ack_plus_one: the ACK acknowledges the peer's SYN or FIN, so the line
 * also shows it the seed's way, as "(ack-1)+1". The payload decoder (if
 * any) renders seg->payload. */
void trace_segment(struct ts_stack *st, const struct tcp_seg *seg,
		   bool outbound, bool ack_plus_one);
/* A state line: "local > remote OLD -> NEW (why)". */
void trace_state(struct ts_stack *st, const struct ts_addr *local,
		 const struct ts_addr *remote, enum ts_tcp_state from,
		 enum ts_tcp_state to, const char *why);
/* A free-form event line (ARP, ICMP, timers, TIME_WAIT table...). */
void trace_event(struct ts_stack *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void trace_init(struct ts_stack *st);
void trace_free(struct ts_stack *st);
/* Writes a frame to the pcap file if one is open. csum_unverified: a
 * received frame whose TCP checksum the local kernel left to offload; the
 * record gets a correct checksum (computed on a copy). */
void pcap_frame(struct ts_stack *st, const uint8_t *frame, size_t len,
		bool csum_unverified);

#endif /* TS_STACK_INTERNAL_H */
