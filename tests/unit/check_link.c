/* Unit tests for the link layer: the hub driver in a private temporary
 * directory, mem links, ts_link_open's spec handling and the address
 * parsers. The impairer has its own suite (check_impair.c). */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ts_limits.h"
#include "ts_link.h"

#define WAIT_MS 2000 /* bound on waiting for a frame that must arrive */

static char tmp[64];
static char hubdir[128];

static void hub_setup(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/synfin-check-link.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(hubdir, sizeof(hubdir), "%s/hub", tmp);
}

static void rm_tree(const char *dir)
{
	char path[512];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) < 0)
			rm_tree(path);
	}
	closedir(d);
	rmdir(dir);
}

static void hub_teardown(void)
{
	rm_tree(tmp);
}

/* Counts port files in the hub directory. */
static int port_files(void)
{
	struct dirent *de;
	DIR *d = opendir(hubdir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, "port-", 5) == 0;
	closedir(d);
	return n;
}

static struct ts_link *hub_port(bool promiscuous, uint32_t mtu)
{
	struct ts_link_options opt = { .promiscuous = promiscuous, .mtu = mtu };
	struct ts_link *l = NULL;
	char spec[160], err[256] = "";

	snprintf(spec, sizeof(spec), "hub:%s", hubdir);
	ck_assert_msg(ts_link_open(spec, &opt, &l, err, sizeof(err)) == 0,
		      "open %s: %s", spec, err);
	return l;
}

static const uint8_t *mac_of(const struct ts_link *l)
{
	static struct ts_link_info info;

	ts_link_get_info(l, &info);
	return info.mac;
}

/* An Ethernet frame to dst from l with a recognisable payload. */
static size_t make_frame(uint8_t *f, size_t len, const uint8_t dst[6],
			 const struct ts_link *src, uint8_t tag)
{
	size_t i;

	memcpy(f, dst, 6);
	memcpy(f + 6, mac_of(src), 6);
	f[12] = 0x88;
	f[13] = 0xb5; /* local experimental EtherType */
	for (i = 14; i < len; i++)
		f[i] = (uint8_t)(tag + i);
	return len;
}

