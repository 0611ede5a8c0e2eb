#!/bin/bash
# ftp_fake_server.sh - synfin's ftp against a scripted, misbehaving server
# (fake_ftpd.py on Linux TCP in a namespace): malformed replies,
# multi-line replies with wrong terminators, a 1 MB reply line, a reply
# that never ends, a PASV reply naming a third host, and transfers cut
# short. The client reports each clearly, never crashes (the ASan build
# runs this too), exits non-zero where a command failed, connects only to
# the server (unless --trust-pasv), and never leaves a truncated file
# under the final name. The server listens on port 2121 (`ftp host
# port`); a Ctrl-C abort reads both replies even when ABOR's comes late.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/ftp_lib.sh"

need_cmd ethtool
ftp_net_setup
make_file "$T/data" 1
FAKE_LOG="$T/fake.events"
: >"$FAKE_LOG"
PORT=2121
THIRD=76.88.16.99 # named in pasv3rd's PASV reply; given to the server side
ip -n "$NS_SRV" addr add "$THIRD/24" dev "$IF_SRV"
bg_start "$T/fake.log" ip netns exec "$NS_SRV" "$PY3" \
	"$top_srcdir/tests/integration/fake_ftpd.py" "$SRV_IP" "$PORT" \
	"$T/data" "$FAKE_LOG"
wait_until 10 in_ns "$NS_SRV" bash -c "exec 3<>/dev/tcp/$SRV_IP/$PORT"
L="$T/local"
mkdir -p "$L"

# A crash (signal, sanitizer report) is never acceptable.
no_crash() {
	[ "$FTP_RC" -lt 128 ] || fail "ftp ($1) died by signal $((FTP_RC - 128))"
	assert_no_grep "$T/$1.out" "AddressSanitizer|UndefinedBehaviorSanitizer|runtime error" \
		"sanitizer report in $1"
}

log "PASV reply naming a third host: connect to the server instead"
ftp_run pasv3rd "$L" -n -v "$SRV_IP" "$PORT" <<CMDS
user pasv3rd x
get file out1
bye
CMDS
no_crash pasv3rd
ftp_expect_ok pasv3rd
assert_same_file "$T/data" "$L/out1"
assert_grep "$T/pasv3rd.out" "^Connected to $SRV_IP\."
assert_grep "$T/pasv3rd.out" "^220 fake FTP server ready" "the banner was not shown"
assert_grep "$T/pasv3rd.out" "ignoring address 76\.88\.16\.99 in the PASV reply"
assert_grep "$FAKE_LOG" "^data from 76\.88\.16\.104 to $SRV_IP$"
[ "$(grep -c '^data from' "$FAKE_LOG")" = "$(grep -c "^data from 76\.88\.16\.104 to $SRV_IP$" "$FAKE_LOG")" ] ||
	fail "a data connection came from somewhere other than the client"

log "--trust-pasv: the PASV reply's address is used; --pcap records it"
ftp_run trust "$L" -n --trust-pasv --pcap "$T/trust.pcap" "$SRV_IP" "$PORT" <<CMDS
user pasv3rd x
get file out2
bye
CMDS
no_crash trust
ftp_expect_ok trust
assert_same_file "$T/data" "$L/out2"
assert_grep "$FAKE_LOG" "^data from 76\.88\.16\.104 to $THIRD$" \
	"--trust-pasv did not connect to the PASV reply's address"
[ "$(grep -c "to $THIRD$" "$FAKE_LOG")" = 1 ] ||
	fail "the PASV reply's address was used without --trust-pasv"
[ -s "$T/trust.pcap" ] || fail "--pcap wrote nothing"
[ "$(od -An -tx4 -N4 "$T/trust.pcap" | tr -d ' ')" = a1b2c3d4 ] ||
	fail "--pcap did not write a pcap file (magic)"

log "auto-fetch of an ftp:// URL"
ftp_run url "$L" "ftp://pasv3rd:x@$SRV_IP:$PORT/file" </dev/null
no_crash url
ftp_expect_ok url
assert_same_file "$T/data" "$L/file"

log "malformed lines, wrong terminators, a 1 MB line"
ftp_run replies "$L" -n -v "$SRV_IP" "$PORT" <<CMDS
user replies x
pwd
rhelp
quote HUGE
pwd
CMDS
no_crash replies
[ "$FTP_RC" != 0 ] || fail "quote HUGE failed, yet ftp exited 0"
assert_grep "$T/replies.out" "ignoring a malformed reply line"
assert_grep "$T/replies.out" "^214 End of help"
assert_grep "$T/replies.out" "discarded a reply from 76\.88\.16\.16 longer than"
assert_grep "$T/replies.out" '^257 "/" is the current directory'
assert_no_grep "$T/replies.out" $'\x1b' "an escape sequence from the server reached the terminal"
[ "$(grep -c '^257 ' "$T/replies.out")" = 2 ] || fail "pwd after the 1 MB line did not work"

log "a reply that never ends: bounded by -q"
ftp_run stall "$L" -n -q 3 "$SRV_IP" "$PORT" <<CMDS
user replies x
quote STALL
CMDS
no_crash stall
[ "$FTP_RC" != 0 ] || fail "a reply that never ended, yet ftp exited 0"
assert_grep "$T/stall.out" "no reply from the server within the timeout"

for who in midclose shortok; do
	log "$who: the transfer is cut short"
	ftp_run "$who" "$L" -n "$SRV_IP" "$PORT" <<CMDS
user $who x
get file out.$who
CMDS
	no_crash "$who"
	[ "$FTP_RC" != 0 ] || fail "$who: a cut transfer, yet ftp exited 0"
	[ ! -e "$L/out.$who" ] || fail "$who: a truncated file under the final name"
	[ -s "$L/.out.$who.part" ] || fail "$who: no partial file kept for reget"
	assert_grep "$T/$who.out" "was not written; the partial download is kept"
done
assert_grep "$T/midclose.out" "closed the control connection"

# The flake this guards: ABOR's reply arriving after the transfer's 226
# with a pause was left unread, and the next command got it instead.
log "Ctrl-C: both replies after ABOR are read, the later one 2 s late"
printf 'user abortlate x\nget file out.late\npwd\nbye\n' >"$T/late.cmds"
bg_start "$T/late.out" sh -c 'cd "$1" && shift && exec "$@" <"$0"' \
	"$T/late.cmds" "$L" "${FTP_CMD[@]}" -n -d "$SRV_IP" "$PORT"
wait_until 20 part_bigger_than "$L/.out.late.part" 100000
kill -INT "$BG_PID"
rc=0
bg_wait "$BG_PID" 30 || rc=$?
[ "$rc" = 1 ] || fail "ftp after an aborted get exited $rc, not 1 (see $T/late.out)"
assert_grep "$T/late.out" "^---> IAC IP IAC DM ABOR"
late=$(grep -n '^225 ABOR' "$T/late.out" | cut -d: -f1)
pwd_sent=$(grep -n '^---> PWD' "$T/late.out" | cut -d: -f1)
[ -n "$late" ] && [ -n "$pwd_sent" ] && [ "$late" -lt "$pwd_sent" ] ||
	fail "PWD was sent before ABOR's late reply was read (see $T/late.out)"
assert_grep "$T/late.out" '^257 "/"' "pwd after the abort got a stale reply"
assert_grep "$T/late.out" "^221 " "bye after the abort got a stale reply"
assert_grep "$T/shortok.out" "short transfer"
log "PASS"
