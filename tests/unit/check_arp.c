/*
 * Unit tests for eth.c and arp.c: Ethernet demux, ARP replies, resolution
 * with queueing, retries and drops in virtual time, expiry, static
 * entries, announcements, probes and address-conflict detection.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_fixture.h"

static const uint8_t mac_zero[6];
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_other[6] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x01 };
static uint8_t buf[2048];

#define IP_OFFLINK_NEIGHBOUR 0x4c581099u /* 76.88.16.153, never answers */

static void expect_arp(unsigned idx, const uint8_t eth_dst[6], uint16_t op,
		       uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
	struct eth_hdr e;
	struct arp_pkt a;
	enum ts_counter why;

	ck_assert_uint_gt(fx.nframes, idx);
	ck_assert_uint_eq(fx.frames[idx].len, 60); /* padded minimum frame */
	ck_assert_int_eq(eth_parse(fx.frames[idx].data, fx.frames[idx].len, &e, &why),
			 WIRE_OK);
	ck_assert_uint_eq(e.type, ETH_TYPE_ARP);
	ck_assert_mem_eq(e.dst, eth_dst, 6);
	ck_assert_mem_eq(e.src, fx_mac_us, 6);
	ck_assert_int_eq(arp_parse(e.payload, e.payload_len, &a, &why), WIRE_OK);
	ck_assert_uint_eq(a.op, op);
	ck_assert_mem_eq(a.sha, fx_mac_us, 6);
	ck_assert_uint_eq(a.spa, spa);
	ck_assert_mem_eq(a.tha, tha, 6);
	ck_assert_uint_eq(a.tpa, tpa);
}

/* Sends a 40-byte IP packet to dst through ip4_send. */
static int send_ip(uint32_t dst, uint8_t marker)
{
	uint8_t *l4 = fx.st->txbuf + TS_L3_HEADROOM;

	memset(l4, marker, 40);
	return ip4_send(fx.st, l4, 40, IP4_PROTO_TCP, dst, true);
}

static void peer_replies(uint32_t ip, const uint8_t mac[6])
{
	size_t n = fx_arp_frame(buf, ARP_OP_REPLY, mac, ip, fx_mac_us, FX_IP_US);

	fx_input(buf, n);
}

START_TEST(test_arp_request_for_us_gets_byte_exact_reply)
{
	static const uint8_t expect[60] = {
		0x02, 0, 0, 0, 0x01, 0x04, 0x02, 0, 0, 0, 0, 0x10, 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02,
		0x02, 0, 0, 0, 0, 0x10, 0x4c, 0x58, 0x10, 0x10,
		0x02, 0, 0, 0, 0x01, 0x04, 0x4c, 0x58, 0x10, 0x68,
	};
	uint8_t mac[6];
	size_t n = fx_arp_frame(buf, ARP_OP_REQUEST, fx_mac_peer, FX_IP_PEER,
				mac_zero, FX_IP_US);

	fx_input(buf, n);
	ck_assert_uint_eq(fx.nframes, 1);
	ck_assert_uint_eq(fx.frames[0].len, sizeof(expect));
	ck_assert_mem_eq(fx.frames[0].data, expect, sizeof(expect));
	/* The asker was learned: it will talk to us next. */
	ck_assert(ts_arp_lookup(fx.st, FX_IP_PEER, mac));
	ck_assert_mem_eq(mac, fx_mac_peer, 6);
	ck_assert_uint_eq(fx.st->counters[TS_C_ARP_RX], 1);
	ck_assert_uint_eq(fx.st->counters[TS_C_ARP_TX], 1);
	ck_assert_uint_eq(fx.st->counters[TS_C_LINK_TX_FRAMES], 1);
}
END_TEST

START_TEST(test_arp_request_for_other_host_not_answered_nor_learned)
{
	uint8_t mac[6];
	size_t n = fx_arp_frame(buf, ARP_OP_REQUEST, fx_mac_peer, FX_IP_PEER,
				mac_zero, 0x4c581001u);

	fx_input(buf, n);
	ck_assert_uint_eq(fx.nframes, 0);
	ck_assert(!ts_arp_lookup(fx.st, FX_IP_PEER, mac));
}
END_TEST

