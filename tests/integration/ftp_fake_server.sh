#!/bin/bash
# ftp_fake_server.sh - synfin's ftp against a scripted, misbehaving server
# (fake_ftpd.py on Linux TCP in a namespace): malformed replies,
# multi-line replies with wrong terminators, a 1 MB reply line, a reply
# that never ends, a PASV reply naming a third host, and transfers cut
# short. The client reports each clearly, never crashes (the ASan build
# runs this too), exits non-zero where a command failed, connects only to
# the server, and never leaves a truncated file under the final name.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/ftp_lib.sh"

need_cmd ethtool
ftp_net_setup
make_file "$T/data" 1
FAKE_LOG="$T/fake.events"
: >"$FAKE_LOG"
bg_start "$T/fake.log" ip netns exec "$NS_SRV" "$PY3" \
	"$top_srcdir/tests/integration/fake_ftpd.py" "$SRV_IP" 21 "$T/data" \
	"$FAKE_LOG"
wait_until 10 in_ns "$NS_SRV" bash -c "exec 3<>/dev/tcp/$SRV_IP/21"
L="$T/local"
mkdir -p "$L"

# A crash (signal, sanitizer report) is never acceptable.
no_crash() {
	[ "$FTP_RC" -lt 128 ] || fail "ftp ($1) died by signal $((FTP_RC - 128))"
	assert_no_grep "$T/$1.out" "AddressSanitizer|UndefinedBehaviorSanitizer|runtime error" \
		"sanitizer report in $1"
}

log "PASV reply naming a third host: connect to the server instead"
ftp_run pasv3rd "$L" -n -v "$SRV_IP" <<CMDS
user pasv3rd x
get file out1
bye
CMDS
no_crash pasv3rd
ftp_expect_ok pasv3rd
assert_same_file "$T/data" "$L/out1"
assert_grep "$T/pasv3rd.out" "ignoring address 76\.88\.16\.99 in the PASV reply"
assert_grep "$FAKE_LOG" "^data from 76\.88\.16\.104$"
[ "$(grep -c '^data from' "$FAKE_LOG")" = "$(grep -c '^data from 76\.88\.16\.104$' "$FAKE_LOG")" ] ||
	fail "a data connection came from somewhere other than the client"

log "auto-fetch of an ftp:// URL"
ftp_run url "$L" "ftp://pasv3rd:x@$SRV_IP/file" </dev/null
no_crash url
ftp_expect_ok url
assert_same_file "$T/data" "$L/file"

log "malformed lines, wrong terminators, a 1 MB line"
ftp_run replies "$L" -n -v "$SRV_IP" <<CMDS
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
ftp_run stall "$L" -n -q 3 "$SRV_IP" <<CMDS
user replies x
quote STALL
CMDS
no_crash stall
[ "$FTP_RC" != 0 ] || fail "a reply that never ended, yet ftp exited 0"
assert_grep "$T/stall.out" "no reply from the server within the timeout"

for who in midclose shortok; do
	log "$who: the transfer is cut short"
	ftp_run "$who" "$L" -n "$SRV_IP" <<CMDS
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
assert_grep "$T/shortok.out" "short transfer"
log "PASS"
