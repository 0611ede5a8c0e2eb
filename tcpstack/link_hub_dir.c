/*
 * link_hub_dir.c - the hub's directory: creating and checking it, naming
 * and attaching our port, and keeping the list of the other ports.
 *
 * Access control is the directory's permissions: whoever may create files
 * in it may attach a port, and sees and may inject every frame. It is
 * created 0770 when missing; a world-writable one, or one a stranger owns
 * and does not share with us through a group, is refused.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "link_hub_internal.h"

#define HUB_DIR_MODE 0770
#define HUB_PARENT_MODE 0755
#define HUB_BIND_TRIES 8u   /* fresh MACs tried on a name collision */
#define HUB_INOTIFY_BUF 4096u
#define HUB_GROUPS_MAX 256

socklen_t hub_addr(const struct hub_link *h, const char *name,
		   struct sockaddr_un *sun)
{
	int n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	n = snprintf(sun->sun_path, sizeof(sun->sun_path), "%s/%s", h->dir,
		     name);
	if (n < 0 || (size_t)n >= sizeof(sun->sun_path))
		n = snprintf(sun->sun_path, sizeof(sun->sun_path),
			     "/proc/self/fd/%d/%s", h->dirfd, name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n + 1);
}

static bool is_port_name(const char *n)
{
	size_t len = strlen(n), pl = strlen(HUB_NAME_PREFIX),
	       sl = strlen(HUB_NAME_SUFFIX);

	return len > pl + sl && len < HUB_NAME_MAX &&
	       strncmp(n, HUB_NAME_PREFIX, pl) == 0 &&
	       strcmp(n + len - sl, HUB_NAME_SUFFIX) == 0;
}

/* The MAC in "port-<pid>-<12 hex>.sock"; false for other names (a port
 * made by another tool still gets every frame). */
static bool mac_from_name(const char *n, uint8_t mac[6])
{
	const char *dash = strrchr(n, '-');
	unsigned v[6];
	int used = 0;

	if (!dash || sscanf(dash + 1, "%2x%2x%2x%2x%2x%2x%n", &v[0], &v[1],
			    &v[2], &v[3], &v[4], &v[5], &used) != 6 ||
	    strcmp(dash + 1 + used, HUB_NAME_SUFFIX) != 0)
		return false;
	for (used = 0; used < 6; used++)
		mac[used] = (uint8_t)v[used];
	return true;
}

static struct hub_peer *find_peer(struct hub_link *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->npeers; i++)
		if (strcmp(h->peers[i].name, name) == 0)
			return &h->peers[i];
	return NULL;
}

/* A port we did not know: connect to it (a stale file is removed). */
static void add_peer(struct hub_link *h, const char *name)
{
	struct hub_peer *p = &h->peers[h->npeers];

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->mac_known = mac_from_name(name, p->mac);
	p->seen = true;
	if (hub_peer_connect(h, p) == 0)
		h->npeers++;
}

void hub_scan(struct hub_link *h)
{
	struct dirent *de;
	struct stat st;
	struct hub_peer *p;
	size_t i;
	DIR *d;

	if (fstat(h->dirfd, &st) == 0)
		h->mtime = st.st_mtim;
	d = opendir(h->dir);
	if (!d)
		return; /* a transient error must not cut the wire */
	for (i = 0; i < h->npeers; i++)
		h->peers[i].seen = false;
	while ((de = readdir(d)) != NULL) {
		if (!is_port_name(de->d_name) || strcmp(de->d_name, h->name) == 0)
			continue;
		p = find_peer(h, de->d_name);
		if (p)
			p->seen = true;
		else if (h->npeers < TS_HUB_PEERS_MAX)
			add_peer(h, de->d_name);
	}
	closedir(d);
	for (i = 0; i < h->npeers;) {
		if (h->peers[i].seen) {
			i++;
			continue;
		}
		hub_peer_close(h, &h->peers[i]);
		h->peers[i] = h->peers[--h->npeers];
	}
}

