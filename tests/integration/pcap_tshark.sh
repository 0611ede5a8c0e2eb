#!/bin/bash
# pcap_tshark.sh - tshark reads a pcap file written by the stack (ARP, ICMP
# echo, a TCP SYN with options, a checksum-offloaded segment) and finds no
# malformed packet and no bad IPv4/TCP/ICMP checksum.
. "$top_srcdir/tests/lib.sh"

need_cmd tshark
need_built "$top_builddir/tests/unit/check_trace"

PCAP="$T/sample.pcap"
SYNFIN_PCAP_SAMPLE="$PCAP" CK_RUN_CASE=sample CK_FORK=no \
	"$top_builddir/tests/unit/check_trace" >"$T/check.out" 2>&1 ||
	fail "check_trace could not write the sample capture"
[ -s "$PCAP" ] || fail "no capture written at $PCAP"

# tshark refuses to run as root from some directories; read from $T.
tshark -r "$PCAP" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
	-T fields -e frame.number -e _ws.col.Protocol -e _ws.col.Info \
	>"$T/tshark.out" 2>"$T/tshark.err" || fail "tshark cannot read the capture"
tshark -r "$PCAP" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
	-Y '_ws.malformed || _ws.expert.severity >= error || tcp.checksum.status == 0 || ip.checksum.status == 0 || icmp.checksum.status == 0' \
	>"$T/bad.out" 2>>"$T/tshark.err" || fail "tshark cannot filter the capture"

frames=$(wc -l <"$T/tshark.out")
[ "$frames" -eq 6 ] || fail "expected 6 frames in the capture, tshark saw $frames"
assert_grep "$T/tshark.out" "ARP" "no ARP frame decoded"
assert_grep "$T/tshark.out" "Echo \(ping\) reply" "no ICMP echo reply decoded"
assert_grep "$T/tshark.out" "MSS=1460.*SACK_PERM.*TSval=5.*WS=128" "SYN options not decoded"
assert_grep "$T/tshark.out" "USER anonymous" "FTP command in the offloaded segment not decoded"
[ ! -s "$T/bad.out" ] || { cat "$T/bad.out"; fail "tshark reports malformed packets or bad checksums"; }
log "PASS: $frames frames, no malformed packet, no bad checksum"
