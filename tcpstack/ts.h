/*
 * ts.h - public API of tcpstack, synfin's userspace TCP/IP stack.
 *
 * The stack is a plain object (struct ts_stack) with no I/O of its own and
 * no global state:
 *
 *   frames in   ts_input(st, frame, len)        (from a link driver)
 *   time        ts_timers(st)                   (when ts_next_deadline() passes)
 *   frames out  config.output(ctx, frame, len)  (to a link driver)
 *   time source config.clock(ctx)               (real or virtual)
 *
 * Applications use a non-blocking, socket-like API on small integer
 * handles. The stack never calls application callbacks from inside an API
 * call: socket events are queued and delivered by ts_dispatch(), which
 * ts_input() and ts_timers() run before they return, and which the
 * libevent glue (ts_event.h) schedules after API calls. A callback may call
 * any API function, including ts_close() on its own socket.
 *
 * Errors are negative errno values (-EADDRINUSE, -ECONNREFUSED, ...);
 * ts_strerror() turns one into a message that also says what to do.
 *
 * Thread safety: a stack is used by one thread at a time; callers that share
 * one between threads serialise every call themselves.
 */
#ifndef TS_H
#define TS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Monotonic time in microseconds, as given by the stack's clock. */
typedef uint64_t ts_time_t;
#define TS_TIME_NEVER UINT64_MAX
#define TS_USEC_PER_MSEC 1000ULL
#define TS_USEC_PER_SEC 1000000ULL

struct ts_stack;

/* What the link carries: Ethernet II frames, or bare IPv4 packets (TUN). */
enum ts_link_kind { TS_LINK_ETHERNET = 0, TS_LINK_IP = 1 };

/* Trace categories, OR-ed into ts_stack_config.trace / ts_set_trace(). */
enum {
	TS_TRACE_STATES = 1u << 0,   /* one line per TCP state transition     */
	TS_TRACE_SEGMENTS = 1u << 1, /* one numbered decode line per segment  */
	TS_TRACE_EVENTS = 1u << 2,   /* ARP, ICMP, timers, congestion control, */
	                             /* TIME_WAIT table, quiet time, drops    */
};
#define TS_TRACE_ALL (TS_TRACE_STATES | TS_TRACE_SEGMENTS | TS_TRACE_EVENTS)

/*
 * Renders an application-level summary of a TCP payload for a decode line
 * (e.g. "USER anonymous" on an FTP control connection). The stack knows
 * nothing of FTP; the application installs this hook. Write at most cap-1
 * bytes and a NUL into out; return the length, or 0 to show nothing.
 * local/remote ports identify the connection; outbound tells the direction.
 */
typedef size_t (*ts_payload_fn)(void *ctx, uint16_t local_port,
				uint16_t remote_port, bool outbound,
				const uint8_t *payload, size_t len, char *out,
				size_t cap);

struct ts_stack_config {
	/* Link. */
	enum ts_link_kind link_kind;
	uint8_t mac[6];    /* our MAC (Ethernet links)                   */
	uint32_t mtu;      /* link MTU, 68..65535; 0 means 1500          */

	/* Interface address, host byte order. */
	uint32_t addr;     /* e.g. 76.88.16.16                           */
	uint8_t prefix_len;/* e.g. 24                                    */
	uint32_t gateway;  /* 0: none (only the local subnet is reachable) */

	/* TCP. 0 means the default named in ts_limits.h. */
	uint32_t msl_ms;          /* maximum segment lifetime; TIME_WAIT = 2*MSL */
	uint32_t sndbuf;          /* default send buffer per socket, bytes      */
	uint32_t rcvbuf;          /* default receive buffer per socket, bytes   */
	uint16_t ephemeral_lo;    /* RFC 6056 ephemeral port range              */
	uint16_t ephemeral_hi;
	uint32_t max_retries;     /* data retransmissions before giving up      */
	uint32_t syn_retries;     /* SYN retransmissions before giving up       */
	bool fixed_isn_set;       /* use fixed_isn for every connection (for    */
	uint32_t fixed_isn;       /* reproducible traces); else RFC 6528        */
	const uint8_t *isn_secret;/* 16 bytes; NULL: read from the OS at start */

