/*
 * tcp_internal.h - the TCP control block and the TCP modules' seams.
 *
 * A socket handle names a TCB (like lwIP's tcp_pcb): an unconnected socket
 * is a TCB in CLOSED, a listener a TCB in LISTEN with an accept queue.
 * ts_close() detaches the handle; the TCB lives on as an orphan until it
 * reaches CLOSED (after TIME_WAIT or LAST_ACK) and is then freed.
 *
 * Files (input -> process -> output, one concern each):
 *   tcp_input.c    segment arrival: parse, look up, dispatch per state
 *   tcp_listen.c   LISTEN: SYN queue, children, accept queue, SYN cookies
 *   tcp_synsent.c  SYN_SENT (RFC 9293 3.10.7.3)
 *   tcp_segcheck.c synchronized states, steps 1-4: sequence check, RST,
 *                  SYN, ACK presence (RFC 9293 3.10.7.4, RFC 5961)
 *   tcp_ack.c      the ACK field: SND.UNA, window update, RTT, congestion
 *   tcp_recv.c     urgent, segment text, reassembly, FIN
 *   tcp_output.c   deciding and building segments, RST and ACK senders
 *   tcp_timer.c    per-connection timers and the deadline heap
 *   tcp_rtt.c      RFC 6298 estimator
 *   tcp_cc.c       congestion control (RFC 5681, 6582, 9438)
 *   tcp_sack.c     SACK scoreboard and blocks to send (RFC 2018, 6675)
 *   tcp_state.c    tcp_set_state(): every transition, with its trace line
 *   tcp_table.c    connection hash, bind table, ephemeral ports (RFC 6056)
 *   tcp_isn.c      ISNs (RFC 6528) and the keyed hash
 *   tcp_timewait.c TIME_WAIT accounting, RFC 6191 reuse, state file
 *   ringbuf.c      byte ring buffers for send/receive queues
 */
#ifndef TS_TCP_INTERNAL_H
#define TS_TCP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ts.h"
#include "ts_limits.h"
#include "wire.h"

struct ts_stack;
struct ip4_pkt;

/* ---- sequence arithmetic modulo 2^32 (RFC 9293 3.4) ---------------------- */

static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }
static inline uint32_t seq_max(uint32_t a, uint32_t b) { return seq_gt(a, b) ? a : b; }
static inline uint32_t seq_min(uint32_t a, uint32_t b) { return seq_lt(a, b) ? a : b; }
/* lo <= x < hi, modulo 2^32 */
static inline bool seq_in(uint32_t x, uint32_t lo, uint32_t hi)
{
	return x - lo < hi - lo;
}

/* ---- byte ring buffer (ringbuf.c) ----------------------------------------- */

/* A byte FIFO whose storage grows on demand up to `limit`, so 10 000 idle
 * connections cost no buffer memory. The buffer owns data. */
struct ringbuf {
	uint8_t *data;
	uint32_t cap;   /* bytes allocated (0 until first use)       */
	uint32_t limit; /* most bytes it may hold (socket buffer size) */
	uint32_t head;  /* index of the oldest byte                   */
	uint32_t len;   /* bytes held                                 */
};

/* Sets up an empty buffer holding at most limit bytes; allocates nothing. */
void ringbuf_init(struct ringbuf *rb, uint32_t limit);
void ringbuf_free(struct ringbuf *rb);
/* Changes the limit (not below len). */
void ringbuf_set_limit(struct ringbuf *rb, uint32_t limit);
static inline uint32_t ringbuf_space(const struct ringbuf *rb) { return rb->limit - rb->len; }
/* Appends up to n bytes; returns the count appended (short when the limit
 * is reached or memory is short). */
uint32_t ringbuf_write(struct ringbuf *rb, const void *src, uint32_t n);
/* Copies n bytes starting off bytes after head, without consuming. */
void ringbuf_peek(const struct ringbuf *rb, uint32_t off, void *dst, uint32_t n);
/* Writes n bytes at off bytes after the current end, without making them
 * visible (for reassembly); off + n <= space. -ENOMEM or 0. */
int ringbuf_write_at(struct ringbuf *rb, uint32_t off, const void *src, uint32_t n);
/* Makes n more bytes (already written with write_at) visible. */
void ringbuf_commit(struct ringbuf *rb, uint32_t n);
/* Consumes up to n bytes into dst (NULL: just discard). Returns the count. */
uint32_t ringbuf_read(struct ringbuf *rb, void *dst, uint32_t n);

/* ---- out-of-order queue ------------------------------------------------- */

/* A received range beyond RCV.NXT. Its bytes are already stored in the
 * receive ring at their offset (ringbuf_write_at), so the queue only keeps
 * ranges: no copies, and memory is bounded by the receive buffer. */
struct tcp_ooo_range {
	uint32_t start, end; /* [start, end) in sequence space */
	bool fin;            /* a FIN follows end                */
};

