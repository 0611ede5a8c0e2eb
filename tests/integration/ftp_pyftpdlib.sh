#!/bin/bash
# ftp_pyftpdlib.sh - synfin's ftp (on its own stack, packet: over a veth)
# against pyftpdlib on Linux TCP in another namespace: the same scenario
# as ftp_vsftpd.sh, logged in as a user with write permission.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/ftp_lib.sh"

need_cmd ethtool
ftp_net_setup
SRV_ROOT="$T/srv"
mkdir -p "$SRV_ROOT/pub"
ftp_pyftpdlib_start "$SRV_ROOT" tester 'secret pw' -w

LOGIN='user tester "secret pw"'
USER_NAME=tester
USER_PASS='"secret pw"'
REMOTE_DIR=pub
NETRC_LOGIN='login tester password "secret pw"'
ftp_common_script
log "PASS"
