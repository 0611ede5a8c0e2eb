/*
 * link_packet.c - an AF_PACKET raw socket on one interface (a real NIC or a
 * veth end). Needs root or CAP_NET_RAW. The kernel must not own the
 * stack's IPv4 address on that interface (it would answer with RSTs).
 *
 * - Bound to the interface, ETH_P_ALL; our own transmissions are ignored
 *   (PACKET_IGNORE_OUTGOING, and PACKET_OUTGOING frames are skipped).
 * - PACKET_AUXDATA reports TP_STATUS_CSUMNOTREADY: the local kernel sent
 *   the frame with its transport checksum left to offload (veth does
 *   this). Such a frame is reported through *csum_unverified, so the stack
 *   accepts it on that flag instead of turning checksum checks off.
 * - The MAC is the interface's unless one is given; with another MAC (or
 *   when asked to be promiscuous) the interface is put in promiscuous
 *   mode through a packet membership, which ends with the socket.
 * - Frames up to TS_FRAME_MAX are accepted whatever the MTU: the kernel
 *   hands over TSO/GRO super-frames from the other end of a veth whole.
 * - Both directions are batched: one recvmmsg fetches up to
 *   TS_PACKET_BATCH frames, handed out one per ts_link_recv; sent frames
 *   wait (at most until the next ts_link_poll, which the glue makes at the
 *   end of every callback) and leave with one sendmmsg.
 */
#include "config.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "link_internal.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23 /* Linux 4.20; older kernels refuse it */
#endif

struct pkt_slot {
	struct sockaddr_ll from;
	union {
		size_t align; /* as struct cmsghdr, which ends in a flexible
			       * array and so cannot be a member here */
		uint8_t buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} ctrl;
	struct iovec iov;
};

struct pkt_link {
	struct ts_link base;
	int fd;
	bool promiscuous;         /* software filter off: every frame     */
	unsigned next, count;     /* rx batch: next slot to hand out, filled */
	struct mmsghdr msgs[TS_PACKET_BATCH];
	struct pkt_slot slots[TS_PACKET_BATCH];
	uint8_t *frames;          /* TS_PACKET_BATCH * TS_FRAME_MAX; owned */
	unsigned ntx;             /* tx batch: frames waiting for a flush */
	struct mmsghdr txmsgs[TS_PACKET_BATCH];
	struct iovec txiov[TS_PACKET_BATCH];
	uint8_t *txframes;        /* TS_PACKET_BATCH * (MTU + 14); owned   */
};

/* Sends the tx batch with one sendmmsg. A full device queue (ENOBUFS,
 * EAGAIN) loses the rest of the batch; TCP recovers. */
static void pkt_flush(struct pkt_link *p)
{
	unsigned done = 0;

	while (done < p->ntx) {
		int n = sendmmsg(p->fd, p->txmsgs + done, p->ntx - done,
				 MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (unsigned)n;
	}
	p->ntx = 0;
}

/* Frames are batched: sent when TS_PACKET_BATCH wait, or at the next
 * ts_link_poll (ts_link_next_deadline says "now" while any wait), so a
 * burst of segments costs one system call instead of one each. */
static int pkt_send(struct ts_link *l, const uint8_t *frame, size_t len)
{
	struct pkt_link *p = LINK_DRIVER(struct pkt_link, l);

	if (len > p->base.info.mtu + 14u)
		return -EMSGSIZE;
	memcpy(p->txiov[p->ntx].iov_base, frame, len);
	p->txiov[p->ntx].iov_len = len;
	if (++p->ntx == TS_PACKET_BATCH)
		pkt_flush(p);
	return 0;
}

static ts_time_t pkt_next_deadline(const struct ts_link *l)
{
	return LINK_DRIVER(const struct pkt_link, l)->ntx ? 0 : TS_TIME_NEVER;
}

static void pkt_poll(struct ts_link *l)
{
	pkt_flush(LINK_DRIVER(struct pkt_link, l));
}

static bool slot_csum_unverified(struct msghdr *mh)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		struct tpacket_auxdata aux;

		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
		    c->cmsg_len < CMSG_LEN(sizeof(aux)))
			continue;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		return (aux.tp_status & TP_STATUS_CSUMNOTREADY) != 0;
	}
	return false;
}