/* ---- transmitted segments (sender side, tcp_txrec.c) --------------------
 *
 * One record per segment of data (or FIN) sent for the first time, in
 * sequence order, tiling [SND.UNA, SND.MAX) exactly: the per-segment state
 * RFC 8985 (RACK) and RFC 6675 (SACK recovery) need. A retransmission
 * updates its record; a record is never split (after a path MTU drop the
 * whole queue is re-cut, tcp_txq_recut). Records that may still be in the
 * network (neither SACKed nor deemed lost) are also on a list in order of
 * their last transmission, so RACK's scan stops at the first one sent
 * after the newest delivered segment. */
enum {
	TXR_SACKED = 1u << 0,      /* covered by the peer's SACK blocks        */
	TXR_LOST = 1u << 1,        /* deemed lost (RACK, RFC 6675 IsLost, RTO) */
	TXR_RETRANS = 1u << 2,     /* lost, then sent again: in flight once more */
	TXR_EVER_RETRANS = 1u << 3,/* retransmitted at least once (Karn)        */
	TXR_FIN = 1u << 4,         /* the record's last sequence number is FIN  */
	TXR_TLIST = 1u << 5,       /* on the time-ordered list                  */
};

struct tcp_txrec {
	uint32_t seq, end;          /* [seq, end), FIN included               */
	ts_time_t xmit;             /* last transmission                      */
	uint32_t xorder;            /* its place in the order of sends: exact  */
	                            /* where clock ticks are coarse (ties)     */
	uint32_t tsval;             /* TSval of that transmission             */
	uint32_t tprev, tnext;      /* time-ordered list (absolute indices)   */
	uint8_t flags;
};

struct tcp_txq {
	struct tcp_txrec *rec;      /* ring of cap records (power of two)     */
	uint32_t cap;
	uint32_t head, n;           /* absolute index of the oldest; count    */
	uint32_t tfirst, tlast, tcount; /* time-ordered list                  */
	/* Bytes per state, for RFC 6675 "pipe" (Linux's in_flight):
	 * pipe = (SND.MAX - SND.UNA) - sacked - lost + retrans. */
	uint32_t sacked, lost, retrans;
	uint32_t lost_hint;         /* no LOST, unretransmitted record before */
	uint32_t xorder;            /* transmissions so far                   */
};

/* ---- SACK scoreboard (sender side, RFC 6675) ----------------------------- */

struct tcp_scoreboard {
	/* Sorted, disjoint SACKed ranges above SND.UNA. */
	struct tcp_sack_block blocks[TS_REASS_MAX_SEGMENTS / 8];
	unsigned nblocks;
	uint32_t high_rxt;      /* RFC 6675 HighRxt: highest seq retransmitted */
	uint32_t rescue_rxt;    /* RFC 6675 RescueRxt                      */
	bool rescue_sent;       /* rule 4 used in this recovery             */
	uint32_t isl_scanned;   /* IsLost applied to every record below     */
};

/* ---- RACK-TLP (RFC 8985, tcp_rack.c) --------------------------------------- */

struct tcp_rack {
	ts_time_t xmit;         /* RACK.xmit_ts: newest delivered transmission */
	uint32_t xorder;        /* its order (stands for RACK.end_seq's tie-break) */
	uint32_t end_seq;       /* RACK.end_seq                            */
	uint32_t fack;          /* highest end delivered (RACK.fack)        */
	uint32_t rtt;           /* RACK.rtt, microseconds                  */
	uint32_t min_rtt;       /* RACK.min_RTT (windowed), microseconds   */
	ts_time_t min_rtt_at;
	bool valid;             /* xmit/end_seq set                         */
	bool reord;             /* reordering observed (RACK.reord)        */
	bool dsack_round_set;
	uint32_t dsack_round;   /* RACK.dsack_round                        */
	uint8_t reo_wnd_mult, reo_wnd_persist;
	bool tlp_out;           /* a loss probe is outstanding              */
	uint32_t tlp_end;       /* TLP.end_seq                             */
};

/* ---- congestion control (tcp_cc.c) ---------------------------------------- */

struct tcp_cc_cubic {
	double w_max;           /* segments: window before the last reduction */
	double k;               /* seconds from epoch start to W_max      */
	double w_est;           /* segments: Reno-friendly estimate        */
	double cwnd_epoch;      /* segments: cwnd when the epoch began     */
	ts_time_t epoch_start;  /* 0: no epoch                             */
	double frac;            /* fraction of a byte carried over          */
};

/* Proportional Rate Reduction during fast recovery (RFC 6937). */
struct tcp_prr {
	uint32_t delivered;     /* prr_delivered                           */
	uint32_t out;           /* prr_out                                 */
	uint32_t recover_fs;    /* RecoverFS                               */
};

/* Undoing a fast recovery that D-SACKs show was spurious (every segment
 * it resent had arrived already; RFC 2883 section 5, as Linux does). */
struct tcp_undo {
	bool valid;             /* an episode may still be undone          */
	uint32_t marker;        /* SND.UNA when it began                   */
	uint32_t end;           /* its recovery point                      */
	unsigned retrans;       /* its retransmissions not yet D-SACKed    */
	uint32_t cwnd, ssthresh;/* before the reduction                    */
	struct tcp_cc_cubic cubic;
};

