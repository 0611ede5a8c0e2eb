/*
 * tcp_sack.c - selective acknowledgments (RFC 2018, RFC 2883, RFC 6675).
 *
 * Receiver: the SACK blocks we send describe our out-of-order ranges, the
 * one holding the most recent segment first (RFC 2018 section 4), after a
 * D-SACK block for a duplicate segment (RFC 2883).
 * Sender: a scoreboard of the peer's SACKed ranges above SND.UNA. Each
 * block marks the transmission records it covers SACKED (tcp_txrec.c),
 * which feeds RACK (tcp_rack.c) and RFC 6675's pipe; IsLost marks the
 * records below enough SACKed data LOST.
 */
#include <string.h>

#include "stack_internal.h"

#define SB_MAX (sizeof(((struct tcp_scoreboard *)0)->blocks) / \
		sizeof(((struct tcp_scoreboard *)0)->blocks[0]))

/* The out-of-order range holding seq, or NULL. */
static const struct tcp_ooo_range *ooo_find(const struct tcb *tp, uint32_t seq)
{
	unsigned i;

	for (i = 0; i < tp->nooo; i++)
		if (seq_leq(tp->ooo[i].start, seq) && seq_lt(seq, tp->ooo[i].end))
			return &tp->ooo[i];
	return NULL;
}

static bool block_listed(const struct tcp_sack_block *b, unsigned n,
			 const struct tcp_ooo_range *r)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (b[i].left == r->start)
			return true;
	return false;
}

void tcp_sack_update_tx(struct tcb *tp, uint32_t recent_start,
			uint32_t recent_end)
{
	struct tcp_sack_block out[TS_SACK_BLOCKS_MAX];
	const struct tcp_ooo_range *r;
	unsigned n = 0, i;

	if (!(tp->flags & TF_RCVD_SACKOK))
		return;
	/* 1. The range that holds the segment just received. */
	if (recent_start != recent_end && (r = ooo_find(tp, recent_start)) != NULL) {
		out[n].left = r->start;
		out[n].right = r->end;
		n++;
	}
	/* 2. Blocks reported before that still exist, most recent first. */
	for (i = 0; i < tp->nsack_tx && n < TS_SACK_BLOCKS_MAX; i++) {
		r = ooo_find(tp, tp->sack_tx[i].left);
		if (r != NULL && r->end != r->start && !block_listed(out, n, r)) {
			out[n].left = r->start;
			out[n].right = r->end;
			n++;
		}
	}
	/* 3. Any other ranges, lowest first. */
	for (i = 0; i < tp->nooo && n < TS_SACK_BLOCKS_MAX; i++) {
		r = &tp->ooo[i];
		if (r->end != r->start && !block_listed(out, n, r)) {
			out[n].left = r->start;
			out[n].right = r->end;
			n++;
		}
	}
	memcpy(tp->sack_tx, out, n * sizeof(out[0]));
	tp->nsack_tx = n;
}

/* ---- receiver: D-SACK (RFC 2883) ----------------------------------------- */

void tcp_dsack_note(struct ts_stack *st, struct tcb *tp, uint32_t left,
		    uint32_t right)
{
	if (!(tp->flags & TF_RCVD_SACKOK) || !seq_lt(left, right))
		return;
	tp->dsack_tx.left = left;
	tp->dsack_tx.right = right;
	tp->flags |= TF_DSACK_PENDING | TF_ACKNOW;
	CNT(st, TCP_DSACK_TX);
}

/* ---- sender: the scoreboard ---------------------------------------------- */

/* Merges [l, r) into the sorted, disjoint scoreboard. False when it is
 * full and the range had to be left out. */
