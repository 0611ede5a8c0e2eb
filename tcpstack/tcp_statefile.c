/*
 * tcp_statefile.c - TIME_WAIT and the ISN clock across restarts: the state
 * file's parser and encoder (format in tcp_statefile_internal.h), the
 * atomic writer, and loading a file back into a stack.
 *
 * In a userspace stack the process IS the stack: its TIME_WAIT table dies
 * with it. On a clean stop the table and the ISN clock are written here;
 * on start, what has not expired is loaded, so a restarted server still
 * refuses to bind over them (RFC 9293 3.3.2 TIME-WAIT) and its new ISNs
 * continue beyond the old ones (RFC 9293 3.4.1).
 *
 * Remaining times cross processes whose monotonic clocks differ, so the
 * file carries wall-clock expiries; a wall clock that went back counts as
 * no time passed, and no entry outlives 2MSL from the time of writing.
 * File I/O lives only in this file and tcp_statedir.c (like pcap.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "stack_internal.h"
#include "tcp_statefile_internal.h"
#include "wire_bytes.h"

static const uint8_t sf_magic[8] = { 'S', 'Y', 'N', 'F', 'I', 'N', 'T', 'W' };
/* The checksum detects corruption, not forgery (the file's owner and mode
 * are what keep others out): a fixed, public key is enough. */
static const uint8_t sf_sum_key[16] = { 's', 'y', 'n', 'f', 'i', 'n', '-', 't',
					'w', '-', 's', 't', 'a', 't', 'e', '1' };
#define SF_WRITE_RETRIES 16u /* EINTR retries per write/read */

uint64_t tcp_wall_clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * TS_USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)wire_rd32(p) << 32 | wire_rd32(p + 4);
}

static void wr64(uint8_t *p, uint64_t v)
{
	wire_wr32(p, (uint32_t)(v >> 32));
	wire_wr32(p + 4, (uint32_t)v);
}

