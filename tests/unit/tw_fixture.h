/*
 * tw_fixture.h - TIME_WAIT scenes on top of tcp_fixture: the seed's
 * server-first close, a raw peer's connection left in TIME_WAIT, a node
 * "restarted" (its stack replaced by a fresh one, as a new process), and
 * private state directories. Shared by check_tcp_timewait and
 * check_tcp_statefile.
 */
#ifndef TW_FIXTURE_H
#define TW_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp_fixture.h"

#define TW_PORT 21u             /* the server's port, as in the seed     */
#define TW_PEER_PORT 40000u     /* the raw peer's port                   */
#define TW_PEER_ISN 1000u       /* the raw peer's first ISN              */
#define TW_PEER_TS 5000u        /* the raw peer's first TSval            */
#define TW_MS TS_USEC_PER_MSEC
#define TW_SEC TS_USEC_PER_SEC
#define TW_2MSL (60ULL * TW_SEC) /* the fixture's MSL is 30 s            */
#define TW_PATH_MAX 512u

static inline struct ts_stack *tw_srv(void) { return tn.node[TN_SERVER].st; }
static inline struct ts_stack *tw_cli(void) { return tn.node[TN_CLIENT].st; }

/* The client connects from cport to the server's listener ls; the server
 * closes first (the seed's figure 4) and ends in TIME_WAIT. */
void tw_server_closes_first(int ls, uint16_t cport);
/* The same on a listener of its own, closed afterwards: all that is left
 * on TW_PORT is the connection in TIME_WAIT. */
void tw_seed_timewait(uint16_t cport);

/* A raw peer's connection to TW_PORT (with timestamps or not), closed by
 * the server first and left in TIME_WAIT there. */
struct tw_raw {
	int ls;            /* the server's listener              */
	uint32_t rcv_nxt;  /* the server's RCV.NXT (past the FIN) */
	uint32_t ts_recent;/* the server's TS.Recent             */
};
void tw_raw_timewait(struct tw_raw *r, bool ts);
/* The raw peer sends a SYN with seq (and TSval tsval when ts). */
void tw_raw_syn(uint32_t seq, bool ts, uint32_t tsval);

/* Replaces node's stack with a new one of the same configuration (msl_ms
 * 0: unchanged), as a restarted process; its trace goes on in the same
 * line list. */
void tw_restart(unsigned node, uint32_t msl_ms);

/* A private directory (mode 0700) under $TMPDIR or /tmp; tw_rmdir removes
 * it and the files in it. */
void tw_mkdir(char dir[TW_PATH_MAX]);
void tw_rmdir(const char *dir);
/* Number of entries in dir (without . and ..). */
unsigned tw_dir_count(const char *dir);

#endif /* TW_FIXTURE_H */
