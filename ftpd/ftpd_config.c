/*
 * ftpd_config.c - loading ftpd.conf, the rules between keys, and what the
 * configuration means for permissions and virtual hosts. The key table is
 * in ftpd_config_keys.c.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "ftpd_config.h"
#include "ftpd_config_internal.h"
#include "ftpd_limits.h"
#include "ts_link.h"
#include "users.h"

int ftpd_vhost_split(const char *item, struct ftpd_vhost *out)
{
	const char *sep;
	size_t i;

	if (item[0] == '[') {
		sep = strchr(item, ']');
		if (!sep || sep == item + 1 || sep[1] != ':')
			return -EINVAL;
		sep++;
	} else {
		sep = strchr(item, ':');
		if (!sep || sep == item)
			return -EINVAL;
		for (i = 0; item + i < sep; i++) {
			char c = item[i];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '.' || c == '-'))
				return -EINVAL;
		}
	}
	if ((size_t)(sep - item) > FTPD_HOSTNAME_MAX || sep[1] != '/')
		return -EINVAL;
	out->name = item;
	out->name_len = (size_t)(sep - item);
	out->root = sep + 1;
	return 0;
}

int ftpd_config_init(struct ftpd_config *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	return cfg_init(ftpd_config_table(), c, err, errlen);
}

int ftpd_config_load(struct ftpd_config *c, const char *path,
		     const char *const *overrides, size_t n, char *err,
		     size_t errlen)
{
	const struct cfg_table *t = ftpd_config_table();
	size_t i;
	int rc = 0;

	if (path)
		rc = cfg_load_file(t, c, path, err, errlen);
	for (i = 0; rc == 0 && i < n; i++)
		rc = cfg_override(t, c, overrides[i], err, errlen);
	if (rc == 0)
		rc = ftpd_config_check(c, path ? path : "command line", err,
				       errlen);
	return rc;
}

void ftpd_config_dump(const struct ftpd_config *c, FILE *out, bool verbose)
{
	cfg_dump(ftpd_config_table(), c, out, verbose);
}

void ftpd_config_free(struct ftpd_config *c)
{
	cfg_free(ftpd_config_table(), c);
}

/* ---- rules between keys ------------------------------------------------------ */

static bool unset(const char *s)
{
	return !s || s[0] == '\0';
}

static bool in_subnet(uint32_t a, const struct cfg_cidr *net)
{
	uint32_t mask = net->prefix ? ~0u << (32 - net->prefix) : 0;

	return (a & mask) == (net->addr & mask);
}

/* Who may log in and with what. */
static const char *check_logins(const struct ftpd_config *c)
{
	if (!c->anonymous_enable && !c->local_enable)
		return "anonymous_enable and local_enable are both no, so no "
		       "one could log in; set one of them to yes";
	if (c->anonymous_enable && unset(c->anon_root))
		return "anonymous_enable = yes needs anon_root (the directory "
		       "anonymous users see)";
	if (c->local_enable && unset(c->users_file))
		return "local_enable = yes needs users_file (see "
		       "ftpd.conf(5) and ftpd --add-user)";
	if (c->ssl_enable && unset(c->rsa_cert_file))
		return "ssl_enable = yes needs rsa_cert_file (make one with "
		       "ftpd --make-cert FILE)";
	if (c->xferlog_enable && c->xferlog_std_format &&
	    unset(c->xferlog_file) && !c->syslog_enable)
		return "xferlog_enable = yes needs xferlog_file (or "
		       "syslog_enable = yes)";
	return NULL;
}

