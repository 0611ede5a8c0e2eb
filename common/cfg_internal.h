/*
 * cfg_internal.h - shared by cfg.c (storage, files, dump) and cfg_value.c
 * (the one place where configuration text is parsed and formatted).
 * Not for use outside common/cfg*.c.
 */
#ifndef CFG_INTERNAL_H
#define CFG_INTERNAL_H

#include <stddef.h>

#include "cfg.h"
#include "common_limits.h"

/* One parsed value. s borrows the text it was parsed from; list borrows
 * the struct's list (formatting only). */
union cfg_val {
	bool b;
	int64_t i;
	int e;
	uint32_t ip;
	struct cfg_cidr cidr;
	struct cfg_mac mac;
	struct cfg_port_range ports;
	const char *s;
	const struct cfg_list *list;
};

/* Parses NUL-terminated text as k's type into *v. 0, or -EINVAL with what
 * is allowed in why. */
int cfg_value_parse(const struct cfg_key *k, const char *text,
		    union cfg_val *v, char *why, size_t whylen);

/* Formats v as k's type in file syntax. Length, or -ENOSPC. */
int cfg_value_format(const struct cfg_key *k, const union cfg_val *v,
		     char *out, size_t cap);

/* What one line of a file (or one -o argument) holds. */
enum cfg_line_status {
	CFG_LINE_KV,    /* key and value are set                       */
	CFG_LINE_EMPTY, /* blank or comment                            */
	CFG_LINE_BAD,   /* no '=', bad key, NUL byte: message in err   */
	CFG_LINE_TOO_LONG, /* over CFG_LINE_MAX: message in err        */
};

struct cfg_line {
	char key[CFG_KEY_MAX + 1];
	const char *value; /* borrowed from the line, trimmed, not NUL-   */
	size_t value_len;  /* terminated; may exceed CFG_VALUE_MAX        */
};

/* Splits len bytes of line (no LF; a trailing CR is dropped) into key and
 * value. On BAD/TOO_LONG err holds "where: message". */
enum cfg_line_status cfg_split_line(const char *line, size_t len,
				    const char *where, struct cfg_line *out,
				    char *err, size_t errlen);

#endif /* CFG_INTERNAL_H */
