/*
 * Unit tests for wire_eth.c, wire_ip4.c, wire_tcp.c: golden byte vectors
 * (a real Linux 6.1 SYN and ACK captured on a veth with offload off),
 * hand-built frames, and every malformation BAD with its counter.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

/* Linux SYN 76.88.16.104:60040 > 76.88.16.16:21, <mss 1460,sackOK,TS val
 * 1879204151 ecr 0,nop,wscale 10>, valid IP and TCP checksums. */
static const uint8_t linux_syn[] = {
	0xb2, 0x69, 0x66, 0xd2, 0xfe, 0xf1, 0xee, 0xf4, 0x46, 0x1b, 0x4a, 0xbb,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x3c, 0xcf, 0x45, 0x40, 0x00, 0x40, 0x06,
	0xb2, 0x4e, 0x4c, 0x58, 0x10, 0x68, 0x4c, 0x58, 0x10, 0x10, 0xea, 0x88,
	0x00, 0x15, 0x73, 0xe5, 0xe1, 0x20, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,
	0xfa, 0xf0, 0x83, 0x06, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
	0x08, 0x0a, 0x70, 0x02, 0x61, 0x37, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03,
	0x03, 0x0a,
};

/* The same connection's third segment: ACK <nop,nop,TS val 1879204151 ecr
 * 3360574910>. */
static const uint8_t linux_ack[] = {
	0xb2, 0x69, 0x66, 0xd2, 0xfe, 0xf1, 0xee, 0xf4, 0x46, 0x1b, 0x4a, 0xbb,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x34, 0xcf, 0x46, 0x40, 0x00, 0x40, 0x06,
	0xb2, 0x55, 0x4c, 0x58, 0x10, 0x68, 0x4c, 0x58, 0x10, 0x10, 0xea, 0x88,
	0x00, 0x15, 0x73, 0xe5, 0xe1, 0x21, 0xce, 0x31, 0xde, 0x4c, 0x80, 0x10,
	0x00, 0x3f, 0xe9, 0xeb, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x70, 0x02,
	0x61, 0x37, 0xc8, 0x4e, 0x4d, 0xbe,
};

#define IP_CLIENT 0x4c581068u /* 76.88.16.104 */
#define IP_SERVER 0x4c581010u /* 76.88.16.16 */

static uint8_t frame[70000];

static enum ts_counter why;

/* Copies a golden frame's IP packet into frame[] and returns its length. */
static size_t load_ip(const uint8_t *golden, size_t len)
{
	memcpy(frame, golden + ETH_HLEN, len - ETH_HLEN);
	return len - ETH_HLEN;
}

static void refresh_ip_csum(uint8_t *p)
{
	size_t ihl = (size_t)(p[0] & 15u) * 4u;

	p[10] = p[11] = 0;
	uint16_t c = inet_csum_fold(inet_csum_add(0, p, ihl));
	p[10] = (uint8_t)(c >> 8);
	p[11] = (uint8_t)c;
}

/* Builds 76.88.16.104:1038 > 76.88.16.16:21 with the given option bytes
 * (optlen a multiple of 4) and payload length, valid checksums. */
static size_t build_tcp(const uint8_t *opts, size_t optlen, size_t paylen)
{
	size_t hlen = 20 + optlen, total = 20 + hlen + paylen;
	uint8_t *t = frame + 20;

	memset(frame, 0, total);
	ip4_write(frame, IP4_PROTO_TCP, IP_CLIENT, IP_SERVER,
		  (uint16_t)(hlen + paylen), 7, true, 64);
	t[0] = 0x04, t[1] = 0x0e, t[2] = 0x00, t[3] = 0x15;
	t[12] = (uint8_t)((hlen / 4) << 4);
	t[13] = TCP_ACK;
	if (optlen)
		memcpy(t + 20, opts, optlen);
	memset(t + hlen, 'd', paylen);
	tcp_fill_csum(t, hlen + paylen, IP_CLIENT, IP_SERVER);
	return total;
}

