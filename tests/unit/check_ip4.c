/*
 * Unit tests for ip4_input.c, ip4_output.c, ip4_frag.c and icmp.c:
 * validation drops with their counters, routing, delivery to (fake) TCP,
 * reassembly in every order with overlap, timeout and slot bounds, ICMP
 * echo replies byte for byte, protocol unreachable, errors to TCP.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net_fixture.h"

#define IP_GATEWAY 0x4c581001u  /* 76.88.16.1 */
#define IP_REMOTE 0x0a010203u   /* 10.1.2.3, off-link */
#define IP_PROTO_UDP 17u

static uint8_t buf[70000];
static uint8_t data[70000];

static void fill_pattern(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 31 + 7);
}

/* A fragment of datagram `id` carrying data[off, off+len). */
static void input_frag_proto(uint8_t proto, uint16_t id, size_t off, size_t len,
			     bool more)
{
	size_t n = fx_ip_frame(buf, proto, FX_IP_PEER, FX_IP_US, data + off, len);

	buf[ETH_HLEN + 4] = (uint8_t)(id >> 8);
	buf[ETH_HLEN + 5] = (uint8_t)id;
	buf[ETH_HLEN + 6] = (uint8_t)(((off / 8) >> 8) | (more ? 0x20 : 0));
	buf[ETH_HLEN + 7] = (uint8_t)(off / 8);
	buf[ETH_HLEN + 10] = buf[ETH_HLEN + 11] = 0;
	uint16_t c = inet_csum_fold(inet_csum_add(0, buf + ETH_HLEN, 20));
	buf[ETH_HLEN + 10] = (uint8_t)(c >> 8);
	buf[ETH_HLEN + 11] = (uint8_t)c;
	fx_input(buf, n);
}

static void input_frag(uint16_t id, size_t off, size_t len, bool more)
{
	input_frag_proto(IP4_PROTO_TCP, id, off, len, more);
}

static size_t icmp_msg(uint8_t *out, uint8_t type, uint8_t code, uint32_t rest,
		       const uint8_t *body, size_t blen)
{
	return icmp_write(out, type, code, rest, body, blen);
}

/* ---- validation and delivery ------------------------------------------------ */

START_TEST(test_ip4_input_drops_counted_per_reason)
{
	size_t n = fx_ip_frame(buf, IP4_PROTO_TCP, FX_IP_PEER, FX_IP_US, data, 20);

	buf[ETH_HLEN + 11] ^= 1;
	fx_input(buf, n);                                   /* checksum */
	fx_input(buf, ETH_HLEN + 10);                       /* short    */
	n = fx_ip_frame(buf, IP4_PROTO_TCP, FX_IP_PEER, 0x4c581001u, data, 20);
	fx_input(buf, n);                                   /* not us   */
	n = fx_ip_frame(buf, IP4_PROTO_TCP, 0x4c5810ffu, FX_IP_US, data, 20);
	fx_input(buf, n);                                   /* bcast src */
	n = fx_ip_frame(buf, IP4_PROTO_TCP, FX_IP_US, FX_IP_US, data, 20);
	fx_input(buf, n);                                   /* own src  */
	n = fx_ip_frame(buf, IP4_PROTO_TCP, 0xe0000001u, FX_IP_US, data, 20);
	fx_input(buf, n);                                   /* multicast src */
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_DROP_CSUM], 1);
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_DROP_SHORT], 1);
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_DROP_NOT_US], 1);
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_DROP_SRC], 3);
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_RX], 6);
	ck_assert_uint_eq(fake_tcp.inputs, 0);
	ck_assert_uint_eq(fx.nframes, 0);
}
END_TEST

START_TEST(test_ip4_tcp_to_us_delivered_broadcast_not)
{
	size_t n = fx_ip_frame(buf, IP4_PROTO_TCP, FX_IP_PEER, FX_IP_US, data, 20);

	fx_input(buf, n);
	ck_assert_uint_eq(fake_tcp.inputs, 1);
	ck_assert_uint_eq(fake_tcp.last_src, FX_IP_PEER);
	ck_assert_uint_eq(fake_tcp.last_payload_len, 20);
	memset(buf, 0xff, 6);
	n = fx_ip_frame(buf, IP4_PROTO_TCP, FX_IP_PEER, 0x4c5810ffu, data, 20);
	memset(buf, 0xff, 6);
	fx_input(buf, n);
	ck_assert_uint_eq(fake_tcp.inputs, 1);
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_DROP_NOT_US], 1);
}
END_TEST

