/*
 * link_impair_parse.c - the impairment spec (see ts_link.h), parsed in one
 * place into struct ts_impair_spec:
 *
 *   loss=5%,dup=1%,reorder=5%,depth=3,corrupt=100ppm,delay=50ms,
 *   jitter=10ms,rate=100mbit,seed=7,dir=both
 *
 * Numbers may carry decimals (loss=0.5%, delay=1.5ms). Every value needs
 * its unit, so "delay=50" is refused rather than guessed. Errors name the
 * item and say what would be accepted.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "link_internal.h"

#define E6 1000000ULL
#define FIXED_INT_MAX 1000000000000ULL /* integer part: keeps *E6 in range */
#define FIXED_DECIMALS 6u
#define IMPAIR_SEED_DEFAULT 1u
#define IMPAIR_ITEM_MAX 64u

enum imp_value { V_RATE, V_TIME, V_BITRATE, V_DEPTH, V_SEED, V_DIR };

static const struct imp_key {
	const char *name;
	enum imp_value kind;
	size_t off; /* field in struct ts_impair_spec; unused for V_DIR */
} imp_keys[] = {
	{ "loss", V_RATE, offsetof(struct ts_impair_spec, loss_ppm) },
	{ "dup", V_RATE, offsetof(struct ts_impair_spec, dup_ppm) },
	{ "reorder", V_RATE, offsetof(struct ts_impair_spec, reorder_ppm) },
	{ "corrupt", V_RATE, offsetof(struct ts_impair_spec, corrupt_ppm) },
	{ "depth", V_DEPTH, offsetof(struct ts_impair_spec, reorder_depth) },
	{ "delay", V_TIME, offsetof(struct ts_impair_spec, delay) },
	{ "jitter", V_TIME, offsetof(struct ts_impair_spec, jitter) },
	{ "rate", V_BITRATE, offsetof(struct ts_impair_spec, rate_bps) },
	{ "seed", V_SEED, offsetof(struct ts_impair_spec, seed) },
	{ "dir", V_DIR, 0 },
};

struct unit {
	const char *name;
	uint64_t div;  /* value_e6 / div ...     */
	uint64_t mul;  /* ... * mul = the result */
};

static const struct unit rate_units[] = {
	{ "%", 100, 1 }, { "ppm", E6, 1 }, { NULL, 0, 0 } };
static const struct unit time_units[] = {
	{ "us", E6, 1 }, { "ms", 1000, 1 }, { "s", 1, 1 }, { NULL, 0, 0 } };
static const struct unit bitrate_units[] = {
	{ "bit", E6, 1 }, { "kbit", 1000, 1 }, { "mbit", 1, 1 },
	{ "gbit", 1, 1000 }, { NULL, 0, 0 } };

/* "12.345" at s into value * 10^6; *end after the digits. */
static int parse_fixed(const char *s, const char **end, uint64_t *e6)
{
	uint64_t ip = 0, frac = 0, scale = E6;
	unsigned nd = 0, nf = 0;

	for (; *s >= '0' && *s <= '9'; s++, nd++) {
		ip = ip * 10 + (uint64_t)(*s - '0');
		if (ip > FIXED_INT_MAX)
			return -ERANGE;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, nf++) {
			if (nf >= FIXED_DECIMALS)
				return -ERANGE;
			scale /= 10;
			frac += (uint64_t)(*s - '0') * scale;
		}
	}
	if (nd + nf == 0)
		return -EINVAL;
	*end = s;
	*e6 = ip * E6 + frac;
	return 0;
}

/* A number with one of units; -EINVAL names nothing, the caller does. */
static int parse_with_unit(const char *v, const struct unit *units,
			   uint64_t *out, const char **why)
{
	const char *u;
	uint64_t e6;
	int rc = parse_fixed(v, &u, &e6);

	if (rc < 0) {
		*why = rc == -ERANGE ? "number too large or too precise"
				     : "not a number";
		return -EINVAL;
	}
	for (; units->name; units++) {
		if (strcasecmp(u, units->name) != 0)
			continue;
		if (e6 % units->div != 0) {
			*why = "finer than the unit allows";
			return -EINVAL;
		}
		if (e6 / units->div > UINT64_MAX / units->mul) {
			*why = "number too large";
			return -EINVAL;
		}
		*out = e6 / units->div * units->mul;
		return 0;
	}
	*why = *u ? "unknown unit" : "a unit is needed";
	return -EINVAL;
}

static int parse_count(const char *v, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long x;

	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno || *end || x > max)
		return -EINVAL;
	*out = x;
	return 0;
}

