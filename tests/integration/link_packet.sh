#!/bin/bash
# link_packet.sh - the packet, tap and tun drivers against real devices,
# all inside network namespaces this test makes (root):
#   1. packet -> packet over a veth pair: 2000 full-size frames arrive
#      whole, to the interface's MAC and (promiscuous) to a generated one;
#   2. a SYN the kernel sends over the veth arrives with its checksum left
#      to offload, and the driver says so (TP_STATUS_CSUMNOTREADY); with
#      the kernel's tx checksum offload off (ethtool), it does not;
#   3. tap: the kernel behind the device answers our ARP request;
#   4. tun: the kernel behind the device answers our ICMP echo request.
. "$top_srcdir/tests/lib.sh"

PROBE="$top_builddir/tests/integration/linkprobe"
need_root
need_built "$PROBE"

NS1=$(netns_new a)
NS2=$(netns_new b)
V1="${TAG}a"
V2="${TAG}b"
veth_new "$NS1" "$V1" "$NS2" "$V2"
mac_of() { ip -n "$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
MAC2=$(mac_of "$NS2" "$V2")
GEN=02:5e:00:00:00:16 # a MAC no interface has: needs promiscuous mode

# --- 1. frames across the veth ---------------------------------------------
for dst in "$MAC2" "$GEN"; do
	extra=()
	[ "$dst" = "$GEN" ] && extra=(--mac "$GEN")
	bg_start "$T/recv.out" in_ns "$NS2" "$PROBE" recv "packet:$V2" 2000 20 "${extra[@]}"
	RECV_PID=$BG_PID
	# The receiver is attached once its socket exists; give it a moment
	# by waiting for the namespace's packet socket to appear.
	wait_until 10 sh -c "ip netns exec '$NS2' ss -0 -a | grep -q ."
	in_ns "$NS1" "$PROBE" send "packet:$V1" "$dst" 2000 1514 >"$T/send.out" ||
		fail "send to $dst failed: $(cat "$T/send.out")"
	bg_wait "$RECV_PID" 30 || fail "to $dst: $(cat "$T/recv.out")"
	assert_grep "$T/recv.out" "received 2000 of 2000 test frames, 0 damaged"
	log "packet -> packet to $dst: $(cat "$T/recv.out")"
done

# --- 2. the kernel's SYN and checksum offload --------------------------------
ip -n "$NS2" addr add 76.88.16.2/24 dev "$V2"
ip -n "$NS2" neigh replace 76.88.16.16 lladdr "$GEN" dev "$V2" nud permanent
kernel_syn() {
	bg_start "$T/syn.out" in_ns "$NS1" "$PROBE" syn "packet:$V1" 10 --mac "$GEN"
	local pid=$BG_PID
	wait_until 10 sh -c "ip netns exec '$NS1' ss -0 -a | grep -q ."
	# Nothing answers; the connect attempt ends by its own timeout.
	in_ns "$NS2" timeout 2 bash -c 'exec 3<>/dev/tcp/76.88.16.16/80' 2>/dev/null
	bg_wait "$pid" 20 || fail "no SYN seen: $(cat "$T/syn.out")"
}
kernel_syn
assert_grep "$T/syn.out" "syn csum_unverified=1" \
	"the offloaded SYN was not reported: $(cat "$T/syn.out")"
log "veth offload: $(cat "$T/syn.out")"
if command -v ethtool >/dev/null 2>&1; then
	in_ns "$NS2" ethtool -K "$V2" tx off >/dev/null 2>&1 ||
		fail "ethtool -K $V2 tx off failed"
	kernel_syn
	assert_grep "$T/syn.out" "syn csum_unverified=0"
	log "offload off: $(cat "$T/syn.out")"
else
	log "ethtool is not installed: the offload-off half is not checked"
fi

# --- 3. tap: ARP with the kernel -----------------------------------------------
TAP="${TAG}t"
ip -n "$NS1" tuntap add dev "$TAP" mode tap || fail "cannot create $TAP in $NS1"
ip -n "$NS1" addr add 76.88.16.1/24 dev "$TAP"
ip -n "$NS1" link set "$TAP" up
in_ns "$NS1" "$PROBE" arp "tap:$TAP" 76.88.16.16 76.88.16.1 10 >"$T/arp.out" ||
	fail "tap: $(cat "$T/arp.out")"
assert_grep "$T/arp.out" "arp reply: 76\.88\.16\.1 is-at"
log "tap: $(cat "$T/arp.out")"

# --- 4. tun: ICMP echo with the kernel ------------------------------------------
TUN="${TAG}u"
ip -n "$NS1" link del "$TAP" # the subnet moves to the tun device
ip -n "$NS1" tuntap add dev "$TUN" mode tun || fail "cannot create $TUN in $NS1"
ip -n "$NS1" addr add 76.88.16.1/24 dev "$TUN"
ip -n "$NS1" link set "$TUN" up
in_ns "$NS1" "$PROBE" ping "tun:$TUN" 76.88.16.16 76.88.16.1 10 >"$T/ping.out" ||
	fail "tun: $(cat "$T/ping.out")"
assert_grep "$T/ping.out" "echo reply from 76\.88\.16\.1"
log "tun: $(cat "$T/ping.out")"