	/* I/O hooks. */
	void (*output)(void *ctx, const uint8_t *frame, size_t len);
	void *output_ctx;
	ts_time_t (*clock)(void *ctx);
	void *clock_ctx;
	/* Called when events are queued outside ts_input/ts_timers, so the
	 * owner schedules a ts_dispatch(); may be NULL (then call ts_dispatch
	 * yourself). Also called when the next timer deadline moved earlier. */
	void (*wakeup)(void *ctx);
	void *wakeup_ctx;

	/* Trace: lines without trailing newline. NULL: lines are dropped. */
	unsigned trace;
	void (*trace_line)(void *ctx, const char *line);
	void *trace_ctx;
	/* Warnings to log whatever the trace mask says (lines without
	 * trailing newline), e.g. another station claiming our address
	 * after ts_announce(). NULL: dropped. */
	void (*warn_line)(void *ctx, const char *line);
	void *warn_ctx;
};

/* Fills cfg with defaults (Ethernet, MTU 1500, no address). */
void ts_stack_config_init(struct ts_stack_config *cfg);

/* Creates a stack; NULL with *err set to a negative errno on failure.
 * The config is copied; pointers in it must outlive the stack. */
struct ts_stack *ts_stack_new(const struct ts_stack_config *cfg, int *err);

/* Frees the stack, its sockets and buffers. Connections are dropped without
 * sending anything (use ts_close() first for an orderly close). */
void ts_stack_free(struct ts_stack *st);

/* Processes one received frame (Ethernet or IP, per link_kind). The frame
 * is borrowed for the call only. Malformed input is counted and dropped. */
void ts_input(struct ts_stack *st, const uint8_t *frame, size_t len);

/* Like ts_input, for a frame whose transport checksum the sender left for
 * offload (AF_PACKET TP_STATUS_CSUMNOTREADY from the local kernel). */
void ts_input_csum_unverified(struct ts_stack *st, const uint8_t *frame,
			      size_t len);

/* Runs every timer whose deadline is <= now, then dispatches events. */
void ts_timers(struct ts_stack *st);

/* Absolute time of the earliest pending timer, or TS_TIME_NEVER. */
ts_time_t ts_next_deadline(const struct ts_stack *st);

/* Delivers queued socket events to their callbacks. */
void ts_dispatch(struct ts_stack *st);

/* Current time according to the stack's clock. */
ts_time_t ts_now(const struct ts_stack *st);

/* Changes the interface address (and prefix length) of a stack that has
 * no sockets yet (e.g. after probing found the configured one taken).
 * 0, or -EBUSY when sockets exist, -EINVAL for a bad prefix. */
int ts_set_address(struct ts_stack *st, uint32_t addr, uint8_t prefix_len);
/* The interface address (host order; 0: none). */
uint32_t ts_get_address(const struct ts_stack *st);

/* Run-time trace switches. */
void ts_set_trace(struct ts_stack *st, unsigned mask);
unsigned ts_get_trace(const struct ts_stack *st);
void ts_set_payload_decoder(struct ts_stack *st, ts_payload_fn fn, void *ctx);

/* Writes every frame sent and received to a pcap file (LINKTYPE_ETHERNET or
 * LINKTYPE_RAW per the link). NULL path closes it. 0 or -errno. */
int ts_set_pcap(struct ts_stack *st, const char *path);

/* Announces our address on the link with a gratuitous ARP (on attach). */
void ts_announce(struct ts_stack *st);

/* Sends an ARP probe for ip (RFC 5227: sender address 0), so a caller can
 * find out whether another station holds it before using it. */
void ts_arp_probe(struct ts_stack *st, uint32_t ip);

/* Looks ip up in the ARP cache; true and *mac filled when known. */
bool ts_arp_lookup(const struct ts_stack *st, uint32_t ip, uint8_t mac[6]);

/* Another station answered for, or announced, our own address: the count
 * of such conflicts and the last offender's MAC (duplicate-address
 * detection). The stack also emits a trace line and TS_C_ARP_CONFLICT,
 * and after ts_announce() a warning line (config.warn_line). */
unsigned ts_addr_conflicts(const struct ts_stack *st, uint8_t mac[6]);