/* Returns 0, or -EINVAL with why (naming the values) set. */
static int check_network(const struct ftpd_config *c, char *why, size_t len)
{
	char a[16], b[16];

	if (c->mtu > 0 && c->mtu < FTPD_MTU_MIN)
		snprintf(why, len, "mtu %" PRId64 " is too small; use 0 (the "
			 "link's own) or %d to %d", c->mtu, FTPD_MTU_MIN,
			 FTPD_MTU_MAX);
	else if (c->mac.set && (c->mac.b[0] & 1))
		snprintf(why, len, "mac is a group (multicast) address; use "
			 "one whose first byte is even, e.g. 02:00:4c:58:10:10");
	else if (c->gateway && !in_subnet(c->gateway, &c->address))
		snprintf(why, len, "gateway %s is not on the subnet of address "
			 "%s/%u; give a router inside it",
			 ts_ipv4_str(c->gateway, a),
			 ts_ipv4_str(c->address.addr, b), c->address.prefix);
	else if (c->listen_address && c->listen_address != c->address.addr)
		snprintf(why, len, "listen_address %s is not the stack's "
			 "address %s; the stack owns only `address` (set "
			 "address = %s/PREFIX instead)",
			 ts_ipv4_str(c->listen_address, a),
			 ts_ipv4_str(c->address.addr, b),
			 ts_ipv4_str(c->listen_address, a));
	else if (c->pasv_min_port > c->pasv_max_port)
		snprintf(why, len, "pasv_min_port %" PRId64 " is greater than "
			 "pasv_max_port %" PRId64 "; swap them",
			 c->pasv_min_port, c->pasv_max_port);
	else if (c->max_per_ip > c->max_clients)
		snprintf(why, len, "max_per_ip %" PRId64 " is greater than "
			 "max_clients %" PRId64 "; lower it", c->max_per_ip,
			 c->max_clients);
	else
		return 0;
	return -EINVAL;
}

static const char *check_hosts(const struct ftpd_config *c)
{
	struct ftpd_vhost a, b;
	size_t i, j;

	if (c->host.n > FTPD_VHOSTS_MAX)
		return "more than " FTPD_STR(FTPD_VHOSTS_MAX) " host lines";
	for (i = 0; i < c->host.n; i++)
		for (j = i + 1; j < c->host.n; j++)
			if (ftpd_vhost_split(c->host.items[i], &a) == 0 &&
			    ftpd_vhost_split(c->host.items[j], &b) == 0 &&
			    a.name_len == b.name_len &&
			    strncasecmp(a.name, b.name, a.name_len) == 0)
				return "two host lines name the same host; "
				       "keep one";
	return NULL;
}

int ftpd_config_check(const struct ftpd_config *c, const char *where,
		      char *err, size_t errlen)
{
	const char *fixed = check_logins(c);
	char why[256];

	if (!fixed)
		fixed = check_hosts(c);
	if (!fixed && check_network(c, why, sizeof(why)) != 0)
		fixed = why;
	if (!fixed)
		return 0;
	snprintf(err, errlen, "%s: %s", where, fixed);
	return -EINVAL;
}

/* ---- what the configuration means ---------------------------------------------- */

unsigned ftpd_config_mask_perms(const struct ftpd_config *c, unsigned perms)
{
	if (!c->write_enable)
		perms &= ~(unsigned)(FTPD_PERM_WRITE | FTPD_PERM_DELETE |
				     FTPD_PERM_MKDIR | FTPD_PERM_RENAME |
				     FTPD_PERM_CHMOD);
	if (!c->download_enable)
		perms &= ~(unsigned)FTPD_PERM_READ;
	if (!c->dirlist_enable)
		perms &= ~(unsigned)FTPD_PERM_LIST;
	return perms;
}

unsigned ftpd_config_anon_perms(const struct ftpd_config *c)
{
	unsigned p = FTPD_PERM_READ | FTPD_PERM_LIST;

	if (c->anon_upload_enable)
		p |= FTPD_PERM_WRITE;
	if (c->anon_mkdir_write_enable)
		p |= FTPD_PERM_MKDIR;
	if (c->anon_other_write_enable)
		p |= FTPD_PERM_DELETE | FTPD_PERM_RENAME;
	/* SECURITY: anonymous sessions never change file modes. */
	return ftpd_config_mask_perms(c, p);
}

const char *ftpd_config_host_root(const struct ftpd_config *c,
				  const char *name, size_t len)
{
	struct ftpd_vhost h;
	size_t i;

	for (i = 0; i < c->host.n; i++)
		if (ftpd_vhost_split(c->host.items[i], &h) == 0 &&
		    h.name_len == len && strncasecmp(h.name, name, len) == 0)
			return h.root;
	return NULL;
}
