#!/bin/bash
# ftpd_bench.sh - synfin's ftpd (its own TCP on packet:) against vsftpd
# (Linux TCP), on the same veth between the same two namespaces, with the
# same Linux clients, measured in the same run:
#   (a) N_LOGIN clients connect and log in (anonymous) at once: time to
#       complete all, logins/s;
#   (b) N_RETR parallel RETR of a 10 MB file: total time, aggregate MB/s;
#   (c) N_IDLE idle sessions, on a server started afresh for it (connected, greeted, silent): the server's
#       memory, ftpd's one process against the sum over vsftpd's processes
#       (it forks two per session), as PSS (smaps_rollup, shared pages
#       split fairly) and as RSS;
#   (d) one RETR and one STOR of a BIG_MB file (curl): goodput in MB/s.
# vsftpd runs first with the kernel owning 76.88.16.16 on the server's
# veth end; then the address is taken off the kernel and ftpd's stack
# owns it on the same interface. Both serve the same directory.
#
#   sudo tests/bench/ftpd_bench.sh [N_IDLE] [BIG_MB]   (10000, 1024)
#
# MB is 10^6 bytes. Ratio = ftpd / vsftpd (time and memory: lower is
# better; rates: higher). The load generator (ftpd_bench.py, one Python
# process) prints its own CPU seconds beside each phase. Not a test: it
# asserts only that every byte arrived; run it by hand.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir/build}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/ftpd_lib.sh"

need_cmd /usr/sbin/vsftpd curl ethtool "$PY3"
id ftp >/dev/null 2>&1 || skip "vsftpd's anonymous user 'ftp' does not exist"
N_IDLE=${1:-10000}
BIG_MB=${2:-1024}
N_LOGIN=300
N_RETR=300
RETR_BYTES=10000000
GEN="$top_srcdir/tests/bench/ftpd_bench.py"
# vsftpd forks two processes per session: N_IDLE sessions need room.
[ $(($(cat /proc/sys/kernel/pid_max) - $(ls /proc | grep -c '^[0-9]'))) -gt $((2 * N_IDLE + 1000)) ] ||
	fail "kernel.pid_max leaves no room for $((2 * N_IDLE)) vsftpd processes; lower N_IDLE"

ftpd_net_setup
# Idle sessions come from four client addresses (ports to spare), with
# the widest ephemeral range; both only inside the client namespace.
SRCS="$CLI_IP"
for a in 105 106 107; do
	ip -n "$NS_CLI" addr add "76.88.16.$a/24" dev "$IF_CLI"
	SRCS="$SRCS 76.88.16.$a"
done
in_cli sysctl -qw net.ipv4.ip_local_port_range="10000 65000"
in_cli sysctl -qw net.ipv4.tcp_tw_reuse=1

PUB="$T/pub"
mkdir -p "$PUB/up" "$T/empty" "$T/state"
chmod 711 "$T"
chmod 755 "$PUB"
chmod 777 "$PUB/up"
head -c "$RETR_BYTES" /dev/urandom >"$PUB/10m.bin"
make_file "$PUB/big.bin" "$BIG_MB"
BIG_BYTES=$((BIG_MB * 1048576))
at_exit "rm -f '$PUB/big.bin' '$PUB/up/'*"

gen() { in_cli "$PY3" "$GEN" "$SRV_IP" "$@"; }

# ---- one server's measurements -------------------------------------------

# measure_idle NAME: (c) against the server now listening, freshly
# started (what it holds per session, not what earlier phases left in its
# allocator; and no earlier sessions still ending while it is measured).
# Sets NAME_* variables. mem_of prints "PSS_KB RSS_KB NPROC" for it.
measure_idle() {
	local name=$1 gpid
	log "$name: $N_IDLE idle sessions"
	eval "${name}_mem0=\"$(mem_of "$name")\""
	rm -f "$T/idle.in"
	mkfifo "$T/idle.in"
	bg_start "$T/idle-$name.out" sh -c 'exec "$@" <"$0"' "$T/idle.in" \
		ip netns exec "$NS_CLI" "$PY3" "$GEN" "$SRV_IP" idle "$N_IDLE" $SRCS
	gpid=$BG_PID
	exec 7>"$T/idle.in"
	wait_until 600 grep -q "^holding $N_IDLE " "$T/idle-$name.out"
	read -r _ _ wall <"$T/idle-$name.out"
	eval "${name}_idle_s=$wall"
	eval "${name}_mem=\"$(mem_of "$name")\""
	echo done >&7
	exec 7>&-
	bg_wait "$gpid" 120 || fail "$name: the idle clients: $(tail -n 2 "$T/idle-$name.out")"
	# Until every session is gone (vsftpd: its processes have exited).
	wait_until 300 one_process
}

