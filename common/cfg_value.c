/*
 * cfg_value.c - the one place where configuration text is parsed: lines
 * into key and value, values into typed union cfg_val, and back.
 * Every parser takes explicit lengths or NUL-terminated text that the
 * caller has already bounded (CFG_VALUE_MAX). Addresses use the stack's
 * own strict parsers (ts_link.h), so every program reads them alike.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cfg_internal.h"
#include "ts_link.h"

/* ---- lines ----------------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

enum cfg_line_status cfg_split_line(const char *line, size_t len,
				    const char *where, struct cfg_line *out,
				    char *err, size_t errlen)
{
	const char *eq;
	size_t b = 0, klen, i;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > CFG_LINE_MAX) {
		snprintf(err, errlen,
			 "%s: line is longer than %u bytes; shorten it", where,
			 CFG_LINE_MAX);
		return CFG_LINE_TOO_LONG;
	}
	if (memchr(line, '\0', len)) {
		snprintf(err, errlen,
			 "%s: line contains a NUL byte; is this a text file?",
			 where);
		return CFG_LINE_BAD;
	}
	while (b < len && is_blank(line[b]))
		b++;
	if (b == len || line[b] == '#')
		return CFG_LINE_EMPTY;
	eq = memchr(line + b, '=', len - b);
	if (!eq) {
		snprintf(err, errlen, "%s: expected 'key = value', found '%.*s'",
			 where, (int)(len - b < CFG_SHOW_MAX ? len - b :
				      CFG_SHOW_MAX), line + b);
		return CFG_LINE_BAD;
	}
	klen = (size_t)(eq - (line + b));
	while (klen > 0 && is_blank(line[b + klen - 1]))
		klen--;
	i = 0;
	while (i < klen && is_key_char(line[b + i]))
		i++;
	if (klen == 0 || klen > CFG_KEY_MAX || i < klen) {
		snprintf(err, errlen,
			 "%s: expected a key name (a-z, 0-9, _; at most %u "
			 "characters) before '=', found '%.*s'", where,
			 CFG_KEY_MAX, (int)(eq - (line + b) < CFG_SHOW_MAX ?
					    eq - (line + b) : CFG_SHOW_MAX),
			 line + b);
		return CFG_LINE_BAD;
	}
	memcpy(out->key, line + b, klen);
	out->key[klen] = '\0';
	out->value = eq + 1;
	out->value_len = (size_t)(line + len - out->value);
	while (out->value_len > 0 && is_blank(out->value[0])) {
		out->value++;
		out->value_len--;
	}
	while (out->value_len > 0 && is_blank(out->value[out->value_len - 1]))
		out->value_len--;
	return CFG_LINE_KV;
}

/* ---- numbers --------------------------------------------------------------- */

/* Parses leading decimal digits of s (an optional '-' first) into *out and
 * points *rest after them. 0, or -EINVAL (no digits, overflow). */
