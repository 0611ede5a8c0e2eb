/*
 * link_hub_internal.h - the hub driver's port object, shared by its data
 * path (link_hub.c) and its directory handling (link_hub_dir.c).
 *
 * A hub is a directory of AF_UNIX datagram sockets, one per port, named
 * "port-<pid>-<mac>.sock". Each port receives on its own socket and sends
 * to every other port through a socket connected to that port, so that a
 * full receiver makes the sender wait (the kernel wakes it when there is
 * room) instead of losing the frame.
 *
 * Ownership: the hub_link owns every fd in it, its peer table and each
 * peer's backlog of frames.
 */
#ifndef TS_LINK_HUB_INTERNAL_H
#define TS_LINK_HUB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "link_internal.h"

#define HUB_NAME_PREFIX "port-"
#define HUB_NAME_SUFFIX ".sock"
#define HUB_NAME_MAX 64u /* "port-<pid>-<12 hex>.sock" and then some */

/* A frame waiting for room in a peer's queue; heap, owned by the peer. */
struct hub_frame {
	struct hub_frame *next;
	size_t len;
	uint8_t data[];
};

struct hub_peer {
	char name[HUB_NAME_MAX];
	uint8_t mac[6];
	bool mac_known;          /* the name carried a MAC               */
	bool seen;               /* present at the last directory scan   */
	bool dead;               /* gone: removed after this pass        */
	bool stale;              /* refused us: its file is removed too  */
	bool want_out;           /* EPOLLOUT armed for the backlog       */
	int fd;                  /* connected to the peer's port         */
	struct hub_frame *q_head, *q_tail;
	size_t q_bytes;
};

struct hub_link {
	struct ts_link base;
	int fd;                  /* our port: receives                   */
	int epfd;                /* fd, ifd, and peers waiting for room  */
	int dirfd;               /* the hub directory (O_PATH)           */
	int ifd;                 /* inotify on the directory, or -1      */
	bool promiscuous;
	uint64_t next_check_us;  /* next look for directory changes      */
	struct timespec mtime;   /* directory mtime at the last scan     */
	char name[HUB_NAME_MAX]; /* our socket file's name               */
	struct hub_peer *peers;  /* every other port                     */
	size_t npeers;
	unsigned nwant;          /* peers with a backlog                 */
	unsigned since_service;  /* frames received since the last look  */
	char dir[];
};

/* ---- link_hub_dir.c --------------------------------------------------------- */

/* The address of a port file (through our directory fd when DIR/NAME does
 * not fit sun_path). */
socklen_t hub_addr(const struct hub_link *h, const char *name,
		   struct sockaddr_un *sun);
/* Re-reads the directory: new ports get a peer (connected), gone ones are
 * closed, a stale file (its process died) is removed. */
void hub_scan(struct hub_link *h);
/* True when the directory changed since the last scan (drains inotify). */
bool hub_dir_changed(struct hub_link *h);

/* ---- link_hub.c ------------------------------------------------------------- */

/* Connects p->fd to the peer's port: 0, or -1 when the port is gone (a
 * stale file is removed). */
int hub_peer_connect(struct hub_link *h, struct hub_peer *p);
void hub_peer_close(struct hub_link *h, struct hub_peer *p);
extern const struct link_ops hub_ops;

#endif /* TS_LINK_HUB_INTERNAL_H */
