/*
 * trace_internal.h - state of the segment/state trace and the pcap writer.
 */
#ifndef TS_TRACE_INTERNAL_H
#define TS_TRACE_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "ts.h"

struct trace_state {
	unsigned mask;            /* TS_TRACE_* switched on             */
	uint64_t seg_no;          /* number of the last decode line     */
	ts_time_t start;          /* time of the stack's creation       */
	ts_payload_fn payload_fn; /* application payload decoder        */
	void *payload_ctx;
	FILE *pcap;               /* NULL when no pcap file is open     */
	/* pcap record times: wall clock at open plus stack time since then,
	 * so records look real while the stack's clock may be virtual. */
	uint64_t pcap_wall_base;  /* microseconds since the epoch       */
	ts_time_t pcap_clock_base;/* stack clock when the file opened    */
};

/* Formatting for trace lines: dotted quad of a host-order address and
 * colon-separated MAC. Both return buf. */
#define TRACE_IP_STR_LEN 16u
#define TRACE_MAC_STR_LEN 18u
const char *trace_ip_str(uint32_t ip, char buf[TRACE_IP_STR_LEN]);
const char *trace_mac_str(const uint8_t mac[6], char buf[TRACE_MAC_STR_LEN]);

#endif /* TS_TRACE_INTERNAL_H */
