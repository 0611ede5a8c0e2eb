/*
 * url.h - ftp:// URLs for auto-fetch (RFC 1738 3.2, as tnftp reads them):
 *
 *   ftp://[user[:password]@]host[:port]/path[;type=a|i|d]
 *
 * user, password and path are percent-decoded. The path is relative to the
 * login directory ("ftp://h/pub/f" is pub/f); "%2F" at its start makes it
 * absolute. A path that is empty or ends with '/' (or ;type=d) asks for a
 * directory listing. The host is kept as written: resolve it with
 * ftp_host_resolve() (common/hosts.h).
 */
#ifndef FTPC_URL_H
#define FTPC_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ftp_limits.h"
#include "ftp_parse.h"
#include "ftpc_limits.h"

struct ftpc_url {
	bool has_user, has_pass;
	char user[FTPC_URL_USER_MAX + 1];
	char pass[FTPC_URL_PASS_MAX + 1];
	char host[FTP_HOSTNAME_MAX + 1];
	uint16_t port;                  /* FTP_CONTROL_PORT_DEFAULT if none */
	char path[FTPC_URL_PATH_MAX + 1]; /* decoded, leading '/' removed  */
	char type;                      /* 'a', 'i', 'd', or 0 when none  */
	bool is_dir;                    /* list rather than get           */
};

/* True when s starts with "ftp://" (any case): an auto-fetch argument. */
bool ftpc_url_is_ftp(const char *s);

/* Parses len bytes of s into *out. Returns OK, BAD (not ftp://, bad
 * percent escape, empty or invalid host, bad port or type, or a control
 * character after decoding) or TOO_LONG (a part over its limit). */
enum ftp_parse ftpc_url_parse(const char *s, size_t len,
			      struct ftpc_url *out);

#endif /* FTPC_URL_H */
