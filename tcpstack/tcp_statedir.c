/*
 * tcp_statedir.c - a stack's claim on its state directory, and quiet time
 * after an unclean stop (RFC 9293 3.4.3, "TCP quiet time concept").
 *
 * Files in the directory, per stack address (e.g. 76.88.16.16):
 *
 *   state-76.88.16.16.lock     flock()ed while a process uses the address;
 *                              holds its pid, for the "in use" message
 *   state-76.88.16.16.running  marker: exists while a process runs; one
 *                              found at start was left by a process that
 *                              never stopped cleanly (kill -9, crash,
 *                              power loss)
 *   state-76.88.16.16.bin      TIME_WAIT table and ISN clock, written on a
 *                              clean stop (tcp_statefile.c)
 *
 * A stack that lost its state does not know which sequence numbers its
 * old connections used, so it sends nothing and accepts nothing for MSL:
 * by then every segment of the old connections has left the network.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stack_internal.h"
#include "tcp_statefile_internal.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif
#define STATE_SUBDIR "synfin"
#define PWD_BUF_MAX 16384u        /* getpwuid_r buffer                   */
#define NOTE_MAX (TS_STATE_PATH_MAX + 512u) /* characters in a note or message */
#define QUIET_HINT_DEFAULT "set quiet_time=no"

struct ts_state {
	struct ts_stack *st;
	int lock_fd;
	char state_path[TS_STATE_PATH_MAX];
	char run_path[TS_STATE_PATH_MAX];
	void (*note)(void *ctx, const char *line);
	void *note_ctx;
};