START_TEST(test_ip4_csum_unverified_flag_reaches_tcp)
{
	size_t n = fx_ip_frame(buf, IP4_PROTO_TCP, FX_IP_PEER, FX_IP_US, data, 20);

	stack_refresh_now(fx.st);
	eth_input(fx.st, buf, n, true);
	ck_assert_uint_eq(fake_tcp.inputs, 1);
	ck_assert(fake_tcp.last_csum_unverified);
}
END_TEST

START_TEST(test_ip4_unknown_protocol_gets_protocol_unreachable)
{
	size_t n = fx_ip_frame(buf, IP_PROTO_UDP, FX_IP_PEER, FX_IP_US, data, 30);
	struct eth_hdr e;
	struct ip4_pkt ip;
	struct icmp_msg m;
	enum ts_counter why;

	ts_arp_add_static(fx.st, FX_IP_PEER, fx_mac_peer);
	fx_input(buf, n);
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_DROP_PROTO], 1);
	ck_assert_uint_eq(fx.nframes, 1);
	ck_assert_int_eq(eth_parse(fx.frames[0].data, fx.frames[0].len, &e, &why), WIRE_OK);
	ck_assert_int_eq(ip4_parse(e.payload, e.payload_len, &ip, &why), WIRE_OK);
	ck_assert_uint_eq(ip.src, FX_IP_US);
	ck_assert_uint_eq(ip.dst, FX_IP_PEER);
	ck_assert_uint_eq(ip.proto, IP4_PROTO_ICMP);
	ck_assert_int_eq(icmp_parse(ip.payload, ip.payload_len, &m, &why), WIRE_OK);
	ck_assert_uint_eq(m.type, ICMP_DEST_UNREACH);
	ck_assert_uint_eq(m.code, ICMP_CODE_PROTO_UNREACH);
	/* Quote: the offending header and the first 8 bytes after it. */
	ck_assert_uint_eq(m.body_len, 28);
	ck_assert_mem_eq(m.body, buf + ETH_HLEN, 28);
	ck_assert_uint_eq(fx.st->counters[TS_C_ICMP_TX], 1);
}
END_TEST

START_TEST(test_ip4_no_icmp_error_for_broadcast_or_icmp)
{
	size_t n = fx_ip_frame(buf, IP_PROTO_UDP, FX_IP_PEER, 0x4c5810ffu, data, 30);

	memset(buf, 0xff, 6);
	ts_arp_add_static(fx.st, FX_IP_PEER, fx_mac_peer);
	fx_input(buf, n);
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_DROP_PROTO], 1);
	ck_assert_uint_eq(fx.nframes, 0);
}
END_TEST

/* ---- output and routing ------------------------------------------------------ */

static int send_l4(uint32_t dst, size_t len)
{
	uint8_t *l4 = fx.st->txbuf + TS_L3_HEADROOM;

	memset(l4, 0x5a, len);
	return ip4_send(fx.st, l4, len, IP4_PROTO_TCP, dst, true);
}

START_TEST(test_ip4_send_off_link_goes_via_gateway)
{
	struct arp_pkt a;
	enum ts_counter why;

	fx.st->cfg.gateway = IP_GATEWAY;
	ck_assert_int_eq(send_l4(IP_REMOTE, 40), 0);
	ck_assert_uint_eq(fx.nframes, 1);
	ck_assert_int_eq(arp_parse(fx.frames[0].data + ETH_HLEN, ARP_LEN, &a, &why), WIRE_OK);
	ck_assert_uint_eq(a.tpa, IP_GATEWAY);
	fx_clear_frames();
	ck_assert_int_eq(send_l4(FX_IP_PEER, 40), 0); /* on-link: the host itself */
	ck_assert_int_eq(arp_parse(fx.frames[0].data + ETH_HLEN, ARP_LEN, &a, &why), WIRE_OK);
	ck_assert_uint_eq(a.tpa, FX_IP_PEER);
}
END_TEST

START_TEST(test_ip4_send_off_link_without_gateway_is_unreachable)
{
	ck_assert_int_eq(send_l4(IP_REMOTE, 40), -EHOSTUNREACH);
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_DROP_NO_ROUTE], 1);
	ck_assert_uint_eq(fx.nframes, 0);
}
END_TEST

