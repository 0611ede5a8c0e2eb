# tests/lib.sh - shared by the integration tests (bash). Source it first:
#
#   . "$top_srcdir/tests/lib.sh"
#
# It gives every test:
#   - a private work directory $T (removed on exit);
#   - network namespaces and veth pairs with names unique to this run,
#     removed on EVERY exit path (EXIT/INT/TERM trap);
#   - background processes started with `bg_start`, recorded by pid and
#     stopped by that pid only (never by name);
#   - `skip REASON`: prints why and exits 77 (automake's SKIP); when
#     SYNFIN_NO_SKIP=1 (CI, which has root) a skip is a failure instead;
#   - bounded waiting (`wait_until`), never sleep-and-hope.
#
# Addresses 76.88.16.0/24 exist only inside the namespaces a test makes or
# on its own hub. Nothing here adds routes out of a namespace.

set -u

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
export top_srcdir top_builddir

TEST_NAME=$(basename "${0%.sh}")
# Short unique tag: interface and namespace names stay within IFNAMSIZ.
TAG="sf$$"
T=$(mktemp -d "/tmp/synfin-test-$TEST_NAME.XXXXXX")
LIB_PIDS=""
LIB_NETNS=""
LIB_CLEANUPS=""

TSNC="$top_builddir/tcpstack/tsnc"
FTPD="$top_builddir/ftpd/ftpd"
FTP="$top_builddir/ftp/ftp"
# Debian's python3 (with scapy, pyftpdlib), not a pyenv one on PATH.
PY3=/usr/bin/python3

log() { printf '[%s] %s\n' "$TEST_NAME" "$*"; }

fail() {
	printf '[%s] FAIL: %s\n' "$TEST_NAME" "$*" >&2
	exit 1
}

skip() {
	if [ "${SYNFIN_NO_SKIP:-0}" = 1 ]; then
		printf '[%s] FAIL (would skip, but SYNFIN_NO_SKIP=1): %s\n' \
			"$TEST_NAME" "$*" >&2
		exit 1
	fi
	printf '[%s] SKIP: %s\n' "$TEST_NAME" "$*"
	exit 77
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root for network namespaces and raw sockets"
	ip netns list >/dev/null 2>&1 || skip "cannot use network namespaces (ip netns)"
}

need_cmd() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			skip "'$c' is not installed (./bootstrap check installs the test peers)"
	done
}

need_built() {
	for f in "$@"; do
		[ -x "$f" ] || fail "$f is not built (run make first)"
	done
}

