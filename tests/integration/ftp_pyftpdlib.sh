#!/bin/bash
# ftp_pyftpdlib.sh - synfin's ftp (on its own stack, packet: over a veth)
# against pyftpdlib on Linux TCP in another namespace: the same scenario
# as ftp_vsftpd.sh, logged in as a user with write permission.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/ftp_lib.sh"

need_cmd ethtool
"$PY3" -c 'import pyftpdlib' 2>/dev/null ||
	skip "python3-pyftpdlib is not installed (./bootstrap check installs it)"
ftp_net_setup

SRV_ROOT="$T/srv"
mkdir -p "$SRV_ROOT/pub"
bg_start "$T/pyftpdlib.log" ip netns exec "$NS_SRV" "$PY3" -m pyftpdlib \
	-i "$SRV_IP" -p 21 -w -d "$SRV_ROOT" -u tester -P 'secret pw' \
	-r 40000-40100
wait_until 10 in_ns "$NS_SRV" bash -c "exec 3<>/dev/tcp/$SRV_IP/21"

LOGIN='user tester "secret pw"'
REMOTE_DIR=pub
NETRC_LOGIN='login tester password "secret pw"'
ftp_common_script
log "PASS"
