#!/bin/bash
# ftpd_tls.sh - FTPS (RFC 4217) in synfin's ftpd on packet: in a
# namespace, Linux clients in another (ftpd_lib.sh), certificates made
# with the openssl command:
#   curl --ssl-reqd: LIST, RETR, STOR (it resumes the control connection's
#   TLS session on data connections: passes with require_ssl_reuse = yes),
#   also over TLS 1.2;
#   lftp with ftp:ssl-force (and the CA);
#   Python's ftplib FTP_TLS (which does not resume sessions): 522 by
#   default, success once require_ssl_reuse = no (SIGHUP reload);
#   a plaintext USER/PASS of a local user refused with 530
#   (force_local_logins_ssl); PROT C data refused with 521;
#   ALPN other than "ftp" and a foreign SNI name refused (ALPACA);
#   CCC refused (534) and not in FEAT while allow_ccc = no; FEAT lists
#   AUTH TLS, PBSZ, PROT;
#   after a reload with allow_ccc = yes: curl --ftp-ssl-ccc-mode active,
#   LIST and RETR under PROT P (session reuse still required), the
#   commands after CCC in clear text in the trace, the client's
#   close_notify read; ftplib's ccc() (which waits for ours): PWD after
#   it; CCC before login 530, twice 533; mode passive (no close_notify
#   from curl) once require_ssl_reuse = no;
#   a flood of AUTH TLS followed by garbage does not stall a normal
#   TLS session meanwhile;
#   the trace (trace=segments) shows "TLS handshake" records on control
#   and data connections, and never a password;
# SHA-256 equal on every transferred file; graceful stop.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/ftpd_lib.sh"
. "$top_srcdir/tests/integration/tls_lib.sh"

need_cmd curl lftp ethtool "$PY3"
tls_need_openssl
ftpd_net_setup
ftpd_tree

tls_ca test
tls_server test srv "IP:$SRV_IP"
MB=$(scaled_mb 8)
make_file "$ROOT/big.bin" "$MB"
echo "hello over TLS" >"$ROOT/hello.txt"
HOME_DIR="$T/home"
mkdir -p "$HOME_DIR"
cp "$ROOT/big.bin" "$HOME_DIR/big.bin"
chown -R "$FTPD_USER" "$HOME_DIR"
ftpd_user bob s3cretPW all "$HOME_DIR"
# require_ssl_reuse stays out of -o: the reload below changes it in the
# file.
ftpd_start -o ssl_enable=yes -o rsa_cert_file="$T/srv.pem" \
	-o rsa_private_key_file="$T/srv.key" -o local_enable=yes \
	-o users_file="$USERS" -o write_enable=yes -o allow_anon_ssl=yes \
	-o trace=segments

curl_() { in_cli curl -sS --max-time 60 --ssl-reqd --cacert "$T/test-ca.pem" "$@"; }
U="ftp://bob:s3cretPW@$SRV_IP"

log "curl --ssl-reqd: LIST, RETR, STOR (session reuse required)"
curl_ "$U/" >"$T/list.out" || fail "curl LIST over TLS failed"
assert_grep "$T/list.out" " big\.bin$"
curl_ -o "$T/g1" "$U/big.bin" || fail "curl RETR over TLS failed"
assert_same_file "$HOME_DIR/big.bin" "$T/g1"
curl_ -T "$ROOT/big.bin" "$U/s1.bin" || fail "curl STOR over TLS failed"
assert_same_file "$ROOT/big.bin" "$HOME_DIR/s1.bin"
curl_ --tls-max 1.2 -o "$T/g2" "$U/big.bin" || fail "curl RETR over TLS 1.2 failed"
assert_same_file "$HOME_DIR/big.bin" "$T/g2"
assert_grep "$T/ftpd.log" "TLS on the control connection: TLSv1.2 "
assert_grep "$T/ftpd.log" "TLS on the control connection: TLSv1.3 "
assert_no_grep "$T/ftpd.log" "data connection refused"

