/*
 * ftpd_limits.h - every limit and default of the FTP daemon, named in one
 * place. Defaults that appear in the configuration table are plain integer
 * literals so the table can quote them (FTPD_STR).
 */
#ifndef FTPD_LIMITS_H
#define FTPD_LIMITS_H

#include <limits.h>

#define FTPD_STR_(x) #x
#define FTPD_STR(x) FTPD_STR_(x)

/* ---- sessions (ftpd.conf defaults and bounds) ------------------------- */
#define FTPD_MAX_CLIENTS_DEFAULT 2000
#define FTPD_MAX_CLIENTS_LIMIT 100000
#define FTPD_MAX_PER_IP_DEFAULT 50
#define FTPD_MAX_LOGIN_FAILS_DEFAULT 3
#define FTPD_MAX_LOGIN_FAILS_LIMIT 100
#define FTPD_IDLE_TIMEOUT_DEFAULT_S 300
#define FTPD_DATA_TIMEOUT_DEFAULT_S 300
#define FTPD_ACCEPT_TIMEOUT_DEFAULT_S 60
#define FTPD_CONNECT_TIMEOUT_DEFAULT_S 60
#define FTPD_LOGIN_TIMEOUT_DEFAULT_S 60
#define FTPD_TIMEOUT_MAX_S 86400          /* one day, for every timeout    */
#define FTPD_PASV_MIN_PORT_DEFAULT 49152  /* RFC 6335 dynamic ports        */
#define FTPD_PASV_MAX_PORT_DEFAULT 65535
#define FTPD_MSL_DEFAULT_S 30             /* the seed: TIME_WAIT = 60 s    */
#define FTPD_MSL_MAX_S 3600
#define FTPD_MTU_MIN 68                   /* RFC 791                       */
#define FTPD_MTU_MAX 65535
#define FTPD_RATE_MAX (1LL << 40)         /* bytes/s; 0 means unlimited    */
#define FTPD_VHOSTS_MAX 256               /* `host` lines                  */
#define FTPD_HOSTNAME_MAX 253             /* RFC 1035 2.3.4                */
#define FTPD_IFNAME_MAX 15                /* IFNAMSIZ - 1                  */

/* ---- control connection (cmdline.c, cmd_table.c, reply.c) -------------- */
/* A command line holds a verb, a space and a path of up to PATH_MAX. */
#define FTPD_LINE_DEFAULT 8192            /* max_line default              */
#define FTPD_LINE_MIN 512
#define FTPD_LINE_LIMIT 65536
#define FTPD_VERB_MAX 8                   /* letters; RFC verbs have 3-4   */
#define FTPD_TELNET_OUT_MAX 48u           /* queued WONT/DONT refusal bytes */
#define FTPD_HELP_PER_LINE 8              /* verbs per line of HELP        */

/* ---- the daemon (server.c, session.c, datachan.c, transfer.c) ------------ */
#define FTPD_LISTEN_BACKLOG 1024          /* control connections queued    */
#define FTPD_ACCEPTS_PER_EVENT 64         /* taken per accept event        */
#define FTPD_CMDS_PER_EVENT 16            /* commands run per read event,  */
                                          /* then the loop serves others   */
#define FTPD_REPLY_TEXT_MAX (3 * PATH_MAX) /* text of one reply (quoted    */
                                          /* paths of up to PATH_MAX)      */
#define FTPD_REPLY_MAX (2 * FTPD_REPLY_TEXT_MAX) /* formatted, with CRLFs */
#define FTPD_OUTPUT_HIGH (256 * 1024)     /* queued reply bytes that stop  */
                                          /* reading commands (a client    */
                                          /* that never reads)             */
#define FTPD_CTRL_BUF (64 * 1024)         /* control socket send/receive   */
                                          /* buffer limit (allocated lazily) */
#define FTPD_QUIT_LINGER_MS 5000          /* after 221/421: wait this long */
                                          /* for the client's FIN          */
#define FTPD_CLOSE_POLL_MS 50            /* closing: checks for both FINs  */
#define FTPD_SHUTDOWN_GRACE_MS 5000       /* SIGTERM: transfers may finish */
#define FTPD_SHUTDOWN_DRAIN_MS 200        /* then last ACKs leave          */
#define FTPD_SITE_IDLE_MIN_S 30           /* SITE IDLE lower bound         */
#define FTPD_FILE_MODE 0644               /* new files (before the umask)  */
#define FTPD_DIR_MODE 0755                /* new directories               */
#define FTPD_UMASK 022
#define FTPD_STOU_NAME "ftpd.upload"      /* STOU without a name           */
#define FTPD_ROOTS_MAX (USERS_MAX + FTPD_VHOSTS_MAX + 2) /* open roots     */