START_TEST(test_arp_resolve_queues_then_flushes_in_order)
{
	uint8_t mac[6];

	ck_assert_int_eq(send_ip(FX_IP_PEER, 0xa1), 0);
	ck_assert_int_eq(send_ip(FX_IP_PEER, 0xa2), 0);
	ck_assert_uint_eq(fx.nframes, 1); /* one request, packets held */
	expect_arp(0, mac_bcast, ARP_OP_REQUEST, FX_IP_US, mac_zero, FX_IP_PEER);
	ck_assert_uint_ge(fake_tcp.wakeups, 1); /* retry timer armed */
	ck_assert_uint_eq(arp_next_deadline(fx.st), fx.now + TS_ARP_RETRY_INTERVAL);
	fx_clear_frames();
	peer_replies(FX_IP_PEER, fx_mac_peer);
	ck_assert_uint_eq(fx.nframes, 2);
	ck_assert_mem_eq(fx.frames[0].data, fx_mac_peer, 6);
	ck_assert_uint_eq(fx.frames[0].data[ETH_HLEN + 20], 0xa1);
	ck_assert_uint_eq(fx.frames[1].data[ETH_HLEN + 20], 0xa2);
	ck_assert_uint_eq(fx.frames[1].len, ETH_HLEN + 60);
	ck_assert(ts_arp_lookup(fx.st, FX_IP_PEER, mac));
	ck_assert_int_ge(fx_find_line("event arp: 76.88.16.104 is at 02:00:00:00:01:04"), 0);
	/* Now resolved: the next packet goes out at once. */
	fx_clear_frames();
	ck_assert_int_eq(send_ip(FX_IP_PEER, 0xa3), 0);
	ck_assert_uint_eq(fx.nframes, 1);
	ck_assert_uint_eq(fx.frames[0].data[ETH_HLEN + 20], 0xa3);
}
END_TEST

START_TEST(test_arp_retries_every_interval_then_drops_unresolved)
{
	send_ip(IP_OFFLINK_NEIGHBOUR, 1);
	send_ip(IP_OFFLINK_NEIGHBOUR, 2);
	ck_assert_uint_eq(fx.nframes, 1);
	fx_advance(TS_ARP_RETRY_INTERVAL - 1);
	ck_assert_uint_eq(fx.nframes, 1); /* not yet */
	fx_advance(1);
	ck_assert_uint_eq(fx.nframes, 2);
	expect_arp(1, mac_bcast, ARP_OP_REQUEST, FX_IP_US, mac_zero,
		   IP_OFFLINK_NEIGHBOUR);
	fx_advance(TS_ARP_RETRY_INTERVAL);
	ck_assert_uint_eq(fx.nframes, TS_ARP_MAX_TRIES);
	ck_assert_uint_eq(fx.st->counters[TS_C_ARP_DROP_UNRESOLVED], 0);
	fx_advance(TS_ARP_RETRY_INTERVAL);
	ck_assert_uint_eq(fx.nframes, TS_ARP_MAX_TRIES); /* no 4th request */
	ck_assert_uint_eq(fx.st->counters[TS_C_ARP_DROP_UNRESOLVED], 2);
	ck_assert_uint_eq(arp_next_deadline(fx.st), TS_TIME_NEVER);
	ck_assert_int_ge(fx_find_line("event arp: no reply from 76.88.16.153 after 3 "
				      "requests; dropped 2 queued packets"), 0);
}
END_TEST

START_TEST(test_arp_queue_per_entry_is_bounded)
{
	unsigned i;

	for (i = 0; i < TS_ARP_QUEUE_PER_ENTRY + 3; i++)
		send_ip(IP_OFFLINK_NEIGHBOUR, (uint8_t)i);
	ck_assert_uint_eq(fx.st->counters[TS_C_ARP_DROP_QUEUE_FULL], 3);
	fx_advance(TS_ARP_RETRY_INTERVAL * TS_ARP_MAX_TRIES);
	ck_assert_uint_eq(fx.st->counters[TS_C_ARP_DROP_UNRESOLVED],
			  TS_ARP_QUEUE_PER_ENTRY);
}
END_TEST

START_TEST(test_arp_entry_expires_after_ttl)
{
	uint8_t mac[6];

	peer_replies(FX_IP_PEER, fx_mac_peer); /* unsolicited: not learned */
	ck_assert(!ts_arp_lookup(fx.st, FX_IP_PEER, mac));
	send_ip(FX_IP_PEER, 1);
	peer_replies(FX_IP_PEER, fx_mac_peer);
	ck_assert(ts_arp_lookup(fx.st, FX_IP_PEER, mac));
	fx_advance(TS_ARP_ENTRY_TTL - 1);
	ck_assert(ts_arp_lookup(fx.st, FX_IP_PEER, mac));
	fx_advance(1);
	ck_assert(!ts_arp_lookup(fx.st, FX_IP_PEER, mac));
	fx_clear_frames();
	send_ip(FX_IP_PEER, 2); /* resolves again */
	expect_arp(0, mac_bcast, ARP_OP_REQUEST, FX_IP_US, mac_zero, FX_IP_PEER);
}
END_TEST