static enum wire_result parse_tcp(size_t len, struct tcp_seg *seg)
{
	struct ip4_pkt ip;

	ck_assert_int_eq(ip4_parse(frame, len, &ip, &why), WIRE_OK);
	return tcp_parse(&ip, true, seg, &why);
}

/* ---- checksum ------------------------------------------------------------- */

START_TEST(test_csum_rfc1071_example_matches)
{
	/* RFC 1071 section 3: 0001 f203 f4f5 f6f7 sums to ddf2. */
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	ck_assert_uint_eq(inet_csum_fold(inet_csum_add(0, b, sizeof(b))),
			  (uint16_t)~0xddf2u);
}
END_TEST

START_TEST(test_csum_odd_length_pads_last_byte)
{
	static const uint8_t b[] = { 0x12, 0x34, 0x56 };

	ck_assert_uint_eq(inet_csum_fold(inet_csum_add(0, b, 3)),
			  (uint16_t)~(0x1234u + 0x5600u));
}
END_TEST

/* ---- Ethernet and ARP ---------------------------------------------------- */

START_TEST(test_eth_parse_real_frame_ok)
{
	struct eth_hdr e;

	ck_assert_int_eq(eth_parse(linux_syn, sizeof(linux_syn), &e, &why), WIRE_OK);
	ck_assert_uint_eq(e.type, ETH_TYPE_IPV4);
	ck_assert_uint_eq(e.dst[0], 0xb2);
	ck_assert_uint_eq(e.src[5], 0xbb);
	ck_assert_ptr_eq(e.payload, linux_syn + 14);
	ck_assert_uint_eq(e.payload_len, sizeof(linux_syn) - 14);
}
END_TEST

START_TEST(test_eth_parse_short_is_bad)
{
	struct eth_hdr e;

	ck_assert_int_eq(eth_parse(linux_syn, 13, &e, &why), WIRE_BAD);
	ck_assert_int_eq(why, TS_C_ETH_DROP_SHORT);
	ck_assert_int_eq(eth_parse(linux_syn, 0, &e, &why), WIRE_BAD);
	ck_assert_int_eq(why, TS_C_ETH_DROP_SHORT);
}
END_TEST

START_TEST(test_eth_write_and_broadcast)
{
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t buf[14];

	eth_write(buf, linux_syn, linux_syn + 6, ETH_TYPE_IPV4);
	ck_assert_mem_eq(buf, linux_syn, 14);
	ck_assert(eth_is_broadcast(bc));
	ck_assert(!eth_is_broadcast(linux_syn));
}
END_TEST

/* who-has 76.88.16.16 tell 76.88.16.104, from Linux (with padding). */
static const uint8_t arp_req[46] = {
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0xee, 0xf4, 0x46, 0x1b,
	0x4a, 0xbb, 0x4c, 0x58, 0x10, 0x68, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x4c, 0x58, 0x10, 0x10,
};

START_TEST(test_arp_parse_request_and_write_round_trip)
{
	struct arp_pkt a;
	uint8_t buf[ARP_LEN];

	ck_assert_int_eq(arp_parse(arp_req, sizeof(arp_req), &a, &why), WIRE_OK);
	ck_assert_uint_eq(a.op, ARP_OP_REQUEST);
	ck_assert_uint_eq(a.spa, IP_CLIENT);
	ck_assert_uint_eq(a.tpa, IP_SERVER);
	ck_assert_uint_eq(a.sha[0], 0xee);
	arp_write(buf, &a);
	ck_assert_mem_eq(buf, arp_req, ARP_LEN);
}
END_TEST

