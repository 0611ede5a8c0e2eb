#!/bin/bash
# ftp_vsftpd.sh - synfin's ftp (on its own stack, packet: over a veth)
# against vsftpd on Linux TCP in another namespace: login, listings,
# cd, get/put, ascii, rename/delete, mkdir/rmdir, passive and active,
# mget/mput of 50 files, reget after an interrupted get; SHA-256 equal
# on every file.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/ftp_lib.sh"

need_cmd /usr/sbin/vsftpd ethtool
id ftp >/dev/null 2>&1 || skip "vsftpd's anonymous user 'ftp' does not exist (reinstall vsftpd)"
ftp_net_setup

ftp_vsftpd_start </dev/null

LOGIN="user anonymous guest@"
USER_NAME=anonymous
USER_PASS=guest@
REMOTE_DIR=pub
NETRC_LOGIN='login anonymous password guest@'
ftp_common_script
ftp_url_anon
log "PASS"
