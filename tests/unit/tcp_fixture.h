/*
 * tcp_fixture.h - stacks joined by an in-process Ethernet "hub" on a
 * virtual clock, for deterministic TCP tests.
 *
 * Node 0 is the client 76.88.16.104, node 1 the server 76.88.16.16 (the
 * seed's lab). Every frame a node sends is queued on the wire and
 * delivered to every other node after tn.delay; a filter may drop, alter
 * or delay frames. tn_run() delivers frames and runs timers in virtual
 * time, so retransmissions and TIME_WAIT take no real time.
 *
 * A "raw peer" can also talk to a node directly: tn_inject() builds a TCP
 * segment from RAW_PEER_IP, and tn_take_seg() returns what the node sent.
 */
#ifndef TCP_FIXTURE_H
#define TCP_FIXTURE_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack_internal.h"

#define TN_CLIENT 0u
#define TN_SERVER 1u
#define TN_NODES_MAX 3u
#define TN_IP_CLIENT 0x4c581068u /* 76.88.16.104 */
#define TN_IP_SERVER 0x4c581010u /* 76.88.16.16  */
#define RAW_PEER_IP 0x4c581063u  /* 76.88.16.99: a scripted peer */
#define TN_FRAMES_MAX 65536u
#define TN_LINES_MAX 100000u
#define TN_SOCKS_MAX 64u
#define TN_LOG_MAX 200000u

struct tn_frame {
	unsigned from;
	ts_time_t at;      /* delivery time */
	uint8_t *data;     /* owned by the fixture */
	size_t len;
};

/* A frame on the wire: return false to drop it. May change *at (delay,
 * reordering) or the bytes. `index` counts frames sent from `from`. */
typedef bool (*tn_filter_fn)(unsigned from, unsigned index, uint8_t *frame,
			     size_t len, ts_time_t *at);

/* The segment log (tn_log_start): one TCP segment a node put on the
 * wire, when, and whether the policy dropped it. The payload pointer is
 * cleared (the frame is gone). */
struct tn_rec {
	unsigned from;
	ts_time_t at;
	struct tcp_seg seg;
	bool dropped;
};

/* The log's policy: false drops the segment; it may delay it through
 * *at. is_new: its data goes out for the first time (its seq is the
 * highest its sender has used), as opposed to a retransmission. */
typedef bool (*tn_policy_fn)(unsigned from, const struct tcp_seg *seg,
			     bool is_new, ts_time_t *at);

struct tn_node {
	struct ts_stack *st;
	uint32_t ip;
	uint8_t mac[6];
	unsigned sent;               /* frames sent so far */
	char **lines;                /* trace lines, owned */
	ts_time_t *line_at;          /* virtual time of each line */
	unsigned nlines;
	unsigned events[TN_SOCKS_MAX]; /* OR of events seen per socket */
	/* Frames this node sent to RAW_PEER_IP (for tn_take_seg). */
	struct tn_frame raw_out[256];
	unsigned nraw_out;
};

struct tn_net {
	ts_time_t now;
	ts_time_t delay;             /* one-way wire delay */
	unsigned nnodes;
	struct tn_node node[TN_NODES_MAX];
	struct tn_frame *q;          /* frames in flight, by delivery time */
	unsigned nq;
	tn_filter_fn filter;
	bool echo_trace;             /* print trace lines (debugging) */

	/* Segment log (tn_log_start); owned, freed by teardown. */
	struct tn_rec *log;
	unsigned nlog;
	tn_policy_fn policy;         /* may be changed at any time */
	uint32_t next_new[TN_NODES_MAX]; /* highest data seq sent, per node */
	bool seen_data[TN_NODES_MAX];
	unsigned new_data[TN_NODES_MAX]; /* first transmissions so far */
};

extern struct tn_net tn;

static inline struct ts_stack *tn_st(unsigned node)
{
	return tn.node[node].st;
}

/* Two nodes (client, server), wire delay 1 ms, every trace on.
 * fixed_isn values of 0 mean "random". */
