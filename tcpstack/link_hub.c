/*
 * link_hub.c - an Ethernet hub made of a directory of AF_UNIX datagram
 * sockets, one per port ("port-<pid>-<mac>.sock"), as the seed's lab hub:
 * a frame sent on one port is repeated to every other port.
 *
 * - Sending: one sendto() per other port, never blocking. A full peer
 *   queue (EAGAIN) drops the frame for that peer, as a congested hub
 *   would; TCP recovers. Linux caps a datagram socket's queue from
 *   unconnected senders at net.unix.max_dgram_qlen (default 10, per
 *   network namespace); raising it there helps bulk transfers.
 * - The list of ports is cached and refreshed when the directory changes
 *   (inotify; the directory's mtime when inotify is unavailable), checked
 *   at most every TS_HUB_RESCAN_CHECK, and at once when a frame arrives
 *   from a port not in the list.
 * - A port whose socket file exists but refuses datagrams (ECONNREFUSED)
 *   belongs to a process that died: its file is removed.
 * - Receiving: a port that is not promiscuous drops frames whose
 *   destination is neither its MAC nor a group (broadcast/multicast)
 *   address; a promiscuous port (a sniffer) receives everything.
 *
 * Access control is the directory's permissions: whoever may create files
 * in it may attach a port, and sees and may inject every frame. It is
 * created 0770 when missing.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "link_internal.h"

#define HUB_NAME_PREFIX "port-"
#define HUB_NAME_SUFFIX ".sock"
#define HUB_NAME_MAX 64u          /* "port-<pid>-<12 hex>.sock" and then some */
#define HUB_DIR_MODE 0770
#define HUB_PARENT_MODE 0755
#define HUB_BIND_TRIES 8u         /* fresh MACs tried on a name collision   */
#define HUB_INOTIFY_BUF 4096u

struct hub_peer {
	char name[HUB_NAME_MAX];
	struct sockaddr_un addr;
	socklen_t alen;
};

struct hub_link {
	struct ts_link base;
	int fd;                   /* our port                             */
	int dirfd;                /* the hub directory (O_PATH)           */
	int ifd;                  /* inotify on the directory, or -1      */
	bool promiscuous;
	bool rescan;              /* the directory changed: re-read it    */
	uint64_t next_check_us;   /* next look for directory changes      */
	struct timespec mtime;    /* directory mtime at the last scan     */
	char name[HUB_NAME_MAX];  /* our socket file's name               */
	struct hub_peer *peers;   /* every other port; owned              */
	size_t npeers;
	size_t last_from;         /* peer index of the last sender        */
	char dir[];
};

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * TS_USEC_PER_SEC +
	       (uint64_t)ts.tv_nsec / 1000u;
}

/* The address of a port file. When DIR/NAME does not fit sun_path, the
 * directory is reached through our fd on it, which always fits. */