/* Static ARP entry (never expires). 0 or -errno. */
int ts_arp_add_static(struct ts_stack *st, uint32_t ip, const uint8_t mac[6]);

/* ---- sockets ------------------------------------------------------------ */

/* Socket events, OR-ed into the callback's events argument. */
enum {
	TS_EV_READ = 1u << 0,      /* data (or EOF) can be read             */
	TS_EV_WRITE = 1u << 1,     /* send buffer has room                  */
	TS_EV_CONNECTED = 1u << 2, /* active open completed                 */
	TS_EV_ACCEPT = 1u << 3,    /* listener has a connection to accept   */
	TS_EV_EOF = 1u << 4,       /* peer sent FIN; reads drained return 0 */
	TS_EV_ERROR = 1u << 5,     /* see ts_sock_error(); connection gone  */
	TS_EV_URGENT = 1u << 6,    /* urgent data arrived (RFC 9293 3.8.5)  */
};

typedef void (*ts_sock_cb)(struct ts_stack *st, int sock, unsigned events,
			   void *arg);

struct ts_addr {
	uint32_t ip;   /* host byte order */
	uint16_t port; /* host byte order */
};

/* Creates a TCP socket; returns a handle >= 0 or -errno. */
int ts_socket(struct ts_stack *st);

/* Sets the event callback (replaces any previous one). */
void ts_set_callback(struct ts_stack *st, int sock, ts_sock_cb cb, void *arg);

/* Binds a local address (0 = the interface address) and port (0 = an
 * ephemeral port). -EADDRINUSE when the pair is in use or has connections in
 * TIME_WAIT and the socket did not set TS_OPT_REUSEADDR. */
int ts_bind(struct ts_stack *st, int sock, const struct ts_addr *local);

int ts_listen(struct ts_stack *st, int sock, int backlog);

/* Returns a new connected socket handle, or -EAGAIN when none is ready.
 * peer may be NULL. The new socket has no callback until one is set;
 * events that arrive before are kept and delivered once it is. */
int ts_accept(struct ts_stack *st, int sock, struct ts_addr *peer);

/* Starts an active open; returns -EINPROGRESS (TS_EV_CONNECTED or
 * TS_EV_ERROR follows) or another -errno at once. */
int ts_connect(struct ts_stack *st, int sock, const struct ts_addr *remote);

/* Send flags. */
enum { TS_MSG_OOB = 1u << 0 }; /* the last byte is urgent (sets URG/up)  */

/* Queues up to len bytes; returns the count queued (may be short), -EAGAIN
 * when the buffer is full, -EPIPE after shutdown(WR), or -errno. */
ssize_t ts_send(struct ts_stack *st, int sock, const void *buf, size_t len,
		unsigned flags);

/* Reads up to len bytes; returns the count, 0 at end of stream (peer FIN
 * and buffer drained), -EAGAIN when nothing is ready, or -errno. */
ssize_t ts_recv(struct ts_stack *st, int sock, void *buf, size_t len);

/* Bytes waiting in the receive buffer / room in the send buffer. */
size_t ts_readable(const struct ts_stack *st, int sock);
size_t ts_writable(const struct ts_stack *st, int sock);

enum { TS_SHUT_RD = 1, TS_SHUT_WR = 2, TS_SHUT_RDWR = 3 };
int ts_shutdown(struct ts_stack *st, int sock, int how);

/* Orderly close, like close(2): the handle is invalid when this returns and
 * no further events are delivered for it; the connection itself goes on
 * without an owner, sending queued data then FIN, through FIN_WAIT/TIME_WAIT
 * or LAST_ACK. Unread received data turns the close into an abort (RST),
 * as Linux does (RFC 2525 2.17). */
int ts_close(struct ts_stack *st, int sock);

/* Abortive close: sends RST, frees the handle at once. */
int ts_abort(struct ts_stack *st, int sock);

/* Pending error of a socket (after TS_EV_ERROR), as -errno; 0 if none. */
int ts_sock_error(const struct ts_stack *st, int sock);

/* Message for that pending error: ts_strerror()'s, or, when an ICMP error
 * ended the connection attempt, one naming it and its sender, e.g.
 * "connection refused: ICMP port unreachable from 76.88.16.1: nothing
 * listens on that port". Writes at most cap-1 bytes and a NUL into buf
 * and returns buf ("success" when there is no error). */