/* ---- the control block ----------------------------------------------------- */

/* Timer slots; each holds an absolute deadline or TS_TIME_NEVER. */
enum tcp_timer {
	TCPT_REXMT = 0,  /* retransmission (also SYN, FIN)        */
	TCPT_PERSIST,    /* zero-window probe                      */
	TCPT_KEEP,       /* keepalive, and connection-establishment */
	TCPT_DELACK,     /* delayed ACK                            */
	TCPT_2MSL,       /* TIME_WAIT, and FIN_WAIT_2 orphan limit */
	TCPT_REORDER,    /* RACK reordering window (RFC 8985 6.3)  */
	TCPT_TLP,        /* tail loss probe (RFC 8985 7)           */
	TCPT_COUNT
};

/* tcb->flags */
enum {
	TF_ACKNOW = 1u << 0,      /* send an ACK at the next tcp_output        */
	TF_DELACK = 1u << 1,      /* an ACK is owed; the delack timer runs     */
	TF_NODELAY = 1u << 2,     /* Nagle off                                 */
	TF_REUSEADDR = 1u << 3,
	TF_KEEPALIVE = 1u << 4,
	TF_SHUT_WR = 1u << 5,     /* application will send nothing more        */
	TF_SHUT_RD = 1u << 6,     /* application reads nothing more            */
	TF_FIN_SENT = 1u << 7,    /* our FIN has been sent (maybe unacked)     */
	TF_FIN_RCVD = 1u << 8,    /* peer's FIN consumed (rcv_nxt passed it)   */
	TF_RCVD_WSCALE = 1u << 9, /* peer's SYN carried window scale          */
	TF_RCVD_TS = 1u << 10,
	TF_RCVD_SACKOK = 1u << 11,
	TF_ISN_FIXED = 1u << 12,
	TF_IN_RECOVERY = 1u << 13,/* fast recovery (NewReno or SACK)           */
	TF_ORPHAN = 1u << 14,     /* no socket handle (closed or not accepted) */
	TF_ACCEPTED = 1u << 15,   /* taken off the accept queue                */
	TF_FROM_COOKIE = 1u << 16,/* created from a validated SYN cookie       */
	TF_URG_PENDING = 1u << 17,/* send-side urgent pointer to transmit      */
	TF_TW_LOADED = 1u << 18,  /* TIME_WAIT entry loaded from a state file  */
	TF_WANT_WRITE = 1u << 19, /* a send was short: notify when room frees  */
	TF_ON_ACCEPTQ = 1u << 20, /* child on its listener's accept queue      */
	TF_PASSIVE = 1u << 21,    /* created by a listener (for RST in SYN_RCVD) */
	TF_SYN_ACKED = 1u << 22,  /* the peer acknowledged our SYN             */
	TF_SWS_OVERRIDE = 1u << 23,/* persist timer: send into a small window   */
	TF_IN_LOSS = 1u << 24,    /* RTO recovery until SND.UNA passes recover  */
	TF_CWND_LIMITED = 1u << 25,/* the last send was stopped by cwnd        */
	TF_DSACK_PENDING = 1u << 26,/* a D-SACK block goes first in the next ACK */
};

struct tcb {
	enum ts_tcp_state state;
	int sock;                   /* handle, or -1 for orphans             */
	uint32_t flags;
	struct ts_addr local, remote;

	/* Tables. */
	struct tcb *hnext;          /* connection hash chain                  */
	struct tcb *bnext;          /* bind table chain (same local port)     */
	bool hashed, bound;
	unsigned heap_idx;          /* position in the timer heap, or UINT_MAX */

	/* Listener relations. */
	struct tcb *listener;       /* for children not yet accepted         */
	struct tcb *aq_next;        /* accept queue / SYN queue link          */
	struct tcb *aq_head, *aq_tail; /* listener: established, unaccepted    */
	unsigned aq_len, backlog;
	unsigned synq_len;          /* listener: children in SYN_RECEIVED     */
	ts_time_t cookie_at;        /* listener: last SYN cookie sent, or 0   */

	/* Send sequence space (RFC 9293 3.3.1). */
	uint32_t iss, snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd;           /* scaled peer window                      */
	uint32_t snd_wl1, snd_wl2;
	uint32_t snd_up;            /* send urgent pointer (seq of last urgent byte + 1) */
	uint32_t max_sndwnd;
	uint32_t fin_seq;           /* sequence number of our FIN once sent   */
	ts_time_t progress_at;      /* when snd_una last moved (user timeout) */
	ts_time_t heard_at;         /* last acceptable segment from the peer  */
	uint8_t snd_wscale;         /* shift applied to peer's window field   */

	/* Receive sequence space. */
	uint32_t irs, rcv_nxt;
	uint32_t rcv_adv;           /* right edge we advertised                */
	uint32_t rcv_up;            /* receive urgent pointer                  */
	uint8_t rcv_wscale;         /* shift we apply to our window field     */
	uint32_t last_ack_sent;

