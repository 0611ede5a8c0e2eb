#!/bin/bash
# ftpd_restart.sh - the seed's last lesson with the real daemon and client,
# on a private hub with MSL 2 s:
#   1. a session with `bye`: the server closes first and keeps TIME_WAIT;
#   2. a clean stop saves the TIME_WAIT table; an immediate restart cannot
#      listen on port 21 and says exactly why and how to override;
#   3. with reuse_addr=yes it listens and serves a new session;
#   4. after kill -9 the next start keeps quiet for MSL (the client's SYN
#      must be retransmitted) and then serves;
#   5. quiet_time=no skips that; a corrupt state file is reported and
#      ignored, and as its TIME_WAIT state is lost, quiet time is kept;
#   7. unprivileged and without state_dir, ftpd keeps its state in the
#      user's own default directory;
#   8. ftpd -t: a valid configuration (with syslog_enable) is reported
#      valid, a bad line gives file:line and the key, exit 1;
#   9. background=yes writes pid_file naming the serving daemon, which a
#      SIGTERM to that pid stops (pid file removed); pcap= writes a pcap.
. "$top_srcdir/tests/lib.sh"

need_built "$FTPD" "$FTP"
mkdir -p "$T/pub" "$T/state"
echo "seed" >"$T/pub/seed.txt"
FTPD_ARGS=(-c "$top_srcdir/conf/ftpd.conf" -o "link=hub:$HUB"
	-o "anon_root=$T/pub" -o "state_dir=$T/state" -o msl=2
	-o trace=states -o "log_file=$T/ftpd.log" -o "xferlog_file=$T/xfer.log")
STATE="$T/state/state-76.88.16.16.bin"

# start_ftpd NAME [-o key=value...]: ftpd in the background (FTPD_PID),
# output in $T/NAME.out, waited for until it listens.
start_ftpd() {
	local name=$1
	shift
	bg_start "$T/$name.out" "$FTPD" "${FTPD_ARGS[@]}" "$@"
	FTPD_PID=$BG_PID
	wait_until 20 grep -q "CLOSED -> LISTEN" "$T/$name.out"
}

