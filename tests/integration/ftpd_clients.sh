#!/bin/bash
# ftpd_clients.sh - real FTP clients that no one here wrote, on Linux TCP
# in one namespace, against synfin's ftpd on packet: in another (the
# stack owns 76.88.16.16):
#   lftp: `mirror` and `mirror -R` of a tree of 200 files (nested
#   directories, 0 bytes to 3 MiB, names with spaces and UTF-8) plus a
#   1 GiB file (a quarter in the ASan build), passive; the tree again in
#   active mode (`set ftp:passive-mode off`);
#   tnftp: get, put, ls, mget, mput in batch mode, passive and active,
#   and TYPE A both ways;
#   curl (what ftpd_smoke.sh does not do): TYPE A both ways (-B) with
#   the CRLFs checked on the wire, REST refused in TYPE A, a URL with
#   UTF-8 and spaces, ;type=d and ;type=a URLs, --ftp-method singlecwd
#   and nocwd, --ftp-skip-pasv-ip, -r ranges, -z (MDTM), --list-only of a
#   subdirectory, 550 on a missing file, --ftp-port with an address; SIZE
#   and a range beyond 4 GiB of a sparse 5 GiB file.
# Every transferred byte is checked by SHA-256 (trees by sha256sum lists).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/ftpd_lib.sh"

need_cmd lftp tnftp curl ethtool "$PY3"
ftpd_net_setup
ftpd_tree
UTF8_NAME="naïve café 東京.txt"
BIG_MB=$(scaled_mb 1024)

# tree DIR SEED: 200 files in nested directories (some with spaces and
# UTF-8 in their names), sizes from 0 bytes to 3 MiB, random content.
tree() {
	"$PY3" - "$1" "$2" <<'PYEOF'
import os, random, sys
top, rnd = sys.argv[1], random.Random(int(sys.argv[2]))
dirs = [""]
for i in range(24):
    name = "d%02d" % i if i % 5 else "dir %02d ü" % i
    dirs.append(os.path.join(rnd.choice(dirs), name))
for d in dirs:
    os.makedirs(os.path.join(top, d), exist_ok=True)
edge = [0, 1, 2, 1023, 1024, 1025, 1460, 1461, 65535, 65536, 65537]
for i in range(199):
    if i < len(edge):
        size = edge[i]
    elif i % 40 == 0:
        size = rnd.randrange(1 << 20, 3 << 20)
    else:
        size = min(int(rnd.expovariate(1 / 20000)), 1 << 20)
    name = "f%03d.bin" % i if i % 7 else "file %03d é.bin" % i
    with open(os.path.join(top, rnd.choice(dirs), name), "wb") as f:
        f.write(os.urandom(size))
with open(os.path.join(top, "naïve café 東京.txt"), "w") as f:
    f.write("Ünïcödé line\n" * 1000)
PYEOF
}

# sums DIR: the sorted list of "sha256  path" of every file under DIR,
# and of every directory, so missing empty directories count too.
sums() {
	(cd "$1" && find . -type f -print0 | LC_ALL=C sort -z |
		xargs -0 -r sha256sum && find . -type d | LC_ALL=C sort)
}

# same_tree A B WHAT
same_tree() {
	sums "$1" >"$T/sums.a"
	sums "$2" >"$T/sums.b"
	cmp -s "$T/sums.a" "$T/sums.b" ||
		fail "$3: trees differ: $(diff "$T/sums.a" "$T/sums.b" | head -n 5)"
	log "$3: $(grep -c '^[0-9a-f]\{64\} ' "$T/sums.a") files SHA-256 equal"
}

tree "$ROOT/tree" 1
[ "$(find "$ROOT/tree" -type f | wc -l)" = 200 ] || fail "the tree does not have 200 files"
mkdir -p "$T/src"
tree "$T/src/tree" 2
make_file "$ROOT/big.bin" "$BIG_MB"
# A failed run keeps $T for inspection, but not its biggest files.
at_exit "rm -f '$ROOT/big.bin' '$T/src/big.bin' '$T/big.bin' '$ROOT/up/src-pasv/big.bin' '$T/tn/big.bin'"
ln "$ROOT/big.bin" "$T/src/big.bin"
printf 'line one\nline two\r\nlast\n' >"$ROOT/text.txt"
# A sparse 5 GiB file with 8 MiB of data 4.5 GiB in (64-bit SIZE/REST).
truncate -s 5G "$ROOT/huge.bin"
head -c 8388608 /dev/urandom |
	dd of="$ROOT/huge.bin" bs=1M seek=4608 conv=notrunc status=none
chown -R "$FTPD_USER" "$ROOT/up"
ftpd_user alice secret1 all "$ROOT"
ftpd_start -o local_enable=yes -o users_file="$USERS" -o write_enable=yes \
	-o log_level=debug

