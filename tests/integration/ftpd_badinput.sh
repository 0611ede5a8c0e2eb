#!/bin/bash
# ftpd_badinput.sh - ftpd against hostile and broken clients (Linux, over
# a veth; the stack owns 76.88.16.16): path escapes (.., absolute,
# symbolic links out, NUL, overlong), FTP bounce (PORT/EPRT to another
# host or below 1024), overlong lines, bad sequences (RNTO without RNFR,
# PASS before USER), data connection theft, EPSV ALL, REIN, three failed
# logins, binary garbage, ABOR in the Telnet Synch form and
# QUIT during a transfer, a client that vanishes in the middle of a
# transfer, 200 sessions that never send a byte, max_per_ip, a rate
# limit, the address-in-use message of a restart, a SIGHUP reload. Each gets the
# right reply or is dropped; the daemon keeps serving the others (a final
# normal session succeeds); nothing leaks in the ASan build.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/ftpd_lib.sh"

need_cmd nft "$PY3"
ftpd_net_setup
# A second address on the client side: a third party on the client's
# network that tries to take a passive data connection.
ip -n "$NS_CLI" addr add 76.88.16.105/24 dev "$IF_CLI"
ftpd_tree
echo "hello from synfin" >"$ROOT/hello.txt"
make_file "$ROOT/abort.bin" 64
ln -s /etc "$ROOT/escape"
ln -s hello.txt "$ROOT/inlink"
IDLE=200
DRIVER="$top_srcdir/tests/integration/ftpd_badinput.py"
drive() { in_cli "$PY3" "$DRIVER" "$SRV_IP" "$CLI_IP" anonymous guest@ "$@"; }
START=(-o max_per_ip=1000 -o max_clients=1000 -o data_connection_timeout=3s
	-o idle_session_timeout=4s -o "ftpd_banner=first banner")

ftpd_start "${START[@]}"

log "path escapes, NUL, garbage, bounce, overlong lines, sequences"
drive basic >"$T/basic.out" 2>&1 || fail "basic: $(tail -n 3 "$T/basic.out")"
assert_grep "$T/ftpd.log" "refused PORT to 76\.88\.16\.1:2000: not the client's address"
assert_grep "$T/ftpd.log" "refused EPRT to $CLI_IP:25: privileged port"
assert_grep "$T/ftpd.log" "command line over 8192 bytes discarded"
assert_grep "$T/ftpd.log" "refused a passive data connection from 76\.88\.16\.105:[0-9]+: the control connection is from $CLI_IP"

log "three failed logins: growing delays, then closed"
drive fails >"$T/fails.out" 2>&1 || fail "fails: $(tail -n 3 "$T/fails.out")"
assert_grep "$T/ftpd.log" "3 failed logins: closing"

log "Telnet Synch ABOR and QUIT during a transfer"
drive order >"$T/order.out" 2>&1 || fail "order: $(tail -n 3 "$T/order.out")"

log "$IDLE sessions that never send a byte, and a normal one meanwhile"
mkfifo "$T/idle.in"
bg_start "$T/idle.out" sh -c 'exec "$@" <"$0"' "$T/idle.in" \
	ip netns exec "$NS_CLI" "$PY3" "$DRIVER" "$SRV_IP" "$CLI_IP" x x idle "$IDLE"
IDLE_PID=$BG_PID
exec 7>"$T/idle.in"
wait_until 60 grep -q "^holding $IDLE$" "$T/idle.out"
drive normal >"$T/n1.out" 2>&1 || fail "a session beside $IDLE idle ones: $(tail -n 3 "$T/n1.out")"
exec 7>&-
bg_wait "$IDLE_PID" 30 || fail "the idle clients failed: $(tail -n 3 "$T/idle.out")"

log "a client that vanishes in the middle of a transfer"
bg_start "$T/vanish.out" ip netns exec "$NS_CLI" "$PY3" "$DRIVER" "$SRV_IP" \
	"$CLI_IP" anonymous guest@ vanish
V_PID=$BG_PID
wait_until 20 grep -q "^ports " "$T/vanish.out"
read -r _ CPORT DPORT < <(grep "^ports " "$T/vanish.out")
# Its packets vanish (no FIN, no RST), then the process.
in_cli nft -f - <<EOF
table inet vanish {
	chain in { type filter hook input priority 0; tcp dport { $CPORT, $DPORT } drop; }
	chain out { type filter hook output priority 0; tcp sport { $CPORT, $DPORT } drop; }
}
EOF
bg_stop "$V_PID" KILL || true
wait_until 20 grep -q "failed after [0-9]* bytes: No progress for data_connection_timeout" "$T/ftpd.log"
wait_until 20 grep -q "idle for 4 s: closing" "$T/ftpd.log"
in_cli nft delete table inet vanish

log "SIGHUP reloads the configuration for new sessions"
sed -i 's/^log_level = debug$/log_level = debug\nftpd_banner = second banner/' "$T/ftpd.conf"
kill -HUP "$FTPD_PID"
wait_until 10 grep -q "configuration reloaded" "$T/ftpd.log"
# -o options still apply after a reload, and override the file.
in_cli "$PY3" -c "import socket; s=socket.create_connection(('$SRV_IP',21),10); print(s.recv(100).decode())" >"$T/banner.out"
assert_grep "$T/banner.out" "^220 first banner"
echo "unknown_key = 1" >>"$T/ftpd.conf"
kill -HUP "$FTPD_PID"
wait_until 10 grep -q "reload failed: $T/ftpd.conf:[0-9]*: unknown key 'unknown_key'" "$T/ftpd.log"

log "a final normal session works"
drive normal >"$T/n2.out" 2>&1 || fail "final session: $(tail -n 3 "$T/n2.out")"
ftpd_stop

log "restart: address in use while TIME_WAIT lasts; reuse_addr; max_per_ip"
sed -i '/^unknown_key/d' "$T/ftpd.conf"
rc=0
in_ns "$NS_SRV" timeout 20 "$FTPD" -c "$T/ftpd.conf" -o quiet_time=no \
	>"$T/restart.out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "a restart during TIME_WAIT exited $rc, expected 1"
assert_grep "$T/restart.out" "^ftpd: cannot listen on $SRV_IP:21: address in use \([0-9]+ connections? in TIME_WAIT, [0-9]+ s left\); set reuse_addr=yes to override$"
ftpd_start -o reuse_addr=yes -o max_per_ip=2 -o anon_max_rate=1M
in_cli "$PY3" - "$SRV_IP" >"$T/perip.out" 2>&1 <<'PYEOF' || fail "max_per_ip: $(cat "$T/perip.out")"
import socket, sys
socks = [socket.create_connection((sys.argv[1], 21), 10) for _ in range(3)]
got = [s.recv(200).decode() for s in socks]
assert got[0].startswith("220") and got[1].startswith("220"), got
assert got[2].startswith("421"), got
print("max_per_ip ok")
PYEOF
drive normal >"$T/n3.out" 2>&1 || fail "session after the restart: $(tail -n 3 "$T/n3.out")"
log "anon_max_rate"
drive rate 1048576 >"$T/rate.out" 2>&1 || fail "rate: $(tail -n 3 "$T/rate.out")"
ftpd_stop
log "ok"