# Registers a command to run at exit (before namespaces are removed).
at_exit() { LIB_CLEANUPS="$*
$LIB_CLEANUPS"; }

lib_cleanup() {
	local rc=$? pid ns
	# Namespaces are recorded in a file: netns_new usually runs in a
	# command substitution (a subshell) whose variables are lost.
	[ -f "$T/.netns" ] && LIB_NETNS="$LIB_NETNS $(cat "$T/.netns")"
	trap - EXIT INT TERM
	if [ -n "$LIB_CLEANUPS" ]; then
		while IFS= read -r c; do
			[ -n "$c" ] && eval "$c" >/dev/null 2>&1
		done <<EOF
$LIB_CLEANUPS
EOF
	fi
	lib_stop_all
	for ns in $LIB_NETNS; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ -d "$T" ]; then
		log "work directory kept for inspection: $T"
		# Show the tail of every log the test wrote, for CI output.
		for f in "$T"/*.log "$T"/*.out "$T"/*.err; do
			[ -f "$f" ] || continue
			# Only text: data files of a transfer are no use on a
			# terminal (grep -I calls a binary file a non-match).
			[ "$(stat -c %s "$f")" -le 1048576 ] || continue
			[ -s "$f" ] && ! grep -qI . "$f" && continue
			printf -- '--- %s (last 40 lines)\n' "$f"
			tail -n 40 "$f"
		done
	else
		rm -rf "$T"
	fi
	exit "$rc"
}
trap lib_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Stops every recorded process, by pid.
lib_stop_all() {
	local pid
	for pid in $LIB_PIDS; do
		kill "$pid" 2>/dev/null
	done
	for pid in $LIB_PIDS; do
		lib_reap "$pid"
	done
	LIB_PIDS=""
}

# Waits (bounded: 5 s) for a process we killed, then forces it.
lib_reap() {
	local pid=$1 i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# bg_start OUTFILE CMD... : starts CMD in the background, output to
# OUTFILE, and sets BG_PID. Stopped by pid at exit (or with bg_stop).
bg_start() {
	local out=$1
	shift
	"$@" >"$out" 2>&1 &
	BG_PID=$!
	LIB_PIDS="$LIB_PIDS $BG_PID"
}

# bg_track PID: records a process the test started itself in the
# background (when it needs its own redirections), so it is stopped at exit.
bg_track() {
	BG_PID=$1
	LIB_PIDS="$LIB_PIDS $1"
}

# bg_job OUTFILE FUNC ARGS...: runs the test's own function FUNC in a
# background subshell, output to OUTFILE, and sets BG_PID: for work that
# waits more than it computes (a transfer held back by timeouts), done
# meanwhile. The processes FUNC records with bg_start/bg_track are its
# own and stopped when it ends (and when the test stops it); `fail` in it
# ends only the job: `bg_wait BG_PID SECONDS` returns its status. FUNC
# must wait for its processes with bg_wait (not block in the foreground),
# so that a stop takes effect at once.
bg_job() {
	local out=$1
	shift
	(
		LIB_PIDS=""
		trap lib_stop_all EXIT
		trap 'exit 143' TERM
		"$@"
	) >"$out" 2>&1 &
	bg_track $!
}

# bg_run SECONDS CMD...: runs CMD (with the caller's redirections),
# bounded by `timeout SECONDS`, and waits for it with bg_wait, so that a
# stop of the test or of its bg_job is not held up by it. Returns its
# status (124: the time ran out). CMD reads the caller's standard input
# (a background command would otherwise read /dev/null).
bg_run() {
	local limit=$1
	shift
	timeout "$limit" "$@" <&0 &
	bg_track $!
	bg_wait "$BG_PID" $((limit + 10))
}

# bg_stop PID [SIGNAL]: stops one recorded process and waits for it.
# Returns its exit status.
bg_stop() {
	local pid=$1 sig=${2:-TERM} rc=0
	kill -s "$sig" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || rc=$?
	LIB_PIDS=$(printf '%s\n' $LIB_PIDS | grep -vx "$pid" | tr '\n' ' ')
	return $rc
}

# bg_wait PID [SECONDS]: waits (bounded) for a recorded process to end by
# itself; returns its exit status, or 124 on timeout.
bg_wait() {
	local pid=$1 limit=${2:-60} i=0 rc=0
	while kill -0 "$pid" 2>/dev/null; do
		[ $i -ge $((limit * 10)) ] && return 124
		sleep 0.1
		i=$((i + 1))
	done
	wait "$pid" 2>/dev/null || rc=$?
	LIB_PIDS=$(printf '%s\n' $LIB_PIDS | grep -vx "$pid" | tr '\n' ' ')
	return $rc
}

# wait_until SECONDS CMD...: polls CMD every 50 ms until it succeeds;
# fails the test with a message after SECONDS.
wait_until() {
	local limit=$1 i=0
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ $i -ge $((limit * 20)) ] && fail "timed out after ${limit}s waiting for: $*"
		sleep 0.05
		i=$((i + 1))
	done
}

# netns_new SUFFIX: creates a namespace named "$TAG-SUFFIX" with lo up;
# use as NS=$(netns_new x) || exit 1 (a failure inside the substitution
# cannot end the test by itself);
# prints its name. Removed at exit.
netns_new() {
	local ns="$TAG-$1"
	ip netns add "$ns" || fail "cannot create network namespace $ns"
	echo "$ns" >>"$T/.netns"
	ip -n "$ns" link set lo up
	printf '%s\n' "$ns"
}

# veth_new NS1 IF1 NS2 IF2: a veth pair with one end in each namespace.
# The names exist only inside those namespaces.
veth_new() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" ||
		fail "cannot create veth $2/$4"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# in_ns NS CMD...: runs CMD inside namespace NS.
in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# tsnc_bg NS OUT ERR STDIN ARGS...: tsnc --trace states -v ARGS in the
# background (BG_PID), inside namespace NS ("": this one, e.g. on the
# test's hub); standard input from STDIN, output to OUT, stderr (the
# trace) to ERR.
tsnc_bg() {
	local ns=$1 out=$2 err=$3 in=$4 pre=()
	shift 4
	[ -n "$ns" ] && pre=(ip netns exec "$ns")
	"${pre[@]}" "$TSNC" --trace states -v "$@" <"$in" >"$out" 2>"$err" &
	bg_track $!
}

# file_has FILE REGEX: FILE exists and has a line matching REGEX (no
# message: for wait_until).
file_has() { grep -Eq -- "$2" "$1" 2>/dev/null; }

# tcp_states FILE: the states of the connection whose `--trace states`
# lines are in FILE (a listening socket's own lines left out), on one
# line: "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 ...".
tcp_states() {
	awk '$1 == "state" && $3 == "<->" && $4 != "0.0.0.0:0" {
		if (!n++) printf "%s", $5
		printf " %s", $7
	} END { if (n) print "" }' "$1"
}

# assert_states FILE STATE...: the connection traced in FILE went
# through exactly these states, one after the other, at its end.
assert_states() {
	local f=$1 got
	shift
	got=$(tcp_states "$f")
	case " $got" in
	*" $*") ;;
	*) fail "$f: the connection went through '$got', not ending with '$*'" ;;
	esac
}

sha256() { sha256sum "$1" | cut -d' ' -f1; }

# assert_same_file A B: byte-exact equality, by SHA-256.
assert_same_file() {
	[ -f "$1" ] || fail "missing file $1"
	[ -f "$2" ] || fail "missing file $2"
	local a b
	a=$(sha256 "$1")
	b=$(sha256 "$2")
	[ "$a" = "$b" ] || fail "SHA-256 differs: $1 ($a) vs $2 ($b)"
}

# assert_grep FILE REGEX [MESSAGE]
assert_grep() {
	grep -Eq -- "$2" "$1" || fail "${3:-expected /$2/ in $1}"
}

# assert_no_grep FILE REGEX [MESSAGE]
assert_no_grep() {
	! grep -Eq -- "$2" "$1" || fail "${3:-unexpected /$2/ in $1}"
}

# make_file PATH MIB: a file of random content (incompressible).
make_file() {
	head -c "$(($2 * 1048576))" /dev/urandom >"$1"
}

# scaled_mb MIB: a transfer size for a test; a quarter (at least 1) in the
# sanitizer build, whose run hunts memory errors, not throughput.
scaled_mb() {
	if [ "${SYNFIN_SANITIZED:-0}" = 1 ]; then
		echo $(($1 / 4 > 0 ? $1 / 4 : 1))
	else
		echo "$1"
	fi
}

# A hub directory private to this test.
HUB="$T/hub"
mkdir -p "$HUB"
