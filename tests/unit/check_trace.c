/*
 * Unit tests for trace.c, pcap.c and counters.c: the exact line formats,
 * categories switched at run time, the payload decoder hook, pcap files
 * (header, records, timestamps, offloaded checksums) and counter names.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net_fixture.h"

#define IP_SERVER FX_IP_US
#define IP_CLIENT FX_IP_PEER

static uint8_t frame[2048];

static struct tcp_seg seg_synack(void)
{
	struct tcp_seg s = { .src_ip = IP_SERVER, .dst_ip = IP_CLIENT,
			     .sport = 21, .dport = 1038, .seq = 3880988084u,
			     .ack = 1791872319u, .flags = TCP_SYN | TCP_ACK,
			     .wnd = 65535 };

	s.opt.mss_present = true;
	s.opt.mss = 1460;
	return s;
}

START_TEST(test_trace_segment_synack_line_exact)
{
	struct tcp_seg s = seg_synack();

	fx.now += 153;
	stack_refresh_now(fx.st);
	trace_segment(fx.st, &s, true, true);
	ck_assert_uint_eq(fx.nlines, 1);
	ck_assert_str_eq(fx.lines[0],
			 "seg #1 +0.000153 76.88.16.16:21 > 76.88.16.104:1038 SYN,ACK "
			 "seq=3880988084 ack=1791872319 (1791872318+1) win=65535 "
			 "len=0 <mss 1460>");
}
END_TEST

START_TEST(test_trace_segment_linux_syn_options_and_numbering)
{
	struct tcp_seg s = { .src_ip = IP_CLIENT, .dst_ip = IP_SERVER,
			     .sport = 1038, .dport = 21, .seq = 1791872318u,
			     .ack = 77, .flags = TCP_SYN, .wnd = 64240 };

	s.opt.mss_present = s.opt.sack_ok = s.opt.ts_present = true;
	s.opt.wscale_present = true;
	s.opt.mss = 1460, s.opt.tsval = 123, s.opt.wscale = 7;
	fx.now += 2 * TS_USEC_PER_SEC + 5;
	stack_refresh_now(fx.st);
	trace_segment(fx.st, &s, false, false);
	trace_segment(fx.st, &s, false, false);
	ck_assert_str_eq(fx.lines[0],
			 "seg #1 +2.000005 76.88.16.104:1038 > 76.88.16.16:21 SYN "
			 "seq=1791872318 win=64240 len=0 "
			 "<mss 1460,sackOK,TS val 123 ecr 0,nop,wscale 7>");
	ck_assert(strncmp(fx.lines[1], "seg #2 ", 7) == 0);
}
END_TEST

START_TEST(test_trace_segment_data_urgent_sack)
{
	static const uint8_t pay[5] = "abcde";
	struct tcp_seg s = { .src_ip = IP_CLIENT, .dst_ip = IP_SERVER,
			     .sport = 1038, .dport = 21, .seq = 10, .ack = 20,
			     .flags = TCP_PSH | TCP_ACK | TCP_URG, .wnd = 502,
			     .urp = 5, .payload = pay, .len = 5 };

	s.opt.ts_present = true, s.opt.tsval = 1, s.opt.tsecr = 2;
	s.opt.nsack = 1, s.opt.sack[0].left = 100, s.opt.sack[0].right = 200;
	trace_segment(fx.st, &s, false, false);
	ck_assert_str_eq(fx.lines[0],
			 "seg #1 +0.000000 76.88.16.104:1038 > 76.88.16.16:21 "
			 "PSH,ACK,URG seq=10 ack=20 win=502 urg=5 len=5 "
			 "<nop,nop,TS val 1 ecr 2,nop,nop,sack 1 {100:200}>");
}
END_TEST

START_TEST(test_trace_flags_in_documented_order)
{
	struct tcp_seg s = seg_synack();

	s.opt.mss_present = false;
	s.flags = 0xff;
	trace_segment(fx.st, &s, true, false);
	s.flags = TCP_FIN | TCP_ACK;
	trace_segment(fx.st, &s, true, false);
	s.flags = 0;
	trace_segment(fx.st, &s, true, false);
	ck_assert_ptr_nonnull(strstr(fx.lines[0], " SYN,FIN,RST,PSH,ACK,URG,ECE,CWR seq="));
	ck_assert_ptr_nonnull(strstr(fx.lines[1], " FIN,ACK seq=3880988084 ack=1791872319 win="));
	ck_assert_ptr_nonnull(strstr(fx.lines[2], " none seq=3880988084 win=65535 len=0"));
}
END_TEST

START_TEST(test_trace_state_and_event_lines_exact)
{
	struct ts_addr l = { IP_CLIENT, 1038 }, r = { IP_SERVER, 21 };

	trace_state(fx.st, &l, &r, TS_CLOSED, TS_SYN_SENT, "connect(), sent SYN");
	trace_event(fx.st, "arp: %s %d", "x", 42);
	ck_assert_str_eq(fx.lines[0], "state 76.88.16.104:1038 <-> 76.88.16.16:21 "
				      "CLOSED -> SYN_SENT (connect(), sent SYN)");
	ck_assert_str_eq(fx.lines[1], "event arp: x 42");
}
END_TEST

START_TEST(test_trace_categories_switch_at_run_time)
{
	struct tcp_seg s = seg_synack();
	struct ts_addr l = { IP_CLIENT, 1038 }, r = { IP_SERVER, 21 };

	ts_set_trace(fx.st, TS_TRACE_STATES | 0x100);
	ck_assert_uint_eq(ts_get_trace(fx.st), TS_TRACE_STATES);
	trace_segment(fx.st, &s, true, false);
	trace_event(fx.st, "hidden");
	trace_state(fx.st, &l, &r, TS_LISTEN, TS_SYN_RECEIVED, "rcvd SYN");
	ck_assert_uint_eq(fx.nlines, 1);
	ck_assert(strncmp(fx.lines[0], "state ", 6) == 0);
	ts_set_trace(fx.st, TS_TRACE_SEGMENTS | TS_TRACE_EVENTS);
	trace_state(fx.st, &l, &r, TS_SYN_RECEIVED, TS_ESTABLISHED, "rcvd ACK");
	trace_segment(fx.st, &s, true, false);
	trace_event(fx.st, "shown");
	ck_assert_uint_eq(fx.nlines, 3);
	ck_assert(strncmp(fx.lines[1], "seg #1 ", 7) == 0); /* hidden ones not counted */
	ck_assert_str_eq(fx.lines[2], "event shown");
	/* No sink: nothing is formatted and nothing crashes. */
	fx.st->cfg.trace_line = NULL;
	trace_segment(fx.st, &s, true, false);
	ck_assert_uint_eq(fx.nlines, 3);
}
END_TEST

