#!/bin/bash
# ftpd_smoke.sh - synfin's ftpd on packet: in one namespace (76.88.16.16
# belongs to the stack only), Linux clients in another (curl, Python's
# ftplib) over a veth:
#   curl: LIST, NLST, RETR (EPSV, PASV, and active EPRT/PORT: the trace
#   shows the server's SYN from port 20), STOR, APPE, resumed upload and
#   download, --ftp-create-dirs, -Q DELE/RNFR/RNTO/MKD/RMD;
#   ftplib: every method (ftpd_ftplib.py), ASCII both ways, REST, ABOR,
#   SIZE/REST/RETR on a sparse 5 GiB file beyond 4 GiB, HOST (RFC 7151),
#   TYPE L 8, SITE IDLE, OPTS MLST, STAT during a transfer (450), a
#   read-only user in local_root (550 on every change);
# every transferred file SHA-256 equal; then a graceful stop (exit 0,
# TIME_WAIT saved; no sanitizer report in the ASan build).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/ftpd_lib.sh"

need_cmd curl ethtool "$PY3"
ftpd_net_setup
ftpd_tree
MB=$(scaled_mb 8)
make_file "$ROOT/big.bin" "$MB"
make_file "$ROOT/abort.bin" "$(scaled_mb 64)"
echo "hello from synfin" >"$ROOT/hello.txt"
# A sparse 5 GiB file with 8 MiB of data 4.5 GiB in.
truncate -s 5G "$ROOT/huge.bin"
head -c 8388608 /dev/urandom |
	dd of="$ROOT/huge.bin" bs=1M seek=4608 conv=notrunc status=none
ftpd_user alice secret1 all "$ROOT"
# No root of its own: local_root.
ftpd_user reader readpw1 read,list
ftpd_start -o local_enable=yes -o users_file="$USERS" -o write_enable=yes \
	-o local_root="$ROOT/up" \
	-o trace=all -o "host=ftp.example.org:$ROOT/up"

U="ftp://alice:secret1@$SRV_IP"
curl_() { in_cli curl -sS --max-time 30 "$@"; }

log "curl: LIST, NLST"
curl_ "ftp://$SRV_IP/" >"$T/list.out" || fail "curl LIST failed"
assert_grep "$T/list.out" "^-rw-r--r-- +1 +[0-9]+ +[0-9]+ +$((MB * 1048576)) [A-Z][a-z]{2} [ 0-9][0-9] [ 0-9][0-9]:[0-9][0-9] big\.bin$" \
	"LIST: no ls -l line for big.bin"
assert_grep "$T/list.out" "^d.* up$"
curl_ -l "ftp://$SRV_IP/" >"$T/nlst.out" || fail "curl NLST failed"
assert_grep "$T/nlst.out" "^big\.bin$"
assert_no_grep "$T/nlst.out" "rw-"

log "curl: RETR passive (EPSV, PASV) and active (EPRT, PORT)"
curl_ --ftp-pasv -o "$T/g1" "ftp://$SRV_IP/big.bin" || fail "RETR (EPSV) failed"
assert_same_file "$ROOT/big.bin" "$T/g1"
curl_ --ftp-pasv --disable-epsv -o "$T/g2" "ftp://$SRV_IP/big.bin" || fail "RETR (PASV) failed"
assert_same_file "$ROOT/big.bin" "$T/g2"
curl_ -P - -o "$T/g3" "ftp://$SRV_IP/big.bin" || fail "RETR (EPRT) failed"
assert_same_file "$ROOT/big.bin" "$T/g3"
curl_ -P - --disable-eprt -o "$T/g4" "ftp://$SRV_IP/big.bin" || fail "RETR (PORT) failed"
assert_same_file "$ROOT/big.bin" "$T/g4"
# The server opened those data connections: a handshake it started, from
# port 20 (RFC 959's ftp-data).
assert_grep "$T/ftpd.err" "^seg #[0-9]+ \+[0-9.]+ $SRV_IP:20 > $CLI_IP:[0-9]+ SYN seq=" \
	"no SYN from $SRV_IP:20 in the trace"
