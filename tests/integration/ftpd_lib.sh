# tests/integration/ftpd_lib.sh - shared by ftpd's integration tests
# (source after tests/lib.sh):
#
#   ftpd_net_setup        two namespaces joined by a veth: the stack side
#                         ($NS_SRV, $IF_SRV with NO kernel address: the
#                         stack owns 76.88.16.16 there) and the Linux
#                         client side ($NS_CLI, 76.88.16.104/24 on $IF_CLI);
#   ftpd_tree             $ROOT (anonymous root, readable) with $ROOT/up
#                         writable by the daemon's unprivileged user;
#   ftpd_user NAME PW PERMS [ROOT]  adds a virtual user (ftpd --add-user);
#   ftpd_start [-o k=v]...   ftpd on packet:$IF_SRV, waits until it listens
#                         ($FTPD_PID; trace on $T/ftpd.err, log $T/ftpd.log)
#                         and checks it chrooted to $T/empty as $FTPD_USER;
#   ftpd_start_full DIR KIB [-o k=v]...  the same with a KIB-sized tmpfs
#                         (a disk that fills up) on DIR in ftpd's own
#                         mount namespace only;
#   ftpd_stop             SIGTERM; checks exit status 0 and, in the
#                         sanitizer build, that nothing leaked;
#   in_cli CMD...         runs CMD in the client namespace.

SRV_IP=76.88.16.16
CLI_IP=76.88.16.104
FTPD_USER=nobody

ftpd_net_setup() {
	need_root
	need_built "$FTPD"
	NS_SRV=$(netns_new s) || exit 1
	NS_CLI=$(netns_new c) || exit 1
	IF_SRV="${TAG}s"
	IF_CLI="${TAG}c"
	veth_new "$NS_SRV" "$IF_SRV" "$NS_CLI" "$IF_CLI"
	# Only the client's end has a kernel address (DESIGN.md pitfalls).
	ip -n "$NS_CLI" addr add "$CLI_IP/24" dev "$IF_CLI"
	# Segments the kernel leaves to checksum offload: the stack accepts
	# them, but full checksums make the pcap and traces plain.
	in_ns "$NS_CLI" ethtool -K "$IF_CLI" tx off >/dev/null 2>&1 || true
}

in_cli() { ip netns exec "$NS_CLI" "$@"; }

ftpd_tree() {
	ROOT="$T/root"
	mkdir -p "$ROOT/up" "$T/state" "$T/empty"
	chmod 755 "$ROOT"
	# After the privilege drop ftpd re-reads its configuration (SIGHUP)
	# as $FTPD_USER: the directory must be searchable by it.
	chmod 711 "$T"
	# The daemon runs as $FTPD_USER once its raw socket is open.
	chown "$FTPD_USER" "$ROOT/up"
	chmod 700 "$T/state"
	USERS="$T/ftpd.users"
	# LeakSanitizer reads /proc when the process exits, which is after
	# ftpd chrooted to $T/empty: give it a /proc there (ASan build only).
	if [ "${SYNFIN_SANITIZED:-0}" = 1 ]; then
		mkdir -p "$T/empty/proc"
		mount --bind /proc "$T/empty/proc" ||
			fail "cannot bind-mount /proc for LeakSanitizer"
		at_exit "umount -l '$T/empty/proc'"
	fi
}

# ftpd_user NAME PASSWORD PERMS [ROOT]
ftpd_user() {
	printf '%s\n' "$2" | "$FTPD" -o users_file="$USERS" --add-user "$1" \
		--perms "$3" ${4:+--root "$4"} >/dev/null ||
		fail "ftpd --add-user $1 failed"
	# Re-read on SIGHUP as $FTPD_USER (ftpd.conf(5)): its group may read.
	chgrp "$(id -gn "$FTPD_USER")" "$USERS" && chmod 640 "$USERS" ||
		fail "cannot hand $USERS to $FTPD_USER's group"
}

# Listening since the last ftpd_start: a line after the ones the log had.
ftpd_listening() {
	tail -n "+$((FTPD_LOG_SEEN + 1))" "$T/ftpd.log" 2>/dev/null |
		grep -q "listening on $SRV_IP:21"
}

# The daemon opened its link as root, then chrooted and dropped root for
# good (its log says so, and the kernel agrees).
ftpd_assert_dropped() {
	local uid
	uid=$(id -u "$FTPD_USER")
	assert_grep "$T/ftpd.log" "listening on $SRV_IP:21 \(chrooted, unprivileged\)$" \
		"ftpd did not say it chrooted and dropped root"
	[ "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$FTPD_PID/status")" = \
		"$uid $uid $uid $uid" ] || fail "ftpd does not run as $FTPD_USER"
	[ "$(readlink "/proc/$FTPD_PID/root")" = "$T/empty" ] ||
		fail "ftpd is not chrooted to $T/empty"
}

ftpd_start() {
	cat >"$T/ftpd.conf" <<EOF
link = packet:$IF_SRV
address = $SRV_IP/24
state_dir = $T/state
secure_chroot_dir = $T/empty
nopriv_user = $FTPD_USER
anon_root = $ROOT
log_file = $T/ftpd.log
log_level = debug
xferlog_enable = yes
xferlog_file = $T/xferlog
EOF
	FTPD_LOG_SEEN=$(cat "$T/ftpd.log" 2>/dev/null | wc -l)
	bg_start "$T/ftpd.err" ip netns exec "$NS_SRV" \
		${FTPD_WRAP[@]+"${FTPD_WRAP[@]}"} "$FTPD" -c "$T/ftpd.conf" "$@"
	FTPD_PID=$BG_PID
	wait_until 15 ftpd_listening
	ftpd_assert_dropped
}

# ftpd_start_full DIR KIB [-o k=v]...: ip netns exec gives ftpd a mount
# namespace of its own (unshare -m makes sure); the tmpfs is mounted
# there, writable by $FTPD_USER, and vanishes with the process. The
# wrapper execs: $FTPD_PID is still ftpd's.
ftpd_start_full() {
	local dir=$1 kib=$2
	shift 2
	FTPD_WRAP=(unshare -m --propagation private sh -c
		'mount -t tmpfs -o "size=${1}k,uid=$2,mode=0755" synfin-full "$3" &&
		shift 3 && exec "$@"' sh "$kib" "$(id -u "$FTPD_USER")" "$dir")
	ftpd_start "$@"
	FTPD_WRAP=()
}

# ftpd_stop: a graceful stop must end with status 0 and, in the ASan
# build, without a sanitizer report.
ftpd_stop() {
	local rc=0
	bg_stop "$FTPD_PID" TERM || rc=$?
	[ "$rc" = 0 ] || fail "ftpd exited with status $rc on SIGTERM"
	assert_no_grep "$T/ftpd.err" "ERROR: (Address|Leak)Sanitizer|runtime error:" \
		"ftpd: a sanitizer report (see $T/ftpd.err)"
}