	/* Segment sizes. */
	uint16_t mss_announce;      /* what we put in our SYN                 */
	uint16_t mss;               /* effective send MSS (data bytes)        */
	uint16_t mss_clamp;         /* TS_OPT_MAXSEG, 0: none                 */
	uint16_t peer_mss;

	/* Timestamps (RFC 7323). */
	uint32_t ts_recent;
	ts_time_t ts_recent_age;
	uint32_t ts_offset;         /* per-connection random offset           */

	/* Buffers. */
	struct ringbuf sndq;        /* bytes from snd_una on                  */
	struct ringbuf rcvq;        /* bytes from the app's read point        */
	uint32_t sndbuf, rcvbuf;    /* configured sizes                       */
	struct tcp_ooo_range ooo[TS_REASS_MAX_SEGMENTS / 8];
	unsigned nooo;
	struct tcp_sack_block sack_tx[TS_SACK_BLOCKS_MAX]; /* blocks to send */
	unsigned nsack_tx;
	struct tcp_scoreboard sb;
	struct tcp_sack_block dsack_tx;  /* D-SACK to report (RFC 2883)     */
	struct tcp_txq txq;         /* segments sent and not yet acked       */
	struct tcp_rack rack;

	/* Urgent data received (RFC 9293 3.8.5). */
	bool urg_rcvd;
	uint32_t urg_mark;          /* seq just past the urgent byte           */

	/* Timers. */
	ts_time_t timer[TCPT_COUNT];
	ts_time_t deadline;         /* min of timer[]                          */
	unsigned rexmt_shift;       /* backoff exponent / retries so far       */
	unsigned persist_shift;
	unsigned keep_probes;

	/* RTT (RFC 6298). Microseconds. */
	uint32_t srtt, rttvar, rto;
	bool rtt_valid;
	bool rtt_timing;            /* a sample is being timed (Karn)          */
	uint32_t rtt_seq;
	ts_time_t rtt_start;

	/* Congestion control. */
	enum ts_cc cc_algo;
	uint32_t cwnd, ssthresh;
	uint32_t dupacks;
	uint32_t recover;           /* RFC 6582 "recover"                      */
	uint32_t bytes_acked_ca;    /* appropriate byte counting in CA         */
	struct tcp_cc_cubic cubic;
	struct tcp_prr prr;
	struct tcp_undo undo;

	/* Options and limits. */
	uint32_t max_retries, syn_retries;
	uint32_t keep_idle_s, keep_intvl_s, keep_cnt;
	uint32_t user_timeout_ms;
	uint32_t fixed_isn;

	/* Statistics. */
	uint64_t bytes_sent, bytes_acked, bytes_received;
	uint32_t retransmits;

	/* Events for the application. */
	ts_sock_cb cb;
	void *cb_arg;
	unsigned events;            /* queued TS_EV_* not yet delivered        */
	bool ev_queued;
	struct tcb *ev_prev, *ev_next; /* stack's event list                   */
	int error;                  /* pending -errno after TS_EV_ERROR        */
	const char *error_icmp;     /* the ICMP error behind it, or NULL       */
	uint32_t error_from;        /* ... and who sent that ICMP              */
};

/* Stack-wide TCP state, embedded in struct ts_stack. */
struct tcp_state {
	/* Socket handles -> TCBs. */
	struct tcb **socks;
	unsigned nsocks_cap;
	int free_hint;

	/* Connection hash (4-tuple), chained; grows as it fills. */
	struct tcb **hash;
	unsigned hash_mask;
	unsigned nconns;

	/* Bind table: local port -> chain of TCBs bound to it. */
	struct tcb *bind[65536];

	/* Timer min-heap of TCBs by deadline. */
	struct tcb **heap;
	unsigned heap_len, heap_cap;

	/* Event delivery list (TCBs with events queued), FIFO. */
	struct tcb *ev_head, *ev_tail;
	unsigned ev_count;

	/* ISN and port selection secrets (RFC 6528, RFC 6056). */
	uint8_t secret[16];
	uint32_t port_table[256];   /* RFC 6056 algorithm 4 table           */

	/* RFC 5961 challenge ACK rate limit. */
	ts_time_t challenge_window_start;
	uint32_t challenge_count;

	/* SYN cookie secrets, rotated. */
	uint8_t cookie_secret[16];

	/* Added to the stack's clock for the ISN clock M and the timestamp
	 * clock, so that both continue from where a previous process left
	 * them (tcp_statefile.c). */
	ts_time_t clock_offset;
};

/* Our SYN (or SYN,ACK) is out and not yet acknowledged: SYN_SENT,
 * SYN_RECEIVED, and FIN_WAIT_1 entered from SYN_RECEIVED by a close
 * (RFC 9293 3.10.4). Such a connection retransmits its SYN, not data. */
static inline bool tcp_syn_unacked(const struct tcb *tp)
{
	return !(tp->flags & TF_SYN_ACKED) && tp->state != TS_CLOSED &&
	       tp->state != TS_LISTEN;
}