static int parse_digits(const char *s, int64_t *out, const char **rest)
{
	bool neg = (*s == '-');
	uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX;
	const char *p = s + neg;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (lim - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	*rest = p;
	return 0;
}

struct unit {
	const char *name;
	int64_t mult; /* 0: the key's unit_ms (a bare duration) */
};

static const struct unit size_units[] = {
	{ "", 1 }, { "B", 1 },
	{ "K", 1LL << 10 }, { "KB", 1LL << 10 }, { "KiB", 1LL << 10 },
	{ "M", 1LL << 20 }, { "MB", 1LL << 20 }, { "MiB", 1LL << 20 },
	{ "G", 1LL << 30 }, { "GB", 1LL << 30 }, { "GiB", 1LL << 30 },
	{ NULL, 0 },
};

static const struct unit duration_units[] = {
	{ "", 0 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
	{ "min", 60000 }, { "h", 3600000 }, { NULL, 0 },
};

static int parse_scaled(const char *s, const struct unit *units,
			int64_t bare, int64_t *out)
{
	const char *rest;
	int64_t n, mult = -1;

	if (parse_digits(s, &n, &rest) != 0 || n < 0)
		return -EINVAL;
	while (is_blank(*rest))
		rest++;
	for (; units->name; units++)
		if (strcasecmp(units->name, rest) == 0) {
			mult = units->mult ? units->mult : bare;
			break;
		}
	if (mult <= 0 || (n != 0 && n > INT64_MAX / mult))
		return -EINVAL;
	*out = n * mult;
	return 0;
}

/* Formats ms in the largest unit that divides it exactly (minutes only
 * from 10 minutes on, so "300s" stays as people write timeouts).
 * Returns snprintf's result. */
static int format_duration(int64_t ms, char *out, size_t cap)
{
	if (ms != 0 && ms % 3600000 == 0)
		return snprintf(out, cap, "%" PRId64 "h", ms / 3600000);
	if (ms != 0 && ms % 60000 == 0 && ms >= 600000)
		return snprintf(out, cap, "%" PRId64 "m", ms / 60000);
	if (ms % 1000 == 0)
		return snprintf(out, cap, "%" PRId64 "s", ms / 1000);
	return snprintf(out, cap, "%" PRId64 "ms", ms);
}

/* Formats a byte count in the largest power-of-1024 unit that divides it
 * exactly. Returns snprintf's result. */
static int format_size(int64_t n, char *out, size_t cap)
{
	static const char sfx[] = "GMK";
	int shift;

	for (shift = 30; shift >= 10; shift -= 10)
		if (n != 0 && n % (1LL << shift) == 0)
			return snprintf(out, cap, "%" PRId64 "%c", n >> shift,
					sfx[(30 - shift) / 10]);
	return snprintf(out, cap, "%" PRId64, n);
}

static int range_why(const struct cfg_key *k, char *why, size_t len)
{
	char lo[32], hi[32];

	switch (k->type) {
	case CFG_SIZE:
		format_size(k->min, lo, sizeof(lo));
		format_size(k->max, hi, sizeof(hi));
		snprintf(why, len, "expected a size from %s to %s bytes, e.g. "
			 "512K or 10M (units K, M, G are powers of 1024)",
			 lo, hi);
		break;
	case CFG_DURATION:
		format_duration(k->min, lo, sizeof(lo));
		format_duration(k->max, hi, sizeof(hi));
		snprintf(why, len, "expected a duration from %s to %s, e.g. "
			 "30s or 500ms (a bare number is in %s)", lo, hi,
			 k->unit_ms == 1 ? "milliseconds" :
			 k->unit_ms == 60000 ? "minutes" : "seconds");
		break;
	default:
		snprintf(why, len,
			 "expected a whole number from %" PRId64 " to %" PRId64,
			 k->min, k->max);
		break;
	}
	return -EINVAL;
}

static int parse_number(const struct cfg_key *k, const char *text,
			int64_t *out, char *why, size_t len)
{
	const char *rest;
	int rc;

	if (k->type == CFG_SIZE)
		rc = parse_scaled(text, size_units, 1, out);
	else if (k->type == CFG_DURATION)
		rc = parse_scaled(text, duration_units, k->unit_ms, out);
	else
		rc = (parse_digits(text, out, &rest) == 0 && *rest == '\0') ?
		     0 : -EINVAL;
	if (rc != 0 || *out < k->min || *out > k->max)
		return range_why(k, why, len);
	return 0;
}

/* ---- words and addresses ---------------------------------------------------- */

static int parse_bool(const char *t, bool *out, char *why, size_t len)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(t, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(t, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	snprintf(why, len, "expected yes or no (also true/false, on/off, 1/0)");
	return -EINVAL;
}

static int parse_enum(const struct cfg_key *k, const char *t, int *out,
		      char *why, size_t len)
{
	size_t used = 0;
	int i;

	for (i = 0; k->choices[i]; i++)
		if (strcasecmp(t, k->choices[i]) == 0) {
			*out = i;
			return 0;
		}
	used = (size_t)snprintf(why, len, "expected one of:");
	for (i = 0; k->choices[i] && used < len; i++)
		used += (size_t)snprintf(why + used, len - used, "%s %s",
					 i ? "," : "", k->choices[i]);
	return -EINVAL;
}

static int parse_mac(const char *t, struct cfg_mac *out)
{
	memset(out, 0, sizeof(*out));
	if (t[0] == '\0')
		return 0;
	if (ts_parse_mac(t, out->b) != 0)
		return -EINVAL;
	out->set = true;
	return 0;
}

static int parse_ports(const char *t, struct cfg_port_range *out)
{
	const char *rest;
	int64_t lo, hi;

	if (parse_digits(t, &lo, &rest) != 0 || lo < 1 || lo > 65535)
		return -EINVAL;
	hi = lo;
	if (*rest == '-') {
		if (rest[1] < '0' || rest[1] > '9' ||
		    parse_digits(rest + 1, &hi, &rest) != 0)
			return -EINVAL;
	}
	if (*rest != '\0' || hi < lo || hi > 65535)
		return -EINVAL;
	out->lo = (uint16_t)lo;
	out->hi = (uint16_t)hi;
	return 0;
}

static int why_text(int rc, const char *what, char *why, size_t len)
{
	if (rc != 0)
		snprintf(why, len, "%s", what);
	return rc;
}

int cfg_value_parse(const struct cfg_key *k, const char *t, union cfg_val *v,
		    char *why, size_t len)
{
	memset(v, 0, sizeof(*v));
	switch (k->type) {
	case CFG_BOOL: return parse_bool(t, &v->b, why, len);
	case CFG_INT:
	case CFG_SIZE:
	case CFG_DURATION: return parse_number(k, t, &v->i, why, len);
	case CFG_ENUM: return parse_enum(k, t, &v->e, why, len);
	case CFG_STRING:
	case CFG_PATH:
	case CFG_LIST: v->s = t; return 0;
	case CFG_IPV4:
		return why_text(t[0] ? ts_parse_ipv4(t, &v->ip) : 0,
				"expected an IPv4 address A.B.C.D, or nothing "
				"for none", why, len);
	case CFG_CIDR:
		return why_text(ts_parse_cidr(t, &v->cidr.addr,
					      &v->cidr.prefix),
				"expected A.B.C.D/PREFIX with PREFIX 0 to 32",
				why, len);
	case CFG_MAC:
		return why_text(parse_mac(t, &v->mac),
				"expected a MAC address aa:bb:cc:dd:ee:ff, or "
				"nothing for none", why, len);
	case CFG_PORT_RANGE:
		return why_text(parse_ports(t, &v->ports),
				"expected LO-HI (or one port) with "
				"1 <= LO <= HI <= 65535", why, len);
	}
	return why_text(-EINVAL, "unknown value type", why, len);
}

/* ---- formatting ---------------------------------------------------------------- */

static int format_list(const struct cfg_list *l, char *out, size_t cap)
{
	size_t used = 0, i;
	int n;

	out[0] = '\0';
	for (i = 0; i < l->n; i++) {
		n = snprintf(out + used, cap - used, "%s%s", i ? ", " : "",
			     l->items[i]);
		if (n < 0 || (size_t)n >= cap - used)
			return -ENOSPC;
		used += (size_t)n;
	}
	return (int)used;
}

int cfg_value_format(const struct cfg_key *k, const union cfg_val *v,
		     char *out, size_t cap)
{
	char a[16];
	int n = 0;

	if (cap == 0)
		return -ENOSPC;
	switch (k->type) {
	case CFG_BOOL: n = snprintf(out, cap, "%s", v->b ? "yes" : "no"); break;
	case CFG_INT: n = snprintf(out, cap, "%" PRId64, v->i); break;
	case CFG_SIZE: n = format_size(v->i, out, cap); break;
	case CFG_DURATION: n = format_duration(v->i, out, cap); break;
	case CFG_ENUM: n = snprintf(out, cap, "%s", k->choices[v->e]); break;
	case CFG_STRING:
	case CFG_PATH: n = snprintf(out, cap, "%s", v->s); break;
	case CFG_LIST: return format_list(v->list, out, cap);
	case CFG_IPV4:
	case CFG_CIDR:
		ts_ipv4_str(k->type == CFG_IPV4 ? v->ip : v->cidr.addr, a);
		if (k->type == CFG_IPV4)
			n = snprintf(out, cap, "%s", v->ip ? a : "");
		else
			n = snprintf(out, cap, "%s/%u", a, v->cidr.prefix);
		break;
	case CFG_MAC:
		if (!v->mac.set)
			n = snprintf(out, cap, "%s", "");
		else
			n = snprintf(out, cap,
				     "%02x:%02x:%02x:%02x:%02x:%02x",
				     v->mac.b[0], v->mac.b[1], v->mac.b[2],
				     v->mac.b[3], v->mac.b[4], v->mac.b[5]);
		break;
	case CFG_PORT_RANGE:
		n = snprintf(out, cap, "%u-%u", v->ports.lo, v->ports.hi);
		break;
	}
	return (n < 0 || (size_t)n >= cap) ? -ENOSPC : n;
}
