/*
 * ts_counters.h - stack-wide counters in the spirit of `netstat -s`.
 * One X-macro list gives the enum, the stable names and the help text, so
 * adding a counter is one line. Drops have one counter per reason.
 */
#ifndef TS_COUNTERS_H
#define TS_COUNTERS_H

#define TS_COUNTER_LIST(X)                                                   \
	X(LINK_RX_FRAMES, "link.rx_frames", "frames received from the link")    \
	X(LINK_TX_FRAMES, "link.tx_frames", "frames sent to the link")          \
	X(ETH_DROP_SHORT, "eth.drop_short", "frames shorter than an Ethernet header") \
	X(ETH_DROP_NOT_US, "eth.drop_not_us", "frames for another MAC")         \
	X(ETH_DROP_TYPE, "eth.drop_ethertype", "frames of an unsupported EtherType") \
	X(ARP_RX, "arp.rx", "ARP packets received")                             \
	X(ARP_TX, "arp.tx", "ARP packets sent")                                 \
	X(ARP_DROP_BAD, "arp.drop_bad", "malformed ARP packets")                \
	X(ARP_DROP_QUEUE_FULL, "arp.drop_queue_full", "packets dropped: ARP resolve queue full") \
	X(ARP_DROP_UNRESOLVED, "arp.drop_unresolved", "packets dropped: ARP got no answer in time") \
	X(ARP_CONFLICT, "arp.conflict", "another station claims our address")   \
	X(IP_RX, "ip.rx", "IPv4 packets received")                              \
	X(IP_TX, "ip.tx", "IPv4 packets sent")                                  \
	X(IP_DROP_SHORT, "ip.drop_short", "IPv4 packets shorter than their header") \
	X(IP_DROP_VERSION, "ip.drop_version", "IPv4 packets with version != 4") \
	X(IP_DROP_IHL, "ip.drop_ihl", "IPv4 packets with a bad header length")   \
	X(IP_DROP_LEN, "ip.drop_total_length", "IPv4 total length beyond the frame or below the header") \
	X(IP_DROP_CSUM, "ip.drop_checksum", "IPv4 header checksum errors")      \
	X(IP_DROP_TTL, "ip.drop_ttl", "IPv4 packets with TTL 0")                \
	X(IP_DROP_NOT_US, "ip.drop_not_us", "IPv4 packets for another address") \
	X(IP_DROP_PROTO, "ip.drop_protocol", "IPv4 packets of an unsupported protocol") \
	X(IP_DROP_SRC, "ip.drop_bad_source", "IPv4 packets from a broadcast/multicast/own source") \
	X(IP_DROP_NO_ROUTE, "ip.drop_no_route", "packets not sent: destination off-link and no gateway") \
	X(IP_FRAG_RX, "ip.frag_rx", "fragments received")                       \
	X(IP_FRAG_REASSEMBLED, "ip.frag_reassembled", "datagrams reassembled")  \
	X(IP_FRAG_DROP_OVERLAP, "ip.frag_drop_overlap", "fragments dropped: overlap (RFC 5722)") \
	X(IP_FRAG_DROP_MEM, "ip.frag_drop_memory", "fragments dropped: reassembly memory limit") \
	X(IP_FRAG_TIMEOUT, "ip.frag_timeout", "reassemblies abandoned after the timeout") \
	X(IP_FRAG_DROP_BAD, "ip.frag_drop_bad", "malformed fragments")          \
	X(ICMP_RX, "icmp.rx", "ICMP messages received")                         \
	X(ICMP_TX, "icmp.tx", "ICMP messages sent")                             \
	X(ICMP_DROP_BAD, "icmp.drop_bad", "malformed ICMP messages or checksum errors") \
	X(ICMP_ECHO_REPLIED, "icmp.echo_replied", "echo requests answered")     \
	X(ICMP_UNREACH_RX, "icmp.unreach_rx", "destination-unreachable received") \
	X(ICMP_FRAGNEEDED_RX, "icmp.fragneeded_rx", "fragmentation-needed received") \
	X(ICMP_DROP_FORGED, "icmp.drop_forged", "ICMP errors not matching a connection (RFC 5927)") \
	X(TCP_RX, "tcp.rx_segments", "TCP segments received")                   \
	X(TCP_TX, "tcp.tx_segments", "TCP segments sent")                       \
	X(TCP_DROP_SHORT, "tcp.drop_short", "TCP segments shorter than their header") \
	X(TCP_DROP_CSUM, "tcp.drop_checksum", "TCP checksum errors")            \
	X(TCP_DROP_OFFSET, "tcp.drop_bad_offset", "TCP data offset out of range") \
	X(TCP_DROP_OPTIONS, "tcp.drop_bad_options", "TCP options overrunning the header") \
	X(TCP_DROP_NO_SOCKET, "tcp.drop_no_socket", "segments for no connection (answered with RST)") \
	X(TCP_DROP_UNACCEPTABLE, "tcp.drop_unacceptable", "segments outside the receive window") \
	X(TCP_DROP_PAWS, "tcp.drop_paws", "segments rejected by PAWS (RFC 7323)") \
	X(TCP_DROP_BAD_ACK, "tcp.drop_bad_ack", "ACKs outside the acceptable range (RFC 5961)") \
	X(TCP_DROP_QUIET, "tcp.drop_quiet_time", "segments ignored during quiet time") \
	X(TCP_DROP_LISTEN_OVERFLOW, "tcp.drop_listen_overflow", "SYNs and handshake ACKs dropped: accept queue full") \
	X(TCP_DROP_RCVBUF, "tcp.drop_rcvbuf", "data dropped: beyond the receive buffer") \
	X(TCP_ACTIVE_OPENS, "tcp.active_opens", "connections opened actively")  \
	X(TCP_PASSIVE_OPENS, "tcp.passive_opens", "connections accepted")       \
	X(TCP_ESTAB_RESETS, "tcp.estab_resets", "connections reset from ESTABLISHED or CLOSE_WAIT") \
	X(TCP_RST_RX, "tcp.rst_rx", "RSTs received and accepted")               \
	X(TCP_RST_TX, "tcp.rst_tx", "RSTs sent")                                \
	X(TCP_RETRANSMITS, "tcp.retransmits", "segments retransmitted")         \
	X(TCP_FAST_RETRANSMITS, "tcp.fast_retransmits", "fast retransmits")     \
	X(TCP_TIMEOUTS, "tcp.rto_timeouts", "retransmission timeouts")          \
	X(TCP_GIVEUPS, "tcp.giveups", "connections dropped after too many retransmissions") \
	X(TCP_DUPACKS, "tcp.dup_acks", "duplicate ACKs received")               \
	X(TCP_OOO, "tcp.out_of_order", "segments received out of order")        \
	X(TCP_DUP_DATA, "tcp.dup_data", "segments carrying only old data")      \
	X(TCP_SACK_RECOVERIES, "tcp.sack_recoveries", "loss recoveries using SACK") \
	X(TCP_RENO_RECOVERIES, "tcp.reno_recoveries", "NewReno loss recoveries") \
	X(TCP_SACK_BLOCKS_TX, "tcp.sack_blocks_tx", "SACK blocks sent")         \
	X(TCP_DSACK_TX, "tcp.dsack_tx", "duplicate segments reported with D-SACK (RFC 2883)") \
	X(TCP_DSACK_RX, "tcp.dsack_rx", "D-SACKs received: a retransmission was not needed") \
	X(TCP_RACK_LOST, "tcp.rack_lost", "segments RACK found lost (RFC 8985)") \
	X(TCP_LOST_RETRANSMITS, "tcp.lost_retransmits", "retransmissions found lost and sent again") \
	X(TCP_TLP_PROBES, "tcp.tlp_probes", "tail loss probes sent (RFC 8985 7)") \
	X(TCP_UNDO_RECOVERIES, "tcp.recoveries_undone", "fast recoveries undone: D-SACKs showed them spurious") \
	X(TCP_CHALLENGE_ACKS, "tcp.challenge_acks", "challenge ACKs sent (RFC 5961)") \
	X(TCP_CHALLENGE_LIMITED, "tcp.challenge_acks_limited", "challenge ACKs suppressed by the rate limit") \
	X(TCP_COOKIES_SENT, "tcp.syncookies_sent", "SYN cookies sent")          \
	X(TCP_COOKIES_OK, "tcp.syncookies_validated", "SYN cookies validated")  \
	X(TCP_COOKIES_BAD, "tcp.syncookies_failed", "ACKs with an invalid SYN cookie") \
	X(TCP_DELACKS, "tcp.delayed_acks", "delayed ACKs sent")                 \
	X(TCP_ZWP, "tcp.zero_window_probes", "zero-window probes sent")         \
	X(TCP_KEEPALIVE_PROBES, "tcp.keepalive_probes", "keepalive probes sent") \
	X(TCP_KEEPALIVE_DROPS, "tcp.keepalive_drops", "connections dropped by keepalive") \
	X(TCP_PMTU_LOWERED, "tcp.pmtu_lowered", "MSS lowered by ICMP fragmentation-needed") \
	X(TCP_URG_RX, "tcp.urgent_rx", "segments with urgent data received")    \
	X(TCP_TW_RECYCLED, "tcp.timewait_reused", "TIME_WAIT pairs reused by a new SYN (RFC 6191)") \
	X(TCP_TW_EXPIRED, "tcp.timewait_expired", "TIME_WAIT entries expired")

enum ts_counter {
#define TS_COUNTER_ENUM(id, name, help) TS_C_##id,
	TS_COUNTER_LIST(TS_COUNTER_ENUM)
#undef TS_COUNTER_ENUM
	TS_C_COUNT
};

/* Stable dotted name ("tcp.retransmits") and one-line help of a counter. */
const char *ts_counter_name(enum ts_counter c);
const char *ts_counter_help(enum ts_counter c);

#endif /* TS_COUNTERS_H */