bool hub_dir_changed(struct hub_link *h)
{
	char buf[HUB_INOTIFY_BUF] __attribute__((aligned(8)));
	bool changed = false;
	struct stat st;

	if (h->ifd >= 0) {
		while (read(h->ifd, buf, sizeof(buf)) > 0)
			changed = true;
		return changed;
	}
	return fstat(h->dirfd, &st) == 0 &&
	       (st.st_mtim.tv_sec != h->mtime.tv_sec ||
		st.st_mtim.tv_nsec != h->mtime.tv_nsec);
}

/* ---- the directory ---------------------------------------------------------- */

/* Creates dir and any missing parents (parents 0755, the hub itself 0770:
 * the umask must not decide who may attach). */
static int hub_mkdirs(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	char *p;
	int e;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		link_errf(err, errlen, "hub:%s: directory name too long", dir);
		return -ENAMETOOLONG;
	}
	for (p = path + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, HUB_PARENT_MODE) < 0 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(path, HUB_DIR_MODE) == 0) {
		if (chmod(path, HUB_DIR_MODE) < 0)
			goto fail;
	} else if (errno != EEXIST) {
		goto fail;
	}
	return 0;
fail:
	e = errno;
	link_errf(err, errlen,
		  "hub:%s: cannot create directory %s: %s: create it yourself "
		  "(mode 0770, group of the users who share the hub) or choose "
		  "another with hub:DIR",
		  dir, path, strerror(e));
	return -e;
}

