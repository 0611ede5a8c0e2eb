/*
 * tsnc - netcat on synfin's userspace TCP/IP stack.
 *
 *   tsnc [options] HOST PORT          connect
 *   tsnc -l [options] [ADDR] PORT     listen (-k: one connection after
 *                                     another)
 *
 * stdin goes to the connection and the connection to stdout, in large
 * chunks straight through ts_send/ts_recv. EOF on stdin half-closes (FIN)
 * and reading goes on until the peer closes too, like `nc -N`. tsnc exits
 * once its FIN is acknowledged and the peer's has arrived: 0 after a clean
 * transfer, 1 on any error, with a message that names the cause. On exit,
 * SIGINT or SIGTERM it closes the link, so a hub port disappears.
 *
 * In TIME_WAIT, tsnc lingers a little (twice the RTO, bounded) so that a
 * retransmitted FIN still gets its ACK before the stack goes away.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <event2/event.h>

#include "ts_event.h"
#include "ts_limits.h"
#include "tsnc.h"

#define TSNC_IO_CHUNK (256u * 1024u)   /* bytes per read/ts_send/ts_recv */
#define TSNC_BACKLOG 16
#define TSNC_CLOSE_POLL_US 5000u       /* closing: look at the state     */
#define TSNC_LINGER_MIN_US 200000u
#define TSNC_LINGER_MAX_US 2000000u

struct tsnc {
	struct tsnc_opts o;
	struct event_base *base;
	struct ts_ev *ev;
	struct ts_stack *st;
	struct ts_state *state;
	struct event *in_ev;       /* stdin readable (or "go on", for files) */
	struct event *close_ev;    /* closing poll and TIME_WAIT linger     */
	struct event *out_ev;      /* drains the connection to stdout       */
	struct event *sig_int, *sig_term;
	int listener, conn;
	bool in_pollable, in_watching, stdin_eof, shut_sent, peer_eof;
	bool lingering;
	uint8_t *inbuf, *outbuf;   /* TSNC_IO_CHUNK each                    */
	size_t in_len, in_off;
	struct ts_addr peer;
	int rc;                    /* exit status                           */
};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("tsnc: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *addr_str(const struct ts_addr *a, char *buf, size_t cap)
{
	char ip[16];

	snprintf(buf, cap, "%s:%u", ts_ipv4_str(a->ip, ip), a->port);
	return buf;
}

static void finish(struct tsnc *t, int rc)
{
	if (rc)
		t->rc = rc;
	event_base_loopbreak(t->base);
}

/* ---- stdin -> connection ---------------------------------------------------- */

static void watch_stdin(struct tsnc *t, bool on)
{
	if (on == t->in_watching || t->stdin_eof)
		return;
	t->in_watching = on;
	if (!on)
		event_del(t->in_ev);
	else if (t->in_pollable)
		event_add(t->in_ev, NULL);
	else
		event_active(t->in_ev, EV_READ, 0); /* a file: always readable */
}

static void check_closing(struct tsnc *t);

static void maybe_shutdown(struct tsnc *t)
{
	if (t->stdin_eof && t->in_len == 0 && !t->shut_sent && t->conn >= 0) {
		t->shut_sent = true;
		ts_shutdown(t->st, t->conn, TS_SHUT_WR);
		check_closing(t);
	}
}

static void conn_failed(struct tsnc *t, const char *what, int err);

/* Hands buffered stdin bytes to the stack; stdin is watched only while
 * the buffer is empty, so a slow connection slows the reader down. */
static void flush_in(struct tsnc *t)
{
	while (t->in_off < t->in_len) {
		ssize_t n = ts_send(t->st, t->conn, t->inbuf + t->in_off,
				    t->in_len - t->in_off, 0);
		if (n == -EAGAIN)
			break;
		if (n < 0) {
			conn_failed(t, "sending", (int)n);
			return;
		}
		t->in_off += (size_t)n;
	}
	if (t->in_off == t->in_len) {
		t->in_len = t->in_off = 0;
		watch_stdin(t, true);
		maybe_shutdown(t);
	} else {
		watch_stdin(t, false);
	}
}

static void stdin_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tsnc *t = arg;
	ssize_t n;

	(void)what;
	if (t->conn < 0 || t->in_len > 0)
		return;
	n = read(fd, t->inbuf, TSNC_IO_CHUNK);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (!t->in_pollable)
		t->in_watching = false; /* one read per activation */
	if (n <= 0) {
		if (n < 0)
			say("reading stdin: %s: sending what was read, then "
			    "closing", strerror(errno));
		watch_stdin(t, false);
		t->stdin_eof = true;
		maybe_shutdown(t);
		ts_ev_kick(t->ev);
		return;
	}
	t->in_len = (size_t)n;
	t->in_off = 0;
	flush_in(t);
	ts_ev_kick(t->ev);
}

