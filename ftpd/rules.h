/*
 * rules.h - the daemon's pure decisions, kept apart from any I/O so each
 * is unit-tested on its own (tests/unit/check_ftpd_rules.c):
 *
 *   ftpd_port_check      SECURITY: may a PORT/EPRT address be used?
 *   ftpd_pasv_port       which passive port to try next
 *   ftpd_login_delay_ms  how long a failed login waits for its answer
 *   ftpd_rate_wait_us    how long a rate-limited transfer pauses
 */
#ifndef FTPD_RULES_H
#define FTPD_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ftp_addr.h"

enum ftpd_port_verdict {
	FTPD_PORT_OK = 0,
	FTPD_PORT_OTHER_HOST, /* not the control connection's peer */
	FTPD_PORT_LOW_PORT,   /* below FTPD_PORT_MIN               */
};

/* SECURITY: an active data connection goes only to the client that
 * holds the control connection (peer_ip), and never to a privileged
 * port: otherwise the server could be used to reach third parties or
 * services (the FTP bounce attack, CERT CA-1997-27). promiscuous (the
 * port_promiscuous key) allows both. */
enum ftpd_port_verdict ftpd_port_check(uint32_t peer_ip,
				       const struct ftp_hostport *hp,
				       bool promiscuous);

/* Passive ports: the n-th port to try (n = 0, 1, ...) in [lo, hi]
 * (lo <= hi), starting at a place chosen by rnd and wrapping around, so
 * successive sessions spread over the range and every port is tried once
 * in the first hi - lo + 1 tries. */
uint16_t ftpd_pasv_port(uint16_t lo, uint16_t hi, uint32_t rnd, unsigned n);

/* Number of ports worth trying in [lo, hi]: the range, at most
 * FTPD_PASV_TRIES. */
unsigned ftpd_pasv_tries(uint16_t lo, uint16_t hi);

/* Milliseconds between a failed PASS and its 530 for the fails-th
 * failure of a session (fails >= 1): FTPD_LOGIN_DELAY_BASE_MS doubled
 * with each failure, at most FTPD_LOGIN_DELAY_MAX_MS; 0 for fails == 0. */
uint32_t ftpd_login_delay_ms(unsigned fails);

/* A transfer limited to rate bytes/s (0: unlimited) that has moved done
 * bytes in elapsed_us microseconds: how long to pause before moving more
 * (0: go on). FTPD_RATE_BURST_MS worth of bytes may go ahead at once. */
uint64_t ftpd_rate_wait_us(uint64_t rate, uint64_t done, uint64_t elapsed_us);

/* How many bytes may move now without pausing (UINT64_MAX: unlimited). */
uint64_t ftpd_rate_allowance(uint64_t rate, uint64_t done,
			     uint64_t elapsed_us);

/* ---- small arguments -------------------------------------------------------- */

#include "ftp_parse.h"

/* SITE CHMOD's argument "MODE PATH" (len bytes, UNTRUSTED): MODE is 1 to
 * 4 octal digits, then one space, then a non-empty PATH, which is
 * returned as an offset into arg. OK or BAD. */
enum ftp_parse ftpd_parse_chmod(const char *arg, size_t len, unsigned *mode,
				size_t *path_off);

/* A decimal number of 1 to 19 digits, at most max. OK, BAD (not digits)
 * or TOO_LONG (over max). */
enum ftp_parse ftpd_parse_uint(const char *arg, size_t len, uint64_t max,
			       uint64_t *out);

#endif /* FTPD_RULES_H */