START_TEST(test_arp_parse_malformed_is_bad)
{
	uint8_t b[ARP_LEN];
	struct arp_pkt a;
	static const size_t fields[] = { 1, 3, 4, 5, 7 }; /* htype, ptype, hlen, plen, op */
	size_t i;

	ck_assert_int_eq(arp_parse(arp_req, ARP_LEN - 1, &a, &why), WIRE_BAD);
	ck_assert_int_eq(why, TS_C_ARP_DROP_BAD);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		memcpy(b, arp_req, ARP_LEN);
		b[fields[i]] ^= 0x40;
		why = TS_C_COUNT;
		ck_assert_int_eq(arp_parse(b, ARP_LEN, &a, &why), WIRE_BAD);
		ck_assert_int_eq(why, TS_C_ARP_DROP_BAD);
	}
}
END_TEST

/* ---- IPv4 ------------------------------------------------------------------ */

START_TEST(test_ip4_parse_real_syn_fields)
{
	struct ip4_pkt ip;
	size_t len = load_ip(linux_syn, sizeof(linux_syn));

	ck_assert_int_eq(ip4_parse(frame, len, &ip, &why), WIRE_OK);
	ck_assert_uint_eq(ip.ihl_bytes, 20);
	ck_assert_uint_eq(ip.total_len, 60);
	ck_assert_uint_eq(ip.id, 0xcf45);
	ck_assert_uint_eq(ip.frag, IP4_FLAG_DF);
	ck_assert_uint_eq(ip.ttl, 64);
	ck_assert_uint_eq(ip.proto, IP4_PROTO_TCP);
	ck_assert_uint_eq(ip.src, IP_CLIENT);
	ck_assert_uint_eq(ip.dst, IP_SERVER);
	ck_assert_uint_eq(ip.payload_len, 40);
	ck_assert(!ip4_is_fragment(&ip));
}
END_TEST

START_TEST(test_ip4_write_matches_linux_header)
{
	uint8_t buf[20];

	ip4_write(buf, IP4_PROTO_TCP, IP_CLIENT, IP_SERVER, 32, 0xcf46, true, 64);
	ck_assert_mem_eq(buf, linux_ack + 14, 20);
}
END_TEST

START_TEST(test_ip4_parse_ignores_ethernet_padding)
{
	struct ip4_pkt ip;
	size_t len = load_ip(linux_ack, sizeof(linux_ack));

	memset(frame + len, 0xaa, 6); /* pad as on a 60-byte minimum frame */
	ck_assert_int_eq(ip4_parse(frame, len + 6, &ip, &why), WIRE_OK);
	ck_assert_uint_eq(ip.total_len, 52);
	ck_assert_uint_eq(ip.payload_len, 32);
}
END_TEST

START_TEST(test_ip4_parse_every_truncation_is_bad)
{
	struct ip4_pkt ip;
	size_t full = load_ip(linux_syn, sizeof(linux_syn)), len;

	for (len = 0; len < full; len++) {
		why = TS_C_COUNT;
		ck_assert_int_eq(ip4_parse(frame, len, &ip, &why), WIRE_BAD);
		ck_assert_int_eq(why, len < 20 ? TS_C_IP_DROP_SHORT : TS_C_IP_DROP_LEN);
	}
}
END_TEST

/* Mutates one header byte of the SYN's IP header (checksum refreshed unless
 * told otherwise) and expects the given drop reason. */
static void expect_ip_bad(size_t off, uint8_t val, bool fix_csum,
			  enum ts_counter expect)
{
	struct ip4_pkt ip;
	size_t len = load_ip(linux_syn, sizeof(linux_syn));

	frame[off] = val;
	if (fix_csum)
		refresh_ip_csum(frame);
	why = TS_C_COUNT;
	ck_assert_int_eq(ip4_parse(frame, len, &ip, &why), WIRE_BAD);
	ck_assert_int_eq(why, expect);
}

