#!/bin/bash
# impair_linux.sh - the stack against Linux's TCP over a lossy link.
# This kernel has no netem qdisc, so the loss is made on the Linux side by
# nftables (`numgen random mod 100 < N drop`): the stack's veth and
# Linux's veth meet on a Linux bridge in a third namespace, whose forward
# chain drops N % of the frames each way - true losses on the wire for
# both ends (a drop in the sender's own output path would be reported to
# its TCP, which just sends again). Each transfer has its own port and its
# own rule (N % of the frames to or from that port), so transfers at
# different rates can run at once.
# At 1 %, 5 % and 10 % loss, $(scaled_mb 64) MiB each way (a quarter in the
# sanitizer build), byte-exact by SHA-256:
#   stack -> Linux   tsnc on packet: sends, linux_peer.py receives. A
#                    loss-based sender (CUBIC, ours as Linux's) is held to
#                    about MSS/RTT * 1.22/sqrt(p): at 10 % the window is a
#                    few segments, a flight whose every segment or ACK is
#                    lost is common, and the 200 ms minimum RTO sets the
#                    pace (measured: 3/4 of the time in RTO waits, 0.5
#                    MB/s, about 2 min for 64 MiB; Linux's own CUBIC needs
#                    60 s for 16 MiB on this link; its default, BBR,
#                    ignores random loss). So 5 % and 10 % run in the
#                    background, each from its own stack namespace, while
#                    the rest runs;
#   Linux -> stack   linux_peer.py sends (Linux's default, BBR), tsnc
#                    receives.
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
LIMIT=${SYNFIN_IMPAIR_LIMIT:-300}           # seconds for a fast transfer
SLOW_LIMIT=${SYNFIN_IMPAIR_SLOW_LIMIT:-900} # for one paced by timeouts
DATA="$T/data"
make_file "$DATA" "$MB"

NS_L=$(netns_new lnx) || exit 1
NS_M=$(netns_new mid) || exit 1
IF_L="${TAG}l"
BR="${TAG}br"
ip -n "$NS_M" link add "$BR" type bridge || fail "cannot create bridge $BR"
ip -n "$NS_M" link set "$BR" up
veth_new "$NS_L" "$IF_L" "$NS_M" "${TAG}ml"
ip -n "$NS_M" link set "${TAG}ml" master "$BR"
ip -n "$NS_L" addr add 76.88.16.104/24 dev "$IF_L"
in_ns "$NS_L" ethtool -K "$IF_L" tx off tso off gso off gro off >/dev/null 2>&1
in_ns "$NS_M" nft -f - <<EOF || fail "nft rejected the impairment table"
table bridge sfimpair {
	chain pass { type filter hook forward priority 0; }
}
EOF

# station NAME ADDRESS: a namespace "$TAG-NAME" for one stack process, its
# veth "${TAG}NAME" on the bridge; the stack alone holds ADDRESS. Transfers
# at the same time need a station each: a stack resets connections it
# does not know, such as another stack's on the same interface.
declare -A ADDR
station() {
	local ns
	ns=$(netns_new "$1") || exit 1
	veth_new "$ns" "$TAG$1" "$NS_M" "${TAG}m$1"
	ip -n "$NS_M" link set "${TAG}m$1" master "$BR"
	in_ns "$ns" ethtool -K "$TAG$1" tx off gro off >/dev/null 2>&1
	ADDR[$1]=$2
}
station s 76.88.16.16
station s5 76.88.16.17
station s10 76.88.16.18

# tsnc_on STATION: TSNC_ON becomes the command that runs tsnc (with
# --stats) as the station's stack; arguments follow.
tsnc_on() {
	TSNC_ON=(ip netns exec "$TAG-$1" "$TSNC" --link "packet:$TAG$1"
		--address "${ADDR[$1]}/24" --stats)
}

counter() { awk -v n="$2" '$1 == n { v = $2 } END { print v + 0 }' "$1"; }

# nft_rule RULE...: appends a rule to the bridge's forward chain.
nft_rule() {
	in_ns "$NS_M" nft add rule bridge sfimpair pass "$@" ||
		fail "nft rejected the rule: $*"
}

# loss PORT N: the bridge drops N % of the frames to or from PORT.
loss() {
	nft_rule tcp dport "$1" numgen random mod 100 "<" "$2" drop
	nft_rule tcp sport "$1" numgen random mod 100 "<" "$2" drop
}

report() {
	log "$(awk -v n="$1" -v b="$(stat -c %s "$DATA")" -v a="$2" -v e="$3" \
		'BEGIN { printf "%-22s %5.1f MiB %6.1f s %7.2f MB/s", n, b / 1048576,
		e - a, b / (e - a) / 1e6 }') $4"
}

