/*
 * ftp_addr.c - PORT/PASV (RFC 959) and EPRT/EPSV (RFC 2428) arguments.
 *
 * Every number is read by read_num(), which bounds the digit count before
 * it multiplies, so no input can overflow; a digit right after the allowed
 * count makes the number bad rather than silently splitting it.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>

#include "ftp_addr.h"
#include "ftp_limits.h"

#define BYTE_DIGITS_MAX 3u
#define PORT_DIGITS_MAX 5u
#define PORT_MAX 65535u
#define EPRT_PROTO_IPV4 1u
#define EPRT_DELIM_MIN 33   /* RFC 2428 2: delimiter in ASCII 33..126 */
#define EPRT_DELIM_MAX 126

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads 1..maxdigits decimal digits at s[*i] with a value <= max. */
static bool read_num(const char *s, size_t len, size_t *i, unsigned maxdigits,
		     unsigned max, unsigned *out)
{
	unsigned v = 0, n = 0;

	while (*i < len && is_digit(s[*i])) {
		if (n == maxdigits)
			return false;
		v = v * 10u + (unsigned)(s[*i] - '0');
		n++;
		(*i)++;
	}
	if (n == 0 || v > max)
		return false;
	*out = v;
	return true;
}

static bool expect(const char *s, size_t len, size_t *i, char c)
{
	if (*i >= len || s[*i] != c)
		return false;
	(*i)++;
	return true;
}

static bool read_ipv4(const char *s, size_t len, size_t *i, uint32_t *ip)
{
	unsigned b, k;
	uint32_t v = 0;

	for (k = 0; k < 4; k++) {
		if (k > 0 && !expect(s, len, i, '.'))
			return false;
		if (!read_num(s, len, i, BYTE_DIGITS_MAX, 255u, &b))
			return false;
		v = v << 8 | b;
	}
	*ip = v;
	return true;
}

enum ftp_addr_rc ftp_ipv4_parse(const char *s, size_t len, uint32_t *ip)
{
	size_t i = 0;

	if (!read_ipv4(s, len, &i, ip) || i != len)
		return FTP_ADDR_BAD;
	return FTP_ADDR_OK;
}

const char *ftp_ipv4_format(uint32_t ip, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", (unsigned)(ip >> 24),
		 (unsigned)(ip >> 16 & 0xff), (unsigned)(ip >> 8 & 0xff),
		 (unsigned)(ip & 0xff));
	return buf;
}

/* Six comma-separated bytes; lax allows spaces after each comma. */
static bool read_six(const char *s, size_t len, size_t *i, bool lax,
		     struct ftp_hostport *out)
{
	unsigned v[6], k;

	for (k = 0; k < 6; k++) {
		if (k > 0) {
			if (!expect(s, len, i, ','))
				return false;
			while (lax && *i < len && s[*i] == ' ')
				(*i)++;
		}
		if (!read_num(s, len, i, BYTE_DIGITS_MAX, 255u, &v[k]))
			return false;
	}
	if (v[4] * 256u + v[5] == 0)
		return false;
	out->ip = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
		  (uint32_t)v[2] << 8 | v[3];
	out->port = (uint16_t)(v[4] * 256u + v[5]);
	return true;
}

enum ftp_addr_rc ftp_port_parse(const char *s, size_t len,
				struct ftp_hostport *out)
{
	size_t i = 0;
	struct ftp_hostport hp;

	if (!read_six(s, len, &i, false, &hp) || i != len)
		return FTP_ADDR_BAD;
	*out = hp;
	return FTP_ADDR_OK;
}

