/*
 * link_tap.c - TAP (Ethernet frames) and TUN (bare IPv4 packets) devices,
 * so the host kernel on the other side of the device can reach the stack.
 *
 * The driver opens /dev/net/tun in whatever network namespace it runs in
 * and attaches to NAME, creating the device if it does not exist (that
 * needs CAP_NET_ADMIN) or joining a persistent one made for this user
 * (`ip tuntap add dev NAME mode tap user USER`). No checksum offload is
 * negotiated (no IFF_VNET_HDR), so the kernel hands over complete frames
 * with their checksums filled in.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "link_internal.h"

#define TUN_DEVICE "/dev/net/tun"

struct tap_link {
	struct ts_link base;
	int fd;
};

static int tap_send(struct ts_link *l, const uint8_t *frame, size_t len)
{
	struct tap_link *t = LINK_DRIVER(struct tap_link, l);
	ssize_t n = write(t->fd, frame, len);

	/* EAGAIN: the device queue is full; EIO: the device is down. The
	 * frame is lost either way and TCP recovers. */
	return n < 0 ? -errno : 0;
}

static ssize_t tap_recv(struct ts_link *l, uint8_t *buf, size_t cap,
			bool *csum_unverified)
{
	struct tap_link *t = LINK_DRIVER(struct tap_link, l);
	ssize_t n;

	(void)csum_unverified;
	do
		n = read(t->fd, buf, cap);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	return n;
}

static int tap_fd(const struct ts_link *l)
{
	return LINK_DRIVER(const struct tap_link, l)->fd;
}

static void tap_close(struct ts_link *l)
{
	struct tap_link *t = LINK_DRIVER(struct tap_link, l);

	if (t->fd >= 0)
		close(t->fd);
	free(t);
}

static const struct link_ops tap_ops = {
	.send = tap_send,
	.recv = tap_recv,
	.fd = tap_fd,
	.close = tap_close,
};

static int tap_fail(const char *kind, const char *name, int e, char *err,
		    size_t errlen)
{
	const char *fix;

	switch (e) {
	case ENOENT:
	case ENODEV:
		fix = TUN_DEVICE " is missing: load the tun module "
		      "(modprobe tun)";
		break;
	case EPERM:
	case EACCES:
		fix = "creating or attaching the device needs root or "
		      "CAP_NET_ADMIN, or make it persistent for your user "
		      "first: ip tuntap add dev NAME mode tap|tun user USER";
		break;
	case EBUSY:
		fix = "another process is attached to it: stop that process "
		      "or choose another name";
		break;
	case EINVAL:
		fix = "a device of that name exists but is of another type "
		      "(tap vs tun): delete it or choose another name";
		break;
	default:
		fix = "check the device with `ip link`";
		break;
	}
	link_errf(err, errlen, "%s:%s: %s: %s", kind, name, strerror(e), fix);
	return -e;
}

/* The device's MTU as the kernel sees it; TS_MTU_DEFAULT if unknown. */
static uint32_t tap_mtu(const char *ifname)
{
	struct ifreq ifr;
	uint32_t mtu = TS_MTU_DEFAULT;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return mtu;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(s, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu >= (int)TS_MTU_MIN &&
	    ifr.ifr_mtu <= (int)TS_MTU_MAX)
		mtu = (uint32_t)ifr.ifr_mtu;
	close(s);
	return mtu;
}

int link_tap_open(const char *name, bool tun, const struct ts_link_options *opt,
		  struct ts_link **out, char *err, size_t errlen)
{
	const char *kind = tun ? "tun" : "tap";
	struct tap_link *t;
	struct ifreq ifr;
	int fd;

	if (strlen(name) >= IFNAMSIZ) {
		link_errf(err, errlen, "%s:%s: device name longer than %d "
			  "characters: choose a shorter one", kind, name,
			  IFNAMSIZ - 1);
		return -ENAMETOOLONG;
	}
	fd = open(TUN_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return tap_fail(kind, name, errno, err, errlen);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = (short)((tun ? IFF_TUN : IFF_TAP) | IFF_NO_PI);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;
		close(fd);
		return tap_fail(kind, name, e, err, errlen);
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		close(fd);
		link_errf(err, errlen, "%s:%s: out of memory", kind, name);
		return -ENOMEM;
	}
	t->fd = fd;
	t->base.ops = &tap_ops;
	t->base.info.kind = tun ? TS_LINK_IP : TS_LINK_ETHERNET;
	t->base.info.mtu = opt->mtu ? opt->mtu : tap_mtu(ifr.ifr_name);
	if (!tun) {
		/* The device's own MAC is the kernel's end; ours differs. */
		if (opt->mac_set)
			memcpy(t->base.info.mac, opt->mac, 6);
		else
			link_generate_mac(t->base.info.mac, (uint32_t)getpid());
	}
	*out = &t->base;
	return 0;
}
