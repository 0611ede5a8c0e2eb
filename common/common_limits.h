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

#endif /* COMMON_LIMITS_H */
