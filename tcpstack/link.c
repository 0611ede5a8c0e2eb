/*
 * link.c - ts_link_open() and the public ts_link_* calls: parse the spec,
 * open the driver, wrap it in the impairer when asked, dispatch through the
 * driver's ops table. Also the small helpers every driver shares.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "link_internal.h"

void link_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void link_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = getrandom(p + got, len - got, GRND_NONBLOCK);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < len) {
		/* Early boot or a seccomp filter: not secret, only needs to
		 * differ between ports, which time and pid still give. */
		struct timespec ts;
		uint64_t x;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
		    ((uint64_t)getpid() << 17);
		for (; got < len; got++) {
			x ^= x >> 33;
			x *= 0xff51afd7ed558ccdULL;
			p[got] = (uint8_t)(x >> 56);
		}
	}
}

void link_generate_mac(uint8_t mac[6], uint32_t salt)
{
	mac[0] = 0x02; /* locally administered, unicast */
	mac[1] = (uint8_t)(salt >> 8);
	mac[2] = (uint8_t)salt;
	link_random(mac + 3, 3);
}

bool link_frame_for_us(const uint8_t *frame, size_t len, const uint8_t mac[6])
{
	if (len < 6)
		return false;
	/* The group bit covers broadcast and every multicast address. */
	return (frame[0] & 1) || memcmp(frame, mac, 6) == 0;
}

int link_check_mtu(const char *spec, uint32_t mtu, char *err, size_t errlen)
{
	if (mtu == 0 || (mtu >= TS_MTU_MIN && mtu <= TS_MTU_MAX))
		return 0;
	link_errf(err, errlen,
		  "%s: MTU %u is out of range: choose %u..%u (or 0 for the "
		  "link's default)",
		  spec, mtu, TS_MTU_MIN, TS_MTU_MAX);
	return -EINVAL;
}

typedef int (*link_open_fn)(const char *name, const struct ts_link_options *opt,
			    struct ts_link **out, char *err, size_t errlen);

static int open_hub(const char *name, const struct ts_link_options *opt,
		    struct ts_link **out, char *err, size_t errlen)
{
	char dir[4096];

	/* "hub" and "hub:" alone mean the default directory. */
	if (*name == '\0')
		name = ts_hub_default_dir(dir, sizeof(dir));
	return link_hub_open(name, opt, out, err, errlen);
}

static int open_mem(const char *name, const struct ts_link_options *opt,
		    struct ts_link **out, char *err, size_t errlen)
{
	(void)name; /* only a label: mem links are private to a process */
	return link_mem_open(opt, out, err, errlen);
}

static int open_tap(const char *name, const struct ts_link_options *opt,
		    struct ts_link **out, char *err, size_t errlen)
{
	return link_tap_open(name, false, opt, out, err, errlen);
}

static int open_tun(const char *name, const struct ts_link_options *opt,
		    struct ts_link **out, char *err, size_t errlen)
{
	return link_tap_open(name, true, opt, out, err, errlen);
}

static const struct link_kind_entry {
	const char *kind;
	bool needs_name;
	link_open_fn open;
} link_kinds[] = {
	{ "hub", false, open_hub },
	{ "packet", true, link_packet_open },
	{ "tap", true, open_tap },
	{ "tun", true, open_tun },
	{ "mem", false, open_mem },
};

/* Splits "kind:name" and calls the driver; *out is the bare driver. */
static int open_driver(const char *spec, const struct ts_link_options *opt,
		       struct ts_link **out, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	size_t klen = colon ? (size_t)(colon - spec) : strlen(spec);
	const char *name = colon ? colon + 1 : "";
	size_t i;

	for (i = 0; i < sizeof(link_kinds) / sizeof(link_kinds[0]); i++) {
		const struct link_kind_entry *k = &link_kinds[i];

		if (strlen(k->kind) != klen || strncmp(spec, k->kind, klen) != 0)
			continue;
		if (k->needs_name && *name == '\0') {
			link_errf(err, errlen,
				  "link '%s': the device name is missing: "
				  "write %s:NAME, e.g. %s:veth0",
				  spec, k->kind, k->kind);
			return -EINVAL;
		}
		return k->open(name, opt, out, err, errlen);
	}
	link_errf(err, errlen,
		  "link '%s': unknown link type: use hub[:DIR], packet:IFNAME, "
		  "tap:NAME, tun:NAME or mem", spec);
	return -EINVAL;
}

int ts_link_open(const char *spec, const struct ts_link_options *opt,
		 struct ts_link **out, char *err, size_t errlen)
{
	static const struct ts_link_options no_opt;
	struct ts_impair_spec imp;
	struct ts_link *l = NULL, *wrapped;
	char msg[256];
	bool impair;
	int rc;

	*out = NULL;
	if (!opt)
		opt = &no_opt;
	if (!spec || *spec == '\0')
		spec = "hub";
	rc = link_check_mtu(spec, opt->mtu, err, errlen);
	if (rc < 0)
		return rc;
	impair = opt->impair && *opt->impair;
	/* Parse the impairment first, so a typo has no side effects such as
	 * a hub port appearing and vanishing. */
	if (impair && ts_impair_parse(opt->impair, &imp, msg, sizeof(msg)) < 0) {
		link_errf(err, errlen, "%s: %s", spec, msg);
		return -EINVAL;
	}
	rc = open_driver(spec, opt, &l, err, errlen);
	if (rc < 0)
		return rc;
	if (impair) {
		rc = link_impair_wrap(l, &imp, opt->clock, opt->clock_ctx,
				      &wrapped);
		if (rc < 0) {
			ts_link_close(l);
			link_errf(err, errlen,
				  "%s: out of memory for the impairment layer",
				  spec);
			return rc;
		}
		l = wrapped;
	}
	snprintf(l->info.name, sizeof(l->info.name), "%s", spec);
	*out = l;
	return 0;
}

int ts_link_send(struct ts_link *l, const uint8_t *frame, size_t len)
{
	return l->ops->send(l, frame, len);
}

ssize_t ts_link_recv(struct ts_link *l, uint8_t *buf, size_t cap,
		     bool *csum_unverified)
{
	bool dummy;

	if (!csum_unverified)
		csum_unverified = &dummy;
	*csum_unverified = false;
	return l->ops->recv(l, buf, cap, csum_unverified);
}

int ts_link_fd(const struct ts_link *l)
{
	return l->ops->fd(l);
}

ts_time_t ts_link_next_deadline(const struct ts_link *l)
{
	return l->ops->next_deadline ? l->ops->next_deadline(l) : TS_TIME_NEVER;
}

void ts_link_poll(struct ts_link *l)
{
	if (l->ops->poll)
		l->ops->poll(l);
}

void ts_link_get_info(const struct ts_link *l, struct ts_link_info *info)
{
	*info = l->info;
}

void ts_link_close(struct ts_link *l)
{
	if (l)
		l->ops->close(l);
}
