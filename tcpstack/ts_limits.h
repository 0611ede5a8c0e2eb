/*
 * ts_limits.h - every default and limit of tcpstack, named in one place.
 * Times are in microseconds unless the name says otherwise.
 */
#ifndef TS_LIMITS_H
#define TS_LIMITS_H

/* Link. */
#define TS_MTU_DEFAULT 1500u
#define TS_MTU_MIN 68u
#define TS_MTU_MAX 65535u
#define TS_FRAME_MAX (14u + TS_MTU_MAX) /* Ethernet header + payload */

/* Link drivers (link_*.c). */
#define TS_LINK_SOCKBUF (4u * 1024u * 1024u) /* hub/packet socket buffers  */
#define TS_HUB_PEERS_MAX 256u         /* ports one hub port sends to       */
#define TS_HUB_RESCAN_CHECK (1ULL * TS_USEC_PER_MSEC) /* dir change poll  */
#define TS_HUB_RECV_SKIP_MAX 64u      /* filtered frames skipped per recv  */
#define TS_HUB_BACKLOG_BYTES (4u * 1024u * 1024u) /* per peer, waiting */
#define TS_PACKET_BATCH 32u           /* frames per recvmmsg               */
#define TS_MEM_QUEUE_MAX 16384u       /* frames queued per mem link         */

/* Impairment layer (link_impair.c). */
#define TS_IMPAIR_QUEUE_MAX 65536u    /* frames held back per direction    */
#define TS_IMPAIR_HELD_MAX 64u        /* reordered frames held at once     */
#define TS_IMPAIR_DEPTH_MAX 64u       /* reorder depth limit               */
#define TS_IMPAIR_DEPTH_DEFAULT 3u
#define TS_IMPAIR_HOLD_MAX (10ULL * TS_USEC_PER_MSEC) /* reorder hold cap  */
#define TS_IMPAIR_TIME_MAX (60ULL * TS_USEC_PER_SEC)  /* delay/jitter cap  */
#define TS_IMPAIR_SPEC_MAX 512u       /* characters in an impairment spec  */

/* libevent glue and bufferevent adapter (ts_event.c, ts_bufferevent.c). */
#define TS_EV_DRAIN_MAX 256u          /* frames read per link callback     */
#define TS_EV_LINK_BACKOFF (100ULL * TS_USEC_PER_MSEC) /* after a link error */
#define TS_BEV_RX_HIGH (256u * 1024u) /* app-side bytes before rx pauses   */
#define TS_BEV_TX_HIGH (256u * 1024u) /* bytes queued toward ts_send       */
#define TS_BEV_IO_CHUNK (64u * 1024u) /* bytes per ts_recv into an evbuffer */

/* ARP. */
#define TS_ARP_CACHE_SIZE 256u
#define TS_ARP_ENTRY_TTL (300ULL * TS_USEC_PER_SEC)
#define TS_ARP_RETRY_INTERVAL (1ULL * TS_USEC_PER_SEC)
#define TS_ARP_MAX_TRIES 3u        /* requests before queued packets drop  */
#define TS_ARP_QUEUE_PER_ENTRY 16u /* packets held while resolving one IP */
#define TS_WARN_LINE_MAX 256u      /* a warning line (config.warn_line)    */
/* Duplicate-address detection before announcing (RFC 5227 in miniature,
 * ts_ev_address_taken): probes sent, then the wait for an answer. Short,
 * so start-up stays fast; a station on the same link answers in far less. */
#define TS_DAD_PROBES 2u
#define TS_DAD_WAIT_USEC (150ULL * TS_USEC_PER_MSEC)

/* IPv4. */
#define TS_IP_TTL 64u
#define TS_FRAG_TIMEOUT (30ULL * TS_USEC_PER_SEC) /* RFC 791 suggests 15 s+ */
#define TS_FRAG_MEM_MAX (4u * 1024u * 1024u)      /* all reassembly buffers */
#define TS_FRAG_MAX_DATAGRAMS 64u