START_TEST(test_ip4_parse_header_errors_have_their_counter)
{
	expect_ip_bad(0, 0x65, false, TS_C_IP_DROP_VERSION);
	expect_ip_bad(0, 0x44, false, TS_C_IP_DROP_IHL);  /* 16 bytes */
	expect_ip_bad(0, 0x40, false, TS_C_IP_DROP_IHL);  /* 0 bytes  */
	expect_ip_bad(3, 0x13, true, TS_C_IP_DROP_LEN);   /* 19 < IHL */
	expect_ip_bad(3, 0x3d, true, TS_C_IP_DROP_LEN);   /* 61 > frame */
	expect_ip_bad(2, 0xff, true, TS_C_IP_DROP_LEN);   /* 65340 > frame */
	expect_ip_bad(8, 0x00, true, TS_C_IP_DROP_TTL);
	expect_ip_bad(11, 0x4f, false, TS_C_IP_DROP_CSUM);
	expect_ip_bad(15, 0x99, false, TS_C_IP_DROP_CSUM); /* src changed */
}
END_TEST

START_TEST(test_ip4_parse_ihl_beyond_frame_is_bad)
{
	struct ip4_pkt ip;
	size_t len = load_ip(linux_syn, sizeof(linux_syn));

	frame[0] = 0x4f; /* 60-byte header, but only 24 bytes given */
	why = TS_C_COUNT;
	ck_assert_int_eq(ip4_parse(frame, 24, &ip, &why), WIRE_BAD);
	ck_assert_int_eq(why, TS_C_IP_DROP_SHORT);
	/* 60-byte header within a 60-byte total length: fine if summed. */
	frame[3] = 60;
	refresh_ip_csum(frame);
	ck_assert_int_eq(ip4_parse(frame, len, &ip, &why), WIRE_OK);
	ck_assert_uint_eq(ip.ihl_bytes, 60);
	ck_assert_uint_eq(ip.payload_len, 0);
}
END_TEST

START_TEST(test_ip4_parse_65535_byte_packet_ok_and_garbage_bad)
{
	struct ip4_pkt ip;

	memset(frame, 0, 65535);
	ip4_write(frame, 200, IP_CLIENT, IP_SERVER, 65535 - 20, 1, false, 1);
	ck_assert_int_eq(ip4_parse(frame, 65535, &ip, &why), WIRE_OK);
	ck_assert_uint_eq(ip.payload_len, 65515);
	memset(frame, 0xff, 65535);
	why = TS_C_COUNT;
	ck_assert_int_eq(ip4_parse(frame, 65535, &ip, &why), WIRE_BAD);
	ck_assert_int_eq(why, TS_C_IP_DROP_VERSION);
}
END_TEST

START_TEST(test_ip4_is_fragment_flags)
{
	struct ip4_pkt ip = { .frag = IP4_FLAG_DF };

	ck_assert(!ip4_is_fragment(&ip));
	ip.frag = IP4_FLAG_MF;
	ck_assert(ip4_is_fragment(&ip));
	ip.frag = 1;
	ck_assert(ip4_is_fragment(&ip));
}
END_TEST

/* ---- ICMP ------------------------------------------------------------------- */

static size_t build_icmp(uint8_t type, uint8_t code, uint32_t rest,
			 const uint8_t *body, size_t blen)
{
	uint16_t c;

	frame[0] = type, frame[1] = code, frame[2] = frame[3] = 0;
	frame[4] = (uint8_t)(rest >> 24), frame[5] = (uint8_t)(rest >> 16);
	frame[6] = (uint8_t)(rest >> 8), frame[7] = (uint8_t)rest;
	memcpy(frame + 8, body, blen);
	c = inet_csum_fold(inet_csum_add(0, frame, 8 + blen));
	frame[2] = (uint8_t)(c >> 8), frame[3] = (uint8_t)c;
	return 8 + blen;
}

