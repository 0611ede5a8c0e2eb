/*
 * ftp_ascii.h - TYPE A line ends (RFC 959 3.1.1.1), for ftpd and ftp
 * alike: the local form of a text file ends lines with LF, the network
 * form with CR LF. Both directions work on a stream cut into chunks of
 * any size.
 *
 * As in BSD ftp and ftpd (and tnftp): every LF goes out as CR LF, and
 * CR LF comes in as LF while a CR not followed by LF is kept. So a file
 * survives a round trip byte for byte, a CR already before an LF
 * included ("\r\n" goes out as "\r\r\n" and comes back as "\r\n").
 */
#ifndef FTP_ASCII_H
#define FTP_ASCII_H

#include <stdbool.h>
#include <stddef.h>

/* Local to network: every LF of in (n bytes) becomes CR LF in out,
 * which has room for 2 * n bytes. Returns the bytes written. Needs no
 * state between chunks. */
size_t ftp_ascii_to_net(const void *in, size_t n, void *out);

/* Network to local. A CR at the end of one chunk is held until the next
 * chunk (or the end) shows what follows it. Start with { false }. */
struct ftp_ascii_in {
	bool cr; /* the last chunk ended in a CR not yet written */
};

/* Converts n bytes of in into out (room for n + 1 bytes: a held CR and
 * the chunk); returns the bytes written. in and out must not overlap. */
size_t ftp_ascii_from_net(struct ftp_ascii_in *st, const void *in, size_t n,
			  void *out);

/* End of stream: writes a held CR (if any) to out (room for 1 byte).
 * Returns 0 or 1. */
size_t ftp_ascii_from_net_end(struct ftp_ascii_in *st, void *out);

#endif /* FTP_ASCII_H */
