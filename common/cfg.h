/*
 * cfg.h - a small typed configuration engine for `key = value` files.
 *
 * A program describes its configuration as a table of keys (struct
 * cfg_key): name, type, where the value lives in the program's own struct
 * (offsetof), the default written as it would be in the file, a range or
 * the allowed words, and one line of help. The engine then
 *
 *   - fills the struct with every default          cfg_init()
 *   - reads a file: "file:line: message" errors     cfg_load_file()
 *   - applies `-o key=value` overrides after it     cfg_override()
 *   - prints the effective configuration            cfg_dump()
 *   - frees what it allocated                       cfg_free()
 *
 * File syntax: one `key = value` per line. Whitespace around '=' and at
 * both ends of a line is ignored. A line whose first non-blank character
 * is '#' is a comment; '#' anywhere else is part of the value (so a banner
 * may contain one). Blank lines are ignored. Keys are case-sensitive,
 * lower case. When a key appears twice, the last one wins (as in vsftpd),
 * except for CFG_LIST keys, where every line adds an item and an empty
 * value clears the list. Lines longer than CFG_LINE_MAX and values longer
 * than CFG_VALUE_MAX are errors (common_limits.h).
 *
 * Errors stop at the first problem and name the place, the cause and the
 * fix, e.g.
 *   ftpd.conf:12: unknown key 'listen_prot'; did you mean 'listen_port'?
 *   ftpd.conf:3: bad value 'maybe' for anonymous_enable: expected yes or no
 *   command line: bad value '0' for listen_port: expected a whole number
 *                 from 1 to 65535
 * A value that fails to parse leaves the previous value in place.
 */
#ifndef CFG_H
#define CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Value types and the C type each one is stored as. */
enum cfg_type {
	CFG_BOOL,       /* bool: yes|no, true|false, on|off, 1|0 (any case) */
	CFG_INT,        /* int64_t: decimal, within [min, max]              */
	CFG_SIZE,       /* int64_t bytes: N, NK, NM, NG (also KiB, MiB,     */
	                /* GiB; all powers of 1024), within [min, max]      */
	CFG_DURATION,   /* int64_t milliseconds: Nms, Ns, Nm, Nh; a bare N  */
	                /* is in the key's unit_ms; within [min, max] (ms)  */
	CFG_STRING,     /* char * (owned by the struct; "" allowed)         */
	CFG_PATH,       /* char * (owned; "" means none)                    */
	CFG_ENUM,       /* int: index into choices (any case)               */
	CFG_IPV4,       /* uint32_t host order: A.B.C.D; "" means 0 (none)  */
	CFG_CIDR,       /* struct cfg_cidr: A.B.C.D/PREFIX (/24 if absent)  */
	CFG_MAC,        /* struct cfg_mac: aa:bb:cc:dd:ee:ff; "" means none */
	CFG_PORT_RANGE, /* struct cfg_port_range: LO-HI or N, 1..65535      */
	CFG_LIST,       /* struct cfg_list: repeatable; "" clears           */
};

struct cfg_cidr {
	uint32_t addr;  /* host byte order */
	uint8_t prefix; /* 0..32           */
};

struct cfg_mac {
	bool set;
	uint8_t b[6];
};

struct cfg_port_range {
	uint16_t lo, hi; /* lo <= hi */
};

/* Items of a repeatable key, in file order; owned by the struct. */
struct cfg_list {
	char **items;
	size_t n;
};

/*
 * Optional extra check of a value's text, run after the type's own parse
 * succeeded and before anything is stored. Returns 0, or -EINVAL with a
 * message in why saying what is allowed.
 */
typedef int (*cfg_check_fn)(const char *value, char *why, size_t whylen);

struct cfg_key {
	const char *name;
	enum cfg_type type;
	size_t offset;              /* of the field in the program's struct */
	const char *def;            /* default, in file syntax (never NULL) */
	const char *help;           /* one line, for cfg_dump and errors    */
	int64_t min, max;           /* CFG_INT, CFG_SIZE, CFG_DURATION (ms) */
	int64_t unit_ms;            /* CFG_DURATION: ms of a bare number    */
	const char *const *choices; /* CFG_ENUM: NULL-terminated words      */
	cfg_check_fn check;         /* may be NULL                          */
};

struct cfg_table {
	const char *doc;            /* where keys are documented, e.g.      */
	                            /* "ftpd.conf(5)", quoted in errors     */
	const struct cfg_key *keys;
	size_t nkeys;
};

/* Sets every key of obj to its default. obj must be zeroed first (so
 * cfg_free can tell what was allocated). 0, or -EINVAL/-ENOMEM with a
 * message naming the key whose default is broken (a table bug). */
int cfg_init(const struct cfg_table *t, void *obj, char *err, size_t errlen);

/* Reads and applies a file. 0, or -errno with "path:line: message" (or
 * "path: message" when the file cannot be read) in err. */
int cfg_load_file(const struct cfg_table *t, void *obj, const char *path,
		  char *err, size_t errlen);

/* Applies the len bytes of buf (borrowed) as if read from a file called
 * name. Same results as cfg_load_file. */
int cfg_load_buffer(const struct cfg_table *t, void *obj, const char *name,
		    const char *buf, size_t len, char *err, size_t errlen);

/* Applies one "key=value" given on the command line (-o). Errors read
 * "command line: message". */
int cfg_override(const struct cfg_table *t, void *obj, const char *kv,
		 char *err, size_t errlen);

/* Sets one key from its value text; where prefixes error messages (e.g.
 * "ftpd.conf:3"). 0 or -EINVAL/-ENOMEM/-E2BIG/-ENOENT (unknown key). */
int cfg_set(const struct cfg_table *t, void *obj, const char *key,
	    const char *value, const char *where, char *err, size_t errlen);

/* The key called name (len bytes), or NULL. */
const struct cfg_key *cfg_find(const struct cfg_table *t, const char *name,
			       size_t len);

/* The known key closest to name by edit distance, or NULL when none is
 * within CFG_SUGGEST_MAX_DIST. */
const char *cfg_closest(const struct cfg_table *t, const char *name);

/* Writes key's current value in file syntax into out (NUL-terminated).
 * Returns the length, or -ENOSPC when cap is too small (out then holds
 * nothing useful). CFG_LIST values are joined with ", ". */
int cfg_format(const struct cfg_key *key, const void *obj, char *out,
	       size_t cap);

/* Prints every key as "key = value" lines that cfg_load_file reads back
 * (a CFG_LIST prints one line per item). verbose adds each key's help as
 * a comment and marks values that differ from the default. */
void cfg_dump(const struct cfg_table *t, const void *obj, FILE *out,
	      bool verbose);

/* Frees the strings and lists of obj and zeroes those fields. */
void cfg_free(const struct cfg_table *t, void *obj);

#ifdef __cplusplus
}
#endif
#endif /* CFG_H */
