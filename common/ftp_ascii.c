/*
 * ftp_ascii.c - CR LF <-> LF for TYPE A transfers (see ftp_ascii.h).
 */
#include "config.h"

#include <stdint.h>

#include "ftp_ascii.h"

size_t ftp_ascii_to_net(const void *in, size_t n, void *out)
{
	const uint8_t *i8 = in;
	uint8_t *o8 = out;
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (i8[i] == '\n')
			o8[o++] = '\r';
		o8[o++] = i8[i];
	}
	return o;
}

size_t ftp_ascii_from_net(struct ftp_ascii_in *st, const void *in, size_t n,
			  void *out)
{
	const uint8_t *i8 = in;
	uint8_t *o8 = out;
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (st->cr) {
			st->cr = false;
			if (i8[i] != '\n')
				o8[o++] = '\r'; /* a bare CR stays */
		}
		if (i8[i] == '\r')
			st->cr = true;
		else
			o8[o++] = i8[i];
	}
	return o;
}

size_t ftp_ascii_from_net_end(struct ftp_ascii_in *st, void *out)
{
	if (!st->cr)
		return 0;
	st->cr = false;
	*(uint8_t *)out = '\r';
	return 1;
}
