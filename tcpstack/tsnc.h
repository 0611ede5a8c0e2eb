/*
 * tsnc.h - the netcat-like tool on tcpstack: its options (tsnc_opts.c)
 * and the program (tsnc.c).
 */
#ifndef TSNC_H
#define TSNC_H

#include <stdbool.h>
#include <stdint.h>

#include "ts.h"

#define TSNC_MSL_MAX_S 3600u
#define TSNC_ARP_MAX 16u     /* --arp entries */
#define TSNC_ERRMSG_MAX 256u /* a socket error message (ts_sock_strerror) */

struct tsnc_opts {
	/* Link. */
	const char *link;       /* link spec; NULL: the default hub     */
	const char *impair;     /* impairment spec or NULL              */
	bool mac_set;
	uint8_t mac[6];
	uint32_t mtu;           /* 0: the link's                        */

	/* Stack. */
	bool addr_set;
	uint32_t addr;          /* host order                           */
	uint8_t prefix_len;
	uint32_t gateway;
	unsigned narp;          /* --arp: static ARP entries            */
	uint32_t arp_ip[TSNC_ARP_MAX];
	uint8_t arp_mac[TSNC_ARP_MAX][6];
	uint32_t msl_s;         /* 0: the stack's default               */
	uint32_t sndbuf, rcvbuf;/* 0: the stack's default               */
	bool isn_set;
	uint32_t isn;
	int cc;                 /* enum ts_cc, or -1: the stack's       */
	unsigned trace;         /* TS_TRACE_* mask                      */
	const char *pcap;
	const char *state_dir;  /* NULL: no TIME_WAIT persistence       */
	bool quiet_time;

	/* Connection. */
	bool listen, keep, no_stdin, reuse_addr, stats, verbose;
	uint16_t source_port;   /* 0: ephemeral                         */
	uint32_t host;          /* connect: peer; listen: local (0 any) */
	uint16_t port;
};

/* Parses argv into o. Returns 0, 1 when --help was printed (exit 0), or
 * -1 after printing a message naming the bad option and the fix. */
int tsnc_parse(int argc, char **argv, struct tsnc_opts *o);

#endif /* TSNC_H */