/* ---- tcp_table.c ----------------------------------------------------------- */

struct tcb *tcb_new(struct ts_stack *st);
/* Frees a TCB: unhashes, unbinds, removes timers and queued events. */
void tcb_free(struct ts_stack *st, struct tcb *tp);
struct tcb *tcb_from_sock(const struct ts_stack *st, int sock);
int tcp_sock_alloc(struct ts_stack *st, struct tcb *tp); /* handle or -EMFILE */
void tcp_sock_release(struct ts_stack *st, struct tcb *tp);
/* Exact 4-tuple lookup (addresses host order). */
struct tcb *tcp_lookup(const struct ts_stack *st, uint32_t lip, uint16_t lport,
		       uint32_t rip, uint16_t rport);
/* Listener for a local address/port (exact address first, then 0). */
struct tcb *tcp_lookup_listener(const struct ts_stack *st, uint32_t lip,
				uint16_t lport);
void tcp_hash_insert(struct ts_stack *st, struct tcb *tp);
void tcp_hash_remove(struct ts_stack *st, struct tcb *tp);
/* Binds tp to tp->local (port 0 chooses an ephemeral port for a socket
 * that will connect to remote, RFC 6056 alg. 3; remote NULL for a plain
 * bind). 0 or -EADDRINUSE / -EADDRNOTAVAIL. */
int tcp_bind(struct ts_stack *st, struct tcb *tp, const struct ts_addr *remote);
void tcp_unbind(struct ts_stack *st, struct tcb *tp);
/* Links a listener's child into the bind table without a conflict check:
 * it shares the listener's port, and must be counted there (TIME_WAIT). */
void tcp_bind_link(struct ts_stack *st, struct tcb *tp);
/* Window scale shift that lets a 16-bit field cover rcvbuf (RFC 7323 2.3). */
uint8_t tcp_wscale_for(uint32_t rcvbuf);
/* Sets up the send side of a new connection: ISS, MSS to announce, our
 * window scale and timestamp offset. */
void tcp_init_send_side(struct ts_stack *st, struct tcb *tp);

/* ---- tcp_state.c ----------------------------------------------------------- */

/* The one place a TCB changes state. Emits the state line with `why`
 * (e.g. "rcvd SYN,ACK", "close()", "2MSL expired") and does the
 * bookkeeping every transition into that state needs. */
void tcp_set_state(struct ts_stack *st, struct tcb *tp, enum ts_tcp_state to,
		   const char *why);
/* Drops a connection: error -> TS_EV_ERROR to the owner, state CLOSED,
 * TCB freed (or kept for the handle when one is attached). tp may be freed
 * on return. */
void tcp_drop(struct ts_stack *st, struct tcb *tp, int err, const char *why);
/* A connection ended (normally or not): state CLOSED, out of the tables;
 * freed if it has no handle. tp may be freed on return. */
void tcp_close_tcb(struct ts_stack *st, struct tcb *tp, const char *why);
/* Queues events for the TCB's owner (nothing for orphans). */
void tcp_notify(struct ts_stack *st, struct tcb *tp, unsigned events);
/* Takes a TCB off the event list (its events stay in tp->events). */
void tcp_event_unlink(struct ts_stack *st, struct tcb *tp);

/* ---- tcp_input.c and the per-state handlers ---------------------------- */

void tcp_in_listen(struct ts_stack *st, struct tcb *lp, const struct tcp_seg *seg);
/* A new child of lp for the SYN (or cookie ACK) seg: addresses, inherited
 * options, hashed, counted in the SYN queue; state CLOSED. NULL when
 * memory is short. */
struct tcb *tcp_listener_spawn(struct ts_stack *st, struct tcb *lp,
			       const struct tcp_seg *seg);
/* A child of a listener reached ESTABLISHED: onto the accept queue. */
void tcp_listener_child_established(struct ts_stack *st, struct tcb *child);
/* Removes a child from its listener's queues (it closed or was reset). */
void tcp_listener_forget(struct ts_stack *st, struct tcb *child);
/* Closes a listener: its unaccepted children are reset. */
void tcp_listener_close(struct ts_stack *st, struct tcb *lp);
void tcp_in_syn_sent(struct ts_stack *st, struct tcb *tp, const struct tcp_seg *seg);
/* Steps 1-4 of RFC 9293 3.10.7.4; false when the segment was dealt with. */
bool tcp_check_segment(struct ts_stack *st, struct tcb *tp, const struct tcp_seg *seg);
/* Step 5: the ACK field. False when the segment is finished with. */
bool tcp_process_ack(struct ts_stack *st, struct tcb *tp, const struct tcp_seg *seg);
/* Steps 6-8: URG, text, FIN. */
void tcp_process_data(struct ts_stack *st, struct tcb *tp, const struct tcp_seg *seg);
/* Handles a segment that matched no connection (RFC 9293 3.10.7.1). */
void tcp_in_closed(struct ts_stack *st, const struct tcp_seg *seg);
/* Applies the peer's SYN options (MSS, wscale, SACK-permitted, TS). */
void tcp_syn_options(struct ts_stack *st, struct tcb *tp, const struct tcp_seg *syn);
/* The receive window we can offer now, in bytes (unscaled). */
uint32_t tcp_rcv_window(const struct tcb *tp);
/* After the application read: has the window grown enough to be worth a
 * window update of its own (RFC 9293 3.8.6.2.2: by 2 MSS or half the
 * buffer)? */
