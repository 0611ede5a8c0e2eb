/*
 * wire.h - the only place raw frame bytes are parsed or written.
 *
 * Parsers check every length against the bytes actually present and fill a
 * typed struct; nothing downstream looks at raw header bytes again. Each
 * parser returns WIRE_OK or WIRE_BAD and, on BAD, the counter that names
 * the reason (one drop counter per reason, as FreeBSD does).
 *
 * All multi-byte fields in the structs are in host byte order. Pointers in
 * parsed structs point into the caller's frame and live as long as it does.
 */
#ifndef TS_WIRE_H
#define TS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ts.h"
#include "ts_limits.h"

enum wire_result { WIRE_OK = 0, WIRE_BAD = 1 };

/* ---- Ethernet II --------------------------------------------------------- */

#define ETH_HLEN 14u
#define ETH_TYPE_IPV4 0x0800u
#define ETH_TYPE_ARP 0x0806u

struct eth_hdr {
	uint8_t dst[6], src[6];
	uint16_t type;
	const uint8_t *payload;
	size_t payload_len;
};

enum wire_result eth_parse(const uint8_t *frame, size_t len,
			   struct eth_hdr *out, enum ts_counter *why);
/* Writes the 14-byte header at buf. */
void eth_write(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6],
	       uint16_t type);
bool eth_is_broadcast(const uint8_t mac[6]);

/* ---- ARP (RFC 826, Ethernet/IPv4 only) ----------------------------------- */

#define ARP_LEN 28u
#define ARP_OP_REQUEST 1u
#define ARP_OP_REPLY 2u

struct arp_pkt {
	uint16_t op;
	uint8_t sha[6];
	uint32_t spa;
	uint8_t tha[6];
	uint32_t tpa;
};

enum wire_result arp_parse(const uint8_t *p, size_t len, struct arp_pkt *out,
			   enum ts_counter *why);
/* Writes the 28-byte ARP body at buf. */
void arp_write(uint8_t *buf, const struct arp_pkt *a);

/* ---- IPv4 (RFC 791) ------------------------------------------------------ */

#define IP4_HLEN_MIN 20u
#define IP4_PROTO_ICMP 1u
#define IP4_PROTO_TCP 6u
#define IP4_FLAG_DF 0x4000u
#define IP4_FLAG_MF 0x2000u
#define IP4_FRAG_OFFSET_MASK 0x1fffu

struct ip4_pkt {
	uint8_t ihl_bytes;    /* header length in bytes (20..60)       */
	uint8_t tos, ttl, proto;
	uint16_t total_len;   /* as validated against the frame        */
	uint16_t id;
	uint16_t frag;        /* flags and offset field, host order    */
	uint32_t src, dst;
	const uint8_t *hdr;   /* the header itself (for ICMP quoting)  */
	const uint8_t *payload;
	size_t payload_len;   /* total_len - ihl (trailing pad ignored)*/
};

/* Validates version, IHL, total length (<= len: Ethernet padding beyond it
 * is ignored), header checksum, TTL != 0. */
enum wire_result ip4_parse(const uint8_t *p, size_t len, struct ip4_pkt *out,
			   enum ts_counter *why);
/* Writes a 20-byte header (no options) with checksum at buf. */
void ip4_write(uint8_t *buf, uint8_t proto, uint32_t src, uint32_t dst,
	       uint16_t payload_len, uint16_t id, bool df, uint8_t ttl);
/* Like ip4_write, with the flags-and-offset field given (fragments). */
void ip4_write_frag(uint8_t *buf, uint8_t proto, uint32_t src, uint32_t dst,
		    uint16_t payload_len, uint16_t id, uint16_t frag, uint8_t ttl);
bool ip4_is_fragment(const struct ip4_pkt *ip);

/* Internet checksum (RFC 1071) helpers. */
uint32_t inet_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t inet_csum_fold(uint32_t sum);
/* Sum of the TCP/UDP pseudo-header (addresses host order). */
uint32_t inet_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto,
			 uint16_t len);

/* ---- ICMP (RFC 792) ------------------------------------------------------ */

#define ICMP_ECHO_REPLY 0u
#define ICMP_DEST_UNREACH 3u
#define ICMP_ECHO_REQUEST 8u
#define ICMP_TIME_EXCEEDED 11u
#define ICMP_CODE_PROTO_UNREACH 2u
#define ICMP_CODE_PORT_UNREACH 3u
#define ICMP_CODE_FRAG_NEEDED 4u

