/*
 * users.c - the virtual users file and PBKDF2-HMAC-SHA256 password checks
 * (see users.h for the format).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "file_read.h"
#include "users.h"

#define USERS_SCHEME "pbkdf2-sha256"
#define USERS_FILE_MODE 0600

static const char *const perm_words[] = {
	"read", "list", "write", "delete", "mkdir", "rename", "chmod",
};
#define PERM_WORDS (sizeof(perm_words) / sizeof(perm_words[0]))

/* ---- small parsers ------------------------------------------------------ */

bool users_name_ok(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || len > USERS_NAME_MAX || name[0] == '.' ||
	    name[0] == '-')
		return false;
	if ((len == 3 && memcmp(name, "ftp", 3) == 0) ||
	    (len == 9 && memcmp(name, "anonymous", 9) == 0))
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

int users_parse_perms(const char *s, size_t len, unsigned *out)
{
	size_t pos = 0, i;

	*out = 0;
	if (len == 3 && memcmp(s, "all", 3) == 0) {
		*out = FTPD_PERM_ALL;
		return 0;
	}
	while (pos < len) {
		const char *comma = memchr(s + pos, ',', len - pos);
		size_t wlen = (comma ? (size_t)(comma - s) : len) - pos;

		for (i = 0; i < PERM_WORDS; i++)
			if (strlen(perm_words[i]) == wlen &&
			    memcmp(perm_words[i], s + pos, wlen) == 0)
				break;
		if (i == PERM_WORDS)
			return -EINVAL;
		*out |= 1u << i;
		pos += wlen + 1;
		if (comma && pos == len)
			return -EINVAL; /* trailing comma */
	}
	return 0;
}

int users_format_perms(unsigned perms, char *out, size_t cap)
{
	size_t used = 0, i;
	int n;

	if (cap == 0)
		return -ENOSPC;
	out[0] = '\0';
	for (i = 0; i < PERM_WORDS; i++) {
		if (!(perms & (1u << i)))
			continue;
		n = snprintf(out + used, cap - used, "%s%s", used ? "," : "",
			     perm_words[i]);
		if (n < 0 || (size_t)n >= cap - used)
			return -ENOSPC;
		used += (size_t)n;
	}
	return (int)used;
}

static int unhex(const char *s, size_t len, uint8_t *out, size_t outlen)
{
	size_t i;

	if (len != 2 * outlen)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		char c = s[i];
		int v = (c >= '0' && c <= '9') ? c - '0' :
			(c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;

		if (v < 0)
			return -EINVAL;
		out[i / 2] = (uint8_t)(i % 2 ? out[i / 2] | v : v << 4);
	}
	return 0;
}

