/*
 * tcp_fixture.c - see tcp_fixture.h.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fixture.h"

struct tn_net tn;

/* Bounds for tn_run: events processed per call, to catch livelocks. */
#define RUN_MAX_STEPS 50000000u

static ts_time_t tn_clock(void *ctx)
{
	(void)ctx;
	return tn.now;
}

static void queue_frame(unsigned from, const uint8_t *frame, size_t len,
			ts_time_t at)
{
	struct tn_frame *f;
	unsigned i;

	ck_assert_msg(tn.nq < TN_FRAMES_MAX, "wire queue overflow");
	/* Keep the queue ordered by delivery time (stable for equal times). */
	i = tn.nq;
	while (i > 0 && tn.q[i - 1].at > at)
		i--;
	memmove(&tn.q[i + 1], &tn.q[i], (tn.nq - i) * sizeof(tn.q[0]));
	f = &tn.q[i];
	f->from = from;
	f->at = at;
	f->len = len;
	f->data = malloc(len);
	ck_assert_ptr_nonnull(f->data);
	memcpy(f->data, frame, len);
	tn.nq++;
}

static uint32_t frame_dst_ip(const uint8_t *frame, size_t len)
{
	if (len < ETH_HLEN + IP4_HLEN_MIN || frame[12] != 0x08 || frame[13] != 0)
		return 0;
	return (uint32_t)frame[30] << 24 | (uint32_t)frame[31] << 16 |
	       (uint32_t)frame[32] << 8 | frame[33];
}

static void node_output(void *ctx, const uint8_t *frame, size_t len)
{
	struct tn_node *n = ctx;
	unsigned from = (unsigned)(n - tn.node);
	ts_time_t at = tn.now + tn.delay;
	uint8_t copy[TS_FRAME_MAX];

	if (frame_dst_ip(frame, len) == RAW_PEER_IP) {
		struct tn_frame *f;

		ck_assert_uint_lt(n->nraw_out, sizeof(n->raw_out) / sizeof(n->raw_out[0]));
		f = &n->raw_out[n->nraw_out++];
		f->from = from;
		f->at = tn.now; /* the raw peer sees it at once */
		f->data = malloc(len);
		ck_assert_ptr_nonnull(f->data);
		memcpy(f->data, frame, len);
		f->len = len;
		return;
	}
	memcpy(copy, frame, len);
	if (tn.filter != NULL && !tn.filter(from, n->sent++, copy, len, &at))
		return;
	queue_frame(from, copy, len, at);
}

static void node_trace(void *ctx, const char *line)
{
	struct tn_node *n = ctx;

	if (tn.echo_trace)
		printf("[%u] %s\n", (unsigned)(n - tn.node), line);
	ck_assert_uint_lt(n->nlines, TN_LINES_MAX);
	n->lines[n->nlines] = strdup(line);
	n->line_at[n->nlines] = tn.now;
	n->nlines++;
}

static void node_init(unsigned i, uint32_t ip, uint32_t isn, tn_config_fn fn)
{
	struct tn_node *n = &tn.node[i];
	struct ts_stack_config cfg;
	static const uint8_t secret[16] = { 1, 2, 3, 4, 5, 6, 7, 8,
					    9, 10, 11, 12, 13, 14, 15, 16 };
	int err = 0;

	memset(n, 0, sizeof(*n));
	n->ip = ip;
	n->mac[0] = 0x02;
	n->mac[5] = (uint8_t)(ip & 0xff);
	n->lines = calloc(TN_LINES_MAX, sizeof(char *));
	n->line_at = calloc(TN_LINES_MAX, sizeof(ts_time_t));
	ck_assert(n->lines != NULL && n->line_at != NULL);
	ts_stack_config_init(&cfg);
	memcpy(cfg.mac, n->mac, 6);
	cfg.addr = ip;
	cfg.prefix_len = 24;
	cfg.output = node_output;
	cfg.output_ctx = n;
	cfg.clock = tn_clock;
	cfg.trace = TS_TRACE_ALL;
	cfg.trace_line = node_trace;
	cfg.trace_ctx = n;
	cfg.isn_secret = secret;
	cfg.msl_ms = 30000;
	if (isn != 0) {
		cfg.fixed_isn_set = true;
		cfg.fixed_isn = isn;
	}
	if (fn != NULL)
		fn(i, &cfg);
	n->st = ts_stack_new(&cfg, &err);
	ck_assert_msg(n->st != NULL, "ts_stack_new: %d", err);
}

/* Every node knows every other node's MAC, and the raw peer's: tests are
 * about TCP, and ARP has its own suite. */
