/*
 * tw_fixture.c - see tw_fixture.h.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tw_fixture.h"

#define DIR_ENTRIES_MAX 1000u /* files a test directory may hold */

void tw_server_closes_first(int ls, uint16_t cport)
{
	int cs = tn_connect(TN_CLIENT, TN_IP_SERVER, TW_PORT, cport);
	struct tcb *tw;
	int as;

	tn_run(10 * TW_MS);
	as = tn_accept(TN_SERVER, ls);
	ck_assert_int_ge(as, 0);
	ck_assert_int_eq(ts_close(tw_srv(), as), 0);
	tn_run(10 * TW_MS);
	ck_assert_int_eq(ts_close(tw_cli(), cs), 0);
	tn_run(10 * TW_MS);
	tw = tn_tcb(TN_SERVER, TW_PORT, TN_IP_CLIENT, cport);
	ck_assert_ptr_nonnull(tw);
	ck_assert_int_eq(tw->state, TS_TIME_WAIT);
}

void tw_seed_timewait(uint16_t cport)
{
	int ls = tn_listen(TN_SERVER, TW_PORT);

	tw_server_closes_first(ls, cport);
	ck_assert_int_eq(ts_close(tw_srv(), ls), 0);
}

static void raw_send(uint32_t seq, uint32_t ack, uint8_t flags,
		     const struct tcp_opts *o)
{
	tn_inject(TN_SERVER, TW_PEER_PORT, TW_PORT, seq, ack, flags, 65535,
		  NULL, 0, o);
}

static void raw_take(struct tcp_seg *seg, uint8_t flags)
{
	if (!tn_take_seg(TN_SERVER, seg, NULL, 0)) {
		tn_dump(TN_SERVER);
		ck_abort_msg("the server sent nothing to the raw peer");
	}
	ck_assert_uint_eq(seg->flags, flags);
}

void tw_raw_timewait(struct tw_raw *r, bool ts)
{
	struct tcp_opts o;
	struct tcp_seg seg;
	uint32_t srv_isn;
	struct tcb *tw;
	int as;

	memset(&o, 0, sizeof(o));
	o.ts_present = ts;
	o.tsval = TW_PEER_TS;
	r->ls = tn_listen(TN_SERVER, TW_PORT);
	raw_send(TW_PEER_ISN, 0, TCP_SYN, &o);
	raw_take(&seg, TCP_SYN | TCP_ACK);
	srv_isn = seg.seq;
	o.tsecr = seg.opt.tsval;
	o.tsval = TW_PEER_TS + 1;
	raw_send(TW_PEER_ISN + 1, srv_isn + 1, TCP_ACK, &o);
	as = ts_accept(tw_srv(), r->ls, NULL);
	ck_assert_int_ge(as, 0);
	ck_assert_int_eq(ts_close(tw_srv(), as), 0);
	raw_take(&seg, TCP_FIN | TCP_ACK);
	o.tsecr = seg.opt.tsval;
	o.tsval = TW_PEER_TS + 2;
	raw_send(TW_PEER_ISN + 1, srv_isn + 2, TCP_FIN | TCP_ACK, &o);
	raw_take(&seg, TCP_ACK);
	ck_assert_uint_eq(seg.ack, TW_PEER_ISN + 2);
	tw = tn_tcb(TN_SERVER, TW_PORT, RAW_PEER_IP, TW_PEER_PORT);
	ck_assert_ptr_nonnull(tw);
	ck_assert_int_eq(tw->state, TS_TIME_WAIT);
	r->rcv_nxt = TW_PEER_ISN + 2;
	r->ts_recent = TW_PEER_TS + 2;
}

void tw_raw_syn(uint32_t seq, bool ts, uint32_t tsval)
{
	struct tcp_opts o;

	memset(&o, 0, sizeof(o));
	o.ts_present = ts;
	o.tsval = tsval;
	o.mss_present = true;
	o.mss = 1460;
	raw_send(seq, 0, TCP_SYN, &o);
}

void tw_restart(unsigned node, uint32_t msl_ms)
{
	static const uint8_t raw_mac[6] = { 0x02, 0, 0, 0, 0, 0x63 };
	struct tn_node *n = &tn.node[node];
	struct ts_stack_config cfg = n->st->cfg;
	unsigned i;
	int err = 0;

	ts_stack_free(n->st);
	if (msl_ms != 0)
		cfg.msl_ms = msl_ms;
	n->st = ts_stack_new(&cfg, &err);
	ck_assert_msg(n->st != NULL, "ts_stack_new: %d", err);
	memset(n->events, 0, sizeof(n->events));
	for (i = 0; i < tn.nnodes; i++)
		if (i != node)
			ts_arp_add_static(n->st, tn.node[i].ip, tn.node[i].mac);
	ts_arp_add_static(n->st, RAW_PEER_IP, raw_mac);
}

void tw_mkdir(char dir[TW_PATH_MAX])
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, TW_PATH_MAX, "%s/check_tw.XXXXXX",
		 tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

void tw_rmdir(const char *dir)
{
	char path[TW_PATH_MAX * 2];
	struct dirent *d;
	unsigned n = 0;
	DIR *dp = opendir(dir);

	if (dp == NULL)
		return;
	while ((d = readdir(dp)) != NULL && n++ < DIR_ENTRIES_MAX) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		unlink(path);
	}
	closedir(dp);
	ck_assert_int_eq(rmdir(dir), 0);
}

unsigned tw_dir_count(const char *dir)
{
	struct dirent *d;
	unsigned n = 0, seen = 0;
	DIR *dp = opendir(dir);

	ck_assert_ptr_nonnull(dp);
	while ((d = readdir(dp)) != NULL && seen++ < DIR_ENTRIES_MAX)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}