START_TEST(test_ip4_send_beyond_mtu_is_emsgsize_and_header_is_right)
{
	struct ip4_pkt ip;
	enum ts_counter why;

	ts_arp_add_static(fx.st, FX_IP_PEER, fx_mac_peer);
	ck_assert_int_eq(send_l4(FX_IP_PEER, TS_MTU_DEFAULT - 19), -EMSGSIZE);
	ck_assert_int_eq(send_l4(FX_IP_PEER, TS_MTU_DEFAULT - 20), 0);
	ck_assert_int_eq(send_l4(FX_IP_PEER, 20), 0);
	ck_assert_uint_eq(fx.nframes, 2);
	ck_assert_uint_eq(fx.frames[0].len, ETH_HLEN + TS_MTU_DEFAULT);
	ck_assert_int_eq(ip4_parse(fx.frames[1].data + ETH_HLEN, 40, &ip, &why), WIRE_OK);
	ck_assert_uint_eq(ip.frag, IP4_FLAG_DF);
	ck_assert_uint_eq(ip.ttl, TS_IP_TTL);
	ck_assert_uint_eq(ip.id, 1); /* ids count from 0 per stack */
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_TX], 2);
}
END_TEST

START_TEST(test_ip4_ip_link_has_no_ethernet_header_nor_arp)
{
	size_t n;

	fx_teardown();
	fx_setup_kind(TS_LINK_IP);
	ck_assert_int_eq(send_l4(FX_IP_PEER, 20), 0);
	ck_assert_uint_eq(fx.nframes, 1);
	ck_assert_uint_eq(fx.frames[0].len, 40);
	ck_assert_uint_eq(fx.frames[0].data[0], 0x45);
	n = fx_ip_frame(buf, IP4_PROTO_TCP, FX_IP_PEER, FX_IP_US, data, 20);
	fx_input(buf + ETH_HLEN, n - ETH_HLEN);
	ck_assert_uint_eq(fake_tcp.inputs, 1);
}
END_TEST

/* ---- ICMP ---------------------------------------------------------------- */

/* Echo reply to 76.88.16.104, id 0x1234 seq 1, "synfin-ping!", computed
 * independently (Python struct + RFC 1071). */
static const uint8_t echo_reply[54] = {
	0x02, 0x00, 0x00, 0x00, 0x01, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00, 0x10,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x40, 0x01,
	0xc1, 0xad, 0x4c, 0x58, 0x10, 0x10, 0x4c, 0x58, 0x10, 0x68, 0x00, 0x00,
	0xa4, 0x7c, 0x12, 0x34, 0x00, 0x01, 0x73, 0x79, 0x6e, 0x66, 0x69, 0x6e,
	0x2d, 0x70, 0x69, 0x6e, 0x67, 0x21,
};

static size_t echo_request(uint32_t dst)
{
	uint8_t icmp[64];
	size_t len = icmp_msg(icmp, ICMP_ECHO_REQUEST, 0, 0x12340001u,
			      (const uint8_t *)"synfin-ping!", 12);

	return fx_ip_frame(buf, IP4_PROTO_ICMP, FX_IP_PEER, dst, icmp, len);
}

START_TEST(test_icmp_echo_reply_byte_exact)
{
	size_t n = echo_request(FX_IP_US);

	ts_arp_add_static(fx.st, FX_IP_PEER, fx_mac_peer);
	fx_input(buf, n);
	ck_assert_uint_eq(fx.nframes, 1);
	ck_assert_uint_eq(fx.frames[0].len, sizeof(echo_reply));
	ck_assert_mem_eq(fx.frames[0].data, echo_reply, sizeof(echo_reply));
	ck_assert_uint_eq(fx.st->counters[TS_C_ICMP_ECHO_REPLIED], 1);
	ck_assert_uint_eq(fx.st->counters[TS_C_ICMP_RX], 1);
}
END_TEST

START_TEST(test_icmp_echo_to_broadcast_or_corrupt_not_answered)
{
	size_t n = echo_request(0x4c5810ffu);

	ts_arp_add_static(fx.st, FX_IP_PEER, fx_mac_peer);
	memset(buf, 0xff, 6);
	fx_input(buf, n);
	n = echo_request(FX_IP_US);
	buf[n - 1] ^= 0x01; /* ICMP checksum now wrong */
	fx_input(buf, n);
	ck_assert_uint_eq(fx.nframes, 0);
	ck_assert_uint_eq(fx.st->counters[TS_C_ICMP_DROP_BAD], 1);
	ck_assert_uint_eq(fx.st->counters[TS_C_ICMP_ECHO_REPLIED], 0);
}
END_TEST

