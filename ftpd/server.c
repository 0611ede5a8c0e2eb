/*
 * server.c - the daemon's start, accept loop and end (see server.h). The
 * signal handlers (reload, graceful stop) are in server_ctl.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "auth.h"
#include "ftp_addr.h"
#include "ftpd_limits.h"
#include "privs.h"
#include "roots.h"
#include "server.h"
#include "server_ctl.h"
#include "session.h"
#include "state.h"
#include "tls_server.h"

/* ---- output of the stack: trace lines and notes ------------------------------- */

static bool is_trace_line(const char *l)
{
	return strncmp(l, "seg ", 4) == 0 || strncmp(l, "state ", 6) == 0 ||
	       strncmp(l, "event ", 6) == 0;
}

/* Trace lines go to stderr as they are; the stack's notes (TIME_WAIT
 * loaded or saved, quiet time) also go to the log. */
void ftpd_server_line(void *ctx, const char *line)
{
	struct ftpd_server *srv = ctx;

	if (is_trace_line(line)) {
		fprintf(stderr, "%s\n", line);
		return;
	}
	fprintf(stderr, "ftpd: %s\n", line);
	if (srv->log)
		log_msg(srv->log, LOG_LVL_INFO, "%s", line);
}

/* The stack's warnings (another station took our address): the log's
 * warning level. */
static void server_warn(void *ctx, const char *line)
{
	struct ftpd_server *srv = ctx;

	fprintf(stderr, "ftpd: %s\n", line);
	if (srv->log)
		log_msg(srv->log, LOG_LVL_WARNING, "%s", line);
}

/* ---- start -------------------------------------------------------------------------- */

static int open_logs(struct ftpd_server *srv, const struct ftpd_config *c,
		     char *err, size_t errlen)
{
	struct log_options o;

	memset(&o, 0, sizeof(o));
	o.target = c->syslog_enable ? LOG_TARGET_SYSLOG :
		   c->log_file[0] ? LOG_TARGET_FILE : LOG_TARGET_STDERR;
	o.path = c->log_file;
	o.ident = "ftpd";
	o.level = (enum log_level)c->log_level;
	o.localtime = c->use_localtime;
	srv->log = log_open(&o, err, errlen);
	if (!srv->log)
		return -EINVAL;
	if (!c->xferlog_enable || !c->xferlog_std_format || c->syslog_enable)
		return 0;
	o.target = LOG_TARGET_FILE;
	o.path = c->xferlog_file;
	o.bare = true;
	o.level = LOG_LVL_INFO;
	srv->xlog = log_open(&o, err, errlen);
	return srv->xlog ? 0 : -EINVAL;
}

/* The logs' directories stay reachable after the chroot, for SIGHUP's
 * reopen (server_ctl.c). */
static int keep_log_dirs(struct ftpd_server *srv, char *err, size_t errlen)
{
	const char *p = log_path(srv->log);
	int rc = p ? ftpd_privs_keep_dir(srv->privs, p, err, errlen) : 0;

	p = srv->xlog ? log_path(srv->xlog) : NULL;
	if (rc == 0 && p)
		rc = ftpd_privs_keep_dir(srv->privs, p, err, errlen);
	return rc;
}

static unsigned trace_mask(int mode)
{
	static const char *const words[] = { "off", "states", "segments", "all" };
	int m = net_trace_mask(words[mode >= 0 && mode <= FTPD_TRACE_ALL ? mode : 0]);

	return m < 0 ? 0 : (unsigned)m;
}

static int open_net(struct ftpd_server *srv, const struct ftpd_config *c,
		    char *err, size_t errlen)
{
	struct net_opts o;

	memset(&o, 0, sizeof(o));
	o.link = c->link;
	o.addr = c->address.addr;
	o.prefix_len = c->address.prefix;
	o.gateway = c->gateway;
	o.mac_set = c->mac.set;
	memcpy(o.mac, c->mac.b, sizeof(o.mac));
	if (c->arp.n > NET_ARP_MAX) {
		snprintf(err, errlen, "%zu arp= lines: at most %u", c->arp.n,
			 NET_ARP_MAX);
		return -EINVAL;
	}
	for (o.narp = 0; o.narp < c->arp.n; o.narp++)
		o.arp[o.narp] = c->arp.items[o.narp];
	o.mtu = (uint32_t)c->mtu;
	o.msl_ms = (uint32_t)c->msl_ms;
	o.trace = trace_mask(c->trace);
	o.pcap = c->pcap;
	o.impair = c->impair;
	/* The state directory is claimed after the privilege drop
	 * (state.h), so that it can still be saved at the end. */
	o.use_state = false;
	o.ftp_control_port = (uint16_t)c->listen_port;
	o.line = ftpd_server_line;
	o.warn = server_warn;
	o.line_ctx = srv;
	o.addr_fix = "choose another address= in ftpd.conf";
	srv->net = net_open(srv->base, &o, err, errlen);
	if (!srv->net)
		return -EINVAL;
	srv->ev = net_ev(srv->net);
	srv->addr = net_addr(srv->net);
	return 0;
}