static void add_static_arp(void)
{
	static const uint8_t raw_mac[6] = { 0x02, 0, 0, 0, 0, 0x63 };
	unsigned i, j;

	for (i = 0; i < tn.nnodes; i++) {
		for (j = 0; j < tn.nnodes; j++)
			if (i != j)
				ts_arp_add_static(tn.node[i].st, tn.node[j].ip,
						  tn.node[j].mac);
		ts_arp_add_static(tn.node[i].st, RAW_PEER_IP, raw_mac);
	}
}

void tn_setup_cfg(uint32_t client_isn, uint32_t server_isn, tn_config_fn fn)
{
	memset(&tn, 0, sizeof(tn));
	tn.now = 1000000; /* 1 s: time 0 is special to nobody, but be safe */
	tn.delay = 1000;  /* 1 ms one way */
	tn.q = calloc(TN_FRAMES_MAX, sizeof(*tn.q));
	tn.nnodes = 2;
	node_init(TN_CLIENT, TN_IP_CLIENT, client_isn, fn);
	node_init(TN_SERVER, TN_IP_SERVER, server_isn, fn);
	add_static_arp();
	tn.echo_trace = getenv("TN_TRACE") != NULL;
}

void tn_cfg_small_buffers(unsigned node, struct ts_stack_config *cfg)
{
	(void)node;
	cfg->sndbuf = 4096;
	cfg->rcvbuf = 4096;
}

void tn_trace_segments(bool on)
{
	unsigned i;

	for (i = 0; i < tn.nnodes; i++)
		ts_set_trace(tn.node[i].st,
			     TS_TRACE_STATES | TS_TRACE_EVENTS |
				     (on ? TS_TRACE_SEGMENTS : 0u));
}

void tn_setup_isn(uint32_t client_isn, uint32_t server_isn)
{
	tn_setup_cfg(client_isn, server_isn, NULL);
}

void tn_setup(void)
{
	tn_setup_isn(0, 0);
}

void tn_teardown_check(bool expect_empty)
{
	unsigned i, j;

	for (i = 0; i < tn.nnodes; i++) {
		struct tn_node *n = &tn.node[i];

		if (expect_empty)
			ck_assert_msg(n->st->tcp.nconns == 0,
				      "node %u still has %u connections", i,
				      n->st->tcp.nconns);
		ts_stack_free(n->st);
		for (j = 0; j < n->nlines; j++)
			free(n->lines[j]);
		free(n->lines);
		free(n->line_at);
		for (j = 0; j < n->nraw_out; j++)
			free(n->raw_out[j].data);
	}
	for (i = 0; i < tn.nq; i++)
		free(tn.q[i].data);
	free(tn.q);
	free(tn.log);
	memset(&tn, 0, sizeof(tn));
}

void tn_teardown(void)
{
	tn_teardown_check(false);
}

static ts_time_t next_timer(void)
{
	ts_time_t t = TS_TIME_NEVER;
	unsigned i;

	for (i = 0; i < tn.nnodes; i++) {
		ts_time_t d = ts_next_deadline(tn.node[i].st);

		if (d < t)
			t = d;
	}
	return t;
}

static void deliver_head(void)
{
	struct tn_frame f = tn.q[0];
	unsigned i;

	memmove(&tn.q[0], &tn.q[1], (tn.nq - 1) * sizeof(tn.q[0]));
	tn.nq--;
	for (i = 0; i < tn.nnodes; i++)
		if (i != f.from)
			ts_input(tn.node[i].st, f.data, f.len);
	free(f.data);
}

void tn_run_until(ts_time_t until)
{
	unsigned steps;

	for (steps = 0; steps < RUN_MAX_STEPS; steps++) {
		ts_time_t t = next_timer(), fr = tn.nq ? tn.q[0].at : TS_TIME_NEVER;
		ts_time_t next = t < fr ? t : fr;
		unsigned i;

		if (next == TS_TIME_NEVER || next > until) {
			if (until != TS_TIME_NEVER && until > tn.now)
				tn.now = until;
			return;
		}
		if (next > tn.now)
			tn.now = next;
		if (fr <= tn.now) {
			deliver_head();
			continue;
		}
		for (i = 0; i < tn.nnodes; i++)
			if (ts_next_deadline(tn.node[i].st) <= tn.now)
				ts_timers(tn.node[i].st);
	}
	ck_abort_msg("tn_run: no quiescence after %u steps", RUN_MAX_STEPS);
}

void tn_run(ts_time_t d)
{
	tn_run_until(tn.now + d);
}

static void record_events(struct ts_stack *st, int sock, unsigned ev, void *arg)
{
	struct tn_node *n = arg;

	(void)st;
	if (sock >= 0 && (unsigned)sock < TN_SOCKS_MAX)
		n->events[sock] |= ev;
}

