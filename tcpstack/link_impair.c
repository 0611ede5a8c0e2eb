/*
 * link_impair.c - the impairment layer: a link that wraps another and, per
 * direction (tx: frames we send, rx: frames we receive), loses, duplicates,
 * corrupts, reorders, delays and rate-limits frames.
 *
 * Per frame, in this order: loss; duplication (the copy goes through the
 * rest independently); corruption (one random bit flipped beyond the
 * Ethernet header, or beyond the IPv4 header on IP links, so transport
 * checksums must catch it); reordering (the frame is held back until 1 to
 * `depth` later frames have passed, or TS_IMPAIR_HOLD_MAX at most); the
 * rate limit (serialisation: a frame leaves when the previous one has
 * been clocked out at rate_bps); then delay +- jitter.
 *
 * Decisions come from one xoshiro256** generator per direction, seeded
 * from spec.seed by splitmix64: the same seed and the same frames give the
 * same decisions, and rx traffic does not disturb tx decisions.
 *
 * Frames held for time wait in a min-heap per direction (ties keep their
 * order), released by ts_link_poll() at ts_link_next_deadline() (tx: sent
 * on the inner link; rx: queued for ts_link_recv). Time is the clock given
 * in the link options, so tests run it virtually.
 *
 * Ownership: every frame held is a heap copy owned by the impairer; the
 * inner link is owned and closed with it.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "link_internal.h"

#define IMPAIR_RX_PULL_MAX 64u /* inner frames examined per recv call */
#define IMPAIR_RX_SALT 0x6a09e667f3bcc909ULL /* rx stream != tx stream */
#define PPM 1000000u
#define IP4_HDR_MIN 20u
#define ETH_HDR 14u

struct imp_frame {
	struct imp_frame *next;   /* rx ready list                      */
	ts_time_t due;
	uint64_t order;           /* tie-break: earlier admitted first  */
	bool csum_unverified;
	size_t len;
	uint8_t data[];
};

struct imp_held {
	struct imp_frame *f;
	unsigned countdown;       /* later frames still to pass it      */
	ts_time_t deadline;       /* released at the latest then        */
};

struct imp_dir {
	bool on;
	bool is_tx;
	uint64_t rng[4];
	struct imp_frame **heap;  /* min-heap on (due, order)           */
	size_t n, cap;
	uint64_t order;
	ts_time_t wire_free;      /* rate: when the last frame is out   */
	struct imp_held held[TS_IMPAIR_HELD_MAX];
	size_t nheld;
	struct imp_frame *ready, *ready_tail; /* rx: due, not yet read  */
};

struct imp_link {
	struct ts_link base;
	struct ts_impair_spec spec;
	ts_time_t (*clock)(void *ctx);
	void *clock_ctx;
	struct imp_dir tx, rx;
	uint8_t scratch[TS_FRAME_MAX];
};

/* ---- random decisions ------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(uint64_t s[4])
{
	uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

/* Uniform in [0, n) (n > 0), by multiply-shift: no modulo bias to speak of. */
static uint64_t rng_below(struct imp_dir *d, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(d->rng) * n) >> 64);
}

static bool chance(struct imp_dir *d, uint32_t ppm)
{
	return ppm > 0 && rng_below(d, PPM) < ppm;
}

/* ---- the delay heap ------------------------------------------------------- */

static bool frame_before(const struct imp_frame *a, const struct imp_frame *b)
{
	return a->due < b->due || (a->due == b->due && a->order < b->order);
}

static int heap_push(struct imp_dir *d, struct imp_frame *f)
{
	size_t i;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct imp_frame **h;

		if (d->n >= TS_IMPAIR_QUEUE_MAX)
			return -ENOBUFS; /* a full router queue drops */
		h = realloc(d->heap, cap * sizeof(*h));
		if (!h)
			return -ENOMEM;
		d->heap = h;
		d->cap = cap;
	}
	i = d->n++;
	while (i > 0 && frame_before(f, d->heap[(i - 1) / 2])) {
		d->heap[i] = d->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	d->heap[i] = f;
	return 0;
}

static struct imp_frame *heap_pop(struct imp_dir *d)
{
	struct imp_frame *top = d->heap[0], *last = d->heap[--d->n];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < d->n) {
		if (c + 1 < d->n && frame_before(d->heap[c + 1], d->heap[c]))
			c++;
		if (!frame_before(d->heap[c], last))
			break;
		d->heap[i] = d->heap[c];
		i = c;
	}
	if (d->n > 0)
		d->heap[i] = last;
	return top;
}

/* ---- frames through one direction ------------------------------------------ */

static struct imp_frame *frame_new(const uint8_t *data, size_t len, bool unv)
{
	struct imp_frame *f = malloc(sizeof(*f) + len);

