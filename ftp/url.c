/*
 * url.c - ftp:// URL parsing for auto-fetch (see url.h).
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "url.h"

#define URL_SCHEME "ftp://"
#define URL_SCHEME_LEN 6u
#define URL_TYPE ";type="
#define URL_TYPE_LEN 6u
#define URL_PORT_MAX 65535u

bool ftpc_url_is_ftp(const char *s)
{
	return strncasecmp(s, URL_SCHEME, URL_SCHEME_LEN) == 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* Percent-decodes s[0..len) into out (cap bytes with the NUL). */
static enum ftp_parse decode(const char *s, size_t len, char *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int hi, lo;
			if (i + 2 >= len)
				return FTP_PARSE_BAD;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return FTP_PARSE_BAD;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		/* SECURITY: a decoded CR or LF would end the FTP command
		 * the client builds from this text and inject another. */
		if (c < 0x20 || c == 0x7f)
			return FTP_PARSE_BAD;
		if (n + 1 >= cap)
			return FTP_PARSE_TOO_LONG;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return FTP_PARSE_OK;
}

static bool host_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

static enum ftp_parse parse_hostport(const char *s, size_t len,
				     struct ftpc_url *out)
{
	const char *colon = memchr(s, ':', len);
	size_t hlen = colon ? (size_t)(colon - s) : len, i;
	unsigned port = 0;

	if (hlen == 0)
		return FTP_PARSE_BAD;
	if (hlen > FTP_HOSTNAME_MAX)
		return FTP_PARSE_TOO_LONG;
	for (i = 0; i < hlen; i++)
		if (!host_char_ok(s[i]))
			return FTP_PARSE_BAD;
	memcpy(out->host, s, hlen);
	out->host[hlen] = '\0';
	out->port = FTP_CONTROL_PORT_DEFAULT;
	if (!colon)
		return FTP_PARSE_OK;
	if (hlen + 1 == len)
		return FTP_PARSE_OK; /* "host:" - RFC 3986 allows it */
	for (i = hlen + 1; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return FTP_PARSE_BAD;
		port = port * 10u + (unsigned)(s[i] - '0');
		if (port > URL_PORT_MAX)
			return FTP_PARSE_BAD;
	}
	if (port == 0)
		return FTP_PARSE_BAD;
	out->port = (uint16_t)port;
	return FTP_PARSE_OK;
}

static enum ftp_parse parse_userinfo(const char *s, size_t len,
				     struct ftpc_url *out)
{
	const char *colon = memchr(s, ':', len);
	size_t ulen = colon ? (size_t)(colon - s) : len;
	enum ftp_parse r;

	out->has_user = true;
	r = decode(s, ulen, out->user, sizeof(out->user));
	if (r != FTP_PARSE_OK || !colon)
		return r;
	out->has_pass = true;
	return decode(colon + 1, len - ulen - 1, out->pass, sizeof(out->pass));
}

/* The path after the authority's '/', with an optional ";type=X". */
static enum ftp_parse parse_path(const char *s, size_t len,
				 struct ftpc_url *out)
{
	size_t plen = len;
	enum ftp_parse r;

	if (len >= URL_TYPE_LEN + 1 &&
	    strncasecmp(s + len - URL_TYPE_LEN - 1, URL_TYPE, URL_TYPE_LEN) ==
		    0) {
		char t = (char)(s[len - 1] | 0x20);
		if (t != 'a' && t != 'i' && t != 'd')
			return FTP_PARSE_BAD;
		out->type = t;
		plen = len - URL_TYPE_LEN - 1;
	}
	r = decode(s, plen, out->path, sizeof(out->path));
	if (r != FTP_PARSE_OK)
		return r;
	out->is_dir = plen == 0 || s[plen - 1] == '/' || out->type == 'd';
	return FTP_PARSE_OK;
}

enum ftp_parse ftpc_url_parse(const char *s, size_t len,
			      struct ftpc_url *out)
{
	const char *auth, *slash, *at;
	size_t alen, rest;
	enum ftp_parse r;

	memset(out, 0, sizeof(*out));
	if (len > FTPC_URL_MAX)
		return FTP_PARSE_TOO_LONG;
	if (len < URL_SCHEME_LEN ||
	    strncasecmp(s, URL_SCHEME, URL_SCHEME_LEN) != 0 ||
	    memchr(s, '\0', len))
		return FTP_PARSE_BAD;
	auth = s + URL_SCHEME_LEN;
	rest = len - URL_SCHEME_LEN;
	slash = memchr(auth, '/', rest);
	alen = slash ? (size_t)(slash - auth) : rest;
	at = NULL;
	for (size_t i = 0; i < alen; i++)
		if (auth[i] == '@')
			at = auth + i; /* the last '@' ends the userinfo */
	if (at) {
		r = parse_userinfo(auth, (size_t)(at - auth), out);
		if (r != FTP_PARSE_OK)
			return r;
		alen -= (size_t)(at - auth) + 1;
		auth = at + 1;
	}
	r = parse_hostport(auth, alen, out);
	if (r != FTP_PARSE_OK)
		return r;
	if (!slash) {
		out->is_dir = true;
		return FTP_PARSE_OK;
	}
	return parse_path(slash + 1, (size_t)(s + len - slash - 1), out);
}
