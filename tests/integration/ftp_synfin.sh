#!/bin/bash
# ftp_synfin.sh - synfin's ftp against synfin's own ftpd, both on this
# test's software hub: the same scenario as ftp_vsftpd.sh (login,
# listings, get/put, ascii, rename/delete, mkdir/rmdir, passive and
# active, mget/mput of 50 files, reget after an interrupted get).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/ftp_lib.sh"

[ -x "$FTPD" ] || skip "ftpd is not built yet ($FTPD)"
ftp_hub_setup

SRV_ROOT="$T/srv"
mkdir -p "$SRV_ROOT/pub" "$T/state"
chmod 755 "$T" "$SRV_ROOT"
chmod 777 "$SRV_ROOT/pub"
cat >"$T/ftpd.conf" <<CONF
link = hub:$HUB
address = $SRV_IP/24
listen_port = 21
state_dir = $T/state
quiet_time = no
anonymous_enable = yes
anon_root = $SRV_ROOT
local_enable = no
write_enable = yes
anon_upload_enable = yes
anon_mkdir_write_enable = yes
anon_other_write_enable = yes
pasv_min_port = 40000
pasv_max_port = 40100
CONF
bg_start "$T/ftpd.log" "$FTPD" -c "$T/ftpd.conf"
FTPD_PID=$BG_PID
# Ready once the daemon's hub port exists and it still runs.
wait_until 10 bash -c "kill -0 $FTPD_PID && [ -n \"\$(ls -A '$HUB')\" ]"

LOGIN="user anonymous guest@"
USER_NAME=anonymous
USER_PASS=guest@
REMOTE_DIR=pub
NETRC_LOGIN='login anonymous password guest@'
ftp_common_script
ftp_url_anon
log "PASS"