static void hex(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

/* Parses "pbkdf2-sha256$ITER$SALT$KEY" (len bytes) into e. */
static int parse_hash(const char *s, size_t len, struct users_entry *e)
{
	const size_t slen = sizeof(USERS_SCHEME) - 1;
	const char *p = s + slen + 1, *end = s + len, *d1, *d2;
	uint64_t iter = 0;

	if (len <= slen || memcmp(s, USERS_SCHEME "$", slen + 1) != 0)
		return -EINVAL;
	d1 = memchr(p, '$', (size_t)(end - p));
	if (!d1 || d1 == p || d1 - p > 9)
		return -EINVAL;
	for (; p < d1; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		iter = iter * 10 + (uint64_t)(*p - '0');
	}
	if (iter < USERS_ITER_MIN || iter > USERS_ITER_MAX)
		return -ERANGE;
	e->iterations = (uint32_t)iter;
	p = d1 + 1;
	d2 = memchr(p, '$', (size_t)(end - p));
	if (!d2 || unhex(p, (size_t)(d2 - p), e->salt, sizeof(e->salt)) ||
	    unhex(d2 + 1, (size_t)(end - d2 - 1), e->key, sizeof(e->key)))
		return -EINVAL;
	return 0;
}

/* ---- the file ------------------------------------------------------------- */

/* Parses one non-comment line (len bytes, no LF) into e; why says what is
 * wrong. */
static int parse_line(const char *line, size_t len, struct users_entry *e,
		      char *why, size_t whylen)
{
	const char *f[4];
	size_t flen[3], i, pos = 0;
	int rc;

	for (i = 0; i < 3; i++) {
		const char *colon = memchr(line + pos, ':', len - pos);

		if (!colon) {
			snprintf(why, whylen, "expected name:hash:perms:root "
				 "(found %zu ':')", i);
			return -EINVAL;
		}
		f[i] = line + pos;
		flen[i] = (size_t)(colon - f[i]);
		pos = (size_t)(colon - line) + 1;
	}
	f[3] = line + pos;
	if (!users_name_ok(f[0], flen[0])) {
		snprintf(why, whylen, "bad user name '%.*s': use 1 to %d of "
			 "A-Z a-z 0-9 . _ - (not first . or -; not ftp or "
			 "anonymous)", (int)(flen[0] < 64 ? flen[0] : 64), f[0],
			 USERS_NAME_MAX);
		return -EINVAL;
	}
	memcpy(e->name, f[0], flen[0]);
	e->name[flen[0]] = '\0';
	rc = parse_hash(f[1], flen[1], e);
	if (rc != 0) {
		snprintf(why, whylen, rc == -ERANGE ?
			 "iteration count out of range %d..%d; make a new "
			 "entry with ftpd --add-user" :
			 "bad hash: expected " USERS_SCHEME "$ITERATIONS$SALT$KEY"
			 " as written by ftpd --add-user", USERS_ITER_MIN,
			 USERS_ITER_MAX);
		return -EINVAL;
	}
	if (users_parse_perms(f[2], flen[2], &e->perms) != 0) {
		snprintf(why, whylen, "bad perms '%.*s': expected words from "
			 "read,list,write,delete,mkdir,rename,chmod or all",
			 (int)(flen[2] < 64 ? flen[2] : 64), f[2]);
		return -EINVAL;
	}
	if (f[3] < line + len && f[3][0] != '/') {
		snprintf(why, whylen, "root must be an absolute path (or empty "
			 "for local_root)");
		return -EINVAL;
	}
	e->root = strndup(f[3], (size_t)(line + len - f[3]));
	if (!e->root) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct users_entry *)a)->name,
		      ((const struct users_entry *)b)->name);
}

