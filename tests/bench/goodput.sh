#!/bin/bash
# goodput.sh - TCP goodput of synfin's stack, with Linux as the reference
# measured in the same run on the same veth pair.
#
#   sudo tests/bench/goodput.sh [SIZE_MB]     (default 1024)
#
# Prints one line per case: MB/s (10^6 bytes per second of payload, from
# the first byte sent to the receiver's EOF) and the ratio to Linux->Linux
# on the same link. Cases:
#   linux->linux      kernel to kernel over the veth (the reference)
#   stack->linux      tsnc on packet: sends, the kernel receives
#   linux->stack      the kernel sends, tsnc on packet: receives
#   stack->stack hub  two tsnc processes on a private hub directory
#   linux->linux 1%   with 1 % loss (nftables numgen drop on the receiver),
#                     Linux's default congestion control (often BBR, which
#                     does not slow down for random loss)
#   linux->linux 1% cubic  the same with CUBIC (TCP_CONGESTION), the
#                     algorithm the stack uses: the like-for-like reference
#   stack->linux 1%   with 1 % loss (the same nftables rule)
# Not a test: it asserts nothing but byte counts; run it by hand.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir/build}
. "$top_srcdir/tests/lib.sh"

need_root
need_cmd ip nft "$PY3"
need_built "$TSNC"
MB=${1:-1024}
BYTES=$((MB * 1048576))
make_file "$T/data" "$MB"

NS_A=$(netns_new a) || exit 1
NS_B=$(netns_new b) || exit 1
IF_A="${TAG}a"
IF_B="${TAG}b"
veth_new "$NS_A" "$IF_A" "$NS_B" "$IF_B"

# Receiver/sender in Python with sendfile: cheap enough that the kernel's
# TCP, not the script, is what is measured.
recv_py='
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1)
print("listening", flush=True)
c, _ = s.accept(); buf = bytearray(1 << 20); n = 0; t0 = None
while True:
    k = c.recv_into(buf)
    if t0 is None: t0 = time.monotonic()
    if not k: break
    n += k
print("got", n, time.monotonic() - t0, flush=True)'
send_py='
import socket, sys
s = socket.socket()
if len(sys.argv) > 4:
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, sys.argv[4].encode())
s.connect((sys.argv[1], int(sys.argv[2])))
with open(sys.argv[3], "rb") as f: s.sendfile(f)
s.close()'

# mbps BYTES SECONDS -> MB/s with one decimal
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / s / 1e6 }'; }

# timed CMD...: runs CMD, prints its wall time in seconds
timed() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>>"$T/bench.err" || return 1
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

# kernel receiver in NS on ADDR:PORT; prints "BYTES SECONDS" when done
linux_recv() {
	local ns=$1 addr=$2 port=$3 out=$4
	ip netns exec "$ns" "$PY3" -c "$recv_py" "$addr" "$port" >"$out" 2>&1 &
	bg_track $!
	wait_until 10 grep -q listening "$out"
}

result() {
	printf '%-22s %9s MB/s   %s\n' "$1" "$2" "${3:-}"
}

ref=""
ratio() { [ -n "$ref" ] && awk -v a="$1" -v b="$ref" 'BEGIN { printf "%.2fx linux->linux", a / b }'; }

# ---- linux -> linux --------------------------------------------------------
ip -n "$NS_A" addr add 76.88.16.104/24 dev "$IF_A"
ip -n "$NS_B" addr add 76.88.16.16/24 dev "$IF_B"
linux_recv "$NS_B" 76.88.16.16 6001 "$T/r1"
ip netns exec "$NS_A" "$PY3" -c "$send_py" 76.88.16.16 6001 "$T/data"
bg_wait "$BG_PID" 120
read -r _ n secs < <(grep "^got" "$T/r1")
[ "$n" = "$BYTES" ] || fail "linux->linux: received $n of $BYTES bytes"
ref=$(mbps "$n" "$secs")
result "linux->linux" "$ref" "(reference)"

# The stack owns 76.88.16.16 from here on: take it off the kernel. The
# reference above ran with the veth's default offloads (Linux as it runs);
# for the stack, Linux's end sends real MTU-sized frames with checksums
# filled in (no TSO super-frames on the AF_PACKET socket).
ip -n "$NS_B" addr del 76.88.16.16/24 dev "$IF_B"
ip netns exec "$NS_A" ethtool -K "$IF_A" tx off >/dev/null 2>&1
STACK=(--link "packet:$IF_B" --address 76.88.16.16/24)

