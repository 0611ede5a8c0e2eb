#!/bin/bash
# synflood.sh - a SYN flood must not stop an established connection.
# tsnc (the stack, on a veth in its own namespace) listens; Linux sends it
# $(scaled_mb 64) MiB on an established connection, and while that runs
# 100 000 SYNs from random ports of 76.88.16.105 (synflood.py, frames
# built with scapy) hit the same listener. Checked:
#   - the transfer keeps moving during the flood (a quarter of it at
#     least arrives meanwhile) and arrives byte-exact (SHA-256);
#   - the stack's memory stays bounded: its peak RSS after the flood is at
#     most RSS_BOUND_MB above its RSS before (a full SYN queue of
#     TS_SYN_QUEUE_MAX half-open connections, then state-free cookies);
#   - SYN cookies were sent (tcp.syncookies_sent, from tsnc --stats);
#   - a new connection while the SYN queue is still full completes on a
#     cookie with Linux (tcp.syncookies_validated) and carries its data.
# The flood's SYN,ACKs are dropped by nftables before Linux's TCP sees
# them (else it would answer each with a RST). Everything stays on the
# veth pair this test made: 76.88.16.105 is an address of the Linux end.
. "$top_srcdir/tests/lib.sh"

need_root
need_cmd ip nft tc "$PY3"
need_built "$TSNC"
"$PY3" -c "import scapy.all" 2>/dev/null ||
	skip "python3-scapy is not installed (Debian package python3-scapy)"
PEER="$top_srcdir/tests/integration/linux_peer.py"
FLOOD="$top_srcdir/tests/integration/synflood.py"
MB=$(scaled_mb 64)
SYNS=100000
RSS_BOUND_MB=64
PORT=7300

make_file "$T/big" "$MB"
make_file "$T/small" 1
cat "$T/big" "$T/small" >"$T/both"

NS_S=$(netns_new stk) || exit 1
NS_L=$(netns_new lnx) || exit 1
IF_S="${TAG}s"
IF_L="${TAG}l"
veth_new "$NS_S" "$IF_S" "$NS_L" "$IF_L"
ip -n "$NS_L" addr add 76.88.16.104/24 dev "$IF_L"
ip -n "$NS_L" addr add 76.88.16.105/24 dev "$IF_L"
in_ns "$NS_L" ethtool -K "$IF_L" tx off tso off gso off >/dev/null 2>&1
# The transfer runs at 200 Mbit/s (about 3 s for 64 MiB), so the flood
# overlaps it.
in_ns "$NS_L" tc qdisc add dev "$IF_L" root tbf rate 200mbit burst 256kb latency 100ms ||
	fail "cannot add a tbf qdisc"
in_ns "$NS_L" nft -f - <<EOF || fail "nft rejected the rule"
table inet sfflood {
	chain in { type filter hook input priority 0; ip daddr 76.88.16.105 drop; }
}
EOF

rss_kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }
counter() { awk -v n="$2" '$1 == n { v = $2 } END { print v + 0 }' "$1"; }
out_size() { stat -c %s "$T/out" 2>/dev/null || echo 0; }
out_at_least() { [ "$(out_size)" -ge "$1" ]; }

ip netns exec "$NS_S" "$TSNC" -v -k -l -d --stats --link "packet:$IF_S" \
	--address 76.88.16.16/24 "$PORT" >"$T/out" 2>"$T/tsnc.log" &
bg_track $!
TS_PID=$BG_PID
wait_until 10 grep -q "listening on" "$T/tsnc.log"

log "Linux sends $MB MiB to the stack"
bg_start "$T/send.peer" ip netns exec "$NS_L" "$PY3" "$PEER" --timeout 60 \
	send 76.88.16.16 "$PORT" "$T/big"
SEND_PID=$BG_PID
wait_until 30 out_at_least 65536
RSS0=$(rss_kb "$TS_PID" VmRSS)
AT_START=$(out_size)
SMAC=$(ip -n "$NS_L" -o link show "$IF_L" | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
DMAC=$(ip -n "$NS_L" neigh show 76.88.16.16 dev "$IF_L" | grep -o 'lladdr [0-9a-f:]*' | cut -d' ' -f2)
[ -n "$SMAC" ] && [ -n "$DMAC" ] || fail "cannot find the MAC addresses on $IF_L"

log "flood: $SYNS SYNs from random ports of 76.88.16.105 during the transfer"
in_ns "$NS_L" "$PY3" "$FLOOD" "$IF_L" "$SMAC" "$DMAC" 76.88.16.105 76.88.16.16 \
	"$PORT" "$SYNS" 7 >"$T/flood.out" 2>"$T/flood.err" ||
	fail "the flood failed: $(cat "$T/flood.err")"
AT_END=$(out_size)
log "$(cat "$T/flood.out") s; $(((AT_END - AT_START) / 1048576)) of $MB MiB arrived meanwhile"
# The point: the established connection kept moving under the flood.
[ $((AT_END - AT_START)) -ge $((MB * 1048576 / 4)) ] ||
	fail "only $(((AT_END - AT_START) / 1024)) KiB arrived during the flood"
bg_wait "$SEND_PID" 120 || fail "the transfer failed during the flood: $(cat "$T/send.peer")"
wait_until 30 out_at_least $((MB * 1048576))
PEAK=$(rss_kb "$TS_PID" VmHWM)
log "stack RSS before the flood $((RSS0 / 1024)) MiB, peak after $((PEAK / 1024)) MiB"
[ $((PEAK - RSS0)) -le $((RSS_BOUND_MB * 1024)) ] ||
	fail "memory grew by $(((PEAK - RSS0) / 1024)) MiB during the flood (bound $RSS_BOUND_MB)"

log "a new connection while the SYN queue is full: a SYN cookie round trip"
in_ns "$NS_L" "$PY3" "$PEER" --timeout 30 send 76.88.16.16 "$PORT" "$T/small" \
	>"$T/small.peer" 2>&1 || fail "the connection on a cookie failed: $(cat "$T/small.peer")"
wait_until 30 out_at_least $(((MB + 1) * 1048576))
bg_stop "$TS_PID" TERM
assert_same_file "$T/both" "$T/out"

sent=$(counter "$T/tsnc.log" tcp.syncookies_sent)
ok=$(counter "$T/tsnc.log" tcp.syncookies_validated)
log "syncookies sent $sent, validated $ok, failed $(counter "$T/tsnc.log" tcp.syncookies_failed);" \
	"SYNs dropped $(counter "$T/tsnc.log" tcp.drop_listen_overflow) (accept queue full)"
[ "$sent" -gt 0 ] || fail "no SYN cookies were sent"
[ "$ok" -ge 1 ] || fail "no SYN cookie was validated"
log "the transfer survived the flood, byte-exact"