PYT() { in_cli "$PY3" "$top_srcdir/tests/integration/ftpd_tls.py" "$@"; }

log "lftp: ftp:ssl-force, the CA, LIST, get, put"
in_cli lftp -c "set ftp:ssl-force true; set ftp:ssl-protect-data true; \
	set ssl:ca-file $T/test-ca.pem; \
	set net:max-retries 1; set net:timeout 20; \
	open -u bob,s3cretPW $SRV_IP; ls; get big.bin -o $T/l1; \
	put $ROOT/hello.txt -o lftp_hello.txt" >"$T/lftp.out" 2>&1 ||
	fail "lftp over TLS failed"
assert_grep "$T/lftp.out" " big\.bin$"
assert_same_file "$HOME_DIR/big.bin" "$T/l1"
assert_same_file "$ROOT/hello.txt" "$HOME_DIR/lftp_hello.txt"

log "python3 ftplib FTP_TLS (no session reuse): 522"
PYT reuse522 "$SRV_IP" "$T/test-ca.pem" bob s3cretPW >"$T/py522.out" 2>&1 ||
	fail "FTP_TLS did not get 522 (see $T/py522.out)"
assert_grep "$T/ftpd.log" "data connection refused: its TLS session is new"

log "clear-text USER/PASS of a local user: 530; PROT C: 534, then 521"
PYT plainlogin "$SRV_IP" "$T/test-ca.pem" bob s3cretPW >"$T/plain.out" 2>&1 ||
	fail "clear-text login not refused (see $T/plain.out)"
PYT protc "$SRV_IP" "$T/test-ca.pem" bob s3cretPW >"$T/protc.out" 2>&1 ||
	fail "PROT C not refused (see $T/protc.out)"

log "ALPACA: foreign ALPN and SNI refused; FEAT, CCC, AUTH twice"
PYT alpacca "$SRV_IP" "$T/test-ca.pem" >"$T/alpaca.out" 2>&1 ||
	fail "ALPN/SNI checks (see $T/alpaca.out)"
assert_grep "$T/ftpd.log" "ALPN without \"ftp\""
assert_grep "$T/ftpd.log" "server name 'mail\.example\.org'"
PYT misc "$SRV_IP" "$T/test-ca.pem" bob s3cretPW >"$T/misc.out" 2>&1 ||
	fail "FEAT/CCC/AUTH checks (see $T/misc.out)"

log "a flood of AUTH TLS and garbage; a normal TLS session meanwhile"
FLOOD=40
in_cli "$PY3" "$top_srcdir/tests/integration/ftpd_tls.py" flood "$SRV_IP" \
	"$T/test-ca.pem" "$FLOOD" 8 >"$T/flood.out" 2>&1 &
bg_track $!
FLOOD_PID=$BG_PID
wait_until 30 grep -q "flood up" "$T/flood.out"
START=$(date +%s)
curl_ --max-time 20 -o "$T/g3" "$U/big.bin" || fail "RETR during the flood failed"
assert_same_file "$HOME_DIR/big.bin" "$T/g3"
log "RETR during the flood: $(($(date +%s) - START)) s"
bg_wait "$FLOOD_PID" 60 || fail "the flood driver failed (see $T/flood.out)"
N=$(grep -c "TLS handshake failed" "$T/ftpd.log")
[ "$N" -ge $((FLOOD / 2)) ] || fail "only $N failed handshakes logged"

reloaded() { [ "$(grep -c "configuration reloaded" "$T/ftpd.log")" -ge "$1" ]; }