static void say(char *msg, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(char *msg, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (msg == NULL || cap == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, cap, fmt, ap);
	va_end(ap);
}

static unsigned long long secs_up(uint64_t us)
{
	return (unsigned long long)((us + TS_USEC_PER_SEC - 1) / TS_USEC_PER_SEC);
}

/* ---- parser: the only reader of the file's bytes --------------------------- */

size_t sf_encoded_len(uint32_t nentries)
{
	return SF_HDR_LEN + (size_t)nentries * SF_ENTRY_LEN + SF_SUM_LEN;
}

/* Framing: magic, version, entry count, exact length, checksum. */
static enum sf_result parse_frame(const uint8_t *b, size_t len, uint32_t *n,
				  char *why, size_t cap)
{
	size_t want;

	if (len < sizeof(sf_magic) + 4) {
		say(why, cap, "truncated (%zu bytes)", len);
		return SF_NEED_MORE;
	}
	if (memcmp(b, sf_magic, sizeof(sf_magic)) != 0) {
		say(why, cap, "not a synfin state file (bad magic)");
		return SF_BAD;
	}
	if (wire_rd32(b + 8) != SF_VERSION) {
		say(why, cap, "format version %u, this build reads version %u",
		    wire_rd32(b + 8), SF_VERSION);
		return SF_BAD;
	}
	if (len < SF_HDR_LEN + SF_SUM_LEN) {
		say(why, cap, "truncated (%zu bytes, the header alone is %u)",
		    len, SF_HDR_LEN + SF_SUM_LEN);
		return SF_NEED_MORE;
	}
	*n = wire_rd32(b + 64);
	if (*n > TS_STATE_ENTRIES_MAX) {
		say(why, cap, "%u entries, more than the limit of %u", *n,
		    TS_STATE_ENTRIES_MAX);
		return SF_TOO_LONG;
	}
	want = sf_encoded_len(*n);
	if (len != want) {
		say(why, cap, "%s (%zu bytes, %u entries need %zu)",
		    len < want ? "truncated" : "trailing bytes", len, *n, want);
		return len < want ? SF_NEED_MORE : SF_BAD;
	}
	if (tcp_siphash(sf_sum_key, b, len - SF_SUM_LEN) != rd64(b + len - SF_SUM_LEN)) {
		say(why, cap, "checksum mismatch (the file is corrupt)");
		return SF_BAD;
	}
	return SF_OK;
}

static enum sf_result parse_header(const uint8_t *b, struct sf_file *f,
				   char *why, size_t cap)
{
	uint32_t flags = wire_rd32(b + 36);

	f->addr = wire_rd32(b + 12);
	memcpy(f->mac, b + 16, sizeof(f->mac));
	f->written_us = rd64(b + 24);
	f->msl_ms = wire_rd32(b + 32);
	f->clock_present = (flags & SF_FLAG_CLOCK) != 0;
	f->clock_us = rd64(b + 40);
	memcpy(f->isn_secret, b + 48, SF_SECRET_LEN);
	if (wire_rd16(b + 22) != 0 || wire_rd32(b + 68) != 0 ||
	    (flags & ~SF_FLAG_CLOCK) != 0) {
		say(why, cap, "unknown flags or reserved bits set in the header");
		return SF_BAD;
	}
	if (f->msl_ms == 0 || f->msl_ms > TS_STATE_MSL_MAX_MS) {
		say(why, cap, "MSL of %u ms is outside 1..%u ms", f->msl_ms,
		    TS_STATE_MSL_MAX_MS);
		return SF_BAD;
	}
	return SF_OK;
}

static enum sf_result parse_entry(const uint8_t *p, const struct sf_file *f,
				  uint32_t i, struct sf_entry *e, char *why,
				  size_t cap)
{
	uint64_t limit = f->written_us + 2ULL * f->msl_ms * TS_USEC_PER_MSEC;

	e->local.ip = wire_rd32(p);
	e->local.port = wire_rd16(p + 4);
	e->remote.port = wire_rd16(p + 6);
	e->remote.ip = wire_rd32(p + 8);
	e->snd_nxt = wire_rd32(p + 12);
	e->rcv_nxt = wire_rd32(p + 16);
	e->ts_recent = wire_rd32(p + 20);
	e->tsval = wire_rd32(p + 24);
	e->ts_on = (p[28] & SF_ENTRY_TS) != 0;
	e->rcv_wscale = p[29];
	e->expiry_us = rd64(p + 32);
	if ((p[28] & ~SF_ENTRY_TS) != 0 || wire_rd16(p + 30) != 0 ||
	    e->rcv_wscale > TS_WSCALE_MAX) {
		say(why, cap, "entry %u: unknown flags or bad window scale", i);
		return SF_BAD;
	}
	if (e->local.ip != f->addr || e->local.port == 0 ||
	    e->remote.ip == 0 || e->remote.port == 0) {
		say(why, cap, "entry %u: bad socket pair (local address not "
		    "the file's, or a zero address or port)", i);
		return SF_BAD;
	}
	if (e->expiry_us > limit) {
		say(why, cap, "entry %u: expires more than 2MSL after the file "
		    "was written", i);
		return SF_BAD;
	}
	return SF_OK;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct sf_entry *x = a, *y = b;
	uint64_t kx = (uint64_t)x->remote.ip << 32 | (uint32_t)x->remote.port << 16 |
		      x->local.port;
	uint64_t ky = (uint64_t)y->remote.ip << 32 | (uint32_t)y->remote.port << 16 |
		      y->local.port;

	return kx < ky ? -1 : kx > ky;
}

/* Every entry has the file's local address, so the pair is the remote
 * address and port and the local port. */
static bool has_duplicates(struct sf_entry *e, uint32_t n)
{
	uint32_t i;

	qsort(e, n, sizeof(*e), entry_cmp);
	for (i = 1; i < n; i++)
		if (entry_cmp(&e[i - 1], &e[i]) == 0)
			return true;
	return false;
}

enum sf_result sf_parse(const uint8_t *buf, size_t len, struct sf_file *out,
			char *why, size_t whycap)
{
	enum sf_result r;
	uint32_t n = 0, i;

	memset(out, 0, sizeof(*out));
	r = parse_frame(buf, len, &n, why, whycap);
	if (r == SF_OK)
		r = parse_header(buf, out, why, whycap);
	if (r != SF_OK)
		return r;
	out->entries = calloc(n ? n : 1, sizeof(*out->entries));
	if (out->entries == NULL) {
		say(why, whycap, "out of memory for %u entries", n);
		return SF_TOO_LONG;
	}
	for (i = 0; i < n && r == SF_OK; i++)
		r = parse_entry(buf + SF_HDR_LEN + (size_t)i * SF_ENTRY_LEN, out,
				i, &out->entries[i], why, whycap);
	if (r == SF_OK && has_duplicates(out->entries, n)) {
		say(why, whycap, "the same socket pair appears twice");
		r = SF_BAD;
	}
	if (r != SF_OK) {
		sf_file_free(out);
		return r;
	}
	out->nentries = n;
	return SF_OK;
}

void sf_file_free(struct sf_file *f)
{
	free(f->entries);
	memset(f, 0, sizeof(*f));
}

/* ---- encoder ---------------------------------------------------------------- */

static void encode_entry(uint8_t *p, const struct sf_entry *e)
{
	memset(p, 0, SF_ENTRY_LEN);
	wire_wr32(p, e->local.ip);
	wire_wr16(p + 4, e->local.port);
	wire_wr16(p + 6, e->remote.port);
	wire_wr32(p + 8, e->remote.ip);
	wire_wr32(p + 12, e->snd_nxt);
	wire_wr32(p + 16, e->rcv_nxt);
	wire_wr32(p + 20, e->ts_recent);
	wire_wr32(p + 24, e->tsval);
	p[28] = e->ts_on ? SF_ENTRY_TS : 0;
	p[29] = e->rcv_wscale;
	wr64(p + 32, e->expiry_us);
}

void sf_encode(const struct sf_file *f, uint8_t *buf)
{
	size_t len = sf_encoded_len(f->nentries);
	uint32_t i;

	memset(buf, 0, SF_HDR_LEN);
	memcpy(buf, sf_magic, sizeof(sf_magic));
	wire_wr32(buf + 8, SF_VERSION);
	wire_wr32(buf + 12, f->addr);
	memcpy(buf + 16, f->mac, sizeof(f->mac));
	wr64(buf + 24, f->written_us);
	wire_wr32(buf + 32, f->msl_ms);
	wire_wr32(buf + 36, f->clock_present ? SF_FLAG_CLOCK : 0);
	wr64(buf + 40, f->clock_us);
	memcpy(buf + 48, f->isn_secret, SF_SECRET_LEN);
	wire_wr32(buf + 64, f->nentries);
	for (i = 0; i < f->nentries; i++)
		encode_entry(buf + SF_HDR_LEN + (size_t)i * SF_ENTRY_LEN,
			     &f->entries[i]);
	wr64(buf + len - SF_SUM_LEN, tcp_siphash(sf_sum_key, buf, len - SF_SUM_LEN));
}

/* ---- saving ------------------------------------------------------------------ */

static void entry_from_tcb(const struct tcb *tp, ts_time_t now, uint64_t wall_us,
			   struct sf_entry *e)
{
	e->local = tp->local;
	e->remote = tp->remote;
	e->snd_nxt = tp->snd_nxt;
	e->rcv_nxt = tp->rcv_nxt;
	e->ts_recent = tp->ts_recent;
	e->tsval = (uint32_t)(now / TS_USEC_PER_MSEC) + tp->ts_offset;
	e->ts_on = (tp->flags & TF_RCVD_TS) != 0;
	e->rcv_wscale = tp->rcv_wscale;
	e->expiry_us = wall_us + (tp->timer[TCPT_2MSL] - now);
}

/* The stack's TIME_WAIT connections still waiting at `now`, at most
 * TS_STATE_ENTRIES_MAX of them (*unsaved counts the rest). */
static int collect(const struct ts_stack *st, ts_time_t now, uint64_t wall_us,
		   struct sf_file *f, uint32_t *unsaved)
{
	const struct tcp_state *ts = &st->tcp;
	uint32_t cap = ts->nconns < TS_STATE_ENTRIES_MAX ? ts->nconns
						      : TS_STATE_ENTRIES_MAX;
	const struct tcb *tp;
	unsigned i;

	f->entries = calloc(cap ? cap : 1, sizeof(*f->entries));
	if (f->entries == NULL)
		return -ENOMEM;
	for (i = 0; i <= ts->hash_mask; i++) {
		for (tp = ts->hash[i]; tp != NULL; tp = tp->hnext) {
			if (tp->state != TS_TIME_WAIT ||
			    tp->timer[TCPT_2MSL] == TS_TIME_NEVER ||
			    tp->timer[TCPT_2MSL] <= now ||
			    tp->local.ip != st->cfg.addr)
				continue;
			if (f->nentries == cap) {
				(*unsaved)++;
				continue;
			}
			entry_from_tcb(tp, now, wall_us, &f->entries[f->nentries++]);
		}
	}
	return 0;
}

static int write_all(int fd, const uint8_t *buf, size_t len)
{
	size_t off = 0;
	unsigned eintr = 0;

	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);

		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR && eintr++ < SF_WRITE_RETRIES)
			continue;
		return w < 0 ? -errno : -EIO;
	}
	return 0;
}

