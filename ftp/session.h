/*
 * session.h - the FTP client's session: one object owns the network (a
 * tcpstack stack on a link, common/net.h), the control connection (a
 * stack socket and its bufferevent), the reply parser, the input (edit.h)
 * and every setting the commands change.
 *
 * Command handlers are sequential, as in BSD ftp / tnftp. They block only
 * in the "wait" functions below, which run the one libevent loop
 * (EVLOOP_ONCE at a time) until what they wait for happened, the
 * connection failed, a timeout passed or Ctrl-C was pressed; so the stack
 * keeps answering (ACKs, the server's FIN, TIME_WAIT) during every wait,
 * the prompt included. No wait runs inside an event callback.
 *
 * Return conventions: functions returning int give 0 (or a reply code)
 * on success and a negative errno on failure, after printing a message
 * that names the thing, the cause and the fix.
 */
#ifndef FTPC_SESSION_H
#define FTPC_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "ftp_limits.h"
#include "ftp_reply.h"
#include "ftpc_limits.h"
#include "net.h"
#include "netrc.h"

struct ftpc_edit;
struct ftpc_rcache;
struct ftpc_tls;

enum ftpc_type { FTPC_TYPE_ASCII = 0, FTPC_TYPE_BINARY };

/* Settings from the command line (main.c); copied into the session. */
struct ftpc_opts {
	struct net_opts net;   /* link, address, pcap, impairment, trace    */
	bool addr_given;       /* --address: no ARP probing                 */
	bool autologin;        /* not -n                                    */
	bool verbose, debug, passive, prompt, exit_on_error;
	const char *netrc_path;/* -N; NULL: $HOME/.netrc                     */
	unsigned idle_timeout_ms; /* -q; 0: FTPC_IDLE_TIMEOUT_MS            */
	bool tls;              /* -z tls / `ssl`: require FTPS (tls_client.h) */
	bool tls_noverify;     /* -z noverify: no certificate check         */
	const char *tls_cafile;/* -z cafile=FILE / --cafile; NULL: system's */
};

struct ftpc_macro {
	char name[FTPC_MACRO_NAME_MAX + 1];
	char *body;            /* owned; lines joined by '\n'               */
};

/* The last complete reply, copied out of the parser. */
struct ftpc_reply {
	unsigned code;         /* 0: none                                   */
	char text[FTP_REPLY_SIZE_MAX + 1]; /* every line, '\n'-joined       */
	char msg[FTP_REPLY_LINE_MAX + 1];  /* last line after "nnn "        */
};

struct ftpc_session {
	struct event_base *base;
	struct ftpc_opts o;
	struct net *net;               /* opened by the first `open`       */
	struct ftpc_edit *edit;
	struct ftpc_rcache *rcache;
	bool rcache_stale;
	struct event *sigint_ev, *timer_ev;
	bool intr;                     /* Ctrl-C since the last clear      */
	bool aborted;                  /* a transfer of this line was      */
	                               /* interrupted: mget, macros stop   */
	bool timer_fired;
	bool in_done;                  /* input callback ran               */
	int in_result;                 /* enum ftpc_input                  */
	char *in_buf;                  /* where the input callback copies  */
	size_t in_cap, in_len;

	/* Control connection. */
	int csock;                     /* -1: none                         */
	struct bufferevent *cbev;
	bool connected, logged_in, ctrl_eof;
	int ctrl_err;                  /* negative errno, 0: none          */
	struct ts_addr peer;
	char host[FTP_HOSTNAME_MAX + 1];
	struct ftp_reply_parser *rp;
	struct ftpc_reply reply;
	bool reply_pending;            /* parsed, not yet returned         */
	unsigned bad_lines;            /* malformed lines shown            */

	/* Settings (status shows them). */
	bool interactive;              /* stdin is a terminal              */
	bool ttyout;                   /* stdout is a terminal             */
	bool verbose, debug, prompt, passive, epsv, sendport;
	bool pasv_trust;               /* use the PASV reply's address     */
	bool epsv_failed, eprt_failed; /* server refused: skip this session */
	bool hash, progress;
	uint64_t hash_step;
	unsigned trace_mask;           /* TS_TRACE_*; 0: off               */
	enum ftpc_type type;
	uint64_t restart_point;
	uint64_t rate_get, rate_put;   /* bytes/s, 0: unlimited            */
	unsigned idle_ms;
	bool bar_shown;                /* a progress bar is on the line    */
	bool quiet;                    /* replies not shown (SIZE probes)  */

	struct ftpc_macro macros[FTPC_MACRO_MAX];
	size_t nmacros;
	unsigned macro_depth;

	int status;                    /* exit status so far               */
	bool quit;

	struct ftpc_tls *tls;          /* TLS state (tls_client.c), NULL   */
	                               /* until TLS is first used          */
};

/* ---- lifetime (session.c) ------------------------------------------- */

/* Creates the session on base (borrowed); NULL with a message printed. */
struct ftpc_session *ftpc_session_new(struct event_base *base,
				      const struct ftpc_opts *o);
