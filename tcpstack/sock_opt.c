/*
 * sock_opt.c - socket options and the status snapshot (RFC 9293 3.10.6
 * STATUS, in the shape of Linux's TCP_INFO).
 */
#include <errno.h>
#include <string.h>

#include "stack_internal.h"

static uint32_t clamp_buf(int64_t v)
{
	if (v < TS_BUF_MIN)
		return TS_BUF_MIN;
	if (v > TS_BUF_MAX)
		return TS_BUF_MAX;
	return (uint32_t)v;
}

static void set_flag(struct tcb *tp, uint32_t flag, int64_t on)
{
	if (on)
		tp->flags |= flag;
	else
		tp->flags &= ~flag;
}

/* Options that only make sense before the connection exists. */
static int set_before_open(struct tcb *tp, enum ts_opt opt, int64_t v)
{
	if (tp->state != TS_CLOSED)
		return -EISCONN;
	switch (opt) {
	case TS_OPT_RCVBUF:
		tp->rcvbuf = clamp_buf(v);
		ringbuf_set_limit(&tp->rcvq, tp->rcvbuf);
		return 0;
	case TS_OPT_ISN:
		if (v < 0 || v > UINT32_MAX)
			return -EINVAL;
		tp->fixed_isn = (uint32_t)v;
		tp->flags |= TF_ISN_FIXED;
		return 0;
	case TS_OPT_MAXSEG:
		if (v < TS_MSS_MIN || v > 65535)
			return -EINVAL;
		tp->mss_clamp = (uint16_t)v;
		return 0;
	default:
		return -EINVAL;
	}
}

int ts_setopt(struct ts_stack *st, int sock, enum ts_opt opt, int64_t v)
{
	struct tcb *tp = tcb_from_sock(st, sock);

	if (tp == NULL)
		return -EBADF;
	stack_refresh_now(st);
	switch (opt) {
	case TS_OPT_REUSEADDR:
		set_flag(tp, TF_REUSEADDR, v);
		return 0;
	case TS_OPT_NODELAY:
		set_flag(tp, TF_NODELAY, v);
		if (v)
			tcp_output(st, tp); /* send what Nagle held back */
		return 0;
	case TS_OPT_SNDBUF:
		tp->sndbuf = clamp_buf(v);
		ringbuf_set_limit(&tp->sndq, tp->sndbuf);
		return 0;
	case TS_OPT_KEEPALIVE:
		set_flag(tp, TF_KEEPALIVE, v);
		if (v && tp->state == TS_ESTABLISHED)
			tcp_timer_set(st, tp, TCPT_KEEP,
				      stack_now(st) + tp->keep_idle_s * TS_USEC_PER_SEC);
		else if (!v)
			tcp_timer_clear(st, tp, TCPT_KEEP);
		return 0;
	case TS_OPT_KEEPIDLE:
	case TS_OPT_KEEPINTVL:
	case TS_OPT_KEEPCNT:
		if (v < 1 || v > 86400 * 7)
			return -EINVAL;
		if (opt == TS_OPT_KEEPIDLE)
			tp->keep_idle_s = (uint32_t)v;
		else if (opt == TS_OPT_KEEPINTVL)
			tp->keep_intvl_s = (uint32_t)v;
		else
			tp->keep_cnt = (uint32_t)v;
		return 0;
	case TS_OPT_CONGESTION:
		if (v != TS_CC_CUBIC && v != TS_CC_NEWRENO)
			return -EINVAL;
		tcp_cc_set_algo(tp, (enum ts_cc)v);
		return 0;
	case TS_OPT_USER_TIMEOUT:
		if (v < 0 || v > UINT32_MAX)
			return -EINVAL;
		tp->user_timeout_ms = (uint32_t)v;
		return 0;
	default:
		return set_before_open(tp, opt, v);
	}
}

int ts_getopt(const struct ts_stack *st, int sock, enum ts_opt opt,
	      int64_t *v)
{
	const struct tcb *tp = tcb_from_sock(st, sock);

	if (tp == NULL)
		return -EBADF;
	switch (opt) {
	case TS_OPT_REUSEADDR: *v = (tp->flags & TF_REUSEADDR) != 0; break;
	case TS_OPT_NODELAY: *v = (tp->flags & TF_NODELAY) != 0; break;
	case TS_OPT_SNDBUF: *v = tp->sndbuf; break;
	case TS_OPT_RCVBUF: *v = tp->rcvbuf; break;
	case TS_OPT_KEEPALIVE: *v = (tp->flags & TF_KEEPALIVE) != 0; break;
	case TS_OPT_KEEPIDLE: *v = tp->keep_idle_s; break;
	case TS_OPT_KEEPINTVL: *v = tp->keep_intvl_s; break;
	case TS_OPT_KEEPCNT: *v = tp->keep_cnt; break;
	case TS_OPT_CONGESTION: *v = tp->cc_algo; break;
	case TS_OPT_ISN: *v = tp->fixed_isn; break;
	case TS_OPT_MAXSEG: *v = tp->mss; break;
	case TS_OPT_USER_TIMEOUT: *v = tp->user_timeout_ms; break;
	default: return -EINVAL;
	}
	return 0;
}

int ts_getinfo(const struct ts_stack *st, int sock, struct ts_sockinfo *out)
{
	const struct tcb *tp = tcb_from_sock(st, sock);

	if (tp == NULL)
		return -EBADF;
	memset(out, 0, sizeof(*out));
	out->state = tp->state;
	out->local = tp->local;
	out->remote = tp->remote;
	out->snd_una = tp->snd_una;
	out->snd_nxt = tp->snd_nxt;
	out->snd_wnd = tp->snd_wnd;
	out->rcv_nxt = tp->rcv_nxt;
	out->rcv_wnd = tcp_rcv_window(tp);
	out->iss = tp->iss;
	out->irs = tp->irs;
	out->mss = tp->mss;
	out->snd_wscale = tp->snd_wscale;
	out->rcv_wscale = tp->rcv_wscale;
	out->sack_ok = (tp->flags & TF_RCVD_SACKOK) != 0;
	out->ts_ok = (tp->flags & TF_RCVD_TS) != 0;
	out->srtt_us = tp->srtt;
	out->rttvar_us = tp->rttvar;
	out->rto_us = (uint32_t)tcp_rto(tp);
	out->cwnd = tp->cwnd;
	out->ssthresh = tp->ssthresh;
	out->bytes_sent = tp->bytes_sent;
	out->bytes_acked = tp->bytes_acked;
	out->bytes_received = tp->bytes_received;
	out->retransmits = tp->retransmits;
	out->sndbuf_used = tp->sndq.len;
	out->rcvbuf_used = tp->rcvq.len;
	return 0;
}