bool tcp_window_update_due(const struct tcb *tp);

/* ---- tcp_output.c ----------------------------------------------------------- */

/* Sends whatever the TCB should send now: lost segments (RFC 6675
 * NextSeg), new data within the windows, FIN, pending ACK, window update.
 * Returns 0 or -errno from the IP layer. */
int tcp_output(struct ts_stack *st, struct tcb *tp);
/* Sends the transmission record idx again (in MSS pieces); marks it
 * retransmitted. Returns the sequence space sent, or -EAGAIN. */
int tcp_retransmit_rec(struct ts_stack *st, struct tcb *tp, uint32_t idx);
/* TLP (RFC 8985 7.3): one segment of new data within the peer's window,
 * whatever cwnd says. False when there is none to send. */
bool tcp_output_probe(struct ts_stack *st, struct tcb *tp);
/* Our timestamp clock for this connection (RFC 7323 5.4), milliseconds. */
uint32_t tcp_ts_now(const struct ts_stack *st, const struct tcb *tp);
/* Sends a bare ACK now. */
void tcp_send_ack(struct ts_stack *st, struct tcb *tp);
/* Sends a zero-window probe or keepalive probe (seq = snd_una - 1). */
void tcp_send_probe(struct ts_stack *st, struct tcb *tp);
/* Sends a segment without a connection, answering `in` (addresses and
 * ports swapped): RSTs, and the SYN,ACK carrying a SYN cookie. */
void tcp_send_bare(struct ts_stack *st, const struct tcp_seg *in, uint32_t seq,
		   uint32_t ack, uint8_t flags, uint16_t wnd,
		   const struct tcp_opts *opt);
/* Sends a RST answering seg (RFC 9293 3.10.7.1 rules for seq/ack). */
void tcp_send_rst_for(struct ts_stack *st, const struct tcp_seg *seg);
/* Sends a RST for a connection (abort). */
void tcp_send_rst(struct ts_stack *st, struct tcb *tp);
/* Sends a challenge ACK (RFC 5961), subject to the stack-wide limit. */
void tcp_send_challenge_ack(struct ts_stack *st, struct tcb *tp);
/* Schedules an ACK: delayed per RFC 9293 3.8.6.3 / RFC 1122, or now. */
void tcp_ack_later(struct ts_stack *st, struct tcb *tp);

/* ---- tcp_timer.c -------------------------------------------------------------- */

void tcp_timer_set(struct ts_stack *st, struct tcb *tp, enum tcp_timer t,
		   ts_time_t when);
void tcp_timer_clear(struct ts_stack *st, struct tcb *tp, enum tcp_timer t);
static inline bool tcp_timer_armed(const struct tcb *tp, enum tcp_timer t)
{
	return tp->timer[t] != TS_TIME_NEVER;
}
void tcp_timer_clear_all(struct ts_stack *st, struct tcb *tp);
/* (Re)starts the retransmission timer at the current RTO with backoff. */
void tcp_rexmt_restart(struct ts_stack *st, struct tcb *tp);
void tcp_heap_remove(struct ts_stack *st, struct tcb *tp);

/* ---- tcp_rtt.c ---------------------------------------------------------------- */

void tcp_rtt_init(struct tcb *tp);
/* Feeds one RTT sample (microseconds). */
void tcp_rtt_sample(struct tcb *tp, uint32_t rtt_us);
/* Current RTO with backoff applied, clamped to [TS_RTO_MIN, TS_RTO_MAX]. */
ts_time_t tcp_rto(const struct tcb *tp);
/* Our SYN was acknowledged: takes the handshake's RTT sample (RFC 6298
 * 2.2, Karn) or, after a SYN retransmission, the 3 s RTO of RFC 6298 5.7;
 * ends the SYN's backoff. */
void tcp_rtt_handshake_done(struct ts_stack *st, struct tcb *tp);

/* ---- tcp_cc.c ------------------------------------------------------------------ */

/* The data phase begins: IW (RFC 6928), ssthresh, recovery state. */
void tcp_cc_init(struct ts_stack *st, struct tcb *tp);
/* TS_OPT_CONGESTION: switches algorithm (a new CUBIC epoch follows). */
void tcp_cc_set_algo(struct tcb *tp, enum ts_cc cc);
const char *tcp_cc_name(enum ts_cc cc);
/* New data acknowledged (acked bytes), outside fast recovery; grows the
 * window only while it limits sending (TF_CWND_LIMITED). */
