/*
 * link_internal.h - the link object and the seams between link drivers.
 *
 * Every driver embeds `struct ts_link` as its FIRST member and fills in an
 * ops table; link.c dispatches the public ts_link_* calls through it. The
 * impairment layer is itself a driver that owns an inner link.
 *
 * Ownership: a driver's open function returns a heap object that belongs
 * to the caller until ts_link_close(), which calls ops->close; ops->close
 * releases every resource of the driver (fds, socket files, queues) and
 * frees the object itself.
 */
#ifndef TS_LINK_INTERNAL_H
#define TS_LINK_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ts.h"
#include "ts_limits.h"
#include "ts_link.h"

struct link_ops {
	/* One frame out; borrowed. 0 or -errno (frame lost). */
	int (*send)(struct ts_link *l, const uint8_t *frame, size_t len);
	/* One frame in: its length, 0 when none is ready, or -errno. */
	ssize_t (*recv)(struct ts_link *l, uint8_t *buf, size_t cap,
			bool *csum_unverified);
	int (*fd)(const struct ts_link *l);
	/* NULL: the driver holds nothing back (TS_TIME_NEVER / no-op). */
	ts_time_t (*next_deadline)(const struct ts_link *l);
	void (*poll)(struct ts_link *l);
	void (*close)(struct ts_link *l);
};

struct ts_link {
	const struct link_ops *ops;
	struct ts_link_info info;
	struct ts_link *inner; /* the link a wrapper (impairer) owns, or NULL */
};

/* Recovers a driver's struct from its embedded ts_link (first member). */
#define LINK_DRIVER(type, l) ((type *)(void *)(l))

/* ---- driver entry points (link_*.c), called by ts_link_open -------------- */

/* Each returns 0 and *out, or -errno with a message in err naming the
 * link, the cause and the fix. `name` is the part after the prefix. */
int link_hub_open(const char *dir, const struct ts_link_options *opt,
		  struct ts_link **out, char *err, size_t errlen);
int link_packet_open(const char *ifname, const struct ts_link_options *opt,
		     struct ts_link **out, char *err, size_t errlen);
int link_tap_open(const char *name, bool tun, const struct ts_link_options *opt,
		  struct ts_link **out, char *err, size_t errlen);
/* A lone mem link (spec "mem" or "mem:NAME"). */
int link_mem_open(const struct ts_link_options *opt, struct ts_link **out,
		  char *err, size_t errlen);

/* Wraps inner in the impairer. On success the impairer owns inner; on
 * failure (-ENOMEM) inner is untouched. clock may be NULL: CLOCK_MONOTONIC. */
int link_impair_wrap(struct ts_link *inner, const struct ts_impair_spec *spec,
		     ts_time_t (*clock)(void *ctx), void *clock_ctx,
		     struct ts_link **out);

/* ---- helpers shared by the drivers (link.c) ------------------------------ */

/* snprintf into err (when err and errlen are non-zero). */
void link_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Fills buf with len random bytes from the kernel (getrandom); falls back
 * to time and pid mixing only when getrandom is unavailable. */
void link_random(void *buf, size_t len);

/* A locally administered unicast MAC (02:xx:xx:xx:xx:xx): two bytes from
 * salt (e.g. the pid) so ports of different processes differ, three
 * random bytes so ports of one process differ. */
void link_generate_mac(uint8_t mac[6], uint32_t salt);

/* True when a frame's destination MAC is mac, broadcast or multicast. */
bool link_frame_for_us(const uint8_t *frame, size_t len, const uint8_t mac[6]);

/* Validates opt->mtu (0 = dflt); -EINVAL with a message for out of range. */
int link_check_mtu(const char *spec, uint32_t mtu, char *err, size_t errlen);

#endif /* TS_LINK_INTERNAL_H */
