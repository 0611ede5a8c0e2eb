/*
 * gen.c - one generation of the configuration: ftpd.conf with its users
 * file, banner and roots, built whole before it replaces the one in
 * force (at start-up and on SIGHUP), so a bad new configuration never
 * half-applies (see server.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ftpd_config.h"
#include "ftpd_config_internal.h"
#include "ftpd_limits.h"
#include "privs.h"
#include "roots.h"
#include "server.h"
#include "tls_server.h"

/* A banner file longer than this is refused (it is one 220 reply). */
#define GEN_BANNER_MAX (FTPD_REPLY_TEXT_MAX - 1)

struct ftpd_gen *ftpd_gen_get(struct ftpd_gen *g)
{
	g->refs++;
	return g;
}

void ftpd_gen_put(struct ftpd_gen *g)
{
	if (!g || --g->refs > 0)
		return;
	users_free(&g->users);
	ftpd_tls_ctx_free(g->tls);
	ftpd_config_free(&g->cfg);
	free(g->banner);
	free(g);
}

static int load_users(struct ftpd_server *srv, struct ftpd_gen *g,
		      char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (!g->cfg.local_enable)
		return 0;
	/* SECURITY: a users file others may write is refused. */
	rc = ftpd_privs_read(srv->privs, "users file", g->cfg.users_file,
			     USERS_FILE_MAX, S_IWGRP | S_IWOTH, &buf, &len,
			     err, errlen);
	if (rc == 0)
		rc = users_load_buffer(g->cfg.users_file, buf, len, &g->users,
				       err, errlen);
	free(buf);
	return rc;
}

static int load_banner(struct ftpd_server *srv, struct ftpd_gen *g,
		       char *err, size_t errlen)
{
	size_t len = 0;

	if (g->cfg.banner_file[0] == '\0') {
		g->banner = strdup(g->cfg.ftpd_banner);
		return g->banner ? 0 : -ENOMEM;
	}
	int rc = ftpd_privs_read(srv->privs, "banner_file", g->cfg.banner_file,
				 GEN_BANNER_MAX, 0, &g->banner, &len, err,
				 errlen);
	size_t i, o = 0;

	if (rc != 0)
		return rc;
	/* Lines end in LF for the reply formatter: drop CRs, then the
	 * trailing line ends. */
	for (i = 0; i < len; i++)
		if (g->banner[i] != '\r')
			g->banner[o++] = g->banner[i];
	while (o > 0 && g->banner[o - 1] == '\n')
		o--;
	g->banner[o] = '\0';
	return 0;
}

/* Roots every kind of login needs; a user's own root that cannot be
 * opened only fails that user's logins (and is logged now). */
static int open_roots(struct ftpd_server *srv, struct ftpd_gen *g,
		      char *err, size_t errlen)
{
	const struct ftpd_config *c = &g->cfg;
	struct ftpd_vhost h;
	char why[512];
	size_t i;

	if (c->anonymous_enable &&
	    !(g->anon = ftpd_roots_open(srv->roots, c->anon_root, err, errlen)))
		return -ENOENT;
	if (c->local_root[0] &&
	    !(g->local = ftpd_roots_open(srv->roots, c->local_root, err,
					 errlen)))
		return -ENOENT;
	for (i = 0; i < c->host.n; i++)
		if (ftpd_vhost_split(c->host.items[i], &h) == 0 &&
		    !ftpd_roots_open(srv->roots, h.root, err, errlen))
			return -ENOENT;
	for (i = 0; i < g->users.n; i++) {
		const char *r = g->users.v[i].root;

		if (r && r[0] && !ftpd_roots_open(srv->roots, r, why,
						  sizeof(why)))
			log_msg(srv->log, LOG_LVL_WARNING, "user %s cannot log "
				"in: %s", g->users.v[i].name, why);
	}
	return 0;
}

int ftpd_gen_build(struct ftpd_server *srv, struct ftpd_config *cfg,
		   struct ftpd_gen **out, char *err, size_t errlen)
{
	struct ftpd_gen *g = calloc(1, sizeof(*g));
	int rc;

	if (!g) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	g->refs = 1;
	g->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	rc = load_users(srv, g, err, errlen);
	if (rc == 0)
		rc = load_banner(srv, g, err, errlen);
	if (rc == 0)
		rc = open_roots(srv, g, err, errlen);
	if (rc == 0 && g->cfg.ssl_enable)
		rc = ftpd_tls_ctx_new(srv->privs, &g->cfg,
				      srv->gen ? srv->gen->tls : NULL, &g->tls,
				      err, errlen);
	if (rc != 0) {
		ftpd_gen_put(g);
		return rc;
	}
	*out = g;
	return 0;
}
