/*
 * server.h - the daemon: one libevent loop serving every session over
 * synfin's stack. server.c opens the network (common/net.h), listens,
 * accepts (max_clients, max_per_ip), handles signals (SIGHUP reload,
 * SIGTERM/SIGINT graceful stop) and owns what sessions share: the
 * configuration in force (a struct ftpd_gen), the open roots, the logs
 * and the password-check workers.
 */
#ifndef FTPD_SERVER_H
#define FTPD_SERVER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "ftpd_config.h"
#include "log.h"
#include "net.h"
#include "users.h"

struct ftpd_session;
struct ftpd_roots;
struct ftpd_auth;
struct ftpd_privs;

/*
 * One loaded configuration with its users and roots. A session keeps the
 * generation it started under (a reference), so a SIGHUP reload applies
 * to new sessions only. References are taken and dropped on the loop's
 * thread only.
 */
struct ftpd_gen {
	unsigned refs;
	struct ftpd_config cfg;
	struct users_db users;
	const struct vfs *anon;   /* anon_root (borrowed from the roots)   */
	const struct vfs *local;  /* local_root, or NULL                   */
	char *banner;             /* the 220 text (banner_file read at load) */
	struct ftpd_tls_ctx *tls; /* ssl_enable = yes: the TLS context      */
};

struct ftpd_gen *ftpd_gen_get(struct ftpd_gen *g);
void ftpd_gen_put(struct ftpd_gen *g);

/* Where the process's files are, kept reachable after a chroot
 * (descriptors of their directories; see privs.h). */
struct ftpd_paths {
	char *conf;                /* as given with -c (NULL: none)        */
	const char *const *overrides; /* -o key=value, borrowed from argv  */
	size_t n_overrides;
};

struct ftpd_server {
	struct event_base *base;
	struct net *net;
	struct ts_ev *ev;
	struct ftpd_gen *gen;          /* the configuration for new sessions */
	struct ftpd_paths paths;
	struct ftpd_roots *roots;
	struct ftpd_privs *privs;
	struct ts_state *state;        /* the state directory's claim      */
	int state_fd;                  /* ... its descriptor when chrooted */
	/* state_dir, or the stack's default for this user when unset. */
	char state_dir[PATH_MAX];
	struct ftpd_auth *auth;
	struct log *log, *xlog;        /* session log; xferlog or NULL       */
	int listener;                  /* stack socket, -1 once closed       */
	uint32_t addr;                 /* the stack's address                */
	struct ftpd_session *sessions;
	size_t n_sessions;
	uint64_t next_id;
	struct event *sig_hup, *sig_term, *sig_int, *stop_timer;
	bool stopping;
	unsigned stop_ticks, drain_ticks; /* FTPD_CLOSE_POLL_MS ticks      */
	bool chrooted;
	int exit_code;
};

/* Starts everything (network, listener, roots, privileges, workers).
 * 0, or -1 after printing "ftpd: message" to stderr. */
int ftpd_server_start(struct ftpd_server *srv, struct ftpd_config *cfg,
		      const struct ftpd_paths *paths);

/* Runs the loop until a graceful stop; returns the exit status. */
int ftpd_server_run(struct ftpd_server *srv);

/* Frees everything (saves TCP state through net_close). */
void ftpd_server_free(struct ftpd_server *srv);

/* Shows a line of the stack (trace to stderr) or a note about it (also
 * logged); ctx is the server. */
void ftpd_server_line(void *ctx, const char *line);

/* Accepts at most FTPD_ACCEPTS_PER_EVENT connections on the listening
 * socket *listener (which take may close and set to -1), giving each
 * new socket and its peer to take. */
void ftpd_accept_some(struct ts_ev *ev, const int *listener,
		      void (*take)(void *arg, int sock,
				   const struct ts_addr *peer),
		      void *arg);

/* A session ended: unlink it (session.c calls this from its free). */
void ftpd_server_forget(struct ftpd_server *srv, struct ftpd_session *s);

/* Counts sessions from ip. */
size_t ftpd_server_count_ip(const struct ftpd_server *srv, uint32_t ip);

/* The open root for path, or NULL (see roots.h). */
const struct vfs *ftpd_server_root(const struct ftpd_server *srv,
				   const char *path);

/* Builds a generation from cfg (taken over: zeroed on success): loads
 * users and opens roots. 0 or -errno with err set. */
int ftpd_gen_build(struct ftpd_server *srv, struct ftpd_config *cfg,
		   struct ftpd_gen **out, char *err, size_t errlen);

#endif /* FTPD_SERVER_H */
