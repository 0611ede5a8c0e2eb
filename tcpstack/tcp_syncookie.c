/*
 * tcp_syncookie.c - SYN cookies (RFC 4987 section 3.6), encoded as Linux
 * encodes them (net/ipv4/syncookies.c), so traces compare with Linux's.
 *
 * When a listener's SYN queue is full, a SYN is answered with a SYN,ACK
 * and forgotten. Its ISN carries what the connection needs:
 *
 *   ISN = H0(pair) + SEG.SEQ + (count << 24)
 *         + ((H1(pair, count) + mss_index) mod 2^24)
 *
 * H0/H1 keyed SipHash of the socket pair, count a clock ticking every
 * TS_SYNCOOKIE_PERIOD, mss_index the largest entry of Linux's table
 * {536, 1300, 1440, 1460} not above the peer's MSS. When the SYN offered
 * timestamps, our TSval's low 6 bits carry the rest (Linux's
 * cookie_init_timestamp): the peer's window scale (0xf: none) and SACK
 * permitted (bit 4). Without timestamps the SYN,ACK offers neither, as
 * nothing could bring them back.
 *
 * The peer's ACK (ACK = ISN + 1, SEQ = SEG.SEQ + 1, TSecr = our TSval)
 * is checked by peeling the layers off: the count must be at most
 * TS_SYNCOOKIE_MAX_AGE ticks old and the index below 4. Only a listener
 * that sent cookies within TS_SYNCOOKIE_VALID looks for them.
 */
#include <string.h>

#include "stack_internal.h"

#define COOKIE_BITS 24u
#define COOKIE_MASK ((1u << COOKIE_BITS) - 1u)
#define COOKIE_USE_H0 0x636f6f30u /* "coo0" */
#define COOKIE_USE_H1 0x636f6f31u /* "coo1" */
#define TSOPT_BITS 6u             /* low TSval bits carrying options */
#define TSOPT_WSCALE_MASK 0x0fu   /* 0xf: no window scaling */
#define TSOPT_SACK 0x10u

static const uint16_t cookie_msstab[] = { 536, 1300, 1440, 1460 };
#define MSSTAB_N (sizeof(cookie_msstab) / sizeof(cookie_msstab[0]))

static void seg_pair(const struct tcp_seg *seg, struct ts_addr *local,
		     struct ts_addr *remote)
{
	local->ip = seg->dst_ip;
	local->port = seg->dport;
	remote->ip = seg->src_ip;
	remote->port = seg->sport;
}

static uint32_t cookie_count(const struct ts_stack *st)
{
	return (uint32_t)((stack_now(st) + st->tcp.clock_offset) /
			  TS_SYNCOOKIE_PERIOD);
}

static uint32_t cookie_make(const struct ts_stack *st, const struct tcp_seg *syn,
			    uint32_t data)
{
	struct ts_addr l, r;
	uint32_t count = cookie_count(st);

	seg_pair(syn, &l, &r);
	return tcp_keyed_hash32(st, &l, &r, 0, COOKIE_USE_H0) + syn->seq +
	       (count << COOKIE_BITS) +
	       ((tcp_keyed_hash32(st, &l, &r, count, COOKIE_USE_H1) + data) &
		COOKIE_MASK);
}

/* The MSS index a cookie from ack carries, or -1 when it is not valid. */
static int cookie_check(const struct ts_stack *st, const struct tcp_seg *ack)
{
	struct ts_addr l, r;
	uint32_t cookie = ack->ack - 1, count = cookie_count(st), diff, data;

	seg_pair(ack, &l, &r);
	cookie -= tcp_keyed_hash32(st, &l, &r, 0, COOKIE_USE_H0) + (ack->seq - 1);
	diff = (count - (cookie >> COOKIE_BITS)) & (UINT32_MAX >> COOKIE_BITS);
	if (diff > TS_SYNCOOKIE_MAX_AGE)
		return -1;
	data = (cookie - tcp_keyed_hash32(st, &l, &r, count - diff, COOKIE_USE_H1)) &
	       COOKIE_MASK;
	return data < MSSTAB_N ? (int)data : -1;
}