/* fsync of the directory holding path, so a rename survives power loss. */
int sf_fsync_dir_of(const char *path)
{
	char dir[TS_STATE_PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, rc = 0;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) >= sizeof(dir))
		return -ENAMETOOLONG;
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Writes len bytes to path atomically: a temp file in the same directory
 * (mode 0600), fsync, rename over path, fsync of the directory. No temp
 * file is left behind on failure. */
int sf_write_atomic(const char *path, const uint8_t *buf, size_t len)
{
	char tmp[TS_STATE_PATH_MAX];
	int fd, rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp); /* mode 0600 */
	if (fd < 0)
		return -errno;
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	rc = write_all(fd, buf, len);
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc != 0) {
		unlink(tmp);
		return rc;
	}
	return sf_fsync_dir_of(path);
}

int tcp_state_save_at(const struct ts_stack *st, const char *path,
		      uint64_t wall_us, uint32_t *unsaved)
{
	ts_time_t now = ts_now(st);
	struct sf_file f;
	uint8_t *buf;
	size_t len;
	int rc;

	*unsaved = 0;
	if (st->cfg.msl_ms > TS_STATE_MSL_MAX_MS)
		return -ERANGE;
	memset(&f, 0, sizeof(f));
	f.addr = st->cfg.addr;
	memcpy(f.mac, st->cfg.mac, sizeof(f.mac));
	f.written_us = wall_us;
	f.msl_ms = st->cfg.msl_ms;
	f.clock_present = true;
	f.clock_us = now + st->tcp.clock_offset;
	memcpy(f.isn_secret, st->tcp.secret, SF_SECRET_LEN);
	rc = collect(st, now, wall_us, &f, unsaved);
	if (rc != 0)
		return rc;
	len = sf_encoded_len(f.nentries);
	buf = malloc(len);
	if (buf == NULL) {
		sf_file_free(&f);
		return -ENOMEM;
	}
	sf_encode(&f, buf);
	rc = sf_write_atomic(path, buf, len);
	free(buf);
	if (rc == 0)
		rc = (int)f.nentries;
	sf_file_free(&f);
	return rc;
}