static bool sb_insert(struct tcp_scoreboard *sb, uint32_t l, uint32_t r)
{
	unsigned i = 0, j;

	while (i < sb->nblocks && seq_lt(sb->blocks[i].right, l))
		i++;
	if (i < sb->nblocks && seq_leq(sb->blocks[i].left, r)) {
		struct tcp_sack_block *b = &sb->blocks[i];

		b->left = seq_min(b->left, l);
		b->right = seq_max(b->right, r);
		for (j = i + 1; j < sb->nblocks && seq_leq(sb->blocks[j].left, b->right); j++)
			b->right = seq_max(b->right, sb->blocks[j].right);
		memmove(&sb->blocks[i + 1], &sb->blocks[j],
			(sb->nblocks - j) * sizeof(sb->blocks[0]));
		sb->nblocks -= j - (i + 1);
		return true;
	}
	if (sb->nblocks == SB_MAX)
		return false;
	memmove(&sb->blocks[i + 1], &sb->blocks[i],
		(sb->nblocks - i) * sizeof(sb->blocks[0]));
	sb->blocks[i].left = l;
	sb->blocks[i].right = r;
	sb->nblocks++;
	return true;
}

/* The scoreboard block holding seq, or NULL. */
static const struct tcp_sack_block *sb_find(const struct tcp_scoreboard *sb,
					    uint32_t seq)
{
	unsigned i;

	for (i = 0; i < sb->nblocks; i++)
		if (seq_leq(sb->blocks[i].left, seq) && seq_lt(seq, sb->blocks[i].right))
			return &sb->blocks[i];
	return NULL;
}

/* Marks SACKED every record within [l, r) that lies wholly inside cover.
 * Returns the bytes newly SACKed. */
static uint32_t mark_range(struct ts_stack *st, struct tcb *tp, uint32_t l,
			   uint32_t r, const struct tcp_sack_block *cover,
			   const struct tcp_seg *ack)
{
	struct tcp_txq *q = &tp->txq;
	uint32_t i, n = 0;

	for (i = tcp_txq_find(q, l); i != q->head + q->n; i++) {
		const struct tcp_txrec *rec = tcp_txq_at(q, i);

		if (!seq_lt(rec->seq, r))
			break;
		if (seq_geq(rec->seq, cover->left) && seq_leq(rec->end, cover->right))
			n += tcp_txq_set_sacked(st, tp, i, ack);
	}
	return n;
}

/* One valid block from the peer: the parts the scoreboard did not hold yet
 * mark their records. Returns the bytes newly SACKed. */
static uint32_t sack_block(struct ts_stack *st, struct tcb *tp, uint32_t l,
			   uint32_t r, const struct tcp_seg *ack)
{
	struct tcp_scoreboard *sb = &tp->sb;
	struct tcp_sack_block parts[SB_MAX + 1], cover = { l, r };
	const struct tcp_sack_block *merged;
	unsigned np = 0, i;
	uint32_t from = l, n = 0;

	for (i = 0; i < sb->nblocks && seq_lt(from, r); i++) {
		const struct tcp_sack_block *b = &sb->blocks[i];

		if (seq_leq(b->right, from))
			continue;
		if (seq_geq(b->left, r))
			break;
		if (seq_lt(from, b->left))
			parts[np++] = (struct tcp_sack_block){ from, b->left };
		from = b->right;
	}
	if (seq_lt(from, r))
		parts[np++] = (struct tcp_sack_block){ from, r };
	if (np == 0)
		return 0; /* nothing new */
	sb_insert(sb, l, r);
	merged = sb_find(sb, l);
	if (merged != NULL)
		cover = *merged;
	for (i = 0; i < np; i++)
		n += mark_range(st, tp, parts[i].left, parts[i].right, &cover, ack);
	return n;
}

/* RFC 2883 section 4: the first block reports a duplicate when it lies
 * below the cumulative ACK or inside the second block. */
static bool is_dsack(const struct tcp_opts *o, uint32_t ack)
{
	if (o->nsack == 0)
		return false;
	if (seq_lt(o->sack[0].left, ack))
		return true;
	return o->nsack > 1 && seq_geq(o->sack[0].left, o->sack[1].left) &&
	       seq_leq(o->sack[0].right, o->sack[1].right);
}

