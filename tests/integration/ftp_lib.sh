# tests/integration/ftp_lib.sh - shared by the ftp client's integration
# tests (source after tests/lib.sh):
#
#   ftp_net_setup        two namespaces joined by a veth: the server side
#                        ($NS_SRV, Linux TCP, 76.88.16.16/24 on $IF_SRV) and
#                        the client side ($NS_CLI, $IF_CLI with no address:
#                        the stack owns 76.88.16.104 there);
#   ftp_vsftpd_start     vsftpd (anonymous, uploads to pub/) in $NS_SRV;
#   ftp_run NAME DIR [ARGS]  runs synfin's ftp in directory DIR, in $NS_CLI
#                        on packet:$IF_CLI, with commands from stdin;
#                        output in $T/NAME.out, exit status in FTP_RC
#                        (bounded by FTP_TIMEOUT seconds);
#   ftp_common_script    the scenario run against every server (LOGIN:
#                        the `user` line; USER_NAME and USER_PASS: the
#                        same, for `quote USER` and `pass`);
#   ftp_url_anon         ftp://host/path with no user: anonymous login.

SRV_IP=76.88.16.16
CLI_ADDR=76.88.16.104/24
FTP_TIMEOUT=${FTP_TIMEOUT:-40}

ftp_net_setup() {
	need_root
	need_built "$FTP"
	NS_SRV=$(netns_new s) || exit 1
	NS_CLI=$(netns_new c) || exit 1
	IF_SRV="${TAG}s"
	IF_CLI="${TAG}c"
	veth_new "$NS_SRV" "$IF_SRV" "$NS_CLI" "$IF_CLI"
	ip -n "$NS_SRV" addr add "$SRV_IP/24" dev "$IF_SRV"
	# DESIGN.md pitfall: the kernel leaves TCP checksums to offload on
	# a veth; the stack accepts those frames, but pcaps read better.
	in_ns "$NS_SRV" ethtool -K "$IF_SRV" tx off >/dev/null 2>&1 || true
	FTP_CMD=(ip netns exec "$NS_CLI" "$FTP" --link "packet:$IF_CLI"
		--address "$CLI_ADDR")
}

# ftp_pyftpdlib_start ROOT USER PASSWORD [OPTIONS]: pyftpdlib on the
# server side, serving ROOT to USER; returns once it accepts.
ftp_pyftpdlib_start() {
	local root=$1 user=$2 pass=$3
	shift 3
	"$PY3" -c 'import pyftpdlib' 2>/dev/null ||
		skip "python3-pyftpdlib is not installed (./bootstrap check installs it)"
	bg_start "$T/pyftpdlib.log" ip netns exec "$NS_SRV" "$PY3" -m pyftpdlib \
		-i "$SRV_IP" -p 21 -d "$root" -u "$user" -P "$pass" \
		-r 40000-40100 "$@"
	wait_until 10 in_ns "$NS_SRV" bash -c "exec 3<>/dev/tcp/$SRV_IP/21"
}

# ftp_vsftpd_start < EXTRA: vsftpd on the server side, anonymous with
# uploads to $SRV_ROOT/pub ($T/srv); EXTRA (stdin) adds configuration
# lines. Returns once it accepts.
ftp_vsftpd_start() {
	# The root may not be writable (vsftpd refuses that), so uploads go
	# to pub/, owned by the ftp user.
	SRV_ROOT="$T/srv"
	mkdir -p "$SRV_ROOT/pub" "$T/empty"
	chmod 755 "$T" "$SRV_ROOT"
	chown ftp "$SRV_ROOT/pub"
	cat >"$T/vsftpd.conf" <<CONF
listen=YES
listen_address=$SRV_IP
background=NO
anonymous_enable=YES
no_anon_password=NO
anon_root=$SRV_ROOT
local_enable=NO
write_enable=YES
anon_upload_enable=YES
anon_mkdir_write_enable=YES
anon_other_write_enable=YES
anon_world_readable_only=NO
anon_umask=022
ascii_upload_enable=YES
ascii_download_enable=YES
pasv_enable=YES
pasv_min_port=40000
pasv_max_port=40100
port_enable=YES
connect_from_port_20=NO
secure_chroot_dir=$T/empty
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
xferlog_enable=NO
CONF
	cat >>"$T/vsftpd.conf"
	bg_start "$T/vsftpd.log" ip netns exec "$NS_SRV" /usr/sbin/vsftpd "$T/vsftpd.conf"
	wait_until 10 in_ns "$NS_SRV" bash -c "exec 3<>/dev/tcp/$SRV_IP/21"
}

