#!/bin/bash
# conform_scapy.sh - the stack's TCP against a scripted peer on a real
# wire: tsnc on one end of a veth pair (packet: link), scapy on the other
# (conform_scapy.py, as 76.88.16.104, an address the kernel there does not
# have, so it stays silent). One fresh tsnc per case:
#   options    MSS, window scale, SACK permitted and timestamps negotiated
#   sack       a hole reported with a SACK block, filled
#   challenge  challenge ACKs for an in-window RST and SYN (RFC 5961)
#   zerowin    zero-window probes with growing intervals
#   cookie     a SYN cookie round trip once the SYN queue is full
#   pmtu       ICMP fragmentation-needed shrinks the segments
#   urgent     urgent data received in line
# The counters tsnc prints (--stats) must agree with what the peer saw.
# The in-process fixture covers the same ground deterministically
# (tests/unit/check_tcp_conform.c and friends); this checks the real
# binary, link and timers.
. "$top_srcdir/tests/lib.sh"

need_root
need_cmd ip "$PY3"
need_built "$TSNC"
"$PY3" -c "import scapy.all" 2>/dev/null ||
	skip "python3-scapy is not installed (Debian package python3-scapy)"
PEER="$top_srcdir/tests/integration/conform_scapy.py"
make_file "$T/data" 1

NS_S=$(netns_new stk) || exit 1
NS_L=$(netns_new scp) || exit 1
IF_S="${TAG}s"
IF_L="${TAG}l"
veth_new "$NS_S" "$IF_S" "$NS_L" "$IF_L"
in_ns "$NS_L" sysctl -qw "net.ipv6.conf.$IF_L.disable_ipv6=1" 2>/dev/null
PORT=7400

counter() { awk -v n="$2" '$1 == n { v = $2 } END { print v + 0 }' "$1"; }

# run CASE INPUT COUNTER MIN: a tsnc listener with INPUT on its stdin (it
# sends that once connected), the peer's case, then COUNTER >= MIN.
run() {
	local c=$1 in=$2 name=$3 min=$4 pid rc=0
	PORT=$((PORT + 1))
	ip netns exec "$NS_S" "$TSNC" -v -l --stats --trace segments,events \
		--link "packet:$IF_S" --address 76.88.16.16/24 "$PORT" \
		<"$in" >"$T/$c.out" 2>"$T/$c.log" &
	bg_track $!
	pid=$BG_PID
	wait_until 10 grep -q "listening on" "$T/$c.log"
	timeout 60 ip netns exec "$NS_L" "$PY3" "$PEER" "$c" "$IF_L" "$PORT" \
		>"$T/$c.peer" 2>&1 || rc=$?
	bg_stop "$pid" TERM
	[ "$rc" = 0 ] || fail "$c: $(grep -v WARNING "$T/$c.peer" | tail -3)"
	log "$(grep '^ok' "$T/$c.peer")"
	[ "$(counter "$T/$c.log" "$name")" -ge "$min" ] ||
		fail "$c: $name is $(counter "$T/$c.log" "$name"), want at least $min"
}

run options /dev/null tcp.passive_opens 1
run sack /dev/null tcp.sack_blocks_tx 1
run challenge /dev/null tcp.challenge_acks 2
run zerowin "$T/data" tcp.zero_window_probes 3
run cookie /dev/null tcp.syncookies_validated 1
assert_grep "$T/cookie.out" "cookie data" "cookie: the data did not reach tsnc's output"
run pmtu "$T/data" tcp.pmtu_lowered 1
run urgent /dev/null tcp.urgent_rx 1
assert_grep "$T/urgent.log" "URG" "urgent: no URG in tsnc's segment trace"
log "all scripted-peer checks passed"
