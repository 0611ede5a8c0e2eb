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

# Anonymous FTP with uploads: the root may not be writable (vsftpd
# refuses that), so uploads go to pub/, owned by the ftp user.
SRV_ROOT="$T/srv"
mkdir -p "$SRV_ROOT/pub" "$T/empty"
chmod 755 "$T" "$SRV_ROOT"
chown ftp "$SRV_ROOT/pub"
cat >"$T/vsftpd.conf" <<CONF
listen=YES
listen_address=$SRV_IP
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root=$SRV_ROOT
local_enable=NO
write_enable=YES
anon_upload_enable=YES
anon_mkdir_write_enable=YES
anon_other_write_enable=YES
anon_world_readable_only=NO
anon_umask=022
ascii_upload_enable=YES
ascii_download_enable=YES
pasv_enable=YES
pasv_min_port=40000
pasv_max_port=40100
port_enable=YES
connect_from_port_20=NO
secure_chroot_dir=$T/empty
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
xferlog_enable=NO
CONF
bg_start "$T/vsftpd.log" ip netns exec "$NS_SRV" /usr/sbin/vsftpd "$T/vsftpd.conf"
wait_until 10 in_ns "$NS_SRV" bash -c "exec 3<>/dev/tcp/$SRV_IP/21"

LOGIN="user anonymous guest@"
REMOTE_DIR=pub
NETRC_LOGIN='login anonymous password guest@'
ftp_common_script
log "PASS"