int ts_state_save(const struct ts_stack *st, const char *path)
{
	uint32_t unsaved;
	int rc = tcp_state_save_at(st, path, tcp_wall_clock_us(), &unsaved);

	return rc < 0 ? rc : 0;
}

/* ---- loading ------------------------------------------------------------------- */

/* SECURITY: the file holds the ISN secret and decides which ports stay
 * blocked: use it only when it is a regular file (no symlink) owned by
 * us that nobody else may read or write. */
static int check_file(int fd, const char *path, size_t *size, char *msg,
		      size_t cap)
{
	struct stat sb;

	if (fstat(fd, &sb) != 0)
		return -errno;
	if (!S_ISREG(sb.st_mode)) {
		say(msg, cap, "ignoring state file %s: not a regular file", path);
		return -EPERM;
	}
	if (sb.st_uid != geteuid()) {
		say(msg, cap, "ignoring state file %s: owned by uid %u, not by "
		    "this process's uid %u; remove it", path,
		    (unsigned)sb.st_uid, (unsigned)geteuid());
		return -EPERM;
	}
	if ((sb.st_mode & 077) != 0) {
		say(msg, cap, "ignoring state file %s: others may read or write "
		    "it (mode %03o) and it holds the ISN secret; chmod 600 it "
		    "or remove it", path, (unsigned)(sb.st_mode & 0777));
		return -EPERM;
	}
	if ((uint64_t)sb.st_size > SF_FILE_MAX) {
		say(msg, cap, "ignoring state file %s: %lld bytes, more than a "
		    "state file can hold (%zu)", path, (long long)sb.st_size,
		    (size_t)SF_FILE_MAX);
		return -EBADMSG;
	}
	*size = (size_t)sb.st_size;
	return 0;
}