const char *ts_sock_strerror(const struct ts_stack *st, int sock, char *buf,
			     size_t cap);

/* Socket options. */
enum ts_opt {
	TS_OPT_REUSEADDR,      /* bool: bind over TIME_WAIT (RFC 6191 rules) */
	TS_OPT_NODELAY,        /* bool: disable Nagle                        */
	TS_OPT_SNDBUF,         /* bytes                                      */
	TS_OPT_RCVBUF,         /* bytes; set before connect/listen           */
	TS_OPT_KEEPALIVE,      /* bool                                       */
	TS_OPT_KEEPIDLE,       /* seconds                                    */
	TS_OPT_KEEPINTVL,      /* seconds                                    */
	TS_OPT_KEEPCNT,        /* probes                                     */
	TS_OPT_CONGESTION,     /* enum ts_cc                                 */
	TS_OPT_ISN,            /* fixed ISN for this socket's connection     */
	TS_OPT_MAXSEG,         /* clamp MSS announced and used               */
	TS_OPT_USER_TIMEOUT,   /* ms: give up when data stays unacked so long */
};
enum ts_cc { TS_CC_CUBIC = 0, TS_CC_NEWRENO = 1 };

int ts_setopt(struct ts_stack *st, int sock, enum ts_opt opt, int64_t value);
int ts_getopt(const struct ts_stack *st, int sock, enum ts_opt opt,
	      int64_t *value);

/* TCP states, RFC 9293 section 3.3.2. */
enum ts_tcp_state {
	TS_CLOSED = 0,
	TS_LISTEN,
	TS_SYN_SENT,
	TS_SYN_RECEIVED,
	TS_ESTABLISHED,
	TS_FIN_WAIT_1,
	TS_FIN_WAIT_2,
	TS_CLOSE_WAIT,
	TS_CLOSING,
	TS_LAST_ACK,
	TS_TIME_WAIT,
};
const char *ts_state_name(enum ts_tcp_state s); /* "SYN_SENT", ... */

/* A snapshot of one socket, like Linux's TCP_INFO. */
struct ts_sockinfo {
	enum ts_tcp_state state;
	struct ts_addr local, remote;
	uint32_t snd_una, snd_nxt, snd_wnd, rcv_nxt, rcv_wnd;
	uint32_t iss, irs;
	uint16_t mss;          /* effective send MSS                   */
	uint8_t snd_wscale, rcv_wscale;
	bool sack_ok, ts_ok;
	uint32_t srtt_us, rttvar_us, rto_us;
	uint32_t cwnd, ssthresh;
	uint64_t bytes_sent, bytes_acked, bytes_received;
	uint32_t retransmits; /* total segments retransmitted */
	size_t sndbuf_used, rcvbuf_used;
};
int ts_getinfo(const struct ts_stack *st, int sock, struct ts_sockinfo *out);

/* Returns a message for a negative errno from this API, naming the cause
 * and, where there is one, the fix. Static string. */
const char *ts_strerror(int err);

/* ---- counters (netstat -s) ----------------------------------------------- */

/* Stack-wide counters. ts_counters_names() gives a stable name per index. */
#include "ts_counters.h"
const uint64_t *ts_counters(const struct ts_stack *st);
/* Writes "name value" lines for every non-zero counter (all when all=true)
 * through fn. */
void ts_counters_print(const struct ts_stack *st, bool all,
		       void (*fn)(void *ctx, const char *line), void *ctx);

/* ---- TIME_WAIT persistence and quiet time (RFC 9293 3.4.3) -------------- */

/* Number of connections in TIME_WAIT on a local address/port and the
 * longest time left, for messages such as "address in use (3 connections
 * in TIME_WAIT, 41 s left)". */
unsigned ts_timewait_count(const struct ts_stack *st,
			   const struct ts_addr *local, ts_time_t *longest_left);

/* Saves TIME_WAIT entries (socket pair, last sequence numbers, timestamps,
 * wall-clock expiry) and the ISN clock state to path atomically (temp file
 * in the same directory, fsync, rename; mode 0600). 0 or -errno. */
