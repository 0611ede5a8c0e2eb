/*
 * ts_link.h - link drivers: where the stack's frames go to and come from.
 *
 * One small interface over every driver, chosen by a spec string (the same
 * spelling in ftpd.conf's `link`, ftp's --link and tsnc's --link):
 *
 *   hub:DIR        Ethernet hub of AF_UNIX datagram ports in DIR (default)
 *   packet:IFNAME  AF_PACKET raw socket on an interface (CAP_NET_RAW)
 *   tap:NAME       TAP device (Ethernet), so the host kernel can reach us
 *   tun:NAME       TUN device (bare IPv4 packets)
 *   mem:NAME       in-process queue pair, for tests (see ts_link_mem_*)
 *
 * An impairment layer (ts_link_impair) wraps any of them.
 *
 * Every driver is non-blocking. A driver that has frames ready makes its fd
 * readable; the libevent glue (ts_event.h) watches that fd.
 */
#ifndef TS_LINK_H
#define TS_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ts.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ts_link;

struct ts_link_options {
	uint32_t mtu;        /* 0: driver default (1500; the device's MTU)   */
	bool mac_set;        /* use mac instead of a generated/device MAC    */
	uint8_t mac[6];
	bool promiscuous;    /* hub: receive frames for every MAC (sniffer)  */
	const char *impair;  /* NULL or an impairment spec, see below        */
	ts_time_t (*clock)(void *ctx); /* for impairment delays; may be NULL */
	void *clock_ctx;
};

struct ts_link_info {
	enum ts_link_kind kind; /* Ethernet frames or bare IP packets */
	uint32_t mtu;           /* IP MTU of the link                 */
	uint8_t mac[6];         /* our MAC (Ethernet links)           */
	char name[64];          /* the spec it was opened with        */
};

/* Opens a link. Returns 0 and *out, or -errno with a message in err that
 * names the link, the cause and the fix (e.g. "packet:veth0: operation not
 * permitted: raw sockets need root or CAP_NET_RAW"). */
int ts_link_open(const char *spec, const struct ts_link_options *opt,
		 struct ts_link **out, char *err, size_t errlen);

/* Sends one frame; the frame is borrowed. 0, or -errno (the frame is lost;
 * TCP recovers). */
int ts_link_send(struct ts_link *l, const uint8_t *frame, size_t len);

/* Receives one frame into buf. Returns its length, 0 when nothing is ready,
 * or -errno. *csum_unverified is set when the sender left the transport
 * checksum to offload (AF_PACKET TP_STATUS_CSUMNOTREADY). */
ssize_t ts_link_recv(struct ts_link *l, uint8_t *buf, size_t cap,
		     bool *csum_unverified);

/* The fd to watch for readability, or -1 when the driver has none. */
int ts_link_fd(const struct ts_link *l);

/* Impairment layer: frames held back for delay/rate become due at this
 * time (TS_TIME_NEVER when none); the glue calls ts_link_poll() then.
 * A driver that batches sends (packet:) also holds frames back: its
 * deadline is "now" while any wait, and ts_link_poll() sends them. The
 * glue polls at the end of every callback; other callers poll after a
 * burst of ts_link_send() (ts_link_close() sends what still waits). */
ts_time_t ts_link_next_deadline(const struct ts_link *l);
void ts_link_poll(struct ts_link *l);

void ts_link_get_info(const struct ts_link *l, struct ts_link_info *info);

/* Closes the driver (a hub port removes its socket file). NULL is fine. */
void ts_link_close(struct ts_link *l);

/* ---- mem links (tests) --------------------------------------------------- */

/* Two mem links joined back to back: what one sends, the other receives. */
int ts_link_mem_pair(enum ts_link_kind kind, struct ts_link **a,
		     struct ts_link **b);
/* A lone mem link: frames sent are captured (ts_link_mem_take) and frames
 * injected are received. */
int ts_link_mem_new(enum ts_link_kind kind, struct ts_link **out);
int ts_link_mem_inject(struct ts_link *l, const uint8_t *frame, size_t len);
/* Takes the oldest captured frame: its length, or 0 when none. */
size_t ts_link_mem_take(struct ts_link *l, uint8_t *buf, size_t cap);

/* ---- impairment ------------------------------------------------------------
 * Spec: comma-separated key=value, e.g.
 *   loss=5%,dup=1%,reorder=5%,depth=3,corrupt=1%,delay=50ms,jitter=10ms,
 *   rate=100mbit,seed=7,dir=both
 * dir=tx|rx|both (default both). Seeded: the same seed and frames give the
 * same impairments, so a failing run replays. */
struct ts_impair_spec {
	uint32_t loss_ppm, dup_ppm, reorder_ppm, corrupt_ppm; /* per million */
	uint32_t reorder_depth;
	ts_time_t delay, jitter;
	uint64_t rate_bps; /* 0: unlimited */
	uint64_t seed;
	bool tx, rx;
};
/* Parses a spec; 0, or -EINVAL with a message naming the bad item. */
int ts_impair_parse(const char *spec, struct ts_impair_spec *out, char *err,
		    size_t errlen);

/* ---- helpers shared by every program that puts a stack on a link -------- */

/* Parses "A.B.C.D/PREFIX" (prefix optional: /24) into host-order address
 * and prefix length. 0 or -EINVAL. */
int ts_parse_cidr(const char *s, uint32_t *addr, uint8_t *prefix_len);
/* Parses "A.B.C.D" (host order). 0 or -EINVAL. */
int ts_parse_ipv4(const char *s, uint32_t *addr);
/* Parses "aa:bb:cc:dd:ee:ff". 0 or -EINVAL. */
int ts_parse_mac(const char *s, uint8_t mac[6]);
/* Parses a static ARP entry, "A.B.C.D=aa:bb:cc:dd:ee:ff" or the same with
 * blanks instead of '=', into a host-order address and a MAC. 0, or
 * -EINVAL (also for address 0 or 255.255.255.255, and for a multicast,
 * broadcast or zero MAC). */
#define TS_ARP_SPEC_HELP "A.B.C.D=aa:bb:cc:dd:ee:ff (a unicast MAC)"
int ts_parse_arp(const char *s, uint32_t *ip, uint8_t mac[6]);
/* Formats host-order addr as dotted quad into buf (>= 16 bytes). */
const char *ts_ipv4_str(uint32_t addr, char *buf);

/* Default hub directory: $SYNFIN_HUB, else /run/synfin/hub for root, else
 * $XDG_RUNTIME_DIR/synfin-hub, else /tmp/synfin-hub-UID. */
const char *ts_hub_default_dir(char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* TS_LINK_H */