	if (!f)
		return NULL;
	f->next = NULL;
	f->len = len;
	f->csum_unverified = unv;
	memcpy(f->data, data, len);
	return f;
}

/* The frame leaves the impairer: tx onto the inner link, rx into the
 * ready list. Consumes f. */
static void emit(struct imp_link *im, struct imp_dir *d, struct imp_frame *f)
{
	if (d->is_tx) {
		ts_link_send(im->base.inner, f->data, f->len);
		free(f);
		return;
	}
	if (d->ready_tail)
		d->ready_tail->next = f;
	else
		d->ready = f;
	d->ready_tail = f;
}

/* Rate, delay and jitter: when a frame admitted now leaves. */
static ts_time_t departure(struct imp_link *im, struct imp_dir *d,
			   size_t len, ts_time_t now)
{
	const struct ts_impair_spec *s = &im->spec;
	ts_time_t t = now;

	if (s->rate_bps) {
		ts_time_t start = d->wire_free > now ? d->wire_free : now;
		t = start + (ts_time_t)((unsigned __int128)len * 8u *
					TS_USEC_PER_SEC / s->rate_bps);
		d->wire_free = t;
	}
	t += s->delay;
	if (s->jitter) {
		uint64_t j = rng_below(d, 2 * s->jitter + 1);
		/* j - jitter is in [-jitter, +jitter]; never before now. */
		t = t + j >= now + s->jitter ? t + j - s->jitter : now;
	}
	return t;
}

static void schedule(struct imp_link *im, struct imp_dir *d,
		     struct imp_frame *f, ts_time_t now)
{
	f->due = departure(im, d, f->len, now);
	f->order = d->order++;
	if (f->due <= now)
		emit(im, d, f);
	else if (heap_push(d, f) < 0)
		free(f);
}

/* Another frame passed the held ones: release those whose turn came. */
static void pass_held(struct imp_link *im, struct imp_dir *d, ts_time_t now,
		      bool expire_only)
{
	size_t i = 0;

	while (i < d->nheld) {
		struct imp_held *h = &d->held[i];

		if ((!expire_only && --h->countdown == 0) || h->deadline <= now) {
			struct imp_frame *f = h->f;

			*h = d->held[--d->nheld];
			schedule(im, d, f, now);
			continue;
		}
		i++;
	}
}

static void corrupt(struct imp_link *im, struct imp_dir *d,
		    struct imp_frame *f)
{
	size_t off = im->base.info.kind == TS_LINK_IP ? IP4_HDR_MIN : ETH_HDR;
	uint64_t bit;

	if (f->len <= off)
		return;
	bit = rng_below(d, (uint64_t)(f->len - off) * 8u);
	f->data[off + bit / 8] ^= (uint8_t)(1u << (bit % 8));
}

/* One copy after loss and duplication: corrupt, maybe hold, schedule. */
static void admit_copy(struct imp_link *im, struct imp_dir *d,
		       struct imp_frame *f, ts_time_t now)
{
	const struct ts_impair_spec *s = &im->spec;

	if (chance(d, s->corrupt_ppm))
		corrupt(im, d, f);
	if (chance(d, s->reorder_ppm) && d->nheld < TS_IMPAIR_HELD_MAX) {
		struct imp_held *h = &d->held[d->nheld++];

		h->f = f;
		h->countdown = 1 + (unsigned)rng_below(d, s->reorder_depth);
		h->deadline = now + TS_IMPAIR_HOLD_MAX;
		return;
	}
	schedule(im, d, f, now);
	pass_held(im, d, now, false);
}

static void admit(struct imp_link *im, struct imp_dir *d, const uint8_t *data,
		  size_t len, bool unv, ts_time_t now)
{
	unsigned copies, i;

	if (chance(d, im->spec.loss_ppm))
		return;
	copies = chance(d, im->spec.dup_ppm) ? 2 : 1;
	for (i = 0; i < copies; i++) {
		struct imp_frame *f = frame_new(data, len, unv);

		if (!f)
			return;
		admit_copy(im, d, f, now);
	}
}

/* Releases everything due by now. */
static void dir_poll(struct imp_link *im, struct imp_dir *d, ts_time_t now)
{
	pass_held(im, d, now, true);
	while (d->n > 0 && d->heap[0]->due <= now)
		emit(im, d, heap_pop(d));
}

static ts_time_t dir_deadline(const struct imp_dir *d)
{
	ts_time_t t = TS_TIME_NEVER;
	size_t i;

	if (d->ready)
		return 0; /* frames wait for ts_link_recv: due now */
	if (d->n > 0)
		t = d->heap[0]->due;
	for (i = 0; i < d->nheld; i++)
		if (d->held[i].deadline < t)
			t = d->held[i].deadline;
	return t;
}