log "reload with allow_ccc = yes: CCC, then clear text (curl, ftplib)"
# The daemon re-reads its files as $FTPD_USER; the key stays root's
# (0600): the reload keeps the TLS context already loaded.
chown "$FTPD_USER" "$USERS"
echo "allow_ccc = yes" >>"$T/ftpd.conf"
kill -HUP "$FTPD_PID"
wait_until 10 reloaded 1
# ccc_curl MODE: LIST and RETR over a CCC'd control connection.
ccc_curl() {
	curl_ --ftp-ssl-ccc --ftp-ssl-ccc-mode "$1" "$U/" >"$T/ccc-$1.list" ||
		fail "curl LIST after CCC ($1) failed"
	assert_grep "$T/ccc-$1.list" " big\.bin$"
	curl_ --ftp-ssl-ccc --ftp-ssl-ccc-mode "$1" -o "$T/ccc-$1.bin" \
		"$U/big.bin" || fail "curl RETR after CCC ($1) failed"
	assert_same_file "$HOME_DIR/big.bin" "$T/ccc-$1.bin"
}
ccc_curl active
assert_grep "$T/ftpd.log" "CCC: .*after the client's close_notify"
# Commands after CCC cross in clear text (the decode line shows them);
# the close_notify records before them are TLS records.
assert_grep "$T/ftpd.err" "^seg #[0-9]+ .* $CLI_IP:[0-9]+ > $SRV_IP:21 .*\"RETR big\.bin\""
assert_grep "$T/ftpd.err" "^seg #[0-9]+ .* $CLI_IP:[0-9]+ > $SRV_IP:21 .*\"(EPSV|PASV)\""
PYT ccc "$SRV_IP" "$T/test-ca.pem" bob s3cretPW >"$T/ccc-py.out" 2>&1 ||
	fail "ftplib CCC (see $T/ccc-py.out)"
assert_grep "$T/ftpd.err" "^seg #[0-9]+ .* $CLI_IP:[0-9]+ > $SRV_IP:21 .*\"HELP CCC\""

log "reload with require_ssl_reuse = no: FTP_TLS transfers work"
echo "require_ssl_reuse = no" >>"$T/ftpd.conf"
kill -HUP "$FTPD_PID"
wait_until 10 reloaded 2
# curl's passive mode never sends its close_notify, so its own OpenSSL
# marks the control connection's session not resumable (SSL_free of a
# connection not shut down): its data connections cannot resume it, and
# get 522 while require_ssl_reuse = yes.
ccc_curl passive
assert_grep "$T/ftpd.log" "CCC: .*the client sent no close_notify"
PYT transfer "$SRV_IP" "$T/test-ca.pem" bob s3cretPW "$HOME_DIR" \
	>"$T/pyok.out" 2>&1 || fail "FTP_TLS transfer failed (see $T/pyok.out)"

log "the trace: TLS records on control and data connections, no password"
assert_grep "$T/ftpd.err" "^seg #[0-9]+ .* $SRV_IP:21 > $CLI_IP:[0-9]+ .*\"TLS handshake len="
assert_grep "$T/ftpd.err" "^seg #[0-9]+ .* $SRV_IP:[0-9]{5} > $CLI_IP:[0-9]+ .*\"TLS handshake len="
assert_grep "$T/ftpd.err" "\"TLS application-data len="
assert_grep "$T/ftpd.err" "\"PASS \*\*\*\*\""
for f in "$T/ftpd.err" "$T/ftpd.log"; do
	assert_no_grep "$f" "s3cretPW" "the password appears in $f"
done

log "ftpd --make-cert: a certificate for the address, verifiable"
"$FTPD" -o address="$SRV_IP/24" --make-cert "$T/made.pem" >"$T/mkcert.out" ||
	fail "ftpd --make-cert failed"
assert_grep "$T/mkcert.out" "set rsa_cert_file = $T/made.pem"
[ "$(stat -c %a "$T/made.pem")" = 600 ] || fail "made.pem is not mode 0600"
openssl verify -CAfile "$T/made.pem.crt" -verify_ip "$SRV_IP" \
	-purpose sslserver "$T/made.pem.crt" >"$T/verify.out" 2>&1 ||
	fail "the --make-cert certificate does not verify (see $T/verify.out)"
"$FTPD" --make-cert "$T/made.pem" >"$T/mkcert2.out" 2>&1 &&
	fail "--make-cert overwrote a file"
assert_grep "$T/mkcert2.out" "remove it first"

log "PASS"
ftpd_stop