/* Closes the connection (without QUIT), the network and frees s. */
void ftpc_session_free(struct ftpc_session *s);

/* Opens the network on the first call (link, address, probing). */
int ftpc_net_ensure(struct ftpc_session *s, uint16_t control_port);

/* Prints an error line on stderr: "ftp: " and the message. */
void ftpc_err(struct ftpc_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints a line on stdout (clearing a progress bar first). */
void ftpc_out(struct ftpc_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- waiting (session.c) -------------------------------------------- */

typedef bool (*ftpc_cond_fn)(struct ftpc_session *s, void *arg);

/* Runs the loop until cond(s, arg) holds: 0; -ETIMEDOUT after
 * timeout_ms; -EINTR on Ctrl-C when interruptible. */
int ftpc_wait(struct ftpc_session *s, ftpc_cond_fn cond, void *arg,
	      unsigned timeout_ms, bool interruptible);
/* One loop iteration that returns no later than timeout_us from now. */
void ftpc_loop_once(struct ftpc_session *s, uint64_t timeout_us);
/* Monotonic microseconds. */
uint64_t ftpc_now_us(void);

/* Reads a line of input (prompt shown when interactive) into buf.
 * Returns enum ftpc_input (edit.h); the line is NUL-terminated. */
int ftpc_read_line(struct ftpc_session *s, const char *prompt, char *buf,
		   size_t cap);
/* The same with echo off. */
int ftpc_read_password(struct ftpc_session *s, const char *prompt,
		       char *buf, size_t cap);

/* ---- control connection (control.c) --------------------------------- */

/* Connects to ip:port and reads the greeting. 0 or -errno. */
int ftpc_connect(struct ftpc_session *s, const char *host, uint32_t ip,
		 uint16_t port);
/* Drops the control connection (RST if it still holds data). */
void ftpc_disconnect(struct ftpc_session *s, const char *why);
/* QUIT, 221, then the close the seed shows: the server's FIN first. */
int ftpc_quit(struct ftpc_session *s);

/* Sends one command line (CRLF added). SECURITY: refuses CR, LF and NUL
 * in it, so an argument cannot smuggle a second command. Late replies
 * still buffered are read (and shown) first. 0 or -errno. */
int ftpc_send(struct ftpc_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Sends raw bytes on the control connection (Telnet sequences). */
int ftpc_send_raw(struct ftpc_session *s, const void *buf, size_t len);

/* Waits for the next complete reply (preliminary ones included) and
 * prints it per the verbose rules: the code, or -errno (connection lost,
 * timeout after timeout_ms, -EINTR, -EMSGSIZE for a reply too long). */
int ftpc_get_reply(struct ftpc_session *s, unsigned timeout_ms);
/* Sends a command and waits for its final reply (1xx replies skipped):
 * the code or -errno. */
int ftpc_command(struct ftpc_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* True when a complete reply is buffered (parsed into s->reply; the
 * next ftpc_get_reply returns it). */
bool ftpc_reply_ready(struct ftpc_session *s);
/* Sets verbose-style printing of a reply. */
void ftpc_print_reply(struct ftpc_session *s);
/* Reads and shows replies already buffered (late ones). */
void ftpc_drain_late_replies(struct ftpc_session *s);
/* Waits until the control output is handed to the stack. */
int ftpc_flush_control(struct ftpc_session *s);

/* ---- login (login.c) ------------------------------------------------ */

/* The `Name (host:user):` / `Password:` / `Account:` dialogue; user,
 * pass, acct may be NULL (then .netrc, then prompts). 0 or -1. */
int ftpc_login(struct ftpc_session *s, const char *user, const char *pass,
	       const char *acct);
/* .netrc auto-login and its init macro for the connected host. */
int ftpc_autologin(struct ftpc_session *s);
/* After login: SYST; binary mode for UNIX L8 servers, as tnftp. */
void ftpc_after_login(struct ftpc_session *s);

/* ---- interpreter (interp.c) ----------------------------------------- */

/* Runs one command line; 0 or -1 (failure counted in s->status). */
int ftpc_execute(struct ftpc_session *s, const char *line);
/* The command loop until EOF or quit. */
void ftpc_command_loop(struct ftpc_session *s);
/* Defines or replaces a macro (body copied). 0 or -1. */
int ftpc_macro_define(struct ftpc_session *s, const char *name,
		      const char *body);
/* True when a macro of that name is defined. */
bool ftpc_macro_exists(const struct ftpc_session *s, const char *name);
/* Runs macro `name` with arguments. 0 or -1. */
int ftpc_macro_run(struct ftpc_session *s, const char *name, int argc,
		   char **argv);
/* Asks "verb file? " when prompting is on: true to go on. *all is set
 * when the user answered 'a'; *stop on 'q'. */
bool ftpc_confirm(struct ftpc_session *s, const char *verb, const char *file,
		  bool *all, bool *stop);

#endif /* FTPC_SESSION_H */
