/*
 * session.h - one FTP session: the control connection (a ts_bufferevent,
 * so a TLS filter can be stacked on it later), the command parser, the
 * login, the current directory and transfer parameters, and the data
 * connection and transfer of the moment. Shared by the session code
 * (session.c), the command handlers (cmd_*.c), the data connection
 * (datachan.c) and transfers (transfer.c); nothing outside ftpd/ uses it.
 *
 * Memory: an idle session holds this struct, the command parser's line
 * buffer (max_line bytes) and its bufferevents; the data connection's
 * state and a transfer's buffers exist only while they are in use.
 *
 * SECURITY: a failing session is closed on its own (ftpd_session_close);
 * nothing here exits the process.
 */
#ifndef FTPD_SESSION_H
#define FTPD_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "cmd_table.h"
#include "cmdline.h"
#include "log.h"
#include "users.h"
#include "vfs.h"

struct ftpd_server;
struct ftpd_gen;
struct ftpd_datachan;
struct ftpd_xfer;
struct ftpd_auth_job;
struct ftpd_tls;

enum ftpd_phase {
	FTPD_PH_COMMANDS, /* reading and running commands                   */
	FTPD_PH_AUTH,     /* a password is being checked, or a failed       */
	                  /* login's delay runs: further input waits         */
	FTPD_PH_CLOSING,  /* the last reply and our FIN are on their way;    */
	                  /* waiting (bounded) for the client's FIN          */
};

/* What the session's one timer is counting. */
enum ftpd_timer_use {
	FTPD_TM_NONE,
	FTPD_TM_LOGIN,    /* login_timeout from the connection on           */
	FTPD_TM_IDLE,     /* idle_session_timeout (SITE IDLE) between commands */
	FTPD_TM_DELAY,    /* a failed login's delay before the 530          */
	FTPD_TM_LINGER,   /* polls for our FIN and the client's, at most    */
	                  /* FTPD_QUIT_LINGER_MS                            */
};

/* A command read during a transfer that must wait for its end. */
struct ftpd_held {
	struct ftpd_cmd cmd;  /* arg points into buf                        */
	char buf[];
};

struct ftpd_session {
	struct ftpd_session *next, *prev; /* the server's list               */
	struct ftpd_server *srv;
	struct ftpd_gen *gen;       /* the configuration it started with (ref) */
	struct log_session ls;      /* id and "A.B.C.D:PORT" for log lines   */
	uint32_t peer_ip, local_ip; /* host order                            */
	uint16_t peer_port;
	time_t since;

	int sock;                   /* the control connection's stack socket */
	struct bufferevent *bev;    /* ... as a bufferevent (owns sock)      */
	struct ftpd_cmdline *parser;
	struct event *timer;
	enum ftpd_timer_use timer_use;
	struct event *resume;       /* deferred: go on reading commands      */
	enum ftpd_phase phase;
	bool output_full;           /* input paused until replies drain      */
	bool peer_eof;              /* the client's FIN was read             */
	unsigned linger_polls;      /* FTPD_CLOSE_POLL_MS ticks in CLOSING   */

	/* Login. */
	bool user_given, logged_in, anonymous, host_given;
	char user[USERS_NAME_MAX + 1];    /* as given (anonymous: "ftp")     */
	unsigned fails;                   /* failed logins                  */
	struct ftpd_auth_job *job;        /* password check under way       */
	const char *host_root;            /* HOST's root (borrowed from gen) */
	unsigned perms;                   /* enum ftpd_perm bits            */
	const struct vfs *vfs;            /* the root (borrowed from roots)  */
	uint64_t rate;                    /* bytes/s; 0 unlimited           */
	int64_t idle_ms;

	/* Commands. */
	const struct ftpd_cmd_def *last;  /* the previous command (RNTO)   */
	struct vfs_path cwd;
	struct vfs_path *rnfr;            /* RNFR's path until RNTO         */
	bool ascii;                       /* TYPE A (else I / L 8)          */
	uint64_t rest;                    /* REST offset for the next transfer */
	bool epsv_all;                    /* RFC 2428 EPSV ALL              */
	unsigned mlst_facts;              /* enum listing_fact bits         */

	/* Data. */
	struct ftpd_datachan *dc;         /* PASV/PORT state, or NULL       */
	struct ftpd_xfer *xfer;           /* the transfer, or NULL          */
	struct ftpd_held *held;           /* waits for the transfer's end   */
	bool quit_pending;                /* QUIT during a transfer         */

	/* FTPS: NULL until AUTH TLS (tls_server.h); bev is then the
	 * OpenSSL filter over the stack socket's bufferevent. */
	struct ftpd_tls *tls;
};

/* ---- session.c ------------------------------------------------------------ */

/* Starts a session on an accepted stack socket (taken over); sends the
 * greeting. Returns the session (owned by the server's list) or NULL
 * after closing sock. */
struct ftpd_session *ftpd_session_start(struct ftpd_server *srv, int sock,
					uint32_t peer_ip, uint16_t peer_port);

/* Frees s now (the control connection is closed orderly). */
void ftpd_session_free(struct ftpd_session *s);

/* Sends one reply; text is printf-style (client data in it is made
 * printable by ftpd_reply_format). A text with '\n' is multi-line. */
void ftpd_reply(struct ftpd_session *s, unsigned code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sends bytes as they are (listing lines of STAT). */
void ftpd_reply_raw(struct ftpd_session *s, const char *buf, size_t len);

/* Ends the session: sends code/text (code 0: nothing), then our FIN, so
 * the server closes first (its side goes through FIN_WAIT_1, FIN_WAIT_2,
 * TIME_WAIT), and frees it once the client's FIN came or after
 * FTPD_QUIT_LINGER_MS. Any transfer is aborted. */
void ftpd_session_close(struct ftpd_session *s, unsigned code,
			const char *text);

/* Goes on reading commands (after a transfer, a login check, ...), from
 * the event loop. */
void ftpd_session_resume(struct ftpd_session *s);

/* (Re)starts the idle or login timer as the login state says. */
void ftpd_session_arm_timer(struct ftpd_session *s);

/* Logs a session event at level. */
void ftpd_slog(struct ftpd_session *s, enum log_level level, const char *fmt,
	       ...) __attribute__((format(printf, 3, 4)));

/* Resolves a client path (arg, len bytes) against cwd into *out. On
 * failure replies 550/553 with the reason and returns -errno. */
int ftpd_session_path(struct ftpd_session *s, const char *arg, size_t len,
		      struct vfs_path *out);

/* Runs a command that waited for the transfer's end (held). */
void ftpd_session_run_held(struct ftpd_session *s);

/* The configuration the session runs under. */
const struct ftpd_config *ftpd_session_cfg(const struct ftpd_session *s);

/* ---- cmd_auth.c: what the login code tells the session --------------------- */

/* A password check finished (from the event loop). */
void ftpd_login_checked(struct ftpd_session *s, const struct users_entry *e);

/* The failed login's delay ran out: send its 530. */
void ftpd_login_delay_done(struct ftpd_session *s);

/* Logs out (REIN, or the session's end). */
void ftpd_logout(struct ftpd_session *s);

#endif /* FTPD_SESSION_H */