int ts_state_save(const struct ts_stack *st, const char *path);

/* Loads a state file written for this stack's address, before any
 * connection is opened (-EBUSY otherwise): unexpired entries become
 * connections in TIME_WAIT for the time they have left, and the ISN clock
 * continues from the saved one. The file is checked whole first and
 * applied all or nothing. Returns the count loaded (msg says how many and
 * how long the longest has left), or: -ENOENT no file; -EBADMSG corrupt,
 * truncated or wrong version; -EADDRNOTAVAIL written for another address;
 * -EPERM not owned by us or readable by others; other -errno. msg (may be
 * NULL) always says what happened. */
int ts_state_load(struct ts_stack *st, const char *path, char *msg,
		  size_t msgcap);

/* Quiet time: until `until`, the stack sends no TCP segment and accepts no
 * connection (it still answers ARP). */
void ts_set_quiet_until(struct ts_stack *st, ts_time_t until);
ts_time_t ts_quiet_until(const struct ts_stack *st);

/* Message for an error of ts_bind()/ts_listen() on local, for the user:
 * for -EADDRINUSE with connections in TIME_WAIT on it,
 *   "address in use (3 connections in TIME_WAIT, 41 s left); set
 *    reuse_addr=yes to override"
 * where `fix` replaces "set reuse_addr=yes" (NULL: that text); otherwise
 * ts_strerror(err). Writes at most cap-1 bytes and a NUL into buf and
 * returns buf. */
const char *ts_bind_strerror(const struct ts_stack *st,
			     const struct ts_addr *local, int err,
			     const char *fix, char *buf, size_t cap);

/* The default state directory: $XDG_STATE_HOME/synfin or
 * ~/.local/state/synfin for users, LOCALSTATEDIR/lib/synfin (normally
 * /var/lib/synfin) for root. 0, or -ENAMETOOLONG / -ENOENT (no home). */
int ts_state_default_dir(char *buf, size_t cap);

/* A stack's claim on its state directory, from ts_state_begin() to
 * ts_state_end(). Opaque; owned by the caller. */
struct ts_state;

struct ts_state_opts {
	const char *dir;        /* state directory; NULL or "": the default */
	bool quiet_time;        /* keep quiet for MSL after an unclean stop  */
	/* How the user skips quiet time / keeps state, for messages. NULL:
	 * "set quiet_time=no" (ftpd.conf's words). */
	const char *quiet_off_hint;
	/* Informational lines (state loaded, quiet time and why); may be
	 * NULL. Lines have no trailing newline. */
	void (*note)(void *ctx, const char *line);
	void *note_ctx;
};

/* Claims the state directory for this stack's address (RFC 9293 3.4.3):
 *   - creates the directory (mode 0700) if needed;
 *   - takes an exclusive lock on DIR/state-ADDR.lock: a second process
 *     on the same address and directory fails with -EBUSY;
 *   - a marker DIR/state-ADDR.running left by a previous process means it
 *     stopped without saving (kill -9, crash, power loss);
 *   - loads DIR/state-ADDR.bin (ts_state_load): TIME_WAIT entries and the
 *     ISN clock; a corrupt or foreign file is reported and ignored;
 *   - after an unclean stop, or when the saved state was unusable, and
 *     with opts->quiet_time, sets quiet time for MSL (ts_set_quiet_until)
 *     and says so through opts->note;
 *   - writes the marker (durably) for this run.
 * Call before opening connections. On success *out is the claim, to be
 * passed to ts_state_end() before ts_stack_free(); returns 0. On failure
 * returns -errno with a message naming the cause and the fix in err. */
int ts_state_begin(struct ts_stack *st, const struct ts_state_opts *opts,
		   struct ts_state **out, char *err, size_t errcap);

/* Clean stop: saves the state file atomically, removes the marker,
 * releases the lock and frees s. When saving fails the marker stays (the
 * next start keeps quiet time) and -errno is returned with a message in
 * err; s is freed either way. s may be NULL (returns 0). */
int ts_state_end(struct ts_state *s, char *err, size_t errcap);

#ifdef __cplusplus
}
#endif
#endif /* TS_H */