/* ---- connection -> stdout ----------------------------------------------------- */

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void drain_conn(struct tsnc *t)
{
	for (;;) {
		ssize_t n = ts_recv(t->st, t->conn, t->outbuf, TSNC_IO_CHUNK);
		int rc;

		if (n == -EAGAIN)
			return;
		if (n == 0) {
			t->peer_eof = true;
			return;
		}
		if (n < 0) {
			conn_failed(t, "receiving", (int)n);
			return;
		}
		rc = write_all(STDOUT_FILENO, t->outbuf, (size_t)n);
		if (rc < 0) {
			say("writing stdout: %s: aborting the connection",
			    strerror(-rc));
			ts_abort(t->st, t->conn);
			t->conn = -1;
			finish(t, 1);
			return;
		}
	}
}


static void out_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tsnc *t = arg;

	(void)fd;
	(void)what;
	if (t->conn < 0)
		return;
	drain_conn(t);
	check_closing(t);
	ts_ev_kick(t->ev);
}

/* ---- one connection's life ------------------------------------------------------ */

static void accept_next(struct tsnc *t);

/* The connection is over: linger in TIME_WAIT, take the next one (-k), or
 * stop. */
static void conn_done(struct tsnc *t, const struct ts_sockinfo *si)
{
	char a[32];
	ts_time_t linger;
	struct timeval tv;

	if (t->o.verbose)
		say("connection with %s closed (%s)",
		    addr_str(&t->peer, a, sizeof(a)), ts_state_name(si->state));
	if (t->o.keep) {
		ts_close(t->st, t->conn);
		t->conn = -1;
		accept_next(t);
		return;
	}
	if (si->state != TS_TIME_WAIT) {
		finish(t, 0);
		return;
	}
	/* Answer a retransmitted FIN while the peer may still send one. */
	linger = 2 * (ts_time_t)si->rto_us;
	if (linger < TSNC_LINGER_MIN_US)
		linger = TSNC_LINGER_MIN_US;
	if (linger > TSNC_LINGER_MAX_US)
		linger = TSNC_LINGER_MAX_US;
	t->lingering = true;
	tv.tv_sec = (time_t)(linger / TS_USEC_PER_SEC);
	tv.tv_usec = (suseconds_t)(linger % TS_USEC_PER_SEC);
	evtimer_add(t->close_ev, &tv);
}

/* Both FINs are out: wait for ours to be acknowledged. The stack reports
 * no event for that, so look every TSNC_CLOSE_POLL_US. */
static void close_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tsnc *t = arg;
	struct ts_sockinfo si;
	struct timeval tv = { 0, TSNC_CLOSE_POLL_US };

	(void)fd;
	(void)what;
	if (t->lingering) {
		finish(t, 0);
		return;
	}
	if (t->conn < 0)
		return;
	if (ts_getinfo(t->st, t->conn, &si) < 0) {
		memset(&si, 0, sizeof(si));
		si.state = TS_CLOSED; /* the stack already let it go */
	}
	if (si.state == TS_TIME_WAIT || si.state == TS_CLOSED) {
		conn_done(t, &si);
		return;
	}
	evtimer_add(t->close_ev, &tv);
}

static void check_closing(struct tsnc *t)
{
	if (t->conn >= 0 && t->peer_eof && t->shut_sent &&
	    !evtimer_pending(t->close_ev, NULL))
		event_active(t->close_ev, EV_TIMEOUT, 0);
}