# measure_traffic NAME: (a), (b) and (d) against the server now
# listening, freshly started. Sets NAME_* variables.
measure_traffic() {
	local name=$1 out
	log "$name: $N_LOGIN clients connect and log in"
	out=$(gen login "$N_LOGIN") || fail "$name login: $out"
	read -r _ _ wall gcpu <<<"$out"
	eval "${name}_login_s=$wall ${name}_login_cpu=$gcpu"

	log "$name: $N_RETR parallel RETR of $RETR_BYTES bytes"
	out=$(gen retr "$N_RETR" /10m.bin "$RETR_BYTES") || fail "$name retr: $out"
	read -r _ _ bytes wall gcpu <<<"$out"
	eval "${name}_retr_s=$wall ${name}_retr_cpu=$gcpu ${name}_retr_bytes=$bytes"

	log "$name: one RETR and one STOR of $BIG_MB MiB (curl)"
	out=$(in_cli curl -sS --max-time 600 -o /dev/null -w '%{size_download} %{time_total}' \
		"ftp://$SRV_IP/big.bin") || fail "$name RETR big.bin: $out"
	read -r bytes wall <<<"$out"
	[ "$bytes" = "$BIG_BYTES" ] || fail "$name RETR: $bytes bytes of $BIG_BYTES"
	eval "${name}_get_s=$wall"
	out=$(in_cli curl -sS --max-time 600 -T "$PUB/big.bin" -w '%{size_upload} %{time_total}' \
		"ftp://$SRV_IP/up/$name.bin") || fail "$name STOR big.bin: $out"
	read -r bytes wall <<<"$out"
	[ "$bytes" = "$BIG_BYTES" ] && [ "$(stat -c %s "$PUB/up/$name.bin")" = "$BIG_BYTES" ] ||
		fail "$name STOR: $bytes bytes sent, $(stat -c %s "$PUB/up/$name.bin") stored"
	eval "${name}_put_s=$wall"
	rm -f "$PUB/up/$name.bin"

}

# mem_tree PID: "PSS_KB RSS_KB NPROC" summed over PID and every process
# under it (PSS from /proc/PID/smaps_rollup: shared pages split among
# their users; RSS counts them in full in every process).
mem_tree() {
	"$PY3" - "$1" <<'PYEOF2'
import os, sys
root = int(sys.argv[1])
kids = {}
for d in os.listdir("/proc"):
    if d.isdigit():
        try:
            with open("/proc/%s/stat" % d) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        kids.setdefault(ppid, []).append(int(d))
todo, pss, rss, n = [root], 0, 0, 0
while todo:
    p = todo.pop()
    todo.extend(kids.get(p, []))
    try:
        with open("/proc/%d/smaps_rollup" % p) as f:
            a = dict(l.split(":", 1) for l in f if l[0].isupper())
        with open("/proc/%d/status" % p) as f:
            b = dict(l.split(":", 1) for l in f)
        pss += int(a["Pss"].split()[0])
        rss += int(b["VmRSS"].split()[0])
        n += 1
    except (OSError, KeyError, ValueError):
        continue
print(pss, rss, n)
PYEOF2
}

one_process() { [ "$(mem_of | cut -d' ' -f3)" = 1 ]; }

# descendants PID: PID and every process under it (from /proc).
descendants() {
	ps -e -o pid=,ppid= | awk -v root="$1" '
		{ parent[$1] = $2 }
		END {
			print root
			do {
				added = 0
				for (p in parent)
					if (!(p in seen) && (parent[p] in keep || parent[p] == root)) {
						keep[p] = 1; seen[p] = 1; added = 1; print p
					}
			} while (added)
		}'
}

# ---- vsftpd on Linux TCP ----------------------------------------------------