static int set_dir(const char *v, struct ts_impair_spec *out)
{
	if (strcmp(v, "tx") == 0 || strcmp(v, "rx") == 0 ||
	    strcmp(v, "both") == 0) {
		out->tx = strcmp(v, "rx") != 0;
		out->rx = strcmp(v, "tx") != 0;
		return 0;
	}
	return -EINVAL;
}

static const char *value_help(enum imp_value kind)
{
	switch (kind) {
	case V_RATE: return "a rate in % or ppm up to 100%, e.g. loss=0.5%";
	case V_TIME: return "a time in us, ms or s up to 60 s, e.g. delay=50ms";
	case V_BITRATE: return "bit, kbit, mbit or gbit per second, e.g. rate=100mbit";
	case V_DEPTH: return "a whole number of frames from 1 to 64, e.g. depth=3";
	case V_SEED: return "a whole number, e.g. seed=7";
	case V_DIR: return "tx, rx or both";
	}
	return "";
}

/* Stores one value; NULL or the reason it is bad. */
static const char *set_value(const struct imp_key *k, const char *v,
			     struct ts_impair_spec *out)
{
	const char *why = "out of range";
	char *field = (char *)out + k->off;
	uint64_t x;

	switch (k->kind) {
	case V_RATE:
		if (parse_with_unit(v, rate_units, &x, &why) < 0 || x > E6)
			return why;
		*(uint32_t *)(void *)field = (uint32_t)x;
		return NULL;
	case V_TIME:
		if (parse_with_unit(v, time_units, &x, &why) < 0 ||
		    x > TS_IMPAIR_TIME_MAX)
			return why;
		*(ts_time_t *)(void *)field = x;
		return NULL;
	case V_BITRATE:
		if (parse_with_unit(v, bitrate_units, &x, &why) < 0)
			return why;
		*(uint64_t *)(void *)field = x;
		return NULL;
	case V_DEPTH:
		if (parse_count(v, TS_IMPAIR_DEPTH_MAX, &x) < 0 || x == 0)
			return "not a whole number from 1 to 64";
		*(uint32_t *)(void *)field = (uint32_t)x;
		return NULL;
	case V_SEED:
		if (parse_count(v, UINT64_MAX, &x) < 0)
			return "not a whole number";
		*(uint64_t *)(void *)field = x;
		return NULL;
	case V_DIR:
		return set_dir(v, out) < 0 ? "unknown direction" : NULL;
	}
	return why;
}

/* One "key=value" item (NUL-terminated copy). */
static int parse_item(char *item, struct ts_impair_spec *out, char *err,
		      size_t errlen)
{
	char *eq = strchr(item, '=');
	const char *why;
	size_t i;

	if (!eq) {
		link_errf(err, errlen,
			  "impairment '%s': expected key=value, e.g. loss=1%%",
			  item);
		return -EINVAL;
	}
	*eq = '\0';
	for (i = 0; i < sizeof(imp_keys) / sizeof(imp_keys[0]); i++) {
		if (strcmp(item, imp_keys[i].name) != 0)
			continue;
		why = set_value(&imp_keys[i], eq + 1, out);
		if (!why)
			return 0;
		link_errf(err, errlen, "impairment '%s=%s': %s: use %s", item,
			  eq + 1, why, value_help(imp_keys[i].kind));
		return -EINVAL;
	}
	link_errf(err, errlen,
		  "impairment '%s=%s': unknown key: use loss, dup, reorder, "
		  "depth, corrupt, delay, jitter, rate, seed or dir",
		  item, eq + 1);
	return -EINVAL;
}

int ts_impair_parse(const char *spec, struct ts_impair_spec *out, char *err,
		    size_t errlen)
{
	struct ts_impair_spec s = { 0 };
	char item[IMPAIR_ITEM_MAX];
	const char *p = spec, *comma;
	size_t len;
	int rc;

	if (!spec || strlen(spec) > TS_IMPAIR_SPEC_MAX) {
		link_errf(err, errlen, "impairment spec longer than %u characters",
			  TS_IMPAIR_SPEC_MAX);
		return -EINVAL;
	}
	s.reorder_depth = TS_IMPAIR_DEPTH_DEFAULT;
	s.seed = IMPAIR_SEED_DEFAULT;
	s.tx = s.rx = true;
	for (; *p; p = *comma ? comma + 1 : comma) {
		comma = strchr(p, ',');
		if (!comma)
			comma = p + strlen(p);
		len = (size_t)(comma - p);
		if (len == 0)
			continue; /* "a,,b" and a trailing comma are harmless */
		if (len >= sizeof(item)) {
			link_errf(err, errlen, "impairment item '%.*s...' is too "
				  "long", 20, p);
			return -EINVAL;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		rc = parse_item(item, &s, err, errlen);
		if (rc < 0)
			return rc;
	}
	*out = s;
	return 0;
}