static void conn_failed(struct tsnc *t, const char *what, int err)
{
	char a[32], msg[TSNC_ERRMSG_MAX];

	/* The socket's own message names the cause (RST or ICMP) when the
	 * connection failed; err when a call on it did. */
	say("%s %s: %s", what, addr_str(&t->peer, a, sizeof(a)),
	    ts_sock_error(t->st, t->conn) != 0
		    ? ts_sock_strerror(t->st, t->conn, msg, sizeof(msg))
		    : ts_strerror(err));
	t->rc = 1;
	watch_stdin(t, false);
	ts_close(t->st, t->conn);
	t->conn = -1;
	if (t->o.keep)
		accept_next(t);
	else
		finish(t, 1);
}

static void start_io(struct tsnc *t)
{
	t->peer_eof = t->shut_sent = false;
	t->in_len = t->in_off = 0;
	if (t->o.no_stdin)
		t->stdin_eof = true;
	if (t->stdin_eof)
		maybe_shutdown(t);
	else
		watch_stdin(t, true);
}

static void conn_cb(struct ts_stack *st, int sock, unsigned events, void *arg)
{
	struct tsnc *t = arg;
	char a[32];

	(void)st;
	(void)sock;
	if (events & TS_EV_CONNECTED) {
		if (t->o.verbose)
			say("connected to %s", addr_str(&t->peer, a, sizeof(a)));
		start_io(t);
	}
	/* Read once per loop iteration, after the glue fed the stack every
	 * waiting frame: one large write instead of one per segment. */
	if (t->conn >= 0 && (events & (TS_EV_READ | TS_EV_EOF)))
		event_active(t->out_ev, EV_TIMEOUT, 0);
	if (t->conn >= 0 && (events & TS_EV_WRITE))
		flush_in(t);
	if (t->conn >= 0 && (events & TS_EV_ERROR))
		conn_failed(t, t->o.listen ? "connection with" : "connect to",
			    ts_sock_error(t->st, t->conn));
	check_closing(t);
}

static void apply_sock_opts(struct tsnc *t, int sock)
{
	if (t->o.cc >= 0)
		ts_setopt(t->st, sock, TS_OPT_CONGESTION, t->o.cc);
	if (t->o.reuse_addr)
		ts_setopt(t->st, sock, TS_OPT_REUSEADDR, 1);
}

static void accept_next(struct tsnc *t)
{
	char a[32];
	int c;

	if (t->conn >= 0 || t->listener < 0)
		return;
	c = ts_accept(t->st, t->listener, &t->peer);
	if (c < 0)
		return; /* none yet: TS_EV_ACCEPT brings it */
	t->conn = c;
	apply_sock_opts(t, c);
	ts_set_callback(t->st, c, conn_cb, t);
	if (t->o.verbose)
		say("connection from %s", addr_str(&t->peer, a, sizeof(a)));
	if (!t->o.keep) {
		/* One connection: further SYNs are refused (RST). */
		ts_close(t->st, t->listener);
		t->listener = -1;
	}
	start_io(t);
}

static void listener_cb(struct ts_stack *st, int sock, unsigned events,
			void *arg)
{
	(void)st;
	(void)sock;
	if (events & TS_EV_ACCEPT)
		accept_next(arg);
}

/* ---- set-up ----------------------------------------------------------------------- */

