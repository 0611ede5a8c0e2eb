#!/bin/bash
# ping_arp.sh - Linux in one namespace pings the stack on a veth in
# another (AF_PACKET link): ARP resolution both ways, echo replies checked
# byte for byte, a 3000-byte ping fragmented by Linux, reassembled and
# answered in fragments, and a gratuitous ARP for the stack's address
# reported as an address conflict. The capture the stack wrote is read by
# tshark: no malformed packet, no bad checksum.
. "$top_srcdir/tests/lib.sh"

need_root
need_cmd ip
RESP="$top_builddir/tests/integration/net_responder"
${MAKE:-make} -C "$top_builddir" tests/integration/net_responder >"$T/build.log" 2>&1 ||
	fail "cannot build $RESP (see $T/build.log)"

# Not $(netns_new ...): in a subshell the namespace would not be recorded
# for removal at exit.
netns_new stk >/dev/null
netns_new lnx >/dev/null
NS_S="$TAG-stk"
NS_L="$TAG-lnx"
IF_S="${TAG}s"
IF_L="${TAG}l"
veth_new "$NS_S" "$IF_S" "$NS_L" "$IF_L"
# Only the Linux side has a kernel address; the stack owns 76.88.16.16.
ip -n "$NS_L" addr add 76.88.16.104/24 dev "$IF_L"

bg_start "$T/resp.out" ip netns exec "$NS_S" "$RESP" "packet:$IF_S" 76.88.16.16/24 60 "$T/resp.pcap"
# ip netns exec execs the driver, so the recorded pid is the driver's.
RESP_PID=$BG_PID
wait_until 10 grep -q '^ready' "$T/resp.out"

# pinger DST COUNT SIZE: echo requests from a raw socket (the kernel does
# ARP and fragments), each reply checked; 2 s per request at most.
pinger() {
	in_ns "$NS_L" "$PY3" - "$@" <<'PY'
import os, socket, struct, sys, time
dst, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER: DONT (fragment)
s.settimeout(0.5)
ident, ok = os.getpid() & 0xffff, 0
for seq in range(1, count + 1):
    payload = bytes((i * 7 + seq) & 0xff for i in range(size))
    c = csum(struct.pack('!BBHHH', 8, 0, 0, ident, seq) + payload)
    s.sendto(struct.pack('!BBHHH', 8, 0, c, ident, seq) + payload, (dst, 0))
    end = time.time() + 2
    while time.time() < end:
        try:
            data, _ = s.recvfrom(70000)
        except socket.timeout:
            continue
        icmp = data[(data[0] & 15) * 4:]
        if (icmp[0] == 0 and icmp[4:8] == struct.pack('!HH', ident, seq)
                and icmp[8:] == payload and csum(icmp) == 0):
            ok += 1
            break
print('%d/%d replies' % (ok, count))
sys.exit(0 if ok == count else 1)
PY
}

pinger 76.88.16.16 3 56 >"$T/ping.out" 2>&1 || fail "ping 76.88.16.16: $(cat "$T/ping.out")"
pinger 76.88.16.16 1 3000 >"$T/ping_big.out" 2>&1 ||
	fail "3000-byte ping (fragmented) not answered: $(cat "$T/ping_big.out")"

mac=$(ip -n "$NS_S" link show "$IF_S" | awk '/link\/ether/ {print $2}')
ip -n "$NS_L" neigh show 76.88.16.16 >"$T/neigh.out"
grep -qi "lladdr $mac" "$T/neigh.out" || fail "Linux did not learn the stack's MAC $mac: $(cat "$T/neigh.out")"

# Another station claims the stack's address (gratuitous ARP).
in_ns "$NS_L" "$PY3" - "$IF_L" >"$T/garp.out" 2>&1 <<'PY' || fail "could not send the gratuitous ARP"
import sys
from scapy.all import ARP, Ether, sendp
sendp(Ether(dst='ff:ff:ff:ff:ff:ff', src='aa:bb:cc:dd:ee:01') /
      ARP(op=1, hwsrc='aa:bb:cc:dd:ee:01', psrc='76.88.16.16', pdst='76.88.16.16'),
      iface=sys.argv[1], verbose=False)
PY
wait_until 5 grep -q "event arp: address conflict: 76.88.16.16 is also claimed by aa:bb:cc:dd:ee:01" "$T/resp.out"

bg_stop "$RESP_PID" TERM || fail "net_responder failed"
assert_grep "$T/resp.out" "^counter icmp.echo_replied 4$" "expected 4 echo replies counted"
assert_grep "$T/resp.out" "^counter ip.frag_reassembled 1$" "the large ping was not reassembled"
assert_grep "$T/resp.out" "^counter arp.conflict 1$" "conflict not counted"
assert_grep "$T/resp.out" "^counter arp.tx ([2-9]|[1-9][0-9]+)$" "no ARP announcement and reply sent"

if command -v tshark >/dev/null 2>&1; then
	tshark -r "$T/resp.pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
		-Y '_ws.malformed || ip.checksum.status == 0 || icmp.checksum.status == 0' \
		>"$T/bad.out" 2>"$T/tshark.err" || fail "tshark cannot read $T/resp.pcap"
	[ ! -s "$T/bad.out" ] || fail "tshark: malformed or bad checksums: $(cat "$T/bad.out")"
fi
log "PASS: ARP both ways, 4 echo replies (one fragmented), conflict detected"
