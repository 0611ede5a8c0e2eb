#!/bin/bash
# ftpd_many.sh - 1 000 concurrent sessions that never send a byte
# (ftpd_many.py: Linux TCP in the client namespace, one selector) against
# synfin's ftpd on packet:. While they are held, normal sessions (login,
# LIST, RETR of a file checked by SHA-256) are served. Then a third are
# closed by the client, a third reset, and the last third time out on the
# server (421, then the server's close). The daemon stays up, forgets
# every one of them (the next session is "1 sessions"), its RSS stays
# bounded (VmRSS before, while holding, after), and it stops with status 0
# and, in the ASan build, no LeakSanitizer report.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/ftpd_lib.sh"

need_cmd ethtool "$PY3"
ftpd_net_setup
ftpd_tree
N=1000
LOGIN_TIMEOUT=8
make_file "$ROOT/file.bin" "$(scaled_mb 4)"
ftpd_start -o max_clients=$((N + 100)) -o max_per_ip=$((N + 100)) \
	-o login_timeout=${LOGIN_TIMEOUT}s -o log_level=info

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$FTPD_PID/status"; }

# normal TAG: one ordinary session: login, LIST, RETR (SHA-256 checked).
normal() {
	in_cli "$PY3" - "$SRV_IP" "$ROOT/file.bin" >"$T/normal-$1.out" 2>&1 <<'PYEOF' ||
import ftplib, hashlib, sys
host, path = sys.argv[1], sys.argv[2]
ftp = ftplib.FTP(host, timeout=30)
ftp.login()
lines = []
ftp.dir(lines.append)
assert any(l.endswith(" file.bin") for l in lines), lines
h = hashlib.sha256()
ftp.retrbinary("RETR file.bin", h.update)
with open(path, "rb") as f:
    assert h.digest() == hashlib.sha256(f.read()).digest(), "SHA-256 differs"
print(ftp.quit())
PYEOF
		fail "normal session $1: $(tail -n 3 "$T/normal-$1.out")"
	assert_grep "$T/normal-$1.out" "^221"
}

normal warm-up
RSS0=$(rss_kb)

# flood ROUND: N idle sessions held while normal ones are served, then
# released; sets RSS_HOLD and RSS_AFTER (kB).
flood() {
	local r=$1 n
	log "round $r: $N sessions that never send a byte"
	mkfifo "$T/many$r.in"
	bg_start "$T/many$r.out" sh -c 'exec "$@" <"$0"' "$T/many$r.in" \
		ip netns exec "$NS_CLI" "$PY3" "$top_srcdir/tests/integration/ftpd_many.py" \
		"$SRV_IP" "$N" 60
	MANY_PID=$BG_PID
	exec 7>"$T/many$r.in"
	wait_until 90 grep -q "^holding $N " "$T/many$r.out"
	log "round $r: $(grep "^holding" "$T/many$r.out")"
	assert_grep "$T/ftpd.log" "connected \($N sessions\)"
	for i in 1 2 3; do
		normal "$r-during-$i"
	done
	RSS_HOLD=$(rss_kb)
	log "round $r: served 3 normal sessions; release (a third closed, a third reset, a third time out after ${LOGIN_TIMEOUT} s)"
	echo release >&7
	exec 7>&-
	bg_wait "$MANY_PID" 120 || fail "the idle clients: $(tail -n 3 "$T/many$r.out")"
	assert_grep "$T/many$r.out" "^closed 334 reset 333 timed-out 333$"
	n=$(grep -c "login timeout: closing" "$T/ftpd.log")
	[ "$n" -ge $((333 * r)) ] || fail "$n login timeouts in the log, expected $((333 * r))"
	kill -0 "$FTPD_PID" || fail "ftpd is gone"
	# Every idle session is gone: the next one is alone. (The server
	# closed first, so give the last closes their FINs.)
	wait_until 30 test "$(grep -c "session ends" "$T/ftpd.log")" -ge $((r * (N + 4)))
	normal "$r-after"
	n=$(grep -c "\] connected (1 sessions)\$" "$T/ftpd.log")
	[ "$n" -ge $((r + 1)) ] || fail "round $r: the session after the flood is not alone"
	RSS_AFTER=$(rss_kb)
	log "round $r: VmRSS ${RSS_HOLD} kB holding $N, ${RSS_AFTER} kB after"
}

flood 1
HOLD1=$RSS_HOLD
AFTER1=$RSS_AFTER
flood 2
log "VmRSS: ${RSS0} kB before; round 1: ${HOLD1} kB holding, ${AFTER1} kB after; round 2: ${RSS_HOLD} kB holding, ${RSS_AFTER} kB after"
# Each idle session costs its control block, buffers and TCB: well under
# 64 KiB (ASan's shadow and quarantine: 256 KiB). What a round frees may
# stay in the allocator, but a second round must reuse it, not grow.
per=64
[ "${SYNFIN_SANITIZED:-0}" = 1 ] && per=256
[ $((HOLD1 - RSS0)) -le $((N * per)) ] ||
	fail "RSS grew by $((HOLD1 - RSS0)) kB for $N idle sessions (limit $((N * per)) kB)"
slack=4096
[ "${SYNFIN_SANITIZED:-0}" = 1 ] && slack=65536
top1=$((HOLD1 > AFTER1 ? HOLD1 : AFTER1))
[ "$RSS_HOLD" -le $((top1 + slack)) ] && [ "$RSS_AFTER" -le $((AFTER1 + slack)) ] ||
	fail "RSS grew in the second round by more than $slack kB (a leak?)"

ftpd_stop
log "ok"
