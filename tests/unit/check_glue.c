/* Unit tests for the libevent glue and the bufferevent adapter: two stacks
 * on a mem link pair under one event_base (real time, bounded by a
 * watchdog), talking through bufferevents. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <openssl/evp.h>

#include "ts_event.h"
#include "ts_limits.h"

#define SERVER_IP 0x4c581010u /* 76.88.16.16  */
#define CLIENT_IP 0x4c581068u /* 76.88.16.104 */
#define PORT 2121
#define BIG (8u * 1024u * 1024u)
#define CHUNK (64u * 1024u)
#define WATCHDOG_S 60

/* One end of a conversation: what it sent and received. */
struct side {
	struct bufferevent *bev;
	uint64_t rng;
	size_t to_send, sent, received;
	EVP_MD_CTX *tx_hash, *rx_hash;
	bool eof, connected, read_paused;
	short error_what;
	int error;
};

static struct event_base *base;
static struct ts_ev *srv_ev, *cli_ev;
static struct side srv, cli;
static int listener;
static struct event *watchdog;

static void watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	ck_abort_msg("watchdog: the test did not finish in %d s", WATCHDOG_S);
}

static struct ts_ev *make_stack(struct ts_link *l, uint32_t ip)
{
	struct ts_stack_config cfg;
	struct ts_ev *ev;
	int err = 0;

	ts_stack_config_init(&cfg);
	cfg.addr = ip;
	cfg.prefix_len = 24;
	ev = ts_ev_new(base, l, &cfg, &err);
	ck_assert_msg(ev != NULL, "ts_ev_new: %d", err);
	return ev;
}

static void side_init(struct side *s, uint64_t seed, size_t to_send)
{
	memset(s, 0, sizeof(*s));
	s->rng = seed;
	s->to_send = to_send;
	s->tx_hash = EVP_MD_CTX_new();
	s->rx_hash = EVP_MD_CTX_new();
	EVP_DigestInit_ex(s->tx_hash, EVP_sha256(), NULL);
	EVP_DigestInit_ex(s->rx_hash, EVP_sha256(), NULL);
}

static void side_free(struct side *s)
{
	EVP_MD_CTX_free(s->tx_hash);
	EVP_MD_CTX_free(s->rx_hash);
}

static void setup(void)
{
	struct ts_link *a, *b;
	struct timeval tv = { WATCHDOG_S, 0 };

	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	ck_assert_int_eq(ts_link_mem_pair(TS_LINK_ETHERNET, &a, &b), 0);
	srv_ev = make_stack(a, SERVER_IP);
	cli_ev = make_stack(b, CLIENT_IP);
	watchdog = evtimer_new(base, watchdog_cb, NULL);
	evtimer_add(watchdog, &tv);
	side_init(&srv, 1, 0);
	side_init(&cli, 2, 0);
	listener = -1;
}

static void teardown(void)
{
	ts_ev_free(srv_ev);
	ts_ev_free(cli_ev);
	event_free(watchdog);
	event_base_free(base);
	side_free(&srv);
	side_free(&cli);
}

/* ---- the data pump --------------------------------------------------------- */

static void fill(struct side *s, uint8_t *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		s->rng ^= s->rng << 13;
		s->rng ^= s->rng >> 7;
		s->rng ^= s->rng << 17;
		buf[i] = (uint8_t)s->rng;
	}
}

static void check_done(void)
{
	if (srv.eof && cli.eof)
		event_base_loopbreak(base);
}

/* Keeps at most TS_BEV_TX_HIGH in the output, like a careful app. */
static void side_write(struct side *s)
{
	static uint8_t buf[CHUNK];
	struct evbuffer *out = bufferevent_get_output(s->bev);

	while (s->sent < s->to_send && evbuffer_get_length(out) < TS_BEV_TX_HIGH) {
		size_t n = s->to_send - s->sent < CHUNK ? s->to_send - s->sent
							: CHUNK;
		fill(s, buf, n);
		EVP_DigestUpdate(s->tx_hash, buf, n);
		bufferevent_write(s->bev, buf, n);
		s->sent += n;
		if (s->sent == s->to_send)
			ts_bufferevent_shutdown_write(s->bev);
	}
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct side *s = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t buf[CHUNK];
	size_t n;

	while ((n = evbuffer_remove(in, buf, sizeof(buf))) > 0) {
		EVP_DigestUpdate(s->rx_hash, buf, n);
		s->received += n;
	}
}

