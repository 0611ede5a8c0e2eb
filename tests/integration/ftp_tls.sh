#!/bin/bash
# ftp_tls.sh - FTPS (RFC 4217) in synfin's ftp, certificates made with
# the openssl command:
#   against vsftpd (ssl_enable=YES, its default require_ssl_reuse=YES) on
#   Linux TCP in a namespace: -z tls with the CA: login, ls, get, put with
#   PROT P, passive and active, SHA-256 equal; a certificate of another
#   CA refused with a clear message and a non-zero exit; -z noverify
#   connects anyway;
#   against synfin's ftpd over this test's hub: the same with PROT P, the
#   `ssl` command on a clear-text connection, the trace showing TLS
#   records on the data connection, and a certificate that does not name
#   the address connected to (a second ftpd at .17 with .16's
#   certificate) refused;
#   the system store: no -z cafile, the test CA made the default store of
#   the one process (SSL_CERT_FILE): verified; without it refused with
#   the message saying so;
#   host names (the client's /etc/hosts is a file of this test, bound in
#   a mount namespace of its own): the certificate's name verifies;
#   another name (of the second ftpd, ssl_sni_check = no) is refused, the
#   message naming both.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/ftp_lib.sh"
. "$top_srcdir/tests/integration/tls_lib.sh"

need_cmd /usr/sbin/vsftpd ethtool
tls_need_openssl
id ftp >/dev/null 2>&1 || skip "vsftpd's anonymous user 'ftp' does not exist (reinstall vsftpd)"
[ -x "$FTPD" ] || skip "ftpd is not built yet ($FTPD)"

tls_ca test
tls_ca other
tls_server test srv "DNS:ftp.synfin.test,IP:$SRV_IP"
unset SSL_CERT_FILE SSL_CERT_DIR
tls_server other rogue "IP:$SRV_IP"
L="$T/local"
mkdir -p "$L/back"
make_file "$L/big" "$(scaled_mb 4)"

# tls_session NAME EXPECT_OK ARGS... < commands: one ftp run; checks the
# exit status.
tls_session() {
	local name=$1 ok=$2
	shift 2
	ftp_run "$name" "$L" "$@"
	if [ "$ok" = yes ]; then
		ftp_expect_ok "$name"
	else
		[ "$FTP_RC" != 0 ] || fail "ftp ($name) exited 0; a refusal was expected"
	fi
}

# tls_put_get NAME MODE SRVDIR: -z tls with the CA, login, put, get (with
# the trace on), ls, status in MODE (passive or active); SHA-256 checked
# on both sides (SRVDIR: where the server keeps pub/).
tls_put_get() {
	local name=$1 mode=$2 srv=$3
	rm -f "$L/back/"*
	tls_session "$name" yes -n -v -z tls -z "cafile=$T/test-ca.pem" \
		"$SRV_IP" <<EOF
user anonymous guest@
binary
$([ "$mode" = passive ] && echo "passive on" || echo active)
cd pub
put big big.$mode
trace
get big.$mode back/big
trace off
ls
status
bye
EOF
	assert_same_file "$L/big" "$srv/pub/big.$mode"
	assert_same_file "$L/big" "$L/back/big"
	assert_grep "$T/$name.out" "^TLS: TLSv1\.[23] .*certificate verified"
	assert_grep "$T/$name.out" "^TLS: TLSv1\.[23] .*data: protected \(PROT P\)"
	assert_grep "$T/$name.out" "big\.$mode\$"
	assert_no_grep "$T/$name.out" "^ftp: "
	assert_no_grep "$T/$name.out" "\"PASS "
}

# ---- vsftpd -------------------------------------------------------------------
ftp_net_setup
ftp_vsftpd_start <<CONF
ssl_enable=YES
allow_anon_ssl=YES
force_anon_logins_ssl=YES
force_anon_data_ssl=YES
rsa_cert_file=$T/srv.pem
rsa_private_key_file=$T/srv.key
ssl_ciphers=HIGH
CONF

for mode in passive active; do
	log "vsftpd: -z tls with the CA, $mode: put, get, ls (PROT P, session reuse)"
	tls_put_get "vs-$mode" "$mode" "$SRV_ROOT"
done

log "vsftpd: a certificate of another CA is refused; -z noverify connects"
tls_session vs-otherca no -n -z tls -z "cafile=$T/other-ca.pem" "$SRV_IP" <<EOF
bye
EOF
assert_grep "$T/vs-otherca.out" "^ftp: TLS: certificate verify failed for $SRV_IP: .*; use -z cafile=FILE or -z noverify$"
tls_session vs-noverify yes -n -z tls -z noverify -z "cafile=$T/other-ca.pem" \
	"$SRV_IP" <<EOF
user anonymous guest@
binary
get pub/big.passive back/nv
bye
EOF
assert_same_file "$L/big" "$L/back/nv"
assert_grep "$T/vs-noverify.out" "^ftp: TLS: the certificate of $SRV_IP is NOT checked \(-z noverify\)"