# session NAME: an anonymous session that lists and says bye, traced.
# session NAME [HUB [COMMAND...]]: on HUB (default the test's), the client
# run under COMMAND (e.g. setpriv) when given.
session() {
	local name=$1 hub=${2:-$HUB}
	shift $(($# < 2 ? $# : 2))
	printf 'user anonymous test@\nls\nbye\n' |
		"$@" "$FTP" -n -t --link "hub:$hub" 76.88.16.16 >"$T/$name.ftp" 2>&1 ||
		fail "$name: the ftp session failed: $(tail -5 "$T/$name.ftp")"
	assert_grep "$T/$name.ftp" "seed.txt" "$name: the listing did not arrive"
}

# ---- 1. a session; the server closes first -------------------------------
start_ftpd run1
session s1
assert_grep "$T/run1.out" "76.88.16.16:21 <-> .* FIN_WAIT_2 -> TIME_WAIT \(rcvd FIN\)" \
	"1: the server's side did not go to TIME_WAIT"

# ---- 2. clean stop, immediate restart refused -------------------------------
bg_stop "$FTPD_PID" TERM || fail "2: ftpd did not stop cleanly"
assert_grep "$T/run1.out" "saved [0-9]+ TIME_WAIT connections? to $STATE" \
	"2: the TIME_WAIT table was not saved"
if "$FTPD" "${FTPD_ARGS[@]}" >"$T/run2.out" 2>&1; then
	fail "2: ftpd started while port 21 had connections in TIME_WAIT"
fi
assert_grep "$T/run2.out" "loaded [0-9]+ TIME_WAIT connections? from $STATE"
assert_grep "$T/run2.out" "ftpd: cannot listen on 76.88.16.16:21: address in use \(1 connection in TIME_WAIT, [0-9]+ s left\); set reuse_addr=yes to override"

# ---- 3. reuse_addr=yes ----------------------------------------------------------
start_ftpd run3 -o reuse_addr=yes
session s3

# ---- 4. kill -9, then quiet time ------------------------------------------------
bg_stop "$FTPD_PID" KILL
start_ftpd run4 -o reuse_addr=yes
assert_grep "$T/run4.out" "quiet time: previous instance stopped uncleanly; waiting 2 s \(MSL\) before opening connections; set quiet_time=no to skip"
session s4
syns=$(grep -c "> 76.88.16.16:21 SYN seq=" "$T/s4.ftp")
[ "$syns" -ge 2 ] || fail "4: the first SYN was answered during quiet time ($syns SYN sent)"
bg_stop "$FTPD_PID" KILL

# ---- 5. quiet_time=no; a corrupt state file -----------------------------------
start_ftpd run5 -o reuse_addr=yes -o quiet_time=no
assert_no_grep "$T/run5.out" "quiet time:" "5: quiet time although quiet_time=no"
session s5
bg_stop "$FTPD_PID" TERM || fail "5: ftpd did not stop cleanly"
printf 'not a synfin state file' >"$STATE"
start_ftpd run6 -o reuse_addr=yes
assert_grep "$T/run6.out" "ignoring state file $STATE: not a synfin state file" \
	"6: a corrupt state file was not reported"
assert_grep "$T/run6.out" "quiet time: the saved TIME_WAIT state is unusable" \
	"6: no quiet time although the saved state was lost"
session s6
bg_stop "$FTPD_PID" TERM

# ---- 7. an unprivileged ftpd without state_dir ----------------------------------
# Its state goes to the user's own default (~/.local/state/synfin), not to
# a system directory it cannot write.
U="$T/user"
mkdir -p "$U/home" "$U/hub"
chown -R nobody "$U"
chmod 711 "$T"
bg_start "$T/run7.out" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	env -u XDG_STATE_HOME HOME="$U/home" "$FTPD" -c "$top_srcdir/conf/ftpd.conf" \
	-o "link=hub:$U/hub" -o "anon_root=$T/pub" -o msl=2 -o trace=states \
	-o "log_file=$U/ftpd.log" -o xferlog_enable=no
FTPD_PID=$BG_PID
wait_until 20 grep -q "CLOSED -> LISTEN" "$T/run7.out"
# The client runs as the same user: a hub directory is shared only with
# its owner (and group).
session s7 "$U/hub" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	env HOME="$U/home"
bg_stop "$FTPD_PID" TERM || fail "7: ftpd did not stop cleanly"
assert_grep "$T/run7.out" "saved [0-9]+ TIME_WAIT connections? to $U/home/.local/state/synfin/state-76.88.16.16.bin" \
	"7: the state was not saved in the user's default state directory"

# ---- 8. ftpd -t ---------------------------------------------------------------
{ cat "$top_srcdir/conf/ftpd.conf"; echo "syslog_enable = yes"; } >"$T/ok.conf"
"$FTPD" -t -c "$T/ok.conf" >"$T/t_ok.out" 2>&1 || fail "8: ftpd -t refused a valid file"
assert_grep "$T/t_ok.out" "^ftpd: configuration $T/ok\.conf is valid$"
{ cat "$T/ok.conf"; echo "max_clients = many"; } >"$T/bad.conf"
rc=0
"$FTPD" -t -c "$T/bad.conf" >"$T/t_bad.out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "8: ftpd -t on a bad line exited $rc, expected 1"
assert_grep "$T/t_bad.out" "^ftpd: $T/bad\.conf:$(wc -l <"$T/bad.conf"): bad value 'many' for max_clients"

# ---- 9. background = yes, pid_file; pcap ----------------------------------------
# The parent returns once the daemon serves.
"$FTPD" "${FTPD_ARGS[@]}" -o reuse_addr=yes -o quiet_time=no \
	-o background=yes -o "pid_file=$T/ftpd.pid" -o "pcap=$T/s.pcap" \
	>"$T/run9.out" 2>&1 || fail "9: background start failed: $(cat "$T/run9.out")"
read -r BG_FTPD <"$T/ftpd.pid" || fail "9: no pid_file"
bg_track "$BG_FTPD"
[ "$(cat "/proc/$BG_FTPD/comm" 2>/dev/null)" = ftpd ] ||
	fail "9: pid_file names $BG_FTPD, not a running ftpd"
session s9
# Not our child: gone, or a zombie until its new parent reaps it.
gone() { [ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
saved=$(grep -c "saved [0-9]* TIME_WAIT" "$T/ftpd.log")
bg_stop "$BG_FTPD" TERM || true
wait_until 20 gone "$BG_FTPD"
[ ! -e "$T/ftpd.pid" ] || fail "9: pid_file left behind after a graceful stop"
[ "$(grep -c "saved [0-9]* TIME_WAIT" "$T/ftpd.log")" -gt "$saved" ] ||
	fail "9: the background daemon did not stop gracefully"
[ "$(od -An -tx1 -N4 "$T/s.pcap" | tr -d ' ')" = d4c3b2a1 ] ||
	fail "9: $T/s.pcap has no pcap magic number"
[ "$(stat -c %s "$T/s.pcap")" -gt 1000 ] || fail "9: $T/s.pcap holds no session"
log "TIME_WAIT, reuse_addr and quiet time behave as the seed describes"