ip -n "$NS_SRV" addr add "$SRV_IP/24" dev "$IF_SRV"
cat >"$T/vsftpd.conf" <<CONF
listen=YES
listen_address=$SRV_IP
background=NO
anonymous_enable=YES
anon_root=$PUB
local_enable=NO
write_enable=YES
anon_upload_enable=YES
anon_umask=022
pasv_enable=YES
pasv_min_port=20000
pasv_max_port=40000
port_enable=YES
max_clients=$((N_IDLE + 1000))
max_per_ip=$((N_IDLE + 1000))
idle_session_timeout=900
data_connection_timeout=300
secure_chroot_dir=$T/empty
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
xferlog_enable=NO
CONF
start_vsftpd() {
	bg_start "$T/vsftpd.log" ip netns exec "$NS_SRV" /usr/sbin/vsftpd "$T/vsftpd.conf"
	VS_PID=$BG_PID
	wait_until 10 in_ns "$NS_SRV" bash -c "exec 3<>/dev/tcp/$SRV_IP/21"
}
mem_of() { mem_tree "$VS_PID"; }
# Stop vsftpd by its recorded pid; its session processes end with their
# clients (all closed by now): wait for each recorded one, then force.
stop_vsftpd() {
	local i=0 p left="" all
	all=$(descendants "$VS_PID")
	bg_stop "$VS_PID" TERM || true
	while [ $i -lt 100 ]; do
		left=""
		for p in $all; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
		[ -z "$left" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	for p in $left; do kill -9 "$p" 2>/dev/null; done
	[ -z "$left" ] || log "vsftpd: $(echo $left | wc -w) session processes forced to stop"
}
start_vsftpd
measure_traffic vsftpd
stop_vsftpd
start_vsftpd
measure_idle vsftpd
stop_vsftpd
ip -n "$NS_SRV" addr del "$SRV_IP/24" dev "$IF_SRV"

# ---- synfin's ftpd on its own stack --------------------------------------

# ftpd_lib.sh's configuration (packet:, chroot, unprivileged), opened
# to anonymous uploads and to N_IDLE sessions from few addresses; logging
# at info (one line per session event), no xferlog, as vsftpd runs here.
ROOT=$PUB
start_ftpd() {
	rm -f "$T/ftpd.log" # ftpd_start waits for its "listening" line
	ftpd_start -o write_enable=yes -o anon_upload_enable=yes \
		-o max_clients=$((N_IDLE + 1000)) -o max_per_ip=$((N_IDLE + 1000)) \
		-o login_timeout=900s -o idle_session_timeout=900s \
		-o log_level=info -o xferlog_enable=no -o reuse_addr=yes
}
mem_of() { mem_tree "$FTPD_PID"; }
stop_ftpd() { ftpd_stop; }
start_ftpd
measure_traffic ftpd
stop_ftpd
start_ftpd
measure_idle ftpd
stop_ftpd

# ---- the table --------------------------------------------------------------

read -r f_pss f_rss f_n <<<"$ftpd_mem"
read -r v_pss v_rss v_n <<<"$vsftpd_mem"
read -r f_pss0 f_rss0 _ <<<"$ftpd_mem0"
read -r v_pss0 v_rss0 _ <<<"$vsftpd_mem0"
"$PY3" - <<PYEOF
rows = [
    # metric, ftpd, vsftpd, unit, format
    ("(a) $N_LOGIN connect+login: time to all", $ftpd_login_s, $vsftpd_login_s, "s", "%.3f"),
    ("(a) logins/s", $N_LOGIN / $ftpd_login_s, $N_LOGIN / $vsftpd_login_s, "/s", "%.0f"),
    ("(b) $N_RETR parallel RETR 10 MB: total time", $ftpd_retr_s, $vsftpd_retr_s, "s", "%.2f"),
    ("(b) aggregate goodput", $ftpd_retr_bytes / $ftpd_retr_s / 1e6,
     $vsftpd_retr_bytes / $vsftpd_retr_s / 1e6, "MB/s", "%.1f"),
    ("(c) $N_IDLE idle sessions: PSS", $f_pss / 1024, $v_pss / 1024, "MiB", "%.1f"),
    ("(c) $N_IDLE idle sessions: RSS (sum)", $f_rss / 1024, $v_rss / 1024, "MiB", "%.1f"),
    ("(c) PSS per idle session", ($f_pss - $f_pss0) / $N_IDLE,
     ($v_pss - $v_pss0) / $N_IDLE, "KiB", "%.1f"),
    ("(c) processes", $f_n, $v_n, "", "%d"),
    ("(c) time to open all $N_IDLE", $ftpd_idle_s, $vsftpd_idle_s, "s", "%.2f"),
    ("(d) single RETR $BIG_MB MiB goodput", $BIG_BYTES / $ftpd_get_s / 1e6,
     $BIG_BYTES / $vsftpd_get_s / 1e6, "MB/s", "%.1f"),
    ("(d) single STOR $BIG_MB MiB goodput", $BIG_BYTES / $ftpd_put_s / 1e6,
     $BIG_BYTES / $vsftpd_put_s / 1e6, "MB/s", "%.1f"),
]
print("%-44s %12s %12s %8s" % ("metric", "synfin ftpd", "vsftpd", "ratio"))
for name, f, v, unit, fmt in rows:
    cell = lambda x: (fmt % x) + (" " + unit if unit else "")
    print("%-44s %12s %12s %7.2fx" % (name, cell(f), cell(v), f / v if v else 0))
print()
print("generator CPU s (wall s): login ftpd %s (%s), vsftpd %s (%s); "
      "retr ftpd %s (%s), vsftpd %s (%s)"
      % ("$ftpd_login_cpu", "$ftpd_login_s", "$vsftpd_login_cpu", "$vsftpd_login_s",
         "$ftpd_retr_cpu", "$ftpd_retr_s", "$vsftpd_retr_cpu", "$vsftpd_retr_s"))
print("memory before the idle sessions (PSS/RSS KiB): ftpd %d/%d, vsftpd %d/%d"
      % ($f_pss0, $f_rss0, $v_pss0, $v_rss0))
PYEOF
