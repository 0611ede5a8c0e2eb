/*
 * tcp_txrec.c - the sender's record of every segment in flight.
 *
 * A ring of struct tcp_txrec in sequence order, one per segment first
 * sent by tcp_output(), tiling [SND.UNA, SND.MAX) with no gap. Loss
 * recovery works on records: the peer's SACK blocks mark them SACKED, RACK
 * (RFC 8985), RFC 6675 IsLost and the retransmission timer mark them LOST,
 * and a retransmission sets RETRANS and moves the record to the end of the
 * time-ordered list. The byte counts kept here give RFC 6675's "pipe".
 *
 * Indices are absolute (they grow with every record and wrap modulo
 * 2^32); slot = index & (cap - 1). The ring grows by doubling up to
 * TS_TXREC_MAX records; tcp_output() reserves a slot before it sends, so
 * a segment never leaves without its record.
 *
 * Ownership: the ring belongs to the TCB (tcp_txq_free, from
 * tcp_sack_clear, releases it).
 */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"

#define TXQ_INITIAL 64u

static struct tcp_txrec *at(const struct tcp_txq *q, uint32_t idx)
{
	return &q->rec[idx & (q->cap - 1)];
}

struct tcp_txrec *tcp_txq_at(const struct tcp_txq *q, uint32_t idx)
{
	return at(q, idx);
}

void tcp_txq_free(struct tcb *tp)
{
	free(tp->txq.rec);
	memset(&tp->txq, 0, sizeof(tp->txq));
}

/* Doubles the ring; records keep their absolute indices. */
static bool txq_grow(struct tcp_txq *q)
{
	uint32_t ncap = q->cap ? q->cap * 2 : TXQ_INITIAL, i;
	struct tcp_txrec *nr;

	if (ncap > TS_TXREC_MAX)
		return false;
	nr = malloc((size_t)ncap * sizeof(*nr));
	if (nr == NULL)
		return false;
	for (i = 0; i < q->n; i++)
		nr[(q->head + i) & (ncap - 1)] = *at(q, q->head + i);
	free(q->rec);
	q->rec = nr;
	q->cap = ncap;
	return true;
}

bool tcp_txq_reserve(struct tcb *tp)
{
	struct tcp_txq *q = &tp->txq;

	return q->n < q->cap || txq_grow(q);
}

/* ---- the time-ordered list --------------------------------------------- */

static void tlist_unlink(struct tcp_txq *q, uint32_t idx)
{
	struct tcp_txrec *r = at(q, idx);

	if (!(r->flags & TXR_TLIST))
		return;
	if (idx == q->tfirst)
		q->tfirst = r->tnext;
	else
		at(q, r->tprev)->tnext = r->tnext;
	if (idx == q->tlast)
		q->tlast = r->tprev;
	else
		at(q, r->tnext)->tprev = r->tprev;
	r->flags &= (uint8_t)~TXR_TLIST;
	q->tcount--;
}

static void tlist_append(struct tcp_txq *q, uint32_t idx)
{
	struct tcp_txrec *r = at(q, idx);

	tlist_unlink(q, idx);
	r->tprev = q->tlast;
	if (q->tcount == 0)
		q->tfirst = idx;
	else
		at(q, q->tlast)->tnext = idx;
	q->tlast = idx;
	q->tcount++;
	r->flags |= TXR_TLIST;
}

/* ---- records -------------------------------------------------------------- */

void tcp_txq_append(struct tcb *tp, uint32_t seq, uint32_t end, bool fin,
		    ts_time_t now, uint32_t tsval)
{
	struct tcp_txq *q = &tp->txq;
	uint32_t idx = q->head + q->n;
	struct tcp_txrec *r;

	if (q->n == q->cap && !txq_grow(q))
		return; /* not reached: tcp_output reserved the slot */
	r = at(q, idx);
	memset(r, 0, sizeof(*r));
	r->seq = seq;
	r->end = end;
	r->xmit = now;
	r->xorder = ++q->xorder;
	r->tsval = tsval;
	r->flags = fin ? TXR_FIN : 0;
	q->n++;
	tlist_append(q, idx);
}