/* Logins (auth.c, cmd_auth.c): the n-th failure of a session is answered
 * FTPD_LOGIN_DELAY_BASE_MS << (n - 1) after the PASS, at most
 * FTPD_LOGIN_DELAY_MAX_MS. Password checks run on worker threads. */
#define FTPD_LOGIN_DELAY_BASE_MS 1000
#define FTPD_LOGIN_DELAY_MAX_MS 8000
#define FTPD_AUTH_WORKERS 2
#define FTPD_AUTH_QUEUE_MAX 1024          /* checks waiting; more: 421     */

/* Data connections (datachan.c). */
#define FTPD_DATA_PORT 20                 /* RFC 959 ftp-data              */
#define FTPD_PORT_MIN 1024                /* SECURITY: PORT/EPRT below are */
                                          /* refused (no bounce to services) */
#define FTPD_PASV_TRIES 64                /* ports of the range tried      */
#define FTPD_PASV_BACKLOG 4

/* Transfers (transfer.c). A transfer holds one buffer of
 * FTPD_XFER_CHUNK bytes (two more for TYPE A) only while it runs. */
#define FTPD_XFER_CHUNK (64 * 1024)
#define FTPD_XFER_BURST (8 * 1024 * 1024) /* bytes per event, then yield   */
#define FTPD_RATE_BURST_MS 100            /* rate limits allow this much   */
                                          /* time's worth of bytes at once */

/* FTPS (tls_server.c, dataio_tls.c). */
#define FTPD_TLS_PEM_MAX (1024 * 1024)    /* bytes of a certificate or key */
                                          /* file                          */
#define FTPD_TLS_TAG_LEN 16               /* random tag of a session's     */
                                          /* TLS sessions (reuse check)    */
#define FTPD_TLS_SESSION_TIMEOUT_S 86400  /* resumable that long: data     */
                                          /* connections of a long session */
#define FTPD_TLS_SNI_LOG_MAX 64           /* bytes of a refused name logged */
#define FTPD_TLS_DESC_MAX 96              /* "TLSv1.3 TLS_AES_256_GCM_..." */
#define FTPD_CERT_DAYS 825                /* --make-cert validity          */

/* ---- listings (listing.c) ---------------------------------------------- */
#define FTPD_LIST_ENTRIES_DEFAULT 10000   /* max_list_entries default      */
#define FTPD_LIST_ENTRIES_LIMIT 1000000
#define FTPD_GLOB_MATCHES_DEFAULT 1000    /* max_glob_matches default      */
#define FTPD_GLOB_MATCHES_LIMIT 100000
/* ls(1): a time more than six months (half a Gregorian year) old, or in
 * the future, is shown with its year instead of its time of day. */
#define FTPD_LIST_RECENT_SECS (31556952 / 2)
/* A buffer this large holds any one listing line: a name shown with the
 * argument's directory (VFS_ARG_MAX + NAME_MAX), a link target
 * (PATH_MAX) and the rest of an ls -l line or of the MLSD facts. */
#define FTPD_LIST_LINE_MAX (VFS_ARG_MAX + NAME_MAX + PATH_MAX + 256)

/* ---- paths (vfs.c) ------------------------------------------------------ */
#define VFS_PATH_MAX (PATH_MAX - 1)       /* a virtual path, bytes         */
#define VFS_ARG_MAX (2 * PATH_MAX)        /* a client path argument, bytes */
#define VFS_SYMLINK_MAX 40                /* as Linux's MAXSYMLINKS        */
#define VFS_WALK_STEPS_MAX 8192           /* components visited per lookup */
#define VFS_OPENAT2_RETRIES 8             /* after EAGAIN (rename race)    */
#define VFS_UNIQUE_TRIES 100              /* STOU: name, name.1 ... .99    */
#define VFS_CHMOD_MASK 0777               /* SITE CHMOD never sets s/t bits */

/* ---- virtual users (users.c) -------------------------------------------- */
#define USERS_FILE_MAX (16 * 1024 * 1024)
#define USERS_LINE_MAX 8192
#define USERS_MAX 100000
#define USERS_NAME_MAX 32
#define USERS_PASSWORD_MAX 1024
#define USERS_SALT_LEN 16
#define USERS_HASH_LEN 32                 /* SHA-256                       */
#define USERS_ITER_MIN 1000
#define USERS_ITER_DEFAULT 600000         /* OWASP 2023, PBKDF2-HMAC-SHA256 */
#define USERS_ITER_MAX 10000000

#endif /* FTPD_LIMITS_H */