static void refuse(struct ftpd_server *srv, int sock,
		   const struct ts_addr *peer, const char *reply,
		   const char *why)
{
	struct ts_stack *st = ts_ev_stack(srv->ev);
	char a[16];

	/* A new socket's send buffer is empty: the reply fits. */
	ts_send(st, sock, reply, strlen(reply), 0);
	ts_close(st, sock);
	log_msg(srv->log, LOG_LVL_WARNING, "refused %s:%u: %s",
		ftp_ipv4_format(peer->ip, a), peer->port, why);
}

static void accept_one(struct ftpd_server *srv, int sock,
		       const struct ts_addr *peer)
{
	const struct ftpd_config *c = &srv->gen->cfg;

	/* SECURITY: max_clients and max_per_ip bound what one client (or
	 * everyone) can hold; the refusal costs a few bytes and a close. */
	if (srv->stopping)
		refuse(srv, sock, peer, "421 Service closing: the server is "
		       "shutting down.\r\n", "shutting down");
	else if (srv->n_sessions >= (size_t)c->max_clients)
		refuse(srv, sock, peer, "421 Too many users; try again later."
		       "\r\n", "max_clients reached");
	else if (ftpd_server_count_ip(srv, peer->ip) >= (size_t)c->max_per_ip)
		refuse(srv, sock, peer, "421 Too many connections from your "
		       "address; try again later.\r\n", "max_per_ip reached");
	else
		ftpd_session_start(srv, sock, peer->ip, peer->port);
}

void ftpd_accept_some(struct ts_ev *ev, const int *listener,
		      void (*take)(void *arg, int sock,
				   const struct ts_addr *peer),
		      void *arg)
{
	struct ts_stack *st = ts_ev_stack(ev);
	struct ts_addr peer;
	unsigned i;
	int c;

	for (i = 0; i < FTPD_ACCEPTS_PER_EVENT && *listener >= 0; i++) {
		c = ts_accept(st, *listener, &peer);
		if (c < 0)
			break;
		take(arg, c, &peer);
	}
	ts_ev_kick(ev);
}

static void take_session(void *arg, int sock, const struct ts_addr *peer)
{
	accept_one(arg, sock, peer);
}

static void listen_cb(struct ts_stack *st, int sock, unsigned events,
		      void *arg)
{
	struct ftpd_server *srv = arg;

	(void)st;
	(void)sock;
	if (events & TS_EV_ACCEPT)
		ftpd_accept_some(srv->ev, &srv->listener, take_session, srv);
}

static int open_listener(struct ftpd_server *srv, const struct ftpd_config *c,
			 char *err, size_t errlen)
{
	struct ts_stack *st = ts_ev_stack(srv->ev);
	struct ts_addr la = { srv->addr, (uint16_t)c->listen_port };
	char why[256], a[16];
	int sock = ts_socket(st), rc;

	if (sock < 0)
		return sock;
	if (c->reuse_addr)
		ts_setopt(st, sock, TS_OPT_REUSEADDR, 1);
	/* Control connections carry little: small buffers (allocated
	 * lazily anyway) keep thousands of sessions cheap. */
	ts_setopt(st, sock, TS_OPT_SNDBUF, FTPD_CTRL_BUF);
	ts_setopt(st, sock, TS_OPT_RCVBUF, FTPD_CTRL_BUF);
	/* Each reply is written whole: Nagle would only hold a 226 back
	 * until the client's delayed ACK of the 150 came (40 ms or more
	 * per transfer). Accepted sessions inherit it. */
	ts_setopt(st, sock, TS_OPT_NODELAY, 1);
	rc = ts_bind(st, sock, &la);
	if (rc == 0)
		rc = ts_listen(st, sock, FTPD_LISTEN_BACKLOG);
	if (rc != 0) {
		snprintf(err, errlen, "cannot listen on %s:%u: %s",
			 ftp_ipv4_format(la.ip, a), la.port,
			 ts_bind_strerror(st, &la, rc, NULL, why, sizeof(why)));
		ts_close(st, sock);
		return rc;
	}
	ts_set_callback(st, sock, listen_cb, srv);
	srv->listener = sock;
	ts_ev_kick(srv->ev);
	return 0;
}

/* What the process needs from outside the chroot before it enters it. */
static void prepare_chroot(void)
{
	uint8_t b;

	tzset();
	OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL);
	RAND_bytes(&b, 1);
}

static int start_privileged(struct ftpd_server *srv, struct ftpd_config *c,
			    char *err, size_t errlen)
{
	int rc = open_logs(srv, c, err, errlen);

	if (rc == 0)
		rc = keep_log_dirs(srv, err, errlen);
	if (rc == 0)
		rc = open_net(srv, c, err, errlen);
	if (rc == 0 && srv->paths.conf)
		rc = ftpd_privs_keep_dir(srv->privs, srv->paths.conf, err,
					 errlen);
	if (rc == 0 && c->local_enable)
		rc = ftpd_privs_keep_dir(srv->privs, c->users_file, err,
					 errlen);
	if (rc == 0)
		rc = ftpd_tls_keep_dirs(srv->privs, c, err, errlen);
	if (rc == 0)
		rc = ftpd_gen_build(srv, c, &srv->gen, err, errlen);
	return rc;
}