assert_grep "$T/ftpd.err" "state $SRV_IP:20 <-> $CLI_IP:[0-9]+ SYN_SENT -> ESTABLISHED"

log "curl: STOR, APPE, resumed upload and download"
curl_ -T "$ROOT/big.bin" "$U/up/s.bin" || fail "STOR failed"
assert_same_file "$ROOT/big.bin" "$ROOT/up/s.bin"
head -c 100000 "$ROOT/big.bin" >"$T/p1"
tail -c +100001 "$ROOT/big.bin" >"$T/p2"
curl_ -T "$T/p1" "$U/up/app.bin" && curl_ --append -T "$T/p2" "$U/up/app.bin" ||
	fail "APPE failed"
assert_same_file "$ROOT/big.bin" "$ROOT/up/app.bin"
HALF=$((MB * 1048576 / 2))
head -c "$HALF" "$ROOT/big.bin" >"$ROOT/up/res.bin"
chown "$FTPD_USER" "$ROOT/up/res.bin"
curl_ -C - -T "$ROOT/big.bin" "$U/up/res.bin" || fail "resumed upload failed"
assert_same_file "$ROOT/big.bin" "$ROOT/up/res.bin"
head -c $((HALF + 12345)) "$ROOT/big.bin" >"$T/dl"
curl_ -C - -o "$T/dl" "ftp://$SRV_IP/big.bin" || fail "resumed download failed"
assert_same_file "$ROOT/big.bin" "$T/dl"
assert_grep "$T/ftpd.log" "command: REST $((HALF + 12345))$"

log "curl: --ftp-create-dirs and -Q commands"
curl_ --ftp-create-dirs -T "$ROOT/hello.txt" "$U/up/a/b/c/h.txt" ||
	fail "--ftp-create-dirs failed"
assert_same_file "$ROOT/hello.txt" "$ROOT/up/a/b/c/h.txt"
curl_ -o /dev/null -Q "MKD /up/q" -Q "RNFR /up/s.bin" -Q "RNTO /up/q/t.bin" \
	"$U/" || fail "-Q MKD/RNFR/RNTO failed"
assert_same_file "$ROOT/big.bin" "$ROOT/up/q/t.bin"
curl_ -o /dev/null -Q "DELE /up/q/t.bin" -Q "RMD /up/q" "$U/" ||
	fail "-Q DELE/RMD failed"
[ ! -e "$ROOT/up/q" ] || fail "RMD did not remove /up/q"
curl_ -o /dev/null -Q "DELE /up/nothing" "$U/" 2>"$T/q.err" &&
	fail "DELE of a missing file succeeded"
assert_grep "$T/q.err" "550"

log "python3 ftplib: every method"
in_cli "$PY3" "$top_srcdir/tests/integration/ftpd_ftplib.py" "$SRV_IP" \
	"$CLI_IP" "$ROOT" alice secret1 reader readpw1 >"$T/ftplib.out" 2>&1 ||
	fail "ftplib: $(tail -n 3 "$T/ftplib.out")"
assert_grep "$T/ftplib.out" "^ftplib: all ok$"

log "logs: xferlog lines and no password anywhere"
assert_grep "$T/xferlog" "^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4} [0-9]+ $CLI_IP $((MB * 1048576)) /big\.bin b _ o a ftp ftp 0 \* c$"
assert_grep "$T/xferlog" " /up/s\.bin b _ i r alice ftp 0 \* c$"
assert_no_grep "$T/ftpd.log" "secret1"
assert_no_grep "$T/ftpd.err" "secret1"

ftpd_stop
assert_grep "$T/ftpd.err" "ftpd: saved [0-9]+ TIME_WAIT connections? to $T/state/state-$SRV_IP\.bin"
log "ok"