static void write_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	side_write(arg);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct side *s = arg;

	if (what & BEV_EVENT_CONNECTED) {
		s->connected = true;
		side_write(s);
	}
	if (what & BEV_EVENT_EOF) {
		read_cb(bev, s);
		s->eof = true;
		check_done();
	}
	if (what & BEV_EVENT_ERROR) {
		s->error_what = what;
		s->error = ts_bufferevent_error(bev);
		event_base_loopbreak(base);
	}
}

static void side_attach(struct side *s, struct ts_ev *ev, int sock)
{
	s->bev = ts_bufferevent_new(ev, sock, BEV_OPT_CLOSE_ON_FREE);
	ck_assert_ptr_nonnull(s->bev);
	bufferevent_setcb(s->bev, read_cb, write_cb, event_cb, s);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
}

static void accept_cb(struct ts_stack *st, int sock, unsigned events, void *arg)
{
	int c;

	(void)arg;
	if (!(events & TS_EV_ACCEPT))
		return;
	c = ts_accept(st, sock, NULL);
	if (c < 0)
		return;
	side_attach(&srv, srv_ev, c);
	if (srv.read_paused)
		bufferevent_disable(srv.bev, EV_READ);
	side_write(&srv);
}

static void listen_on(uint16_t port)
{
	struct ts_stack *st = ts_ev_stack(srv_ev);
	struct ts_addr local = { 0, port };

	listener = ts_socket(st);
	ck_assert_int_ge(listener, 0);
	ck_assert_int_eq(ts_bind(st, listener, &local), 0);
	ck_assert_int_eq(ts_listen(st, listener, 8), 0);
	ts_set_callback(st, listener, accept_cb, NULL);
	ts_ev_kick(srv_ev);
}

static void client_connect(uint16_t port)
{
	struct ts_stack *st = ts_ev_stack(cli_ev);
	struct ts_addr remote = { SERVER_IP, port };
	int s = ts_socket(st);

	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(ts_connect(st, s, &remote), -EINPROGRESS);
	side_attach(&cli, cli_ev, s);
	ts_ev_kick(cli_ev);
}

static void assert_hashes_match(struct side *from, struct side *to)
{
	unsigned char a[EVP_MAX_MD_SIZE], b[EVP_MAX_MD_SIZE];
	unsigned la, lb;

	ck_assert_uint_eq(to->received, from->to_send);
	EVP_DigestFinal_ex(from->tx_hash, a, &la);
	EVP_DigestFinal_ex(to->rx_hash, b, &lb);
	ck_assert_uint_eq(la, lb);
	ck_assert_mem_eq(a, b, la);
}

/* ---- tests -------------------------------------------------------------------- */

START_TEST(test_glue_transfers_8mib_both_ways_byte_exact)
{
	srv.to_send = BIG;
	cli.to_send = BIG;
	listen_on(PORT);
	client_connect(PORT);
	event_base_dispatch(base);
	ck_assert_int_eq(cli.error, 0);
	ck_assert_int_eq(srv.error, 0);
	ck_assert(cli.connected);
	ck_assert(srv.eof && cli.eof);
	assert_hashes_match(&cli, &srv);
	assert_hashes_match(&srv, &cli);
	bufferevent_free(srv.bev);
	bufferevent_free(cli.bev);
}
END_TEST

START_TEST(test_glue_connect_to_closed_port_reports_refused)
{
	client_connect(PORT + 1);
	event_base_dispatch(base);
	ck_assert(!cli.connected);
	ck_assert(cli.error_what & BEV_EVENT_ERROR);
	ck_assert_int_eq(cli.error, -ECONNREFUSED);
	bufferevent_free(cli.bev);
}
END_TEST

/* The window is closed when the sender can put nothing more on the wire:
 * less than a segment of window left (the sender's SWS avoidance, RFC 9293
 * 3.8.6.2.1, keeps such a sliver unused) and nothing in flight, for a few
 * probes in a row. */
static void pressure_probe_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ts_sockinfo si;
	int *closed_probes = arg;

	(void)fd;
	(void)what;
	ck_assert_int_eq(ts_getinfo(ts_ev_stack(cli_ev),
				    ts_bufferevent_sock(cli.bev), &si), 0);
	if (si.snd_wnd < si.mss && si.snd_una == si.snd_nxt)
		(*closed_probes)++;
	else
		*closed_probes = 0;
	if (*closed_probes >= 3)
		event_base_loopbreak(base);
}

