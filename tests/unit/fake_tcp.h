/*
 * fake_tcp.h - recording stand-ins for the TCP entry points the layers
 * under TCP call (tcp_input, tcp_icmp_error) plus ts_state_name and
 * stack_wakeup, linked only into the network-layer unit tests so ARP, IP,
 * ICMP, fragments and the trace are tested without the TCP core.
 */
#ifndef FAKE_TCP_H
#define FAKE_TCP_H

#include "stack_internal.h"

#define FAKE_TCP_PAYLOAD_MAX 70000u

struct fake_tcp_log {
	unsigned inputs;           /* tcp_input calls                    */
	bool last_csum_unverified;
	uint32_t last_src, last_dst;
	size_t last_payload_len;
	uint8_t last_payload[FAKE_TCP_PAYLOAD_MAX];
	unsigned icmp_errors;      /* tcp_icmp_error calls               */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_mtu;
	uint32_t icmp_quoted_dst;
	unsigned wakeups;          /* stack_wakeup calls                 */
};

/* Reset by the fixture for every test. */
extern struct fake_tcp_log fake_tcp;

#endif /* FAKE_TCP_H */
