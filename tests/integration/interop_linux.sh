#!/bin/bash
# interop_linux.sh - synfin's stack against the Linux kernel's TCP.
#
# The stack (tsnc) runs on one end of a veth pair through the packet: link,
# Linux on the other end in its own namespace. Checked, each byte-exact by
# SHA-256:
#   1. Linux client -> stack server, 64 MiB; Linux closes first, so the
#      stack closes passively (CLOSE_WAIT -> LAST_ACK -> CLOSED);
#   2. stack client -> Linux server, 64 MiB; the stack closes first
#      (FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT);
#   3. half-close by Linux: it sends 1 MiB and shuts its write side, the
#      stack keeps sending 64 MiB to it;
#   4. half-close by the stack: it sends 1 MiB and shuts down writing,
#      Linux then sends 64 MiB that the stack receives;
#   5. connecting to a closed Linux port: RST, "connection refused";
#   6. transfers both ways through a TAP device (tap: link) made inside a
#      namespace, to the Linux kernel there;
#   7. the pcap file of an interop run (Linux's segments reach the stack
#      with offloaded checksums) is read by tshark: no malformed packet,
#      no bad checksum.
. "$top_srcdir/tests/lib.sh"

need_root
need_cmd ip "$PY3"
need_built "$TSNC"
PEER="$top_srcdir/tests/integration/linux_peer.py"
SIZE_MB=${SYNFIN_INTEROP_MB:-$(scaled_mb 64)}

make_file "$T/big" "$SIZE_MB"
make_file "$T/small" 1

NS_S=$(netns_new stk) || exit 1
NS_L=$(netns_new lnx) || exit 1
IF_S="${TAG}s"
IF_L="${TAG}l"
veth_new "$NS_S" "$IF_S" "$NS_L" "$IF_L"
# Only Linux's end has a kernel address: 76.88.16.16 belongs to the stack.
ip -n "$NS_L" addr add 76.88.16.104/24 dev "$IF_L"
LINK=(--link "packet:$IF_S" --address 76.88.16.16/24)

# peer_bg NAME NS ARGS...: linux_peer.py in namespace NS (BG_PID), its
# output in $T/NAME.peer.
peer_bg() {
	local name=$1 ns=$2
	shift 2
	bg_start "$T/$name.peer" ip netns exec "$ns" "$PY3" "$PEER" "$@"
}

# ---- 1. Linux -> stack, Linux closes first --------------------------------
log "1: Linux sends ${SIZE_MB} MiB to the stack and closes first"
# tsnc's stdin is a FIFO this shell holds open until Linux has closed. The
# writer is opened after tsnc is forked, so tsnc does not inherit it (its
# open of the FIFO waits for ours).
mkfifo "$T/hold"
tsnc_bg "$NS_S" "$T/1.out" "$T/1.err" "$T/hold" -l "${LINK[@]}" 5001
TS_PID=$BG_PID
exec 7>"$T/hold"
wait_until 10 file_has "$T/1.err" "listening on"
in_ns "$NS_L" "$PY3" "$PEER" send 76.88.16.16 5001 "$T/big" >"$T/1.peer" 2>&1 ||
	fail "1: Linux could not send to the stack: $(cat "$T/1.peer")"
wait_until 30 file_has "$T/1.err" "ESTABLISHED -> CLOSE_WAIT"
exec 7>&- # Linux has closed: now the stack closes too
bg_wait "$TS_PID" 30 || fail "1: tsnc failed (status $?)"
assert_same_file "$T/big" "$T/1.out"
assert_states "$T/1.err" ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED

# ---- 2. stack -> Linux, the stack closes first ------------------------------
log "2: the stack sends ${SIZE_MB} MiB to Linux and closes first"
peer_bg 2 "$NS_L" recv-server 76.88.16.104 5002 "$T/2.out"
P_PID=$BG_PID
wait_until 10 file_has "$T/2.peer" "^listening"
tsnc_bg "$NS_S" /dev/null "$T/2.err" "$T/big" "${LINK[@]}" 76.88.16.104 5002
bg_wait "$BG_PID" 60 || fail "2: tsnc failed (status $?): $(tail -3 "$T/2.err")"
bg_wait "$P_PID" 10 || fail "2: Linux receiver failed: $(cat "$T/2.peer")"
assert_same_file "$T/big" "$T/2.out"
assert_states "$T/2.err" ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT

# ---- 3. Linux half-closes, the stack keeps sending --------------------------
log "3: Linux sends 1 MiB, shuts its write side; the stack goes on sending"
tsnc_bg "$NS_S" "$T/3.out" "$T/3.err" "$T/big" -l "${LINK[@]}" 5003
TS_PID=$BG_PID
wait_until 10 file_has "$T/3.err" "listening on"
in_ns "$NS_L" "$PY3" "$PEER" halfclose-client 76.88.16.16 5003 "$T/small" "$T/3.back" \
	>"$T/3.peer" 2>&1 || fail "3: Linux side failed: $(cat "$T/3.peer")"
bg_wait "$TS_PID" 30 || fail "3: tsnc failed (status $?)"
assert_same_file "$T/small" "$T/3.out"
assert_same_file "$T/big" "$T/3.back"