/* An ICMP error from the gateway quoting a TCP segment src -> peer. */
static size_t icmp_error_about(uint8_t type, uint8_t code, uint32_t rest,
			       uint32_t quoted_src, uint8_t quoted_proto)
{
	uint8_t quote[28], icmp[64];
	size_t len;

	ip4_write(quote, quoted_proto, quoted_src, FX_IP_PEER, 40, 9, true, 63);
	memset(quote + 20, 0x11, 8);
	len = icmp_msg(icmp, type, code, rest, quote, sizeof(quote));
	return fx_ip_frame(buf, IP4_PROTO_ICMP, IP_GATEWAY, FX_IP_US, icmp, len);
}

START_TEST(test_icmp_frag_needed_for_our_tcp_reaches_tcp)
{
	fx_input(buf, icmp_error_about(ICMP_DEST_UNREACH, ICMP_CODE_FRAG_NEEDED,
				       1280, FX_IP_US, IP4_PROTO_TCP));
	ck_assert_uint_eq(fake_tcp.icmp_errors, 1);
	ck_assert_uint_eq(fake_tcp.icmp_type, ICMP_DEST_UNREACH);
	ck_assert_uint_eq(fake_tcp.icmp_code, ICMP_CODE_FRAG_NEEDED);
	ck_assert_uint_eq(fake_tcp.icmp_mtu, 1280);
	ck_assert_uint_eq(fake_tcp.icmp_quoted_dst, FX_IP_PEER);
	ck_assert_uint_eq(fx.st->counters[TS_C_ICMP_UNREACH_RX], 1);
	ck_assert_uint_eq(fx.st->counters[TS_C_ICMP_FRAGNEEDED_RX], 1);
	ck_assert_uint_eq(fx.nframes, 0); /* never an error about an error */
}
END_TEST

START_TEST(test_icmp_error_not_quoting_us_is_forged)
{
	fx_input(buf, icmp_error_about(ICMP_DEST_UNREACH, ICMP_CODE_PORT_UNREACH, 0,
				       0x4c581077u, IP4_PROTO_TCP));
	fx_input(buf, icmp_error_about(ICMP_TIME_EXCEEDED, 0, 0, FX_IP_US, IP_PROTO_UDP));
	ck_assert_uint_eq(fake_tcp.icmp_errors, 0);
	ck_assert_uint_eq(fx.st->counters[TS_C_ICMP_DROP_FORGED], 1);
}
END_TEST

/* ---- reassembly ---------------------------------------------------------------- */

START_TEST(test_frag_in_order_reassembles)
{
	fill_pattern(data, 3000);
	input_frag(77, 0, 1480, true);
	input_frag(77, 1480, 1480, true);
	ck_assert_uint_eq(fake_tcp.inputs, 0);
	ck_assert_uint_ne(frag_next_deadline(fx.st), TS_TIME_NEVER);
	input_frag(77, 2960, 40, false);
	ck_assert_uint_eq(fake_tcp.inputs, 1);
	ck_assert_uint_eq(fake_tcp.last_payload_len, 3000);
	ck_assert_mem_eq(fake_tcp.last_payload, data, 3000);
	ck_assert(!fake_tcp.last_csum_unverified);
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_FRAG_RX], 3);
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_FRAG_REASSEMBLED], 1);
	ck_assert_uint_eq(frag_next_deadline(fx.st), TS_TIME_NEVER);
}
END_TEST

START_TEST(test_frag_out_of_order_and_duplicate_reassembles)
{
	fill_pattern(data, 2000);
	input_frag(5, 1600, 400, false); /* last first */
	input_frag(5, 800, 800, true);
	input_frag(5, 800, 800, true);   /* exact duplicate: harmless */
	input_frag(5, 0, 400, true);
	ck_assert_uint_eq(fake_tcp.inputs, 0);
	input_frag(5, 400, 400, true);   /* fills the last hole */
	ck_assert_uint_eq(fake_tcp.inputs, 1);
	ck_assert_uint_eq(fake_tcp.last_payload_len, 2000);
	ck_assert_mem_eq(fake_tcp.last_payload, data, 2000);
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_FRAG_DROP_OVERLAP], 0);
}
END_TEST