static socklen_t hub_addr(const struct hub_link *h, const char *name,
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

/* Re-reads the directory into the peer list. Keeps the old list when the
 * directory cannot be read (a transient error must not cut the wire). */
static void hub_scan(struct hub_link *h)
{
	struct hub_peer *peers;
	struct dirent *de;
	struct stat st;
	size_t n = 0;
	DIR *d;

	h->rescan = false;
	if (fstat(h->dirfd, &st) == 0)
		h->mtime = st.st_mtim;
	d = opendir(h->dir);
	if (!d)
		return;
	peers = calloc(TS_HUB_PEERS_MAX, sizeof(*peers));
	if (!peers) {
		closedir(d);
		return;
	}
	while ((de = readdir(d)) != NULL && n < TS_HUB_PEERS_MAX) {
		if (!is_port_name(de->d_name) || strcmp(de->d_name, h->name) == 0)
			continue;
		snprintf(peers[n].name, sizeof(peers[n].name), "%s", de->d_name);
		peers[n].alen = hub_addr(h, de->d_name, &peers[n].addr);
		n++;
	}
	closedir(d);
	free(h->peers);
	h->peers = peers;
	h->npeers = n;
	h->last_from = 0;
}

/* True when the directory changed since the last scan. */
static bool hub_dir_changed(struct hub_link *h)
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

static void hub_refresh(struct hub_link *h)
{
	uint64_t now;

	if (!h->rescan) {
		now = mono_us();
		if (now < h->next_check_us)
			return;
		h->next_check_us = now + TS_HUB_RESCAN_CHECK;
		if (!hub_dir_changed(h))
			return;
	}
	hub_scan(h);
}

static void hub_drop_peer(struct hub_link *h, size_t i, bool stale)
{
	/* SECURITY: only a port file that refused a datagram (its owner is
	 * gone) is removed, and only by its exact name in the hub directory. */
	if (stale)
		unlinkat(h->dirfd, h->peers[i].name, 0);
	h->peers[i] = h->peers[--h->npeers];
	h->last_from = 0;
}

static int hub_send(struct ts_link *l, const uint8_t *frame, size_t len)
{
	struct hub_link *h = LINK_DRIVER(struct hub_link, l);
	size_t i = 0;

	if (len > h->base.info.mtu + 14u)
		return -EMSGSIZE;
	hub_refresh(h);
	while (i < h->npeers) {
		const struct hub_peer *p = &h->peers[i];

		if (sendto(h->fd, frame, len, MSG_DONTWAIT | MSG_NOSIGNAL,
			   (const struct sockaddr *)&p->addr, p->alen) < 0 &&
		    (errno == ECONNREFUSED || errno == ENOENT)) {
			hub_drop_peer(h, i, errno == ECONNREFUSED);
			continue; /* the last peer moved into slot i */
		}
		/* EAGAIN (peer queue full), ENOBUFS: this copy is lost. */
		i++;
	}
	return 0;
}

/* A frame from a port we do not know means a port attached since the last
 * scan: re-read the directory before the next send, so replies reach it. */
static void hub_note_sender(struct hub_link *h, const struct sockaddr_un *from,
			    socklen_t flen)
{
	const char *base;
	size_t i;

	if (flen <= offsetof(struct sockaddr_un, sun_path) || !from->sun_path[0])
		return; /* unnamed sender: nothing to reply to */
	base = strrchr(from->sun_path, '/');
	base = base ? base + 1 : from->sun_path;
	if (h->last_from < h->npeers &&
	    strcmp(h->peers[h->last_from].name, base) == 0)
		return;
	for (i = 0; i < h->npeers; i++) {
		if (strcmp(h->peers[i].name, base) == 0) {
			h->last_from = i;
			return;
		}
	}
	h->rescan = true;
}

static ssize_t hub_recv(struct ts_link *l, uint8_t *buf, size_t cap,
			bool *csum_unverified)
{
	struct hub_link *h = LINK_DRIVER(struct hub_link, l);
	size_t max = h->base.info.mtu + 14u;
	struct sockaddr_un from;
	socklen_t flen;
	ssize_t n;
	unsigned i;

	(void)csum_unverified;
	for (i = 0; i < TS_HUB_RECV_SKIP_MAX; i++) {
		flen = sizeof(from);
		n = recvfrom(h->fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC,
			     (struct sockaddr *)&from, &flen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -errno;
		}
		hub_note_sender(h, &from, flen);
		if ((size_t)n > cap)
			continue; /* truncated: not a whole frame */
		if (h->promiscuous)
			return n;
		/* Like an Ethernet NIC: giants and frames for other stations
		 * are not ours. */
		if ((size_t)n >= 14u && (size_t)n <= max &&
		    link_frame_for_us(buf, (size_t)n, h->base.info.mac))
			return n;
	}
	return 0; /* more may wait; the fd stays readable */
}

static int hub_fd(const struct ts_link *l)
{
	return LINK_DRIVER(const struct hub_link, l)->fd;
}

static void hub_close(struct ts_link *l)
{
	struct hub_link *h = LINK_DRIVER(struct hub_link, l);

	if (h->fd >= 0) {
		unlinkat(h->dirfd, h->name, 0);
		close(h->fd);
	}
	if (h->ifd >= 0)
		close(h->ifd);
	if (h->dirfd >= 0)
		close(h->dirfd);
	free(h->peers);
	free(h);
}

static const struct link_ops hub_ops = {
	.send = hub_send,
	.recv = hub_recv,
	.fd = hub_fd,
	.close = hub_close,
};

/* ---- attaching a port ---------------------------------------------------- */

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
	gid_t groups[256];
	int i, n;

	if (getegid() == gid)
		return true;
	n = getgroups(256, groups);
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

static void hub_set_bufs(int fd)
{
	int v = (int)TS_LINK_SOCKBUF;

	/* FORCE passes net.core.[rw]mem_max when privileged; otherwise the
	 * plain option gives as much as the limit allows. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
}

static bool hub_mac_taken(const struct hub_link *h, const char *hex)
{
	char tail[HUB_NAME_MAX];
	size_t i, tl;

	snprintf(tail, sizeof(tail), "-%s%s", hex, HUB_NAME_SUFFIX);
	tl = strlen(tail);
	for (i = 0; i < h->npeers; i++) {
		size_t nl = strlen(h->peers[i].name);
		if (nl >= tl && strcmp(h->peers[i].name + nl - tl, tail) == 0)
			return true;
	}
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
	char hex[13];
	unsigned try;
	int e;

	for (try = 0; try < HUB_BIND_TRIES; try++) {
		if (opt->mac_set)
			memcpy(mac, opt->mac, 6);
		else
			link_generate_mac(mac, (uint32_t)getpid());
		snprintf(hex, sizeof(hex), "%02x%02x%02x%02x%02x%02x", mac[0],
			 mac[1], mac[2], mac[3], mac[4], mac[5]);
		if (hub_mac_taken(h, hex)) {
			if (!opt->mac_set)
				continue;
			link_errf(err, errlen,
				  "hub:%s: MAC %s is already attached to this "
				  "hub: choose another MAC", h->dir, hex);
			return -EADDRINUSE;
		}
		snprintf(h->name, sizeof(h->name), "%s%d-%s%s", HUB_NAME_PREFIX,
			 (int)getpid(), hex, HUB_NAME_SUFFIX);
		slen = hub_addr(h, h->name, &sun);
		if (bind(h->fd, (struct sockaddr *)&sun, slen) == 0)
			return 0;
		if (errno != EADDRINUSE || opt->mac_set)
			break;
	}
	e = errno;
	link_errf(err, errlen,
		  "hub:%s: cannot create port %s: %s: check the directory's "
		  "permissions (you need write access)",
		  h->dir, h->name, strerror(e));
	return -e;
}

static int hub_attach(struct hub_link *h, const struct ts_link_options *opt,
		      char *err, size_t errlen)
{
	int rc;

	h->dirfd = open(h->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (h->dirfd < 0) {
		rc = -errno;
		link_errf(err, errlen, "hub:%s: cannot open directory: %s",
			  h->dir, strerror(errno));
		return rc;
	}
	rc = hub_check_dir(h->dir, h->dirfd, err, errlen);
	if (rc < 0)
		return rc;
	h->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->fd < 0) {
		rc = -errno;
		link_errf(err, errlen, "hub:%s: cannot create a socket: %s",
			  h->dir, strerror(errno));
		return rc;
	}
	hub_set_bufs(h->fd);
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
	if (!h) {
		link_errf(err, errlen, "hub:%s: out of memory", dir);
		return -ENOMEM;
	}
	strcpy(h->dir, dir);
	h->base.ops = &hub_ops;
	h->base.info.kind = TS_LINK_ETHERNET;
	h->base.info.mtu = opt->mtu ? opt->mtu : TS_MTU_DEFAULT;
	h->promiscuous = opt->promiscuous;
	h->fd = h->dirfd = h->ifd = -1;
	rc = hub_attach(h, opt, err, errlen);
	if (rc < 0) {
		/* bind is the last step: no port file of ours exists. */
		if (h->fd >= 0)
			close(h->fd);
		h->fd = -1;
		hub_close(&h->base);
		return rc;
	}
	*out = &h->base;
	return 0;
}