static unsigned mss_index(const struct tcp_opts *o)
{
	unsigned i = MSSTAB_N - 1;
	uint16_t mss = o->mss_present ? o->mss : TS_MSS_DEFAULT;

	while (i > 0 && mss < cookie_msstab[i])
		i--;
	return i;
}

static uint32_t ts_offset_for(const struct ts_stack *st, const struct tcb *lp,
			      const struct tcp_seg *seg)
{
	struct ts_addr l, r;

	if (lp->flags & TF_ISN_FIXED)
		return 0; /* reproducible traces, as tcp_init_send_side */
	seg_pair(seg, &l, &r);
	return tcp_ts_offset_pair(st, &l, &r);
}

/* The options of the SYN,ACK: what the SYN offered, as far as the cookie
 * can bring it back. */
static void cookie_options(const struct ts_stack *st, const struct tcb *lp,
			   const struct tcp_seg *syn, struct tcp_opts *o)
{
	const struct tcp_opts *in = &syn->opt;

	memset(o, 0, sizeof(*o));
	o->mss_present = true;
	o->mss = (uint16_t)(st->mtu - 40u);
	if (lp->mss_clamp != 0 && o->mss > lp->mss_clamp)
		o->mss = lp->mss_clamp;
	if (!in->ts_present)
		return;
	o->ts_present = true;
	o->sack_ok = in->sack_ok;
	o->wscale_present = in->wscale_present;
	o->wscale = tcp_wscale_for(lp->rcvbuf);
	{
		uint32_t now = (uint32_t)(stack_now(st) / TS_USEC_PER_MSEC) +
			       ts_offset_for(st, lp, syn);
		uint32_t bits = in->wscale_present
					? (in->wscale > TS_WSCALE_MAX ? TS_WSCALE_MAX
								      : in->wscale)
					: TSOPT_WSCALE_MASK;
		uint32_t tsval = (now >> TSOPT_BITS << TSOPT_BITS) | bits |
				 (in->sack_ok ? TSOPT_SACK : 0u);

		if (seq_gt(tsval, now)) /* never ahead of our clock */
			tsval -= 1u << TSOPT_BITS;
		o->tsval = tsval;
		o->tsecr = in->tsval;
	}
}

void tcp_syncookie_send(struct ts_stack *st, struct tcb *lp,
			const struct tcp_seg *syn)
{
	unsigned idx = mss_index(&syn->opt);
	uint32_t space = lp->rcvbuf > 65535u ? 65535u : lp->rcvbuf;
	struct tcp_opts o;

	if (lp->cookie_at == 0 || stack_now(st) - lp->cookie_at > TS_SYNCOOKIE_VALID)
		trace_event(st, "listen: SYN queue full on port %u (%u half-open): "
			    "answering with SYN cookies (RFC 4987)",
			    lp->local.port, lp->synq_len);
	lp->cookie_at = stack_now(st);
	cookie_options(st, lp, syn, &o);
	CNT(st, TCP_COOKIES_SENT);
	tcp_send_bare(st, syn, cookie_make(st, syn, idx), syn->seq + 1,
		      TCP_SYN | TCP_ACK, (uint16_t)space, &o);
}

/* Applies what the cookie brought back: MSS from the table, and with
 * timestamps the window scale and SACK permitted from the echoed TSval. */
static void cookie_restore(struct ts_stack *st, struct tcb *c,
			   const struct tcp_seg *ack, unsigned idx)
{
	struct tcp_seg syn;

	memset(&syn, 0, sizeof(syn));
	syn.opt.mss_present = true;
	syn.opt.mss = cookie_msstab[idx];
	if (ack->opt.ts_present && ack->opt.tsecr != 0) {
		uint32_t bits = ack->opt.tsecr & ((1u << TSOPT_BITS) - 1u);

		syn.opt.ts_present = true;
		syn.opt.tsval = ack->opt.tsval;
		syn.opt.sack_ok = (bits & TSOPT_SACK) != 0;
		syn.opt.wscale_present =
			(bits & TSOPT_WSCALE_MASK) != TSOPT_WSCALE_MASK;
		syn.opt.wscale = (uint8_t)(bits & TSOPT_WSCALE_MASK);
	}
	c->rcv_wscale = tcp_wscale_for(c->rcvbuf);
	tcp_syn_options(st, c, &syn);
}

