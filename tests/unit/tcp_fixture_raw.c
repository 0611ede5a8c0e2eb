/*
 * tcp_fixture_raw.c - the fixture's scripted ("raw") peer: segments built
 * from RAW_PEER_IP (or a spoofed address) and injected into a node, the
 * node's answers taken, option stripping for filters, and the raw-peer
 * connection helpers (see tcp_fixture.h).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fixture.h"

void tn_syn(unsigned node, uint16_t sport, uint16_t dport, uint32_t seq)
{
	tn_inject(node, sport, dport, seq, 0, TCP_SYN, 65535, NULL, 0, NULL);
}

void tn_inject(unsigned node, uint16_t sport, uint16_t dport, uint32_t seq,
	       uint32_t ack, uint8_t flags, uint16_t wnd, const void *data,
	       size_t len, const struct tcp_opts *opt)
{
	tn_inject_from(node, RAW_PEER_IP, sport, dport, seq, ack, flags, wnd,
		       data, len, opt);
}

void tn_inject_from(unsigned node, uint32_t src_ip, uint16_t sport,
		    uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
		    uint16_t wnd, const void *data, size_t len,
		    const struct tcp_opts *opt)
{
	struct tcp_seg seg;

	memset(&seg, 0, sizeof(seg));
	seg.src_ip = src_ip;
	seg.dst_ip = tn.node[node].ip;
	seg.sport = sport;
	seg.dport = dport;
	seg.seq = seq;
	seg.ack = ack;
	seg.flags = flags;
	seg.wnd = wnd;
	if (opt != NULL)
		seg.opt = *opt;
	seg.payload = data;
	seg.len = (uint32_t)len;
	tn_inject_seg(node, &seg);
}

void tn_inject_seg(unsigned node, const struct tcp_seg *in)
{
	static const uint8_t raw_mac[6] = { 0x02, 0, 0, 0, 0, 0x63 };
	uint8_t frame[TS_FRAME_MAX];
	uint8_t *l4 = frame + ETH_HLEN + IP4_HLEN_MIN;
	struct tcp_seg seg = *in;
	size_t hlen;

	seg.dst_ip = tn.node[node].ip;
	hlen = TCP_HLEN_MIN + tcp_opts_len(&seg.opt);
	if (seg.len > 0)
		memcpy(l4 + hlen, in->payload, seg.len);
	tcp_write(l4, &seg, seg.len);
	ip4_write(frame + ETH_HLEN, IP4_PROTO_TCP, seg.src_ip,
		  tn.node[node].ip, (uint16_t)(hlen + seg.len), 1, true, 64);
	eth_write(frame, tn.node[node].mac, raw_mac, ETH_TYPE_IPV4);
	ts_input(tn.node[node].st, frame, ETH_HLEN + IP4_HLEN_MIN + hlen + seg.len);
}

bool tn_take_seg(unsigned node, struct tcp_seg *seg, uint8_t *payload_copy,
		 size_t cap)
{
	struct tn_node *n = &tn.node[node];
	struct ip4_pkt ip;
	enum ts_counter why;
	struct tn_frame f;

	if (n->nraw_out == 0)
		return false;
	f = n->raw_out[0];
	memmove(&n->raw_out[0], &n->raw_out[1],
		(n->nraw_out - 1) * sizeof(n->raw_out[0]));
	n->nraw_out--;
	ck_assert_int_eq(ip4_parse(f.data + ETH_HLEN, f.len - ETH_HLEN, &ip, &why),
			 WIRE_OK);
	ck_assert_int_eq(tcp_parse(&ip, true, seg, &why), WIRE_OK);
	if (payload_copy != NULL) {
		ck_assert_uint_le(seg->len, cap);
		memcpy(payload_copy, seg->payload, seg->len);
	}
	seg->payload = NULL; /* the frame is freed below */
	free(f.data);
	return true;
}

void tn_clear_raw(unsigned node)
{
	struct tn_node *n = &tn.node[node];
	unsigned i;

	for (i = 0; i < n->nraw_out; i++)
		free(n->raw_out[i].data);
	n->nraw_out = 0;
}