static bool in_group(gid_t gid)
{
	gid_t groups[HUB_GROUPS_MAX];
	int i, n;

	if (getegid() == gid)
		return true;
	n = getgroups(HUB_GROUPS_MAX, groups);
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* SECURITY: every port sees every frame, so only a directory that strangers
 * cannot write may be a hub: not world-writable, and owned by us or root,
 * or shared through a group we belong to. A directory someone else made in
 * /tmp under the default name is refused rather than joined. */
static int hub_check_dir(const char *dir, int dirfd, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(dirfd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		link_errf(err, errlen, "hub:%s: not a directory: remove it or "
			  "choose another with hub:DIR", dir);
		return -ENOTDIR;
	}
	if (st.st_mode & S_IWOTH) {
		link_errf(err, errlen,
			  "hub:%s: directory is writable by every user, who "
			  "could then sniff and inject frames: chmod o-w it or "
			  "choose another with hub:DIR", dir);
		return -EPERM;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0 &&
	    !((st.st_mode & S_IWGRP) && in_group(st.st_gid))) {
		link_errf(err, errlen,
			  "hub:%s: directory belongs to uid %u and is not shared "
			  "with a group of yours: choose your own with hub:DIR "
			  "or set SYNFIN_HUB", dir, (unsigned)st.st_uid);
		return -EPERM;
	}
	return 0;
}

/* ---- attaching our port ------------------------------------------------------- */

static bool mac_taken(const struct hub_link *h, const uint8_t mac[6])
{
	size_t i;

	for (i = 0; i < h->npeers; i++)
		if (h->peers[i].mac_known && memcmp(h->peers[i].mac, mac, 6) == 0)
			return true;
	return false;
}

/* Binds our port file under a name that carries our MAC, so two ports
 * never share a MAC: a generated MAC that is taken is drawn again. */
static int hub_bind(struct hub_link *h, const struct ts_link_options *opt,
		    char *err, size_t errlen)
{
	uint8_t *mac = h->base.info.mac;
	struct sockaddr_un sun;
	socklen_t slen;
	unsigned try;
	int e;

	for (try = 0; try < HUB_BIND_TRIES; try++) {
		if (opt->mac_set)
			memcpy(mac, opt->mac, 6);
		else
			link_generate_mac(mac, (uint32_t)getpid());
		if (mac_taken(h, mac)) {
			if (!opt->mac_set)
				continue;
			link_errf(err, errlen,
				  "hub:%s: MAC %02x:%02x:%02x:%02x:%02x:%02x is "
				  "already attached to this hub: choose another "
				  "MAC", h->dir, mac[0], mac[1], mac[2], mac[3],
				  mac[4], mac[5]);
			return -EADDRINUSE;
		}
		snprintf(h->name, sizeof(h->name),
			 "%s%d-%02x%02x%02x%02x%02x%02x%s", HUB_NAME_PREFIX,
			 (int)getpid(), mac[0], mac[1], mac[2], mac[3], mac[4],
			 mac[5], HUB_NAME_SUFFIX);
		slen = hub_addr(h, h->name, &sun);
		if (bind(h->fd, (struct sockaddr *)&sun, slen) == 0)
			return 0;
		if (errno != EADDRINUSE || opt->mac_set)
			break;
	}
	e = errno;
	h->name[0] = '\0';
	link_errf(err, errlen,
		  "hub:%s: cannot create a port: %s: check the directory's "
		  "permissions (you need write access)", h->dir, strerror(e));
	return -e;
}

/* Our receiving socket, the epoll set and inotify. */
static int hub_sockets(struct hub_link *h, char *err, size_t errlen)
{
	struct epoll_event e = { .events = EPOLLIN };
	int v = (int)TS_LINK_SOCKBUF, rc;

	h->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	h->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (h->fd < 0 || h->epfd < 0) {
		rc = -errno;
		link_errf(err, errlen, "hub:%s: cannot create a socket: %s",
			  h->dir, strerror(-rc));
		return rc;
	}
	if (setsockopt(h->fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
		setsockopt(h->fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	e.data.fd = h->fd;
	epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->fd, &e);
	/* Watch before the first scan, so a port that attaches in between
	 * is not missed. Without inotify the mtime check takes over. */
	h->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (h->ifd >= 0 &&
	    inotify_add_watch(h->ifd, h->dir,
			      IN_CREATE | IN_DELETE | IN_MOVED_FROM |
				      IN_MOVED_TO | IN_ONLYDIR) < 0) {
		close(h->ifd);
		h->ifd = -1;
	}
	e.data.fd = h->ifd;
	if (h->ifd >= 0)
		epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->ifd, &e);
	return 0;
}

static int hub_attach(struct hub_link *h, const struct ts_link_options *opt,
		      char *err, size_t errlen)
{
	int rc;

	h->dirfd = open(h->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (h->dirfd < 0) {
		rc = -errno;
		link_errf(err, errlen, "hub:%s: cannot open directory: %s",
			  h->dir, strerror(-rc));
		return rc;
	}
	rc = hub_check_dir(h->dir, h->dirfd, err, errlen);
	if (rc == 0)
		rc = hub_sockets(h, err, errlen);
	if (rc < 0)
		return rc;
	hub_scan(h);
	return hub_bind(h, opt, err, errlen);
}

int link_hub_open(const char *dir, const struct ts_link_options *opt,
		  struct ts_link **out, char *err, size_t errlen)
{
	struct hub_link *h;
	int rc;

	rc = hub_mkdirs(dir, err, errlen);
	if (rc < 0)
		return rc;
	h = calloc(1, sizeof(*h) + strlen(dir) + 1);
	if (h)
		h->peers = calloc(TS_HUB_PEERS_MAX, sizeof(*h->peers));
	if (!h || !h->peers) {
		free(h);
		link_errf(err, errlen, "hub:%s: out of memory", dir);
		return -ENOMEM;
	}
	strcpy(h->dir, dir);
	h->base.ops = &hub_ops;
	h->base.info.kind = TS_LINK_ETHERNET;
	h->base.info.mtu = opt->mtu ? opt->mtu : TS_MTU_DEFAULT;
	h->promiscuous = opt->promiscuous;
	h->fd = h->epfd = h->dirfd = h->ifd = -1;
	rc = hub_attach(h, opt, err, errlen);
	if (rc < 0) {
		h->name[0] = '\0'; /* bind is the last step: no file of ours */
		ts_link_close(&h->base);
		return rc;
	}
	*out = &h->base;
	return 0;
}