/* TCP: RFC 9293, RFC 6298, RFC 5681/6928, RFC 7323. */
#define TS_MSL_DEFAULT_MS 30000u   /* the seed: TIME_WAIT = 2*MSL = 60 s  */
#define TS_MSS_DEFAULT 536u        /* RFC 9293 3.7.1: when none announced */
#define TS_MSS_MIN 88u             /* floor against tiny-MSS abuse        */
#define TS_SNDBUF_DEFAULT (1024u * 1024u)
#define TS_RCVBUF_DEFAULT (1024u * 1024u)
#define TS_BUF_MAX (64u * 1024u * 1024u)
#define TS_BUF_MIN 2048u
#define TS_RTO_INITIAL (1ULL * TS_USEC_PER_SEC)       /* RFC 6298 2.1 */
#define TS_RTO_MIN (200ULL * TS_USEC_PER_MSEC)        /* as Linux     */
#define TS_RTO_MAX (60ULL * TS_USEC_PER_SEC)          /* RFC 6298 2.5 */
#define TS_RTO_AFTER_SYN_LOSS (3ULL * TS_USEC_PER_SEC) /* RFC 6298 5.7 */
#define TS_CLOCK_GRANULARITY (1ULL * TS_USEC_PER_MSEC)
#define TS_MAX_RETRIES_DEFAULT 12u
#define TS_SYN_RETRIES_DEFAULT 6u
#define TS_INIT_CWND_SEGS 10u                          /* RFC 6928     */
#define TS_INIT_CWND_BYTES 14600u                      /* RFC 6928     */
#define TS_DELACK_MAX (200ULL * TS_USEC_PER_MSEC)      /* RFC 9293 3.8.6.3 */
#define TS_DELACK_DEFAULT (40ULL * TS_USEC_PER_MSEC)
#define TS_PERSIST_MIN (200ULL * TS_USEC_PER_MSEC)
#define TS_PERSIST_MAX (60ULL * TS_USEC_PER_SEC)
#define TS_KEEPIDLE_DEFAULT_S 7200u
#define TS_KEEPINTVL_DEFAULT_S 75u
#define TS_KEEPCNT_DEFAULT 9u
#define TS_WSCALE_MAX 14u                               /* RFC 7323 2.3 */
#define TS_SACK_BLOCKS_MAX 4u
#define TS_REASS_MAX_SEGMENTS 1024u /* out-of-order segments per connection */
#define TS_CHALLENGE_ACK_LIMIT 1000u /* per second, stack-wide (RFC 5961 7) */
#define TS_DUPACK_THRESHOLD 3u
#define TS_TXREC_MAX 65536u        /* segments in flight per connection     */
#define TS_TLP_EXTRA (2ULL * TS_USEC_PER_MSEC)  /* PTO = 2*SRTT + this (RFC 8985 7.2) */
#define TS_TLP_NO_RTT (1ULL * TS_USEC_PER_SEC)  /* PTO before any RTT sample */
#define TS_RACK_MINRTT_WIN (10ULL * TS_USEC_PER_SEC) /* min_RTT filter window */
#define TS_RACK_REO_MULT_MAX 64u   /* RFC 8985 6.2: reo_wnd growth by D-SACK */
#define TS_RACK_REO_PERSIST 16u    /* recoveries a grown reo_wnd lasts     */

/* Sockets and listeners. */
#define TS_MAX_SOCKETS 65536u
#define TS_BACKLOG_MAX 4096u
#define TS_SYN_QUEUE_MAX 1024u      /* half-open per listener before cookies */
#define TS_SYNCOOKIE_PERIOD (60ULL * TS_USEC_PER_SEC) /* cookie clock tick   */
#define TS_SYNCOOKIE_MAX_AGE 2u     /* ticks a cookie stays valid (as Linux) */
#define TS_SYNCOOKIE_VALID (120ULL * TS_USEC_PER_SEC) /* ACKs checked for a */
                                    /* cookie this long after the last one  */
#define TS_EPHEMERAL_LO 49152u      /* RFC 6335 dynamic range */
#define TS_EPHEMERAL_HI 65535u

/* TIME_WAIT state file and state directory (tcp_statefile.c,
 * tcp_statedir.c). */
#define TS_STATE_ENTRIES_MAX 262144u /* TIME_WAIT entries in a state file  */
#define TS_STATE_MSL_MAX_MS (3600u * 1000u) /* msl a state file may carry */
#define TS_STATE_PATH_MAX 4096u      /* state directory and file names     */
#define TS_STATE_DIR_DEPTH_MAX 64u   /* components mkdir -p creates        */
#define TS_STATE_MARKER_MAX 256u     /* bytes read from a lock/run marker  */

/* Trace. */
#define TS_TRACE_LINE_MAX 512u
#define TS_TRACE_PAYLOAD_MAX 120u  /* characters of decoded payload shown */

#endif /* TS_LIMITS_H */