void tn_watch(unsigned node, int sock)
{
	ts_set_callback(tn.node[node].st, sock, record_events, &tn.node[node]);
}

int tn_listen(unsigned node, uint16_t port)
{
	struct ts_stack *st = tn.node[node].st;
	struct ts_addr a = { 0, port };
	int s = ts_socket(st);

	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(ts_bind(st, s, &a), 0);
	ck_assert_int_eq(ts_listen(st, s, 16), 0);
	tn_watch(node, s);
	return s;
}

int tn_connect(unsigned node, uint32_t ip, uint16_t port, uint16_t sport)
{
	struct ts_stack *st = tn.node[node].st;
	struct ts_addr r = { ip, port };
	int s = ts_socket(st);

	ck_assert_int_ge(s, 0);
	if (sport != 0) {
		struct ts_addr l = { 0, sport };

		ck_assert_int_eq(ts_bind(st, s, &l), 0);
	}
	tn_watch(node, s);
	ck_assert_int_eq(ts_connect(st, s, &r), -EINPROGRESS);
	return s;
}

int tn_accept(unsigned node, int lsock)
{
	int s = ts_accept(tn.node[node].st, lsock, NULL);

	if (s == -EAGAIN) {
		tn_run(100000);
		s = ts_accept(tn.node[node].st, lsock, NULL);
	}
	if (s >= 0)
		tn_watch(node, s);
	return s;
}

struct ts_sockinfo tn_info(unsigned node, int sock)
{
	struct ts_sockinfo info;

	ck_assert_int_eq(ts_getinfo(tn.node[node].st, sock, &info), 0);
	return info;
}

enum ts_tcp_state tn_state(unsigned node, int sock)
{
	struct ts_sockinfo info;

	ck_assert_int_eq(ts_getinfo(tn.node[node].st, sock, &info), 0);
	return info.state;
}

int tn_find(unsigned node, const char *text, int from)
{
	struct tn_node *n = &tn.node[node];
	unsigned i;

	for (i = from < 0 ? 0 : (unsigned)from; i < n->nlines; i++)
		if (strstr(n->lines[i], text) != NULL)
			return (int)i;
	return -1;
}

unsigned tn_count(unsigned node, const char *text)
{
	struct tn_node *n = &tn.node[node];
	unsigned i, c = 0;

	for (i = 0; i < n->nlines; i++)
		if (strstr(n->lines[i], text) != NULL)
			c++;
	return c;
}

void tn_dump(unsigned node)
{
	struct tn_node *n = &tn.node[node];
	unsigned i;

	for (i = 0; i < n->nlines; i++)
		fprintf(stderr, "[%u] %s\n", node, n->lines[i]);
}

void tn_pattern(uint8_t *buf, size_t len, size_t offset, unsigned seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		uint64_t x = (offset + i) * 0x9E3779B97F4A7C15ull + seed;

		buf[i] = (uint8_t)(x >> 29 ^ x >> 47);
	}
}

ts_time_t tn_line_time(unsigned node, int idx)
{
	ck_assert_int_ge(idx, 0);
	ck_assert_uint_lt((unsigned)idx, tn.node[node].nlines);
	return tn.node[node].line_at[idx];
}

int tn_expect_line(unsigned node, const char *text)
{
	int i = tn_find(node, text, 0);

	if (i < 0) {
		tn_dump(node);
		ck_abort_msg("node %u: no trace line contains \"%s\"", node, text);
	}
	return i;
}

void tn_expect_order(unsigned node, const char *const *texts, unsigned n)
{
	int at = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		int found = tn_find(node, texts[i], at);

		if (found < 0) {
			tn_dump(node);
			ck_abort_msg("node %u: \"%s\" missing or out of order", node,
				     texts[i]);
		}
		at = found + 1;
	}
}

void tn_expect_no_line(unsigned node, const char *text)
{
	int i = tn_find(node, text, 0);

	if (i >= 0) {
		tn_dump(node);
		ck_abort_msg("node %u: unexpected trace line %d: \"%s\"", node, i,
			     tn.node[node].lines[i]);
	}
}

uint64_t tn_counter(unsigned node, enum ts_counter c)
{
	return ts_counters(tn.node[node].st)[c];
}

struct tcb *tn_tcb(unsigned node, uint16_t lport, uint32_t rip, uint16_t rport)
{
	return tcp_lookup(tn.node[node].st, tn.node[node].ip, lport, rip, rport);
}

bool tn_parse_seg(const uint8_t *frame, size_t len, struct tcp_seg *seg)
{
	struct ip4_pkt ip;
	enum ts_counter why;

	if (frame_dst_ip(frame, len) == 0)
		return false;
	if (ip4_parse(frame + ETH_HLEN, len - ETH_HLEN, &ip, &why) != WIRE_OK ||
	    ip.proto != IP4_PROTO_TCP)
		return false;
	return tcp_parse(&ip, false, seg, &why) == WIRE_OK;
}