void tcp_cc_ack(struct ts_stack *st, struct tcb *tp, uint32_t acked);
/* A congestion event: sets ssthresh (and CUBIC's W_max, RFC 9438 4.6-4.7). */
void tcp_cc_loss(struct ts_stack *st, struct tcb *tp);
/* Retransmission timeout: ssthresh, cwnd = 1 segment (RFC 5681 3.1). */
void tcp_cc_timeout(struct ts_stack *st, struct tcb *tp);
/* Leaving fast recovery. */
void tcp_cc_recovered(struct ts_stack *st, struct tcb *tp);
/* RFC 9438 figure 1: W_cubic(t) in segments, t seconds into the epoch. */
double tcp_cubic_window(const struct tcb *tp, double t);
/* Bytes in flight: RFC 6675 "pipe" (tcp_pipe). */
uint32_t tcp_in_flight(const struct tcb *tp);

/* ---- tcp_recovery.c ------------------------------------------------------------ */

/* After an ACK's cumulative part (acked bytes) and SACK blocks (delivered:
 * bytes newly acked or SACKed) were applied; dupack: RFC 5681 duplicate. */
void tcp_recovery_ack(struct ts_stack *st, struct tcb *tp, uint32_t acked,
		      uint32_t delivered, bool dupack);
/* Counts bytes sent during fast recovery (PRR's prr_out); rexmit: they
 * were a retransmission (for undo). */
void tcp_recovery_sent(struct tcb *tp, uint32_t bytes, bool rexmit);
/* A D-SACK for [left, right): may show the last recovery was spurious. */
void tcp_recovery_dsack(struct ts_stack *st, struct tcb *tp, uint32_t left,
			uint32_t right);
/* The retransmission timer expired: every unSACKed segment is lost. */
void tcp_recovery_timeout(struct ts_stack *st, struct tcb *tp);
/* TCPT_REORDER expired: RACK looks again. False when tp was freed. */
bool tcp_recovery_reorder_timer(struct ts_stack *st, struct tcb *tp);
/* The MSS dropped (path MTU): in-flight records re-cut and resent. */
bool tcp_recovery_pmtu(struct ts_stack *st, struct tcb *tp);

/* ---- tcp_rack.c ----------------------------------------------------------------- */

void tcp_rack_init(struct tcb *tp);
/* An RTT sample from the estimator: RACK.min_RTT. */
void tcp_rack_rtt_sample(struct ts_stack *st, struct tcb *tp, uint32_t rtt);
/* A record was delivered (acked or SACKed) by ack (may be NULL):
 * RFC 8985 6.2 steps 1-3. */
void tcp_rack_delivered(struct ts_stack *st, struct tcb *tp,
			const struct tcp_txrec *r, const struct tcp_seg *ack);
/* A D-SACK arrived: the reordering window widens (6.2 step 4). */
void tcp_rack_dsack(struct ts_stack *st, struct tcb *tp);
void tcp_rack_recovery_done(struct tcb *tp);
/* RACK.reo_wnd now, microseconds. */
uint32_t tcp_rack_reo_wnd(const struct tcb *tp);
/* Marks overdue records LOST and arms TCPT_REORDER; returns the count. */
unsigned tcp_rack_detect(struct ts_stack *st, struct tcb *tp);
/* Arms (or clears) the tail loss probe timer (RFC 8985 7.2). */
void tcp_tlp_schedule(struct ts_stack *st, struct tcb *tp);
bool tcp_tlp_timer(struct ts_stack *st, struct tcb *tp);
/* SND.UNA moved: ends a probe episode it covers. */
void tcp_tlp_acked(struct tcb *tp);

/* ---- tcp_txrec.c ---------------------------------------------------------------- */

/* Makes room for one more record; false when the ring cannot grow. */
bool tcp_txq_reserve(struct tcb *tp);
void tcp_txq_append(struct tcb *tp, uint32_t seq, uint32_t end, bool fin,
		    ts_time_t now, uint32_t tsval);
void tcp_txq_free(struct tcb *tp);
struct tcp_txrec *tcp_txq_at(const struct tcp_txq *q, uint32_t idx);
/* Index of the first record ending beyond seq (head + n if none). */
uint32_t tcp_txq_find(const struct tcp_txq *q, uint32_t seq);
/* SND.UNA reached una: drops acked records (telling RACK of those not
 * SACKed before); returns the bytes newly delivered. */
uint32_t tcp_txq_ack(struct ts_stack *st, struct tcb *tp, uint32_t una,
		     const struct tcp_seg *ack);
/* Marks a record SACKED; returns its bytes, 0 if it already was. */
uint32_t tcp_txq_set_sacked(struct ts_stack *st, struct tcb *tp, uint32_t idx,
			    const struct tcp_seg *ack);
/* Marks a record LOST (a lost retransmission loses RETRANS); false when
 * it was SACKed or is already lost and not resent. */
bool tcp_txq_set_lost(struct tcb *tp, uint32_t idx);
/* The record was sent again at now with tsval. */
void tcp_txq_sent_again(struct tcb *tp, uint32_t idx, ts_time_t now,
			uint32_t tsval);
