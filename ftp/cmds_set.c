/*
 * cmds_set.c - settings: type/ascii/binary, the on/off toggles (verbose,
 * prompt, progress, epsv, sendport), passive/active, hash, debug, trace,
 * rate, restart, and status.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "ftp_addr.h"
#include "progress.h"
#include "session.h"
#include "tls_client.h"

/* A toggle's flag and BSD's message word. */
struct toggle {
	const char *cmd;
	size_t offset;       /* of the bool in struct ftpc_session */
	const char *what;
};

static const struct toggle toggles[] = {
	{ "verbose", offsetof(struct ftpc_session, verbose), "Verbose mode" },
	{ "prompt", offsetof(struct ftpc_session, prompt), "Interactive mode" },
	{ "progress", offsetof(struct ftpc_session, progress),
	  "Progress bar" },
	{ "epsv", offsetof(struct ftpc_session, epsv), "Use of EPSV/EPRT" },
	{ "sendport", offsetof(struct ftpc_session, sendport),
	  "Use of PORT/EPRT cmds" },
};

/* "on", "off" or nothing (toggle): 0 and *v, or -1 with usage. */
static int on_off(struct ftpc_session *s, int argc, char **argv, bool *v)
{
	if (argc < 2)
		*v = !*v;
	else if (strcmp(argv[1], "on") == 0)
		*v = true;
	else if (strcmp(argv[1], "off") == 0)
		*v = false;
	else {
		ftpc_err(s, "usage: %s [on | off]", argv[0]);
		return -1;
	}
	return 0;
}

int ftpc_cmd_toggle(struct ftpc_session *s, int argc, char **argv)
{
	size_t i;

	for (i = 0; i < sizeof(toggles) / sizeof(toggles[0]); i++) {
		bool *flag;

		if (strcmp(argv[0], toggles[i].cmd) != 0)
			continue;
		flag = (bool *)((char *)s + toggles[i].offset);
		if (on_off(s, argc, argv, flag) != 0)
			return -1;
		ftpc_out(s, "%s %s.", toggles[i].what, *flag ? "on" : "off");
		if (flag == &s->epsv)
			s->epsv_failed = s->eprt_failed = false;
		return 0;
	}
	return -1;
}

int ftpc_cmd_type(struct ftpc_session *s, int argc, char **argv)
{
	const char *want = strcmp(argv[0], "type") == 0 ? (argc > 1 ? argv[1]
								    : NULL)
							: argv[0];
	bool bin;
	int rc;

	if (!want) {
		ftpc_out(s, "Using %s mode to transfer files.",
			 s->type == FTPC_TYPE_BINARY ? "binary" : "ascii");
		return 0;
	}
	if (strcmp(want, "binary") == 0 || strcmp(want, "image") == 0)
		bin = true;
	else if (strcmp(want, "ascii") == 0)
		bin = false;
	else {
		ftpc_err(s, "%s: unknown mode; use ascii or binary", want);
		return -1;
	}
	rc = ftpc_command(s, "TYPE %s", bin ? "I" : "A");
	if (rc != 200)
		return -1;
	s->type = bin ? FTPC_TYPE_BINARY : FTPC_TYPE_ASCII;
	return 0;
}

int ftpc_cmd_passive(struct ftpc_session *s, int argc, char **argv)
{
	if (strcmp(argv[0], "active") == 0)
		s->passive = false;
	else if (argc > 1 && strcmp(argv[1], "auto") == 0)
		s->passive = true;
	else if (on_off(s, argc, argv, &s->passive) != 0)
		return -1;
	ftpc_out(s, "Passive mode %s.", s->passive ? "on" : "off");
	return 0;
}

int ftpc_cmd_hash(struct ftpc_session *s, int argc, char **argv)
{
	uint64_t step;

	if (argc > 1 && strcmp(argv[1], "on") != 0 &&
	    strcmp(argv[1], "off") != 0) {
		if (ftpc_parse_bytes(argv[1], &step) != 0 || step == 0) {
			ftpc_err(s, "bad hash size '%s': give bytes, e.g. "
				 "1024 or 8k", argv[1]);
			return -1;
		}
		s->hash = true;
		s->hash_step = step;
	} else if (on_off(s, argc, argv, &s->hash) != 0)
		return -1;
	if (s->hash)
		ftpc_out(s, "Hash mark printing on (%llu bytes/hash mark).",
			 (unsigned long long)s->hash_step);
	else
		ftpc_out(s, "Hash mark printing off.");
	return 0;
}

int ftpc_cmd_debug(struct ftpc_session *s, int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "on") != 0 &&
	    strcmp(argv[1], "off") != 0) {
		char *end;
		long v = strtol(argv[1], &end, 10);
		if (*end != '\0' || v < 0) {
			ftpc_err(s, "bad debugging value '%s'", argv[1]);
			return -1;
		}
		s->debug = v > 0;
	} else if (on_off(s, argc, argv, &s->debug) != 0)
		return -1;
	ftpc_out(s, "Debugging %s (debug=%d).", s->debug ? "on" : "off",
		 s->debug ? 1 : 0);
	return 0;
}