START_TEST(test_icmp_parse_echo_and_bad_checksum)
{
	struct icmp_msg m;
	size_t len = build_icmp(ICMP_ECHO_REQUEST, 0, 0x12340001u,
				(const uint8_t *)"abcdefgh", 8);

	ck_assert_int_eq(icmp_parse(frame, len, &m, &why), WIRE_OK);
	ck_assert_uint_eq(m.type, ICMP_ECHO_REQUEST);
	ck_assert_uint_eq(m.rest, 0x12340001u);
	ck_assert_uint_eq(m.body_len, 8);
	ck_assert(!m.has_quote);
	frame[9] ^= 1;
	ck_assert_int_eq(icmp_parse(frame, len, &m, &why), WIRE_BAD);
	ck_assert_int_eq(why, TS_C_ICMP_DROP_BAD);
	ck_assert_int_eq(icmp_parse(frame, 7, &m, &why), WIRE_BAD);
}
END_TEST

START_TEST(test_icmp_parse_frag_needed_quotes_tcp_header)
{
	struct icmp_msg m;
	size_t len = build_icmp(ICMP_DEST_UNREACH, ICMP_CODE_FRAG_NEEDED, 1400,
				linux_syn + 14, 28);

	ck_assert_int_eq(icmp_parse(frame, len, &m, &why), WIRE_OK);
	ck_assert_uint_eq(m.next_hop_mtu, 1400);
	ck_assert(m.has_quote);
	ck_assert_uint_eq(m.quoted.proto, IP4_PROTO_TCP);
	ck_assert_uint_eq(m.quoted.src, IP_CLIENT);
	ck_assert_uint_eq(m.quoted.dst, IP_SERVER);
	ck_assert_uint_eq(m.quoted.payload_len, 8);
	ck_assert_uint_eq(m.quoted.payload[3], 0x15); /* dport 21 */
}
END_TEST

START_TEST(test_icmp_parse_error_without_quote_is_bad)
{
	struct icmp_msg m;
	size_t len = build_icmp(ICMP_DEST_UNREACH, ICMP_CODE_PORT_UNREACH, 0,
				linux_syn + 14, 12);

	ck_assert_int_eq(icmp_parse(frame, len, &m, &why), WIRE_BAD);
	ck_assert_int_eq(why, TS_C_ICMP_DROP_BAD);
}
END_TEST

/* ---- TCP -------------------------------------------------------------------- */

START_TEST(test_tcp_parse_real_linux_syn)
{
	struct tcp_seg s;
	size_t len = load_ip(linux_syn, sizeof(linux_syn));

	ck_assert_int_eq(parse_tcp(len, &s), WIRE_OK);
	ck_assert_uint_eq(s.sport, 60040);
	ck_assert_uint_eq(s.dport, 21);
	ck_assert_uint_eq(s.seq, 0x73e5e120u);
	ck_assert_uint_eq(s.flags, TCP_SYN);
	ck_assert_uint_eq(s.wnd, 64240);
	ck_assert_uint_eq(s.hlen, 40);
	ck_assert_uint_eq(s.len, 0);
	ck_assert(s.opt.mss_present && s.opt.mss == 1460);
	ck_assert(s.opt.sack_ok);
	ck_assert(s.opt.ts_present && s.opt.tsval == 1879204151u && s.opt.tsecr == 0);
	ck_assert(s.opt.wscale_present && s.opt.wscale == 10);
	ck_assert_uint_eq(s.src_ip, IP_CLIENT);
}
END_TEST

/* tcp_write from the parsed fields must give Linux's bytes exactly. */
static void check_round_trip(const uint8_t *golden, size_t glen)
{
	struct tcp_seg s;
	uint8_t out[60];
	size_t len = load_ip(golden, glen);

	ck_assert_int_eq(parse_tcp(len, &s), WIRE_OK);
	ck_assert_uint_eq(tcp_opts_len(&s.opt), s.hlen - 20u);
	memset(out, 0x55, sizeof(out));
	ck_assert_uint_eq(tcp_write(out, &s, 0), s.hlen);
	ck_assert_mem_eq(out, golden + 34, s.hlen);
}

