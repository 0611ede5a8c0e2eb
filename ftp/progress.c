/*
 * progress.c - progress bar, summary, hash marks and rate limiting (see
 * progress.h). Pure functions of byte counts and the time passed in.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ftpc_limits.h"
#include "progress.h"

#define SEC FTPC_USEC_PER_SEC
#define UNITS_MAX 5
#define ABBREV_LIMIT 100000ULL /* show at most 5 digits before a unit */
#define BAR_FIXED 8u           /* "100% |" and "| " around the bar     */

static const char *const units[UNITS_MAX + 1] = {
	"B  ", "KiB", "MiB", "GiB", "TiB", "PiB",
};

void ftpc_progress_start(struct ftpc_progress *p, uint64_t total,
			 uint64_t restart, uint64_t now_us)
{
	memset(p, 0, sizeof(*p));
	p->total = total;
	p->restart = restart;
	p->bytes = restart;
	p->start_us = now_us;
	p->last_change_us = now_us;
}

bool ftpc_progress_update(struct ftpc_progress *p, uint64_t bytes,
			  uint64_t now_us)
{
	if (bytes != p->bytes)
		p->last_change_us = now_us;
	p->bytes = bytes;
	if (p->drawn && now_us - p->last_draw_us < FTPC_PROGRESS_INTERVAL_US)
		return false;
	p->drawn = true;
	p->last_draw_us = now_us;
	return true;
}

/* Bytes per second moved in this transfer (restart excluded). */
static double rate_of(const struct ftpc_progress *p, uint64_t now_us)
{
	uint64_t el = now_us > p->start_us ? now_us - p->start_us : 0;
	uint64_t moved = p->bytes > p->restart ? p->bytes - p->restart : 0;

	if (el == 0)
		return 0.0;
	return (double)moved * (double)SEC / (double)el;
}

static int put_rate(char *buf, size_t cap, double rate)
{
	int i = 0;

	while (rate >= 1024.0 && i < UNITS_MAX) {
		rate /= 1024.0;
		i++;
	}
	return snprintf(buf, cap, "%7.2f %s/s", rate,
			i == 0 ? "B" : units[i]);
}

static int put_eta(char *buf, size_t cap, const struct ftpc_progress *p,
		   uint64_t now_us, double rate)
{
	uint64_t left;

	if (p->total == 0)
		return snprintf(buf, cap, "%s", "");
	if (p->bytes < p->total &&
	    now_us - p->last_change_us >= FTPC_PROGRESS_STALL_US)
		return snprintf(buf, cap, "   - stalled -");
	if (p->bytes >= p->total)
		left = 0;
	else if (rate <= 0.0)
		return snprintf(buf, cap, "   --:-- ETA");
	else
		left = (uint64_t)((double)(p->total - p->bytes) / rate);
	if (left >= 3600)
		return snprintf(buf, cap, "%4u:%02u:%02u ETA",
				(unsigned)(left / 3600 % 10000),
				(unsigned)(left / 60 % 60), (unsigned)(left % 60));
	return snprintf(buf, cap, "   %02u:%02u ETA", (unsigned)(left / 60),
			(unsigned)(left % 60));
}

/* "  430 KiB  215.00 KiB/s   00:03 ETA" */
static void render_tail(const struct ftpc_progress *p, uint64_t now_us,
			char *buf, size_t cap)
{
	uint64_t abbrev = p->bytes;
	double rate = rate_of(p, now_us);
	int i = 0, n;

	while (abbrev >= ABBREV_LIMIT && i < UNITS_MAX) {
		abbrev >>= 10;
		i++;
	}
	n = snprintf(buf, cap, "%5llu %s ", (unsigned long long)abbrev,
		     units[i]);
	n += put_rate(buf + n, cap - (size_t)n, rate);
	put_eta(buf + n, cap - (size_t)n, p, now_us, rate);
}

