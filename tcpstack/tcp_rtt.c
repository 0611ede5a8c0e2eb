/*
 * tcp_rtt.c - the retransmission timer's estimator, RFC 6298.
 *
 * Samples come from Karn-safe timing of one segment at a time, or from
 * timestamp echoes (RFC 7323 section 4) when both sides use timestamps.
 * All values are microseconds.
 */
#include "stack_internal.h"

void tcp_rtt_init(struct tcb *tp)
{
	tp->srtt = 0;
	tp->rttvar = 0;
	tp->rto = (uint32_t)TS_RTO_INITIAL; /* RFC 6298 2.1 */
	tp->rtt_valid = false;
	tp->rtt_timing = false;
}

static uint32_t clamp_rto(uint64_t rto)
{
	if (rto < TS_RTO_MIN)
		return (uint32_t)TS_RTO_MIN;
	if (rto > TS_RTO_MAX)
		return (uint32_t)TS_RTO_MAX;
	return (uint32_t)rto;
}

void tcp_rtt_sample(struct tcb *tp, uint32_t r)
{
	if (r == 0)
		r = 1;
	if (!tp->rtt_valid) {
		/* RFC 6298 2.2: first measurement. */
		tp->srtt = r;
		tp->rttvar = r / 2;
		tp->rtt_valid = true;
	} else {
		/* RFC 6298 2.3 with alpha = 1/8, beta = 1/4. */
		uint32_t delta = tp->srtt > r ? tp->srtt - r : r - tp->srtt;

		tp->rttvar = tp->rttvar - tp->rttvar / 4 + delta / 4;
		tp->srtt = tp->srtt - tp->srtt / 8 + r / 8;
	}
	{
		uint64_t k_var = 4ull * tp->rttvar;

		if (k_var < TS_CLOCK_GRANULARITY)
			k_var = TS_CLOCK_GRANULARITY;
		tp->rto = clamp_rto((uint64_t)tp->srtt + k_var);
	}
}

void tcp_rtt_handshake_done(struct ts_stack *st, struct tcb *tp)
{
	if (tp->rtt_timing && tp->rexmt_shift == 0)
		tcp_rtt_sample(tp, (uint32_t)(stack_now(st) - tp->rtt_start));
	else if (tp->rexmt_shift > 0 && tp->rto < TS_RTO_AFTER_SYN_LOSS)
		tp->rto = (uint32_t)TS_RTO_AFTER_SYN_LOSS;
	tp->rtt_timing = false;
	tp->rexmt_shift = 0;
}

ts_time_t tcp_rto(const struct tcb *tp)
{
	uint64_t rto = tp->rto;
	unsigned shift = tp->rexmt_shift;

	/* RFC 6298 5.5: back off by doubling, bounded by the maximum. */
	while (shift-- > 0 && rto < TS_RTO_MAX)
		rto *= 2;
	return clamp_rto(rto);
}
