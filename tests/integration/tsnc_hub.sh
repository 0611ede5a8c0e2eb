#!/bin/bash
# tsnc_hub.sh - two tsnc processes on a private hub (no root, no real
# network):
#   1. 64 MiB (a quarter under the sanitizers) each way at the same time,
#      byte-exact (SHA-256);
#   2. a connect to a port nobody listens on fails with the RST message;
#   3. a third, promiscuous port (linkprobe sniff) sees the conversation:
#      the handshake, both FINs and every payload byte;
#   4. every hub port is gone after the processes end, also after SIGTERM.
#   5. duplicate-address detection: a second station on 76.88.16.16 fails
#      at start-up naming the address, the holder's MAC and the fix;
#   6. a static ARP entry (--arp): the client sends no ARP request for the
#      server (it does without one); a multicast MAC is refused.
#   7. closing orders, each state line checked (--trace states): the
#      client closes first (FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT; the
#      server CLOSE_WAIT -> LAST_ACK -> CLOSED), then the server; data
#      both ways, byte-exact; then a half-close each way: one side sends
#      1 MiB and shuts its write side, and only then does the other send
#      4 MiB (1 under the sanitizers), all received in FIN_WAIT_2.
. "$top_srcdir/tests/lib.sh"

PROBE="$top_builddir/tests/integration/linkprobe"
need_built "$TSNC" "$PROBE"

SRV=(--link "hub:$HUB" --address 76.88.16.16/24)
CLI=(--link "hub:$HUB" --address 76.88.16.104/24)
MIB=$(scaled_mb 64)

ports() { find "$HUB" -name 'port-*.sock' | wc -l; }

# --- 1. 64 MiB each way, at the same time ---------------------------------
make_file "$T/up.bin" "$MIB"
make_file "$T/down.bin" "$MIB"
bg_start "$T/srv.err" bash -c 'exec "$0" "$@" <"'"$T/down.bin"'" >"'"$T/up.out"'"' \
	"$TSNC" -l -v --stats "${SRV[@]}" 9000
SRV_PID=$BG_PID
wait_until 10 grep -q "listening on" "$T/srv.err"
t0=$(date +%s%N)
timeout 120 "$TSNC" -v --stats "${CLI[@]}" 76.88.16.16 9000 \
	<"$T/up.bin" >"$T/down.out" 2>"$T/cli.err" ||
	fail "client exited with status $? (see $T/cli.err)"
t1=$(date +%s%N)
bg_wait "$SRV_PID" 30 || fail "server exited with status $? (see $T/srv.err)"
assert_same_file "$T/up.bin" "$T/up.out"
assert_same_file "$T/down.bin" "$T/down.out"
ms=$(((t1 - t0) / 1000000))
log "$MIB MiB each way at once in $ms ms ($((2 * MIB * 8389 / (ms + 1))) Mbit/s in all)"
rm -f "$T"/*.bin "$T"/*.out

# --- 2. nobody listens: RST, and a clear message ---------------------------
# The station is there (listening on another port); port 9001 is closed.
bg_start "$T/host.err" "$TSNC" -l -k -d -v "${SRV[@]}" 9000
HOST_PID=$BG_PID
wait_until 10 grep -q "listening on" "$T/host.err"
rc=0
timeout 20 "$TSNC" "${CLI[@]}" 76.88.16.16 9001 </dev/null >"$T/refused.err" 2>&1 ||
	rc=$?
bg_stop "$HOST_PID" TERM || true
[ "$rc" = 1 ] || fail "connect to a closed port: exit $rc, expected 1"
assert_grep "$T/refused.err" \
	"^tsnc: connect to 76\.88\.16\.16:9001: connection refused \(RST received\): nothing listens on that port$"
log "closed port: $(cat "$T/refused.err")"

# --- 3. a promiscuous third port sees the conversation ----------------------
bg_start "$T/sniff.out" "$PROBE" sniff "hub:$HUB" 60
SNIFF_PID=$BG_PID
wait_until 10 grep -q sniffing "$T/sniff.out"
head -c 100000 /dev/urandom >"$T/small.bin"
bg_start "$T/srv2.err" bash -c 'exec "$0" "$@" >"'"$T/small.out"'"' \
	"$TSNC" -l -d -v "${SRV[@]}" 9002
SRV_PID=$BG_PID
wait_until 10 grep -q "listening on" "$T/srv2.err"
timeout 30 "$TSNC" "${CLI[@]}" 76.88.16.16 9002 <"$T/small.bin" >/dev/null 2>"$T/cli2.err" ||
	fail "small transfer: client failed (see $T/cli2.err)"
bg_wait "$SRV_PID" 30 || fail "small transfer: server failed (see $T/srv2.err)"
assert_same_file "$T/small.bin" "$T/small.out"
bg_stop "$SNIFF_PID" TERM || true
assert_grep "$T/sniff.out" "syn=1 synack=1 fin=2 " \
	"the sniffer did not see one handshake and two FINs: $(tail -1 "$T/sniff.out")"
# Retransmissions may repeat bytes, never lose them.
seen=$(sed -n 's/.*payload=\([0-9]*\).*/\1/p' "$T/sniff.out")
[ "${seen:-0}" -ge 100000 ] || fail "the sniffer saw $seen payload bytes of 100000"
log "sniffer: $(tail -1 "$T/sniff.out")"