START_TEST(test_arp_static_entry_used_never_expires_nor_overwritten)
{
	uint8_t mac[6];
	size_t n;

	ck_assert_int_eq(ts_arp_add_static(fx.st, FX_IP_PEER, fx_mac_peer), 0);
	ck_assert_int_eq(ts_arp_add_static(fx.st, FX_IP_PEER, mac_bcast), -EINVAL);
	ck_assert_int_eq(ts_arp_add_static(fx.st, 0, fx_mac_peer), -EINVAL);
	send_ip(FX_IP_PEER, 7);
	ck_assert_uint_eq(fx.nframes, 1);
	ck_assert_mem_eq(fx.frames[0].data, fx_mac_peer, 6);
	/* A spoofed reply and a request from another MAC change nothing. */
	peer_replies(FX_IP_PEER, mac_other);
	n = fx_arp_frame(buf, ARP_OP_REQUEST, mac_other, FX_IP_PEER, mac_zero, FX_IP_US);
	fx_input(buf, n);
	fx_advance(TS_ARP_ENTRY_TTL * 2);
	ck_assert(ts_arp_lookup(fx.st, FX_IP_PEER, mac));
	ck_assert_mem_eq(mac, fx_mac_peer, 6);
	ck_assert_uint_eq(arp_next_deadline(fx.st), TS_TIME_NEVER);
}
END_TEST

START_TEST(test_arp_conflict_counted_with_mac_and_trace_line)
{
	uint8_t mac[6] = { 0 };
	size_t n;

	ck_assert_uint_eq(ts_addr_conflicts(fx.st, mac), 0);
	/* Another station announces our address (gratuitous ARP). */
	n = fx_arp_frame(buf, ARP_OP_REQUEST, mac_other, FX_IP_US, mac_zero, FX_IP_US);
	fx_input(buf, n);
	ck_assert_uint_eq(ts_addr_conflicts(fx.st, mac), 1);
	ck_assert_mem_eq(mac, mac_other, 6);
	ck_assert_uint_eq(fx.st->counters[TS_C_ARP_CONFLICT], 1);
	ck_assert_int_ge(fx_find_line("event arp: address conflict: 76.88.16.16 is "
				      "also claimed by aa:bb:cc:dd:ee:01"), 0);
	ck_assert(!ts_arp_lookup(fx.st, FX_IP_US, mac));
	/* It also answers for our address. */
	peer_replies(FX_IP_US, mac_other);
	ck_assert_uint_eq(ts_addr_conflicts(fx.st, NULL), 2);
}
END_TEST

static char warned[TS_WARN_LINE_MAX];
static unsigned nwarned;

static void record_warning(void *ctx, const char *line)
{
	(void)ctx;
	snprintf(warned, sizeof(warned), "%s", line);
	nwarned++;
}

/* Before ts_announce the owner is probing (it reports a conflict itself);
 * after it, another station claiming our address is a warning line
 * whatever the trace mask. */
START_TEST(test_arp_conflict_after_announce_is_a_warning)
{
	size_t n;

	fx.st->cfg.warn_line = record_warning;
	ts_set_trace(fx.st, 0);
	peer_replies(FX_IP_US, mac_other); /* an answer to our probe */
	ck_assert_uint_eq(ts_addr_conflicts(fx.st, NULL), 1);
	ck_assert_uint_eq(nwarned, 0);
	ts_announce(fx.st);
	n = fx_arp_frame(buf, ARP_OP_REQUEST, mac_other, FX_IP_US, mac_zero, FX_IP_US);
	fx_input(buf, n);
	ck_assert_uint_eq(ts_addr_conflicts(fx.st, NULL), 2);
	ck_assert_uint_eq(nwarned, 1);
	ck_assert_str_eq(warned, "warning: address conflict: 76.88.16.16, our "
			 "address, is also claimed by aa:bb:cc:dd:ee:01; "
			 "connections to it may break: give one station another "
			 "address");
}
END_TEST

