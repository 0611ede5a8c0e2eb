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

/* ---- SACK scoreboard (sender side, RFC 6675) ----------------------------- */

struct tcp_sack_hole;

struct tcp_scoreboard {
	/* Sorted, disjoint SACKed ranges above SND.UNA. */
	struct tcp_sack_block blocks[TS_REASS_MAX_SEGMENTS / 8];
	unsigned nblocks;
	uint32_t sacked_bytes;  /* bytes covered by blocks               */
	uint32_t high_rxt;      /* RFC 6675 HighRxt                      */
	uint32_t rescue_rxt;    /* RFC 6675 RescueRxt                    */
};

/* ---- congestion control (tcp_cc.c) ---------------------------------------- */

struct tcp_cc_cubic {
	uint32_t w_max;         /* bytes, before the last reduction     */
	uint32_t w_last_max;
	ts_time_t epoch_start;  /* 0: no epoch                           */
	uint32_t origin_point;
	uint64_t k_us;          /* time to reach w_max                   */
	uint32_t w_est;         /* Reno-friendly estimate, bytes         */
	uint32_t ack_cnt;
};

/* ---- the control block ----------------------------------------------------- */

/* Timer slots; each holds an absolute deadline or TS_TIME_NEVER. */
enum tcp_timer {
	TCPT_REXMT = 0,  /* retransmission (also SYN, FIN)        */
	TCPT_PERSIST,    /* zero-window probe                      */
	TCPT_KEEP,       /* keepalive, and connection-establishment */
	TCPT_DELACK,     /* delayed ACK                            */
	TCPT_2MSL,       /* TIME_WAIT, and FIN_WAIT_2 orphan limit */
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

/* Sends whatever the TCB should send now: data within the windows, FIN,
 * pending ACK, window update. Returns 0 or -errno from the IP layer. */
int tcp_output(struct ts_stack *st, struct tcb *tp);
/* Retransmits one segment starting at seq (up to len bytes; 0 = one MSS). */
int tcp_retransmit(struct ts_stack *st, struct tcb *tp, uint32_t seq, uint32_t len);
/* Sends a bare ACK now. */
void tcp_send_ack(struct ts_stack *st, struct tcb *tp);
/* Sends a zero-window probe or keepalive probe (seq = snd_una - 1). */
void tcp_send_probe(struct ts_stack *st, struct tcb *tp);
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

void tcp_cc_init(struct ts_stack *st, struct tcb *tp);
/* New data acknowledged (acked bytes), outside loss recovery. */
void tcp_cc_ack(struct ts_stack *st, struct tcb *tp, uint32_t acked);
/* Entering fast recovery (third dupack or SACK loss detection). */
void tcp_cc_loss(struct ts_stack *st, struct tcb *tp);
/* Retransmission timeout. */
void tcp_cc_timeout(struct ts_stack *st, struct tcb *tp);
/* Leaving fast recovery (full ACK). */
void tcp_cc_recovered(struct ts_stack *st, struct tcb *tp);
/* Bytes in flight (RFC 6675 "pipe" when SACK is on, else snd_max - snd_una). */
uint32_t tcp_in_flight(const struct tcb *tp);

/* ---- tcp_sack.c ---------------------------------------------------------------- */

/* Receiver: recomputes blocks to send from the out-of-order queue, most
 * recent first (RFC 2018 section 4). */
void tcp_sack_update_tx(struct tcb *tp, uint32_t recent_start, uint32_t recent_end);
/* Sender: merges the peer's SACK blocks into the scoreboard. */
void tcp_sack_update_rx(struct ts_stack *st, struct tcb *tp, const struct tcp_opts *o);
/* Sender: drops scoreboard state below snd_una. */
void tcp_sack_advance(struct tcb *tp);
/* Sender (RFC 6675 NextSeg): the next range to retransmit, false if none. */
bool tcp_sack_next_hole(const struct tcb *tp, uint32_t *seq, uint32_t *len);
bool tcp_sack_is_lost(const struct tcb *tp, uint32_t seq);
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
/* Keyed 64-bit hash (SipHash-2-4) used for ISNs, ports and cookies. */
uint64_t tcp_siphash(const uint8_t key[16], const void *data, size_t len);

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
