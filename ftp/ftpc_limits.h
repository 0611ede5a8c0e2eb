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

/* Session (session.c, login.c): timeouts, in milliseconds. Every wait of
 * the client is bounded by one of these. */
#define FTPC_CONNECT_TIMEOUT_MS 30000u   /* SYN to established            */
#define FTPC_IDLE_TIMEOUT_MS 60000u      /* no reply / no data (-q sets)  */
#define FTPC_ABORT_REPLY_TIMEOUT_MS 10000u /* replies after ABOR          */
#define FTPC_ABORT_SECOND_REPLY_MS 5000u /* 2nd final reply after ABOR   */
#define FTPC_QUIT_FIN_WAIT_MS 3000u      /* the server's FIN after 221    */
#define FTPC_CLOSE_WAIT_MS 3000u         /* our FIN acknowledged          */
#define FTPC_FLUSH_TIMEOUT_MS 5000u      /* control output drained        */
#define FTPC_SECONDS_MAX 86400u          /* -q and timeouts, at most      */

/* Control connection. */
#define FTPC_CMD_MAX (FTPC_LINE_MAX + 64u) /* one command line sent       */
#define FTPC_USER_MAX 256u               /* user names typed or in .netrc */
#define FTPC_PROBE_TRIES 16u             /* default address: ARP probing  */
#define FTPC_DEFAULT_ADDR "76.88.16.104/24" /* the seed's client          */

/* Data transfers (datachan.c, transfer.c). */
#define FTPC_IO_CHUNK (64u * 1024u)      /* bytes per read/ts_recv/write  */
#define FTPC_LISTEN_BACKLOG 1            /* active mode: one connection   */
#define FTPC_ACCEPT_REFUSED_MAX 8u       /* foreign connects refused      */
#define FTPC_NAMES_BYTES_MAX (16u * 1024u * 1024u) /* NLST kept in memory */
#define FTPC_NAMES_MAX 100000u           /* names of one mget/mdelete     */
#define FTPC_PART_SUFFIX ".part"         /* .NAME.part: partial download  */
#define FTPC_PATH_MAX 4096u              /* local path names              */

#endif /* FTPC_LIMITS_H */
