/*
 * tcp_sack.c - selective acknowledgments (RFC 2018).
 *
 * Receiver: the SACK blocks we send describe our out-of-order ranges, the
 * one holding the most recent segment first (RFC 2018 section 4).
 * Sender: a scoreboard of the peer's SACKed ranges above SND.UNA, used to
 * find holes to retransmit during recovery (RFC 6675).
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

static void sb_recount(struct tcp_scoreboard *sb)
{
	unsigned i;

	sb->sacked_bytes = 0;
	for (i = 0; i < sb->nblocks; i++)
		sb->sacked_bytes += sb->blocks[i].right - sb->blocks[i].left;
}

/* Merges [l, r) into the sorted, disjoint scoreboard. */
static void sb_insert(struct tcp_scoreboard *sb, uint32_t l, uint32_t r)
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
		return;
	}
	if (sb->nblocks == SB_MAX)
		return; /* full: recovery falls back to NewReno behaviour */
	memmove(&sb->blocks[i + 1], &sb->blocks[i],
		(sb->nblocks - i) * sizeof(sb->blocks[0]));
	sb->blocks[i].left = l;
	sb->blocks[i].right = r;
	sb->nblocks++;
}

void tcp_sack_update_rx(struct ts_stack *st, struct tcb *tp,
			const struct tcp_opts *o)
{
	unsigned i;

	(void)st;
	for (i = 0; i < o->nsack; i++) {
		uint32_t l = o->sack[i].left, r = o->sack[i].right;

		/* Only blocks about data we sent and have not seen acked
		 * (D-SACKs below SND.UNA and forged blocks are ignored). */
		if (!seq_lt(l, r) || !seq_gt(l, tp->snd_una) || seq_gt(r, tp->snd_max))
			continue;
		sb_insert(&tp->sb, l, r);
	}
	sb_recount(&tp->sb);
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
	if (seq_lt(sb->high_rxt, tp->snd_una))
		sb->high_rxt = tp->snd_una;
	sb_recount(sb);
}

bool tcp_sack_is_lost(const struct tcb *tp, uint32_t seq)
{
	const struct tcp_scoreboard *sb = &tp->sb;
	uint32_t above = 0;
	unsigned i;

	/* RFC 6675 IsLost: DupThresh segments' worth SACKed above seq. */
	for (i = 0; i < sb->nblocks; i++)
		if (seq_gt(sb->blocks[i].left, seq))
			above += sb->blocks[i].right - sb->blocks[i].left;
	return above >= TS_DUPACK_THRESHOLD * (uint32_t)tp->mss;
}

bool tcp_sack_next_hole(const struct tcb *tp, uint32_t *seq, uint32_t *len)
{
	const struct tcp_scoreboard *sb = &tp->sb;
	uint32_t from = seq_max(tp->snd_una, sb->high_rxt);
	unsigned i;

	for (i = 0; i < sb->nblocks; i++) {
		const struct tcp_sack_block *b = &sb->blocks[i];

		if (seq_geq(from, b->right))
			continue;
		if (seq_lt(from, b->left) && tcp_sack_is_lost(tp, from)) {
			uint32_t n = b->left - from;

			*seq = from;
			*len = n < tp->mss ? n : tp->mss;
			return true;
		}
		from = b->right;
	}
	return false;
}

void tcp_sack_clear(struct tcb *tp)
{
	memset(&tp->sb, 0, sizeof(tp->sb));
}
