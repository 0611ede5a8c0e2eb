/*
 * ftp_parse.h - the result every parser of untrusted bytes in synfin's FTP
 * code returns (common/ and ftp/), so callers never mix up "wait for more"
 * with "reject".
 */
#ifndef FTP_PARSE_H
#define FTP_PARSE_H

enum ftp_parse {
	FTP_PARSE_OK = 0,    /* a complete item was parsed into the output   */
	FTP_PARSE_NEED_MORE, /* input ends inside an item: feed more bytes   */
	FTP_PARSE_BAD,       /* malformed: rejected, nothing in the output   */
	FTP_PARSE_TOO_LONG,  /* over a named limit: rejected, nothing stored */
};

/* "OK", "NEED_MORE", "BAD", "TOO_LONG" (static). */
const char *ftp_parse_name(enum ftp_parse r);

#endif /* FTP_PARSE_H */
