/*
 * ftp_limits.h - every limit of the FTP protocol helpers shared by ftpd and
 * ftp (common/ftp_*.c), named in one place.
 */
#ifndef FTP_LIMITS_H
#define FTP_LIMITS_H

/* The control connection's well-known port (RFC 959). */
#define FTP_CONTROL_PORT_DEFAULT 21u

/* Server replies (ftp_reply.c). RFC 959 sets no limit; real servers send
 * lines of a few hundred bytes. A longer line is TOO_LONG and discarded
 * whole, so a hostile server cannot make the client buffer without bound. */
#define FTP_REPLY_LINE_MAX 8192u          /* bytes of one line, without CRLF */
#define FTP_REPLY_SIZE_MAX (64u * 1024u)  /* bytes of one (multi-line) reply */

/* Reply codes: three digits, the first 1..5 (RFC 959 4.2). */
#define FTP_REPLY_CODE_MIN 100u
#define FTP_REPLY_CODE_MAX 599u

/* Address arguments (ftp_addr.c). */
#define FTP_ADDR_TEXT_MAX 128u   /* longest PORT/EPRT argument accepted  */
#define FTP_HOSTPORT_STR_MAX 24u /* "255,255,255,255,255,255" + NUL      */
#define FTP_EPRT_STR_MAX 32u     /* "|1|255.255.255.255|65535|" + NUL    */
#define FTP_PASV_REPLY_MAX 64u   /* "227 Entering Passive Mode (...)." */
#define FTP_EPSV_REPLY_MAX 64u   /* "229 Entering Extended Passive ..."  */

/* Trace decoder (ftp_trace.c). */
#define FTP_TRACE_CONN_MAX 32u   /* control connections whose line state */
                                 /* the decoder remembers               */

/* /etc/hosts lookup (hosts.c). */
#define FTP_HOSTS_FILE "/etc/hosts"
#define FTP_HOSTS_LINE_MAX 1024u /* longer lines are skipped whole       */
#define FTP_HOSTS_LINES_MAX 100000u /* bound on lines read               */
#define FTP_HOSTNAME_MAX 253u    /* RFC 1035 2.3.4                       */

#endif /* FTP_LIMITS_H */
