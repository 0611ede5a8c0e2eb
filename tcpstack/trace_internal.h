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
};

#endif /* TS_TRACE_INTERNAL_H */
