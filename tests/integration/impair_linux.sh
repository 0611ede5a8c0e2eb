#!/bin/bash
# impair_linux.sh - the stack against Linux's TCP over a lossy link.
# This kernel has no netem qdisc, so the loss is made on the Linux side by
# nftables (`numgen random mod 100 < N drop`): the stack's veth and
# Linux's veth meet on a Linux bridge in a third namespace, whose forward
# chain drops N % of the frames each way - true losses on the wire for
# both ends (a drop in the sender's own output path would be reported to
# its TCP, which just sends again).
# At 1 %, 5 % and 10 % loss, byte-exact by SHA-256:
#   stack -> Linux   tsnc on packet: sends, linux_peer.py receives;
#                    $(scaled_mb 64) MiB at 1 %, 16 at 5 %, 8 at 10 %: a
#                    loss-based sender (CUBIC, ours as Linux's) is held to
#                    about MSS/RTT * 1.22/sqrt(p); Linux's own CUBIC needs
#                    60 s for 16 MiB at 10 % on this link (its default,
#                    BBR, ignores random loss);
#   Linux -> stack   linux_peer.py sends (Linux's default, BBR), tsnc
#                    receives, $(scaled_mb 64) MiB each.
# and, Linux -> stack, 1 % of Linux's segments with a broken TCP checksum
# (nft rewrites the field on the bridge): the stack drops and counts each
# one (its drop counter equals nft's), none is delivered.
# Offloads are off on Linux's end (no TSO super-frames: N % of segments,
# not of 64 KB aggregates, is lost), as in tests/bench/goodput.sh.
. "$top_srcdir/tests/lib.sh"

need_root
need_cmd ip nft ethtool "$PY3"
need_built "$TSNC"
PEER="$top_srcdir/tests/integration/linux_peer.py"
MB=$(scaled_mb 64)
LIMIT=${SYNFIN_IMPAIR_LIMIT:-240}
make_file "$T/data.64" "$MB"
head -c $(($(scaled_mb 16) * 1048576)) "$T/data.64" >"$T/data.16"
head -c $(($(scaled_mb 8) * 1048576)) "$T/data.64" >"$T/data.8"

NS_S=$(netns_new stk) || exit 1
NS_L=$(netns_new lnx) || exit 1
NS_M=$(netns_new mid) || exit 1
IF_S="${TAG}s"
IF_L="${TAG}l"
BR="${TAG}br"
veth_new "$NS_S" "$IF_S" "$NS_M" "${TAG}ms"
veth_new "$NS_L" "$IF_L" "$NS_M" "${TAG}ml"
ip -n "$NS_M" link add "$BR" type bridge || fail "cannot create bridge $BR"
ip -n "$NS_M" link set "${TAG}ms" master "$BR"
ip -n "$NS_M" link set "${TAG}ml" master "$BR"
ip -n "$NS_M" link set "$BR" up
ip -n "$NS_L" addr add 76.88.16.104/24 dev "$IF_L"
in_ns "$NS_L" ethtool -K "$IF_L" tx off tso off gso off gro off >/dev/null 2>&1
in_ns "$NS_S" ethtool -K "$IF_S" tx off gro off >/dev/null 2>&1
LINK=(--link "packet:$IF_S" --address 76.88.16.16/24 --stats)
PORT=7200
START=$(date +%s)

counter() { awk -v n="$2" '$1 == n { v = $2 } END { print v + 0 }' "$1"; }

# loss N: the bridge drops N % of the frames it forwards, each way.
loss() {
	in_ns "$NS_M" nft delete table bridge sfimpair 2>/dev/null
	in_ns "$NS_M" nft -f - <<EOF || fail "nft rejected the loss rule"
table bridge sfimpair {
	chain pass { type filter hook forward priority 0; numgen random mod 100 < $1 drop; }
}
EOF
}

# badsum N: the bridge breaks the TCP checksum of N % of the data segments
# Linux sends (nft rewrites the field), counting them.
badsum() {
	in_ns "$NS_M" nft delete table bridge sfimpair 2>/dev/null
	in_ns "$NS_M" nft -f - <<EOF || fail "nft rejected the checksum rule"
table bridge sfimpair {
	chain pass { type filter hook forward priority 0; ip saddr 76.88.16.104 tcp flags & (syn|fin|rst) == 0 numgen random mod 100 < $1 counter tcp checksum set 0x0bad; }
}
EOF
}