/* The connection a valid cookie stands for, ESTABLISHED. */
static struct tcb *cookie_connection(struct ts_stack *st, struct tcb *lp,
				     const struct tcp_seg *ack, unsigned idx)
{
	struct tcb *c = tcp_listener_spawn(st, lp, ack);
	uint32_t field = lp->rcvbuf > 65535u ? 65535u : lp->rcvbuf;

	if (c == NULL)
		return NULL;
	c->flags |= TF_FROM_COOKIE | TF_SYN_ACKED;
	c->mss_announce = (uint16_t)(st->mtu - 40u);
	if (c->mss_clamp != 0 && c->mss_announce > c->mss_clamp)
		c->mss_announce = c->mss_clamp;
	c->iss = ack->ack - 1;
	c->snd_una = c->snd_nxt = c->snd_max = ack->ack;
	c->irs = ack->seq - 1;
	c->rcv_nxt = ack->seq;
	c->rcv_adv = ack->seq + field; /* the SYN,ACK's window */
	c->last_ack_sent = c->rcv_nxt;
	c->ts_offset = ts_offset_for(st, lp, ack);
	cookie_restore(st, c, ack, idx);
	c->snd_wnd = (uint32_t)ack->wnd << c->snd_wscale;
	c->snd_wl1 = ack->seq;
	c->snd_wl2 = ack->ack;
	c->max_sndwnd = c->snd_wnd;
	c->heard_at = stack_now(st);
	tcp_cc_init(st, c);
	c->state = TS_LISTEN;
	tcp_set_state(st, c, TS_ESTABLISHED, "rcvd ACK with a valid SYN cookie");
	tcp_listener_child_established(st, c);
	return c;
}

bool tcp_syncookie_ack(struct ts_stack *st, struct tcb *lp,
		       const struct tcp_seg *ack)
{
	struct tcb *c;
	int idx;

	if (lp->cookie_at == 0 || stack_now(st) - lp->cookie_at > TS_SYNCOOKIE_VALID)
		return false; /* no cookies out: an ordinary stray ACK */
	idx = cookie_check(st, ack);
	if (idx < 0) {
		CNT(st, TCP_COOKIES_BAD);
		trace_event(st, "syncookie: ACK from %u.%u.%u.%u:%u with no valid "
			    "cookie: reset", ack->src_ip >> 24,
			    (ack->src_ip >> 16) & 0xff, (ack->src_ip >> 8) & 0xff,
			    ack->src_ip & 0xff, ack->sport);
		return false;
	}
	if (lp->aq_len >= lp->backlog) {
		CNT(st, TCP_DROP_LISTEN_OVERFLOW);
		return true; /* valid, but no room: the peer will retransmit */
	}
	c = cookie_connection(st, lp, ack, (unsigned)idx);
	if (c == NULL)
		return true;
	CNT(st, TCP_COOKIES_OK);
	trace_event(st, "syncookie: valid cookie from %u.%u.%u.%u:%u: mss %u, "
		    "wscale %s, sack %s, timestamps %s",
		    ack->src_ip >> 24, (ack->src_ip >> 16) & 0xff,
		    (ack->src_ip >> 8) & 0xff, ack->src_ip & 0xff, ack->sport,
		    cookie_msstab[idx], (c->flags & TF_RCVD_WSCALE) ? "yes" : "no",
		    (c->flags & TF_RCVD_SACKOK) ? "yes" : "no",
		    (c->flags & TF_RCVD_TS) ? "yes" : "no");
	if (ack->len > 0 || (ack->flags & (TCP_FIN | TCP_URG)))
		tcp_process_data(st, c, ack);
	tcp_output(st, c);
	return true;
}
