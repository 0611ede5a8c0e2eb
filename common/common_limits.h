/*
 * common_limits.h - every limit of common/'s configuration engine (cfg.c)
 * and logging (log.c), named in one place. The FTP protocol helpers keep
 * theirs in ftp_limits.h.
 */
#ifndef COMMON_LIMITS_H
#define COMMON_LIMITS_H

/* Configuration files (cfg.c). A longer line, key or value is an error
 * that names the limit: values are never silently truncated. */
#define CFG_FILE_MAX (1024u * 1024u) /* bytes of one configuration file  */
#define CFG_LINE_MAX 8192u           /* bytes of one line, without LF     */
#define CFG_KEY_MAX 64u              /* bytes of a key name               */
#define CFG_VALUE_MAX 4095u          /* bytes of a value (PATH_MAX - 1)   */
#define CFG_LIST_MAX 1024u           /* values of one repeatable key      */
#define CFG_SHOW_MAX 80u             /* bytes of a bad value quoted back  */
                                     /* in an error message, then "..."  */
#define CFG_SUGGEST_MAX_DIST 3u      /* edit distance of a "did you mean" */

/* Logging (log.c). A longer message is cut and marked " [truncated]". */
#define LOG_LINE_MAX 2048u   /* bytes of one formatted line            */
#define LOG_PEER_MAX 64u     /* "A.B.C.D:PORT" or an IPv6 literal       */
#define LOG_IDENT_MAX 32u    /* program name shown on each line         */
#define LOG_REDACTED "<hidden>" /* what a secret argument is logged as */

/* TLS (tls.c, tls_stream.c). */
#define TLS_ERR_TEXT_MAX 256u        /* an OpenSSL error message, bytes   */
#define TLS_NAME_MAX 253u            /* a host name checked against a     */
                                     /* certificate (RFC 1035 2.3.4)     */
#define TLS_PLAIN_OUT_HIGH (128u * 1024u) /* encrypted bytes queued under */
                                     /* the filter before it waits       */
#define TLS_STREAM_OUT_HIGH (256u * 1024u) /* plain bytes a data stream   */
                                     /* takes before send says -EAGAIN   */
#define TLS_STREAM_IN_HIGH (256u * 1024u) /* decrypted bytes held before  */
                                     /* reading stops (the window closes) */
#define TLS_LINGER_POLL_MS 50u       /* a closing stream checks this often */
#define TLS_LINGER_MAX_MS 30000u     /* ... and is freed after this      */
#define TLS_LINGER_PEER_MS 2000u     /* after our FIN: wait for the      */
                                     /* peer's close_notify this long    */
#define NET_ARP_MAX 16u              /* static ARP entries (arp=, --arp) */

#endif /* COMMON_LIMITS_H */