START_TEST(test_tcp_write_syn_matches_linux_byte_for_byte)
{
	check_round_trip(linux_syn, sizeof(linux_syn));
}
END_TEST

START_TEST(test_tcp_write_ack_with_ts_matches_linux_byte_for_byte)
{
	check_round_trip(linux_ack, sizeof(linux_ack));
}
END_TEST

START_TEST(test_tcp_write_payload_checksum_verifies)
{
	struct tcp_seg s = { .src_ip = IP_CLIENT, .dst_ip = IP_SERVER,
			     .sport = 1038, .dport = 21, .seq = 5, .ack = 9,
			     .flags = TCP_PSH | TCP_ACK, .wnd = 100 };
	struct ip4_pkt ip;
	struct tcp_seg back;
	size_t hlen;

	s.opt.ts_present = true, s.opt.tsval = 1, s.opt.tsecr = 2;
	memcpy(frame + 20 + 20 + tcp_opts_len(&s.opt), "USER a\r\n", 8);
	hlen = tcp_write(frame + 20, &s, 8);
	ck_assert_uint_eq(hlen, 32);
	ip4_write(frame, IP4_PROTO_TCP, IP_CLIENT, IP_SERVER, (uint16_t)(hlen + 8),
		  1, true, 64);
	ck_assert_int_eq(ip4_parse(frame, 20 + hlen + 8, &ip, &why), WIRE_OK);
	ck_assert_int_eq(tcp_parse(&ip, true, &back, &why), WIRE_OK);
	ck_assert_uint_eq(back.len, 8);
	ck_assert_mem_eq(back.payload, "USER a\r\n", 8);
	ck_assert_uint_eq(back.flags, TCP_PSH | TCP_ACK);
}
END_TEST

START_TEST(test_tcp_parse_bad_checksum_unless_unverified)
{
	struct ip4_pkt ip;
	struct tcp_seg s;
	size_t len = load_ip(linux_syn, sizeof(linux_syn));

	frame[20 + 16] ^= 0x10;
	ck_assert_int_eq(ip4_parse(frame, len, &ip, &why), WIRE_OK);
	ck_assert_int_eq(tcp_parse(&ip, true, &s, &why), WIRE_BAD);
	ck_assert_int_eq(why, TS_C_TCP_DROP_CSUM);
	ck_assert_int_eq(tcp_parse(&ip, false, &s, &why), WIRE_OK);
}
END_TEST

START_TEST(test_tcp_parse_short_and_offset_errors)
{
	struct tcp_seg s;
	size_t len = build_tcp(NULL, 0, 0);

	/* 19-byte segment. */
	frame[3] = (uint8_t)(len - 1);
	refresh_ip_csum(frame);
	ck_assert_int_eq(parse_tcp(len - 1, &s), WIRE_BAD);
	ck_assert_int_eq(why, TS_C_TCP_DROP_SHORT);
	/* Data offset 4 (16 bytes) and 6 (24 bytes, beyond a 20-byte segment). */
	len = build_tcp(NULL, 0, 0);
	frame[20 + 12] = 0x40;
	ck_assert_int_eq(parse_tcp(len, &s), WIRE_BAD);
	ck_assert_int_eq(why, TS_C_TCP_DROP_OFFSET);
	frame[20 + 12] = 0x60;
	ck_assert_int_eq(parse_tcp(len, &s), WIRE_BAD);
	ck_assert_int_eq(why, TS_C_TCP_DROP_OFFSET);
	frame[20 + 12] = 0xf0;
	ck_assert_int_eq(parse_tcp(len, &s), WIRE_BAD);
	ck_assert_int_eq(why, TS_C_TCP_DROP_OFFSET);
}
END_TEST