/* A hub's ports are socket files reached by name (link_hub.c): the
 * process must keep seeing them as they come and go, and may write to
 * the ones other users made, so on a hub it neither chroots nor changes
 * user. Only raw sockets and devices need root; a hub needs none, so
 * run ftpd as an ordinary user there. Returns true to drop. */
static bool may_drop_privileges(struct ftpd_server *srv)
{
	const char *link = srv->gen->cfg.link;

	if (strcmp(link, "hub") != 0 && strncmp(link, "hub:", 4) != 0)
		return true;
	if (geteuid() == 0)
		log_msg(srv->log, LOG_LVL_WARNING, "link %s: running as root "
			"without chroot (a hub's ports are files the daemon "
			"keeps reaching by name); a hub needs no privilege: "
			"run ftpd as an ordinary user", link);
	return false;
}

/* As root: hands the state directory to the account that will use it,
 * then chroots and drops privileges (unless on a hub). */
static int drop_privileges(struct ftpd_server *srv, char *err, size_t errlen)
{
	bool drop = may_drop_privileges(srv);
	uid_t uid = 0;
	gid_t gid = 0;
	int rc = 0;

	if (geteuid() != 0)
		return 0;
	if (drop)
		rc = ftpd_privs_target(&srv->gen->cfg, &uid, &gid, err, errlen);
	if (rc == 0)
		rc = ftpd_state_prepare(srv, drop, uid, gid, err, errlen);
	if (rc != 0 || !drop)
		return rc;
	prepare_chroot();
	rc = ftpd_privs_drop(srv->privs, &srv->gen->cfg, err, errlen);
	if (rc == 0) {
		srv->chrooted = true;
		ftpd_roots_seal(srv->roots);
	}
	return rc;
}

int ftpd_server_start(struct ftpd_server *srv, struct ftpd_config *c,
		      const struct ftpd_paths *paths)
{
	char err[1024];
	int rc;

	memset(srv, 0, sizeof(*srv));
	srv->listener = srv->state_fd = -1;
	srv->paths = *paths;
	srv->base = event_base_new();
	srv->roots = ftpd_roots_new();
	srv->privs = ftpd_privs_new();
	if (!srv->base || !srv->roots || !srv->privs) {
		fprintf(stderr, "ftpd: out of memory\n");
		return -1;
	}
	rc = start_privileged(srv, c, err, sizeof(err));
	if (rc == 0)
		rc = drop_privileges(srv, err, sizeof(err));
	/* The TIME_WAIT state is loaded before any connection opens, and
	 * may keep port 21 busy. */
	if (rc == 0)
		rc = ftpd_state_claim(srv, err, sizeof(err));
	if (rc == 0)
		rc = open_listener(srv, &srv->gen->cfg, err, sizeof(err));
	if (rc == 0 && !(srv->auth = ftpd_auth_new(srv->base, err, sizeof(err))))
		rc = -ENOMEM;
	if (rc == 0)
		rc = ftpd_server_ctl_start(srv, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "ftpd: %s\n", err);
		return -1;
	}
	log_msg(srv->log, LOG_LVL_INFO, "listening on %s:%lld%s",
		ftp_ipv4_format(srv->addr, err), (long long)srv->gen->cfg.listen_port,
		srv->chrooted ? " (chrooted, unprivileged)" : "");
	return 0;
}

int ftpd_server_run(struct ftpd_server *srv)
{
	event_base_dispatch(srv->base);
	return srv->exit_code;
}

void ftpd_server_free(struct ftpd_server *srv)
{
	char err[1024];

	while (srv->sessions)
		ftpd_session_free(srv->sessions);
	if (srv->net && srv->listener >= 0)
		ts_close(ts_ev_stack(srv->ev), srv->listener);
	ftpd_auth_free(srv->auth);
	ftpd_server_ctl_stop(srv);
	ftpd_state_release(srv);
	if (srv->state_fd >= 0)
		close(srv->state_fd);
	if (srv->net && net_close(srv->net, err, sizeof(err)) != 0) {
		fprintf(stderr, "ftpd: warning: %s\n", err);
		if (srv->log)
			log_msg(srv->log, LOG_LVL_WARNING, "%s", err);
	}
	ftpd_gen_put(srv->gen);
	ftpd_roots_free(srv->roots);
	ftpd_privs_free(srv->privs);
	log_close(srv->xlog);
	log_close(srv->log);
	if (srv->base)
		event_base_free(srv->base);
	memset(srv, 0, sizeof(*srv));
}

void ftpd_server_forget(struct ftpd_server *srv, struct ftpd_session *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		srv->sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	srv->n_sessions--;
}

size_t ftpd_server_count_ip(const struct ftpd_server *srv, uint32_t ip)
{
	const struct ftpd_session *s;
	size_t n = 0;

	for (s = srv->sessions; s; s = s->next)
		n += s->peer_ip == ip;
	return n;
}

const struct vfs *ftpd_server_root(const struct ftpd_server *srv,
				   const char *path)
{
	return ftpd_roots_find(srv->roots, path);
}