# to_linux NAME STATION PORT LIMIT: the station's stack sends to Linux on
# PORT, in at most LIMIT seconds; something must have been retransmitted.
to_linux() {
	local name=$1 st=$2 port=$3 limit=$4 peer t0 t1 rc=0
	bg_start "$T/$name.peer" ip netns exec "$NS_L" "$PY3" "$PEER" --timeout 60 \
		recv-server 76.88.16.104 "$port" "$T/$name.out"
	peer=$BG_PID
	wait_until 10 grep -q "^listening" "$T/$name.peer"
	t0=$(date +%s.%N)
	tsnc_on "$st"
	bg_run "$limit" "${TSNC_ON[@]}" 76.88.16.104 "$port" \
		<"$DATA" >/dev/null 2>"$T/$name.log" || rc=$?
	[ "$rc" = 0 ] || fail "$name: tsnc failed (status $rc): $(tail -3 "$T/$name.log")"
	bg_wait "$peer" 30 || fail "$name: Linux receiver failed: $(cat "$T/$name.peer")"
	t1=$(date +%s.%N)
	assert_same_file "$DATA" "$T/$name.out"
	rm -f "$T/$name.out"
	report "$name" "$t0" "$t1" "stack rexmt $(counter "$T/$name.log" tcp.retransmits), rto $(counter "$T/$name.log" tcp.rto_timeouts)"
	[ "$(counter "$T/$name.log" tcp.retransmits)" -gt 0 ] ||
		fail "$name: nothing retransmitted: did nftables drop?"
}

# from_linux NAME PORT: Linux sends to the stack of station s on PORT.
from_linux() {
	local name=$1 port=$2 srv t0 t1 rc=0
	tsnc_on s
	"${TSNC_ON[@]}" -v -l -d "$port" >"$T/$name.out" 2>"$T/$name.log" &
	bg_track $!
	srv=$BG_PID
	wait_until 10 grep -q "listening on" "$T/$name.log"
	t0=$(date +%s.%N)
	bg_run "$LIMIT" ip netns exec "$NS_L" "$PY3" "$PEER" --timeout 60 \
		send 76.88.16.16 "$port" "$DATA" >"$T/$name.peer" 2>&1 || rc=$?
	[ "$rc" = 0 ] || fail "$name: Linux sender failed (status $rc): $(cat "$T/$name.peer")"
	bg_wait "$srv" 30 || fail "$name: tsnc failed: $(tail -3 "$T/$name.log")"
	t1=$(date +%s.%N)
	assert_same_file "$DATA" "$T/$name.out"
	rm -f "$T/$name.out"
	report "$name" "$t0" "$t1" "stack ooo $(counter "$T/$name.log" tcp.out_of_order), sack blocks $(counter "$T/$name.log" tcp.sack_blocks_tx)"
}

START=$(date +%s)
log "loss made by nftables on a Linux bridge, $MB MiB per transfer"
# Paced by timeouts, not by the CPU: in the background meanwhile.
loss 7205 5
bg_job "$T/stack-linux-5.job.log" to_linux "stack->linux-5%" s5 7205 "$SLOW_LIMIT"
job5=$BG_PID
loss 7210 10
bg_job "$T/stack-linux-10.job.log" to_linux "stack->linux-10%" s10 7210 "$SLOW_LIMIT"
job10=$BG_PID

loss 7201 1
to_linux "stack->linux-1%" s 7201 "$LIMIT"
for n in 1 5 10; do
	port=$((7220 + n))
	loss "$port" "$n"
	from_linux "linux->stack-$n%" "$port"
	[ "$(counter "$T/linux->stack-$n%.log" tcp.out_of_order)" -gt 0 ] ||
		fail "linux->stack-$n%: nothing out of order: did nftables drop?"
done

# Broken checksums on 1 % of what Linux sends (only segments with data:
# the handshake stays intact). Every one must be dropped by the stack's
# checksum check: as many as nft broke.
nft_rule ip saddr 76.88.16.104 tcp dport 7230 "tcp flags & (syn|fin|rst) == 0" \
	numgen random mod 100 "<" 1 counter tcp checksum set 0x0bad
from_linux "linux->stack-badsum" 7230
bad=$(counter "$T/linux->stack-badsum.log" tcp.drop_checksum)
broken=$(in_ns "$NS_M" nft list chain bridge sfimpair pass |
	grep 'checksum set' | grep -o 'packets [0-9]*' | cut -d' ' -f2)
log "linux->stack-badsum: nft broke $broken checksums, the stack dropped $bad"
[ "$bad" -gt 0 ] || fail "no checksum error counted"
[ "$bad" = "$broken" ] || fail "$broken segments broken but $bad dropped by checksum"

for job in "$job5:stack-linux-5" "$job10:stack-linux-10"; do
	rc=0
	bg_wait "${job%%:*}" $((SLOW_LIMIT + 60)) || rc=$?
	cat "$T/${job#*:}.job.log"
	[ "$rc" = 0 ] || fail "${job#*:}: failed (status $rc)"
done
log "all transfers byte-exact in $(($(date +%s) - START)) s"