/* Option blocks (4-byte multiples) that must be rejected as BAD options. */
START_TEST(test_tcp_parse_malformed_options_are_bad)
{
	static const uint8_t bad[][8] = {
		{ 1, 1, 1, 1, 1, 1, 2, 4 },    /* MSS overruns the header  */
		{ 1, 1, 1, 99 },               /* kind with no length byte */
		{ 99, 0, 0, 0 },               /* length 0                 */
		{ 99, 1, 0, 0 },               /* length 1                 */
		{ 99, 9, 0, 0 },               /* unknown, past the end    */
		{ 2, 3, 5, 0 },                /* MSS with length 3        */
		{ 3, 4, 7, 0 },                /* wscale with length 4     */
		{ 4, 3, 0, 0 },                /* sackOK with length 3     */
		{ 5, 2, 0, 0 },                /* SACK with no block       */
		{ 5, 6, 0, 0, 0, 1, 0, 0 },    /* SACK with half a block   */
		{ 8, 8, 0, 0, 0, 1, 0, 0 },    /* TS with length 8         */
	};
	static const size_t lens[] = { 8, 4, 4, 4, 4, 4, 4, 4, 4, 8, 8 };
	struct tcp_seg s;
	size_t i, len;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		len = build_tcp(bad[i], lens[i], 0);
		why = TS_C_COUNT;
		ck_assert_msg(parse_tcp(len, &s) == WIRE_BAD, "option case %zu", i);
		ck_assert_int_eq(why, TS_C_TCP_DROP_OPTIONS);
	}
}
END_TEST

START_TEST(test_tcp_parse_unknown_options_skipped_and_eol_stops)
{
	/* unknown kind 30 len 4, MSS 1000, EOL, then junk never read */
	static const uint8_t o[] = { 30, 4, 9, 9, 2, 4, 0x03, 0xe8, 0, 99, 0, 0 };
	struct tcp_seg s;
	size_t len = build_tcp(o, sizeof(o), 3);

	ck_assert_int_eq(parse_tcp(len, &s), WIRE_OK);
	ck_assert(s.opt.mss_present);
	ck_assert_uint_eq(s.opt.mss, 1000);
	ck_assert(!s.opt.ts_present && !s.opt.wscale_present);
	ck_assert_uint_eq(s.len, 3);
}
END_TEST

START_TEST(test_tcp_parse_four_sack_blocks)
{
	uint8_t o[36] = { 1, 1, 5, 34 };
	struct tcp_seg s;
	size_t i, len;

	for (i = 0; i < 8; i++)
		o[4 + 4 * i + 3] = (uint8_t)(i + 1);
	len = build_tcp(o, sizeof(o), 0);
	ck_assert_int_eq(parse_tcp(len, &s), WIRE_OK);
	ck_assert_uint_eq(s.opt.nsack, 4);
	ck_assert_uint_eq(s.opt.sack[0].left, 1);
	ck_assert_uint_eq(s.opt.sack[3].right, 8);
}
END_TEST

START_TEST(test_tcp_opts_layout_fits_sack_blocks_beside_timestamps)
{
	struct tcp_opts o = { .ts_present = true, .nsack = 4 };
	uint8_t kinds[TCP_OPT_SPACE_MAX];
	static const uint8_t expect[] = { 1, 1, 8, 1, 1, 5 };
	unsigned nsack;
	size_t n = tcp_opts_layout(&o, kinds, &nsack);

	ck_assert_uint_eq(n, sizeof(expect));
	ck_assert_mem_eq(kinds, expect, sizeof(expect));
	ck_assert_uint_eq(nsack, 3);
	ck_assert_uint_eq(tcp_opts_len(&o), 12 + 4 + 24);
	o.ts_present = false;
	ck_assert_uint_eq(tcp_opts_len(&o), 4 + 32);
	memset(&o, 0, sizeof(o));
	ck_assert_uint_eq(tcp_opts_len(&o), 0);
	o.mss_present = o.sack_ok = true;
	ck_assert_uint_eq(tcp_opts_len(&o), 8); /* mss,nop,nop,sackOK */
}
END_TEST

