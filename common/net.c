/*
 * net.c - see net.h.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftp_trace.h"
#include "net.h"

struct net {
	struct ts_ev *ev;
	struct ts_state *state;
	struct ftp_trace ftp_trace;
	void (*line)(void *ctx, const char *line);
	void (*warn)(void *ctx, const char *line);
	void *line_ctx;
	uint32_t addr;
};

static void line_stderr(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

static void net_line(void *ctx, const char *line)
{
	struct net *n = ctx;

	n->line(n->line_ctx, line);
}

static void net_warn(void *ctx, const char *line)
{
	struct net *n = ctx;

	n->warn(n->line_ctx, line);
}

int net_trace_mask(const char *word)
{
	if (strcmp(word, "off") == 0)
		return 0;
	if (strcmp(word, "states") == 0)
		return TS_TRACE_STATES;
	if (strcmp(word, "segments") == 0)
		return TS_TRACE_SEGMENTS;
	if (strcmp(word, "all") == 0)
		return TS_TRACE_ALL;
	return -1;
}

static struct ts_link *open_link(const struct net_opts *o, char *err,
				 size_t errcap)
{
	struct ts_link_options lo;
	struct ts_link *link = NULL;
	char def[512];
	const char *spec = o->link;

	memset(&lo, 0, sizeof(lo));
	lo.mtu = o->mtu;
	lo.mac_set = o->mac_set;
	memcpy(lo.mac, o->mac, 6);
	lo.impair = (o->impair != NULL && o->impair[0] != '\0') ? o->impair : NULL;
	lo.clock = ts_ev_clock;
	if (spec == NULL || spec[0] == '\0') {
		snprintf(def, sizeof(def), "hub:%s", ts_hub_default_dir(def + 4, sizeof(def) - 4));
		spec = def;
	}
	if (ts_link_open(spec, &lo, &link, err, errcap) != 0)
		return NULL;
	return link;
}

/* Finds a free address at or after o->addr by probing and moves the stack
 * there; 0 if none. */
static uint32_t probe_free_address(struct net *n, const struct net_opts *o)
{
	uint32_t mask = o->prefix_len ? 0xffffffffu << (32 - o->prefix_len) : 0;
	struct ts_stack *st = ts_ev_stack(n->ev);
	uint32_t ip = o->addr;
	char msg[128], a[16];
	uint8_t mac[6];
	unsigned t;

	for (t = 0; t < o->probe_tries; t++, ip++) {
		if ((ip & ~mask) == 0 || (ip & ~mask) == ~mask)
			continue; /* network and broadcast addresses */
		if (ts_set_address(st, ip, o->prefix_len) != 0)
			return 0;
		/* The stack holds ip while it probes: an answer shows as
		 * an address conflict (duplicate-address detection). */
		if (!ts_ev_address_taken(n->ev, ip, mac))
			return ip;
		snprintf(msg, sizeof(msg), "%s is in use by another station; "
			 "trying the next address", ts_ipv4_str(ip, a));
		n->line(n->line_ctx, msg);
	}
	return 0;
}

static struct ts_ev *make_stack(struct event_base *base, struct ts_link *link,
				const struct net_opts *o, uint32_t addr,
				struct net *n, char *err, size_t errcap)
{
	struct ts_stack_config cfg;
	struct ts_ev *ev;
	int rc = 0;

	ts_stack_config_init(&cfg);
	cfg.addr = addr;
	cfg.prefix_len = o->prefix_len;
	cfg.gateway = o->gateway;
	cfg.msl_ms = o->msl_ms;
	cfg.trace = o->trace;
	cfg.trace_line = net_line;
	cfg.trace_ctx = n;
	cfg.warn_line = net_warn;
	cfg.warn_ctx = n;
	ev = ts_ev_new(base, link, &cfg, &rc);
	if (ev == NULL)
		snprintf(err, errcap, "cannot start the TCP/IP stack: %s",
			 strerror(-rc));
	return ev;
}