# ---- 4. the stack half-closes, Linux keeps sending --------------------------
log "4: the stack sends 1 MiB, shuts down writing; Linux goes on sending"
peer_bg 4 "$NS_L" halfclose-server 76.88.16.104 5004 "$T/big" "$T/4.out"
P_PID=$BG_PID
wait_until 10 file_has "$T/4.peer" "^listening"
tsnc_bg "$NS_S" "$T/4.back" "$T/4.err" "$T/small" "${LINK[@]}" 76.88.16.104 5004
bg_wait "$BG_PID" 60 || fail "4: tsnc failed (status $?): $(tail -3 "$T/4.err")"
bg_wait "$P_PID" 10 || fail "4: Linux side failed: $(cat "$T/4.peer")"
assert_same_file "$T/small" "$T/4.out"
assert_same_file "$T/big" "$T/4.back"
assert_grep "$T/4.err" "ESTABLISHED -> FIN_WAIT_1 \(shutdown" "4: no half-close by the stack"
assert_states "$T/4.err" ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT

# ---- 5. a closed port --------------------------------------------------------
log "5: connecting to a port nobody listens on"
if in_ns "$NS_S" "$TSNC" "${LINK[@]}" 76.88.16.104 5999 </dev/null \
	>/dev/null 2>"$T/5.err"; then
	fail "5: tsnc succeeded connecting to a closed port"
fi
assert_grep "$T/5.err" "connection refused \(RST received\)" "5: no clear 'connection refused' message"

# ---- 6. through a TAP device --------------------------------------------------
log "6: the Linux kernel reaches the stack through a TAP device"
NS_T=$(netns_new tap) || exit 1
TAP="${TAG}t"
ip -n "$NS_T" tuntap add dev "$TAP" mode tap || fail "6: cannot create a TAP device"
ip -n "$NS_T" link set "$TAP" up
ip -n "$NS_T" addr add 76.88.16.104/24 dev "$TAP"
TLINK=(--link "tap:$TAP" --address 76.88.16.16/24)
tsnc_bg "$NS_T" "$T/6.out" "$T/6.err" /dev/null -l "${TLINK[@]}" 5006
TS_PID=$BG_PID
wait_until 10 file_has "$T/6.err" "listening on"
in_ns "$NS_T" "$PY3" "$PEER" send 76.88.16.16 5006 "$T/big" >"$T/6.peer" 2>&1 ||
	fail "6: Linux could not send through the TAP: $(cat "$T/6.peer")"
bg_wait "$TS_PID" 30 || fail "6: tsnc failed (status $?)"
assert_same_file "$T/big" "$T/6.out"
peer_bg 6b "$NS_T" recv-server 76.88.16.104 5007 "$T/6b.out"
P_PID=$BG_PID
wait_until 10 file_has "$T/6b.peer" "^listening"
tsnc_bg "$NS_T" /dev/null "$T/6b.err" "$T/big" "${TLINK[@]}" 76.88.16.104 5007
bg_wait "$BG_PID" 60 || fail "6: tsnc over TAP failed: $(tail -3 "$T/6b.err")"
bg_wait "$P_PID" 10 || fail "6: Linux receiver failed: $(cat "$T/6b.peer")"
assert_same_file "$T/big" "$T/6b.out"

# ---- 7. the capture of an interop run, read by tshark ------------------------
if command -v tshark >/dev/null 2>&1; then
	log "7: tshark reads the pcap of an interop run"
	make_file "$T/mid" 4
	tsnc_bg "$NS_S" "$T/7.out" "$T/7.err" "$T/mid" -l "${LINK[@]}" --pcap "$T/run.pcap" 5008
	TS_PID=$BG_PID
	wait_until 10 file_has "$T/7.err" "listening on"
	in_ns "$NS_L" "$PY3" "$PEER" halfclose-client 76.88.16.16 5008 "$T/mid" "$T/7.back" \
		>"$T/7.peer" 2>&1 || fail "7: Linux side failed: $(cat "$T/7.peer")"
	bg_wait "$TS_PID" 30 || fail "7: tsnc failed (status $?)"
	assert_same_file "$T/mid" "$T/7.out"
	assert_same_file "$T/mid" "$T/7.back"
	tshark -r "$T/run.pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
		-T fields -e frame.number >"$T/7.frames" 2>"$T/7.tshark" ||
		fail "7: tshark cannot read the capture: $(cat "$T/7.tshark")"
	# The payload is random bytes: decoded as data, not offered to
	# heuristic dissectors (Thrift, say) that may claim it and then call
	# it malformed.
	tshark -r "$T/run.pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
		-d tcp.port==5008,data \
		-Y '_ws.malformed || _ws.expert.severity >= error || tcp.checksum.status == 0 || ip.checksum.status == 0' \
		>"$T/7.bad" 2>>"$T/7.tshark" || fail "7: tshark cannot filter the capture"
	# Linux sends TSO super-frames over the veth: one way has ~64 KiB frames.
	[ "$(wc -l <"$T/7.frames")" -gt 2000 ] || fail "7: too few frames in the capture"
	[ ! -s "$T/7.bad" ] || fail "7: tshark reports malformed packets or bad checksums: $(head -5 "$T/7.bad")"
else
	skip "7: tshark is not installed (./bootstrap check installs it)"
fi

log "all interop checks passed"