START_TEST(test_arp_probe_has_sender_zero_and_learns_answer)
{
	uint8_t mac[6];
	size_t n;

	ts_arp_probe(fx.st, FX_IP_PEER);
	ck_assert_uint_eq(fx.nframes, 1);
	expect_arp(0, mac_bcast, ARP_OP_REQUEST, 0, mac_zero, FX_IP_PEER);
	/* Linux answers a probe with target address 0. */
	n = fx_arp_frame(buf, ARP_OP_REPLY, fx_mac_peer, FX_IP_PEER, fx_mac_us, 0);
	fx_input(buf, n);
	ck_assert(ts_arp_lookup(fx.st, FX_IP_PEER, mac));
	ck_assert_mem_eq(mac, fx_mac_peer, 6);
}
END_TEST

START_TEST(test_arp_probe_for_our_address_answered_is_conflict)
{
	ts_arp_probe(fx.st, FX_IP_US);
	peer_replies(FX_IP_US, mac_other);
	ck_assert_uint_eq(ts_addr_conflicts(fx.st, NULL), 1);
}
END_TEST

START_TEST(test_arp_probe_from_other_answered_to_its_mac)
{
	size_t n = fx_arp_frame(buf, ARP_OP_REQUEST, fx_mac_peer, 0, mac_zero, FX_IP_US);

	fx_input(buf, n);
	expect_arp(0, fx_mac_peer, ARP_OP_REPLY, FX_IP_US, fx_mac_peer, 0);
	ck_assert_uint_eq(ts_addr_conflicts(fx.st, NULL), 0);
}
END_TEST

START_TEST(test_announce_is_gratuitous_request)
{
	ts_announce(fx.st);
	ck_assert_uint_eq(fx.nframes, 1);
	expect_arp(0, mac_bcast, ARP_OP_REQUEST, FX_IP_US, mac_zero, FX_IP_US);
}
END_TEST

START_TEST(test_arp_malformed_or_multicast_sender_dropped)
{
	size_t n = fx_arp_frame(buf, ARP_OP_REQUEST, fx_mac_peer, FX_IP_PEER,
				mac_zero, FX_IP_US);

	buf[ETH_HLEN + 5] = 16; /* plen */
	fx_input(buf, n);
	n = fx_arp_frame(buf, ARP_OP_REQUEST, mac_bcast, FX_IP_PEER, mac_zero, FX_IP_US);
	fx_input(buf, n);
	fx_input(buf, ETH_HLEN + ARP_LEN - 1);
	ck_assert_uint_eq(fx.st->counters[TS_C_ARP_DROP_BAD], 3);
	ck_assert_uint_eq(fx.nframes, 0);
}
END_TEST

START_TEST(test_eth_drops_counted_per_reason)
{
	size_t n = fx_eth(buf, mac_other, fx_mac_peer, ETH_TYPE_IPV4);

	memset(buf + n, 0, 46);
	fx_input(buf, n + 46);                 /* another MAC */
	fx_eth(buf, fx_mac_us, fx_mac_peer, 0x86dd);
	fx_input(buf, n + 46);                 /* IPv6 */
	fx_input(buf, 13);                     /* runt */
	fx_input(buf, 0);
	ck_assert_uint_eq(fx.st->counters[TS_C_ETH_DROP_NOT_US], 1);
	ck_assert_uint_eq(fx.st->counters[TS_C_ETH_DROP_TYPE], 1);
	ck_assert_uint_eq(fx.st->counters[TS_C_ETH_DROP_SHORT], 2);
	ck_assert_uint_eq(fx.st->counters[TS_C_LINK_RX_FRAMES], 4);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arp");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
	tcase_add_test(tc, test_arp_request_for_us_gets_byte_exact_reply);
	tcase_add_test(tc, test_arp_request_for_other_host_not_answered_nor_learned);
	tcase_add_test(tc, test_arp_resolve_queues_then_flushes_in_order);
	tcase_add_test(tc, test_arp_retries_every_interval_then_drops_unresolved);
	tcase_add_test(tc, test_arp_queue_per_entry_is_bounded);
	tcase_add_test(tc, test_arp_entry_expires_after_ttl);
	tcase_add_test(tc, test_arp_static_entry_used_never_expires_nor_overwritten);
	tcase_add_test(tc, test_arp_conflict_counted_with_mac_and_trace_line);
	tcase_add_test(tc, test_arp_conflict_after_announce_is_a_warning);
	tcase_add_test(tc, test_arp_probe_has_sender_zero_and_learns_answer);
	tcase_add_test(tc, test_arp_probe_for_our_address_answered_is_conflict);
	tcase_add_test(tc, test_arp_probe_from_other_answered_to_its_mac);
	tcase_add_test(tc, test_announce_is_gratuitous_request);
	tcase_add_test(tc, test_arp_malformed_or_multicast_sender_dropped);
	tcase_add_test(tc, test_eth_drops_counted_per_reason);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