static int add_entry(struct users_db *db, const struct users_entry *e)
{
	struct users_entry *v;

	if (db->n >= USERS_MAX)
		return -E2BIG;
	v = realloc(db->v, (db->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	db->v = v;
	db->v[db->n++] = *e;
	return 0;
}

/* Sorts db and rejects duplicate names. */
static int finish(const char *name, struct users_db *db, char *err,
		  size_t errlen)
{
	size_t i;

	if (db->n > 0)
		qsort(db->v, db->n, sizeof(db->v[0]), by_name);
	for (i = 1; i < db->n; i++)
		if (strcmp(db->v[i - 1].name, db->v[i].name) == 0) {
			unsigned a = db->v[i - 1].line, b = db->v[i].line;

			snprintf(err, errlen, "%s:%u: user %s is also on line "
				 "%u; remove one of them", name, a > b ? a : b,
				 db->v[i].name, a < b ? a : b);
			return -EINVAL;
		}
	db->dummy_iterations = db->n ? db->v[db->n - 1].iterations :
			       USERS_ITER_DEFAULT;
	return 0;
}

int users_load_buffer(const char *name, const char *buf, size_t len,
		      struct users_db *db, char *err, size_t errlen)
{
	struct users_entry e;
	char why[256];
	size_t pos = 0;
	unsigned lineno = 0;
	int rc = 0;

	while (pos < len && rc == 0) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len, llen = end - pos;
		const char *line = buf + pos;

		lineno++;
		pos = end + 1;
		if (llen > 0 && line[llen - 1] == '\r')
			llen--;
		if (llen == 0 || line[0] == '#')
			continue;
		memset(&e, 0, sizeof(e));
		e.line = lineno;
		if (llen > USERS_LINE_MAX || memchr(line, '\0', llen)) {
			snprintf(why, sizeof(why), "line longer than %d bytes "
				 "or holding a NUL byte", USERS_LINE_MAX);
			rc = -EINVAL;
		} else {
			rc = parse_line(line, llen, &e, why, sizeof(why));
		}
		if (rc == 0 && (rc = add_entry(db, &e)) != 0) {
			free(e.root);
			snprintf(why, sizeof(why), "more than %d users, or out "
				 "of memory", USERS_MAX);
		}
		if (rc != 0)
			snprintf(err, errlen, "%s:%u: %s", name, lineno, why);
	}
	if (rc == 0)
		rc = finish(name, db, err, errlen);
	if (rc != 0)
		users_free(db);
	return rc;
}

/* SECURITY: whoever can write the users file can add accounts. */
static int read_users(const char *path, char **buf, size_t *len, char *err,
		      size_t errlen)
{
	return file_read_all("users file", path, USERS_FILE_MAX,
			     S_IWGRP | S_IWOTH, buf, len, err, errlen);
}

int users_load(const char *path, struct users_db *db, char *err,
	       size_t errlen)
{
	char *buf;
	size_t len;
	int rc = read_users(path, &buf, &len, err, errlen);

	if (rc == 0)
		rc = users_load_buffer(path, buf, len, db, err, errlen);
	free(buf);
	return rc;
}

void users_free(struct users_db *db)
{
	size_t i;

	for (i = 0; i < db->n; i++)
		free(db->v[i].root);
	free(db->v);
	db->v = NULL;
	db->n = 0;
}

const struct users_entry *users_find(const struct users_db *db,
				     const char *name, size_t len)
{
	struct users_entry key;

	if (!users_name_ok(name, len) || db->n == 0)
		return NULL;
	memcpy(key.name, name, len);
	key.name[len] = '\0';
	return bsearch(&key, db->v, db->n, sizeof(db->v[0]), by_name);
}

/* ---- hashing ---------------------------------------------------------------- */

static int derive(const char *pw, size_t pw_len, const uint8_t *salt,
		  uint32_t iterations, uint8_t key[USERS_HASH_LEN])
{
	if (pw_len > USERS_PASSWORD_MAX)
		pw_len = USERS_PASSWORD_MAX;
	return PKCS5_PBKDF2_HMAC(pw, (int)pw_len, salt, USERS_SALT_LEN,
				 (int)iterations, EVP_sha256(), USERS_HASH_LEN,
				 key) == 1 ? 0 : -EIO;
}

const struct users_entry *users_verify(const struct users_db *db,
				       const char *name, size_t name_len,
				       const char *pw, size_t pw_len)
{
	static const uint8_t dummy_salt[USERS_SALT_LEN];
	const struct users_entry *e = users_find(db, name, name_len);
	uint8_t key[USERS_HASH_LEN];
	bool ok;

	/* SECURITY: an unknown user costs the same work as a known one, so
	 * response times do not tell which names exist. */
	if (derive(pw, pw_len, e ? e->salt : dummy_salt,
		   e ? e->iterations : db->dummy_iterations, key) != 0)
		e = NULL;
	/* SECURITY: constant-time comparison; over-long passwords never
	 * match (derive() hashed only a prefix of them). */
	ok = e && pw_len <= USERS_PASSWORD_MAX &&
	     CRYPTO_memcmp(key, e->key, sizeof(key)) == 0;
	OPENSSL_cleanse(key, sizeof(key));
	return ok ? e : NULL;
}

int users_make_line(const char *name, const char *pw, size_t pw_len,
		    unsigned perms, const char *root, uint32_t iterations,
		    char *out, size_t cap, char *err, size_t errlen)
{
	uint8_t salt[USERS_SALT_LEN], key[USERS_HASH_LEN];
	char hsalt[2 * USERS_SALT_LEN + 1], hkey[2 * USERS_HASH_LEN + 1];
	char pstr[128];
	int n;

	if (!users_name_ok(name, strlen(name)) ||
	    (root[0] != '\0' && root[0] != '/') || strchr(root, '\n') ||
	    iterations < USERS_ITER_MIN || iterations > USERS_ITER_MAX ||
	    pw_len == 0 || pw_len > USERS_PASSWORD_MAX ||
	    users_format_perms(perms, pstr, sizeof(pstr)) < 0) {
		snprintf(err, errlen, "cannot add user '%s': needs a valid name, "
			 "a password of 1 to %d bytes, an absolute root (or "
			 "none) and %d to %d iterations", name,
			 USERS_PASSWORD_MAX, USERS_ITER_MIN, USERS_ITER_MAX);
		return -EINVAL;
	}
	if (RAND_bytes(salt, sizeof(salt)) != 1 ||
	    derive(pw, pw_len, salt, iterations, key) != 0) {
		snprintf(err, errlen, "cannot add user '%s': OpenSSL could not "
			 "make a salt or hash", name);
		return -EIO;
	}
	hex(salt, sizeof(salt), hsalt);
	hex(key, sizeof(key), hkey);
	OPENSSL_cleanse(key, sizeof(key));
	n = snprintf(out, cap, "%s:" USERS_SCHEME "$%u$%s$%s:%s:%s", name,
		     iterations, hsalt, hkey, pstr, root);
	OPENSSL_cleanse(hkey, sizeof(hkey));
	if (n < 0 || (size_t)n >= cap) {
		snprintf(err, errlen, "cannot add user '%s': entry longer than "
			 "%zu bytes", name, cap);
		return -ENOSPC;
	}
	return n;
}

/* Writes old (olen bytes) plus line into a temporary file next to path,
 * then renames it over path. */
static int replace_file(const char *path, const char *old, size_t olen,
			const char *line, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd, ok;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0 || fchmod(fd, USERS_FILE_MODE) != 0 ||
	    !(f = fdopen(fd, "w"))) {
		int e = errno;

		snprintf(err, errlen, "users file %s: cannot write a temporary "
			 "file next to it: %s", path, strerror(e));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return -e;
	}
	ok = fwrite(old, 1, olen, f) == olen &&
	     (olen == 0 || old[olen - 1] == '\n' || fputc('\n', f) != EOF) &&
	     fprintf(f, "%s\n", line) > 0 && fflush(f) == 0 &&
	     fsync(fileno(f)) == 0;
	ok = (fclose(f) == 0) && ok && rename(tmp, path) == 0;
	if (!ok) {
		int e = errno;

		unlink(tmp);
		snprintf(err, errlen, "users file %s: cannot replace: %s", path,
			 strerror(e));
		return -e;
	}
	return 0;
}

int users_file_add(const char *path, const char *name, const char *pw,
		   size_t pw_len, unsigned perms, const char *root,
		   uint32_t iterations, char *err, size_t errlen)
{
	struct users_db db = { 0 };
	char line[USERS_LINE_MAX + 1], *old = NULL;
	size_t olen = 0;
	int rc = read_users(path, &old, &olen, err, errlen);

	if (rc == -ENOENT)
		rc = 0;
	if (rc == 0)
		rc = users_load_buffer(path, old ? old : "", olen, &db, err,
				       errlen);
	if (rc == 0 && users_find(&db, name, strlen(name))) {
		snprintf(err, errlen, "users file %s: user %s already exists; "
			 "remove its line first to replace it", path, name);
		rc = -EEXIST;
	}
	users_free(&db);
	if (rc == 0) {
		int n = users_make_line(name, pw, pw_len, perms, root,
					iterations, line, sizeof(line), err,
					errlen);

		rc = n < 0 ? n : replace_file(path, old ? old : "", olen, line,
					      err, errlen);
		OPENSSL_cleanse(line, sizeof(line));
	}
	free(old);
	return rc;
}
