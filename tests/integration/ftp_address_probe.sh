#!/bin/bash
# ftp_address_probe.sh - the client's default address is 76.88.16.104;
# when another station on the hub already holds it, ftp finds the next free
# address by ARP probing (RFC 5227 style), says so, and the session works
# from there.
. "$top_srcdir/tests/lib.sh"

need_built "$FTPD" "$FTP" "$TSNC"
mkdir -p "$T/pub" "$T/state"
echo "probe" >"$T/pub/probe.txt"

# Another station takes 76.88.16.104 first.
bg_start "$T/squatter.err" "$TSNC" -v -l -d --link "hub:$HUB" \
	--address 76.88.16.104/24 4000
wait_until 10 grep -q "listening on" "$T/squatter.err"

bg_start "$T/ftpd.out" "$FTPD" -c "$top_srcdir/conf/ftpd.conf" \
	-o "link=hub:$HUB" -o "anon_root=$T/pub" -o "state_dir=$T/state" \
	-o trace=states -o "log_file=$T/ftpd.log" -o "xferlog_file=$T/xfer.log"
wait_until 20 grep -q "CLOSED -> LISTEN" "$T/ftpd.out"

printf 'user anonymous probe@\nls\nbye\n' |
	"$FTP" -n --link "hub:$HUB" 76.88.16.16 >"$T/ftp.out" 2>&1 ||
	fail "the session failed: $(tail -5 "$T/ftp.out")"
assert_grep "$T/ftp.out" "76.88.16.104 is in use by another station; trying the next address" \
	"ftp did not say why it moved off 76.88.16.104"
assert_grep "$T/ftp.out" "probe.txt" "the listing did not arrive"
assert_grep "$T/ftpd.out" "76.88.16.16:21 <-> 76.88.16.105:[0-9]+ LISTEN -> SYN_RECEIVED" \
	"the server did not see the client at 76.88.16.105"
log "ftp moved to 76.88.16.105 and the session worked"
