/*
 * tcp_recv.c - RFC 9293 3.10.7.4 steps 6 to 8: the urgent pointer, the
 * segment text (with out-of-order reassembly) and the FIN.
 *
 * Out-of-order bytes are written straight into the receive ring at their
 * offset from RCV.NXT (ringbuf_write_at); the out-of-order queue keeps
 * only their ranges. When the hole before them fills, the bytes become
 * readable without being copied again.
 */
#include <string.h>

#include "stack_internal.h"

#define OOO_MAX (sizeof(((struct tcb *)0)->ooo) / sizeof(((struct tcb *)0)->ooo[0]))

static bool accepts_text(enum ts_tcp_state s)
{
	return s == TS_ESTABLISHED || s == TS_FIN_WAIT_1 || s == TS_FIN_WAIT_2;
}

/* Step 8: the peer's FIN, once every byte before it has arrived. */
static void process_fin(struct ts_stack *st, struct tcb *tp)
{
	if (tp->flags & TF_FIN_RCVD)
		return;
	tp->flags |= TF_FIN_RCVD | TF_ACKNOW;
	tp->rcv_nxt++;
	tcp_notify(st, tp, TS_EV_READ | TS_EV_EOF);
	switch (tp->state) {
	case TS_SYN_RECEIVED:
	case TS_ESTABLISHED:
		tcp_set_state(st, tp, TS_CLOSE_WAIT, "rcvd FIN");
		break;
	case TS_FIN_WAIT_1:
		/* Our FIN not yet acknowledged: both closed at once. */
		tcp_set_state(st, tp, TS_CLOSING, "rcvd FIN (simultaneous close)");
		break;
	case TS_FIN_WAIT_2:
		tcp_set_state(st, tp, TS_TIME_WAIT, "rcvd FIN");
		break;
	default:
		break;
	}
}

/* Inserts [start, end) into the sorted out-of-order ranges, merging any it
 * touches. Returns false when the table is full (the segment is dropped;
 * the sender will retransmit). */
static bool ooo_insert(struct tcb *tp, uint32_t start, uint32_t end, bool fin)
{
	unsigned i = 0, j;

	while (i < tp->nooo && seq_lt(tp->ooo[i].end, start))
		i++;
	if (i < tp->nooo && seq_leq(tp->ooo[i].start, end)) {
		/* Overlaps or touches range i: grow it, absorb followers. */
		struct tcp_ooo_range *r = &tp->ooo[i];

		r->start = seq_min(r->start, start);
		r->end = seq_max(r->end, end);
		r->fin = r->fin || fin;
		for (j = i + 1; j < tp->nooo && seq_leq(tp->ooo[j].start, r->end); j++) {
			r->end = seq_max(r->end, tp->ooo[j].end);
			r->fin = r->fin || tp->ooo[j].fin;
		}
		memmove(&tp->ooo[i + 1], &tp->ooo[j],
			(tp->nooo - j) * sizeof(tp->ooo[0]));
		tp->nooo -= j - (i + 1);
		return true;
	}
	if (tp->nooo == OOO_MAX)
		return false;
	memmove(&tp->ooo[i + 1], &tp->ooo[i], (tp->nooo - i) * sizeof(tp->ooo[0]));
	tp->ooo[i].start = start;
	tp->ooo[i].end = end;
	tp->ooo[i].fin = fin;
	tp->nooo++;
	return true;
}

/* Is [start, end) inside one out-of-order range already? */
static bool ooo_covers(const struct tcb *tp, uint32_t start, uint32_t end)
{
	unsigned i;

	for (i = 0; i < tp->nooo; i++)
		if (seq_leq(tp->ooo[i].start, start) && seq_leq(end, tp->ooo[i].end))
			return true;
	return false;
}

/* After RCV.NXT advanced: makes queued ranges that now follow it readable.
 * Returns true when a queued FIN became due. */
static bool ooo_pull(struct tcb *tp)
{
	bool fin = false;

	while (tp->nooo > 0 && seq_leq(tp->ooo[0].start, tp->rcv_nxt)) {
		struct tcp_ooo_range *r = &tp->ooo[0];

		if (seq_gt(r->end, tp->rcv_nxt)) {
			uint32_t n = r->end - tp->rcv_nxt;

			ringbuf_commit(&tp->rcvq, n);
			tp->rcv_nxt = r->end;
			tp->bytes_received += n;
		}
		fin = r->fin && r->end == tp->rcv_nxt;
		memmove(&tp->ooo[0], &tp->ooo[1], (tp->nooo - 1) * sizeof(tp->ooo[0]));
		tp->nooo--;
	}
	return fin;
}