bool tn_strip_option(uint8_t *frame, size_t len, uint8_t kind)
{
	uint8_t *ip = frame + ETH_HLEN, *tcp;
	size_t ihl, hlen, i = TCP_HLEN_MIN;
	bool found = false;

	if (len < ETH_HLEN + IP4_HLEN_MIN || frame[12] != 0x08 || frame[13] != 0 ||
	    ip[9] != IP4_PROTO_TCP)
		return false;
	ihl = (size_t)(ip[0] & 0x0f) * 4u;
	tcp = ip + ihl;
	hlen = (size_t)(tcp[12] >> 4) * 4u;
	while (i < hlen) {
		size_t olen;

		if (tcp[i] == TCPOPT_EOL)
			break;
		if (tcp[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		olen = tcp[i + 1];
		if (olen < 2 || i + olen > hlen)
			break;
		if (tcp[i] == kind) {
			memset(tcp + i, TCPOPT_NOP, olen);
			found = true;
		}
		i += olen;
	}
	if (found) {
		size_t tlen = ((size_t)ip[2] << 8 | ip[3]) - ihl;
		uint32_t src = (uint32_t)ip[12] << 24 | (uint32_t)ip[13] << 16 |
			       (uint32_t)ip[14] << 8 | ip[15];
		uint32_t dst = (uint32_t)ip[16] << 24 | (uint32_t)ip[17] << 16 |
			       (uint32_t)ip[18] << 8 | ip[19];

		tcp_fill_csum(tcp, tlen, src, dst);
	}
	return found;
}

static uint32_t seg_space(const struct tcp_seg *seg)
{
	return seg->len + ((seg->flags & TCP_SYN) ? 1u : 0u) +
	       ((seg->flags & TCP_FIN) ? 1u : 0u);
}

void tn_raw_send(struct tn_raw *c, uint8_t flags, const void *data, size_t len)
{
	struct tcp_seg seg = { .flags = flags, .len = (uint32_t)len };

	tn_inject(c->node, c->peer_port, c->port, c->snd_nxt,
		  (flags & TCP_ACK) ? c->rcv_nxt : 0, flags, c->wnd, data, len,
		  NULL);
	c->snd_nxt += seg_space(&seg);
}

void tn_raw_expect(struct tn_raw *c, struct tcp_seg *seg, uint8_t *payload,
		   size_t cap)
{
	uint8_t buf[TS_MTU_MAX];

	if (!tn_take_seg(c->node, seg, buf, sizeof(buf))) {
		tn_dump(c->node);
		ck_abort_msg("node %u sent nothing to the raw peer", c->node);
	}
	if (payload != NULL)
		memcpy(payload, buf, seg->len < cap ? seg->len : cap);
	if (seg->seq == c->rcv_nxt || (seg->flags & TCP_SYN))
		c->rcv_nxt = seg->seq + seg_space(seg);
}

void tn_raw_passive(struct tn_raw *c, unsigned node, uint16_t port,
		    uint16_t peer_port, uint32_t peer_isn,
		    const struct tcp_opts *syn_opt)
{
	struct tcp_seg seg;

	memset(c, 0, sizeof(*c));
	c->node = node;
	c->port = port;
	c->peer_port = peer_port;
	c->wnd = 65535;
	c->lsock = tn_listen(node, port);
	tn_inject(node, peer_port, port, peer_isn, 0, TCP_SYN, c->wnd, NULL, 0,
		  syn_opt);
	c->snd_nxt = peer_isn + 1;
	tn_raw_expect(c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.flags, TCP_SYN | TCP_ACK);
	ck_assert_uint_eq(seg.ack, peer_isn + 1);
	tn_raw_send(c, TCP_ACK, NULL, 0);
	c->sock = ts_accept(tn.node[node].st, c->lsock, NULL);
	ck_assert_int_ge(c->sock, 0);
	tn_watch(node, c->sock);
	ck_assert_int_eq(tn_state(node, c->sock), TS_ESTABLISHED);
}

void tn_raw_active(struct tn_raw *c, unsigned node, uint16_t peer_port,
		   uint32_t peer_isn, const struct tcp_opts *synack_opt)
{
	struct ts_sockinfo info;
	struct tcp_seg seg;

	memset(c, 0, sizeof(*c));
	c->node = node;
	c->lsock = -1;
	c->peer_port = peer_port;
	c->wnd = 65535;
	c->sock = tn_connect(node, RAW_PEER_IP, peer_port, 0);
	ck_assert_int_eq(ts_getinfo(tn.node[node].st, c->sock, &info), 0);
	c->port = info.local.port;
	tn_raw_expect(c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.flags, TCP_SYN);
	tn_inject(node, peer_port, c->port, peer_isn, c->rcv_nxt,
		  TCP_SYN | TCP_ACK, c->wnd, NULL, 0, synack_opt);
	c->snd_nxt = peer_isn + 1;
	tn_raw_expect(c, &seg, NULL, 0);
	ck_assert_uint_eq(seg.flags, TCP_ACK);
	ck_assert_uint_eq(seg.ack, peer_isn + 1);
	ck_assert_int_eq(tn_state(node, c->sock), TS_ESTABLISHED);
}
