/*
 * tsnc_opts.c - tsnc's command line, from one table: each option's name,
 * short letter, value kind, target field, bounds and help text. The usage
 * message is printed from the same table.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ts_limits.h"
#include "ts_link.h"
#include "tsnc.h"

enum opt_kind {
	K_STR, K_FLAG, K_U32, K_U16, K_CIDR, K_IPV4, K_MAC, K_YESNO, K_TRACE,
	K_CC, K_IMPAIR, K_ISN, K_ARP, K_HELP
};

struct opt_def {
	const char *name;
	int letter;           /* short option, or 0 */
	enum opt_kind kind;
	size_t off;           /* field in struct tsnc_opts */
	uint32_t min, max;    /* K_U32, K_U16 */
	const char *arg, *help;
};

#define F(field) offsetof(struct tsnc_opts, field)

static const struct opt_def opt_defs[] = {
	{ "listen", 'l', K_FLAG, F(listen), 0, 0, NULL,
	  "listen for a connection instead of connecting" },
	{ "keep", 'k', K_FLAG, F(keep), 0, 0, NULL,
	  "with -l: accept further connections, one after another" },
	{ "no-stdin", 'd', K_FLAG, F(no_stdin), 0, 0, NULL,
	  "send nothing: half-close at once, only receive" },
	{ "link", 0, K_STR, F(link), 0, 0, "SPEC",
	  "hub[:DIR], packet:IFNAME, tap:NAME or tun:NAME (default: hub)" },
	{ "address", 0, K_CIDR, F(addr), 0, 0, "A.B.C.D/PREFIX",
	  "this stack's address (required), e.g. 76.88.16.104/24" },
	{ "gateway", 0, K_IPV4, F(gateway), 0, 0, "A.B.C.D",
	  "next hop for destinations off the subnet" },
	{ "arp", 0, K_ARP, 0, 0, 0, "IP=MAC",
	  "static ARP entry, never expires (repeatable)" },
	{ "mac", 0, K_MAC, F(mac), 0, 0, "MAC",
	  "Ethernet address (default: generated, or the interface's)" },
	{ "mtu", 0, K_U32, F(mtu), TS_MTU_MIN, TS_MTU_MAX, "BYTES",
	  "link MTU (default: the link's)" },
	{ "msl", 0, K_U32, F(msl_s), 1, TSNC_MSL_MAX_S, "SECONDS",
	  "maximum segment lifetime; TIME_WAIT lasts twice that" },
	{ "quiet-time", 0, K_YESNO, F(quiet_time), 0, 0, "yes|no",
	  "with --state-dir: keep quiet for MSL after an unclean stop" },
	{ "state-dir", 0, K_STR, F(state_dir), 0, 0, "DIR",
	  "keep TIME_WAIT state across runs in DIR" },
	{ "reuse-addr", 0, K_FLAG, F(reuse_addr), 0, 0, NULL,
	  "bind even while connections on the port are in TIME_WAIT" },
	{ "isn", 0, K_ISN, F(isn), 0, 0, "N",
	  "fixed initial sequence number (reproducible traces)" },
	{ "source-port", 0, K_U16, F(source_port), 1, 65535, "PORT",
	  "bind this local port before connecting" },
	{ "trace", 0, K_TRACE, F(trace), 0, 0, "WHAT",
	  "off, states, segments, events or all (comma-separated), to stderr" },
	{ "pcap", 0, K_STR, F(pcap), 0, 0, "FILE",
	  "write every frame sent and received to FILE" },
	{ "impair", 0, K_IMPAIR, F(impair), 0, 0, "SPEC",
	  "impair the link, e.g. loss=1%,delay=20ms,seed=7" },
	{ "sndbuf", 0, K_U32, F(sndbuf), TS_BUF_MIN, TS_BUF_MAX, "BYTES",
	  "send buffer size" },
	{ "rcvbuf", 0, K_U32, F(rcvbuf), TS_BUF_MIN, TS_BUF_MAX, "BYTES",
	  "receive buffer size" },
	{ "cc", 0, K_CC, F(cc), 0, 0, "cubic|newreno",
	  "congestion control" },
	{ "stats", 0, K_FLAG, F(stats), 0, 0, NULL,
	  "print the stack's counters to stderr at exit" },
	{ "verbose", 'v', K_FLAG, F(verbose), 0, 0, NULL,
	  "say what happens (listening, connected, closed) on stderr" },
	{ "help", 'h', K_HELP, 0, 0, 0, NULL, "show this help" },
};

