/*
 * ftpd_config_internal.h - shared by ftpd_config.c and ftpd_config_keys.c.
 */
#ifndef FTPD_CONFIG_INTERNAL_H
#define FTPD_CONFIG_INTERNAL_H

#include <stddef.h>

/* One `host = NAME:ROOT` line, split; both pointers borrow from it. */
struct ftpd_vhost {
	const char *name; /* host name, or "[address]" */
	size_t name_len;
	const char *root; /* absolute path, NUL-terminated */
};

/* Splits "NAME:ROOT". 0, or -EINVAL when NAME is not a host name (1 to
 * FTPD_HOSTNAME_MAX of A-Z a-z 0-9 . -) or a bracketed address literal,
 * or ROOT is not absolute. */
int ftpd_vhost_split(const char *item, struct ftpd_vhost *out);

#endif /* FTPD_CONFIG_INTERNAL_H */
