/*
 * addr_parse.c - the text forms every program that puts a stack on a link
 * accepts: IPv4 addresses, CIDR, MAC addresses, and the default hub
 * directory. Strict on purpose: these come from command lines and config
 * files, and a silently misread address puts a stack on the wrong subnet.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ts_link.h"

#define IPV4_PREFIX_DEFAULT 24u
#define IPV4_PREFIX_MAX 32u

/* One decimal number 0..max of at most `digits` digits at *s, advancing
 * *s. A leading zero is allowed only alone: "010" could mean 8 (octal, as
 * inet_aton reads it) or 10, so it is refused rather than guessed. */
static int parse_dec(const char **s, unsigned max, unsigned digits,
		     unsigned *out)
{
	const char *p = *s;
	unsigned v = 0, n = 0;

	while (*p >= '0' && *p <= '9') {
		if (++n > digits)
			return -EINVAL;
		v = v * 10 + (unsigned)(*p - '0');
		p++;
	}
	if (n == 0 || v > max || (n > 1 && **s == '0'))
		return -EINVAL;
	*s = p;
	*out = v;
	return 0;
}

/* Dotted quad at *s, advancing past it. */
static int parse_quad(const char **s, uint32_t *addr)
{
	uint32_t a = 0;
	unsigned part, i;

	for (i = 0; i < 4; i++) {
		if (i > 0) {
			if (**s != '.')
				return -EINVAL;
			(*s)++;
		}
		if (parse_dec(s, 255, 3, &part) < 0)
			return -EINVAL;
		a = (a << 8) | part;
	}
	*addr = a;
	return 0;
}

int ts_parse_ipv4(const char *s, uint32_t *addr)
{
	uint32_t a;

	if (!s || parse_quad(&s, &a) < 0 || *s != '\0')
		return -EINVAL;
	*addr = a;
	return 0;
}

int ts_parse_cidr(const char *s, uint32_t *addr, uint8_t *prefix_len)
{
	uint32_t a;
	unsigned plen = IPV4_PREFIX_DEFAULT;

	if (!s || parse_quad(&s, &a) < 0)
		return -EINVAL;
	if (*s == '/') {
		s++;
		if (parse_dec(&s, IPV4_PREFIX_MAX, 2, &plen) < 0)
			return -EINVAL;
	}
	if (*s != '\0')
		return -EINVAL;
	*addr = a;
	*prefix_len = (uint8_t)plen;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ts_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];
	int i;

	if (!s || strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, m, 6);
	return 0;
}

int ts_parse_arp(const char *s, uint32_t *ip, uint8_t mac[6])
{
	static const uint8_t zero[6];
	uint32_t a;
	uint8_t m[6];

	if (!s || parse_quad(&s, &a) < 0)
		return -EINVAL;
	if (*s == '=')
		s++;
	else if (*s == ' ' || *s == '\t')
		while (*s == ' ' || *s == '\t')
			s++;
	else
		return -EINVAL;
	if (ts_parse_mac(s, m) < 0)
		return -EINVAL;
	/* SECURITY: a multicast or zero MAC would send our unicast traffic
	 * to every station; 0.0.0.0 and the broadcast address have none. */
	if (a == 0 || a == 0xffffffffu || (m[0] & 1u) || !memcmp(m, zero, 6))
		return -EINVAL;
	*ip = a;
	memcpy(mac, m, 6);
	return 0;
}

const char *ts_ipv4_str(uint32_t addr, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
		 (addr >> 8) & 0xff, addr & 0xff);
	return buf;
}

const char *ts_hub_default_dir(char *buf, size_t cap)
{
	const char *env = getenv("SYNFIN_HUB");
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (env && *env)
		snprintf(buf, cap, "%s", env);
	else if (geteuid() == 0)
		snprintf(buf, cap, "/run/synfin/hub");
	else if (xdg && *xdg)
		snprintf(buf, cap, "%s/synfin-hub", xdg);
	else
		snprintf(buf, cap, "/tmp/synfin-hub-%u", (unsigned)geteuid());
	return buf;
}