/* ---- payload decoder --------------------------------------------------------- */

struct decoder_log {
	uint16_t lport, rport;
	bool outbound;
	size_t len;
	const char *render; /* NULL: echo the payload */
};

static size_t decoder(void *ctx, uint16_t lport, uint16_t rport, bool outbound,
		      const uint8_t *payload, size_t len, char *out, size_t cap)
{
	struct decoder_log *d = ctx;
	const char *src = d->render ? d->render : (const char *)payload;
	size_t n = d->render ? strlen(d->render) : len;

	d->lport = lport, d->rport = rport, d->outbound = outbound, d->len = len;
	ck_assert_uint_eq(cap, TS_TRACE_PAYLOAD_MAX + 1);
	if (n > cap - 1)
		n = cap - 1;
	memcpy(out, src, n);
	out[n] = '\0';
	return n;
}

START_TEST(test_trace_payload_decoder_ports_direction_escaping)
{
	static const uint8_t cmd[] = "USER anonymous\r\n";
	struct decoder_log d = { 0 };
	struct tcp_seg s = { .src_ip = IP_CLIENT, .dst_ip = IP_SERVER,
			     .sport = 1038, .dport = 21, .flags = TCP_PSH | TCP_ACK,
			     .payload = cmd, .len = 16 };

	trace_segment(fx.st, &s, false, false); /* no decoder yet */
	ck_assert_ptr_null(strchr(fx.lines[0], '"'));
	ts_set_payload_decoder(fx.st, decoder, &d);
	trace_segment(fx.st, &s, false, false); /* inbound: local port = dport */
	ck_assert_uint_eq(d.lport, 21);
	ck_assert_uint_eq(d.rport, 1038);
	ck_assert(!d.outbound);
	ck_assert_uint_eq(d.len, 16);
	ck_assert_ptr_nonnull(strstr(fx.lines[1], " len=16 \"USER anonymous\\r\\n\""));
	trace_segment(fx.st, &s, true, false);  /* outbound: local port = sport */
	ck_assert_uint_eq(d.lport, 1038);
	ck_assert(d.outbound);
	d.render = "";
	trace_segment(fx.st, &s, true, false);  /* decoder shows nothing */
	ck_assert_ptr_null(strchr(fx.lines[3], '"'));
	d.render = "tab\there \"q\" \x01";
	trace_segment(fx.st, &s, true, false);
	ck_assert_ptr_nonnull(strstr(fx.lines[4], "\"tab\\x09here \\\"q\\\" \\x01\""));
}
END_TEST