/* Reads the whole file (at most SF_FILE_MAX bytes) into *out (malloc'd). */
static int read_file(const char *path, uint8_t **out, size_t *len, char *msg,
		     size_t cap)
{
	size_t size = 0, got = 0;
	unsigned eintr = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ENOENT)
			say(msg, cap, "no saved state in %s (first start, or it "
			    "was removed)", path);
		else
			say(msg, cap, "ignoring state file %s: %s%s", path,
			    strerror(-rc), rc == -ELOOP ? " (a symbolic link)" : "");
		return rc == -ELOOP ? -EPERM : rc;
	}
	rc = check_file(fd, path, &size, msg, cap);
	*out = rc == 0 ? malloc(size ? size : 1) : NULL;
	if (rc == 0 && *out == NULL)
		rc = -ENOMEM;
	while (rc == 0 && got < size) {
		ssize_t r = read(fd, *out + got, size - got);

		if (r > 0)
			got += (size_t)r;
		else if (r < 0 && errno == EINTR && eintr++ < SF_WRITE_RETRIES)
			continue;
		else
			break; /* short: the parser reports it truncated */
	}
	close(fd);
	if (rc != 0) {
		free(*out);
		*out = NULL;
		if (rc == -ENOMEM)
			say(msg, cap, "cannot read state file %s: out of memory", path);
		return rc;
	}
	*len = got;
	return 0;
}

/* The clock behind ISNs (RFC 9293 3.4.1) and timestamps (RFC 7323)
 * continues from the saved one plus the wall-clock time since, with the
 * saved secret, so a restarted stack's ISNs and timestamps for a socket
 * pair lie beyond the previous process's (RFC 6191). */
static void apply_clock(struct ts_stack *st, const struct sf_file *f,
			uint64_t elapsed_us)
{
	if (!f->clock_present)
		return;
	/* SECURITY: the secret comes only from a file check_file() found to
	 * be ours alone; a secret the application configured wins. */
	if (st->cfg.isn_secret == NULL)
		memcpy(st->tcp.secret, f->isn_secret, SF_SECRET_LEN);
	st->tcp.clock_offset = f->clock_us + elapsed_us - stack_now(st);
}

/* Undoes the first n restored entries (memory ran out part way). */
static void unload(struct ts_stack *st, const struct sf_file *f, uint32_t n,
		   uint64_t now_wall)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		const struct sf_entry *e = &f->entries[i];
		struct tcb *tp;

		if (e->expiry_us <= now_wall)
			continue;
		tp = tcp_lookup(st, e->local.ip, e->local.port, e->remote.ip,
				e->remote.port);
		if (tp != NULL)
			tcp_close_tcb(st, tp, "state file load undone (out of memory)");
	}
}

struct load_result {
	uint32_t loaded, expired;
	uint64_t longest_us;
};

static int apply_entries(struct ts_stack *st, const struct sf_file *f,
			 uint64_t now_wall, struct load_result *res)
{
	uint64_t elapsed_us = now_wall - f->written_us;
	uint32_t now_ms = (uint32_t)(stack_now(st) / TS_USEC_PER_MSEC), i;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < f->nentries; i++) {
		const struct sf_entry *e = &f->entries[i];
		uint64_t left;
		uint32_t ts_offset;

		if (e->expiry_us <= now_wall) {
			res->expired++;
			continue;
		}
		left = e->expiry_us - now_wall;
		/* Our timestamp clock goes on from where it was: never back
		 * for a peer that may still hold TS.Recent of ours. */
		ts_offset = e->tsval + (uint32_t)(elapsed_us / TS_USEC_PER_MSEC) -
			    now_ms;
		if (!tcp_timewait_restore(st, e, left, ts_offset)) {
			unload(st, f, i, now_wall);
			return -ENOMEM;
		}
		res->loaded++;
		if (left > res->longest_us)
			res->longest_us = left;
	}
	return 0;
}

