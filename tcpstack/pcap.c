/*
 * pcap.c - writes every frame the stack sends and receives to a classic
 * pcap file (microsecond timestamps, native byte order) that tcpdump,
 * tshark and Wireshark read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stack_internal.h"

#define PCAP_MAGIC_USEC 0xa1b2c3d4u
#define PCAP_VERSION_MAJOR 2u
#define PCAP_VERSION_MINOR 4u
#define PCAP_SNAPLEN 262144u /* tcpdump's default: no frame is cut */
#define PCAP_LINKTYPE_ETHERNET 1u
#define PCAP_LINKTYPE_RAW 101u /* bare IPv4 packets (TUN links) */

static uint64_t pcap_wall_clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * TS_USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000u;
}

static int pcap_write_header(FILE *f, enum ts_link_kind kind)
{
	uint32_t h[6];
	uint16_t v[2] = { PCAP_VERSION_MAJOR, PCAP_VERSION_MINOR };

	h[0] = PCAP_MAGIC_USEC;
	h[2] = 0; /* thiszone: timestamps are UTC */
	h[3] = 0; /* sigfigs */
	h[4] = PCAP_SNAPLEN;
	h[5] = kind == TS_LINK_IP ? PCAP_LINKTYPE_RAW : PCAP_LINKTYPE_ETHERNET;
	memcpy(&h[1], v, sizeof(v));
	if (fwrite(h, sizeof(h), 1, f) != 1 || fflush(f) != 0)
		return -(errno ? errno : EIO);
	return 0;
}

int ts_set_pcap(struct ts_stack *st, const char *path)
{
	FILE *f;
	int err;

	if (st->trace.pcap) {
		fclose(st->trace.pcap);
		st->trace.pcap = NULL;
	}
	if (!path)
		return 0;
	f = fopen(path, "wbe");
	if (!f)
		return -errno;
	errno = 0;
	err = pcap_write_header(f, st->cfg.link_kind);
	if (err) {
		fclose(f);
		return err;
	}
	if (!st->in_input)
		stack_refresh_now(st);
	st->trace.pcap = f;
	st->trace.pcap_wall_base = pcap_wall_clock_us();
	st->trace.pcap_clock_base = stack_now(st);
	return 0;
}

/* The frame came from the local kernel with its TCP checksum left to
 * offload: fill it in on our copy so the capture shows what went on the
 * wire rather than thousands of false checksum errors. */
static void pcap_fix_tcp_csum(const struct ts_stack *st, uint8_t *copy,
			      size_t len)
{
	struct eth_hdr eth;
	struct ip4_pkt ip;
	enum ts_counter why;
	size_t off = 0;

	if (st->cfg.link_kind == TS_LINK_ETHERNET) {
		if (eth_parse(copy, len, &eth, &why) != WIRE_OK ||
		    eth.type != ETH_TYPE_IPV4)
			return;
		off = ETH_HLEN;
	}
	if (ip4_parse(copy + off, len - off, &ip, &why) != WIRE_OK ||
	    ip.proto != IP4_PROTO_TCP || ip4_is_fragment(&ip))
		return;
	off = (size_t)(ip.payload - copy);
	tcp_fill_csum(copy + off, ip.payload_len, ip.src, ip.dst);
}

static void pcap_fail(struct ts_stack *st)
{
	int err = errno ? errno : EIO;

	fclose(st->trace.pcap);
	st->trace.pcap = NULL;
	trace_event(st, "pcap: writing a record failed: %s; capture stopped "
		    "(free disk space and open the file again)", strerror(err));
}

void pcap_frame(struct ts_stack *st, const uint8_t *frame, size_t len,
		bool csum_unverified)
{
	uint8_t *copy = NULL;
	const uint8_t *data = frame;
	uint32_t rec[4];
	uint64_t t;
	ts_time_t now = stack_now(st);

	if (!st->trace.pcap)
		return;
	if (csum_unverified) {
		copy = malloc(len ? len : 1);
		if (!copy)
			return; /* the record is lost; the capture goes on */
		memcpy(copy, frame, len);
		pcap_fix_tcp_csum(st, copy, len);
		data = copy;
	}
	t = st->trace.pcap_wall_base;
	if (now > st->trace.pcap_clock_base)
		t += now - st->trace.pcap_clock_base;
	rec[0] = (uint32_t)(t / TS_USEC_PER_SEC);
	rec[1] = (uint32_t)(t % TS_USEC_PER_SEC);
	rec[2] = (uint32_t)(len < PCAP_SNAPLEN ? len : PCAP_SNAPLEN);
	rec[3] = (uint32_t)len;
	errno = 0;
	/* Flushed per record: a capture is for debugging, and one cut short
	 * by a crash must still hold the frames that led to it. */
	if (fwrite(rec, sizeof(rec), 1, st->trace.pcap) != 1 ||
	    (rec[2] && fwrite(data, rec[2], 1, st->trace.pcap) != 1) ||
	    fflush(st->trace.pcap) != 0)
		pcap_fail(st);
	free(copy);
}
