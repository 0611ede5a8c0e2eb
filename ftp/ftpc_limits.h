/*
 * ftpc_limits.h - every limit and default of the FTP client (ftp/), named
 * in one place. Protocol limits shared with ftpd are in common/ftp_limits.h.
 */
#ifndef FTPC_LIMITS_H
#define FTPC_LIMITS_H

/* Command lines (cmdline.c). */
#define FTPC_LINE_MAX 4096u      /* bytes of one input line              */
#define FTPC_ARGS_MAX 256u       /* words of one command line            */

/* Macros (BSD ftp: 16 macros, names of 8 characters, 4096 bytes). */
#define FTPC_MACRO_MAX 16u
#define FTPC_MACRO_NAME_MAX 8u
#define FTPC_MACRO_BODY_MAX 4096u
#define FTPC_MACRO_ARGNUM_DIGITS 3u /* "$123" at most                    */

/* .netrc (netrc.c). */
#define FTPC_NETRC_FILE_MAX (256u * 1024u)
#define FTPC_NETRC_TOKEN_MAX 1024u
#define FTPC_NETRC_ENTRIES_MAX 1024u

/* URLs (url.c). */
#define FTPC_URL_MAX 4096u
#define FTPC_URL_USER_MAX 256u
#define FTPC_URL_PASS_MAX 256u
#define FTPC_URL_PATH_MAX 4096u

/* Passwords read from the terminal (edit.c). */
#define FTPC_PASSWORD_MAX 1024u

/* Progress bar, hash marks and rate limiting (progress.c). */
#define FTPC_PROGRESS_INTERVAL_US 1000000ULL /* redraw at most once a second */
#define FTPC_PROGRESS_STALL_US 5000000ULL    /* tnftp's STALLTIME          */
#define FTPC_PROGRESS_WIDTH_MIN 40u          /* narrower: no bar           */
#define FTPC_PROGRESS_WIDTH_MAX 512u
#define FTPC_HASH_BYTES_DEFAULT 1024u        /* one '#' per KiB, as BSD    */
#define FTPC_RATE_MAX (1ULL << 40)           /* bytes/s; keeps math exact  */
#define FTPC_USEC_PER_SEC 1000000ULL

/* Tab completion (complete.c). */
#define FTPC_COMPLETE_MATCHES_MAX 4096u  /* candidates collected per tab   */
#define FTPC_COMPLETE_DIR_SCAN_MAX 100000u /* local entries read per tab   */
#define FTPC_RCACHE_NAMES_MAX 100000u    /* cached remote names            */

#endif /* FTPC_LIMITS_H */
