#!/bin/bash
# impair_hub.sh - TCP over a bad network: two stack processes (tsnc) on a
# private hub, the sender's link impaired by the stack's own seeded
# impairer (--impair, both directions: its data and the ACKs it gets).
# Every transfer, $(scaled_mb 64) MiB (a quarter in the sanitizer build),
# must arrive byte-exact (SHA-256):
#   1 %, 5 % and 10 % loss; 5 % reordering; 5 % duplication;
#   1 % corruption (every damaged frame dropped by a checksum, counted by
#   --stats, none delivered); 50 ms delay with 10 ms jitter (that also
#   reorders); and all of these at once.
# "All at once" is paced by the round trip, not the CPU: at 1 % loss
# (and 1 % corruption) and a 100 ms round trip any loss-based TCP is held
# to about MSS/RTT * 1.22/sqrt(p) = 180 KB/s (Mathis et al.), some five
# minutes for 64 MiB. It runs in the background, on a hub of its own,
# while the others run one after the other.
# No root needed: a hub is a directory of AF_UNIX sockets.
. "$top_srcdir/tests/lib.sh"

need_built "$TSNC"
MB=$(scaled_mb 64)
LIMIT=${SYNFIN_IMPAIR_LIMIT:-300}           # seconds for a transfer ...
SLOW_LIMIT=${SYNFIN_IMPAIR_SLOW_LIMIT:-900} # ... and for "all at once"
BUF=(--sndbuf 4194304 --rcvbuf 4194304)

make_file "$T/data" "$MB"
START=$(date +%s)

# counter LOG NAME: a counter from tsnc --stats output (0 when absent)
counter() { awk -v n="$2" '$1 == n { v = $2 } END { print v + 0 }' "$1"; }

# xfer NAME PORT SPEC [HUB LIMIT]: the client sends the data to the
# server on PORT; its link is impaired by SPEC. On the test's hub unless
# another is named; at most LIMIT seconds (default $LIMIT). Logs in
# $T/NAME.cli.log and $T/NAME.srv.log.
xfer() {
	local name=$1 port=$2 spec=$3 hub=${4:-$HUB} limit=${5:-$LIMIT}
	local file="$T/data" srv t0 t1 rc=0
	"$TSNC" -v -l -d --stats "${BUF[@]}" --link "hub:$hub" \
		--address 76.88.16.16/24 "$port" >"$T/$name.out" 2>"$T/$name.srv.log" &
	bg_track $!
	srv=$BG_PID
	wait_until 10 grep -q "listening on" "$T/$name.srv.log"
	t0=$(date +%s.%N)
	bg_run "$limit" "$TSNC" -v --stats "${BUF[@]}" --link "hub:$hub" \
		--address 76.88.16.104/24 --impair "$spec" 76.88.16.16 "$port" \
		<"$file" >/dev/null 2>"$T/$name.cli.log" || rc=$?
	[ "$rc" = 0 ] || fail "$name: the sender failed (status $rc): $(tail -3 "$T/$name.cli.log")"
	bg_wait "$srv" 30 || fail "$name: the receiver failed: $(tail -3 "$T/$name.srv.log")"
	t1=$(date +%s.%N)
	assert_same_file "$file" "$T/$name.out"
	rm -f "$T/$name.out"
	log "$(awk -v n="$name" -v s="$spec" -v b="$(stat -c %s "$file")" \
		-v a="$t0" -v e="$t1" 'BEGIN { printf "%-8s %-58s %5.1f MiB %6.1f s %6.2f MB/s",
		n, s, b / 1048576, e - a, b / (e - a) / 1e6 }') " \
		"rexmt $(counter "$T/$name.cli.log" tcp.retransmits)" \
		"rto $(counter "$T/$name.cli.log" tcp.rto_timeouts)"
}

# sum NAME COUNTER: a counter added over both ends of transfer NAME
sum() { echo $(($(counter "$T/$1.cli.log" "$2") + $(counter "$T/$1.srv.log" "$2"))); }

# xfer_all: all at once, on a hub of its own (run as a background job).
xfer_all() {
	mkdir -p "$T/hub.all"
	xfer all 7120 "loss=1%,reorder=5%,dup=5%,corrupt=1%,delay=50ms,jitter=10ms,seed=18" \
		"$T/hub.all" "$SLOW_LIMIT"
	[ $(($(sum all ip.drop_checksum) + $(sum all tcp.drop_checksum))) -gt 0 ] ||
		fail "all: no checksum error counted"
}

log "$MB MiB per transfer, buffers 4 MiB"
bg_job "$T/all.job.log" xfer_all
job_all=$BG_PID

xfer loss1 7101 "loss=1%,seed=11"
xfer loss5 7102 "loss=5%,seed=12"
xfer loss10 7103 "loss=10%,seed=13"
[ "$(counter "$T/loss10.cli.log" tcp.retransmits)" -gt 0 ] ||
	fail "loss10: nothing was retransmitted: is the impairer on?"

xfer reorder 7104 "reorder=5%,seed=14"
[ "$(counter "$T/reorder.srv.log" tcp.out_of_order)" -gt 0 ] ||
	fail "reorder: the receiver saw nothing out of order"

xfer dup 7105 "dup=5%,seed=15"
[ "$(counter "$T/dup.srv.log" tcp.dsack_tx)" -gt 0 ] ||
	fail "dup: the receiver reported no duplicate (D-SACK)"

# Corruption flips one bit beyond the Ethernet header: the IPv4 header
# checksum or the TCP checksum must catch every one (the bytes prove none
# got through).
xfer corrupt 7106 "corrupt=1%,seed=16"
bad=$(($(sum corrupt ip.drop_checksum) + $(sum corrupt tcp.drop_checksum)))
log "corrupt: $bad frames dropped by checksum" \
	"(ip $(sum corrupt ip.drop_checksum), tcp $(sum corrupt tcp.drop_checksum))"
[ "$bad" -gt 0 ] || fail "corrupt: no checksum error counted"

xfer delay 7107 "delay=50ms,jitter=10ms,seed=17"

rc=0
bg_wait "$job_all" $((SLOW_LIMIT + 60)) || rc=$?
cat "$T/all.job.log"
[ "$rc" = 0 ] || fail "all: failed (status $rc)"
log "all impaired transfers byte-exact in $(($(date +%s) - START)) s"
