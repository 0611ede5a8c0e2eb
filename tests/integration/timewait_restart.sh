#!/bin/bash
# timewait_restart.sh - the seed's last lesson with two tsnc processes on
# a private hub (no root, no real network), MSL 2 s:
#   1. a session the server closes first: its side ends in TIME_WAIT and
#      is saved to the state directory when it exits;
#   2. an immediate restart cannot bind port 21, with the exact message;
#   3. a restart with --reuse-addr can, and accepts a connection;
#   4. after kill -9, a restart keeps quiet for MSL (says so, and accepts
#      nothing until it is over); with --quiet-time no it does not wait.
. "$top_srcdir/tests/lib.sh"

need_built "$TSNC"

SD="$T/state"
mkdir -m 700 "$SD"
STATE="$SD/state-76.88.16.16.bin"
SRV=(--link "hub:$HUB" --address 76.88.16.16/24 --msl 2 --state-dir "$SD")
CLI=(--link "hub:$HUB" --address 76.88.16.104/24)

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# --- 1. a session the server closes first ----------------------------------
bg_start "$T/srv1.log" "$TSNC" -l -d -v --trace states "${SRV[@]}" 21
SRV_PID=$BG_PID
wait_until 10 grep -q "listening on" "$T/srv1.log"
# The client's stdin stays open until the server's FIN is acknowledged, so
# the server is the one that closes first (the seed's frames 17-20).
mkfifo "$T/cli_in"
bg_start "$T/cli1.log" bash -c 'exec "$0" "$@" <"'"$T/cli_in"'"' \
	"$TSNC" -v "${CLI[@]}" --source-port 1028 76.88.16.16 21
CLI_PID=$BG_PID
exec 4>"$T/cli_in"
wait_until 10 grep -q "FIN_WAIT_1 -> FIN_WAIT_2" "$T/srv1.log"
echo bye >&4
exec 4>&-
bg_wait "$SRV_PID" 10 || fail "the first server did not end cleanly"
bg_stop "$CLI_PID" || true
assert_grep "$T/srv1.log" "76.88.16.104:1028 FIN_WAIT_2 -> TIME_WAIT \(rcvd FIN\)"
assert_grep "$T/srv1.log" "tsnc: saved 1 TIME_WAIT connection to $STATE"
[ -f "$STATE" ] || fail "no state file $STATE"
log "server closed first; its TIME_WAIT is saved"

# --- 2. an immediate restart cannot bind ----------------------------------
rc=0
timeout 10 "$TSNC" -l -d "${SRV[@]}" 21 >"$T/srv2.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "restart without --reuse-addr: exit $rc, expected 1"
assert_grep "$T/srv2.log" "tsnc: loaded 1 TIME_WAIT connection from $STATE \(longest [0-9]+ s left\)"
assert_grep "$T/srv2.log" "^tsnc: bind 0\.0\.0\.0:21: address in use \(1 connection in TIME_WAIT, [1-4] s left\); use --reuse-addr to override$"
log "restart refused: $(grep 'address in use' "$T/srv2.log")"

# --- 3. with --reuse-addr it listens and accepts ----------------------------
bg_start "$T/srv3.log" "$TSNC" -l -k -d -v --reuse-addr "${SRV[@]}" 21
SRV_PID=$BG_PID
wait_until 10 grep -q "listening on" "$T/srv3.log"
timeout 10 "$TSNC" -d "${CLI[@]}" 76.88.16.16 21 </dev/null >"$T/cli3.log" 2>&1 ||
	fail "client of the --reuse-addr server failed"
wait_until 10 grep -q "connection from 76.88.16.104" "$T/srv3.log"
log "restart with --reuse-addr accepted a connection"

# --- 4. kill -9, then quiet time ---------------------------------------------
# The TIME_WAIT of step 1 may still be in the state file, and the
# connection of step 3 is lost with the process: reuse, and keep quiet.
bg_stop "$SRV_PID" KILL || true
bg_start "$T/srv4.log" "$TSNC" -l -d -v --reuse-addr --stats --trace events "${SRV[@]}" 21
SRV_PID=$BG_PID
wait_until 10 grep -q "listening on" "$T/srv4.log"
t0=$(now_ms)
timeout 20 "$TSNC" -d -v "${CLI[@]}" 76.88.16.16 21 </dev/null >"$T/cli4.log" 2>&1 ||
	fail "client of the quiet server failed"
t1=$(now_ms)
bg_wait "$SRV_PID" 10 || fail "the quiet server did not end cleanly"
assert_grep "$T/srv4.log" "^tsnc: quiet time: previous instance stopped uncleanly; waiting 2 s \(MSL\) before opening connections; use --quiet-time no to skip$"
assert_grep "$T/srv4.log" "event quiet time: no segments sent or accepted for [0-9]+ ms \(RFC 9293 3\.4\.3\)"
assert_grep "$T/srv4.log" "tcp\.drop_quiet_time [1-9]"
[ $((t1 - t0)) -ge 1000 ] ||
	fail "the connection was accepted after $((t1 - t0)) ms, inside the 2 s quiet time"
log "after kill -9 the server kept quiet; the client waited $((t1 - t0)) ms"

# ... and with --quiet-time no it does not wait.
bg_start "$T/srv5.log" "$TSNC" -l -k -d -v --reuse-addr --quiet-time no "${SRV[@]}" 21
wait_until 10 grep -q "listening on" "$T/srv5.log"
bg_stop "$BG_PID" KILL || true
bg_start "$T/srv6.log" "$TSNC" -l -d -v --stats --reuse-addr --quiet-time no "${SRV[@]}" 21
SRV_PID=$BG_PID
wait_until 10 grep -q "listening on" "$T/srv6.log"
assert_grep "$T/srv6.log" "tsnc: quiet time skipped: previous instance stopped uncleanly, and quiet time is off"
t0=$(now_ms)
timeout 20 "$TSNC" -d "${CLI[@]}" 76.88.16.16 21 </dev/null >"$T/cli6.log" 2>&1 ||
	fail "client of the --quiet-time no server failed"
t1=$(now_ms)
bg_wait "$SRV_PID" 10 || fail "the --quiet-time no server did not end cleanly"
assert_no_grep "$T/srv6.log" "tcp\.drop_quiet_time" \
	"with --quiet-time no the server still dropped segments for quiet time"
[ $((t1 - t0)) -lt 2500 ] ||
	fail "with --quiet-time no the connection still took $((t1 - t0)) ms"
log "with --quiet-time no the server accepted at once ($((t1 - t0)) ms)"