/* The lowest LOST record not resent yet, or head + n. */
uint32_t tcp_txq_next_lost(struct tcb *tp);
/* RTO: every unSACKed record LOST; returns how many. */
unsigned tcp_txq_mark_all_lost(struct tcb *tp);
/* Reneging: SACKED records become LOST. */
void tcp_txq_unsack_all(struct tcb *tp);
/* Re-cuts the records to at most mss bytes each, every unSACKed one
 * LOST. False (nothing changed) when memory is short. */
bool tcp_txq_recut(struct tcb *tp, uint32_t mss);
/* RFC 6675 pipe: bytes in the network. */
uint32_t tcp_pipe(const struct tcb *tp);

/* ---- tcp_sack.c ---------------------------------------------------------------- */

/* Receiver: recomputes blocks to send from the out-of-order queue, most
 * recent first (RFC 2018 section 4). */
void tcp_sack_update_tx(struct tcb *tp, uint32_t recent_start, uint32_t recent_end);
/* Receiver: [left, right) arrived twice; report it first (RFC 2883). */
void tcp_dsack_note(struct ts_stack *st, struct tcb *tp, uint32_t left,
		    uint32_t right);
/* Sender: applies the peer's SACK blocks (D-SACK first, RFC 2883) to the
 * scoreboard and records; returns the bytes newly SACKed. */
uint32_t tcp_sack_rx(struct ts_stack *st, struct tcb *tp,
		     const struct tcp_seg *seg);
/* Sender: drops scoreboard state below snd_una. */
void tcp_sack_advance(struct tcb *tp);
/* RFC 6675 IsLost: every sequence number below the returned one is lost. */
uint32_t tcp_sack_lost_boundary(const struct tcb *tp);
bool tcp_sack_is_lost(const struct tcb *tp, uint32_t seq);
/* Marks records below the IsLost boundary LOST (each record once). */
unsigned tcp_sack_mark_lost(struct tcb *tp);
/* Forgets the scoreboard and the transmission records. */
void tcp_sack_clear(struct tcb *tp);

/* ---- tcp_isn.c ---------------------------------------------------------------- */

/* ISN = M + F(localip, localport, remoteip, remoteport, secretkey), M a
 * 4-microsecond clock (RFC 6528); or the fixed ISN when one is set. */
uint32_t tcp_new_isn(struct ts_stack *st, const struct tcb *tp);
#define TCP_ISN_TICK_USEC 4u /* M ticks every 4 microseconds (RFC 9293 3.4.1) */
/* The clock M at stack time now (plus tcp_state.clock_offset). */
uint32_t tcp_isn_clock(const struct ts_stack *st, ts_time_t now);
/* Timestamp clock offset of a connection (RFC 7323 5.4): keyed per socket
 * pair, so a new incarnation's timestamps are beyond the old one's (RFC
 * 6191), plus tcp_state.clock_offset. */
uint32_t tcp_ts_offset(const struct ts_stack *st, const struct tcb *tp);
uint32_t tcp_ts_offset_pair(const struct ts_stack *st,
			    const struct ts_addr *local,
			    const struct ts_addr *remote);
/* A keyed 32-bit hash of a socket pair and a value a; `use` separates
 * purposes (SYN cookies). */
uint32_t tcp_keyed_hash32(const struct ts_stack *st, const struct ts_addr *local,
			  const struct ts_addr *remote, uint32_t a, uint32_t use);
/* Keyed 64-bit hash (SipHash-2-4) used for ISNs, ports and cookies. */
uint64_t tcp_siphash(const uint8_t key[16], const void *data, size_t len);

/* ---- tcp_syncookie.c (RFC 4987) ------------------------------------------------ */

/* The SYN queue is full: answers syn with a SYN,ACK whose ISN is a cookie
 * and keeps nothing. */
void tcp_syncookie_send(struct ts_stack *st, struct tcb *lp,
			const struct tcp_seg *syn);
/* An ACK for listener lp that matched no connection: when lp sent cookies
 * lately and the ACK carries a valid one, the connection is created
 * ESTABLISHED and true returned. False: not a cookie (the caller resets). */
bool tcp_syncookie_ack(struct ts_stack *st, struct tcb *lp,
		       const struct tcp_seg *ack);

/* ---- tcp_timewait.c ------------------------------------------------------------- */

/* May a new SYN reuse a connection in TIME_WAIT? (RFC 9293 3.10.7.4,
 * RFC 6191): true when a listener takes it (listener, may be NULL), quiet
 * time is over and its timestamp or sequence number is beyond the old
 * connection's. Traces the decision and its reason either way. */
bool tcp_timewait_accept_syn(struct ts_stack *st, const struct tcb *tw,
			     const struct tcp_seg *syn,
			     const struct tcb *listener);
/* After a bind of tp->local that returned rc: traces how connections in
 * TIME_WAIT on that address decided it (refused, or allowed by reuse). */
void tcp_timewait_note_bind(struct ts_stack *st, const struct tcb *tp, int rc);
/* Enters or restarts the 2MSL wait. */
void tcp_timewait_start(struct ts_stack *st, struct tcb *tp);

#endif /* TS_TCP_INTERNAL_H */