START_TEST(test_frag_overlap_drops_whole_datagram)
{
	fill_pattern(data, 2000);
	input_frag(6, 0, 800, true);
	data[700] ^= 0xff; /* the overlapping copy says something else */
	input_frag(6, 600, 800, true);
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_FRAG_DROP_OVERLAP], 1);
	data[700] ^= 0xff;
	input_frag(6, 1400, 600, false);
	ck_assert_uint_eq(fake_tcp.inputs, 0); /* nothing left to complete */
	ck_assert_uint_eq(frag_next_deadline(fx.st), fx.now + TS_FRAG_TIMEOUT);
}
END_TEST

START_TEST(test_frag_malformed_fragments_dropped)
{
	fill_pattern(data, 2000);
	input_frag(8, 0, 100, true);      /* MF with length not a multiple of 8 */
	input_frag(9, 65000, 600, false); /* beyond 65535 */
	input_frag(10, 800, 800, false);
	input_frag(10, 1600, 8, true);    /* beyond the known end */
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_FRAG_DROP_BAD], 3);
	ck_assert_uint_eq(frag_next_deadline(fx.st), TS_TIME_NEVER);
}
END_TEST

START_TEST(test_frag_timeout_drops_and_traces)
{
	fill_pattern(data, 2000);
	input_frag(11, 0, 800, true);
	fx_advance(TS_FRAG_TIMEOUT - 1);
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_FRAG_TIMEOUT], 0);
	fx_advance(1);
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_FRAG_TIMEOUT], 1);
	ck_assert_int_ge(fx_find_line("event ip: reassembly of datagram id 11 from "
				      "76.88.16.104 timed out"), 0);
	input_frag(11, 800, 800, false); /* too late: starts a new datagram */
	ck_assert_uint_eq(fake_tcp.inputs, 0);
}
END_TEST

START_TEST(test_frag_table_and_memory_bounded)
{
	unsigned i;

	fill_pattern(data, 70000);
	/* One more datagram than there are slots: the oldest is abandoned. */
	for (i = 0; i <= TS_FRAG_MAX_DATAGRAMS; i++) {
		input_frag((uint16_t)(100 + i), 64000, 1000, false);
		fx_advance(1);
	}
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_FRAG_DROP_MEM], 1);
	ck_assert_uint_le(fx.st->ip4.frag_mem, TS_FRAG_MEM_MAX);
	/* The abandoned one (id 100) cannot complete; the newest can. */
	input_frag(100, 0, 64000, true);
	input_frag((uint16_t)(100 + TS_FRAG_MAX_DATAGRAMS), 0, 64000, true);
	ck_assert_uint_eq(fake_tcp.inputs, 1);
	ck_assert_uint_eq(fake_tcp.last_payload_len, 65000);
	ck_assert_uint_le(fx.st->ip4.frag_mem, TS_FRAG_MEM_MAX);
}
END_TEST

START_TEST(test_frag_reassembled_echo_is_answered)
{
	size_t len = icmp_msg(data, ICMP_ECHO_REQUEST, 0, 0x12340001u,
			      (const uint8_t *)"synfin-ping!", 12);

	ck_assert_uint_eq(len, 20);
	ts_arp_add_static(fx.st, FX_IP_PEER, fx_mac_peer);
	input_frag_proto(IP4_PROTO_ICMP, 0x4242, 16, 4, false);
	ck_assert_uint_eq(fx.nframes, 0);
	input_frag_proto(IP4_PROTO_ICMP, 0x4242, 0, 16, true);
	ck_assert_uint_eq(fx.nframes, 1);
	ck_assert_uint_eq(fx.frames[0].len, sizeof(echo_reply));
	ck_assert_mem_eq(fx.frames[0].data, echo_reply, sizeof(echo_reply));
}
END_TEST

