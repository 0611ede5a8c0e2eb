/*
 * cmds_file.c - transfers and remote files: get/recv/reget, put/send/
 * append, mget, mput, mdelete, delete/mkdir/rmdir, rename, size,
 * modtime, chmod.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "localfile.h"
#include "session.h"
#include "transfer.h"

void ftpc_show_reply(struct ftpc_session *s)
{
	if (!s->verbose && !s->debug && s->reply.code < 400)
		ftpc_out(s, "%s", s->reply.text);
}

/* SIZE, quietly: the size, or 0 when unknown. */
static uint64_t remote_size(struct ftpc_session *s, const char *name)
{
	uint64_t v = 0;
	int rc;

	s->quiet = true;
	rc = ftpc_command(s, "SIZE %s", name);
	s->quiet = false;
	if (rc != 213 || ftp_reply_number(s->reply.msg, strlen(s->reply.msg),
					  &v) != FTP_PARSE_OK)
		return 0;
	return v;
}

static int get_file(struct ftpc_session *s, const char *remote,
		    const char *local, bool reget)
{
	struct ftpc_xfer x = { .verb = "RETR", .arg = remote };
	struct ftpc_local l;
	uint64_t restart = s->restart_point;
	char err[FTPC_PATH_MAX + 128];
	int rc;

	s->restart_point = 0;
	x.total = s->type == FTPC_TYPE_BINARY ? remote_size(s, remote) : 0;
	if (!s->cbev)
		return -1;
	if (ftpc_local_open_get(&l, local, reget, restart, err,
				sizeof(err)) != 0) {
		ftpc_err(s, "%s", err);
		return -1;
	}
	x.restart = l.resume;
	if (reget && x.total && l.resume >= x.total) {
		ftpc_out(s, "Local file \"%s\" is already complete.", local);
		return ftpc_local_commit(&l, err, sizeof(err)) == 0 ? 0 : -1;
	}
	x.out = &l;
	x.ascii = s->type == FTPC_TYPE_ASCII;
	x.meter = l.kind == FTPC_LOCAL_FILE;
	x.rate = s->rate_get;
	rc = ftpc_transfer(s, &x);
	if (rc == 0 && ftpc_local_commit(&l, err, sizeof(err)) == 0)
		return 0;
	if (rc == 0)
		ftpc_err(s, "%s", err);
	else if (ftpc_local_abandon(&l))
		ftpc_err(s, "%s was not written; the partial download is kept "
			 "as %s: `reget %s` resumes it", l.final, l.part,
			 remote);
	return -1;
}

int ftpc_cmd_get(struct ftpc_session *s, int argc, char **argv)
{
	return get_file(s, argv[1], argc > 2 ? argv[2] : argv[1],
			strcmp(argv[0], "reget") == 0);
}