/* Deterministic garbage through every parser: BAD or OK, never a crash
 * (the sanitizer build turns any overread into a failure). */
START_TEST(test_wire_random_frames_never_crash)
{
	uint32_t x = 2463534242u;
	unsigned i, n_ok = 0;
	size_t len, j;
	struct eth_hdr e;
	struct arp_pkt a;
	struct ip4_pkt ip;
	struct icmp_msg m;
	struct tcp_seg s;

	for (i = 0; i < 20000; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		len = x % 200;
		for (j = 0; j < len; j++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			frame[j] = (uint8_t)x;
		}
		if (len >= 20) { /* make IPv4 plausible half of the time */
			frame[0] = (uint8_t)(0x45 + (i & 1) * (x % 11));
			frame[2] = 0, frame[3] = (uint8_t)len;
			refresh_ip_csum(frame);
		}
		(void)eth_parse(frame, len, &e, &why);
		(void)arp_parse(frame, len, &a, &why);
		(void)icmp_parse(frame, len, &m, &why);
		if (ip4_parse(frame, len, &ip, &why) == WIRE_OK) {
			n_ok++;
			(void)tcp_parse(&ip, false, &s, &why);
			(void)icmp_parse(ip.payload, ip.payload_len, &m, &why);
		}
	}
	ck_assert_uint_gt(n_ok, 1000); /* the IP path really was exercised */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("wire");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_csum_rfc1071_example_matches);
	tcase_add_test(tc, test_csum_odd_length_pads_last_byte);
	tcase_add_test(tc, test_eth_parse_real_frame_ok);
	tcase_add_test(tc, test_eth_parse_short_is_bad);
	tcase_add_test(tc, test_eth_write_and_broadcast);
	tcase_add_test(tc, test_arp_parse_request_and_write_round_trip);
	tcase_add_test(tc, test_arp_parse_malformed_is_bad);
	tcase_add_test(tc, test_ip4_parse_real_syn_fields);
	tcase_add_test(tc, test_ip4_write_matches_linux_header);
	tcase_add_test(tc, test_ip4_parse_ignores_ethernet_padding);
	tcase_add_test(tc, test_ip4_parse_every_truncation_is_bad);
	tcase_add_test(tc, test_ip4_parse_header_errors_have_their_counter);
	tcase_add_test(tc, test_ip4_parse_ihl_beyond_frame_is_bad);
	tcase_add_test(tc, test_ip4_parse_65535_byte_packet_ok_and_garbage_bad);
	tcase_add_test(tc, test_ip4_is_fragment_flags);
	tcase_add_test(tc, test_icmp_parse_echo_and_bad_checksum);
	tcase_add_test(tc, test_icmp_parse_frag_needed_quotes_tcp_header);
	tcase_add_test(tc, test_icmp_parse_error_without_quote_is_bad);
	tcase_add_test(tc, test_tcp_parse_real_linux_syn);
	tcase_add_test(tc, test_tcp_write_syn_matches_linux_byte_for_byte);
	tcase_add_test(tc, test_tcp_write_ack_with_ts_matches_linux_byte_for_byte);
	tcase_add_test(tc, test_tcp_write_payload_checksum_verifies);
	tcase_add_test(tc, test_tcp_parse_bad_checksum_unless_unverified);
	tcase_add_test(tc, test_tcp_parse_short_and_offset_errors);
	tcase_add_test(tc, test_tcp_parse_malformed_options_are_bad);
	tcase_add_test(tc, test_tcp_parse_unknown_options_skipped_and_eol_stops);
	tcase_add_test(tc, test_tcp_parse_four_sack_blocks);
	tcase_add_test(tc, test_tcp_opts_layout_fits_sack_blocks_beside_timestamps);
	tcase_add_test(tc, test_wire_random_frames_never_crash);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
