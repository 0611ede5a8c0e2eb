/* fake_tcp.c - see fake_tcp.h. */
#include <string.h>

#include "fake_tcp.h"

struct fake_tcp_log fake_tcp;

void tcp_input(struct ts_stack *st, const struct ip4_pkt *ip,
	       bool csum_unverified)
{
	(void)st;
	fake_tcp.inputs++;
	fake_tcp.last_csum_unverified = csum_unverified;
	fake_tcp.last_src = ip->src;
	fake_tcp.last_dst = ip->dst;
	fake_tcp.last_payload_len = ip->payload_len;
	if (ip->payload_len <= sizeof(fake_tcp.last_payload))
		memcpy(fake_tcp.last_payload, ip->payload, ip->payload_len);
}

void tcp_icmp_error(struct ts_stack *st, const struct icmp_msg *m)
{
	(void)st;
	fake_tcp.icmp_errors++;
	fake_tcp.icmp_type = m->type;
	fake_tcp.icmp_code = m->code;
	fake_tcp.icmp_mtu = m->next_hop_mtu;
	fake_tcp.icmp_quoted_dst = m->quoted.dst;
}

void stack_wakeup(struct ts_stack *st)
{
	(void)st;
	fake_tcp.wakeups++;
}

const char *ts_state_name(enum ts_tcp_state s)
{
	static const char *const names[] = {
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
		"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
		"TIME_WAIT",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}