static int put(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int put(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (buf == NULL || cap == 0)
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	n = vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

static void note(const struct ts_state *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(const struct ts_state *s, const char *fmt, ...)
{
	char line[NOTE_MAX];
	va_list ap;

	if (s->note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->note(s->note_ctx, line);
}

/* ---- where ---------------------------------------------------------------- */

static const char *home_dir(char *pwbuf, size_t cap)
{
	const char *home = getenv("HOME");
	struct passwd pw, *res = NULL;

	if (home != NULL && home[0] == '/')
		return home;
	if (getpwuid_r(geteuid(), &pw, pwbuf, cap, &res) != 0 || res == NULL)
		return NULL;
	return res->pw_dir;
}

int ts_state_default_dir(char *buf, size_t cap)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home;
	char *pwbuf;
	int rc;

	if (geteuid() == 0)
		return put(buf, cap, "%s/lib/%s", LOCALSTATEDIR, STATE_SUBDIR);
	/* The XDG spec: a relative $XDG_STATE_HOME is invalid, ignore it. */
	if (xdg != NULL && xdg[0] == '/')
		return put(buf, cap, "%s/%s", xdg, STATE_SUBDIR);
	pwbuf = malloc(PWD_BUF_MAX);
	if (pwbuf == NULL)
		return -ENOMEM;
	home = home_dir(pwbuf, PWD_BUF_MAX);
	rc = home == NULL ? -ENOENT
			  : put(buf, cap, "%s/.local/state/%s", home, STATE_SUBDIR);
	free(pwbuf);
	return rc;
}

/* mkdir -p with mode 0700 for every directory it creates. */
static int mkdir_p(const char *dir)
{
	char path[TS_STATE_PATH_MAX];
	unsigned depth = 0;
	char *p;

	if (put(path, sizeof(path), "%s", dir) != 0)
		return -ENAMETOOLONG;
	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		if (++depth > TS_STATE_DIR_DEPTH_MAX)
			return -ENAMETOOLONG;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* SECURITY: others must not be able to plant or remove our lock, marker
 * or state files: the directory is ours and writable only by us. */
static int check_dir(const char *dir, char *err, size_t cap)
{
	struct stat sb;
	int rc = mkdir_p(dir);

	if (rc == 0 && stat(dir, &sb) != 0)
		rc = -errno;
	if (rc != 0) {
		put(err, cap, "cannot create state directory %s: %s; create it "
		    "or choose another state directory", dir, strerror(-rc));
		return rc;
	}
	if (!S_ISDIR(sb.st_mode)) {
		put(err, cap, "state directory %s is not a directory", dir);
		return -ENOTDIR;
	}
	if (sb.st_uid != geteuid() || (sb.st_mode & 022) != 0) {
		put(err, cap, "state directory %s must belong to uid %u and be "
		    "writable only by it (it is uid %u, mode %03o): chmod 700 "
		    "it, or choose another state directory", dir,
		    (unsigned)geteuid(), (unsigned)sb.st_uid,
		    (unsigned)(sb.st_mode & 0777));
		return -EPERM;
	}
	return 0;
}

/* ---- lock and marker --------------------------------------------------- */

/* Reads the "pid N" a lock file or marker holds; 0 if none. */
static long read_pid(int fd)
{
	char buf[TS_STATE_MARKER_MAX];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid = 0;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "pid %ld", &pid) != 1 || pid < 0)
		return 0;
	return pid;
}

static int take_lock(struct ts_state *s, const char *dir, const char *ip,
		     char *err, size_t cap)
{
	char path[TS_STATE_PATH_MAX], pid[32];
	int fd, rc;

	if (put(path, sizeof(path), "%s/state-%s.lock", dir, ip) != 0) {
		put(err, cap, "state directory name too long: %s", dir);
		return -ENAMETOOLONG;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		rc = -errno;
		put(err, cap, "cannot open lock file %s: %s", path, strerror(-rc));
		return rc;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
		put(err, cap, "state directory %s is in use for %s by another "
		    "process (pid %ld): stop it first, or give this one another "
		    "state directory", dir, ip, read_pid(fd));
		close(fd);
		return rc;
	}
	snprintf(pid, sizeof(pid), "pid %ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, strlen(pid), 0) < 0) {
		rc = -errno;
		put(err, cap, "cannot write lock file %s: %s", path, strerror(-rc));
		close(fd);
		return rc;
	}
	s->lock_fd = fd;
	return 0;
}

/* A marker left behind: the pid it names (0 if unreadable), or -1 when
 * there is none. */
static long stale_marker(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	long pid;

	if (fd < 0)
		return errno == ENOENT ? -1 : 0;
	pid = read_pid(fd);
	close(fd);
	return pid;
}

static int write_marker(const struct ts_state *s, char *err, size_t cap)
{
	char text[TS_STATE_MARKER_MAX];
	int n, rc;

	n = snprintf(text, sizeof(text), "pid %ld\nstarted %llu\n", (long)getpid(),
		     (unsigned long long)(tcp_wall_clock_us() / TS_USEC_PER_SEC));
	rc = sf_write_atomic(s->run_path, (const uint8_t *)text, (size_t)n);
	if (rc != 0)
		put(err, cap, "cannot write marker %s: %s", s->run_path,
		    strerror(-rc));
	return rc;
}

/* ---- quiet time ----------------------------------------------------------- */

static void start_quiet_time(struct ts_state *s, const struct ts_state_opts *o,
			     const char *cause)
{
	struct ts_stack *st = s->st;
	unsigned msl_s = (st->cfg.msl_ms + 999u) / 1000u;

	stack_refresh_now(st);
	trace_event(st, "quiet time: %s", cause);
	if (!o->quiet_time) {
		note(s, "quiet time skipped: %s, and quiet time is off; segments "
		     "of its connections may still arrive for up to %u s (MSL)",
		     cause, msl_s);
		return;
	}
	ts_set_quiet_until(st, stack_now(st) +
				       (ts_time_t)st->cfg.msl_ms * TS_USEC_PER_MSEC);
	note(s, "quiet time: %s; waiting %u s (MSL) before opening connections; "
	     "%s to skip", cause, msl_s,
	     o->quiet_off_hint != NULL ? o->quiet_off_hint : QUIET_HINT_DEFAULT);
}

/* Loads the state file; returns false when it was there but unusable (its
 * TIME_WAIT state is lost), or a fatal -errno in *rc. */
static bool load_state(struct ts_state *s, int *rc, char *err, size_t cap)
{
	char msg[NOTE_MAX];

	msg[0] = '\0';
	*rc = ts_state_load(s->st, s->state_path, msg, sizeof(msg));
	if (*rc == -EBUSY || *rc == -ENOMEM) {
		put(err, cap, "%s", msg);
		return true;
	}
	note(s, "%s", msg);
	if (*rc == -EBADMSG || *rc == -EADDRNOTAVAIL || *rc == -EPERM) {
		*rc = 0;
		return false;
	}
	*rc = 0;
	return true;
}

static int build_names(struct ts_state *s, const char *dir, const char *ip,
		       char *err, size_t cap)
{
	if (put(s->state_path, sizeof(s->state_path), "%s/state-%s.bin", dir,
		ip) != 0 ||
	    put(s->run_path, sizeof(s->run_path), "%s/state-%s.running", dir,
		ip) != 0) {
		put(err, cap, "state directory name too long: %s", dir);
		return -ENAMETOOLONG;
	}
	return 0;
}

/* Lock, marker, state file, quiet time, new marker (see ts.h). */
static int begin(struct ts_state *s, const struct ts_state_opts *o,
		 const char *dir, char *err, size_t cap)
{
	char ip[TRACE_IP_STR_LEN], cause[96];
	long old_pid;
	bool usable;
	int rc;

	trace_ip_str(s->st->cfg.addr, ip);
	rc = build_names(s, dir, ip, err, cap);
	if (rc == 0)
		rc = check_dir(dir, err, cap);
	if (rc == 0)
		rc = take_lock(s, dir, ip, err, cap);
	if (rc != 0)
		return rc;
	old_pid = stale_marker(s->run_path);
	usable = load_state(s, &rc, err, cap);
	if (rc != 0)
		return rc;
	if (old_pid >= 0)
		snprintf(cause, sizeof(cause), "previous instance%s stopped "
			 "uncleanly", old_pid > 0 ? "" : " (unknown pid)");
	else if (!usable)
		snprintf(cause, sizeof(cause), "the saved TIME_WAIT state is "
			 "unusable");
	if (old_pid >= 0 || !usable) {
		if (old_pid > 0)
			trace_event(s->st, "quiet time: marker %s left by pid %ld",
				    s->run_path, old_pid);
		start_quiet_time(s, o, cause);
	}
	return write_marker(s, err, cap);
}

int ts_state_begin(struct ts_stack *st, const struct ts_state_opts *opts,
		   struct ts_state **out, char *err, size_t errcap)
{
	char dir[TS_STATE_PATH_MAX];
	struct ts_state *s;
	int rc;

	*out = NULL;
	if (opts->dir != NULL && opts->dir[0] != '\0')
		rc = put(dir, sizeof(dir), "%s", opts->dir);
	else
		rc = ts_state_default_dir(dir, sizeof(dir));
	if (rc != 0) {
		put(err, errcap, "no state directory: %s; set one explicitly",
		    strerror(-rc));
		return rc;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		put(err, errcap, "out of memory");
		return -ENOMEM;
	}
	s->st = st;
	s->lock_fd = -1;
	s->note = opts->note;
	s->note_ctx = opts->note_ctx;
	rc = begin(s, opts, dir, err, errcap);
	if (rc != 0) {
		if (s->lock_fd >= 0)
			close(s->lock_fd);
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int ts_state_end(struct ts_state *s, char *err, size_t errcap)
{
	uint32_t unsaved = 0;
	int rc;

	if (s == NULL)
		return 0;
	rc = tcp_state_save_at(s->st, s->state_path, tcp_wall_clock_us(),
			       &unsaved);
	if (rc >= 0) {
		trace_event(s->st, "timewait: saved %d entries to %s", rc,
			    s->state_path);
		note(s, "saved %d TIME_WAIT connection%s to %s%s", rc,
		     rc == 1 ? "" : "s", s->state_path,
		     unsaved > 0 ? " (some beyond the file's limit were not)" : "");
		if (unlink(s->run_path) != 0 && errno != ENOENT)
			rc = -errno;
		else
			rc = sf_fsync_dir_of(s->run_path);
		if (rc != 0)
			put(err, errcap, "cannot remove marker %s: %s; the next "
			    "start will keep quiet time", s->run_path,
			    strerror(-rc));
	} else {
		put(err, errcap, "cannot save TIME_WAIT state to %s: %s; the next "
		    "start will keep quiet time", s->state_path, strerror(-rc));
	}
	close(s->lock_fd);
	free(s);
	return rc < 0 ? rc : 0;
}