# --- 4. ports are removed, also after SIGTERM --------------------------------
[ "$(ports)" = 0 ] || fail "hub ports left behind: $(ls "$HUB")"
bg_start "$T/srv3.err" "$TSNC" -l -d -v "${SRV[@]}" 9003
SRV_PID=$BG_PID
wait_until 10 grep -q "listening on" "$T/srv3.err"
[ "$(ports)" = 1 ] || fail "expected one hub port while listening"
bg_stop "$SRV_PID" TERM || true
[ "$(ports)" = 0 ] || fail "SIGTERM left the hub port behind: $(ls "$HUB")"
log "hub ports removed on exit and on SIGTERM"

# --- 5. duplicate-address detection (RFC 5227) -------------------------------
# A second station configured with an address the first holds probes it
# before announcing it, and fails at once naming the address, the MAC
# that holds it, the link and the fix; the first is not disturbed.
bg_start "$T/dad1.err" "$TSNC" -l -d -v "${SRV[@]}" --mac 02:00:00:00:00:10 9004
SRV_PID=$BG_PID
wait_until 10 grep -q "listening on" "$T/dad1.err"
rc=0
t0=$(date +%s%N)
timeout 20 "$TSNC" -l -d "${SRV[@]}" 9005 >/dev/null 2>"$T/dad2.err" || rc=$?
t1=$(date +%s%N)
[ "$rc" = 1 ] || fail "a second station on 76.88.16.16: exit $rc, expected 1 (see $T/dad2.err)"
assert_grep "$T/dad2.err" \
	"^tsnc: address 76\.88\.16\.16 is already in use by 02:00:00:00:00:10 on hub:$HUB; choose another --address or stop the other station$"
[ $(((t1 - t0) / 1000000)) -lt 2000 ] ||
	fail "duplicate-address detection took $(((t1 - t0) / 1000000)) ms"
assert_no_grep "$T/dad1.err" "conflict" "a probe alone made the holder report a conflict"
timeout 20 "$TSNC" "${CLI[@]}" 76.88.16.16 9004 </dev/null >/dev/null 2>"$T/dad3.err" ||
	fail "the holder of 76.88.16.16 no longer answers (see $T/dad3.err)"
bg_wait "$SRV_PID" 10 || fail "the holder failed (see $T/dad1.err)"
log "duplicate address: $(cat "$T/dad2.err")"

# --- 6. a static ARP entry (--arp): no ARP request for that address ----------
# arp_requests PCAP SENDER TARGET: ARP requests SENDER -> who-has TARGET.
arp_requests() {
	"$PY3" - "$@" <<'PY'
import socket, struct, sys
data = open(sys.argv[1], 'rb').read()
spa, tpa = socket.inet_aton(sys.argv[2]), socket.inet_aton(sys.argv[3])
off, n = 24, 0
while off + 16 <= len(data):
    incl = struct.unpack('<I', data[off + 8:off + 12])[0]
    f = data[off + 16:off + 16 + incl]
    off += 16 + incl
    if (len(f) >= 42 and f[12:14] == b'\x08\x06' and f[20:22] == b'\x00\x01'
            and f[28:32] == spa and f[38:42] == tpa):
        n += 1
print(n)
PY
}
for arp in "" "--arp 76.88.16.16=02:00:00:00:00:10"; do
	bg_start "$T/arpsrv.err" "$TSNC" -l -d -v "${SRV[@]}" --mac 02:00:00:00:00:10 9006
	SRV_PID=$BG_PID
	wait_until 10 grep -q "listening on" "$T/arpsrv.err"
	rm -f "$T/arp.pcap"
	# shellcheck disable=SC2086 # $arp is empty or two words
	echo hello | timeout 20 "$TSNC" "${CLI[@]}" $arp --pcap "$T/arp.pcap" \
		76.88.16.16 9006 >/dev/null 2>"$T/arpcli.err" ||
		fail "connect ${arp:-without --arp} failed (see $T/arpcli.err)"
	bg_wait "$SRV_PID" 10 || fail "server failed (see $T/arpsrv.err)"
	n=$(arp_requests "$T/arp.pcap" 76.88.16.104 76.88.16.16)
	if [ -z "$arp" ]; then
		[ "$n" -ge 1 ] || fail "without --arp the client sent $n ARP requests for 76.88.16.16"
	else
		[ "$n" = 0 ] || fail "with $arp the client still sent $n ARP requests for 76.88.16.16"
	fi
	log "${arp:-no --arp}: $n ARP requests for 76.88.16.16"