# ---- synfin's ftpd over the hub -------------------------------------------------
log "synfin ftpd over the hub: -z tls, PROT P both ways, the trace"
ftp_hub_setup
FROOT="$T/froot"
mkdir -p "$FROOT/pub" "$T/state" "$T/state2"
chmod 755 "$FROOT"
chmod 777 "$FROOT/pub"
ftpd_conf() {
	cat <<CONF
link = hub:$HUB
address = $1/24
state_dir = $2
quiet_time = no
anon_root = $FROOT
write_enable = yes
anon_upload_enable = yes
pasv_min_port = 40000
pasv_max_port = 40100
ssl_enable = yes
allow_anon_ssl = yes
rsa_cert_file = $T/srv.pem
rsa_private_key_file = $T/srv.key
log_level = debug
CONF
}
ftpd_conf "$SRV_IP" "$T/state" >"$T/ftpd.conf"
ftpd_conf 76.88.16.17 "$T/state2" >"$T/ftpd2.conf"
# The second ftpd takes any server name, so the client's own check of a
# wrong name is what refuses it (ftpd's ALPACA check would come first).
echo "ssl_sni_check = no" >>"$T/ftpd2.conf"
bg_start "$T/ftpd.log" "$FTPD" -c "$T/ftpd.conf"
FTPD_PID=$BG_PID
bg_start "$T/ftpd2.log" "$FTPD" -c "$T/ftpd2.conf"
FTPD2_PID=$BG_PID
wait_until 10 grep -q "listening on $SRV_IP:21" "$T/ftpd.log"
wait_until 10 grep -q "listening on 76.88.16.17:21" "$T/ftpd2.log"

for mode in passive active; do
	tls_put_get "sf-$mode" "$mode" "$FROOT"
done
assert_no_grep "$T/ftpd.log" "data connection refused"
assert_grep "$T/ftpd.log" "TLS on the data connection: TLSv1\.3 .*, session resumed"
# The client's trace of the get: TLS records on the data connection.
assert_grep "$T/sf-passive.out" "^seg #[0-9]+ .* $SRV_IP:40[0-9]{3} > 76\.88\.16\.104:[0-9]+ .*\"TLS (handshake|application-data) len="

log "synfin ftpd: the ssl command on a clear-text connection"
tls_session sf-cmd yes -n -v --cafile "$T/test-ca.pem" "$SRV_IP" <<EOF
ssl
user anonymous guest@
binary
get pub/big.passive back/cmd
status
bye
EOF
assert_same_file "$L/big" "$L/back/cmd"
assert_grep "$T/sf-cmd.out" "^TLS \(AUTH TLS, PBSZ 0, PROT P\) required"
assert_grep "$T/sf-cmd.out" "^TLS: TLSv1\.3 "

log "synfin ftpd at .17 with .16's certificate: the address does not match"
tls_session sf-host no -n -z tls -z "cafile=$T/test-ca.pem" 76.88.16.17 <<EOF
bye
EOF
assert_grep "$T/sf-host.out" "^ftp: TLS: certificate verify failed for 76\.88\.16\.17: IP address mismatch: the certificate is for ftp\.synfin\.test, $SRV_IP, not 76\.88\.16\.17; connect by one of those names, or use -z noverify$"
tls_session sf-host-nv yes -n -z tls -z noverify 76.88.16.17 <<EOF
user anonymous guest@
binary
get pub/big.passive back/nv2
bye
EOF
assert_same_file "$L/big" "$L/back/nv2"

log "synfin ftpd: the system store (SSL_CERT_FILE) without -z cafile"
SSL_CERT_FILE="$T/test-ca.pem" tls_session sf-store yes -n -v -z tls \
	"$SRV_IP" <<EOF
user anonymous guest@
binary
get pub/big.passive back/store
bye
EOF
assert_same_file "$L/big" "$L/back/store"
assert_grep "$T/sf-store.out" "^TLS: TLSv1\.[23] .*certificate verified"
tls_session sf-nostore no -n -z tls "$SRV_IP" <<EOF
bye
EOF
assert_grep "$T/sf-nostore.out" "^ftp: TLS: certificate verify failed for $SRV_IP: unable to get local issuer certificate; use -z cafile=FILE or -z noverify$"

log "synfin ftpd by name: the certificate's name verifies, another is refused"
# ftp reads /etc/hosts (synfin's stack has no DNS): this test's own file,
# bound over it in a private mount namespace of the client alone.
printf '%s ftp.synfin.test\n76.88.16.17 other.synfin.test\n' "$SRV_IP" \
	>"$T/hosts"
FTP_CMD_PLAIN=("${FTP_CMD[@]}")
FTP_CMD=(unshare -m --propagation private sh -c \
	'mount --bind "$0" /etc/hosts && exec "$@"' "$T/hosts" "${FTP_CMD[@]}")
tls_session sf-name yes -n -v -z tls -z "cafile=$T/test-ca.pem" \
	ftp.synfin.test <<EOF
user anonymous guest@
binary
get pub/big.passive back/name
bye
EOF
assert_same_file "$L/big" "$L/back/name"
assert_grep "$T/sf-name.out" "^TLS: TLSv1\.[23] .*certificate verified"
tls_session sf-badname no -n -z tls -z "cafile=$T/test-ca.pem" \
	other.synfin.test <<EOF
bye
EOF
assert_grep "$T/sf-badname.out" "^ftp: TLS: certificate verify failed for other\.synfin\.test: [Hh]ostname mismatch: the certificate is for ftp\.synfin\.test, $SRV_IP, not other\.synfin\.test; connect by one of those names, or use -z noverify$"
FTP_CMD=("${FTP_CMD_PLAIN[@]}")

bg_stop "$FTPD2_PID" TERM || fail "the second ftpd did not stop cleanly"
bg_stop "$FTPD_PID" TERM || fail "ftpd did not stop cleanly"
for f in "$T/ftpd.log" "$T/ftpd2.log"; do
	assert_no_grep "$f" "ERROR: (Address|Leak)Sanitizer|runtime error:" \
		"a sanitizer report in $f"
done
log "PASS"
