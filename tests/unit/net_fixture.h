/*
 * net_fixture.h - a stack for the network-layer unit tests, built from the
 * modules under TCP only (trace, ARP, IPv4) with a virtual clock, a fake
 * link that records every frame sent and a trace sink that records lines.
 * TCP is the recording fake of fake_tcp.h.
 *
 * Our side: 76.88.16.16/24, MAC 02:00:00:00:00:10, no gateway.
 * The peer used by tests: 76.88.16.104, MAC 02:00:00:00:01:04.
 */
#ifndef NET_FIXTURE_H
#define NET_FIXTURE_H

#include "fake_tcp.h"

#define FX_IP_US 0x4c581010u   /* 76.88.16.16  */
#define FX_IP_PEER 0x4c581068u /* 76.88.16.104 */
#define FX_FRAMES_MAX 64u
#define FX_LINES_MAX 64u

extern const uint8_t fx_mac_us[6];
extern const uint8_t fx_mac_peer[6];

struct fx_frame {
	uint8_t *data; /* owned by the fixture */
	size_t len;
};

struct net_fx {
	struct ts_stack *st;
	ts_time_t now;
	unsigned nframes;
	struct fx_frame frames[FX_FRAMES_MAX];
	unsigned nlines;
	char lines[FX_LINES_MAX][TS_TRACE_LINE_MAX];
};

/* The fixture of the running test (check runs one test per process). */
extern struct net_fx fx;

/* Sets up fx with the given link kind; every trace category on. */
void fx_setup_kind(enum ts_link_kind kind);
void fx_setup(void);  /* Ethernet */
void fx_teardown(void);

/* Feeds a frame in as a driver would, at the current virtual time. */
void fx_input(const uint8_t *frame, size_t len);
/* Moves the virtual clock on and runs the timers that fall due. */
void fx_advance(ts_time_t usec);
/* Forgets the frames sent so far. */
void fx_clear_frames(void);
/* Index of the first trace line containing text, or -1. */
int fx_find_line(const char *text);

/* Builders for test input (checksums computed). Return the frame length. */
size_t fx_eth(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6],
	      uint16_t type);
size_t fx_ip_frame(uint8_t *buf, uint8_t proto, uint32_t src, uint32_t dst,
		   const uint8_t *l4, size_t l4_len);
size_t fx_arp_frame(uint8_t *buf, uint16_t op, const uint8_t sha[6],
		    uint32_t spa, const uint8_t tha[6], uint32_t tpa);

#endif /* NET_FIXTURE_H */
