/*
 * ascii.c - CR LF <-> LF for TYPE A transfers (see ascii.h).
 */
#include "config.h"

#include "ascii.h"

size_t ftpc_ascii_from_net(struct ftpc_ascii *a, const char *in, size_t len,
			   char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		char c = in[i];

		if (a->cr_held) {
			a->cr_held = false;
			if (c != '\n')
				out[n++] = '\r';
		}
		if (c == '\r')
			a->cr_held = true;
		else
			out[n++] = c;
	}
	return n;
}

size_t ftpc_ascii_from_net_end(struct ftpc_ascii *a, char *out)
{
	if (!a->cr_held)
		return 0;
	a->cr_held = false;
	out[0] = '\r';
	return 1;
}

size_t ftpc_ascii_to_net(struct ftpc_ascii *a, const char *in, size_t len,
			 char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (in[i] == '\n' && !a->cr_held)
			out[n++] = '\r';
		out[n++] = in[i];
		a->cr_held = in[i] == '\r';
	}
	return n;
}
