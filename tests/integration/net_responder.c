/*
 * net_responder.c - test driver: a stack on a real link that does nothing
 * but what the layers under TCP do by themselves (announce itself, answer
 * ARP and ping, reassemble), for a bounded time. The integration scripts
 * drive Linux against it. Trace lines and, at exit, the non-zero counters
 * go to stdout; "ready" is printed once the stack is up.
 *
 * usage: net_responder LINK ADDR/PREFIX SECONDS [PCAP]
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ts.h"
#include "ts_limits.h"
#include "ts_link.h"

#define RESP_SECONDS_MAX 600u
#define RESP_RECV_BATCH 64u /* frames read per wakeup */

static volatile sig_atomic_t resp_stop;

static void resp_on_signal(int sig)
{
	(void)sig;
	resp_stop = 1;
}

static ts_time_t resp_clock(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts_time_t)ts.tv_sec * TS_USEC_PER_SEC + (ts_time_t)ts.tv_nsec / 1000u;
}

static void resp_output(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ts_link_send(ctx, frame, len); /* a lost frame is like a lost packet */
}

static void resp_line(void *ctx, const char *line)
{
	(void)ctx;
	printf("%s\n", line);
	fflush(stdout);
}

/* Reads what the link has and feeds it to the stack. */
static void resp_receive(struct ts_stack *st, struct ts_link *link, uint8_t *buf)
{
	bool unverified;
	ssize_t n;
	unsigned i;

	for (i = 0; i < RESP_RECV_BATCH; i++) {
		n = ts_link_recv(link, buf, TS_FRAME_MAX, &unverified);
		if (n <= 0)
			return;
		if (unverified)
			ts_input_csum_unverified(st, buf, (size_t)n);
		else
			ts_input(st, buf, (size_t)n);
	}
}

static void resp_loop(struct ts_stack *st, struct ts_link *link, ts_time_t end)
{
	static uint8_t buf[TS_FRAME_MAX];
	struct pollfd pfd = { .fd = ts_link_fd(link), .events = POLLIN };
	ts_time_t now, wake;
	int ms;

	while (!resp_stop && (now = resp_clock(NULL)) < end) {
		wake = ts_next_deadline(st);
		if (wake > end)
			wake = end;
		ms = wake > now ? (int)((wake - now + 999) / 1000) : 0;
		if (poll(&pfd, 1, ms) > 0)
			resp_receive(st, link, buf);
		if (ts_next_deadline(st) <= resp_clock(NULL))
			ts_timers(st);
		/* The packet driver batches sends until polled (ts_link.h). */
		ts_link_poll(link);
	}
}

static struct ts_stack *resp_stack(struct ts_link *link, const char *cidr)
{
	struct ts_stack_config cfg;
	struct ts_link_info info;
	struct ts_stack *st;
	int err;

	ts_stack_config_init(&cfg);
	if (ts_parse_cidr(cidr, &cfg.addr, &cfg.prefix_len) != 0) {
		fprintf(stderr, "net_responder: bad address %s: use A.B.C.D/PREFIX\n", cidr);
		return NULL;
	}
	ts_link_get_info(link, &info);
	cfg.link_kind = info.kind;
	cfg.mtu = info.mtu;
	memcpy(cfg.mac, info.mac, 6);
	cfg.output = resp_output;
	cfg.output_ctx = link;
	cfg.clock = resp_clock;
	cfg.trace = TS_TRACE_ALL;
	cfg.trace_line = resp_line;
	st = ts_stack_new(&cfg, &err);
	if (!st)
		fprintf(stderr, "net_responder: cannot create the stack: %s\n",
			ts_strerror(err));
	return st;
}

static void resp_counter(void *ctx, const char *line)
{
	(void)ctx;
	printf("counter %s\n", line);
}

int main(int argc, char **argv)
{
	struct ts_link_options opt = { 0 };
	struct ts_link *link;
	struct ts_stack *st;
	char err[256];
	long secs;
	int rc;

	if (argc < 4 || argc > 5 || (secs = strtol(argv[3], NULL, 10)) <= 0 ||
	    secs > (long)RESP_SECONDS_MAX) {
		fprintf(stderr, "usage: net_responder LINK ADDR/PREFIX SECONDS(1..%u) [PCAP]\n",
			RESP_SECONDS_MAX);
		return 2;
	}
	rc = ts_link_open(argv[1], &opt, &link, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "net_responder: %s\n", err);
		return 1;
	}
	st = resp_stack(link, argv[2]);
	if (!st) {
		ts_link_close(link);
		return 1;
	}
	if (argc == 5 && (rc = ts_set_pcap(st, argv[4])) != 0)
		fprintf(stderr, "net_responder: pcap %s: %s\n", argv[4], strerror(-rc));
	signal(SIGTERM, resp_on_signal);
	signal(SIGINT, resp_on_signal);
	ts_announce(st);
	printf("ready\n");
	fflush(stdout);
	resp_loop(st, link, resp_clock(NULL) + (ts_time_t)secs * TS_USEC_PER_SEC);
	ts_counters_print(st, false, resp_counter, NULL);
	ts_stack_free(st);
	ts_link_close(link);
	return 0;
}