START_TEST(test_glue_reader_that_stops_closes_the_window)
{
	struct timeval tv = { 0, 20000 };
	struct ts_sockinfo ri;
	struct event *probe;
	int closed_probes = 0;
	size_t held;

	srv.read_paused = true;
	cli.to_send = BIG;
	listen_on(PORT);
	client_connect(PORT);
	probe = event_new(base, -1, EV_PERSIST, pressure_probe_cb,
			  &closed_probes);
	event_add(probe, &tv);
	event_base_dispatch(base);
	ck_assert_int_ge(closed_probes, 3);
	/* The receiver's buffer is what fills: the adapter stopped reading. */
	ck_assert_int_eq(ts_getinfo(ts_ev_stack(srv_ev),
				    ts_bufferevent_sock(srv.bev), &ri), 0);
	ck_assert_uint_lt(ri.rcv_wnd, ri.mss);
	/* Bounded: the app holds at most the adapter's high-water mark plus
	 * one read; the rest waits in the stack's receive buffer. */
	held = evbuffer_get_length(bufferevent_get_input(srv.bev));
	ck_assert_uint_le(held, TS_BEV_RX_HIGH + TS_BEV_IO_CHUNK);
	ck_assert_uint_lt(cli.sent, BIG);
	/* Reading again drains everything, byte-exact. */
	event_del(probe);
	event_free(probe);
	srv.read_paused = false;
	bufferevent_enable(srv.bev, EV_READ);
	ts_bufferevent_shutdown_write(srv.bev);
	event_base_dispatch(base);
	ck_assert(srv.eof);
	assert_hashes_match(&cli, &srv);
	bufferevent_free(srv.bev);
	bufferevent_free(cli.bev);
}
END_TEST

START_TEST(test_glue_freeing_bev_closes_socket)
{
	struct ts_sockinfo si;
	int s;

	listen_on(PORT);
	client_connect(PORT);
	while (!srv.bev || !cli.connected)
		ck_assert_int_ge(event_base_loop(base, EVLOOP_ONCE), 0);
	s = ts_bufferevent_sock(srv.bev);
	ck_assert_int_ge(s, 0);
	bufferevent_free(srv.bev);
	/* The client sees the server's FIN: an EOF, not an error. */
	cli.eof = false;
	srv.eof = true;
	event_base_dispatch(base);
	ck_assert(cli.eof);
	ck_assert_int_eq(cli.error, 0);
	ck_assert_int_ne(ts_getinfo(ts_ev_stack(srv_ev), s, &si), 0);
	bufferevent_free(cli.bev);
}
END_TEST

START_TEST(test_glue_sock_found_through_stacked_filter)
{
	struct bufferevent *top, *plain[2];

	client_connect(PORT);
	top = bufferevent_filter_new(cli.bev, NULL, NULL, 0, NULL, NULL);
	ck_assert_ptr_nonnull(top);
	ck_assert_int_ge(ts_bufferevent_sock(cli.bev), 0);
	ck_assert_int_eq(ts_bufferevent_sock(top), ts_bufferevent_sock(cli.bev));
	ck_assert_int_eq(bufferevent_pair_new(base, 0, plain), 0);
	ck_assert_int_eq(ts_bufferevent_sock(plain[0]), -1);
	ck_assert_int_eq(ts_bufferevent_error(plain[0]), 0);
	bufferevent_free(plain[0]);
	bufferevent_free(plain[1]);
	bufferevent_free(top);
	bufferevent_free(cli.bev);
}
END_TEST

START_TEST(test_glue_ev_free_detaches_live_bufferevents)
{
	listen_on(PORT);
	client_connect(PORT);
	while (!srv.bev || !cli.connected)
		ck_assert_int_ge(event_base_loop(base, EVLOOP_ONCE), 0);
	ts_ev_free(srv_ev);
	ts_ev_free(cli_ev);
	srv_ev = cli_ev = NULL;
	/* Detached bufferevents stay usable (and inert) until freed; the
	 * sanitizer build checks that freeing them releases everything. */
	ck_assert_int_eq(bufferevent_write(cli.bev, "late", 4), 0);
	ck_assert_int_eq(ts_bufferevent_shutdown_write(cli.bev), -EINVAL);
	ck_assert_int_ge(event_base_loop(base, EVLOOP_NONBLOCK), 0);
	bufferevent_free(srv.bev);
	bufferevent_free(cli.bev);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("glue");
	TCase *tc = tcase_create("bufferevent");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, WATCHDOG_S + 30);
	tcase_add_test(tc, test_glue_transfers_8mib_both_ways_byte_exact);
	tcase_add_test(tc, test_glue_connect_to_closed_port_reports_refused);
	tcase_add_test(tc, test_glue_reader_that_stops_closes_the_window);
	tcase_add_test(tc, test_glue_freeing_bev_closes_socket);
	tcase_add_test(tc, test_glue_sock_found_through_stacked_filter);
	tcase_add_test(tc, test_glue_ev_free_detaches_live_bufferevents);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