report() {
	log "$(awk -v n="$1" -v b="$(stat -c %s "$DATA")" -v a="$2" -v e="$3" \
		'BEGIN { printf "%-22s %5.1f MiB %6.1f s %7.2f MB/s", n, b / 1048576,
		e - a, b / (e - a) / 1e6 }') $4"
}

# to_linux NAME MIB: the stack sends MIB (64, 16 or 8 scaled) to Linux.
to_linux() {
	local name=$1 peer t0 t1 rc=0
	DATA="$T/data.$2"
	PORT=$((PORT + 1))
	bg_start "$T/$name.peer" ip netns exec "$NS_L" "$PY3" "$PEER" --timeout 60 \
		recv-server 76.88.16.104 "$PORT" "$T/$name.out"
	peer=$BG_PID
	wait_until 10 grep -q "^listening" "$T/$name.peer"
	t0=$(date +%s.%N)
	timeout "$LIMIT" ip netns exec "$NS_S" "$TSNC" "${LINK[@]}" 76.88.16.104 "$PORT" \
		<"$DATA" >/dev/null 2>"$T/$name.log" || rc=$?
	[ "$rc" = 0 ] || fail "$name: tsnc failed (status $rc): $(tail -3 "$T/$name.log")"
	bg_wait "$peer" 30 || fail "$name: Linux receiver failed: $(cat "$T/$name.peer")"
	t1=$(date +%s.%N)
	assert_same_file "$DATA" "$T/$name.out"
	rm -f "$T/$name.out"
	report "$name" "$t0" "$t1" "stack rexmt $(counter "$T/$name.log" tcp.retransmits), rto $(counter "$T/$name.log" tcp.rto_timeouts)"
}

# from_linux NAME: Linux sends 64 MiB (scaled) to the stack.
from_linux() {
	local name=$1 srv t0 t1 rc=0
	DATA="$T/data.64"
	PORT=$((PORT + 1))
	ip netns exec "$NS_S" "$TSNC" -v -l -d "${LINK[@]}" "$PORT" \
		>"$T/$name.out" 2>"$T/$name.log" &
	bg_track $!
	srv=$BG_PID
	wait_until 10 grep -q "listening on" "$T/$name.log"
	t0=$(date +%s.%N)
	timeout "$LIMIT" ip netns exec "$NS_L" "$PY3" "$PEER" --timeout 60 \
		send 76.88.16.16 "$PORT" "$DATA" >"$T/$name.peer" 2>&1 || rc=$?
	[ "$rc" = 0 ] || fail "$name: Linux sender failed (status $rc): $(cat "$T/$name.peer")"
	bg_wait "$srv" 30 || fail "$name: tsnc failed: $(tail -3 "$T/$name.log")"
	t1=$(date +%s.%N)
	assert_same_file "$DATA" "$T/$name.out"
	rm -f "$T/$name.out"
	report "$name" "$t0" "$t1" "stack ooo $(counter "$T/$name.log" tcp.out_of_order), sack blocks $(counter "$T/$name.log" tcp.sack_blocks_tx)"
}

log "loss made by nftables on a Linux bridge"
for n in 1 5 10; do
	loss "$n"
	case $n in 1) size=64 ;; 5) size=16 ;; *) size=8 ;; esac
	to_linux "stack->linux-$n%" "$size"
	[ "$(counter "$T/stack->linux-$n%.log" tcp.retransmits)" -gt 0 ] ||
		fail "stack->linux-$n%: nothing retransmitted: did nftables drop?"
	from_linux "linux->stack-$n%"
	[ "$(counter "$T/linux->stack-$n%.log" tcp.out_of_order)" -gt 0 ] ||
		fail "linux->stack-$n%: nothing out of order: did nftables drop?"
done

# Broken checksums on 1 % of what Linux sends (only segments with data:
# the handshake stays intact). Every one must be dropped by the stack's
# checksum check: as many as nft broke.
badsum 1
from_linux "linux->stack-badsum"
bad=$(counter "$T/linux->stack-badsum.log" tcp.drop_checksum)
broken=$(in_ns "$NS_M" nft list table bridge sfimpair | grep -o 'packets [0-9]*' | cut -d' ' -f2)
log "linux->stack-badsum: nft broke $broken checksums, the stack dropped $bad"
[ "$bad" -gt 0 ] || fail "no checksum error counted"
[ "$bad" = "$broken" ] || fail "$broken segments broken but $bad dropped by checksum"

log "all transfers byte-exact in $(($(date +%s) - START)) s"