void tn_pair_open(struct tn_pair *p, uint16_t port, uint16_t cport)
{
	p->ls = tn_listen(TN_SERVER, port);
	p->cs = tn_connect(TN_CLIENT, TN_IP_SERVER, port, cport);
	tn_run(100000);
	p->as = tn_accept(TN_SERVER, p->ls);
	ck_assert_int_ge(p->as, 0);
	ck_assert_int_eq(tn_state(TN_CLIENT, p->cs), TS_ESTABLISHED);
	ck_assert_int_eq(tn_state(TN_SERVER, p->as), TS_ESTABLISHED);
}

/* Reads what is readable from rsock and checks it against the pattern. */
static size_t transfer_read(struct ts_stack *st, int rsock, uint8_t *buf,
			    uint8_t *want, size_t chunk, size_t rcvd,
			    unsigned seed)
{
	ssize_t n;

	while ((n = ts_recv(st, rsock, buf, chunk)) > 0) {
		tn_pattern(want, (size_t)n, rcvd, seed);
		ck_assert_msg(memcmp(buf, want, (size_t)n) == 0,
			      "stream corrupt in bytes %zu..%zu", rcvd,
			      rcvd + (size_t)n);
		rcvd += (size_t)n;
	}
	ck_assert_msg(n == -EAGAIN || n == 0, "ts_recv: %zd", n);
	return rcvd;
}

size_t tn_transfer(unsigned from, int ssock, unsigned to, int rsock,
		   size_t total, unsigned seed, size_t chunk, ts_time_t deadline)
{
	struct ts_stack *sst = tn.node[from].st, *rst = tn.node[to].st;
	uint8_t *out = malloc(chunk), *in = malloc(chunk), *want = malloc(chunk);
	size_t sent = 0, rcvd = 0;

	ck_assert(out != NULL && in != NULL && want != NULL);
	while (rcvd < total && tn.now < deadline) {
		ssize_t n = 1;

		while (sent < total && n > 0) {
			size_t len = total - sent < chunk ? total - sent : chunk;

			tn_pattern(out, len, sent, seed);
			n = ts_send(sst, ssock, out, len, 0);
			ck_assert_msg(n > 0 || n == -EAGAIN, "ts_send: %zd", n);
			if (n > 0)
				sent += (size_t)n;
		}
		rcvd = transfer_read(rst, rsock, in, want, chunk, rcvd, seed);
		if (rcvd < total)
			tn_run(TS_USEC_PER_MSEC);
	}
	free(out);
	free(in);
	free(want);
	return rcvd;
}

/* The fixture's filter while the segment log is on. */
static bool log_filter(unsigned from, unsigned index, uint8_t *frame,
		       size_t len, ts_time_t *at)
{
	struct tcp_seg seg;
	struct tn_rec *r;
	bool is_new = false, keep = true;

	(void)index;
	if (!tn_parse_seg(frame, len, &seg))
		return true;
	seg.payload = NULL;
	if (seg.len > 0) {
		is_new = !tn.seen_data[from] || seq_geq(seg.seq, tn.next_new[from]);
		if (is_new) {
			tn.next_new[from] = seg.seq + seg.len;
			tn.new_data[from]++;
		}
		tn.seen_data[from] = true;
	}
	if (tn.policy != NULL)
		keep = tn.policy(from, &seg, is_new, at);
	ck_assert_uint_lt(tn.nlog, TN_LOG_MAX);
	r = &tn.log[tn.nlog++];
	r->from = from;
	r->at = tn.now;
	r->seg = seg;
	r->dropped = !keep;
	return keep;
}

void tn_log_start(tn_policy_fn policy)
{
	if (tn.log == NULL) {
		tn.log = calloc(TN_LOG_MAX, sizeof(*tn.log));
		ck_assert_ptr_nonnull(tn.log);
	}
	tn.policy = policy;
	tn.filter = log_filter;
}

int tn_log_nth(unsigned from, bool data_only, unsigned n)
{
	unsigned i;

	for (i = 0; i < tn.nlog; i++) {
		if (tn.log[i].from != from || (data_only && tn.log[i].seg.len == 0))
			continue;
		if (n-- == 0)
			return (int)i;
	}
	return -1;
}

unsigned tn_log_count(unsigned from, bool data_only)
{
	unsigned i, n = 0;

	for (i = 0; i < tn.nlog; i++)
		if (tn.log[i].from == from && (!data_only || tn.log[i].seg.len > 0))
			n++;
	return n;
}

int tn_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