static void report_loaded(struct ts_stack *st, const char *path,
			  const struct load_result *r, char *msg, size_t cap)
{
	char more[64] = "";

	if (r->expired > 0)
		snprintf(more, sizeof(more), "; %u expired entr%s skipped",
			 r->expired, r->expired == 1 ? "y" : "ies");
	trace_event(st, "timewait: loaded %u entries from %s (longest %llu s "
		    "left)%s", r->loaded, path, secs_up(r->longest_us), more);
	if (r->loaded > 0)
		say(msg, cap, "loaded %u TIME_WAIT connection%s from %s "
		    "(longest %llu s left)%s", r->loaded,
		    r->loaded == 1 ? "" : "s", path, secs_up(r->longest_us), more);
	else
		say(msg, cap, "no TIME_WAIT connection in %s is still waiting%s",
		    path, more);
}

/* Checks a parsed file against this stack: written for its address. */
static int check_owner_addr(const struct ts_stack *st, const char *path,
			    const struct sf_file *f, char *msg, size_t cap)
{
	char was[TRACE_IP_STR_LEN], now[TRACE_IP_STR_LEN];

	if (f->addr == st->cfg.addr)
		return 0;
	trace_ip_str(f->addr, was);
	trace_ip_str(st->cfg.addr, now);
	say(msg, cap, "ignoring state file %s: it was written for %s and this "
	    "stack is %s; its TIME_WAIT entries do not apply here", path, was,
	    now);
	return -EADDRNOTAVAIL;
}

/* Applies a checked file: secret and clock, then the entries; all or
 * nothing. Returns the count loaded or -ENOMEM. */
static int apply_file(struct ts_stack *st, const char *path,
		      const struct sf_file *f, uint64_t wall_us, char *msg,
		      size_t cap)
{
	uint64_t now_wall = wall_us > f->written_us ? wall_us : f->written_us;
	ts_time_t old_offset = st->tcp.clock_offset;
	uint8_t old_secret[SF_SECRET_LEN];
	struct load_result res;

	/* The secret first: the connection hash is keyed with it. */
	memcpy(old_secret, st->tcp.secret, sizeof(old_secret));
	apply_clock(st, f, now_wall - f->written_us);
	if (apply_entries(st, f, now_wall, &res) != 0) {
		memcpy(st->tcp.secret, old_secret, sizeof(old_secret));
		st->tcp.clock_offset = old_offset;
		say(msg, cap, "cannot load state file %s: out of memory", path);
		return -ENOMEM;
	}
	report_loaded(st, path, &res, msg, cap);
	return (int)res.loaded;
}

int tcp_state_load_at(struct ts_stack *st, const char *path,
		      uint64_t wall_us, char *msg, size_t msgcap)
{
	char why[160];
	struct sf_file f;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	stack_refresh_now(st);
	if (st->tcp.nconns != 0) {
		say(msg, msgcap, "not loading state file %s: the stack already "
		    "has connections; load it before opening any", path);
		return -EBUSY;
	}
	rc = read_file(path, &buf, &len, msg, msgcap);
	if (rc != 0)
		return rc;
	if (sf_parse(buf, len, &f, why, sizeof(why)) != SF_OK) {
		free(buf);
		say(msg, msgcap, "ignoring state file %s: %s; the TIME_WAIT state "
		    "of the previous run is lost", path, why);
		return -EBADMSG;
	}
	free(buf);
	rc = check_owner_addr(st, path, &f, msg, msgcap);
	if (rc == 0)
		rc = apply_file(st, path, &f, wall_us, msg, msgcap);
	sf_file_free(&f);
	return rc;
}

int ts_state_load(struct ts_stack *st, const char *path, char *msg,
		  size_t msgcap)
{
	return tcp_state_load_at(st, path, tcp_wall_clock_us(), msg, msgcap);
}