struct icmp_msg {
	uint8_t type, code;
	uint16_t next_hop_mtu;   /* dest-unreach code 4 (RFC 1191)        */
	uint32_t rest;           /* bytes 4..7 (echo id/seq, ...)         */
	const uint8_t *body;     /* after the 8-byte header               */
	size_t body_len;
	/* For errors: the quoted IP header and first bytes of its payload. */
	bool has_quote;
	struct ip4_pkt quoted;   /* quoted.payload_len may be just 8 bytes */
	uint32_t from;           /* sender (outer source), set by icmp_input */
};

/* Verifies the ICMP checksum over the whole message. */
enum wire_result icmp_parse(const uint8_t *p, size_t len, struct icmp_msg *out,
			    enum ts_counter *why);
/* Writes an ICMP message at buf: the 8-byte header (type, code, checksum,
 * rest) followed by a copy of body_len bytes of body, which must not
 * overlap buf. Returns the message length. */
size_t icmp_write(uint8_t *buf, uint8_t type, uint8_t code, uint32_t rest,
		  const uint8_t *body, size_t body_len);

/* ---- TCP (RFC 9293 3.1, options RFC 7323, RFC 2018) ---------------------- */

#define TCP_HLEN_MIN 20u
#define TCP_HLEN_MAX 60u
#define TCP_OPT_SPACE_MAX 40u

enum {
	TCP_FIN = 0x01,
	TCP_SYN = 0x02,
	TCP_RST = 0x04,
	TCP_PSH = 0x08,
	TCP_ACK = 0x10,
	TCP_URG = 0x20,
	TCP_ECE = 0x40,
	TCP_CWR = 0x80,
};

struct tcp_sack_block {
	uint32_t left, right; /* [left, right) */
};

struct tcp_opts {
	bool mss_present, wscale_present, sack_ok, ts_present;
	uint16_t mss;
	uint8_t wscale;
	uint32_t tsval, tsecr;
	uint8_t nsack;
	struct tcp_sack_block sack[TS_SACK_BLOCKS_MAX];
};

/* A TCP segment, parsed or to be built. */
struct tcp_seg {
	uint32_t src_ip, dst_ip;   /* from the IP header */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;              /* raw window field (unscaled)        */
	uint16_t urp;
	uint8_t hlen;              /* header length in bytes             */
	struct tcp_opts opt;
	const uint8_t *payload;
	uint32_t len;              /* payload length                     */
};

/* Parses and validates a TCP segment carried by ip: data offset within the
 * segment, options within the header (an option overrunning it is BAD),
 * checksum unless verify_csum is false (offloaded frames from the local
 * kernel). Unknown options are skipped by their length. */
enum wire_result tcp_parse(const struct ip4_pkt *ip, bool verify_csum,
			   struct tcp_seg *out, enum ts_counter *why);

/* TCP option kinds (RFC 9293 3.1, RFC 7323, RFC 2018). */
enum {
	TCPOPT_EOL = 0,
	TCPOPT_NOP = 1,
	TCPOPT_MSS = 2,
	TCPOPT_WSCALE = 3,
	TCPOPT_SACK_PERM = 4,
	TCPOPT_SACK = 5,
	TCPOPT_TIMESTAMP = 8,
};

/* The options tcp_write emits for o, as option kinds in wire order, with
 * Linux's layout and padding: "mss,sackOK,TS,nop,wscale" on a SYN,
 * "nop,nop,TS,nop,nop,sack" on data. Fills kinds (room for
 * TCP_OPT_SPACE_MAX entries) and *nsack, the SACK blocks that fit in the
 * option space; returns the number of kinds. The trace uses it to show
 * options in the order they travel. */
size_t tcp_opts_layout(const struct tcp_opts *o,
		       uint8_t kinds[TCP_OPT_SPACE_MAX], unsigned *nsack);

/* Computes and stores the checksum of the TCP segment at seg (header and
 * payload, len bytes) sent from src to dst (host order). Used by the pcap
 * writer for frames whose checksum was left to offload. */
void tcp_fill_csum(uint8_t *seg, size_t len, uint32_t src, uint32_t dst);

/* Length of the options block tcp_write will emit for seg->opt (padded to a
 * multiple of 4). */
size_t tcp_opts_len(const struct tcp_opts *o);

/* Writes header + options (for seg->opt's present fields) at buf, followed
 * by payload_len payload bytes which the caller has ALREADY placed at
 * buf + 20 + tcp_opts_len(&seg->opt); computes the checksum over all of it.
 * Returns the header length. buf must have room for the header and payload. */
size_t tcp_write(uint8_t *buf, const struct tcp_seg *seg, size_t payload_len);

#endif /* TS_WIRE_H */