size_t ftpc_progress_render(const struct ftpc_progress *p, uint64_t now_us,
			    unsigned width, char *buf, size_t cap)
{
	char tail[96], bar[FTPC_PROGRESS_WIDTH_MAX + 1];
	size_t room, barlen = 0, fill, len;
	unsigned pct;

	if (cap == 0)
		return 0;
	if (width > FTPC_PROGRESS_WIDTH_MAX)
		width = FTPC_PROGRESS_WIDTH_MAX;
	render_tail(p, now_us, tail, sizeof(tail));
	if (p->total == 0) {
		snprintf(buf, cap, "%s", tail);
	} else {
		uint64_t done = p->bytes < p->total ? p->bytes : p->total;
		pct = (unsigned)(done * 100 / p->total);
		room = width > 0 ? width - 1u : 0;
		if (width >= FTPC_PROGRESS_WIDTH_MIN &&
		    room > BAR_FIXED + strlen(tail))
			barlen = room - BAR_FIXED - strlen(tail);
		fill = (size_t)((double)barlen * (double)done /
				(double)p->total);
		memset(bar, '*', fill);
		memset(bar + fill, ' ', barlen - fill);
		bar[barlen] = '\0';
		if (barlen)
			snprintf(buf, cap, "%3u%% |%s| %s", pct, bar, tail);
		else
			snprintf(buf, cap, "%3u%% %s", pct, tail);
	}
	len = strlen(buf);
	if (width > 0 && len > width - 1u) {
		len = width - 1u;
		buf[len] = '\0';
	}
	return len;
}

size_t ftpc_progress_summary(const struct ftpc_progress *p, uint64_t now_us,
			     const char *direction, char *buf, size_t cap)
{
	uint64_t moved = p->bytes > p->restart ? p->bytes - p->restart : 0;
	uint64_t el = now_us > p->start_us ? now_us - p->start_us : 0;
	uint64_t s = el / SEC;
	char rate[32], when[32];
	int n;

	/* A transfer faster than the clock still gets a finite rate. */
	put_rate(rate, sizeof(rate),
		 (double)moved * (double)SEC / (double)(el ? el : 1));
	if (s >= 3600)
		snprintf(when, sizeof(when), "%llu:%02u:%02u",
			 (unsigned long long)(s / 3600),
			 (unsigned)(s / 60 % 60), (unsigned)(s % 60));
	else
		snprintf(when, sizeof(when), "%02u:%02u", (unsigned)(s / 60),
			 (unsigned)(s % 60));
	n = snprintf(buf, cap, "%llu byte%s %s in %s (%s)",
		     (unsigned long long)moved, moved == 1 ? "" : "s",
		     direction, when, rate + strspn(rate, " "));
	if (n < 0 || cap == 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

void ftpc_hash_start(struct ftpc_hash *h, uint64_t step)
{
	h->step = step ? step : FTPC_HASH_BYTES_DEFAULT;
	h->marked = 0;
}

uint64_t ftpc_hash_marks(struct ftpc_hash *h, uint64_t bytes)
{
	uint64_t due = bytes / h->step, n = 0;

	if (due > h->marked) {
		n = due - h->marked;
		h->marked = due;
	}
	return n;
}

void ftpc_rate_set(struct ftpc_rate *r, uint64_t rate, uint64_t now_us)
{
	r->rate = rate > FTPC_RATE_MAX ? FTPC_RATE_MAX : rate;
	r->credit = r->rate * SEC;
	r->last_us = now_us;
}

/* Credit at now_us: one second's worth at most. Elapsed time is capped
 * at a second before multiplying, so rate * elapsed fits in 64 bits. */
static uint64_t credit_at(const struct ftpc_rate *r, uint64_t now_us)
{
	uint64_t el = now_us > r->last_us ? now_us - r->last_us : 0;
	uint64_t cap = r->rate * SEC, c;

	if (el > SEC)
		el = SEC;
	c = r->credit + el * r->rate;
	return c > cap ? cap : c;
}

uint64_t ftpc_rate_take(struct ftpc_rate *r, uint64_t want, uint64_t now_us)
{
	uint64_t can;

	if (r->rate == 0)
		return want;
	r->credit = credit_at(r, now_us);
	r->last_us = now_us;
	can = r->credit / SEC;
	if (can > want)
		can = want;
	r->credit -= can * SEC;
	return can;
}

uint64_t ftpc_rate_wait_us(const struct ftpc_rate *r, uint64_t now_us)
{
	uint64_t c;

	if (r->rate == 0)
		return 0;
	c = credit_at(r, now_us);
	if (c >= SEC)
		return 0;
	return (SEC - c + r->rate - 1) / r->rate;
}

int ftpc_parse_bytes(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;
	size_t i = 0;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > FTPC_RATE_MAX)
			return -1;
	}
	switch (s[i] | 0x20) {
	case 'k':
		shift = 10;
		break;
	case 'm':
		shift = 20;
		break;
	case 'g':
		shift = 30;
		break;
	default:
		if (s[i] != '\0')
			return -1;
	}
	if (shift && s[++i] != '\0')
		return -1;
	if (v > FTPC_RATE_MAX >> shift)
		return -1;
	*out = v << shift;
	return 0;
}