#define NOPTS (sizeof(opt_defs) / sizeof(opt_defs[0]))
#define FIELD(o, d, type) ((type *)(void *)((char *)(o) + (d)->off))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: tsnc [options] HOST PORT\n"
		   "       tsnc -l [options] [ADDR] PORT\n"
		   "Connects (or listens) over synfin's own TCP/IP stack; "
		   "stdin goes to the\nconnection, the connection to stdout.\n\n");
	for (i = 0; i < NOPTS; i++) {
		const struct opt_def *d = &opt_defs[i];
		char left[48];

		snprintf(left, sizeof(left), "%s%c%s--%s%s%s",
			 d->letter ? "-" : "   ", d->letter ? d->letter : ' ',
			 d->letter ? ", " : " ", d->name, d->arg ? " " : "",
			 d->arg ? d->arg : "");
		fprintf(f, "  %-32s %s\n", left, d->help);
	}
}

static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int parse_trace(const char *s, unsigned *mask)
{
	static const struct { const char *name; unsigned bits; } words[] = {
		{ "off", 0 }, { "states", TS_TRACE_STATES },
		{ "segments", TS_TRACE_SEGMENTS }, { "events", TS_TRACE_EVENTS },
		{ "all", TS_TRACE_ALL },
	};
	char buf[128], *tok, *save = NULL;
	unsigned m = 0;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strcmp(tok, words[i].name) == 0)
				break;
		if (i == sizeof(words) / sizeof(words[0]))
			return -EINVAL;
		m |= words[i].bits;
	}
	*mask = m;
	return 0;
}

/* Stores one option's value; -1 after a message. */
static int set_opt(struct tsnc_opts *o, const struct opt_def *d, const char *v)
{
	struct ts_impair_spec imp;
	char msg[256] = "";
	int rc = 0;

	switch (d->kind) {
	case K_STR: *FIELD(o, d, const char *) = v; break;
	case K_FLAG: *FIELD(o, d, bool) = true; break;
	case K_U32: rc = parse_u32(v, d->min, d->max, FIELD(o, d, uint32_t)); break;
	case K_U16: {
		uint32_t x = 0;
		rc = parse_u32(v, d->min, d->max, &x);
		*FIELD(o, d, uint16_t) = (uint16_t)x;
		break;
	}
	case K_CIDR:
		rc = ts_parse_cidr(v, &o->addr, &o->prefix_len);
		o->addr_set = rc == 0;
		break;
	case K_IPV4: rc = ts_parse_ipv4(v, FIELD(o, d, uint32_t)); break;
	case K_MAC: rc = ts_parse_mac(v, o->mac); o->mac_set = rc == 0; break;
	case K_ARP:
		if (o->narp >= TSNC_ARP_MAX) {
			fprintf(stderr, "tsnc: --arp %s: at most %u entries\n",
				v, TSNC_ARP_MAX);
			return -1;
		}
		rc = ts_parse_arp(v, &o->arp_ip[o->narp], o->arp_mac[o->narp]);
		o->narp += rc == 0;
		break;
	case K_ISN:
		rc = parse_u32(v, 0, UINT32_MAX, &o->isn);
		o->isn_set = rc == 0;
		break;
	case K_YESNO:
		rc = strcmp(v, "yes") && strcmp(v, "no") ? -EINVAL : 0;
		*FIELD(o, d, bool) = strcmp(v, "yes") == 0;
		break;
	case K_TRACE: rc = parse_trace(v, FIELD(o, d, unsigned)); break;
	case K_CC:
		rc = strcmp(v, "cubic") && strcmp(v, "newreno") ? -EINVAL : 0;
		o->cc = strcmp(v, "cubic") == 0 ? TS_CC_CUBIC : TS_CC_NEWRENO;
		break;
	case K_IMPAIR:
		if (ts_impair_parse(v, &imp, msg, sizeof(msg)) < 0) {
			fprintf(stderr, "tsnc: --impair: %s\n", msg);
			return -1;
		}
		o->impair = v;
		break;
	case K_HELP: break;
	}
	if (rc < 0) {
		fprintf(stderr, "tsnc: --%s %s: invalid value: expected %s%s\n",
			d->name, v, d->arg ? d->arg : "",
			d->kind == K_U32 || d->kind == K_U16 ? " in range" : "");
		if (d->kind == K_U32 || d->kind == K_U16)
			fprintf(stderr, "tsnc: --%s takes %u..%u\n", d->name,
				d->min, d->max);
		return -1;
	}
	return 0;
}

