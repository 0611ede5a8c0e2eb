/*
 * trace.c - the human-readable trace: one numbered decode line per TCP
 * segment, one line per state transition, free-form event lines. Lines go
 * to cfg.trace_line (no trailing newline) only when their category is on.
 * The formats are part of the interface (tests and documentation grep
 * them); see stack_internal.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "stack_internal.h"

/* A line being built; appends past the end are cut, never overflow. */
struct trace_line {
	char buf[TS_TRACE_LINE_MAX];
	size_t len;
};

static void line_add(struct trace_line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void line_add(struct trace_line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	l->len += (size_t)n;
	if (l->len > sizeof(l->buf) - 1)
		l->len = sizeof(l->buf) - 1;
}

static bool trace_on(const struct ts_stack *st, unsigned category)
{
	return (st->trace.mask & category) && st->cfg.trace_line;
}

static void trace_emit(struct ts_stack *st, const struct trace_line *l)
{
	st->cfg.trace_line(st->cfg.trace_ctx, l->buf);
}

const char *trace_ip_str(uint32_t ip, char buf[TRACE_IP_STR_LEN])
{
	snprintf(buf, TRACE_IP_STR_LEN, "%u.%u.%u.%u", ip >> 24,
		 (ip >> 16) & 0xffu, (ip >> 8) & 0xffu, ip & 0xffu);
	return buf;
}

const char *trace_mac_str(const uint8_t mac[6], char buf[TRACE_MAC_STR_LEN])
{
	snprintf(buf, TRACE_MAC_STR_LEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
		 mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

static void line_add_ip(struct trace_line *l, uint32_t a, uint16_t port)
{
	char ip[TRACE_IP_STR_LEN];

	line_add(l, "%s:%u", trace_ip_str(a, ip), port);
}

static void line_add_flags(struct trace_line *l, uint8_t flags)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} order[] = {
		{ TCP_SYN, "SYN" }, { TCP_FIN, "FIN" }, { TCP_RST, "RST" },
		{ TCP_PSH, "PSH" }, { TCP_ACK, "ACK" }, { TCP_URG, "URG" },
		{ TCP_ECE, "ECE" }, { TCP_CWR, "CWR" },
	};
	bool first = true;
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!(flags & order[i].bit))
			continue;
		line_add(l, "%s%s", first ? " " : ",", order[i].name);
		first = false;
	}
	if (first)
		line_add(l, " none");
}

/* Options in the order they travel (tcpdump's spelling). */
static void line_add_options(struct trace_line *l, const struct tcp_opts *o)
{
	uint8_t kinds[TCP_OPT_SPACE_MAX];
	unsigned nsack, b;
	size_t n = tcp_opts_layout(o, kinds, &nsack), i;

	if (n == 0)
		return;
	line_add(l, " <");
	for (i = 0; i < n; i++) {
		if (i > 0)
			line_add(l, ",");
		switch (kinds[i]) {
		case TCPOPT_MSS:
			line_add(l, "mss %u", o->mss);
			break;
		case TCPOPT_SACK_PERM:
			line_add(l, "sackOK");
			break;
		case TCPOPT_TIMESTAMP:
			line_add(l, "TS val %" PRIu32 " ecr %" PRIu32, o->tsval, o->tsecr);
			break;
		case TCPOPT_WSCALE:
			line_add(l, "wscale %u", o->wscale);
			break;
		case TCPOPT_SACK:
			line_add(l, "sack %u ", nsack);
			for (b = 0; b < nsack; b++)
				line_add(l, "{%" PRIu32 ":%" PRIu32 "}", o->sack[b].left,
					 o->sack[b].right);
			break;
		default:
			line_add(l, "nop");
			break;
		}
	}
	line_add(l, ">");
}

/* Appends one character of decoded payload, escaped; false when it does
 * not fit in the TS_TRACE_PAYLOAD_MAX characters allowed. */
static bool payload_putc(char *out, size_t *len, size_t cap, unsigned char c)
{
	char esc[8];
	size_t n;

	if (c == '\r')
		n = (size_t)snprintf(esc, sizeof(esc), "\\r");
	else if (c == '\n')
		n = (size_t)snprintf(esc, sizeof(esc), "\\n");
	else if (c == '"' || c == '\\')
		n = (size_t)snprintf(esc, sizeof(esc), "\\%c", c);
	else if (c < 0x20 || c >= 0x7f)
		n = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", c);
	else
		n = (size_t)snprintf(esc, sizeof(esc), "%c", c);
	if (*len + n > cap)
		return false;
	memcpy(out + *len, esc, n);
	*len += n;
	return true;
}

/* The application's rendering of the payload, escaped and cut to
 * TS_TRACE_PAYLOAD_MAX characters ("..." marks a cut). */