/* Step 7: the segment text. Returns true when a FIN is now due. */
static bool receive_text(struct ts_stack *st, struct tcb *tp,
			 const struct tcp_seg *seg)
{
	uint32_t seq = seg->seq, len = seg->len, off, space;
	const uint8_t *p = seg->payload;
	bool fin = (seg->flags & TCP_FIN) != 0, had_holes = tp->nooo > 0;

	if (seq_lt(seq, tp->rcv_nxt)) {
		uint32_t d = tp->rcv_nxt - seq;

		/* Data we had already: say so with a D-SACK (RFC 2883 4.1.1)
		 * so that the sender learns its retransmission was spurious. */
		tcp_dsack_note(st, tp, seq, d >= len ? seq + len : tp->rcv_nxt);
		if (d >= len) {
			CNT(st, TCP_DUP_DATA);
			tp->flags |= TF_ACKNOW;
			return fin && seq + len == tp->rcv_nxt;
		}
		p += d;
		len -= d;
		seq = tp->rcv_nxt;
	}
	off = seq - tp->rcv_nxt;
	space = ringbuf_space(&tp->rcvq);
	if (off >= space) {
		CNT(st, TCP_DROP_RCVBUF);
		tp->flags |= TF_ACKNOW;
		return false;
	}
	if (len > space - off) {
		CNT(st, TCP_DROP_RCVBUF);
		len = space - off;
		fin = false; /* the FIN lies beyond what we keep */
	}
	if (ringbuf_write_at(&tp->rcvq, off, p, len) != 0) {
		tp->flags |= TF_ACKNOW; /* out of memory: drop, sender resends */
		return false;
	}
	if (off > 0) {
		CNT(st, TCP_OOO);
		if (ooo_covers(tp, seq, seq + len)) /* RFC 2883 4.1.2 */
			tcp_dsack_note(st, tp, seq, seq + len);
		if (!ooo_insert(tp, seq, seq + len, fin))
			return false;
		tcp_sack_update_tx(tp, seq, seq + len);
		tp->flags |= TF_ACKNOW; /* a duplicate ACK tells the sender */
		return false;
	}
	ringbuf_commit(&tp->rcvq, len);
	tp->rcv_nxt += len;
	tp->bytes_received += len;
	if (ooo_pull(tp))
		fin = true;
	if (had_holes) {
		tcp_sack_update_tx(tp, 0, 0);
		tp->flags |= TF_ACKNOW; /* RFC 5681 4.2: ACK a filled hole at once */
	} else {
		tcp_ack_later(st, tp);
	}
	if (len > 0)
		tcp_notify(st, tp, TS_EV_READ);
	return fin;
}

/* Step 6: the urgent pointer, BSD style (it points just past the urgent
 * byte, as RFC 6093 recommends following). Urgent data stays in line. */
static void process_urg(struct ts_stack *st, struct tcb *tp,
			const struct tcp_seg *seg)
{
	uint32_t mark = seg->seq + seg->urp;

	if (!(seg->flags & TCP_URG) || seg->urp == 0)
		return;
	if (tp->urg_rcvd && !seq_gt(mark, tp->urg_mark))
		return;
	tp->urg_rcvd = true;
	tp->urg_mark = mark;
	CNT(st, TCP_URG_RX);
	tcp_notify(st, tp, TS_EV_URGENT);
}

void tcp_process_data(struct ts_stack *st, struct tcb *tp,
		      const struct tcp_seg *seg)
{
	bool fin_due = false;

	if (!accepts_text(tp->state)) {
		/* A FIN was received already: ignore text; a repeated FIN
		 * gets an ACK. */
		if (seg->flags & TCP_FIN)
			tp->flags |= TF_ACKNOW;
		return;
	}
	process_urg(st, tp, seg);
	if (seg->len > 0)
		fin_due = receive_text(st, tp, seg);
	else if (seg->flags & TCP_FIN) {
		if (seg->seq == tp->rcv_nxt) {
			fin_due = true;
		} else if (seq_gt(seg->seq, tp->rcv_nxt)) {
			/* Out of order: keep it for later and tell the sender
			 * of the hole at once (RFC 5681 4.2). */
			ooo_insert(tp, seg->seq, seg->seq, true);
			tp->flags |= TF_ACKNOW;
		}
	}
	if (fin_due)
		process_fin(st, tp);
}