/* The positional arguments: HOST PORT, or [ADDR] PORT with -l. */
static int parse_positional(struct tsnc_opts *o, int n, char **args)
{
	uint32_t port;
	int want_min = o->listen ? 1 : 2;

	if (n < want_min || n > 2) {
		fprintf(stderr, "tsnc: %s\n", o->listen
			? "expected [ADDR] PORT after -l (see tsnc --help)"
			: "expected HOST PORT (see tsnc --help)");
		return -1;
	}
	if (n == 2 && ts_parse_ipv4(args[0], &o->host) < 0) {
		fprintf(stderr, "tsnc: '%s': not an IPv4 address (A.B.C.D): tsnc "
			"resolves no names\n", args[0]);
		return -1;
	}
	if (parse_u32(args[n - 1], 1, 65535, &port) < 0) {
		fprintf(stderr, "tsnc: '%s': not a port number (1..65535)\n",
			args[n - 1]);
		return -1;
	}
	o->port = (uint16_t)port;
	return 0;
}

static int check_combination(const struct tsnc_opts *o)
{
	if (!o->addr_set) {
		fprintf(stderr, "tsnc: --address A.B.C.D/PREFIX is required: the "
			"stack needs its own IPv4 address on the link (e.g. "
			"--address 76.88.16.104/24)\n");
		return -1;
	}
	if (o->keep && !o->listen) {
		fprintf(stderr, "tsnc: -k only makes sense with -l\n");
		return -1;
	}
	if (o->source_port && o->listen) {
		fprintf(stderr, "tsnc: --source-port is for connecting; with -l "
			"give the port as PORT\n");
		return -1;
	}
	return 0;
}

int tsnc_parse(int argc, char **argv, struct tsnc_opts *o)
{
	struct option lopts[NOPTS + 1];
	char shorts[2 * NOPTS + 1];
	size_t i, ns = 0;
	int c, idx;

	memset(o, 0, sizeof(*o));
	o->cc = -1;
	o->quiet_time = true;
	for (i = 0; i < NOPTS; i++) {
		lopts[i] = (struct option){ opt_defs[i].name,
			opt_defs[i].arg ? required_argument : no_argument, NULL,
			(int)(256 + i) };
		if (opt_defs[i].letter)
			shorts[ns++] = (char)opt_defs[i].letter;
	}
	memset(&lopts[NOPTS], 0, sizeof(lopts[NOPTS]));
	shorts[ns] = '\0';
	while ((c = getopt_long(argc, argv, shorts, lopts, &idx)) != -1) {
		const struct opt_def *d = NULL;

		for (i = 0; i < NOPTS && !d; i++)
			if (c == (int)(256 + i) || c == opt_defs[i].letter)
				d = &opt_defs[i];
		if (!d)
			return -1; /* getopt printed the message */
		if (d->kind == K_HELP) {
			usage(stdout);
			return 1;
		}
		if (set_opt(o, d, optarg) < 0)
			return -1;
	}
	if (parse_positional(o, argc - optind, argv + optind) < 0 ||
	    check_combination(o) < 0)
		return -1;
	return 0;
}
