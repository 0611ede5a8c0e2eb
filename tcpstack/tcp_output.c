/*
 * tcp_output.c - deciding what a connection sends, and building segments.
 *
 * tcp_output() follows the shape of BSD's: work out how much new data the
 * send and congestion windows allow, apply Nagle and silly-window
 * avoidance, add FIN when the application closed and everything before it
 * is covered, and send ACKs and window updates that are owed. Segments are
 * built in the stack's transmit buffer with room in front for the IP and
 * Ethernet headers.
 */
#include <errno.h>
#include <string.h>

#include "stack_internal.h"

/* Segments one tcp_output() call may send; the window bounds it anyway,
 * this only keeps a bug from looping forever. */
#define OUTPUT_MAX_SEGMENTS 4096u

static bool in_quiet_time(const struct ts_stack *st)
{
	return stack_now(st) < st->quiet_until;
}

uint32_t tcp_ts_now(const struct ts_stack *st, const struct tcb *tp)
{
	/* RFC 7323 5.4: milliseconds, offset per connection. */
	return (uint32_t)(stack_now(st) / TS_USEC_PER_MSEC) + tp->ts_offset;
}

uint32_t tcp_rcv_window(const struct tcb *tp)
{
	return ringbuf_space(&tp->rcvq);
}

/* The window field to send, and the right edge it advertises. Never moves
 * the right edge left (RFC 9293 3.8.6.2.2) and, for receiver-side silly
 * window avoidance, only moves it right by a useful amount. */