void tn_setup_isn(uint32_t client_isn, uint32_t server_isn);
void tn_setup(void);
/* Changes a node's stack configuration (MTU, buffers, retries...) after
 * the fixture filled it in and before the stack is created. */
typedef void (*tn_config_fn)(unsigned node, struct ts_stack_config *cfg);
void tn_setup_cfg(uint32_t client_isn, uint32_t server_isn, tn_config_fn fn);
/* A tn_config_fn: 4 KB send and receive buffers on every node. */
void tn_cfg_small_buffers(unsigned node, struct ts_stack_config *cfg);
/* Switches segment decode lines on or off on every node (bulk tests:
 * state and event lines stay). */
void tn_trace_segments(bool on);
/* Frees everything; fails the test if a stack still has connections in
 * its tables when `expect_empty` (all were closed and timed out). */
void tn_teardown_check(bool expect_empty);
void tn_teardown(void);

/* Runs the network until `until` (absolute virtual time) or until nothing
 * is in flight and no timer is due before `until`. */
void tn_run_until(ts_time_t until);
/* Runs for d microseconds of virtual time. */
void tn_run(ts_time_t d);

/* Records every event of sock (see tn_node.events). */
void tn_watch(unsigned node, int sock);

/* Sockets. */
int tn_listen(unsigned node, uint16_t port);
int tn_connect(unsigned node, uint32_t ip, uint16_t port, uint16_t sport);
/* Accepts one connection (runs the net until one is ready or fails). */
int tn_accept(unsigned node, int lsock);
enum ts_tcp_state tn_state(unsigned node, int sock);
/* ts_getinfo(), failing the test on error. */
struct ts_sockinfo tn_info(unsigned node, int sock);

/* Trace: index of the first line at or after `from` containing text,
 * or -1. */
int tn_find(unsigned node, const char *text, int from);
/* Number of lines containing text. */
unsigned tn_count(unsigned node, const char *text);
void tn_dump(unsigned node); /* prints the node's trace (on failure) */
/* Virtual time at which line idx (from tn_find) was written. */
ts_time_t tn_line_time(unsigned node, int idx);
/* Like tn_find from 0, but fails the test (dumping the trace) when the
 * text is missing; returns the line's index. */
int tn_expect_line(unsigned node, const char *text);
/* Fails the test unless the texts appear in this order. */
void tn_expect_order(unsigned node, const char *const *texts, unsigned n);
/* Fails the test when a line contains text. */
void tn_expect_no_line(unsigned node, const char *text);

/* Logs every TCP segment on the wire in tn.log and lets policy (may be
 * NULL) drop or delay it; installs the fixture's own filter. */
void tn_log_start(tn_policy_fn policy);
/* Index in tn.log of the n-th (from 0) segment sent by `from` (only
 * those with data when data_only), or -1. */
int tn_log_nth(unsigned from, bool data_only, unsigned n);
/* Number of segments sent by `from` (with data only, if data_only). */
unsigned tn_log_count(unsigned from, bool data_only);

/* Runs a check suite (CK_NORMAL); the exit status for main(). */
int tn_run_suite(Suite *s);

/* A stack-wide counter of a node. */
uint64_t tn_counter(unsigned node, enum ts_counter c);
/* A connection's TCB by its 4-tuple (also children not yet accepted), or
 * NULL. For white-box checks only. */
struct tcb *tn_tcb(unsigned node, uint16_t lport, uint32_t rip, uint16_t rport);
/* Parses an Ethernet frame carrying TCP (for filters); the payload points
 * into the frame. False for anything else. */
bool tn_parse_seg(const uint8_t *frame, size_t len, struct tcp_seg *seg);
/* Overwrites every TCP option of `kind` in an Ethernet frame carrying TCP
 * with NOPs and fixes the checksum (a peer that never offered it).
 * Returns true when one was found. */
bool tn_strip_option(uint8_t *frame, size_t len, uint8_t kind);

/* Two stacks connected: server listens on port, client connects from
 * cport (0: ephemeral); runs until both are ESTABLISHED and accepted. */