static int put_file(struct ftpc_session *s, const char *local,
		    const char *remote, bool append)
{
	struct ftpc_xfer x = { .verb = append ? "APPE" : "STOR",
			       .arg = remote, .upload = true };
	struct stat st;
	int rc;

	x.in_fd = open(local, O_RDONLY | O_CLOEXEC);
	if (x.in_fd < 0 || fstat(x.in_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		ftpc_err(s, "cannot send %s: %s", local,
			 x.in_fd < 0 ? strerror(errno) : "not a regular file");
		if (x.in_fd >= 0)
			close(x.in_fd);
		return -1;
	}
	x.restart = s->restart_point;
	s->restart_point = 0;
	if (x.restart && lseek(x.in_fd, (off_t)x.restart, SEEK_SET) < 0)
		x.restart = 0;
	x.total = (uint64_t)st.st_size;
	x.ascii = s->type == FTPC_TYPE_ASCII;
	x.meter = true;
	x.rate = s->rate_put;
	rc = ftpc_transfer(s, &x);
	close(x.in_fd);
	return rc == 0 ? 0 : -1;
}

int ftpc_cmd_put(struct ftpc_session *s, int argc, char **argv)
{
	return put_file(s, argv[1], argc > 2 ? argv[2] : argv[1],
			strcmp(argv[0], "append") == 0);
}

/* ---- multiple files ------------------------------------------------------- */

/* Splits NLST output (in mem, from the transfer) into lines. */
static int split_names(struct ftpc_session *s, char *mem, char ***names,
		       size_t *n)
{
	char *line, *save = NULL, **v = NULL;
	size_t count = 0;

	for (line = strtok_r(mem, "\n", &save); line && count < FTPC_NAMES_MAX;
	     line = strtok_r(NULL, "\n", &save)) {
		char **nv = realloc(v, (count + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			ftpc_err(s, "out of memory for the list of names");
			return -1;
		}
		v = nv;
		v[count++] = line;
	}
	*names = v;
	*n = count;
	return 0;
}

/* Keeps the names whose last component matches pat, as dir/name. */
static int filter_names(struct ftpc_session *s, const char *dir,
			const char *pat, char **names, size_t *n, char **mem)
{
	size_t i, k = 0, dlen = dir ? strlen(dir) : 0, total = 0;
	char *out, *p;

	for (i = 0; i < *n; i++)
		total += dlen + 2 + strlen(names[i]);
	out = malloc(total + 1);
	if (!out) {
		ftpc_err(s, "out of memory for the list of names");
		return -1;
	}
	for (i = 0, p = out; i < *n; i++) {
		const char *b = strrchr(names[i], '/');

		b = b ? b + 1 : names[i];
		if (fnmatch(pat, b, FNM_PERIOD) != 0)
			continue;
		names[k++] = p;
		p += sprintf(p, "%s%s%s", dir ? dir : "", dir ? "/" : "", b) + 1;
	}
	free(*mem);
	*mem = out;
	*n = k;
	return 0;
}

int ftpc_remote_names(struct ftpc_session *s, const char *pattern,
		      char ***names, size_t *n, char **mem)
{
	struct ftpc_xfer x = { .verb = "NLST", .arg = pattern, .ascii = true };
	char dir[FTPC_PATH_MAX];
	const char *slash, *pat = NULL;

	*names = NULL;
	*n = 0;
	/* Globs are matched here: many servers (pyftpdlib) take NLST's
	 * argument as a plain path. */
	if (pattern && strpbrk(pattern, "*?[")) {
		slash = strrchr(pattern, '/');
		pat = slash ? slash + 1 : pattern;
		snprintf(dir, sizeof(dir), "%.*s",
			 slash ? (int)(slash - pattern) : 0, pattern);
		x.arg = slash ? (dir[0] ? dir : "/") : NULL;
	}
	*mem = NULL;
	if (ftpc_transfer(s, &x) != 0 ||
	    split_names(s, x.mem ? x.mem : (char *)"", names, n) != 0) {
		free(x.mem);
		return -1;
	}
	*mem = x.mem;
	if (pat && filter_names(s, x.arg, pat, *names, n, mem) != 0) {
		free(*names);
		free(*mem);
		*names = NULL;
		*mem = NULL;
		return -1;
	}
	if (pat && *n == 0)
		ftpc_err(s, "%s: no remote file matches", pattern);
	return pat && *n == 0 ? -1 : 0;
}

/* SECURITY: a name from the server becomes a local path in mget: no
 * absolute paths, no "..", no control characters. */
static bool safe_local_name(const char *name)
{
	const char *p;

	if (name[0] == '\0' || name[0] == '/')
		return false;
	for (p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	for (p = name; p; p = strchr(p, '/')) {
		p += *p == '/';
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return false;
	}
	return true;
}

/* Runs fn on every remote name matching each pattern, with prompting. */
static int for_remote(struct ftpc_session *s, int argc, char **argv,
		      const char *verb,
		      int (*fn)(struct ftpc_session *, const char *))
{
	bool all = false, stop = false;
	int i, fails = 0;

	for (i = 1; i < argc && !stop && s->cbev; i++) {
		char **names, *mem;
		size_t n, j;

		if (ftpc_remote_names(s, argv[i], &names, &n, &mem) != 0) {
			fails++;
			continue;
		}
		for (j = 0; j < n && !stop && s->cbev; j++) {
			if (!ftpc_confirm(s, verb, names[j], &all, &stop))
				continue;
			if (fn(s, names[j]) != 0)
				fails++;
			if (s->aborted)
				stop = true;
		}
		free(names);
		free(mem);
	}
	return fails ? -1 : 0;
}

static int mget_one(struct ftpc_session *s, const char *name)
{
	if (!safe_local_name(name)) {
		ftpc_err(s, "refusing to write the remote name '%s' as a local "
			 "file (absolute, '..' or control characters); use "
			 "get with a local name", name);
		return -1;
	}
	return get_file(s, name, name, false);
}

int ftpc_cmd_mget(struct ftpc_session *s, int argc, char **argv)
{
	return for_remote(s, argc, argv, "mget", mget_one);
}

static int delete_one(struct ftpc_session *s, const char *name)
{
	int rc = ftpc_command(s, "DELE %s", name);

	return rc > 0 && FTP_REPLY_DONE(rc) ? 0 : -1;
}

int ftpc_cmd_mdelete(struct ftpc_session *s, int argc, char **argv)
{
	return for_remote(s, argc, argv, "mdelete", delete_one);
}

int ftpc_cmd_mput(struct ftpc_session *s, int argc, char **argv)
{
	bool all = false, stop = false;
	int i, fails = 0;
	size_t j;

	for (i = 1; i < argc && !stop && s->cbev; i++) {
		glob_t g;

		if (glob(argv[i], 0, NULL, &g) != 0) {
			ftpc_err(s, "%s: no local file matches", argv[i]);
			fails++;
			continue;
		}
		for (j = 0; j < g.gl_pathc && !stop && s->cbev; j++) {
			if (!ftpc_confirm(s, "mput", g.gl_pathv[j], &all, &stop))
				continue;
			if (put_file(s, g.gl_pathv[j], g.gl_pathv[j], false))
				fails++;
			if (s->aborted)
				stop = true;
		}
		globfree(&g);
	}
	return fails ? -1 : 0;
}

/* ---- one-command operations ----------------------------------------------- */

int ftpc_cmd_simple(struct ftpc_session *s, int argc, char **argv)
{
	const char *verb = strcmp(argv[0], "delete") == 0  ? "DELE"
			   : strcmp(argv[0], "mkdir") == 0 ? "MKD"
							   : "RMD";
	int rc = ftpc_command(s, "%s %s", verb, argv[1]);

	(void)argc;
	s->rcache_stale = true;
	return rc > 0 && FTP_REPLY_DONE(rc) ? 0 : -1;
}

int ftpc_cmd_rename(struct ftpc_session *s, int argc, char **argv)
{
	int rc = ftpc_command(s, "RNFR %s", argv[1]);

	(void)argc;
	if (rc == 350)
		rc = ftpc_command(s, "RNTO %s", argv[2]);
	s->rcache_stale = true;
	return rc > 0 && FTP_REPLY_DONE(rc) ? 0 : -1;
}

int ftpc_cmd_size(struct ftpc_session *s, int argc, char **argv)
{
	uint64_t v;
	int rc = ftpc_command(s, "SIZE %s", argv[1]);

	(void)argc;
	if (rc != 213)
		return -1;
	if (ftp_reply_number(s->reply.msg, strlen(s->reply.msg), &v) !=
	    FTP_PARSE_OK) {
		ftpc_err(s, "malformed SIZE reply from %s", s->host);
		return -1;
	}
	if (!s->verbose)
		ftpc_out(s, "%s\t%llu", argv[1], (unsigned long long)v);
	return 0;
}

int ftpc_cmd_modtime(struct ftpc_session *s, int argc, char **argv)
{
	int64_t t;
	time_t tt;
	struct tm tm;
	char when[64];
	int rc = ftpc_command(s, "MDTM %s", argv[1]);

	(void)argc;
	if (rc != 213)
		return -1;
	if (ftp_reply_mdtm(s->reply.msg, strlen(s->reply.msg), &t) !=
	    FTP_PARSE_OK) {
		ftpc_err(s, "malformed MDTM reply from %s", s->host);
		return -1;
	}
	tt = (time_t)t;
	if (!localtime_r(&tt, &tm) ||
	    strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", &tm) == 0)
		return -1;
	ftpc_out(s, "%s\t%s", argv[1], when);
	return 0;
}

int ftpc_cmd_chmod(struct ftpc_session *s, int argc, char **argv)
{
	int rc = ftpc_command(s, "SITE CHMOD %s %s", argv[1], argv[2]);

	(void)argc;
	return rc > 0 && FTP_REPLY_DONE(rc) ? 0 : -1;
}