static void dir_free(struct imp_dir *d)
{
	struct imp_frame *f, *next;
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->heap[i]);
	free(d->heap);
	for (i = 0; i < d->nheld; i++)
		free(d->held[i].f);
	for (f = d->ready; f; f = next) {
		next = f->next;
		free(f);
	}
}

/* ---- the link ops ------------------------------------------------------------ */

static ts_time_t imp_now(const struct imp_link *im)
{
	return im->clock(im->clock_ctx);
}

static int imp_send(struct ts_link *l, const uint8_t *frame, size_t len)
{
	struct imp_link *im = LINK_DRIVER(struct imp_link, l);
	ts_time_t now;

	if (!im->tx.on)
		return ts_link_send(l->inner, frame, len);
	now = imp_now(im);
	dir_poll(im, &im->tx, now);
	admit(im, &im->tx, frame, len, false, now);
	return 0;
}

/* Hands out the oldest ready rx frame: its length, or 0 when none. */
static ssize_t take_ready(struct imp_dir *d, uint8_t *buf, size_t cap,
			  bool *csum_unverified)
{
	struct imp_frame *f;

	while ((f = d->ready) != NULL) {
		ssize_t n = (ssize_t)f->len;

		d->ready = f->next;
		if (!d->ready)
			d->ready_tail = NULL;
		if (f->len <= cap) {
			memcpy(buf, f->data, f->len);
			*csum_unverified = f->csum_unverified;
			free(f);
			return n;
		}
		free(f);
	}
	return 0;
}

static ssize_t imp_recv(struct ts_link *l, uint8_t *buf, size_t cap,
			bool *csum_unverified)
{
	struct imp_link *im = LINK_DRIVER(struct imp_link, l);
	unsigned i;

	if (!im->rx.on)
		return ts_link_recv(l->inner, buf, cap, csum_unverified);
	for (i = 0; i < IMPAIR_RX_PULL_MAX; i++) {
		bool unv = false;
		ssize_t n = take_ready(&im->rx, buf, cap, csum_unverified);

		if (n > 0)
			return n;
		n = ts_link_recv(l->inner, im->scratch, sizeof(im->scratch),
				 &unv);
		if (n <= 0)
			return n;
		admit(im, &im->rx, im->scratch, (size_t)n, unv, imp_now(im));
	}
	return take_ready(&im->rx, buf, cap, csum_unverified);
}

static int imp_fd(const struct ts_link *l)
{
	return ts_link_fd(l->inner);
}

static ts_time_t imp_next_deadline(const struct ts_link *l)
{
	const struct imp_link *im = LINK_DRIVER(const struct imp_link, l);
	ts_time_t t = ts_link_next_deadline(l->inner);
	ts_time_t tx = dir_deadline(&im->tx), rx = dir_deadline(&im->rx);

	if (tx < t)
		t = tx;
	return rx < t ? rx : t;
}

static void imp_poll(struct ts_link *l)
{
	struct imp_link *im = LINK_DRIVER(struct imp_link, l);
	ts_time_t now = imp_now(im);

	ts_link_poll(l->inner);
	dir_poll(im, &im->tx, now);
	dir_poll(im, &im->rx, now);
}

static void imp_close(struct ts_link *l)
{
	struct imp_link *im = LINK_DRIVER(struct imp_link, l);

	dir_free(&im->tx);
	dir_free(&im->rx);
	ts_link_close(l->inner);
	free(im);
}

static const struct link_ops imp_ops = {
	.send = imp_send,
	.recv = imp_recv,
	.fd = imp_fd,
	.next_deadline = imp_next_deadline,
	.poll = imp_poll,
	.close = imp_close,
};

static ts_time_t imp_monotonic(void *unused)
{
	struct timespec ts;

	(void)unused;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts_time_t)ts.tv_sec * TS_USEC_PER_SEC +
	       (ts_time_t)ts.tv_nsec / 1000u;
}

static void dir_init(struct imp_dir *d, bool on, bool is_tx, uint64_t seed)
{
	int i;

	d->on = on;
	d->is_tx = is_tx;
	for (i = 0; i < 4; i++)
		d->rng[i] = splitmix64(&seed);
}

int link_impair_wrap(struct ts_link *inner, const struct ts_impair_spec *spec,
		     ts_time_t (*clock)(void *ctx), void *clock_ctx,
		     struct ts_link **out)
{
	struct imp_link *im = calloc(1, sizeof(*im));

	if (!im)
		return -ENOMEM;
	im->base.ops = &imp_ops;
	im->base.info = inner->info;
	im->base.inner = inner;
	im->spec = *spec;
	im->clock = clock ? clock : imp_monotonic;
	im->clock_ctx = clock ? clock_ctx : NULL;
	dir_init(&im->tx, spec->tx, true, spec->seed);
	dir_init(&im->rx, spec->rx, false, spec->seed ^ IMPAIR_RX_SALT);
	*out = &im->base;
	return 0;
}