uint32_t tcp_sack_rx(struct ts_stack *st, struct tcb *tp,
		     const struct tcp_seg *seg)
{
	const struct tcp_opts *o = &seg->opt;
	uint32_t n = 0;
	unsigned i = 0;

	if (is_dsack(o, seg->ack)) {
		CNT(st, TCP_DSACK_RX);
		tcp_rack_dsack(st, tp);
		tcp_recovery_dsack(st, tp, o->sack[0].left, o->sack[0].right);
		i = 1;
	}
	for (; i < o->nsack; i++) {
		uint32_t l = o->sack[i].left, r = o->sack[i].right;

		/* SECURITY: only blocks about data we sent and have not seen
		 * acked; forged or stale ones are ignored (RFC 6675 5.1). */
		if (!seq_lt(l, r) || !seq_geq(l, tp->snd_una) ||
		    seq_gt(r, tp->snd_max))
			continue;
		n += sack_block(st, tp, l, r, seg);
	}
	return n;
}

void tcp_sack_advance(struct tcb *tp)
{
	struct tcp_scoreboard *sb = &tp->sb;
	unsigned drop = 0;

	while (drop < sb->nblocks && seq_leq(sb->blocks[drop].right, tp->snd_una))
		drop++;
	memmove(&sb->blocks[0], &sb->blocks[drop],
		(sb->nblocks - drop) * sizeof(sb->blocks[0]));
	sb->nblocks -= drop;
	if (sb->nblocks > 0 && seq_lt(sb->blocks[0].left, tp->snd_una))
		sb->blocks[0].left = tp->snd_una;
	/* Pointers below SND.UNA are dragged along, so that they never fall
	 * 2^31 behind, where sequence comparison would turn them around. */
	if (seq_lt(sb->high_rxt, tp->snd_una))
		sb->high_rxt = tp->snd_una;
	if (seq_lt(sb->isl_scanned, tp->snd_una))
		sb->isl_scanned = tp->snd_una;
}

uint32_t tcp_sack_lost_boundary(const struct tcb *tp)
{
	const struct tcp_scoreboard *sb = &tp->sb;
	uint32_t above = 0;
	unsigned i = sb->nblocks;

	/* RFC 6675 IsLost(S): more than (DupThresh - 1) * SMSS bytes SACKed
	 * above S. Every S below the left edge of the highest block whose
	 * suffix sum passes that is lost. */
	while (i-- > 0) {
		above += sb->blocks[i].right - sb->blocks[i].left;
		if (above > (TS_DUPACK_THRESHOLD - 1u) * (uint32_t)tp->mss)
			return sb->blocks[i].left;
	}
	return tp->snd_una;
}

bool tcp_sack_is_lost(const struct tcb *tp, uint32_t seq)
{
	return seq_lt(seq, tcp_sack_lost_boundary(tp));
}

unsigned tcp_sack_mark_lost(struct tcb *tp)
{
	struct tcp_scoreboard *sb = &tp->sb;
	struct tcp_txq *q = &tp->txq;
	uint32_t edge = tcp_sack_lost_boundary(tp), i;
	unsigned marked = 0;

	if (!seq_gt(edge, sb->isl_scanned))
		return 0;
	/* Each record is judged by this rule once; a retransmission that is
	 * lost too is RACK's to find (RFC 6675 uses HighRxt for the same). */
	for (i = tcp_txq_find(q, sb->isl_scanned); i != q->head + q->n; i++) {
		const struct tcp_txrec *r = tcp_txq_at(q, i);

		if (!seq_lt(r->seq, edge))
			break;
		if (!(r->flags & (TXR_SACKED | TXR_EVER_RETRANS)) &&
		    tcp_txq_set_lost(tp, i))
			marked++;
	}
	sb->isl_scanned = edge;
	return marked;
}

void tcp_sack_clear(struct tcb *tp)
{
	memset(&tp->sb, 0, sizeof(tp->sb));
	tcp_txq_free(tp);
}