static uint32_t rec_len(const struct tcp_txrec *r)
{
	return r->end - r->seq;
}

/* Takes a record's bytes out of the state counts (before it changes). */
static void counts_sub(struct tcp_txq *q, const struct tcp_txrec *r, uint32_t n)
{
	if (r->flags & TXR_SACKED)
		q->sacked -= n;
	if (r->flags & TXR_LOST)
		q->lost -= n;
	if (r->flags & TXR_RETRANS)
		q->retrans -= n;
}

uint32_t tcp_txq_ack(struct ts_stack *st, struct tcb *tp, uint32_t una,
		     const struct tcp_seg *ack)
{
	struct tcp_txq *q = &tp->txq;
	uint32_t delivered = 0;

	while (q->n > 0) {
		struct tcp_txrec *r = at(q, q->head);
		uint32_t n;

		if (seq_leq(r->end, una)) {
			n = rec_len(r);
			if (!(r->flags & TXR_SACKED)) {
				delivered += n;
				tcp_rack_delivered(st, tp, r, ack);
			}
			counts_sub(q, r, n);
			tlist_unlink(q, q->head);
			q->head++;
			q->n--;
			continue;
		}
		if (seq_lt(r->seq, una)) {
			/* Partly acknowledged (a peer that acks inside a
			 * segment): keep the rest. */
			n = una - r->seq;
			counts_sub(q, r, n);
			if (!(r->flags & TXR_SACKED))
				delivered += n;
			r->seq = una;
		}
		break;
	}
	if (q->lost_hint - q->head > q->n) /* fell behind the head */
		q->lost_hint = q->head;
	return delivered;
}

uint32_t tcp_txq_find(const struct tcp_txq *q, uint32_t seq)
{
	uint32_t lo = 0, hi = q->n;

	/* First record (offset from head) whose end is beyond seq. */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (seq_leq(at(q, q->head + mid)->end, seq))
			lo = mid + 1;
		else
			hi = mid;
	}
	return q->head + lo;
}

uint32_t tcp_txq_set_sacked(struct ts_stack *st, struct tcb *tp, uint32_t idx,
			    const struct tcp_seg *ack)
{
	struct tcp_txq *q = &tp->txq;
	struct tcp_txrec *r = at(q, idx);
	uint32_t n = rec_len(r);

	if (r->flags & TXR_SACKED)
		return 0;
	counts_sub(q, r, n);
	r->flags = (uint8_t)((r->flags & ~(TXR_LOST | TXR_RETRANS)) | TXR_SACKED);
	q->sacked += n;
	tlist_unlink(q, idx);
	tcp_rack_delivered(st, tp, r, ack);
	return n;
}

bool tcp_txq_set_lost(struct tcb *tp, uint32_t idx)
{
	struct tcp_txq *q = &tp->txq;
	struct tcp_txrec *r = at(q, idx);
	uint32_t n = rec_len(r);

	if ((r->flags & TXR_SACKED) ||
	    (r->flags & (TXR_LOST | TXR_RETRANS)) == TXR_LOST)
		return false;
	if (r->flags & TXR_RETRANS) {
		/* A retransmission lost again: it leaves the pipe. */
		q->retrans -= n;
		r->flags &= (uint8_t)~TXR_RETRANS;
	} else {
		q->lost += n;
		r->flags |= TXR_LOST;
	}
	tlist_unlink(q, idx);
	if (idx - q->head < q->lost_hint - q->head)
		q->lost_hint = idx; /* offsets from the head, unsigned */
	return true;
}

void tcp_txq_sent_again(struct tcb *tp, uint32_t idx, ts_time_t now,
			uint32_t tsval)
{
	struct tcp_txq *q = &tp->txq;
	struct tcp_txrec *r = at(q, idx);

	if ((r->flags & (TXR_LOST | TXR_RETRANS)) == TXR_LOST)
		q->retrans += rec_len(r);
	if (r->flags & TXR_LOST)
		r->flags |= TXR_RETRANS;
	r->flags |= TXR_EVER_RETRANS;
	r->xmit = now;
	r->xorder = ++q->xorder;
	r->tsval = tsval;
	tlist_append(q, idx);
}

