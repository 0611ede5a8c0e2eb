#!/bin/bash
# ftpd_badinput.sh - ftpd against hostile and broken clients (Linux, over
# a veth; the stack owns 76.88.16.16): path escapes (.., absolute,
# symbolic links out, NUL, overlong), FTP bounce (PORT/EPRT to another
# host or below 1024), overlong lines, bad sequences (RNTO without RNFR,
# PASS before USER), data connection theft, EPSV ALL, REIN, three failed
# logins, binary garbage, ABOR in the Telnet Synch form and
# QUIT during a transfer, a client that vanishes in the middle of a
# transfer, 200 sessions that never send a byte, max_per_ip and
# max_clients, pasv_address, download and upload rate limits, a full disk
# (452), the address-in-use message of a restart, a SIGHUP reload, SIGHUP
# after the chroot reopening rotated logs, a SIGTERM that sends an idle
# client 421. Each gets the
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
mkdir "$ROOT/up/full" "$T/xl"
# The new transfer log is created there, after the chroot, as the daemon's
# unprivileged user.
chown "$FTPD_USER" "$T/xl"
ftpd_user carol carolpw1 read,list,write "$ROOT/up"
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
# Nothing was rotated: the log (root's, opened before the chroot) is kept.
assert_no_grep "$T/ftpd.log" "cannot reopen"
# -o options still apply after a reload, and override the file.
in_cli "$PY3" -c "import socket; s=socket.create_connection(('$SRV_IP',21),10); print(s.recv(100).decode())" >"$T/banner.out"
assert_grep "$T/banner.out" "^220 first banner"
echo "unknown_key = 1" >>"$T/ftpd.conf"
kill -HUP "$FTPD_PID"
wait_until 10 grep -q "reload failed: $T/ftpd.conf:[0-9]*: unknown key 'unknown_key'" "$T/ftpd.log"

log "a final normal session works; SIGTERM sends a logged-in client 421"
drive normal >"$T/n2.out" 2>&1 || fail "final session: $(tail -n 3 "$T/n2.out")"
bg_start "$T/term.out" ip netns exec "$NS_CLI" "$PY3" "$DRIVER" "$SRV_IP" \
	"$CLI_IP" anonymous guest@ term
TERM_PID=$BG_PID
wait_until 20 grep -q "^ready$" "$T/term.out"
ftpd_stop
bg_wait "$TERM_PID" 20 || fail "SIGTERM: $(tail -n 3 "$T/term.out")"
assert_grep "$T/term.out" "^badinput term: all ok$"

log "restart: address in use while TIME_WAIT lasts; reuse_addr; max_per_ip, max_clients, pasv_address"
sed -i '/^unknown_key/d' "$T/ftpd.conf"
rc=0
in_ns "$NS_SRV" timeout 20 "$FTPD" -c "$T/ftpd.conf" -o quiet_time=no \
	>"$T/restart.out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "a restart during TIME_WAIT exited $rc, expected 1"
assert_grep "$T/restart.out" "^ftpd: cannot listen on $SRV_IP:21: address in use \([0-9]+ connections? in TIME_WAIT, [0-9]+ s left\); set reuse_addr=yes to override$"
# A 128 KiB file system on up/full, for ftpd only.
ftpd_start_full "$ROOT/up/full" 128 -o reuse_addr=yes -o max_per_ip=2 \
	-o max_clients=3 -o anon_max_rate=1M -o local_enable=yes \
	-o users_file="$USERS" -o write_enable=yes -o local_max_rate=1M \
	-o pasv_address=76.88.16.200 -o xferlog_file="$T/xl/xferlog"
in_cli "$PY3" - "$SRV_IP" >"$T/limits.out" 2>&1 <<'PYEOF' || fail "limits: $(cat "$T/limits.out")"
import re, socket, sys
def conn(src):
    s = socket.create_connection((sys.argv[1], 21), 10, source_address=(src, 0))
    return s, s.recv(200).decode()
a = [conn("76.88.16.104") for _ in range(3)]
assert a[0][1].startswith("220") and a[1][1].startswith("220"), a
assert a[2][1].startswith("421 Too many connections from your address"), a
print("max_per_ip=2: the third connection from one address gets 421")
b = [conn("76.88.16.105") for _ in range(2)]
assert b[0][1].startswith("220"), b
assert b[1][1].startswith("421 Too many users"), b
print("max_clients=3: the fourth session gets 421")
s = a[0][0]
f = s.makefile("rwb", buffering=0)
def cmd(text):
    s.sendall(text.encode() + b"\r\n")
    return f.readline().decode()
assert cmd("USER anonymous").startswith("331")
assert cmd("PASS guest@").startswith("230")
r = cmd("PASV")
assert re.match(r"^227 .*\(76,88,16,200,\d+,\d+\)", r), r
print("pasv_address: " + r.strip())
r = cmd("EPSV")
assert re.match(r"^229 .*\(\|\|\|\d+\|\)", r), r
print("EPSV is unaffected: " + r.strip())
PYEOF
assert_grep "$T/ftpd.log" "refused 76\.88\.16\.105:[0-9]+: max_clients reached"
# Every session of this daemon has ended: the limits do not refuse the next.
all_ended() {
	tail -n "+$((FTPD_LOG_SEEN + 1))" "$T/ftpd.log" >"$T/since.log"
	[ "$(grep -c 'connected (' "$T/since.log")" = \
		"$(grep -c 'session ends after' "$T/since.log")" ]
}
wait_until 10 all_ended
drive normal >"$T/n3.out" 2>&1 || fail "session after the restart: $(tail -n 3 "$T/n3.out")"
log "anon_max_rate, local_max_rate on an upload, a full disk"
drive rate 1048576 >"$T/rate.out" 2>&1 || fail "rate: $(tail -n 3 "$T/rate.out")"
carol() { in_cli "$PY3" "$DRIVER" "$SRV_IP" "$CLI_IP" carol carolpw1 "$@"; }
carol uprate 1048576 >"$T/uprate.out" 2>&1 || fail "uprate: $(tail -n 3 "$T/uprate.out")"
[ "$(stat -c %s "$ROOT/up/rate.bin")" = 2097152 ] || fail "the rate-limited upload is incomplete"
carol full >"$T/full.out" 2>&1 || fail "full: $(tail -n 3 "$T/full.out")"

log "SIGHUP after the chroot reopens rotated logs"
mv "$T/ftpd.log" "$T/ftpd.log.1"
# As logrotate's "create": the new session log is made for the daemon's
# user; the transfer log's directory is its own (it creates the file).
install -o "$FTPD_USER" -m 640 /dev/null "$T/ftpd.log"
mv "$T/xl/xferlog" "$T/xl/xferlog.1"
old_lines=$(wc -l <"$T/ftpd.log.1")
kill -HUP "$FTPD_PID"
wait_until 10 grep -q "configuration reloaded" "$T/ftpd.log"
drive normal >"$T/n4.out" 2>&1 || fail "session after the rotation: $(tail -n 3 "$T/n4.out")"
wait_until 10 grep -q " /hello\.txt b _ o a [^ ]* ftp 0 \* c$" "$T/xl/xferlog"
assert_grep "$T/ftpd.log" "command: RETR hello\.txt$" "the new log has no session lines"
[ "$(wc -l <"$T/ftpd.log.1")" = "$old_lines" ] || fail "the rotated log was still written"
assert_no_grep "$T/ftpd.log" "cannot reopen"
ftpd_stop
log "ok"