static void line_add_payload(struct ts_stack *st, struct trace_line *l,
			     const struct tcp_seg *seg, bool outbound)
{
	char raw[TS_TRACE_PAYLOAD_MAX + 1], shown[TS_TRACE_PAYLOAD_MAX + 1];
	uint16_t lport = outbound ? seg->sport : seg->dport;
	uint16_t rport = outbound ? seg->dport : seg->sport;
	size_t n, i, len = 0, safe = 0;
	const size_t dots = 3;

	if (!st->trace.payload_fn || seg->len == 0 || !seg->payload)
		return;
	n = st->trace.payload_fn(st->trace.payload_ctx, lport, rport, outbound,
				 seg->payload, seg->len, raw, sizeof(raw));
	if (n == 0)
		return;
	if (n > sizeof(raw) - 1)
		n = sizeof(raw) - 1;
	for (i = 0; i < n; i++) {
		if (!payload_putc(shown, &len, TS_TRACE_PAYLOAD_MAX, (unsigned char)raw[i])) {
			/* Cut at a character boundary, never inside an escape. */
			memcpy(shown + safe, "...", dots);
			len = safe + dots;
			break;
		}
		if (len <= TS_TRACE_PAYLOAD_MAX - dots)
			safe = len;
	}
	shown[len] = '\0';
	line_add(l, " \"%s\"", shown);
}

void trace_segment(struct ts_stack *st, const struct tcp_seg *seg,
		   bool outbound, bool ack_plus_one)
{
	struct trace_line l;
	ts_time_t t;

	if (!trace_on(st, TS_TRACE_SEGMENTS))
		return; /* before l is set up: this runs for every segment */
	l.len = 0;
	t = stack_now(st) >= st->trace.start ? stack_now(st) - st->trace.start : 0;
	line_add(&l, "seg #%" PRIu64 " +%" PRIu64 ".%06" PRIu64 " ",
		 ++st->trace.seg_no, (uint64_t)(t / TS_USEC_PER_SEC),
		 (uint64_t)(t % TS_USEC_PER_SEC));
	line_add_ip(&l, seg->src_ip, seg->sport);
	line_add(&l, " > ");
	line_add_ip(&l, seg->dst_ip, seg->dport);
	line_add_flags(&l, seg->flags);
	line_add(&l, " seq=%" PRIu32, seg->seq);
	if (seg->flags & TCP_ACK) {
		line_add(&l, " ack=%" PRIu32, seg->ack);
		if (ack_plus_one)
			line_add(&l, " (%" PRIu32 "+1)", seg->ack - 1u);
	}
	line_add(&l, " win=%u", seg->wnd);
	if (seg->flags & TCP_URG)
		line_add(&l, " urg=%u", seg->urp);
	line_add(&l, " len=%" PRIu32, seg->len);
	line_add_options(&l, &seg->opt);
	line_add_payload(st, &l, seg, outbound);
	trace_emit(st, &l);
}

void trace_state(struct ts_stack *st, const struct ts_addr *local,
		 const struct ts_addr *remote, enum ts_tcp_state from,
		 enum ts_tcp_state to, const char *why)
{
	struct trace_line l;

	if (!trace_on(st, TS_TRACE_STATES))
		return;
	l.len = 0;
	line_add(&l, "state ");
	line_add_ip(&l, local->ip, local->port);
	line_add(&l, " <-> ");
	line_add_ip(&l, remote->ip, remote->port);
	line_add(&l, " %s -> %s (%s)", ts_state_name(from), ts_state_name(to),
		 why ? why : "");
	trace_emit(st, &l);
}

void trace_event(struct ts_stack *st, const char *fmt, ...)
{
	struct trace_line l;
	va_list ap;
	int n;

	if (!trace_on(st, TS_TRACE_EVENTS))
		return;
	l.len = 0;
	line_add(&l, "event ");
	va_start(ap, fmt);
	n = vsnprintf(l.buf + l.len, sizeof(l.buf) - l.len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	trace_emit(st, &l);
}

void trace_init(struct ts_stack *st)
{
	memset(&st->trace, 0, sizeof(st->trace));
	st->trace.mask = st->cfg.trace & TS_TRACE_ALL;
	st->trace.start = stack_now(st);
}

void trace_free(struct ts_stack *st)
{
	ts_set_pcap(st, NULL);
}

void ts_set_trace(struct ts_stack *st, unsigned mask)
{
	st->trace.mask = mask & TS_TRACE_ALL;
}

unsigned ts_get_trace(const struct ts_stack *st)
{
	return st->trace.mask;
}

void ts_set_payload_decoder(struct ts_stack *st, ts_payload_fn fn, void *ctx)
{
	st->trace.payload_fn = fn;
	st->trace.payload_ctx = ctx;
}
