/*
 * net.h - puts a tcpstack stack on a link for an application: opens the
 * link, creates the stack under libevent, claims the state directory
 * (TIME_WAIT across restarts, quiet time after a crash), and wires the
 * trace (with FTP commands and replies decoded on the control connection)
 * and the pcap writer. ftpd and ftp both start their network this way.
 */
#ifndef COMMON_NET_H
#define COMMON_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "common_limits.h"
#include "ts.h"
#include "ts_event.h"

struct net_opts {
	const char *link;        /* link spec; NULL or "": the default hub   */
	uint32_t addr;           /* host order                              */
	uint8_t prefix_len;
	uint32_t gateway;        /* 0: none                                 */
	bool mac_set;
	uint8_t mac[6];
	uint32_t mtu;            /* 0: the link's                           */
	/* Static ARP entries, "A.B.C.D=MAC" or "A.B.C.D MAC" (ts_parse_arp);
	 * borrowed. Bad ones fail net_open naming the entry. */
	const char *arp[NET_ARP_MAX];
	size_t narp;
	uint32_t msl_ms;         /* 0: the stack's default                  */
	unsigned trace;          /* TS_TRACE_* mask                         */
	const char *pcap;        /* NULL or "": none                        */
	const char *impair;      /* NULL or "": none                        */
	bool use_state;          /* claim the state directory               */
	const char *state_dir;   /* NULL or "": the default                 */
	bool quiet_time;
	const char *quiet_off_hint; /* e.g. "set quiet_time=no" / "use -Q"  */
	/* Client habit: when another station answers for addr, try the next
	 * addresses of the subnet (ARP probe, RFC 5227) up to this many.
	 * 0: probe addr alone and fail when it is taken, with a message
	 * ending in addr_fix (e.g. "choose another address="; NULL: "choose
	 * another address") "or stop the other station". */
	unsigned probe_tries;
	const char *addr_fix;
	uint16_t ftp_control_port; /* decode FTP on this port in the trace; 0: 21 */
	/* Trace and informational lines (no trailing newline). NULL: stderr. */
	void (*line)(void *ctx, const char *line);
	/* Warnings (an address conflict after start-up), same ctx. NULL:
	 * line. */
	void (*warn)(void *ctx, const char *line);
	void *line_ctx;
};

struct net;

/* Opens everything; NULL with a message in err (naming the thing, the
 * cause and the fix) on failure. The returned object owns the stack, the
 * link and the state claim. */
struct net *net_open(struct event_base *base, const struct net_opts *o,
		     char *err, size_t errcap);

struct ts_ev *net_ev(const struct net *n);
struct ts_stack *net_stack(const struct net *n);
/* The address in use (after probing, it may differ from the one asked). */
uint32_t net_addr(const struct net *n);

/* Switches trace categories (TS_TRACE_*) at run time. */
void net_set_trace(struct net *n, unsigned mask);

/* Clean stop: saves TIME_WAIT state, frees everything. 0, or -errno with
 * a message in err (the state could not be saved: the next start keeps
 * quiet time). n may be NULL. */
int net_close(struct net *n, char *err, size_t errcap);

/* Parses "off|states|segments|all" into a TS_TRACE_* mask; -1 if bad. */
int net_trace_mask(const char *word);

#endif /* COMMON_NET_H */