static uint16_t window_field(const struct tcb *tp, bool syn, uint32_t *right)
{
	uint32_t space = tcp_rcv_window(tp);
	uint32_t cur = seq_gt(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
	uint32_t wnd = space, field;
	uint32_t useful = tp->rcvbuf / 2 < tp->mss ? tp->rcvbuf / 2 : tp->mss;

	if (syn) {
		field = wnd > 65535u ? 65535u : wnd; /* never scaled in SYNs */
		*right = tp->rcv_nxt + field;
		return (uint16_t)field;
	}
	if (wnd < cur || (wnd - cur < useful && wnd != tp->rcvbuf))
		wnd = cur;
	field = wnd >> tp->rcv_wscale;
	if (field > 65535u)
		field = 65535u;
	*right = tp->rcv_nxt + (field << tp->rcv_wscale);
	return (uint16_t)field;
}

/* Options for a segment of this connection (RFC 7323, RFC 2018). */
static void build_options(const struct ts_stack *st, const struct tcb *tp,
			  uint8_t flags, struct tcp_opts *o)
{
	unsigned i, max_blocks;

	memset(o, 0, sizeof(*o));
	if (flags & TCP_SYN) {
		/* A SYN,ACK answers: it may only accept what the SYN offered
		 * (RFC 7323 1.3, RFC 2018 2). */
		bool passive = (flags & TCP_ACK) != 0;

		o->mss_present = true;
		o->mss = tp->mss_announce;
		/* A passive opener answers only what the SYN offered. */
		o->wscale_present = !passive || (tp->flags & TF_RCVD_WSCALE);
		o->wscale = tp->rcv_wscale;
		o->sack_ok = !passive || (tp->flags & TF_RCVD_SACKOK);
		o->ts_present = !passive || (tp->flags & TF_RCVD_TS);
	} else {
		o->ts_present = (tp->flags & TF_RCVD_TS) != 0;
	}
	if (o->ts_present) {
		o->tsval = tcp_ts_now(st, tp);
		o->tsecr = tp->ts_recent;
	}
	if ((flags & TCP_SYN) || !(tp->flags & TF_RCVD_SACKOK))
		return;
	max_blocks = o->ts_present ? 3 : 4;
	if (tp->flags & TF_DSACK_PENDING)
		o->sack[o->nsack++] = tp->dsack_tx; /* RFC 2883: D-SACK first */
	for (i = 0; i < tp->nsack_tx && o->nsack < max_blocks; i++)
		o->sack[o->nsack++] = tp->sack_tx[i];
}

/* Did the ACK we send acknowledge the peer's SYN or FIN (for the trace)? */
static bool ack_is_plus_one(const struct tcb *tp, uint32_t ack)
{
	if (ack == tp->irs + 1)
		return true;
	return (tp->flags & TF_FIN_RCVD) && ack == tp->rcv_nxt;
}

/* Builds and sends one segment of tp: len payload bytes from the send
 * queue starting at seq (which must be >= snd_una when len > 0). */
static int send_segment(struct ts_stack *st, struct tcb *tp, uint32_t seq,
			uint32_t len, uint8_t flags)
{
	uint8_t *buf = st->txbuf + TS_L3_HEADROOM;
	struct tcp_seg seg;
	uint32_t right;
	size_t hlen;
	int rc;

	if (in_quiet_time(st)) {
		CNT(st, TCP_DROP_QUIET);
		return -EAGAIN;
	}
	memset(&seg, 0, sizeof(seg));
	seg.src_ip = tp->local.ip;
	seg.dst_ip = tp->remote.ip;
	seg.sport = tp->local.port;
	seg.dport = tp->remote.port;
	seg.seq = seq;
	seg.flags = flags;
	if (flags & TCP_ACK)
		seg.ack = tp->rcv_nxt;
	build_options(st, tp, flags, &seg.opt);
	seg.wnd = window_field(tp, (flags & TCP_SYN) != 0, &right);
	if (tp->flags & TF_URG_PENDING && seq_gt(tp->snd_up, seq)) {
		uint32_t up = tp->snd_up - seq;

		seg.flags |= TCP_URG;
		seg.urp = (uint16_t)(up > 65535u ? 65535u : up);
	}
	hlen = TCP_HLEN_MIN + tcp_opts_len(&seg.opt);
	/* RFC 2018 3: as many SACK blocks as fit. A full-sized data segment
	 * has no room for them; its pure ACKs carry them. */
	while (seg.opt.nsack > 0 && IP4_HLEN_MIN + hlen + len > st->mtu) {
		seg.opt.nsack--;
		hlen = TCP_HLEN_MIN + tcp_opts_len(&seg.opt);
	}
	if (len > 0)
		ringbuf_peek(&tp->sndq, seq - tp->snd_una, buf + hlen, len);
	seg.payload = buf + hlen;
	seg.len = len;
	seg.hlen = (uint8_t)hlen;
	tcp_write(buf, &seg, len);
	CNT_ADD(st, TCP_SACK_BLOCKS_TX, seg.opt.nsack);
	trace_segment(st, &seg, true,
		      (flags & TCP_ACK) && ack_is_plus_one(tp, seg.ack));
	rc = ip4_send(st, buf, hlen + len, IP4_PROTO_TCP, tp->remote.ip, true);
	CNT(st, TCP_TX);
	if (flags & TCP_ACK) {
		tp->last_ack_sent = tp->rcv_nxt;
		tp->flags &= ~(TF_ACKNOW | TF_DELACK | TF_DSACK_PENDING);
		tcp_timer_clear(st, tp, TCPT_DELACK);
	}
	if (seq_gt(right, tp->rcv_adv) || !(flags & TCP_ACK))
		tp->rcv_adv = right;
	return rc;
}

/* The flags every segment of a synchronized connection carries. */
static uint8_t base_flags(const struct tcb *tp)
{
	switch (tp->state) {
	case TS_SYN_SENT:
		return TCP_SYN;
	default:
		/* SYN_RECEIVED, or FIN_WAIT_1 closed from it: SYN,ACK again */
		return tcp_syn_unacked(tp) ? TCP_SYN | TCP_ACK : TCP_ACK;
	}
}

static bool fin_state(const struct tcb *tp)
{
	return tp->state == TS_FIN_WAIT_1 || tp->state == TS_CLOSING ||
	       tp->state == TS_LAST_ACK;
}

bool tcp_window_update_due(const struct tcb *tp)
{
	uint32_t cur = seq_gt(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
	uint32_t space = tcp_rcv_window(tp);
	uint32_t grow = space > cur ? space - cur : 0;

	return grow >= 2u * tp->mss || grow >= tp->rcvbuf / 2;
}

/* Room for new data at SND.NXT: the peer's window (RFC 9293 3.8.6.2.1),
 * and the congestion window less what is in the network (RFC 6675 pipe). */
static uint32_t rwnd_room(const struct tcb *tp)
{
	uint32_t edge = tp->snd_una + tp->snd_wnd;

	return seq_gt(edge, tp->snd_nxt) ? edge - tp->snd_nxt : 0;
}

static uint32_t cwnd_room(const struct tcb *tp)
{
	uint32_t pipe = tcp_pipe(tp);

	return tp->cwnd > pipe ? tp->cwnd - pipe : 0;
}

/* Nagle (RFC 9293 3.7.4) and sender SWS avoidance: send a short segment
 * only when nothing is in flight, it empties the queue and Nagle is off,
 * or the override timer ran out. */
static bool worth_sending(const struct tcb *tp, uint32_t len, uint32_t off)
{
	bool all = off + len == tp->sndq.len;

	if (len == 0)
		return false;
	if (tp->flags & TF_SWS_OVERRIDE)
		return true; /* RFC 1122 4.2.3.4 (4): the override timeout */
	if (len >= tp->mss)
		return true;
	if (all && ((tp->flags & TF_NODELAY) || tp->snd_una == tp->snd_max))
		return true;
	if (tp->max_sndwnd > 0 && len >= tp->max_sndwnd / 2)
		return true;
	return (tp->flags & TF_URG_PENDING) && seq_gt(tp->snd_up, tp->snd_nxt);
}

/* Sends a SYN or SYN,ACK (first time or again after a timeout). */
static int output_syn(struct ts_stack *st, struct tcb *tp)
{
	int rc;

	if (tp->snd_nxt != tp->iss)
		return 0; /* sent and waiting: only the timer resends it */
	if (tp->rexmt_shift == 0) {
		/* Time the first SYN only (Karn): the handshake gives the
		 * first RTT measurement (RFC 6298 2.2). */
		tp->rtt_timing = true;
		tp->rtt_seq = tp->iss;
		tp->rtt_start = stack_now(st);
	}
	rc = send_segment(st, tp, tp->iss, 0, base_flags(tp));
	tp->snd_nxt = tp->iss + 1;
	if (seq_gt(tp->snd_nxt, tp->snd_max))
		tp->snd_max = tp->snd_nxt;
	if (!tcp_timer_armed(tp, TCPT_REXMT))
		tcp_rexmt_restart(st, tp);
	return rc;
}

/* Sends len new bytes (and FIN) at SND.NXT, with its transmission record
 * (tcp_txrec.c; the caller reserved the slot). */
static int send_new(struct ts_stack *st, struct tcb *tp, uint32_t len, bool fin)
{
	uint32_t seq = tp->snd_nxt, off = seq - tp->snd_una;
	int rc;

	rc = send_segment(st, tp, seq, len,
			  (uint8_t)(TCP_ACK | (fin ? TCP_FIN : 0) |
				    (len > 0 && off + len == tp->sndq.len ? TCP_PSH : 0)));
	if (rc == -EAGAIN)
		return rc; /* quiet time: nothing left */
	if (len > 0 && !tp->rtt_timing) {
		tp->rtt_timing = true;
		tp->rtt_seq = seq;
		tp->rtt_start = stack_now(st);
	}
	if (tp->snd_una == tp->snd_max)
		tp->progress_at = stack_now(st);
	tcp_txq_append(tp, seq, seq + len + (fin ? 1u : 0u), fin, stack_now(st),
		       tcp_ts_now(st, tp));
	tp->snd_nxt = seq + len + (fin ? 1u : 0u);
	tp->bytes_sent += len;
	tp->snd_max = tp->snd_nxt;
	if (fin && !(tp->flags & TF_FIN_SENT)) {
		tp->flags |= TF_FIN_SENT;
		tp->fin_seq = seq + len;
	}
	tcp_recovery_sent(tp, len + (fin ? 1u : 0u), false);
	if (!tcp_timer_armed(tp, TCPT_REXMT))
		tcp_rexmt_restart(st, tp);
	tcp_timer_clear(st, tp, TCPT_PERSIST);
	return rc;
}

int tcp_retransmit_rec(struct ts_stack *st, struct tcb *tp, uint32_t idx)
{
	const struct tcp_txrec *r = tcp_txq_at(&tp->txq, idx);
	uint32_t seq = r->seq, end = r->end, sent = 0;
	bool fin = (r->flags & TXR_FIN) != 0;
	uint32_t data_end = fin ? end - 1 : end;
	unsigned n;
	int rc = 0;

	if (tp->rtt_timing && seq_leq(seq, tp->rtt_seq))
		tp->rtt_timing = false; /* Karn: the timed segment was resent */
	/* A record longer than the MSS (cut before a path MTU drop that
	 * tcp_txq_recut could not apply) goes out in pieces. */
	for (n = 0; n < OUTPUT_MAX_SEGMENTS; n++) {
		uint32_t len = data_end - seq;
		bool last;

		if (len > tp->mss)
			len = tp->mss;
		last = seq + len == data_end;
		rc = send_segment(st, tp, seq, len,
				  (uint8_t)(TCP_ACK | (last && fin ? TCP_FIN : 0) |
					    (last && len > 0 &&
						     data_end - tp->snd_una == tp->sndq.len
					     ? TCP_PSH : 0)));
		if (rc == -EAGAIN)
			return rc;
		tp->retransmits++;
		CNT(st, TCP_RETRANSMITS);
		seq += len;
		sent += len + (last && fin ? 1u : 0u);
		if (last)
			break;
	}
	tcp_txq_sent_again(tp, idx, stack_now(st), tcp_ts_now(st, tp));
	if (seq_gt(end, tp->sb.high_rxt))
		tp->sb.high_rxt = end;
	tcp_recovery_sent(tp, sent, true);
	/* The first unacknowledged segment sent again: its own RTO starts
	 * now (as Linux does), or a resend made late by RACK's reordering
	 * window would time out before its ACK could come back. */
	if (!tcp_timer_armed(tp, TCPT_REXMT) || idx == tp->txq.head)
		tcp_rexmt_restart(st, tp);
	return (int)sent;
}

/* RFC 6675 NextSeg rule 1 (and RTO recovery): the lowest lost segments
 * not yet resent, while the congestion window has room. Returns false
 * when the window stopped it. */
static bool output_lost(struct ts_stack *st, struct tcb *tp)
{
	struct tcp_txq *q = &tp->txq;
	unsigned n;

	for (n = 0; n < OUTPUT_MAX_SEGMENTS && q->lost > q->retrans; n++) {
		uint32_t idx = tcp_txq_next_lost(tp);

		if (idx == q->head + q->n)
			break;
		if (tcp_pipe(tp) >= tp->cwnd)
			return false;
		if (tcp_retransmit_rec(st, tp, idx) < 0)
			break;
	}
	return true;
}

/* RFC 6675 NextSeg rule 4: once per recovery, when the window has room
 * for a segment but there is nothing lost and no new data to send, the
 * highest unSACKed segment again (a rescue for a lost tail). */
static void output_rescue(struct ts_stack *st, struct tcb *tp)
{
	struct tcp_txq *q = &tp->txq;
	uint32_t off = tp->snd_nxt - tp->snd_una, i;

	if (!(tp->flags & TF_IN_RECOVERY) || tp->sb.rescue_sent || q->n == 0 ||
	    cwnd_room(tp) < tp->mss ||
	    (tp->sndq.len > off && rwnd_room(tp) > 0))
		return;
	for (i = q->head + q->n; i-- != q->head;) {
		if (tcp_txq_at(q, i)->flags & (TXR_SACKED | TXR_EVER_RETRANS))
			continue;
		tp->sb.rescue_sent = true;
		tp->sb.rescue_rxt = tp->recover;
		tcp_retransmit_rec(st, tp, i);
		return;
	}
}

/* One pass of new data: segments within both windows, Nagle permitting.
 * Returns the bytes sent; *cwnd_limited says whether the congestion
 * window (not the peer or the application) stopped it. */
static uint32_t output_new(struct ts_stack *st, struct tcb *tp, int *rc,
			   bool *cwnd_limited)
{
	uint32_t total = 0;
	unsigned n;

	*cwnd_limited = false;
	for (n = 0; n < OUTPUT_MAX_SEGMENTS; n++) {
		uint32_t off = tp->snd_nxt - tp->snd_una;
		uint32_t avail = tp->sndq.len > off ? tp->sndq.len - off : 0;
		uint32_t rroom = rwnd_room(tp), croom = cwnd_room(tp);
		uint32_t len = avail < rroom ? avail : rroom;
		bool fin, send;

		if (len > croom)
			len = croom;
		if (tp->state == TS_FIN_WAIT_2 || tp->state == TS_TIME_WAIT)
			len = avail = 0; /* our FIN is acked: nothing more to send */
		if (len > tp->mss)
			len = tp->mss;
		fin = fin_state(tp) && off + len == tp->sndq.len &&
		      !(tp->flags & TF_FIN_SENT);
		send = worth_sending(tp, len, off) || fin ||
		       (tp->flags & TF_ACKNOW);
		if (!send) {
			*cwnd_limited = avail > 0 && croom < tp->mss && croom < avail &&
					rroom > croom;
			/* Data waits and nothing is in flight to bring an ACK:
			 * the window is zero (probe it) or too small to be worth
			 * filling (RFC 9293 3.8.6.2.1: send anyway after the
			 * override timeout). Either way the persist timer. */
			if (avail > 0 && !*cwnd_limited &&
			    !tcp_timer_armed(tp, TCPT_REXMT) &&
			    !tcp_timer_armed(tp, TCPT_PERSIST)) {
				tp->persist_shift = 0;
				tcp_timer_set(st, tp, TCPT_PERSIST,
					      stack_now(st) + tcp_rto(tp));
			}
			break;
		}
		if (len == 0 && !fin) {
			*rc = send_segment(st, tp, tp->snd_nxt, 0, TCP_ACK);
			break; /* a pure ACK or window update */
		}
		if (!tcp_txq_reserve(tp)) {
			*cwnd_limited = true; /* too many segments in flight */
			break;
		}
		*rc = send_new(st, tp, len, fin);
		if (*rc == -EAGAIN)
			break; /* quiet time */
		total += len + (fin ? 1u : 0u);
		if (fin)
			break;
	}
	return total;
}

int tcp_output(struct ts_stack *st, struct tcb *tp)
{
	bool limited = false;
	int rc = 0;

	if (tp->state == TS_CLOSED || tp->state == TS_LISTEN)
		return 0;
	if (tcp_syn_unacked(tp)) {
		/* Nothing but the SYN until it is acknowledged; an ACK owed in
		 * SYN_RECEIVED (the peer repeated its SYN) is our SYN,ACK. */
		rc = output_syn(st, tp);
		if (tp->flags & TF_ACKNOW && tp->state != TS_SYN_SENT &&
		    tp->snd_nxt != tp->iss)
			rc = send_segment(st, tp, tp->iss, 0, base_flags(tp));
		return rc;
	}
	if (tp->txq.lost > tp->txq.retrans && !output_lost(st, tp)) {
		limited = true;
	} else if (output_new(st, tp, &rc, &limited) > 0) {
		tcp_tlp_schedule(st, tp);
	} else {
		output_rescue(st, tp);
	}
	if (limited)
		tp->flags |= TF_CWND_LIMITED;
	else
		tp->flags &= ~TF_CWND_LIMITED;
	if ((tp->flags & TF_ACKNOW) && rc != -EAGAIN)
		rc = send_segment(st, tp, tp->snd_nxt, 0, TCP_ACK);
	return rc;
}

bool tcp_output_probe(struct ts_stack *st, struct tcb *tp)
{
	uint32_t off = tp->snd_nxt - tp->snd_una;
	uint32_t avail = tp->sndq.len > off ? tp->sndq.len - off : 0;
	uint32_t len = avail < rwnd_room(tp) ? avail : rwnd_room(tp);

	if (len == 0 || tp->state == TS_FIN_WAIT_2 || tp->state == TS_TIME_WAIT ||
	    (tp->flags & TF_FIN_SENT) || !tcp_txq_reserve(tp))
		return false;
	if (len > tp->mss)
		len = tp->mss;
	return send_new(st, tp, len, fin_state(tp) && off + len == tp->sndq.len) !=
	       -EAGAIN;
}

void tcp_send_ack(struct ts_stack *st, struct tcb *tp)
{
	if (tcp_syn_unacked(tp) && tp->state != TS_SYN_SENT) {
		/* RFC 9293 3.10.7.4: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. Not
		 * our SYN,ACK again: in a simultaneous open each end finds the
		 * other's SYN,ACK unacceptable, and SYN,ACKs sent in answer
		 * would bounce between them for ever. */
		send_segment(st, tp, tp->snd_nxt, 0, TCP_ACK);
		return;
	}
	tp->flags |= TF_ACKNOW;
	tcp_output(st, tp);
	if (tp->flags & TF_ACKNOW) /* output had nothing to carry it */
		send_segment(st, tp, tp->snd_nxt, 0, base_flags(tp) & ~TCP_SYN);
}

void tcp_send_probe(struct ts_stack *st, struct tcb *tp)
{
	/* A segment one byte below the window (RFC 9293 3.8.6.1, RFC 1122
	 * 4.2.3.6): the peer must answer with an ACK showing its window. */
	send_segment(st, tp, tp->snd_una - 1, 0, TCP_ACK);
}

void tcp_send_challenge_ack(struct ts_stack *st, struct tcb *tp)
{
	struct tcp_state *ts = &st->tcp;
	ts_time_t now = stack_now(st);

	if (now - ts->challenge_window_start >= TS_USEC_PER_SEC) {
		ts->challenge_window_start = now;
		ts->challenge_count = 0;
	}
	if (ts->challenge_count >= TS_CHALLENGE_ACK_LIMIT) {
		CNT(st, TCP_CHALLENGE_LIMITED);
		return;
	}
	ts->challenge_count++;
	CNT(st, TCP_CHALLENGE_ACKS);
	send_segment(st, tp, tp->snd_nxt, 0, TCP_ACK);
}

void tcp_ack_later(struct ts_stack *st, struct tcb *tp)
{
	if (tp->flags & TF_DELACK) {
		/* Second segment since the last ACK: acknowledge now
		 * (RFC 9293 3.8.6.3: at least every second full segment). */
		tp->flags |= TF_ACKNOW;
		return;
	}
	tp->flags |= TF_DELACK;
	tcp_timer_set(st, tp, TCPT_DELACK, stack_now(st) + TS_DELACK_DEFAULT);
}

void tcp_send_bare(struct ts_stack *st, const struct tcp_seg *in, uint32_t seq,
		   uint32_t ack, uint8_t flags, uint16_t wnd,
		   const struct tcp_opts *opt)
{
	uint8_t *buf = st->txbuf + TS_L3_HEADROOM;
	struct tcp_seg seg;

	if (in_quiet_time(st)) {
		CNT(st, TCP_DROP_QUIET);
		return;
	}
	memset(&seg, 0, sizeof(seg));
	seg.src_ip = in->dst_ip;
	seg.dst_ip = in->src_ip;
	seg.sport = in->dport;
	seg.dport = in->sport;
	seg.seq = seq;
	seg.ack = ack;
	seg.flags = flags;
	seg.wnd = wnd;
	if (opt != NULL)
		seg.opt = *opt;
	seg.hlen = (uint8_t)(TCP_HLEN_MIN + tcp_opts_len(&seg.opt));
	seg.payload = buf + seg.hlen;
	tcp_write(buf, &seg, 0);
	trace_segment(st, &seg, true, (flags & TCP_SYN) && (flags & TCP_ACK));
	ip4_send(st, buf, seg.hlen, IP4_PROTO_TCP, seg.dst_ip, true);
	CNT(st, TCP_TX);
	if (flags & TCP_RST)
		CNT(st, TCP_RST_TX);
}

/* Sends a RST without a connection. */
static void send_bare(struct ts_stack *st, const struct tcp_seg *in,
		      uint32_t seq, uint32_t ack, uint8_t flags)
{
	tcp_send_bare(st, in, seq, ack, flags, 0, NULL);
}

void tcp_send_rst_for(struct ts_stack *st, const struct tcp_seg *seg)
{
	uint32_t seglen = seg->len + ((seg->flags & TCP_SYN) ? 1u : 0u) +
			  ((seg->flags & TCP_FIN) ? 1u : 0u);

	if (seg->flags & TCP_RST)
		return; /* never answer a RST (RFC 9293 3.10.7.1) */
	if (seg->flags & TCP_ACK)
		send_bare(st, seg, seg->ack, 0, TCP_RST);
	else
		send_bare(st, seg, 0, seg->seq + seglen, TCP_RST | TCP_ACK);
}

void tcp_send_rst(struct ts_stack *st, struct tcb *tp)
{
	struct tcp_seg as_if_from_peer;

	if (tp->state == TS_CLOSED || tp->state == TS_LISTEN ||
	    tp->state == TS_SYN_SENT || tp->state == TS_TIME_WAIT)
		return;
	memset(&as_if_from_peer, 0, sizeof(as_if_from_peer));
	as_if_from_peer.src_ip = tp->remote.ip;
	as_if_from_peer.dst_ip = tp->local.ip;
	as_if_from_peer.sport = tp->remote.port;
	as_if_from_peer.dport = tp->local.port;
	send_bare(st, &as_if_from_peer, tp->snd_nxt, tp->rcv_nxt,
		  TCP_RST | TCP_ACK);
}