uint32_t tcp_txq_next_lost(struct tcb *tp)
{
	struct tcp_txq *q = &tp->txq;
	uint32_t i = q->lost_hint - q->head > q->n ? q->head : q->lost_hint;

	for (; i != q->head + q->n; i++)
		if ((at(q, i)->flags & (TXR_LOST | TXR_RETRANS | TXR_SACKED)) ==
		    TXR_LOST)
			break;
	q->lost_hint = i;
	return i;
}

unsigned tcp_txq_mark_all_lost(struct tcb *tp)
{
	struct tcp_txq *q = &tp->txq;
	unsigned marked = 0;
	uint32_t i;

	for (i = q->head; i != q->head + q->n; i++) {
		struct tcp_txrec *r = at(q, i);

		if (r->flags & TXR_SACKED)
			continue;
		if (r->flags & TXR_RETRANS) {
			q->retrans -= rec_len(r);
			r->flags &= (uint8_t)~TXR_RETRANS;
		}
		if (!(r->flags & TXR_LOST)) {
			q->lost += rec_len(r);
			r->flags |= TXR_LOST;
		}
		tlist_unlink(q, i);
		marked++;
	}
	q->lost_hint = q->head;
	return marked;
}

bool tcp_txq_recut(struct tcb *tp, uint32_t mss)
{
	struct tcp_txq *q = &tp->txq, nq;
	uint32_t i;

	memset(&nq, 0, sizeof(nq));
	nq.head = q->head;
	nq.xorder = q->xorder;
	for (i = q->head; i != q->head + q->n; i++) {
		struct tcp_txrec r = *at(q, i);
		uint32_t seq = r.seq;

		do {
			uint32_t left = r.end - seq, take = left;
			struct tcp_txrec *d;

			if (!(r.flags & TXR_SACKED) && take > mss)
				take = mss;
			if ((nq.n == nq.cap && !txq_grow(&nq))) {
				free(nq.rec);
				return false; /* keep the old cut */
			}
			d = at(&nq, nq.head + nq.n++);
			*d = r;
			d->seq = seq;
			d->end = seq + take;
			d->flags &= (uint8_t)~(TXR_TLIST | TXR_RETRANS);
			if (seq + take != r.end)
				d->flags &= (uint8_t)~TXR_FIN;
			if (!(d->flags & TXR_SACKED))
				d->flags |= TXR_LOST;
			seq += take;
		} while (seq != r.end);
	}
	free(q->rec);
	*q = nq;
	q->sacked = 0;
	q->lost = 0;
	for (i = q->head; i != q->head + q->n; i++) {
		struct tcp_txrec *r = at(q, i);

		if (r->flags & TXR_SACKED)
			q->sacked += rec_len(r);
		else
			q->lost += rec_len(r);
	}
	q->lost_hint = q->head;
	return true;
}

uint32_t tcp_pipe(const struct tcb *tp)
{
	const struct tcp_txq *q = &tp->txq;
	uint32_t out = tp->snd_max - tp->snd_una, gone;

	if (tcp_syn_unacked(tp))
		return out;
	gone = q->sacked + q->lost;
	return (out > gone ? out - gone : 0) + q->retrans;
}

void tcp_txq_unsack_all(struct tcb *tp)
{
	struct tcp_txq *q = &tp->txq;
	uint32_t i;

	for (i = q->head; i != q->head + q->n; i++) {
		struct tcp_txrec *r = at(q, i);

		if (!(r->flags & TXR_SACKED))
			continue;
		q->sacked -= rec_len(r);
		q->lost += rec_len(r);
		r->flags = (uint8_t)((r->flags & ~TXR_SACKED) | TXR_LOST);
	}
	q->lost_hint = q->head;
}