/* Refills the batch; the count received, 0 when none, or -errno. */
static int pkt_fill(struct pkt_link *p)
{
	unsigned i;
	int n;

	for (i = 0; i < TS_PACKET_BATCH; i++) {
		struct msghdr *mh = &p->msgs[i].msg_hdr;

		mh->msg_name = &p->slots[i].from;
		mh->msg_namelen = sizeof(p->slots[i].from);
		mh->msg_iov = &p->slots[i].iov;
		mh->msg_iovlen = 1;
		mh->msg_control = p->slots[i].ctrl.buf;
		mh->msg_controllen = sizeof(p->slots[i].ctrl.buf);
		mh->msg_flags = 0;
	}
	do
		n = recvmmsg(p->fd, p->msgs, TS_PACKET_BATCH, MSG_DONTWAIT, NULL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	p->next = 0;
	p->count = (unsigned)n;
	return n;
}

static bool pkt_wanted(const struct pkt_link *p, unsigned i, size_t len)
{
	const struct msghdr *mh = &p->msgs[i].msg_hdr;

	if (mh->msg_flags & MSG_TRUNC)
		return false;
	if (p->slots[i].from.sll_pkttype == PACKET_OUTGOING)
		return false; /* our own send, looped back to us */
	return p->promiscuous ||
	       link_frame_for_us(p->slots[i].iov.iov_base, len,
				 p->base.info.mac);
}

static ssize_t pkt_recv(struct ts_link *l, uint8_t *buf, size_t cap,
			bool *csum_unverified)
{
	struct pkt_link *p = LINK_DRIVER(struct pkt_link, l);

	for (;;) {
		unsigned i;
		size_t len;

		if (p->next >= p->count) {
			int n = pkt_fill(p);
			if (n <= 0)
				return n;
		}
		i = p->next++;
		len = p->msgs[i].msg_len;
		if (!pkt_wanted(p, i, len) || len > cap)
			continue;
		memcpy(buf, p->slots[i].iov.iov_base, len);
		*csum_unverified = slot_csum_unverified(&p->msgs[i].msg_hdr);
		return (ssize_t)len;
	}
}

static int pkt_fd(const struct ts_link *l)
{
	return LINK_DRIVER(const struct pkt_link, l)->fd;
}

static void pkt_close(struct ts_link *l)
{
	struct pkt_link *p = LINK_DRIVER(struct pkt_link, l);

	if (p->fd >= 0) {
		pkt_flush(p);
		close(p->fd); /* also ends the promiscuous membership */
	}
	free(p->frames);
	free(p->txframes);
	free(p);
}

static const struct link_ops pkt_ops = {
	.send = pkt_send,
	.recv = pkt_recv,
	.fd = pkt_fd,
	.next_deadline = pkt_next_deadline,
	.poll = pkt_poll,
	.close = pkt_close,
};

/* ---- opening ---------------------------------------------------------------- */

static int pkt_fail(const char *ifname, const char *what, int e, char *err,
		    size_t errlen)
{
	const char *fix = "check the interface with `ip link`";

	if (e == EPERM || e == EACCES)
		fix = "raw sockets need root or CAP_NET_RAW "
		      "(setcap cap_net_raw+ep on the program)";
	else if (e == ENODEV || e == ENXIO)
		fix = "no such interface in this network namespace: "
		      "check `ip link` (and `ip netns`)";
	link_errf(err, errlen, "packet:%s: %s: %s: %s", ifname, what,
		  strerror(e), fix);
	return -e;
}

/* Interface index, MAC, MTU and flags, through the packet socket. */
static int pkt_query(struct pkt_link *p, const char *ifname, int *ifindex,
		     uint8_t mac[6], uint32_t *mtu, char *err, size_t errlen)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(p->fd, SIOCGIFINDEX, &ifr) < 0)
		return pkt_fail(ifname, "cannot find interface", errno, err,
				errlen);
	*ifindex = ifr.ifr_ifindex;
	if (ioctl(p->fd, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
		link_errf(err, errlen, "packet:%s: interface is down: bring it "
			  "up with `ip link set %s up`", ifname, ifname);
		return -ENETDOWN;
	}
	if (ioctl(p->fd, SIOCGIFHWADDR, &ifr) < 0)
		return pkt_fail(ifname, "cannot read the MAC", errno, err,
				errlen);
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		link_errf(err, errlen, "packet:%s: not an Ethernet interface: "
			  "use an Ethernet or veth device, or tun:NAME for IP",
			  ifname);
		return -EPROTONOSUPPORT;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	*mtu = TS_MTU_DEFAULT;
	if (ioctl(p->fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu >= (int)TS_MTU_MIN)
		*mtu = ifr.ifr_mtu > (int)TS_MTU_MAX ? TS_MTU_MAX
						     : (uint32_t)ifr.ifr_mtu;
	return 0;
}

static void pkt_set_opts(int fd)
{
	int one = 1, buf = (int)TS_LINK_SOCKBUF;

	setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one));
	/* Not on old kernels: then the PACKET_OUTGOING check does it. */
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
}