/* Waits (bounded, on the fd) for one frame; its length or 0 on timeout. */
static ssize_t recv_wait(struct ts_link *l, uint8_t *buf, size_t cap)
{
	struct pollfd pfd = { .fd = ts_link_fd(l), .events = POLLIN };
	int waited = 0;

	for (;;) {
		ssize_t n = ts_link_recv(l, buf, cap, NULL);
		if (n != 0 || waited >= WAIT_MS)
			return n;
		poll(&pfd, 1, 50);
		waited += 50;
	}
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

START_TEST(test_hub_two_ports_exchange_frames)
{
	struct ts_link *a = hub_port(false, 0), *b = hub_port(false, 0);
	uint8_t f[100], g[TS_FRAME_MAX];

	ck_assert_int_eq(port_files(), 2);
	make_frame(f, sizeof(f), mac_of(b), a, 1);
	ck_assert_int_eq(ts_link_send(a, f, sizeof(f)), 0);
	ck_assert_int_eq(recv_wait(b, g, sizeof(g)), sizeof(f));
	ck_assert_mem_eq(f, g, sizeof(f));
	make_frame(f, 60, mac_of(a), b, 2);
	ck_assert_int_eq(ts_link_send(b, f, 60), 0);
	ck_assert_int_eq(recv_wait(a, g, sizeof(g)), 60);
	ck_assert_mem_eq(f, g, 60);
	ts_link_close(a);
	ts_link_close(b);
	ck_assert_int_eq(port_files(), 0);
}
END_TEST

START_TEST(test_hub_broadcast_reaches_every_other_port)
{
	struct ts_link *a = hub_port(false, 0), *b = hub_port(false, 0),
		       *c = hub_port(false, 0);
	uint8_t f[64], g[TS_FRAME_MAX];

	make_frame(f, sizeof(f), bcast, a, 3);
	ck_assert_int_eq(ts_link_send(a, f, sizeof(f)), 0);
	ck_assert_int_eq(recv_wait(b, g, sizeof(g)), sizeof(f));
	ck_assert_int_eq(recv_wait(c, g, sizeof(g)), sizeof(f));
	ck_assert_mem_eq(f, g, sizeof(f));
	/* The sender does not hear itself. */
	ck_assert_int_eq(ts_link_recv(a, g, sizeof(g), NULL), 0);
	ts_link_close(a);
	ts_link_close(b);
	ts_link_close(c);
}
END_TEST

START_TEST(test_hub_non_promiscuous_port_ignores_other_macs)
{
	struct ts_link *a = hub_port(false, 0), *b = hub_port(false, 0),
		       *c = hub_port(false, 0);
	uint8_t f[64], g[TS_FRAME_MAX];

	make_frame(f, sizeof(f), mac_of(c), a, 4); /* for c only */
	ck_assert_int_eq(ts_link_send(a, f, sizeof(f)), 0);
	make_frame(f, sizeof(f), bcast, a, 5);     /* a marker for all */
	ck_assert_int_eq(ts_link_send(a, f, sizeof(f)), 0);
	/* b's first frame is the marker: the unicast to c was dropped. */
	ck_assert_int_eq(recv_wait(b, g, sizeof(g)), sizeof(f));
	ck_assert_mem_eq(f, g, sizeof(f));
	ck_assert_int_eq(recv_wait(c, g, sizeof(g)), sizeof(f));
	ck_assert_int_eq(g[20], (uint8_t)(4 + 20));
	ts_link_close(a);
	ts_link_close(b);
	ts_link_close(c);
}
END_TEST

START_TEST(test_hub_promiscuous_port_sees_all_frames)
{
	struct ts_link *a = hub_port(false, 0), *b = hub_port(false, 0),
		       *sniff = hub_port(true, 0);
	uint8_t f[64], g[TS_FRAME_MAX];

	make_frame(f, sizeof(f), mac_of(b), a, 6);
	ck_assert_int_eq(ts_link_send(a, f, sizeof(f)), 0);
	make_frame(f + 0, sizeof(f), mac_of(a), b, 7);
	ck_assert_int_eq(ts_link_send(b, f, sizeof(f)), 0);
	ck_assert_int_eq(recv_wait(sniff, g, sizeof(g)), sizeof(f));
	ck_assert_int_eq(g[20], (uint8_t)(6 + 20));
	ck_assert_int_eq(recv_wait(sniff, g, sizeof(g)), sizeof(f));
	ck_assert_int_eq(g[20], (uint8_t)(7 + 20));
	ts_link_close(a);
	ts_link_close(b);
	ts_link_close(sniff);
}
END_TEST

START_TEST(test_hub_reply_reaches_port_that_just_attached)
{
	struct ts_link *a = hub_port(false, 0), *b;
	uint8_t f[64], g[TS_FRAME_MAX];

	/* a has sent (and so scanned) before b exists. */
	make_frame(f, sizeof(f), bcast, a, 8);
	ck_assert_int_eq(ts_link_send(a, f, sizeof(f)), 0);
	b = hub_port(false, 0);
	make_frame(f, sizeof(f), bcast, b, 9);
	ck_assert_int_eq(ts_link_send(b, f, sizeof(f)), 0);
	ck_assert_int_eq(recv_wait(a, g, sizeof(g)), sizeof(f));
	/* a heard from an unknown port: its reply must reach b. */
	make_frame(f, sizeof(f), mac_of(b), a, 10);
	ck_assert_int_eq(ts_link_send(a, f, sizeof(f)), 0);
	ck_assert_int_eq(recv_wait(b, g, sizeof(g)), sizeof(f));
	ck_assert_int_eq(g[20], (uint8_t)(10 + 20));
	ts_link_close(a);
	ts_link_close(b);
}
END_TEST

START_TEST(test_hub_stale_port_file_of_dead_process_is_removed)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ts_link *a = hub_port(false, 0);
	uint8_t f[64];
	struct stat st;
	int s;
	char path[sizeof(hubdir) + 40];

	/* A port whose process died: the socket file stays, nobody binds it. */
	snprintf(path, sizeof(path), "%s/port-999999-020000000001.sock",
		 hubdir);
	ck_assert_uint_lt(strlen(path), sizeof(sun.sun_path));
	memcpy(sun.sun_path, path, strlen(path) + 1);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(s);
	ck_assert_int_eq(stat(sun.sun_path, &st), 0);
	/* a must notice the new file (inotify) and, sending, its death. */
	make_frame(f, sizeof(f), bcast, a, 11);
	ck_assert_int_eq(ts_link_send(a, f, sizeof(f)), 0);
	/* Directory changes are looked at once per TS_HUB_RESCAN_CHECK: let
	 * that interval pass so the next send looks. */
	usleep(2 * TS_HUB_RESCAN_CHECK);
	ck_assert_int_eq(ts_link_send(a, f, sizeof(f)), 0);
	ck_assert_int_eq(stat(sun.sun_path, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	ts_link_close(a);
}
END_TEST

START_TEST(test_hub_mtu_65535_frames_pass_whole)
{
	struct ts_link *a = hub_port(false, TS_MTU_MAX),
		       *b = hub_port(false, TS_MTU_MAX);
	static uint8_t f[TS_FRAME_MAX], g[TS_FRAME_MAX];
	struct ts_link_info info;

	ts_link_get_info(a, &info);
	ck_assert_uint_eq(info.mtu, TS_MTU_MAX);
	make_frame(f, sizeof(f), mac_of(b), a, 12);
	ck_assert_int_eq(ts_link_send(a, f, sizeof(f)), 0);
	ck_assert_int_eq(recv_wait(b, g, sizeof(g)), sizeof(f));
	ck_assert_mem_eq(f, g, sizeof(f));
	ts_link_close(a);
	ts_link_close(b);
}
END_TEST

START_TEST(test_hub_frame_beyond_mtu_is_refused)
{
	struct ts_link *a = hub_port(false, 1500);
	uint8_t f[1515];

	make_frame(f, sizeof(f), bcast, a, 13);
	ck_assert_int_eq(ts_link_send(a, f, sizeof(f)), -EMSGSIZE);
	ck_assert_int_eq(ts_link_send(a, f, sizeof(f) - 1), 0);
	ts_link_close(a);
}
END_TEST

START_TEST(test_hub_creates_directory_0770_and_macs_differ)
{
	struct ts_link *a = hub_port(false, 0), *b = hub_port(false, 0);
	struct ts_link_info ia, ib;
	struct stat st;

	ck_assert_int_eq(stat(hubdir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0770);
	ts_link_get_info(a, &ia);
	ts_link_get_info(b, &ib);
	ck_assert_int_eq(ia.kind, TS_LINK_ETHERNET);
	ck_assert_uint_eq(ia.mtu, TS_MTU_DEFAULT);
	ck_assert_uint_eq(ia.mac[0], 0x02); /* locally administered unicast */
	ck_assert_int_ne(memcmp(ia.mac, ib.mac, 6), 0);
	ts_link_close(a);
	ts_link_close(b);
}
END_TEST

START_TEST(test_hub_world_writable_directory_is_refused)
{
	struct ts_link *l = NULL;
	char spec[160], err[256] = "";

	ck_assert_int_eq(mkdir(hubdir, 0700), 0);
	ck_assert_int_eq(chmod(hubdir, 0777), 0);
	snprintf(spec, sizeof(spec), "hub:%s", hubdir);
	ck_assert_int_eq(ts_link_open(spec, NULL, &l, err, sizeof(err)), -EPERM);
	ck_assert_ptr_null(l);
	ck_assert_ptr_nonnull(strstr(err, "writable by every user"));
	ck_assert_ptr_nonnull(strstr(err, hubdir));
}
END_TEST

START_TEST(test_hub_given_mac_is_used_and_a_duplicate_refused)
{
	struct ts_link_options opt = { .mac_set = true,
				       .mac = { 0x02, 0, 0x5e, 1, 2, 3 } };
	struct ts_link *a = NULL, *b = NULL;
	char spec[160], err[256] = "";

	snprintf(spec, sizeof(spec), "hub:%s", hubdir);
	ck_assert_int_eq(ts_link_open(spec, &opt, &a, err, sizeof(err)), 0);
	ck_assert_mem_eq(mac_of(a), opt.mac, 6);
	ck_assert_int_eq(ts_link_open(spec, &opt, &b, err, sizeof(err)),
			 -EADDRINUSE);
	ck_assert_ptr_nonnull(strstr(err, "already attached"));
	ts_link_close(a);
}
END_TEST

START_TEST(test_hub_default_directory_comes_from_synfin_hub)
{
	struct ts_link *l = NULL;
	char err[256] = "";

	setenv("SYNFIN_HUB", hubdir, 1);
	ck_assert_int_eq(ts_link_open("hub", NULL, &l, err, sizeof(err)), 0);
	ck_assert_int_eq(port_files(), 1);
	ts_link_close(l);
	ck_assert_int_eq(ts_link_open("hub:", NULL, &l, err, sizeof(err)), 0);
	ck_assert_int_eq(port_files(), 1);
	ts_link_close(l);
	unsetenv("SYNFIN_HUB");
}
END_TEST

START_TEST(test_link_open_bad_impairment_leaves_no_port)
{
	struct ts_link_options opt = { .impair = "loss=5" };
	struct ts_link *l = NULL;
	char spec[160], err[256] = "";

	snprintf(spec, sizeof(spec), "hub:%s", hubdir);
	ck_assert_int_eq(ts_link_open(spec, &opt, &l, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "loss=5"));
	ck_assert_ptr_nonnull(strstr(err, "unit"));
	ck_assert_int_le(port_files(), 0);
}
END_TEST

/* ---- ts_link_open spec errors -------------------------------------------- */

START_TEST(test_link_open_unknown_kind_is_named)
{
	struct ts_link *l = NULL;
	char err[256] = "";

	ck_assert_int_eq(ts_link_open("wire:eth0", NULL, &l, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "wire:eth0"));
	ck_assert_ptr_nonnull(strstr(err, "packet:IFNAME"));
	ck_assert_int_eq(ts_link_open("packet:", NULL, &l, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "missing"));
	ck_assert_ptr_null(l);
}
END_TEST

START_TEST(test_link_open_mtu_out_of_range_is_refused)
{
	struct ts_link_options opt = { .mtu = 70000 };
	struct ts_link *l = NULL;
	char err[256] = "";

	ck_assert_int_eq(ts_link_open("mem", &opt, &l, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "70000"));
	opt.mtu = 67;
	ck_assert_int_eq(ts_link_open("mem", &opt, &l, err, sizeof(err)),
			 -EINVAL);
}
END_TEST

START_TEST(test_link_open_packet_on_missing_interface_says_so)
{
	struct ts_link *l = NULL;
	char err[256] = "";
	int rc = ts_link_open("packet:nosuchif0", NULL, &l, err, sizeof(err));

	/* Unprivileged: EPERM and the capability named; root: ENODEV. */
	ck_assert(rc == -ENODEV || rc == -EPERM);
	ck_assert_ptr_nonnull(strstr(err, "packet:nosuchif0"));
	ck_assert_ptr_nonnull(strstr(err, rc == -EPERM ? "CAP_NET_RAW"
						      : "no such interface"));
}
END_TEST

/* ---- mem links ------------------------------------------------------------- */

static bool fd_readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1;
}

START_TEST(test_mem_pair_delivers_both_ways_and_fd_tracks_queue)
{
	struct ts_link_info ia, ib;
	struct ts_link *a, *b;
	uint8_t g[64];

	ck_assert_int_eq(ts_link_mem_pair(TS_LINK_ETHERNET, &a, &b), 0);
	ck_assert(!fd_readable(ts_link_fd(b)));
	ck_assert_int_eq(ts_link_send(a, (const uint8_t *)"one", 3), 0);
	ck_assert_int_eq(ts_link_send(a, (const uint8_t *)"two", 3), 0);
	ck_assert(fd_readable(ts_link_fd(b)));
	ck_assert_int_eq(ts_link_recv(b, g, sizeof(g), NULL), 3);
	ck_assert_mem_eq(g, "one", 3);
	ck_assert(fd_readable(ts_link_fd(b)));
	ck_assert_int_eq(ts_link_recv(b, g, sizeof(g), NULL), 3);
	ck_assert_mem_eq(g, "two", 3);
	ck_assert(!fd_readable(ts_link_fd(b)));
	ck_assert_int_eq(ts_link_recv(b, g, sizeof(g), NULL), 0);
	ck_assert_int_eq(ts_link_send(b, (const uint8_t *)"back", 4), 0);
	ck_assert_int_eq(ts_link_recv(a, g, sizeof(g), NULL), 4);
	ts_link_get_info(a, &ia);
	ts_link_get_info(b, &ib);
	ck_assert_int_ne(memcmp(ia.mac, ib.mac, 6), 0);
	ts_link_close(b);
	ck_assert_int_eq(ts_link_send(a, g, 4), -ENOTCONN);
	ts_link_close(a);
}
END_TEST

START_TEST(test_mem_inject_is_received_and_sends_are_captured)
{
	struct ts_link *l;
	uint8_t g[64];

	ck_assert_int_eq(ts_link_mem_new(TS_LINK_IP, &l), 0);
	ck_assert_int_eq(ts_link_mem_inject(l, (const uint8_t *)"in", 2), 0);
	ck_assert(fd_readable(ts_link_fd(l)));
	ck_assert_int_eq(ts_link_recv(l, g, sizeof(g), NULL), 2);
	ck_assert_mem_eq(g, "in", 2);
	ck_assert_int_eq(ts_link_send(l, (const uint8_t *)"out1", 4), 0);
	ck_assert_int_eq(ts_link_send(l, (const uint8_t *)"out2", 4), 0);
	ck_assert_uint_eq(ts_link_mem_take(l, g, sizeof(g)), 4);
	ck_assert_mem_eq(g, "out1", 4);
	ck_assert_uint_eq(ts_link_mem_take(l, g, sizeof(g)), 4);
	ck_assert_mem_eq(g, "out2", 4);
	ck_assert_uint_eq(ts_link_mem_take(l, g, sizeof(g)), 0);
	ts_link_close(l);
}
END_TEST

START_TEST(test_mem_queue_drops_when_full)
{
	struct ts_link *l;
	unsigned i;

	ck_assert_int_eq(ts_link_mem_new(TS_LINK_ETHERNET, &l), 0);
	for (i = 0; i < TS_MEM_QUEUE_MAX; i++)
		ck_assert_int_eq(ts_link_mem_inject(l, (const uint8_t *)"x", 1),
				 0);
	ck_assert_int_eq(ts_link_mem_inject(l, (const uint8_t *)"x", 1),
			 -ENOBUFS);
	ts_link_close(l);
}
END_TEST

/* ---- address parsing -------------------------------------------------------- */

START_TEST(test_parse_ipv4_accepts_dotted_quads_only)
{
	static const char *bad[] = { "", "1.2.3", "1.2.3.4.", "256.1.1.1",
		" 1.2.3.4", "1.2.3.4 ", "01.2.3.4", "1..2.3", "1.2.3.-4",
		"1.2.3.4/24", "0x1.2.3.4", "1234.1.1.1" };
	uint32_t a;
	size_t i;

	ck_assert_int_eq(ts_parse_ipv4("76.88.16.16", &a), 0);
	ck_assert_uint_eq(a, 0x4c581010u);
	ck_assert_int_eq(ts_parse_ipv4("0.0.0.0", &a), 0);
	ck_assert_uint_eq(a, 0);
	ck_assert_int_eq(ts_parse_ipv4("255.255.255.255", &a), 0);
	ck_assert_uint_eq(a, 0xffffffffu);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ts_parse_ipv4(bad[i], &a) == -EINVAL,
			      "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(test_parse_cidr_defaults_to_24)
{
	uint32_t a;
	uint8_t p;

	ck_assert_int_eq(ts_parse_cidr("76.88.16.104", &a, &p), 0);
	ck_assert_uint_eq(a, 0x4c581068u);
	ck_assert_uint_eq(p, 24);
	ck_assert_int_eq(ts_parse_cidr("10.0.0.1/8", &a, &p), 0);
	ck_assert_uint_eq(p, 8);
	ck_assert_int_eq(ts_parse_cidr("10.0.0.1/32", &a, &p), 0);
	ck_assert_uint_eq(p, 32);
	ck_assert_int_eq(ts_parse_cidr("10.0.0.1/0", &a, &p), 0);
	ck_assert_uint_eq(p, 0);
	ck_assert_int_eq(ts_parse_cidr("10.0.0.1/33", &a, &p), -EINVAL);
	ck_assert_int_eq(ts_parse_cidr("10.0.0.1/", &a, &p), -EINVAL);
	ck_assert_int_eq(ts_parse_cidr("10.0.0.1/024", &a, &p), -EINVAL);
	ck_assert_int_eq(ts_parse_cidr("10.0.0/24", &a, &p), -EINVAL);
}
END_TEST

START_TEST(test_parse_mac_needs_six_colon_separated_pairs)
{
	uint8_t m[6];
	static const uint8_t want[6] = { 0x02, 0xab, 0xCD, 0, 0x10, 0xff };

	ck_assert_int_eq(ts_parse_mac("02:ab:CD:00:10:ff", m), 0);
	ck_assert_mem_eq(m, want, 6);
	ck_assert_int_eq(ts_parse_mac("02:ab:cd:00:10", m), -EINVAL);
	ck_assert_int_eq(ts_parse_mac("02-ab-cd-00-10-ff", m), -EINVAL);
	ck_assert_int_eq(ts_parse_mac("02:ab:cd:00:10:fg", m), -EINVAL);
	ck_assert_int_eq(ts_parse_mac("2:ab:cd:00:10:ff:", m), -EINVAL);
}
END_TEST

/* Static ARP entries as ftpd.conf's arp= and --arp give them. */
START_TEST(test_parse_arp_entry)
{
	static const uint8_t want[6] = { 0x02, 0, 0, 0, 0, 0x68 };
	uint32_t ip = 0;
	uint8_t m[6];

	ck_assert_int_eq(ts_parse_arp("76.88.16.104=02:00:00:00:00:68", &ip, m), 0);
	ck_assert_uint_eq(ip, 0x4c581068u);
	ck_assert_mem_eq(m, want, 6);
	memset(m, 0, 6);
	ck_assert_int_eq(ts_parse_arp("76.88.16.104 \t02:00:00:00:00:68", &ip, m), 0);
	ck_assert_mem_eq(m, want, 6);
	/* Malformed. */
	ck_assert_int_eq(ts_parse_arp("", &ip, m), -EINVAL);
	ck_assert_int_eq(ts_parse_arp("76.88.16.104", &ip, m), -EINVAL);
	ck_assert_int_eq(ts_parse_arp("76.88.16.104=", &ip, m), -EINVAL);
	ck_assert_int_eq(ts_parse_arp("76.88.16.104:02:00:00:00:00:68", &ip, m), -EINVAL);
	ck_assert_int_eq(ts_parse_arp("76.88.16=02:00:00:00:00:68", &ip, m), -EINVAL);
	ck_assert_int_eq(ts_parse_arp("76.88.16.104=02:00:00:00:00", &ip, m), -EINVAL);
	ck_assert_int_eq(ts_parse_arp("76.88.16.104=02:00:00:00:00:68 x", &ip, m), -EINVAL);
	/* Parsed, but no station can have them. */
	ck_assert_int_eq(ts_parse_arp("0.0.0.0=02:00:00:00:00:68", &ip, m), -EINVAL);
	ck_assert_int_eq(ts_parse_arp("255.255.255.255=02:00:00:00:00:68", &ip, m), -EINVAL);
	ck_assert_int_eq(ts_parse_arp("76.88.16.104=ff:ff:ff:ff:ff:ff", &ip, m), -EINVAL);
	ck_assert_int_eq(ts_parse_arp("76.88.16.104=01:00:5e:00:00:01", &ip, m), -EINVAL);
	ck_assert_int_eq(ts_parse_arp("76.88.16.104=00:00:00:00:00:00", &ip, m), -EINVAL);
	ck_assert_uint_eq(ip, 0x4c581068u); /* untouched by the failures */
}
END_TEST

START_TEST(test_ipv4_str_round_trips)
{
	char buf[16];
	uint32_t a;

	ck_assert_str_eq(ts_ipv4_str(0x4c581010u, buf), "76.88.16.16");
	ck_assert_str_eq(ts_ipv4_str(0xffffffffu, buf), "255.255.255.255");
	ck_assert_int_eq(ts_parse_ipv4(buf, &a), 0);
	ck_assert_uint_eq(a, 0xffffffffu);
}
END_TEST

START_TEST(test_hub_default_dir_follows_environment)
{
	char buf[256], want[64];

	setenv("SYNFIN_HUB", "/srv/hub", 1);
	ck_assert_str_eq(ts_hub_default_dir(buf, sizeof(buf)), "/srv/hub");
	unsetenv("SYNFIN_HUB");
	ts_hub_default_dir(buf, sizeof(buf));
	if (geteuid() == 0) {
		ck_assert_str_eq(buf, "/run/synfin/hub");
	} else {
		setenv("XDG_RUNTIME_DIR", "/run/user/1", 1);
		ck_assert_str_eq(ts_hub_default_dir(buf, sizeof(buf)),
				 "/run/user/1/synfin-hub");
		unsetenv("XDG_RUNTIME_DIR");
		snprintf(want, sizeof(want), "/tmp/synfin-hub-%u",
			 (unsigned)geteuid());
		ck_assert_str_eq(ts_hub_default_dir(buf, sizeof(buf)), want);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("link");
	TCase *hub = tcase_create("hub"), *mem = tcase_create("mem"),
	      *addr = tcase_create("addr");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(hub, hub_setup, hub_teardown);
	tcase_add_test(hub, test_hub_two_ports_exchange_frames);
	tcase_add_test(hub, test_hub_broadcast_reaches_every_other_port);
	tcase_add_test(hub, test_hub_non_promiscuous_port_ignores_other_macs);
	tcase_add_test(hub, test_hub_promiscuous_port_sees_all_frames);
	tcase_add_test(hub, test_hub_reply_reaches_port_that_just_attached);
	tcase_add_test(hub, test_hub_stale_port_file_of_dead_process_is_removed);
	tcase_add_test(hub, test_hub_mtu_65535_frames_pass_whole);
	tcase_add_test(hub, test_hub_frame_beyond_mtu_is_refused);
	tcase_add_test(hub, test_hub_creates_directory_0770_and_macs_differ);
	tcase_add_test(hub, test_hub_world_writable_directory_is_refused);
	tcase_add_test(hub, test_hub_given_mac_is_used_and_a_duplicate_refused);
	tcase_add_test(hub, test_hub_default_directory_comes_from_synfin_hub);
	tcase_add_test(hub, test_link_open_bad_impairment_leaves_no_port);
	suite_add_tcase(s, hub);
	tcase_add_test(mem, test_link_open_unknown_kind_is_named);
	tcase_add_test(mem, test_link_open_mtu_out_of_range_is_refused);
	tcase_add_test(mem, test_link_open_packet_on_missing_interface_says_so);
	tcase_add_test(mem, test_mem_pair_delivers_both_ways_and_fd_tracks_queue);
	tcase_add_test(mem, test_mem_inject_is_received_and_sends_are_captured);
	tcase_add_test(mem, test_mem_queue_drops_when_full);
	suite_add_tcase(s, mem);
	tcase_add_test(addr, test_parse_ipv4_accepts_dotted_quads_only);
	tcase_add_test(addr, test_parse_cidr_defaults_to_24);
	tcase_add_test(addr, test_parse_mac_needs_six_colon_separated_pairs);
	tcase_add_test(addr, test_parse_arp_entry);
	tcase_add_test(addr, test_ipv4_str_round_trips);
	tcase_add_test(addr, test_hub_default_dir_follows_environment);
	suite_add_tcase(s, addr);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
