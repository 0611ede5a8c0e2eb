/*
 * ftp_addr.h - the address arguments of FTP data connections: parse and
 * format PORT and the PASV reply (RFC 959), EPRT and the EPSV reply
 * (RFC 2428). Inputs are untrusted bytes with explicit lengths; addresses
 * and ports are in host byte order. Parsing checks syntax and ranges only
 * (each number 0..255, port 1..65535, no overflow); whether an address may
 * be used (e.g. PORT to a third party) is the caller's security rule.
 */
#ifndef FTP_ADDR_H
#define FTP_ADDR_H

#include <stddef.h>
#include <stdint.h>

enum ftp_addr_rc {
	FTP_ADDR_OK = 0,
	FTP_ADDR_BAD,       /* malformed or out of range: reply 501         */
	FTP_ADDR_BAD_PROTO, /* EPRT for a protocol other than 1 (IPv4): 522 */
};

struct ftp_hostport {
	uint32_t ip;   /* host byte order */
	uint16_t port; /* host byte order, 1..65535 */
};

/* "A.B.C.D", exactly four decimal numbers 0..255 of 1..3 digits. */
enum ftp_addr_rc ftp_ipv4_parse(const char *s, size_t len, uint32_t *ip);
/* Writes "A.B.C.D" and a NUL into buf (>= 16 bytes); returns buf. */
const char *ftp_ipv4_format(uint32_t ip, char *buf);

/* PORT argument "h1,h2,h3,h4,p1,p2" (the whole of s). */
enum ftp_addr_rc ftp_port_parse(const char *s, size_t len,
				struct ftp_hostport *out);
/* Writes "h1,h2,h3,h4,p1,p2" into buf; returns its length (truncated
 * to cap-1 when cap < FTP_HOSTPORT_STR_MAX). */
size_t ftp_port_format(const struct ftp_hostport *hp, char *buf, size_t cap);

/* Text of a 227 reply (the whole line or the text after the code): the
 * first "h1,h2,h3,h4,p1,p2" in it, with or without parentheses, spaces
 * after commas or a trailing dot, as real servers send it. */
enum ftp_addr_rc ftp_pasv_parse(const char *text, size_t len,
				struct ftp_hostport *out);
/* "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)." without CRLF. */
size_t ftp_pasv_format(const struct ftp_hostport *hp, char *buf, size_t cap);

/* EPRT argument "<d>1<d>A.B.C.D<d>port<d>", d any character 33..126. A
 * well-formed argument naming another protocol gives FTP_ADDR_BAD_PROTO. */
enum ftp_addr_rc ftp_eprt_parse(const char *s, size_t len,
				struct ftp_hostport *out);
/* "|1|A.B.C.D|port|". */
size_t ftp_eprt_format(const struct ftp_hostport *hp, char *buf, size_t cap);

/* Text of a 229 reply: "(<d><d><d>port<d>)" anywhere in it. */
enum ftp_addr_rc ftp_epsv_parse(const char *text, size_t len, uint16_t *port);
/* "229 Entering Extended Passive Mode (|||port|)" without CRLF. */
size_t ftp_epsv_format(uint16_t port, char *buf, size_t cap);

#endif /* FTP_ADDR_H */