static int add_static_arp(struct ts_stack *st, const struct net_opts *o,
			  char *err, size_t errcap)
{
	uint32_t ip;
	uint8_t mac[6];
	size_t i;
	int rc;

	for (i = 0; i < o->narp && i < NET_ARP_MAX; i++) {
		rc = ts_parse_arp(o->arp[i], &ip, mac);
		if (rc == 0)
			rc = ts_arp_add_static(st, ip, mac);
		if (rc != 0) {
			snprintf(err, errcap, "static ARP entry '%s': %s",
				 o->arp[i], rc == -ENOSPC ? "the ARP cache is full"
				 : "expected " TS_ARP_SPEC_HELP ", not a network "
				   "or broadcast address");
			return rc;
		}
	}
	return 0;
}

static int claim_state(struct net *n, const struct net_opts *o, char *err,
		       size_t errcap)
{
	struct ts_state_opts so;

	memset(&so, 0, sizeof(so));
	so.dir = o->state_dir;
	so.quiet_time = o->quiet_time;
	so.quiet_off_hint = o->quiet_off_hint;
	so.note = net_line;
	so.note_ctx = n;
	return ts_state_begin(ts_ev_stack(n->ev), &so, &n->state, err, errcap);
}

struct net *net_open(struct event_base *base, const struct net_opts *o,
		     char *err, size_t errcap)
{
	struct net *n = calloc(1, sizeof(*n));
	struct ts_link *link;
	struct ts_stack *st;

	if (n == NULL) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	n->line = o->line != NULL ? o->line : line_stderr;
	n->warn = o->warn != NULL ? o->warn : n->line;
	n->line_ctx = o->line_ctx;
	n->addr = o->addr;
	link = open_link(o, err, errcap);
	if (link == NULL)
		goto fail;
	n->ev = make_stack(base, link, o, o->addr, n, err, errcap);
	if (n->ev == NULL)
		goto fail; /* ts_ev_new frees the link on failure */
	st = ts_ev_stack(n->ev);
	if (add_static_arp(st, o, err, errcap) != 0)
		goto fail;
	ftp_trace_init(&n->ftp_trace, o->ftp_control_port);
	ts_set_payload_decoder(st, ftp_trace_decode, &n->ftp_trace);
	if (o->pcap != NULL && o->pcap[0] != '\0') {
		int rc = ts_set_pcap(st, o->pcap);

		if (rc != 0) {
			snprintf(err, errcap, "cannot write pcap file %s: %s",
				 o->pcap, strerror(-rc));
			goto fail;
		}
	}
	if (o->probe_tries > 0) {
		n->addr = probe_free_address(n, o);
		if (n->addr == 0) {
			snprintf(err, errcap,
				 "no free address: %u addresses from the one "
				 "configured all answered ARP; pick another with "
				 "--address", o->probe_tries);
			goto fail;
		}
	} else if (ts_ev_claim_address(n->ev, o->addr_fix, err, errcap) != 0) {
		goto fail; /* another station holds it (RFC 5227) */
	}
	if (o->use_state && claim_state(n, o, err, errcap) != 0)
		goto fail;
	ts_announce(st);
	ts_ev_kick(n->ev);
	return n;
fail:
	if (n->ev != NULL)
		ts_ev_free(n->ev);
	free(n);
	return NULL;
}

struct ts_ev *net_ev(const struct net *n)
{
	return n->ev;
}

struct ts_stack *net_stack(const struct net *n)
{
	return ts_ev_stack(n->ev);
}

uint32_t net_addr(const struct net *n)
{
	return n->addr;
}

void net_set_trace(struct net *n, unsigned mask)
{
	ts_set_trace(ts_ev_stack(n->ev), mask);
}

int net_close(struct net *n, char *err, size_t errcap)
{
	int rc = 0;

	if (n == NULL)
		return 0;
	if (n->state != NULL)
		rc = ts_state_end(n->state, err, errcap);
	ts_ev_free(n->ev);
	free(n);
	return rc;
}