static void trace_line(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

static void warn_line(void *ctx, const char *line)
{
	(void)ctx;
	say("%s", line);
}

static int bind_error(struct tsnc *t, const struct ts_addr *local, int err)
{
	char a[32], msg[256];

	say("bind %s: %s", addr_str(local, a, sizeof(a)),
	    ts_bind_strerror(t->st, local, err, "use --reuse-addr", msg,
			     sizeof(msg)));
	return -1;
}

static int start_listen(struct tsnc *t)
{
	struct ts_addr local = { t->o.host, t->o.port };
	char a[32];
	int rc;

	t->listener = ts_socket(t->st);
	if (t->listener < 0) {
		say("socket: %s", ts_strerror(t->listener));
		return -1;
	}
	apply_sock_opts(t, t->listener);
	rc = ts_bind(t->st, t->listener, &local);
	if (rc == 0)
		rc = ts_listen(t->st, t->listener, TSNC_BACKLOG);
	if (rc < 0)
		return bind_error(t, &local, rc);
	ts_set_callback(t->st, t->listener, listener_cb, t);
	if (t->o.verbose)
		say("listening on %s", addr_str(&local, a, sizeof(a)));
	return 0;
}

static int start_connect(struct tsnc *t)
{
	struct ts_addr local = { 0, t->o.source_port };
	char a[32];
	int rc;

	t->peer = (struct ts_addr){ t->o.host, t->o.port };
	t->conn = ts_socket(t->st);
	if (t->conn < 0) {
		say("socket: %s", ts_strerror(t->conn));
		return -1;
	}
	apply_sock_opts(t, t->conn);
	ts_set_callback(t->st, t->conn, conn_cb, t);
	if (t->o.source_port) {
		rc = ts_bind(t->st, t->conn, &local);
		if (rc < 0)
			return bind_error(t, &local, rc);
	}
	rc = ts_connect(t->st, t->conn, &t->peer);
	if (rc != -EINPROGRESS && rc != 0) {
		say("connect to %s: %s", addr_str(&t->peer, a, sizeof(a)),
		    ts_strerror(rc));
		return -1;
	}
	return 0;
}

static void state_note(void *ctx, const char *line)
{
	(void)ctx;
	say("%s", line);
}

static struct ts_link *open_link(const struct tsnc_opts *o)
{
	struct ts_link_options lo = { .mtu = o->mtu, .mac_set = o->mac_set,
				      .impair = o->impair,
				      .clock = ts_ev_clock };
	struct ts_link *link = NULL;
	char err[512];

	memcpy(lo.mac, o->mac, sizeof(lo.mac));
	if (ts_link_open(o->link ? o->link : "hub", &lo, &link, err,
			 sizeof(err)) < 0) {
		say("%s", err);
		return NULL;
	}
	return link;
}

static int open_state(struct tsnc *t)
{
	struct ts_state_opts so = { .dir = t->o.state_dir,
				    .quiet_time = t->o.quiet_time,
				    .quiet_off_hint = "use --quiet-time no",
				    .note = state_note };
	char err[512];

	if (ts_state_begin(t->st, &so, &t->state, err, sizeof(err)) < 0) {
		say("--state-dir %s: %s", t->o.state_dir, err);
		return -1;
	}
	return 0;
}

/* --arp entries; the parser already refused what no station can have. */
static int add_static_arp(struct tsnc *t)
{
	char a[16];
	unsigned i;

	for (i = 0; i < t->o.narp; i++)
		if (ts_arp_add_static(t->st, t->o.arp_ip[i], t->o.arp_mac[i]) < 0) {
			say("--arp %s: not a station's address on this "
			    "subnet (network or broadcast)",
			    ts_ipv4_str(t->o.arp_ip[i], a));
			return -1;
		}
	return 0;
}

static int open_stack(struct tsnc *t)
{
	struct ts_link *link = open_link(&t->o);
	struct ts_stack_config cfg;
	char msg[TSNC_ERRMSG_MAX];
	int err = 0, rc;

	if (!link)
		return -1;
	ts_stack_config_init(&cfg);
	cfg.addr = t->o.addr;
	cfg.prefix_len = t->o.prefix_len;
	cfg.gateway = t->o.gateway;
	cfg.msl_ms = t->o.msl_s * 1000u;
	cfg.sndbuf = t->o.sndbuf;
	cfg.rcvbuf = t->o.rcvbuf;
	cfg.fixed_isn_set = t->o.isn_set;
	cfg.fixed_isn = t->o.isn;
	cfg.trace = t->o.trace;
	cfg.trace_line = trace_line;
	cfg.warn_line = warn_line;
	t->ev = ts_ev_new(t->base, link, &cfg, &err); /* owns link now */
	if (!t->ev) {
		say("cannot start the stack: %s", ts_strerror(err));
		return -1;
	}
	t->st = ts_ev_stack(t->ev);
	if (add_static_arp(t) < 0)
		return -1;
	if (t->o.pcap && (rc = ts_set_pcap(t->st, t->o.pcap)) < 0) {
		say("--pcap %s: %s", t->o.pcap, strerror(-rc));
		return -1;
	}
	/* Duplicate-address detection (RFC 5227) before the announcement. */
	if (ts_ev_claim_address(t->ev, "choose another --address", msg,
				sizeof(msg)) < 0) {
		say("%s", msg);
		return -1;
	}
	if (t->o.state_dir && open_state(t) < 0)
		return -1;
	ts_announce(t->st);
	ts_ev_kick(t->ev);
	return 0;
}

/* Regular files and /dev/null cannot be polled: they are always ready. */
static bool fd_pollable(int fd)
{
	struct epoll_event e = { .events = EPOLLIN };
	int ep = epoll_create1(EPOLL_CLOEXEC);
	bool ok;

	if (ep < 0)
		return true;
	ok = epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) == 0 || errno != EPERM;
	close(ep);
	return ok;
}