static size_t clamp_len(int n, size_t cap)
{
	if (n < 0)
		return 0;
	if (cap == 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

size_t ftp_port_format(const struct ftp_hostport *hp, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%u,%u,%u,%u,%u,%u",
			 (unsigned)(hp->ip >> 24), (unsigned)(hp->ip >> 16 & 0xff),
			 (unsigned)(hp->ip >> 8 & 0xff), (unsigned)(hp->ip & 0xff),
			 (unsigned)(hp->port >> 8), (unsigned)(hp->port & 0xff));
	return clamp_len(n, cap);
}

enum ftp_addr_rc ftp_pasv_parse(const char *text, size_t len,
				struct ftp_hostport *out)
{
	size_t start, i;
	struct ftp_hostport hp;

	/* Try each run of digits in turn: servers put the numbers after
	 * "(", "=", or a bare space, and the code itself fails as a byte. */
	for (start = 0; start < len; start++) {
		if (!is_digit(text[start]) ||
		    (start > 0 && is_digit(text[start - 1])))
			continue;
		i = start;
		if (read_six(text, len, &i, true, &hp)) {
			*out = hp;
			return FTP_ADDR_OK;
		}
	}
	return FTP_ADDR_BAD;
}

size_t ftp_pasv_format(const struct ftp_hostport *hp, char *buf, size_t cap)
{
	char six[FTP_HOSTPORT_STR_MAX];
	int n;

	ftp_port_format(hp, six, sizeof(six));
	n = snprintf(buf, cap, "227 Entering Passive Mode (%s).", six);
	return clamp_len(n, cap);
}

static bool is_delim(char c)
{
	return c >= EPRT_DELIM_MIN && c <= EPRT_DELIM_MAX;
}

/* Counts delimiters d after position i: an argument for another protocol
 * is still checked for the shape "<d>proto<d>addr<d>port<d>". */
static bool eprt_shape_ok(const char *s, size_t len, size_t i, char d)
{
	unsigned seen = 0;

	for (; i < len; i++)
		seen += s[i] == d;
	return seen == 2 && s[len - 1] == d;
}

enum ftp_addr_rc ftp_eprt_parse(const char *s, size_t len,
				struct ftp_hostport *out)
{
	size_t i = 1;
	unsigned proto, port;
	uint32_t ip;
	char d;

	if (len < 2 || len > FTP_ADDR_TEXT_MAX || !is_delim(s[0]))
		return FTP_ADDR_BAD;
	d = s[0];
	if (!read_num(s, len, &i, BYTE_DIGITS_MAX, 255u, &proto) ||
	    !expect(s, len, &i, d))
		return FTP_ADDR_BAD;
	if (proto != EPRT_PROTO_IPV4)
		return eprt_shape_ok(s, len, i, d) ? FTP_ADDR_BAD_PROTO
						   : FTP_ADDR_BAD;
	if (!read_ipv4(s, len, &i, &ip) || !expect(s, len, &i, d) ||
	    !read_num(s, len, &i, PORT_DIGITS_MAX, PORT_MAX, &port) ||
	    port == 0 || !expect(s, len, &i, d) || i != len)
		return FTP_ADDR_BAD;
	out->ip = ip;
	out->port = (uint16_t)port;
	return FTP_ADDR_OK;
}

size_t ftp_eprt_format(const struct ftp_hostport *hp, char *buf, size_t cap)
{
	char ip[16];
	int n = snprintf(buf, cap, "|1|%s|%u|", ftp_ipv4_format(hp->ip, ip),
			 (unsigned)hp->port);

	return clamp_len(n, cap);
}

enum ftp_addr_rc ftp_epsv_parse(const char *text, size_t len, uint16_t *port)
{
	size_t open, i;
	unsigned v;
	char d;

	for (open = 0; open + 1 < len; open++) {
		if (text[open] != '(')
			continue;
		i = open + 1;
		d = text[i];
		if (!is_delim(d) || !expect(text, len, &i, d) ||
		    !expect(text, len, &i, d) || !expect(text, len, &i, d))
			continue;
		if (!read_num(text, len, &i, PORT_DIGITS_MAX, PORT_MAX, &v) ||
		    v == 0 || !expect(text, len, &i, d) ||
		    !expect(text, len, &i, ')'))
			continue;
		*port = (uint16_t)v;
		return FTP_ADDR_OK;
	}
	return FTP_ADDR_BAD;
}

size_t ftp_epsv_format(uint16_t port, char *buf, size_t cap)
{
	int n = snprintf(buf, cap,
			 "229 Entering Extended Passive Mode (|||%u|)",
			 (unsigned)port);

	return clamp_len(n, cap);
}