done
rc=0
"$TSNC" "${CLI[@]}" --arp 76.88.16.16=01:00:5e:00:00:01 76.88.16.16 9 \
	</dev/null 2>"$T/arpbad.err" || rc=$?
[ "$rc" = 1 ] || fail "--arp with a multicast MAC: exit $rc, expected 1"
assert_grep "$T/arpbad.err" "^tsnc: --arp 76\.88\.16\.16=01:00:5e:00:00:01: invalid value"

# --- 7. closing orders and half-close, state by state ------------------------
# The side that closes first reads a file: end of file sends its FIN. The
# other reads the FIFO $T/NAME.fifo from `feed`, which holds it open until
# that FIN is acknowledged and seen, so the second FIN comes second.
HALF_MIB=$(scaled_mb 4)
make_file "$T/first.bin" 1
make_file "$T/late.bin" "$HALF_MIB"

# feed NAME WHEN FIRST LATE: writes late.bin into $T/NAME.fifo at once
# (WHEN=during) or only after the half-close (after): FIRST (cli or srv)
# in FIN_WAIT_2, LATE in CLOSE_WAIT. Prints how much FIRST had received
# by then.
feed() {
	local name=$1 when=$2 first=$3 late=$4
	exec 3>"$T/$name.fifo"
	if [ "$when" = during ]; then
		cat "$T/late.bin" >&3 || fail "$name: cannot feed $late"
	fi
	wait_until 30 file_has "$T/$name.$first.err" "FIN_WAIT_1 -> FIN_WAIT_2"
	wait_until 30 file_has "$T/$name.$late.err" "ESTABLISHED -> CLOSE_WAIT"
	echo "before the half-close $first had received $(stat -c %s "$T/$name.$first.out")"
	if [ "$when" = after ]; then
		cat "$T/late.bin" >&3 || fail "$name: cannot feed $late"
	fi
}

# closing NAME PORT FIRST WHEN: one connection over the hub in which FIRST
# (cli or srv) closes first; see feed for WHEN.
closing() {
	local name=$1 port=$2 first=$3 when=$4 late=cli srv_in cli_in t0 t1
	local feed_pid srv_pid opened
	[ "$first" = cli ] && late=srv
	mkfifo "$T/$name.fifo"
	srv_in=$T/first.bin cli_in=$T/$name.fifo
	[ "$first" = cli ] && srv_in=$T/$name.fifo cli_in=$T/first.bin
	t0=$(date +%s%N)
	bg_start "$T/$name.feed" feed "$name" "$when" "$first" "$late"
	feed_pid=$BG_PID
	tsnc_bg "" "$T/$name.srv.out" "$T/$name.srv.err" "$srv_in" -l "${SRV[@]}" "$port"
	srv_pid=$BG_PID
	wait_until 10 file_has "$T/$name.srv.err" "listening on"
	tsnc_bg "" "$T/$name.cli.out" "$T/$name.cli.err" "$cli_in" "${CLI[@]}" 76.88.16.16 "$port"
	bg_wait "$BG_PID" 60 || fail "$name: client exited with status $? (see $T/$name.cli.err)"
	bg_wait "$srv_pid" 30 || fail "$name: server exited with status $? (see $T/$name.srv.err)"
	bg_wait "$feed_pid" 10 || fail "$name: feeding $late failed: $(cat "$T/$name.feed")"
	t1=$(date +%s%N)
	assert_same_file "$T/first.bin" "$T/$name.$late.out"
	assert_same_file "$T/late.bin" "$T/$name.$first.out"
	opened=$([ "$first" = cli ] && echo CLOSED SYN_SENT || echo LISTEN SYN_RECEIVED)
	# shellcheck disable=SC2086 # $opened is two states
	assert_states "$T/$name.$first.err" $opened ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT
	opened=$([ "$late" = cli ] && echo CLOSED SYN_SENT || echo LISTEN SYN_RECEIVED)
	# shellcheck disable=SC2086
	assert_states "$T/$name.$late.err" $opened ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED
	# After the half-close: every byte of late.bin reached FIRST in FIN_WAIT_2.
	[ "$when" = during ] || assert_grep "$T/$name.feed" "had received 0$" \
		"$name: $first received data before its half-close: $(cat "$T/$name.feed")"
	log "$name: $first closed first, $when: $(tcp_states "$T/$name.$first.err") /" \
		"$late: $(tcp_states "$T/$name.$late.err") ($(((t1 - t0) / 1000000)) ms)"
}

closing cli-first 9010 cli during
closing srv-first 9011 srv during
closing cli-half 9012 cli after
closing srv-half 9013 srv after