START_TEST(test_icmp_large_echo_reply_is_fragmented)
{
	uint8_t whole[3100];
	size_t len, off = 0, i;
	struct ip4_pkt ip;
	struct icmp_msg m;
	enum ts_counter why;
	uint16_t id = 0;

	fill_pattern(whole, sizeof(whole));
	len = icmp_msg(data, ICMP_ECHO_REQUEST, 0, 0x12340002u, whole, 2992);
	ck_assert_uint_eq(len, 3000);
	ts_arp_add_static(fx.st, FX_IP_PEER, fx_mac_peer);
	input_frag_proto(IP4_PROTO_ICMP, 0x77, 0, 1480, true);
	input_frag_proto(IP4_PROTO_ICMP, 0x77, 1480, 1480, true);
	input_frag_proto(IP4_PROTO_ICMP, 0x77, 2960, 40, false);
	ck_assert_uint_eq(fx.nframes, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(ip4_parse(fx.frames[i].data + ETH_HLEN,
					   fx.frames[i].len - ETH_HLEN, &ip, &why), WIRE_OK);
		ck_assert_uint_le(ip.total_len, TS_MTU_DEFAULT);
		ck_assert_uint_eq((ip.frag & IP4_FRAG_OFFSET_MASK) * 8u, off);
		ck_assert_uint_eq(!!(ip.frag & IP4_FLAG_MF), i < 2);
		if (i == 0)
			id = ip.id;
		ck_assert_uint_eq(ip.id, id);
		memcpy(whole + off, ip.payload, ip.payload_len);
		off += ip.payload_len;
	}
	ck_assert_uint_eq(off, 3000);
	ck_assert_int_eq(icmp_parse(whole, off, &m, &why), WIRE_OK);
	ck_assert_uint_eq(m.type, ICMP_ECHO_REPLY);
	ck_assert_uint_eq(m.rest, 0x12340002u);
	ck_assert_mem_eq(m.body, data + 8, 2992);
}
END_TEST

START_TEST(test_ip4_send_with_df_beyond_mtu_refused_without_df_fragmented)
{
	ts_arp_add_static(fx.st, FX_IP_PEER, fx_mac_peer);
	ck_assert_int_eq(send_l4(FX_IP_PEER, 2000), -EMSGSIZE);
	ck_assert_uint_eq(fx.nframes, 0);
	memset(fx.st->txbuf + TS_L3_HEADROOM, 1, 2000);
	ck_assert_int_eq(ip4_send(fx.st, fx.st->txbuf + TS_L3_HEADROOM, 2000,
				  IP4_PROTO_ICMP, FX_IP_PEER, false), 0);
	ck_assert_uint_eq(fx.nframes, 2);
	ck_assert_uint_eq(fx.frames[0].len, ETH_HLEN + 20 + 1480);
	ck_assert_uint_eq(fx.frames[1].len, ETH_HLEN + 20 + 520);
	ck_assert_uint_eq(fx.st->counters[TS_C_IP_TX], 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ip4");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
	tcase_add_test(tc, test_ip4_input_drops_counted_per_reason);
	tcase_add_test(tc, test_ip4_tcp_to_us_delivered_broadcast_not);
	tcase_add_test(tc, test_ip4_csum_unverified_flag_reaches_tcp);
	tcase_add_test(tc, test_ip4_unknown_protocol_gets_protocol_unreachable);
	tcase_add_test(tc, test_ip4_no_icmp_error_for_broadcast_or_icmp);
	tcase_add_test(tc, test_ip4_send_off_link_goes_via_gateway);
	tcase_add_test(tc, test_ip4_send_off_link_without_gateway_is_unreachable);
	tcase_add_test(tc, test_ip4_send_beyond_mtu_is_emsgsize_and_header_is_right);
	tcase_add_test(tc, test_ip4_ip_link_has_no_ethernet_header_nor_arp);
	tcase_add_test(tc, test_icmp_echo_reply_byte_exact);
	tcase_add_test(tc, test_icmp_echo_to_broadcast_or_corrupt_not_answered);
	tcase_add_test(tc, test_icmp_frag_needed_for_our_tcp_reaches_tcp);
	tcase_add_test(tc, test_icmp_error_not_quoting_us_is_forged);
	tcase_add_test(tc, test_frag_in_order_reassembles);
	tcase_add_test(tc, test_frag_out_of_order_and_duplicate_reassembles);
	tcase_add_test(tc, test_frag_overlap_drops_whole_datagram);
	tcase_add_test(tc, test_frag_malformed_fragments_dropped);
	tcase_add_test(tc, test_frag_timeout_drops_and_traces);
	tcase_add_test(tc, test_frag_table_and_memory_bounded);
	tcase_add_test(tc, test_frag_reassembled_echo_is_answered);
	tcase_add_test(tc, test_icmp_large_echo_reply_is_fragmented);
	tcase_add_test(tc, test_ip4_send_with_df_beyond_mtu_refused_without_df_fragmented);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