/* Binds to the interface and joins promiscuously when needed. */
static int pkt_attach(struct pkt_link *p, const char *ifname,
		      const struct ts_link_options *opt, char *err,
		      size_t errlen)
{
	uint8_t ifmac[6];
	struct sockaddr_ll sll;
	struct packet_mreq mr;
	uint32_t ifmtu = 0;
	int ifindex = 0, rc;

	rc = pkt_query(p, ifname, &ifindex, ifmac, &ifmtu, err, errlen);
	if (rc < 0)
		return rc;
	memcpy(p->base.info.mac, opt->mac_set ? opt->mac : ifmac, 6);
	p->base.info.mtu = opt->mtu ? opt->mtu : ifmtu;
	pkt_set_opts(p->fd);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(p->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return pkt_fail(ifname, "cannot bind", errno, err, errlen);
	if (!p->promiscuous && memcmp(p->base.info.mac, ifmac, 6) == 0)
		return 0;
	/* Frames to a MAC that is not the interface's reach us only in
	 * promiscuous mode. */
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	if (setsockopt(p->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
		       sizeof(mr)) < 0)
		return pkt_fail(ifname, "cannot enter promiscuous mode", errno,
				err, errlen);
	return 0;
}

/* Receive slots take super-frames (TS_FRAME_MAX); pages are touched only
 * as frames fill them, so they cost address space, not memory. Send slots
 * take what we send: up to the MTU. */
static int pkt_alloc_batches(struct pkt_link *p)
{
	size_t txslot = p->base.info.mtu + 14u;
	unsigned i;

	p->frames = malloc((size_t)TS_PACKET_BATCH * TS_FRAME_MAX);
	p->txframes = malloc(TS_PACKET_BATCH * txslot);
	if (!p->frames || !p->txframes)
		return -ENOMEM;
	for (i = 0; i < TS_PACKET_BATCH; i++) {
		p->slots[i].iov.iov_base = p->frames + (size_t)i * TS_FRAME_MAX;
		p->slots[i].iov.iov_len = TS_FRAME_MAX;
		p->txiov[i].iov_base = p->txframes + i * txslot;
		p->txmsgs[i].msg_hdr.msg_iov = &p->txiov[i];
		p->txmsgs[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

int link_packet_open(const char *ifname, const struct ts_link_options *opt,
		     struct ts_link **out, char *err, size_t errlen)
{
	struct pkt_link *p;
	int rc;

	if (strlen(ifname) >= IFNAMSIZ) {
		link_errf(err, errlen, "packet:%s: interface name longer than "
			  "%d characters", ifname, IFNAMSIZ - 1);
		return -ENAMETOOLONG;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		link_errf(err, errlen, "packet:%s: out of memory", ifname);
		return -ENOMEM;
	}
	p->base.ops = &pkt_ops;
	p->base.info.kind = TS_LINK_ETHERNET;
	p->promiscuous = opt->promiscuous;
	/* Protocol 0 until bound: no frames of other interfaces queue up. */
	p->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0) {
		rc = pkt_fail(ifname, "cannot open a raw socket", errno, err,
			      errlen);
		pkt_close(&p->base);
		return rc;
	}
	rc = pkt_attach(p, ifname, opt, err, errlen);
	if (rc == 0 && pkt_alloc_batches(p) < 0) {
		link_errf(err, errlen, "packet:%s: out of memory", ifname);
		rc = -ENOMEM;
	}
	if (rc < 0) {
		pkt_close(&p->base);
		return rc;
	}
	*out = &p->base;
	return 0;
}