# The client on this test's hub instead (synfin's ftpd is on it too).
ftp_hub_setup() {
	need_built "$FTP"
	FTP_CMD=("$FTP" --link "hub:$HUB" --address "$CLI_ADDR")
}

# ftp_run NAME DIR [ARGS...] < commands
ftp_run() {
	local name=$1 dir=$2
	shift 2
	FTP_RC=0
	(cd "$dir" && exec timeout -k 5 "$FTP_TIMEOUT" "${FTP_CMD[@]}" "$@") \
		>"$T/$name.out" 2>&1 || FTP_RC=$?
	[ "$FTP_RC" = 124 ] && fail "ftp ($name) did not finish within ${FTP_TIMEOUT}s"
	return 0
}

# ftp_expect_ok NAME: the run succeeded.
ftp_expect_ok() {
	[ "$FTP_RC" = 0 ] || fail "ftp ($1) exited $FTP_RC; see $T/$1.out"
}

# Local files for the scenario: big (random), text (LF lines), 50 small.
ftp_make_files() {
	L="$T/local"
	mkdir -p "$L/many" "$L/back" "$L/mback"
	make_file "$L/big" 4
	/usr/bin/python3 - "$L/text.txt" <<'PYEOF'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(2000):
        f.write("line %d of the ascii test\n" % i)
PYEOF
	for i in $(seq -w 1 50); do
		head -c $((1000 + 10#$i * 37)) /dev/urandom >"$L/many/m$i.dat"
	done
}

# The scenario: REMOTE_DIR is a writable directory on the server, relative
# to the login directory; LOGIN is the `user` line. SRV_ROOT is where the
# server keeps REMOTE_DIR's files, to compare with.
ftp_common_script() {
	local mode how
	ftp_make_files
	for mode in passive active; do
		log "$mode: login, ls, dir, cd, put, get, ascii, rename, ..."
		rm -f "$L/back/"*
		# -p and -A choose the mode; -d shows what active mode sends.
		how=(-p)
		[ "$mode" = active ] && how=(-A -d)
		ftp_run "$mode" "$L" -n -v "${how[@]}" "$SRV_IP" <<EOF
$LOGIN
ls
dir
cd $REMOTE_DIR
pwd
put big big.$mode
put text.txt
system
size big.$mode
modtime big.$mode
features
rhelp
quote NOOP
get big.$mode back/big
ascii
get text.txt back/text.crlf
put text.txt text.ascii
binary
get text.ascii back/text.ascii.bin
mkdir newdir.$mode
rmdir newdir.$mode
put text.txt r.$mode
rename r.$mode r2.$mode
get r2.$mode back/r2
delete r2.$mode
status
bye
EOF
		ftp_expect_ok "$mode"
		assert_same_file "$L/big" "$L/back/big"
		assert_same_file "$L/text.txt" "$L/back/r2"
		assert_same_file "$L/text.txt" "$SRV_ROOT/$REMOTE_DIR/text.txt"
		# ASCII get of an LF file: LF locally again (CRLF on the wire).
		assert_same_file "$L/text.txt" "$L/back/text.crlf"
		# ASCII put: the server stores its own line ends (LF on Unix).
		assert_same_file "$L/text.txt" "$L/back/text.ascii.bin"
		[ ! -e "$SRV_ROOT/$REMOTE_DIR/r2.$mode" ] || fail "delete did not delete"
		[ ! -e "$SRV_ROOT/$REMOTE_DIR/newdir.$mode" ] || fail "rmdir did not remove"
		assert_grep "$T/$mode.out" "^Connected to $SRV_IP"
		assert_grep "$T/$mode.out" "^220[ -]" "the server's banner was not shown"
		assert_grep "$T/$mode.out" "^big\.$mode	[A-Z][a-z][a-z] [A-Z][a-z][a-z] [ 0-9][0-9] " \
			"modtime printed no date"
		assert_grep "$T/$mode.out" "^211[- ]" "features printed no FEAT reply"
		assert_no_grep "$T/$mode.out" "^ftp: "
		ls "$L"/.*.part >/dev/null 2>&1 && fail "a .part file was left behind"
	done
	assert_grep "$T/active.out" "^---> (EPRT|PORT) " "-A sent no EPRT/PORT"
	assert_no_grep "$T/active.out" "^---> (EPSV|PASV)" "-A used passive mode"
	ftp_more_commands
	ftp_conn_commands
	ftp_exit_on_error
	ftp_mget_mput
	ftp_netrc
	ftp_reget
	ftp_abort
}

# ftp_reply_to NAME SENT CODES [N]: in $T/NAME.out (a -d run) the first
# reply after the Nth (default first) line "---> SENT..." has a code
# matching CODES (an extended regex).
ftp_reply_to() {
	local code
	code=$(ftp_code_after "$1" "$2" "${4:-1}")
	echo "$code" | grep -Eqx "$3" ||
		fail "$1: '$2' got reply '${code:-none}', not $3; see $T/$1.out"
}

# ftp_code_after NAME SENT [N]: that reply's code (empty when none).
ftp_code_after() {
	awk -v sent="---> $2" -v n="${3:-1}" '
		seen == n && /^[0-9][0-9][0-9][ -]/ { print substr($0, 1, 3); exit }
		index($0, sent) == 1 { seen++ }' "$T/$1.out"
}

# The commands the mode runs leave out: settings and their effect,
# send/recv/append, mls, cdup, lpwd, hash, help, restart, !, macros.
ftp_more_commands() {
	local R="$SRV_ROOT/$REMOTE_DIR"
	log "more commands: send, append, mls, hash, restart, !, macdef, ..."
	rm -f "$L/back/"*
	ftp_run more "$L" -n -v -d "$SRV_IP" <<CMDS
$LOGIN
cd $REMOTE_DIR
cdup
cd $REMOTE_DIR
lpwd
type ascii
type
type binary
literal NOOP
prompt off
send text.txt sent.txt
append text.txt app.txt
append text.txt app.txt
recv sent.txt back/recv.txt
get app.txt back/app.txt
mls big.passive text.txt back/mls.txt
hash
get text.txt back/hash
hash off
!head -c 10000 text.txt >back/rest
restart 10000
get text.txt back/rest
epsv off
ls text.txt
epsv on
sendport
sendport
progress
progress
verbose
verbose
debug
debug on
help get
? mput
macdef m
mkdir \$1
rmdir \$1

\$ m macro.dir
!echo hi >bang.txt
mdelete sent.txt app.txt
quit
CMDS
	ftp_expect_ok more
	ftp_reply_to more CDUP '2[0-9][0-9]'
	assert_grep "$T/more.out" "^Local directory: $L\$" "lpwd"
	assert_grep "$T/more.out" "^Using ascii mode to transfer files\.\$" "type"
	ftp_reply_to more "TYPE I" 200
	ftp_reply_to more NOOP 200
	assert_grep "$T/more.out" "^Interactive mode off\.\$" "prompt off"
	ftp_reply_to more "STOR sent.txt" '1[0-9][0-9]'
	assert_same_file "$L/text.txt" "$L/back/recv.txt"
	ftp_reply_to more "APPE app.txt" '1[0-9][0-9]'
	cat "$L/text.txt" "$L/text.txt" >"$L/back/app.expected"
	assert_same_file "$L/back/app.expected" "$L/back/app.txt"
	assert_grep "$L/back/mls.txt" "big\.passive" "mls"
	assert_grep "$L/back/mls.txt" "text\.txt" "mls of the second name"
	assert_grep "$T/more.out" "^Hash mark printing on" "hash"
	assert_grep "$T/more.out" "^#{32,}" "no # marks during a get with hash on"
	assert_same_file "$L/text.txt" "$L/back/hash"
	ftp_reply_to more "REST 10000" 350
	assert_same_file "$L/text.txt" "$L/back/rest"
	assert_grep "$T/more.out" "^Use of EPSV/EPRT off\.\$" "epsv off"
	assert_grep "$T/more.out" "^---> PASV\$" "epsv off: PASV not sent"
	assert_grep "$T/more.out" "^Use of PORT/EPRT cmds off\.\$" "sendport"
	assert_grep "$T/more.out" "^Use of PORT/EPRT cmds on\.\$" "sendport"
	assert_grep "$T/more.out" "^Progress bar off\.\$" "progress"
	assert_grep "$T/more.out" "^Progress bar on\.\$" "progress"
	assert_grep "$T/more.out" "^Verbose mode off\.\$" "verbose"
	assert_grep "$T/more.out" "^Verbose mode on\.\$" "verbose"
	assert_grep "$T/more.out" "^Debugging off \(debug=0\)\.\$" "debug"
	assert_grep "$T/more.out" "^Debugging on" "debug on"
	assert_grep "$T/more.out" "^get *	receive file\$" "help get"
	assert_grep "$T/more.out" "^mput *	send multiple files\$" "? mput"
	ftp_reply_to more "MKD macro.dir" 257
	ftp_reply_to more "RMD macro.dir" 250
	[ "$(cat "$L/bang.txt")" = hi ] || fail "! did not run the shell command"
	[ ! -e "$R/sent.txt" ] && [ ! -e "$R/app.txt" ] ||
		fail "mdelete left a file"
	ftp_reply_to more QUIT 221
}

# open, close, disconnect, pass, account, mlsd, chmod, site, exit. The
# server may refuse ACCT, MLSD and SITE (vsftpd: anonymous): the reply
# is shown, and a SITE CHMOD it accepts must change the mode.
ftp_conn_commands() {
	log "open/close/disconnect, pass, account, mlsd, chmod, site, exit"
	ftp_run conn "$L" -n -v -d <<CMDS
open $SRV_IP
$LOGIN
close
open $SRV_IP
quote USER $USER_NAME
pass $USER_PASS
disconnect
open $SRV_IP
$LOGIN
cd $REMOTE_DIR
account x
mlsd . back/mlsd.txt
chmod 600 text.txt
site HELP
exit
CMDS
	[ "$FTP_RC" -le 1 ] || fail "ftp (conn) exited $FTP_RC; see $T/conn.out"
	[ "$(grep -c "^Connected to $SRV_IP" "$T/conn.out")" = 3 ] ||
		fail "open after close/disconnect did not connect"
	[ "$(grep -c '^221 ' "$T/conn.out")" = 3 ] ||
		fail "close, disconnect and exit: not three QUIT/221"
	# The second USER/PASS: quote USER, then the pass command.
	ftp_reply_to conn "USER $USER_NAME" 331 2
	ftp_reply_to conn PASS 230 2
	ftp_reply_to conn ACCT '202|230|5[0-9][0-9]'
	ftp_reply_to conn MLSD '1[0-9][0-9]|50[0-2]'
	if [ "$(ftp_code_after conn MLSD)" -lt 200 ]; then
		assert_grep "$L/back/mlsd.txt" "type=file.*; big\.passive\$" "mlsd"
	fi
	ftp_reply_to conn "SITE CHMOD 600 text.txt" '200|5[0-9][0-9]'
	if [ "$(ftp_code_after conn "SITE CHMOD")" = 200 ]; then
		[ "$(stat -c %a "$SRV_ROOT/$REMOTE_DIR/text.txt")" = 600 ] ||
			fail "chmod 600: 200, yet the mode is not 600"
	fi
	ftp_reply_to conn "SITE HELP" '214|550'
}

# -e: the first failing command ends the run, non-zero.
ftp_exit_on_error() {
	log "-e: exit on the first error"
	ftp_run exiterr "$L" -e -n -v "$SRV_IP" <<CMDS
$LOGIN
get nofile back/nofile
pwd
CMDS
	[ "$FTP_RC" != 0 ] && [ "$FTP_RC" -lt 128 ] ||
		fail "-e: a failed get, yet ftp exited $FTP_RC"
	assert_grep "$T/exiterr.out" "^550 " "-e: the failed get's reply"
	assert_no_grep "$T/exiterr.out" "^257 " "-e: pwd ran after a failed get"
}

# ftp://host/path without a user: logs in as anonymous.
ftp_url_anon() {
	log "ftp:// auto-fetch with no user: anonymous"
	mkdir -p "$L/url"
	ftp_run urlanon "$L/url" -d "ftp://$SRV_IP/$REMOTE_DIR/text.txt" </dev/null
	ftp_expect_ok urlanon
	assert_grep "$T/urlanon.out" "^---> USER anonymous\$"
	assert_same_file "$L/text.txt" "$L/url/text.txt"
}

# Ctrl-C (SIGINT) during a get in batch mode: IAC IP, IAC DM as urgent
# data (URG in the trace), ABOR; the replies are drained and the next
# command works on the same session.
ftp_abort() {
	log "SIGINT during a get: ABOR, then the session goes on"
	mkdir -p "$L/ab"
	printf '%s\nbinary\ncd %s\nrate get 512k\ntrace\nget big.passive big\ntrace off\nnlist\nbye\n' \
		"$LOGIN" "$REMOTE_DIR" >"$T/abort.cmds"
	cd "$L/ab" || fail "no $L/ab"
	bg_start "$T/abort.out" sh -c 'exec "$@" <"$0"' "$T/abort.cmds" \
		"${FTP_CMD[@]}" -n -d "$SRV_IP"
	cd - >/dev/null || fail "cannot return to the previous directory"
	wait_until 20 part_bigger_than "$L/ab/.big.part" 300000
	kill -INT "$BG_PID"
	local rc=0
	bg_wait "$BG_PID" 30 || rc=$?
	[ "$rc" = 1 ] || fail "ftp after an aborted get exited $rc, not 1 (see $T/abort.out)"
	assert_grep "$T/abort.out" "^---> IAC IP IAC DM ABOR" "no ABOR was sent"
	assert_grep "$T/abort.out" "URG" "the DM was not sent as urgent data"
	assert_grep "$T/abort.out" "receive aborted"
	assert_grep "$T/abort.out" "^big\.passive" "nlist after the abort did not work"
	assert_grep "$T/abort.out" "^221 " "bye after the abort did not work"
	[ ! -e "$L/ab/big" ] || fail "an aborted get left a file under the final name"
}

# .netrc auto-login (no -n) and its init macro. NETRC_LOGIN holds the
# "login NAME password SECRET" words for the server.
ftp_netrc() {
	log ".netrc auto-login and the init macro"
	printf 'machine %s %s\nmacdef init\ncd %s\nget text.txt back/netrc.txt\n\n' \
		"$SRV_IP" "$NETRC_LOGIN" "$REMOTE_DIR" >"$T/netrc"
	chmod 600 "$T/netrc"
	ftp_run netrc "$L" -N "$T/netrc" "$SRV_IP" <<EOF
bye
EOF
	ftp_expect_ok netrc
	assert_same_file "$L/text.txt" "$L/back/netrc.txt"
}

ftp_mget_mput() {
	log "mput and mget of 50 files"
	ftp_run many "$L/many" -n -i -A -d "$SRV_IP" <<EOF
$LOGIN
binary
cd $REMOTE_DIR
mkdir many
cd many
mput m*.dat
lcd ../mback
mget m*.dat
bye
EOF
	ftp_expect_ok many
	local f n=0
	for f in "$L"/many/m*.dat; do
		assert_same_file "$f" "$SRV_ROOT/$REMOTE_DIR/many/$(basename "$f")"
		assert_same_file "$f" "$L/mback/$(basename "$f")"
		n=$((n + 1))
	done
	[ "$n" = 50 ] || fail "expected 50 files, found $n"
	[ "$(grep -Ec '^---> (EPRT|PORT) ' "$T/many.out")" -ge 100 ] ||
		fail "mput/mget in active mode: not one EPRT/PORT per file"
}

part_bigger_than() {
	[ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -gt "$2" ]
}

# A get interrupted by killing the client leaves only .big.part; reget
# resumes it with REST.
ftp_reget() {
	log "reget after an interrupted get"
	mkdir -p "$L/re"
	printf '%s\nbinary\ncd %s\nrate get 512k\nget big.passive big\nbye\n' \
		"$LOGIN" "$REMOTE_DIR" >"$T/cut.cmds"
	cd "$L/re" || fail "no $L/re"
	# (A background job's stdin is /dev/null unless redirected in it.)
	bg_start "$T/cut.out" sh -c 'exec "$@" <"$0"' "$T/cut.cmds" \
		"${FTP_CMD[@]}" -n "$SRV_IP"
	cd - >/dev/null || fail "cannot return to the previous directory"
	wait_until 20 part_bigger_than "$L/re/.big.part" 600000
	bg_stop "$BG_PID" TERM || true
	[ ! -e "$L/re/big" ] || fail "an interrupted get left a file under the final name"
	[ -s "$L/re/.big.part" ] || fail "no partial download kept (.big.part)"
	local partial
	partial=$(stat -c %s "$L/re/.big.part")
	log "partial: $partial bytes"
	ftp_run reget "$L/re" -n -d "$SRV_IP" <<EOF
$LOGIN
binary
cd $REMOTE_DIR
reget big.passive big
bye
EOF
	ftp_expect_ok reget
	assert_grep "$T/reget.out" "^---> REST $partial\$" "reget did not send REST $partial"
	assert_same_file "$L/big" "$L/re/big"
	[ ! -e "$L/re/.big.part" ] || fail "the .part file stayed after reget"
}