static void signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct tsnc *t = arg;

	(void)what;
	if (t->o.verbose)
		say("interrupted by %s", sig == SIGINT ? "SIGINT" : "SIGTERM");
	finish(t, 1);
}

static int setup_events(struct tsnc *t)
{
	t->in_pollable = fd_pollable(STDIN_FILENO);
	t->in_ev = event_new(t->base, STDIN_FILENO,
			     t->in_pollable ? EV_READ | EV_PERSIST : 0,
			     stdin_cb, t);
	t->close_ev = evtimer_new(t->base, close_cb, t);
	t->out_ev = event_new(t->base, -1, 0, out_cb, t);
	t->sig_int = evsignal_new(t->base, SIGINT, signal_cb, t);
	t->sig_term = evsignal_new(t->base, SIGTERM, signal_cb, t);
	if (!t->in_ev || !t->close_ev || !t->out_ev || !t->sig_int ||
	    !t->sig_term)
		return -1;
	signal(SIGPIPE, SIG_IGN); /* a closed stdout is an error, not death */
	event_add(t->sig_int, NULL);
	event_add(t->sig_term, NULL);
	return 0;
}

/* Leaves nothing behind: an unfinished connection is reset so the peer
 * knows, state is saved, the link closes (a hub port disappears). */
static void cleanup(struct tsnc *t)
{
	struct ts_sockinfo si;
	char err[512];

	if (t->st && t->conn >= 0 && ts_getinfo(t->st, t->conn, &si) == 0 &&
	    si.state != TS_TIME_WAIT && si.state != TS_CLOSED)
		ts_abort(t->st, t->conn);
	if (t->st && t->o.stats)
		ts_counters_print(t->st, false, trace_line, NULL);
	if (t->state && ts_state_end(t->state, err, sizeof(err)) < 0)
		say("saving state: %s", err);
	ts_ev_free(t->ev);
	if (t->in_ev)
		event_free(t->in_ev);
	if (t->close_ev)
		event_free(t->close_ev);
	if (t->out_ev)
		event_free(t->out_ev);
	if (t->sig_int)
		event_free(t->sig_int);
	if (t->sig_term)
		event_free(t->sig_term);
	if (t->base)
		event_base_free(t->base);
	free(t->inbuf);
	free(t->outbuf);
}

int main(int argc, char **argv)
{
	struct tsnc t;
	int rc;

	memset(&t, 0, sizeof(t));
	t.listener = t.conn = -1;
	rc = tsnc_parse(argc, argv, &t.o);
	if (rc != 0)
		return rc > 0 ? 0 : 1;
	t.base = event_base_new();
	t.inbuf = malloc(TSNC_IO_CHUNK);
	t.outbuf = malloc(TSNC_IO_CHUNK);
	if (!t.base || !t.inbuf || !t.outbuf || setup_events(&t) < 0) {
		say("out of memory");
		t.rc = 1;
	} else if (open_stack(&t) < 0 ||
		   (t.o.listen ? start_listen(&t) : start_connect(&t)) < 0) {
		t.rc = 1;
	} else {
		event_base_dispatch(t.base);
	}
	cleanup(&t);
	return t.rc;
}