int ftpc_cmd_trace(struct ftpc_session *s, int argc, char **argv)
{
	int mask;

	if (argc < 2)
		mask = s->trace_mask ? 0 : TS_TRACE_STATES | TS_TRACE_SEGMENTS;
	else if (strcmp(argv[1], "on") == 0)
		mask = TS_TRACE_STATES | TS_TRACE_SEGMENTS;
	else if ((mask = net_trace_mask(argv[1])) < 0) {
		ftpc_err(s, "usage: trace [on | off | states | segments | all]");
		return -1;
	}
	s->trace_mask = (unsigned)mask;
	if (s->net)
		net_set_trace(s->net, s->trace_mask);
	ftpc_out(s, "TCP trace %s.", mask == 0 ? "off"
		 : mask == TS_TRACE_ALL ? "on (segments, states, events)"
		 : mask == TS_TRACE_STATES ? "on (states)"
		 : mask == TS_TRACE_SEGMENTS ? "on (segments)"
					    : "on (segments and states)");
	return 0;
}

int ftpc_cmd_rate(struct ftpc_session *s, int argc, char **argv)
{
	uint64_t v = 0;
	bool get = strcmp(argv[1], "all") == 0 || strcmp(argv[1], "get") == 0;
	bool put = strcmp(argv[1], "all") == 0 || strcmp(argv[1], "put") == 0;

	if (!get && !put) {
		ftpc_err(s, "usage: rate all|get|put [maximum [increment]]");
		return -1;
	}
	if (argc > 2 && ftpc_parse_bytes(argv[2], &v) != 0) {
		ftpc_err(s, "bad rate '%s': give bytes/s, e.g. 100k or 0 for "
			 "no limit", argv[2]);
		return -1;
	}
	if (argc > 2 && get)
		s->rate_get = v;
	if (argc > 2 && put)
		s->rate_put = v;
	if (get)
		ftpc_out(s, "Get transfer rate throttle: %s%llu bytes/s",
			 s->rate_get ? "" : "off, ",
			 (unsigned long long)s->rate_get);
	if (put)
		ftpc_out(s, "Put transfer rate throttle: %s%llu bytes/s",
			 s->rate_put ? "" : "off, ",
			 (unsigned long long)s->rate_put);
	return 0;
}

int ftpc_cmd_restart(struct ftpc_session *s, int argc, char **argv)
{
	char *end;
	unsigned long long v = strtoull(argv[1], &end, 10);

	(void)argc;
	if (argv[1][0] == '-' || *end != '\0') {
		ftpc_err(s, "bad restart point '%s': give a byte count",
			 argv[1]);
		return -1;
	}
	s->restart_point = v;
	ftpc_out(s, "Restarting at %llu. Execute get, put or append to "
		 "initiate transfer", v);
	return 0;
}

static const char *on(bool b)
{
	return b ? "on" : "off";
}

int ftpc_cmd_status(struct ftpc_session *s, int argc, char **argv)
{
	char a[16];

	(void)argc;
	(void)argv;
	if (s->cbev)
		ftpc_out(s, "Connected to %s (%s:%u)%s.", s->host,
			 ftp_ipv4_format(s->peer.ip, a), s->peer.port,
			 s->logged_in ? ", logged in" : "");
	else
		ftpc_out(s, "Not connected.");
	if (s->net)
		ftpc_out(s, "Local address: %s (link %s).",
			 ftp_ipv4_format(net_addr(s->net), a),
			 s->o.net.link && s->o.net.link[0] ? s->o.net.link
							   : "default hub");
	ftpc_out(s, "Mode: stream; Type: %s; Form: non-print; Structure: "
		 "file", s->type == FTPC_TYPE_BINARY ? "binary" : "ascii");
	ftpc_out(s, "Verbose: %s; Bell: off; Prompting: %s; Debugging: %s",
		 on(s->verbose), on(s->prompt), on(s->debug));
	ftpc_out(s, "Hash mark printing: %s (%llu bytes); Progress bar: %s",
		 on(s->hash), (unsigned long long)s->hash_step,
		 on(s->progress));
	ftpc_out(s, "Passive mode: %s; Use of EPSV/EPRT: %s; Use of PORT "
		 "cmds: %s; PASV address: %s", on(s->passive), on(s->epsv),
		 on(s->sendport), s->pasv_trust ? "trusted" : "ignored");
	ftpc_out(s, "TCP trace: %s; Idle timeout: %u s", on(s->trace_mask != 0),
		 s->idle_ms / 1000u);
	ftpc_out(s, "Get rate: %llu bytes/s; Put rate: %llu bytes/s "
		 "(0: unlimited); Restart point: %llu",
		 (unsigned long long)s->rate_get,
		 (unsigned long long)s->rate_put,
		 (unsigned long long)s->restart_point);
	ftpc_tls_status(s);
	ftpc_out(s, "Macros: %zu defined", s->nmacros);
	return 0;
}
