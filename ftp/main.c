/*
 * main.c - `ftp [options] [host [port]]` and `ftp [options] ftp://...`
 * (auto-fetch): options, then the session's command loop.
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "hosts.h"
#include "session.h"
#include "tls_client.h"
#include "ts_link.h"
#include "url.h"

#define ANON_USER "anonymous"
#define ANON_PASS "anonymous@" /* tnftp's default; no local name leaks */

enum { OPT_LINK = 256, OPT_ADDRESS, OPT_PCAP, OPT_IMPAIR, OPT_TRUST_PASV,
       OPT_CAFILE, OPT_HELP, OPT_VERSION, OPT_ARP };

static const struct option long_opts[] = {
	{ "link", required_argument, NULL, OPT_LINK },
	{ "address", required_argument, NULL, OPT_ADDRESS },
	{ "arp", required_argument, NULL, OPT_ARP },
	{ "pcap", required_argument, NULL, OPT_PCAP },
	{ "impair", required_argument, NULL, OPT_IMPAIR },
	{ "trust-pasv", no_argument, NULL, OPT_TRUST_PASV },
	{ "cafile", required_argument, NULL, OPT_CAFILE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ftp [-Adeinptv] [-N netrc] [-q seconds] [--link SPEC]\n"
		"           [--address A.B.C.D/PREFIX] [--arp IP=MAC]... "
		"[--pcap FILE]\n"
		"           [--impair SPEC]\n"
		"           [--trust-pasv] [-z tls|noverify|cafile=FILE] "
		"[--cafile FILE]\n"
		"           [host [port]]\n"
		"       ftp [options] ftp://[user[:password]@]host[:port]/path\n"
		"Default link: the hub (%s); see ftp(1).\n",
		"$SYNFIN_HUB or /run/synfin/hub");
}

static int parse_seconds(const char *s, unsigned *ms)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v == 0 || v > FTPC_SECONDS_MAX)
		return -1;
	*ms = (unsigned)v * 1000u;
	return 0;
}

/* One option; 0, 1 to exit 0 (help), -1 on error. */
static int take_opt(struct ftpc_opts *o, bool *trust, int c, const char *arg)
{
	switch (c) {
	case 'A': o->passive = false; break;
	case 'p': o->passive = true; break;
	case 'd': o->debug = true; break;
	case 'e': o->exit_on_error = true; break;
	case 'i': o->prompt = false; break;
	case 'n': o->autologin = false; break;
	case 't': o->net.trace = TS_TRACE_STATES | TS_TRACE_SEGMENTS; break;
	case 'v': o->verbose = true; break;
	case 'N': o->netrc_path = arg; break;
	case 'q':
		if (parse_seconds(arg, &o->idle_timeout_ms) == 0)
			break;
		fprintf(stderr, "ftp: bad -q '%s': give seconds, 1 to %u\n",
			arg, FTPC_SECONDS_MAX);
		return -1;
	case OPT_LINK: o->net.link = arg; break;
	case OPT_PCAP: o->net.pcap = arg; break;
	case OPT_IMPAIR: o->net.impair = arg; break;
	case OPT_TRUST_PASV: *trust = true; break;
	case OPT_CAFILE: o->tls_cafile = arg; break;
	case 'z': {
		char err[256];

		if (ftpc_tls_option(o, arg, err, sizeof(err)) == 0)
			break;
		fprintf(stderr, "ftp: %s\n", err);
		return -1;
	}
	case OPT_ADDRESS:
		if (ts_parse_cidr(arg, &o->net.addr, &o->net.prefix_len) != 0) {
			fprintf(stderr, "ftp: bad --address '%s': give "
				"A.B.C.D/PREFIX, e.g. 76.88.16.104/24\n", arg);
			return -1;
		}
		o->addr_given = true;
		break;
	case OPT_ARP: {
		uint32_t ip;
		uint8_t mac[6];

		if (o->net.narp < NET_ARP_MAX && ts_parse_arp(arg, &ip, mac) == 0) {
			o->net.arp[o->net.narp++] = arg;
			break;
		}
		fprintf(stderr, "ftp: bad --arp '%s': give %s, at most %u "
			"times\n", arg, TS_ARP_SPEC_HELP, NET_ARP_MAX);
		return -1;
	}
	case OPT_HELP: usage(stdout); return 1;
	case OPT_VERSION: printf("ftp (synfin) %s\n", PACKAGE_VERSION); return 1;
	default: usage(stderr); return -1;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct ftpc_opts *o, bool *trust)
{
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->autologin = o->passive = o->prompt = true;
	o->verbose = isatty(STDIN_FILENO) == 1;
	ts_parse_cidr(FTPC_DEFAULT_ADDR, &o->net.addr, &o->net.prefix_len);
	while ((c = getopt_long(argc, argv, "AdeinptvN:q:z:", long_opts,
				NULL)) != -1)
		if ((rc = take_opt(o, trust, c, optarg)) != 0)
			return rc;
	if (argc - optind > 2) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* ftp://... : log in, fetch (or list) the path, quit. */
static int auto_fetch(struct ftpc_session *s, const char *arg)
{
	struct ftpc_url u;
	char port[8], *open_av[] = { "open", u.host, port, NULL };
	const char *base;
	int rc;

	if (ftpc_url_parse(arg, strlen(arg), &u) != FTP_PARSE_OK) {
		ftpc_err(s, "bad URL '%s': expected ftp://[user[:password]@]"
			 "host[:port]/path", arg);
		return -1;
	}
	snprintf(port, sizeof(port), "%u", u.port);
	s->o.autologin = false;
	if (ftpc_cmd_open(s, 3, open_av) != 0 ||
	    ftpc_login(s, u.has_user ? u.user : ANON_USER,
		       u.has_pass ? u.pass : u.has_user ? NULL : ANON_PASS,
		       NULL) != 0)
		return -1;
	explicit_bzero(u.pass, sizeof(u.pass));
	ftpc_after_login(s);
	if (u.type == 'a' || u.type == 'i')
		ftpc_execute(s, u.type == 'a' ? "ascii" : "binary");
	if (u.is_dir || u.type == 'd') {
		char *av[] = { "ls", u.path, NULL };
		rc = ftpc_cmd_ls(s, u.path[0] ? 2 : 1, av);
	} else {
		char *av[] = { "get", u.path, NULL, NULL };
		base = strrchr(u.path, '/');
		av[2] = (char *)(base ? base + 1 : u.path);
		rc = ftpc_cmd_get(s, 3, av);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct ftpc_opts o;
	struct event_base *base;
	struct ftpc_session *s;
	bool trust = false;
	int rc = parse_args(argc, argv, &o, &trust);

	if (rc != 0)
		return rc > 0 ? 0 : 1;
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	s = base ? ftpc_session_new(base, &o) : NULL;
	if (!s)
		return 1;
	s->pasv_trust = trust;
	if (optind < argc && ftpc_url_is_ftp(argv[optind])) {
		if (auto_fetch(s, argv[optind]) != 0)
			s->status = 1;
	} else {
		if (optind < argc) {
			char *av[] = { "open", argv[optind],
				       optind + 1 < argc ? argv[optind + 1]
							 : NULL, NULL };
			if (ftpc_cmd_open(s, av[2] ? 3 : 2, av) != 0)
				s->status = 1;
		}
		if (!(s->status && s->o.exit_on_error))
			ftpc_command_loop(s);
	}
	if (s->cbev && ftpc_quit(s) != 0)
		s->status = 1;
	rc = s->status;
	ftpc_session_free(s);
	event_base_free(base);
	return rc;
}