struct tn_pair {
	int ls; /* server's listener */
	int cs; /* client's socket   */
	int as; /* server's accepted socket */
};
void tn_pair_open(struct tn_pair *p, uint16_t port, uint16_t cport);

/* Streams `total` bytes of tn_pattern(seed) from node `from` socket ssock
 * to node `to` socket rsock, writing and reading in `chunk`-byte calls,
 * comparing every byte read; gives up at virtual time `deadline`.
 * Returns the number of bytes received and verified. */
size_t tn_transfer(unsigned from, int ssock, unsigned to, int rsock,
		   size_t total, unsigned seed, size_t chunk, ts_time_t deadline);

/* Raw peer: builds a TCP segment RAW_PEER_IP:sport -> node:dport. */
/* A bare SYN (window 65535, no options) from the raw peer. */
void tn_syn(unsigned node, uint16_t sport, uint16_t dport, uint32_t seq);
void tn_inject(unsigned node, uint16_t sport, uint16_t dport, uint32_t seq,
	       uint32_t ack, uint8_t flags, uint16_t wnd, const void *data,
	       size_t len, const struct tcp_opts *opt);
/* Like tn_inject, from another (spoofed) source address: what the node
 * sends back goes out on the wire, where nobody answers for it. */
void tn_inject_from(unsigned node, uint32_t src_ip, uint16_t sport,
		    uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
		    uint16_t wnd, const void *data, size_t len,
		    const struct tcp_opts *opt);
/* Injects a segment given whole (source address, ports, seq, ack, flags,
 * window, urgent pointer, options, payload); dst_ip is the node's. */
void tn_inject_seg(unsigned node, const struct tcp_seg *seg);
/* Takes the oldest segment the node sent to the raw peer; false if none.
 * The virtual time it was sent is n->raw_out[0].at before the call. */
bool tn_take_seg(unsigned node, struct tcp_seg *seg, uint8_t *payload_copy,
		 size_t cap);
/* Drops everything the node sent to the raw peer so far. */
void tn_clear_raw(unsigned node);

/* A raw-peer connection: the scripted peer's view of its sequence
 * space. The peer sends no options unless given. */
struct tn_raw {
	unsigned node;
	int sock;           /* the node's socket                      */
	int lsock;          /* the node's listener (passive), or -1   */
	uint16_t port;      /* the node's port                        */
	uint16_t peer_port; /* the raw peer's port                    */
	uint32_t snd_nxt;   /* the raw peer's next sequence number    */
	uint32_t rcv_nxt;   /* next sequence number from the node     */
	uint16_t wnd;       /* window the raw peer announces          */
};
/* The node listens on port; the raw peer connects (SYN with syn_opt, may
 * be NULL), checks the SYN,ACK, ACKs it; the node accepts. */
void tn_raw_passive(struct tn_raw *c, unsigned node, uint16_t port,
		    uint16_t peer_port, uint32_t peer_isn,
		    const struct tcp_opts *syn_opt);
/* The node connects to the raw peer's peer_port; the raw peer answers the
 * SYN with a SYN,ACK (synack_opt, may be NULL) and takes the final ACK. */
void tn_raw_active(struct tn_raw *c, unsigned node, uint16_t peer_port,
		   uint32_t peer_isn, const struct tcp_opts *synack_opt);
/* The raw peer sends flags and data at its snd_nxt, with ack = rcv_nxt;
 * snd_nxt advances past data, SYN and FIN. */
void tn_raw_send(struct tn_raw *c, uint8_t flags, const void *data,
		 size_t len);
/* Takes the node's oldest segment to the raw peer (failing the test when
 * there is none); rcv_nxt advances past it when it is in order. payload
 * (may be NULL) receives up to cap bytes of its data. */
void tn_raw_expect(struct tn_raw *c, struct tcp_seg *seg, uint8_t *payload,
		   size_t cap);

/* Fills buf with a reproducible pattern (byte i of stream `seed`). */
void tn_pattern(uint8_t *buf, size_t len, size_t offset, unsigned seed);

#endif /* TCP_FIXTURE_H */