# lftp_ NAME SCRIPT: runs lftp with a script, bounded in time.
lftp_() {
	local name=$1
	shift
	cat >"$T/$name.lftp" <<EOF
set cmd:fail-exit yes
set net:max-retries 1
set net:timeout 30
set ftp:ssl-allow no
set xfer:clobber on
set cmd:interactive no
$*
EOF
	in_cli timeout -k 5 600 lftp -f "$T/$name.lftp" >"$T/$name.out" 2>&1 ||
		fail "lftp $name: $(tail -n 5 "$T/$name.out")"
}
OPEN="open -u alice,secret1 ftp://$SRV_IP"

log "lftp passive: mirror of /tree and /big.bin, mirror -R of a tree and a ${BIG_MB} MiB file"
t0=$(date +%s)
lftp_ pasv "set ftp:passive-mode on
$OPEN
mirror /tree $T/down-pasv
get -O $T /big.bin
mirror -R $T/src /up/src-pasv"
log "lftp passive: $(($(date +%s) - t0)) s"
same_tree "$ROOT/tree" "$T/down-pasv" "lftp mirror (passive)"
assert_same_file "$ROOT/big.bin" "$T/big.bin"
rm -f "$T/big.bin"
same_tree "$T/src" "$ROOT/up/src-pasv" "lftp mirror -R (passive)"
rm -f "$ROOT/up/src-pasv/big.bin"
[ -f "$T/down-pasv/$UTF8_NAME" ] || fail "lftp mirror: no '$UTF8_NAME'"
assert_grep "$T/ftpd.log" "command: OPTS UTF8 ON"

log "lftp active: mirror and mirror -R of the trees"
lftp_ port "set ftp:passive-mode off
$OPEN
mirror /tree $T/down-port
mirror -R $T/src/tree /up/src-port"
same_tree "$ROOT/tree" "$T/down-port" "lftp mirror (active)"
same_tree "$T/src/tree" "$ROOT/up/src-port" "lftp mirror -R (active)"
assert_grep "$T/ftpd.log" "command: (PORT|EPRT) "
rm -rf "$T/down-pasv" "$T/down-port" "$ROOT/up/src-pasv" "$ROOT/up/src-port"