# ---- stack -> linux -----------------------------------------------------------
linux_recv "$NS_A" 76.88.16.104 6002 "$T/r2"
ip netns exec "$NS_B" "$TSNC" "${STACK[@]}" 76.88.16.104 6002 <"$T/data" >/dev/null 2>>"$T/bench.err"
bg_wait "$BG_PID" 300
read -r _ n secs < <(grep "^got" "$T/r2")
[ "$n" = "$BYTES" ] || fail "stack->linux: received $n of $BYTES bytes"
v=$(mbps "$n" "$secs")
result "stack->linux" "$v" "$(ratio "$v")"

# ---- linux -> stack -------------------------------------------------------------
ip netns exec "$NS_B" "$TSNC" -v -l -d "${STACK[@]}" 6003 >"$T/r3.data" 2>"$T/r3.err" &
bg_track $!
TS_PID=$BG_PID
wait_until 10 grep -q "listening on" "$T/r3.err"
secs=$(timed ip netns exec "$NS_A" "$PY3" -c "$send_py" 76.88.16.16 6003 "$T/data")
bg_wait "$TS_PID" 120
n=$(stat -c %s "$T/r3.data")
[ "$n" = "$BYTES" ] || fail "linux->stack: received $n of $BYTES bytes"
v=$(mbps "$n" "$secs")
result "linux->stack" "$v" "$(ratio "$v")"
rm -f "$T/r3.data"

# ---- stack -> stack on the hub ------------------------------------------------
"$TSNC" -v -l -d --link "hub:$HUB" --address 76.88.16.16/24 6004 >"$T/r4.data" 2>"$T/r4.err" &
bg_track $!
TS_PID=$BG_PID
wait_until 10 grep -q "listening on" "$T/r4.err"
secs=$(timed "$TSNC" --link "hub:$HUB" --address 76.88.16.104/24 76.88.16.16 6004 <"$T/data")
bg_wait "$TS_PID" 120
n=$(stat -c %s "$T/r4.data")
[ "$n" = "$BYTES" ] || fail "stack->stack: received $n of $BYTES bytes"
v=$(mbps "$n" "$secs")
result "stack->stack hub" "$v" "$(ratio "$v")"
rm -f "$T/r4.data"

# ---- 1 % loss: nftables drops 1 % of what the receiver gets ----------------
# Offloads off on both ends for both cases, so 1 % of MTU-sized segments
# (not of GRO aggregates) is dropped for Linux as for the stack.
ip netns exec "$NS_B" ethtool -K "$IF_B" tx off gro off >/dev/null 2>&1
ip netns exec "$NS_A" ethtool -K "$IF_A" gro off >/dev/null 2>&1
ip netns exec "$NS_A" nft -f - <<'NFT'
table inet sfloss {
	chain in { type filter hook input priority 0; numgen random mod 100 < 1 drop; }
}
NFT
ip -n "$NS_B" addr add 76.88.16.16/24 dev "$IF_B"
linux_recv "$NS_A" 76.88.16.104 6005 "$T/r5"
ip netns exec "$NS_B" "$PY3" -c "$send_py" 76.88.16.104 6005 "$T/data"
bg_wait "$BG_PID" 300
read -r _ n secs < <(grep "^got" "$T/r5")
[ "$n" = "$BYTES" ] || fail "linux->linux 1%: received $n of $BYTES bytes"
ref_loss=$(mbps "$n" "$secs")
result "linux->linux 1%" "$ref_loss" "(reference at 1 % loss, $(ip netns exec "$NS_B" sysctl -n net.ipv4.tcp_congestion_control))"
linux_recv "$NS_A" 76.88.16.104 6007 "$T/r7"
ip netns exec "$NS_B" "$PY3" -c "$send_py" 76.88.16.104 6007 "$T/data" cubic
bg_wait "$BG_PID" 600
read -r _ n secs < <(grep "^got" "$T/r7")
[ "$n" = "$BYTES" ] || fail "linux->linux 1% cubic: received $n of $BYTES bytes"
ref_cubic=$(mbps "$n" "$secs")
result "linux->linux 1% cubic" "$ref_cubic" "(reference at 1 % loss, CUBIC)"
ip -n "$NS_B" addr del 76.88.16.16/24 dev "$IF_B"

linux_recv "$NS_A" 76.88.16.104 6006 "$T/r6"
ip netns exec "$NS_B" "$TSNC" "${STACK[@]}" 76.88.16.104 6006 <"$T/data" >/dev/null 2>>"$T/bench.err"
bg_wait "$BG_PID" 600
read -r _ n secs < <(grep "^got" "$T/r6")
[ "$n" = "$BYTES" ] || fail "stack->linux 1%: received $n of $BYTES bytes"
v=$(mbps "$n" "$secs")
result "stack->linux 1%" "$v" "$(awk -v a="$v" -v b="$ref_loss" -v c="$ref_cubic" 'BEGIN { printf "%.2fx linux->linux 1%%, %.2fx its CUBIC", a / b, a / c }')"