START_TEST(test_trace_payload_cut_to_limit_at_escape_boundary)
{
	char big[400];
	struct decoder_log d = { 0 };
	static const uint8_t one = 'x';
	struct tcp_seg s = { .src_ip = IP_CLIENT, .dst_ip = IP_SERVER,
			     .sport = 1038, .dport = 21, .payload = &one, .len = 1 };
	const char *q;

	memset(big, '\n', sizeof(big) - 1); /* each shows as 2 characters */
	big[sizeof(big) - 1] = '\0';
	d.render = big;
	ts_set_payload_decoder(fx.st, decoder, &d);
	trace_segment(fx.st, &s, true, false);
	q = strchr(fx.lines[0], '"');
	ck_assert_ptr_nonnull(q);
	/* quotes excluded: at most the limit, ending in "..." after whole "\n"s */
	ck_assert_uint_le(strlen(q) - 2, TS_TRACE_PAYLOAD_MAX);
	ck_assert_uint_ge(strlen(q) - 2, TS_TRACE_PAYLOAD_MAX - 4);
	ck_assert_ptr_nonnull(strstr(q, "\\n...\""));
}
END_TEST

/* ---- pcap ------------------------------------------------------------------ */

static char pcap_path[64];

static void pcap_tmp(void)
{
	int fd;

	strcpy(pcap_path, "/tmp/check_trace.XXXXXX");
	fd = mkstemp(pcap_path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = malloc(1 << 20);

	ck_assert_ptr_nonnull(f);
	*len = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

static uint32_t u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

START_TEST(test_pcap_header_records_and_timestamps)
{
	uint8_t f1[60] = { 1, 2, 3 }, f2[100] = { 9 };
	size_t len;
	uint8_t *b;
	uint64_t t1, t2, before = (uint64_t)time(NULL);

	pcap_tmp();
	ck_assert_int_eq(ts_set_pcap(fx.st, pcap_path), 0);
	link_emit(fx.st, f1, sizeof(f1));
	fx.now += 1500000; /* 1.5 s of virtual time */
	stack_refresh_now(fx.st);
	fx_input(f2, sizeof(f2));
	ck_assert_int_eq(ts_set_pcap(fx.st, NULL), 0);
	b = read_file(pcap_path, &len);
	ck_assert_uint_eq(len, 24 + 16 + 60 + 16 + 100);
	ck_assert_uint_eq(u32(b), 0xa1b2c3d4u);
	ck_assert_uint_eq(b[4] | b[5] << 8, 2);      /* version 2.4 (native LE) */
	ck_assert_uint_eq(u32(b + 16), 262144);     /* snaplen */
	ck_assert_uint_eq(u32(b + 20), 1);          /* LINKTYPE_ETHERNET */
	ck_assert_uint_eq(u32(b + 32), 60);
	ck_assert_uint_eq(u32(b + 36), 60);
	ck_assert_mem_eq(b + 40, f1, 60);
	t1 = (uint64_t)u32(b + 24) * 1000000u + u32(b + 28);
	t2 = (uint64_t)u32(b + 100) * 1000000u + u32(b + 104);
	ck_assert_uint_eq(t2 - t1, 1500000);         /* virtual time carried */
	ck_assert_uint_ge(u32(b + 24), before);      /* looks like wall clock */
	ck_assert_uint_le(u32(b + 24), (uint64_t)time(NULL) + 1);
	ck_assert_uint_eq(u32(b + 108), 100);
	ck_assert_mem_eq(b + 116, f2, 100);
	free(b);
	unlink(pcap_path);
}
END_TEST

START_TEST(test_pcap_ip_link_is_linktype_raw)
{
	size_t len;
	uint8_t *b;

	fx_teardown();
	fx_setup_kind(TS_LINK_IP);
	pcap_tmp();
	ck_assert_int_eq(ts_set_pcap(fx.st, pcap_path), 0);
	trace_free(fx.st); /* closes the file */
	ck_assert_ptr_null(fx.st->trace.pcap);
	b = read_file(pcap_path, &len);
	ck_assert_uint_eq(len, 24);
	ck_assert_uint_eq(u32(b + 20), 101);
	free(b);
	unlink(pcap_path);
}
END_TEST

START_TEST(test_pcap_open_failure_is_errno)
{
	ck_assert_int_eq(ts_set_pcap(fx.st, "/nonexistent-dir/x.pcap"), -ENOENT);
	ck_assert_ptr_null(fx.st->trace.pcap);
}
END_TEST

/* A TCP frame 76.88.16.104:1038 > 76.88.16.16:21 with options and data. */
static size_t tcp_frame(uint8_t *buf, uint8_t flags, const char *data)
{
	struct tcp_seg s = { .src_ip = IP_CLIENT, .dst_ip = IP_SERVER,
			     .sport = 1038, .dport = 21, .seq = 1791872318u,
			     .flags = flags, .wnd = 64240 };
	size_t dlen = strlen(data), hlen;

	s.opt.mss_present = s.opt.sack_ok = s.opt.ts_present = true;
	s.opt.wscale_present = true;
	s.opt.mss = 1460, s.opt.tsval = 5, s.opt.wscale = 7;
	memcpy(buf + 34 + 20 + tcp_opts_len(&s.opt), data, dlen);
	hlen = tcp_write(buf + 34, &s, dlen);
	ip4_write(buf + 14, IP4_PROTO_TCP, IP_CLIENT, IP_SERVER,
		  (uint16_t)(hlen + dlen), 1, true, 64);
	fx_eth(buf, fx_mac_us, fx_mac_peer, ETH_TYPE_IPV4);
	return 34 + hlen + dlen;
}

START_TEST(test_pcap_offloaded_frame_written_with_correct_checksum)
{
	size_t n = tcp_frame(frame, TCP_SYN, ""), len;
	uint8_t good[2], *b;
	struct ip4_pkt ip;
	struct tcp_seg s;
	enum ts_counter why;

	memcpy(good, frame + 34 + 16, 2);
	frame[34 + 16] = 0x12, frame[34 + 17] = 0x34; /* as offload leaves it */
	pcap_tmp();
	ck_assert_int_eq(ts_set_pcap(fx.st, pcap_path), 0);
	stack_refresh_now(fx.st);
	eth_input(fx.st, frame, n, true);
	ts_set_pcap(fx.st, NULL);
	ck_assert_uint_eq(frame[34 + 16], 0x12); /* the caller's frame untouched */
	ck_assert_uint_eq(fake_tcp.inputs, 1);
	b = read_file(pcap_path, &len);
	ck_assert_uint_eq(len, 24 + 16 + n);
	ck_assert_mem_eq(b + 40 + 34 + 16, good, 2);
	ck_assert_int_eq(ip4_parse(b + 40 + 14, n - 14, &ip, &why), WIRE_OK);
	ck_assert_int_eq(tcp_parse(&ip, true, &s, &why), WIRE_OK);
	free(b);
	unlink(pcap_path);
}
END_TEST

/* Writes a capture with ARP, ICMP and TCP (one frame offloaded) for the
 * tshark check in tests/integration/pcap_tshark.sh, to $SYNFIN_PCAP_SAMPLE
 * or a temporary file. */
START_TEST(test_pcap_sample_for_tshark)
{
	const char *path = getenv("SYNFIN_PCAP_SAMPLE");
	uint8_t icmp[64];
	size_t n, len;
	uint8_t *b;

	if (!path) {
		pcap_tmp();
		path = pcap_path;
	}
	ck_assert_int_eq(ts_set_pcap(fx.st, path), 0);
	n = fx_arp_frame(frame, ARP_OP_REQUEST, fx_mac_peer, IP_CLIENT,
			 (const uint8_t[6]){ 0 }, IP_SERVER);
	memset(frame + n, 0, 60 - n);
	fx_input(frame, 60);                            /* request + our reply */
	n = icmp_write(icmp, ICMP_ECHO_REQUEST, 0, 0x00070001u,
		       (const uint8_t *)"synfin", 6);
	fx_input(frame, fx_ip_frame(frame, IP4_PROTO_ICMP, IP_CLIENT, IP_SERVER,
				    icmp, n));          /* echo + our reply */
	fx_input(frame, tcp_frame(frame, TCP_SYN, ""));
	n = tcp_frame(frame, TCP_PSH | TCP_ACK, "USER anonymous\r\n");
	frame[34 + 16] = frame[34 + 17] = 0;            /* offloaded */
	stack_refresh_now(fx.st);
	eth_input(fx.st, frame, n, true);
	ts_set_pcap(fx.st, NULL);
	ck_assert_uint_eq(fx.nframes, 2);
	b = read_file(path, &len);
	ck_assert_uint_gt(len, 24 + 6 * 16);
	free(b);
	if (path == pcap_path)
		unlink(pcap_path);
}
END_TEST

/* ---- counters ------------------------------------------------------------- */

static char printed[TS_C_COUNT][128];
static unsigned nprinted;

static void print_line(void *ctx, const char *line)
{
	(void)ctx;
	ck_assert_uint_lt(nprinted, TS_C_COUNT);
	strncpy(printed[nprinted++], line, 127);
}

START_TEST(test_counters_names_help_and_print)
{
	ck_assert_str_eq(ts_counter_name(TS_C_TCP_RETRANSMITS), "tcp.retransmits");
	ck_assert_str_eq(ts_counter_name(TS_C_LINK_RX_FRAMES), "link.rx_frames");
	ck_assert_str_eq(ts_counter_help(TS_C_ARP_CONFLICT),
			 "another station claims our address");
	ck_assert_str_eq(ts_counter_name(TS_C_COUNT), "unknown");
	ck_assert_ptr_eq(ts_counters(fx.st), fx.st->counters);
	fx.st->counters[TS_C_IP_RX] = 12345678901ull;
	fx.st->counters[TS_C_TCP_TW_EXPIRED] = 2;
	ts_counters_print(fx.st, false, print_line, NULL);
	ck_assert_uint_eq(nprinted, 2);
	ck_assert_str_eq(printed[0], "ip.rx 12345678901");
	ck_assert_str_eq(printed[1], "tcp.timewait_expired 2");
	nprinted = 0;
	ts_counters_print(fx.st, true, print_line, NULL);
	ck_assert_uint_eq(nprinted, TS_C_COUNT);
	ck_assert_str_eq(printed[0], "link.rx_frames 0");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("core"), *sample = tcase_create("sample");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
	tcase_add_test(tc, test_trace_segment_synack_line_exact);
	tcase_add_test(tc, test_trace_segment_linux_syn_options_and_numbering);
	tcase_add_test(tc, test_trace_segment_data_urgent_sack);
	tcase_add_test(tc, test_trace_flags_in_documented_order);
	tcase_add_test(tc, test_trace_state_and_event_lines_exact);
	tcase_add_test(tc, test_trace_categories_switch_at_run_time);
	tcase_add_test(tc, test_trace_payload_decoder_ports_direction_escaping);
	tcase_add_test(tc, test_trace_payload_cut_to_limit_at_escape_boundary);
	tcase_add_test(tc, test_pcap_header_records_and_timestamps);
	tcase_add_test(tc, test_pcap_ip_link_is_linktype_raw);
	tcase_add_test(tc, test_pcap_open_failure_is_errno);
	tcase_add_test(tc, test_pcap_offloaded_frame_written_with_correct_checksum);
	tcase_add_test(tc, test_counters_names_help_and_print);
	tcase_add_checked_fixture(sample, fx_setup, fx_teardown);
	tcase_add_test(sample, test_pcap_sample_for_tshark);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, sample);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