log "lftp: ls, cls, rm, mv, mkdir, rmdir, cat, REST resume"
f=$(cd "$ROOT/tree" && find . -type f -size +200k -name 'f*.bin' | LC_ALL=C sort | head -n 1)
f=${f#./}
head -c 100000 "$ROOT/tree/$f" >"$T/resumed.bin"
lftp_ misc "$OPEN
cd /tree
ls >$T/lftp-ls.out
cls -1 >$T/lftp-cls.out
get -c '/tree/$f' -o $T/resumed.bin
cat '/tree/$UTF8_NAME' >$T/lftp-cat.out
mkdir /up/m
put -O /up/m '$ROOT/text.txt'
mv /up/m/text.txt '/up/m/renamed $UTF8_NAME'
cls -1 /up/m >$T/lftp-m.out
rm '/up/m/renamed $UTF8_NAME'
rmdir /up/m"
assert_same_file "$ROOT/tree/$f" "$T/resumed.bin"
assert_grep "$T/ftpd.log" "command: REST 100000$"
assert_same_file "$ROOT/tree/$UTF8_NAME" "$T/lftp-cat.out"
assert_grep "$T/lftp-ls.out" " $UTF8_NAME\$"
assert_grep "$T/lftp-cls.out" "^dir 00 ü/?\$"
assert_grep "$T/lftp-m.out" "^(/up/m/)?renamed $UTF8_NAME\$"
[ ! -e "$ROOT/up/m" ] || fail "lftp rmdir: /up/m is still there"

log "tnftp (batch): ls, get, put, mget, mput; passive and active; ascii"
mkdir -p "$T/tn/mget" "$T/tn/put"
tree "$T/tn/put" 3
sub=$(cd "$ROOT/tree" && find . -mindepth 1 -maxdepth 1 -type d -name 'd*' | LC_ALL=C sort | head -n 1)
sub=${sub#./}
printf 'one\ntwo\nthree\n' >"$T/tn/lf.txt"
(cd "$T/tn" && exec ip netns exec "$NS_CLI" timeout -k 5 120 tnftp -n -i -v "$SRV_IP") \
	>"$T/tnftp.out" 2>&1 <<EOF || fail "tnftp: $(tail -n 5 "$T/tnftp.out")"
user alice secret1
binary
passive on
ls /tree $T/tn/ls.out
get /tree/f200.bin $T/tn/none.bin
get "/tree/$UTF8_NAME" "$T/tn/utf8.txt"
put "$T/tn/put/$UTF8_NAME" "/up/tn $UTF8_NAME"
lcd $T/tn/mget
cd "/tree/$sub"
mget *
passive off
cd /up
mkdir tnput
cd tnput
lcd $T/tn/put
mput f*.bin
get /big.bin $T/tn/big.bin
ascii
put $T/tn/lf.txt lf.txt
get /text.txt $T/tn/text.txt
bye
EOF
assert_grep "$T/tnftp.out" "^221"
assert_grep "$T/tnftp.out" "^550 Failed to open file"
assert_grep "$T/tn/ls.out" " $UTF8_NAME\$"
assert_same_file "$ROOT/tree/$UTF8_NAME" "$T/tn/utf8.txt"
assert_same_file "$T/tn/put/$UTF8_NAME" "$ROOT/up/tn $UTF8_NAME"
n=0
for f in "$ROOT/tree/$sub"/*; do
	[ -f "$f" ] || continue
	assert_same_file "$f" "$T/tn/mget/$(basename "$f")"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "tnftp mget: no file in /tree/$sub"
m=0
for f in "$T/tn/put"/f*.bin; do
	assert_same_file "$f" "$ROOT/up/tnput/$(basename "$f")"
	m=$((m + 1))
done
assert_same_file "$ROOT/big.bin" "$T/tn/big.bin"
rm -f "$T/tn/big.bin"
assert_same_file "$T/tn/lf.txt" "$ROOT/up/tnput/lf.txt"
# TYPE A: every LF is CR LF on the wire (27 bytes for 24, 3 lines) and
# LF again at the client's end; the CR before one of them stays data.
assert_same_file "$ROOT/text.txt" "$T/tn/text.txt"
assert_grep "$T/tnftp.out" "^27 bytes received"
assert_grep "$T/ftpd.log" "command: EPRT \|1\|$CLI_IP\|"
assert_grep "$T/xferlog" " /up/tnput/lf\.txt a _ i r alice "
log "tnftp: mget $n files, mput $m files, a ${BIG_MB} MiB file active, SHA-256 equal"

log "curl: TYPE A both ways, REST refused in TYPE A"
U="ftp://alice:secret1@$SRV_IP"
curl_() { in_cli curl -sS --max-time 60 "$@"; }
# curl_fails CODES WHAT CURL-ARGS...: curl must exit with one of CODES
# (a "|"-separated list).
curl_fails() {
	local want=$1 what=$2 rc=0
	shift 2
	curl_ "$@" 2>>"$T/curl-fails.err" || rc=$?
	[[ "|$want|" == *"|$rc|"* ]] || fail "$what: curl exited $rc, expected $want"
}
printf 'one\ntwo\nthree\n' >"$ROOT/lf.txt"
curl_ -B -o "$T/c-a.txt" "ftp://$SRV_IP/lf.txt" || fail "curl -B RETR failed"
assert_same_file "$ROOT/lf.txt" "$T/c-a.txt"
curl_ -o "$T/c-a2.txt" "ftp://$SRV_IP/lf.txt;type=a" || fail "curl ;type=a failed"
assert_same_file "$ROOT/lf.txt" "$T/c-a2.txt"
curl_ -B -T "$ROOT/lf.txt" "$U/up/c-a.txt" || fail "curl -B STOR failed"
assert_same_file "$ROOT/lf.txt" "$ROOT/up/c-a.txt"
assert_grep "$T/xferlog" " $((14 + 3)) /lf\.txt a _ o a "
assert_grep "$T/xferlog" " /up/c-a\.txt a _ i r alice "
curl_fails 21 "REST in TYPE A (a quote error)" -o /dev/null -Q "TYPE A" -Q "REST 5" "$U/"
assert_grep "$T/curl-fails.err" "504"
assert_grep "$T/ftpd.log" "command: REST 5$"
curl_ -o /dev/null -Q "TYPE I" -Q "REST 5" "$U/" || fail "REST in TYPE I refused"

log "curl: UTF-8 URL, ;type=d, --ftp-method, ranges, -I, -z, reuse, errors"
ENC="na%C3%AFve%20caf%C3%A9%20%E6%9D%B1%E4%BA%AC.txt"
curl_ -o "$T/c-utf8" "ftp://$SRV_IP/tree/$ENC" || fail "curl UTF-8 URL failed"
assert_same_file "$ROOT/tree/$UTF8_NAME" "$T/c-utf8"
curl_ -T "$ROOT/tree/$UTF8_NAME" "$U/up/$ENC" || fail "curl UTF-8 STOR failed"
assert_same_file "$ROOT/tree/$UTF8_NAME" "$ROOT/up/$UTF8_NAME"
curl_ "ftp://$SRV_IP/tree/;type=d" >"$T/c-nlst" || fail "curl ;type=d failed"
assert_grep "$T/c-nlst" "^$UTF8_NAME\$"
assert_no_grep "$T/c-nlst" "rw-"
deep=$(cd "$ROOT/tree" && find . -mindepth 2 -type f -name 'f*.bin' | LC_ALL=C grep -v '[^a-z0-9./]' |
	LC_ALL=C sort | head -n 1)
deep=${deep#./}
[ -n "$deep" ] || fail "no file in a subdirectory of the tree"
for m in multicwd singlecwd nocwd; do
	curl_ --ftp-method "$m" -o "$T/c-$m" "ftp://$SRV_IP/tree/$deep" ||
		fail "curl --ftp-method $m failed"
	assert_same_file "$ROOT/tree/$deep" "$T/c-$m"
done
curl_ --disable-epsv --ftp-skip-pasv-ip -o "$T/c-skip" "ftp://$SRV_IP/tree/$deep" ||
	fail "curl --ftp-skip-pasv-ip failed"
assert_same_file "$ROOT/tree/$deep" "$T/c-skip"
curl_ -r 1000000-1999999 -o "$T/c-range" "ftp://$SRV_IP/big.bin" ||
	fail "curl -r failed"
tail -c +1000001 "$ROOT/big.bin" | head -c 1000000 >"$T/c-range.want"
assert_same_file "$T/c-range.want" "$T/c-range"
assert_grep "$T/ftpd.log" "command: REST 1000000$"
log "curl: 64-bit SIZE and a range beyond 4 GiB of a sparse 5 GiB file"
curl_ -I "ftp://$SRV_IP/huge.bin" >"$T/c-huge" || fail "curl -I huge.bin failed"
assert_grep "$T/c-huge" "^Content-Length: $((5 * 1073741824))"
off=$((4608 * 1048576 + 12345))
curl_ -r "$off-$((off + 4194303))" -o "$T/c-huge.bin" "ftp://$SRV_IP/huge.bin" ||
	fail "curl -r beyond 4 GiB failed"
dd if="$ROOT/huge.bin" bs=4096 iflag=skip_bytes,count_bytes skip="$off" \
	count=4194304 status=none >"$T/c-huge.want"
assert_same_file "$T/c-huge.want" "$T/c-huge.bin"
assert_grep "$T/ftpd.log" "command: REST $off\$"
curl_ -I "ftp://$SRV_IP/big.bin" >"$T/c-head" || fail "curl -I failed"
assert_grep "$T/c-head" "^Content-Length: $((BIG_MB * 1048576))"
assert_grep "$T/c-head" "^Last-Modified: [A-Z][a-z]{2}, "
curl_ -z "Jan 1 2000" -o "$T/c-newer" "ftp://$SRV_IP/lf.txt" || fail "curl -z failed"
assert_same_file "$ROOT/lf.txt" "$T/c-newer"
curl_ -z "-Jan 1 2000" -o "$T/c-older" "ftp://$SRV_IP/lf.txt" || fail "curl -z- failed"
[ ! -s "$T/c-older" ] || fail "curl -z-: a file newer than 2000 was downloaded"
# Several URLs on one control connection (curl reuses it).
curl_ -v -o "$T/c-r1" "ftp://$SRV_IP/tree/$deep" -o "$T/c-r2" "ftp://$SRV_IP/lf.txt" \
	2>"$T/c-reuse.err" || fail "curl with two URLs failed"
assert_same_file "$ROOT/tree/$deep" "$T/c-r1"
assert_same_file "$ROOT/lf.txt" "$T/c-r2"
assert_grep "$T/c-reuse.err" "Re-using existing connection"
curl_ -P "$CLI_IP" -o "$T/c-port" "ftp://$SRV_IP/tree/$deep" || fail "curl -P ADDR failed"
assert_same_file "$ROOT/tree/$deep" "$T/c-port"
# Post-transfer quote: upload, then delete it on the same connection.
curl_ -T "$ROOT/lf.txt" -Q "-DELE /up/gone.txt" "$U/up/gone.txt" || fail "curl -Q -DELE failed"
[ ! -e "$ROOT/up/gone.txt" ] || fail "curl -Q -DELE: the file is still there"
assert_grep "$T/xferlog" " /up/gone\.txt b _ i r alice "
curl_fails 78 "a missing file" -o /dev/null "ftp://$SRV_IP/nothing.bin"
curl_fails 67 "a wrong password" -o /dev/null "ftp://alice:wrong@$SRV_IP/lf.txt"
curl_fails "9|25" "STOR into a missing directory" -T "$ROOT/lf.txt" "$U/up/no/such/dir/x"

log "ok"
