/*
 * rules.c - the daemon's pure decisions (see rules.h).
 */
#include "config.h"

#include "ftpd_limits.h"
#include "rules.h"

enum ftpd_port_verdict ftpd_port_check(uint32_t peer_ip,
				       const struct ftp_hostport *hp,
				       bool promiscuous)
{
	if (promiscuous)
		return FTPD_PORT_OK;
	/* SECURITY: no FTP bounce: only the client itself... */
	if (hp->ip != peer_ip)
		return FTPD_PORT_OTHER_HOST;
	/* SECURITY: ...and never one of its privileged services. */
	if (hp->port < FTPD_PORT_MIN)
		return FTPD_PORT_LOW_PORT;
	return FTPD_PORT_OK;
}

uint16_t ftpd_pasv_port(uint16_t lo, uint16_t hi, uint32_t rnd, unsigned n)
{
	uint32_t range = (uint32_t)hi - lo + 1;

	return (uint16_t)(lo + (rnd % range + n) % range);
}

unsigned ftpd_pasv_tries(uint16_t lo, uint16_t hi)
{
	uint32_t range = (uint32_t)hi - lo + 1;

	return range < FTPD_PASV_TRIES ? range : FTPD_PASV_TRIES;
}

uint32_t ftpd_login_delay_ms(unsigned fails)
{
	uint32_t d = FTPD_LOGIN_DELAY_BASE_MS;

	if (fails == 0)
		return 0;
	while (--fails > 0 && d < FTPD_LOGIN_DELAY_MAX_MS)
		d *= 2;
	return d < FTPD_LOGIN_DELAY_MAX_MS ? d : FTPD_LOGIN_DELAY_MAX_MS;
}

/* Bytes the limit allows in elapsed_us, with the burst; saturating. */
static uint64_t budget(uint64_t rate, uint64_t elapsed_us)
{
	uint64_t us = elapsed_us + FTPD_RATE_BURST_MS * 1000ull;

	/* rate <= 2^40 (FTPD_RATE_MAX): split to stay within 64 bits. */
	return (us / 1000000u) * rate + (us % 1000000u) * rate / 1000000u;
}

uint64_t ftpd_rate_allowance(uint64_t rate, uint64_t done,
			     uint64_t elapsed_us)
{
	uint64_t b;

	if (rate == 0)
		return UINT64_MAX;
	b = budget(rate, elapsed_us);
	return b > done ? b - done : 0;
}

uint64_t ftpd_rate_wait_us(uint64_t rate, uint64_t done, uint64_t elapsed_us)
{
	uint64_t b, over;

	if (rate == 0)
		return 0;
	b = budget(rate, elapsed_us);
	if (done < b)
		return 0;
	over = done - b + 1;
	return (over / rate) * 1000000u + (over % rate) * 1000000u / rate + 1;
}

enum ftp_parse ftpd_parse_chmod(const char *arg, size_t len, unsigned *mode,
				size_t *path_off)
{
	unsigned m = 0;
	size_t i = 0;

	while (i < len && i < 5 && arg[i] >= '0' && arg[i] <= '7')
		m = m * 8 + (unsigned)(arg[i++] - '0');
	if (i == 0 || i > 4 || i + 1 >= len || arg[i] != ' ')
		return FTP_PARSE_BAD;
	*mode = m;
	*path_off = i + 1;
	return FTP_PARSE_OK;
}

enum ftp_parse ftpd_parse_uint(const char *arg, size_t len, uint64_t max,
			       uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 19)
		return len == 0 ? FTP_PARSE_BAD : FTP_PARSE_TOO_LONG;
	for (i = 0; i < len; i++) {
		if (arg[i] < '0' || arg[i] > '9')
			return FTP_PARSE_BAD;
		v = v * 10 + (uint64_t)(arg[i] - '0'); /* < 10^19 < 2^64 */
	}
	if (v > max)
		return FTP_PARSE_TOO_LONG;
	*out = v;
	return FTP_PARSE_OK;
}
