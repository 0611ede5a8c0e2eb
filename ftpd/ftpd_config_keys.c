/*
 * ftpd_config_keys.c - the ftpd.conf key table: name, type, default, range
 * and help of every key (documented at length in ftpd.conf(5)), and the
 * value checks that go beyond a type.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ftpd_config.h"
#include "ftpd_config_internal.h"
#include "ftpd_limits.h"
#include "ts_link.h"

/* ---- checks beyond the type ----------------------------------------------- */

static bool name_ok(const char *s, size_t len, size_t max)
{
	size_t i;

	if (len == 0 || len > max)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == '/' || s[i] == ':' ||
		    (unsigned char)s[i] >= 0x7f)
			return false;
	return !(len == 1 && s[0] == '.') && !(len == 2 && !strncmp(s, "..", 2));
}

static int check_link(const char *v, char *why, size_t len)
{
	static const char *const named[] = { "packet:", "tap:", "tun:" };
	size_t i;

	if (strcmp(v, "hub") == 0 || strncmp(v, "hub:", 4) == 0)
		return 0;
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		size_t p = strlen(named[i]);

		if (strncmp(v, named[i], p) == 0 &&
		    name_ok(v + p, strlen(v + p), FTPD_IFNAME_MAX))
			return 0;
	}
	snprintf(why, len, "expected hub, hub:DIR, packet:IFNAME, tap:NAME or "
		 "tun:NAME (interface names of 1 to %d characters)",
		 FTPD_IFNAME_MAX);
	return -EINVAL;
}

static int check_impair(const char *v, char *why, size_t len)
{
	struct ts_impair_spec spec;

	if (v[0] == '\0')
		return 0;
	return ts_impair_parse(v, &spec, why, len) == 0 ? 0 : -EINVAL;
}

static int check_arp(const char *v, char *why, size_t len)
{
	uint32_t ip;
	uint8_t mac[6];

	if (v[0] == '\0' || ts_parse_arp(v, &ip, mac) == 0)
		return 0;
	snprintf(why, len, "expected A.B.C.D aa:bb:cc:dd:ee:ff, e.g. "
		 "76.88.16.104 02:00:00:00:00:68 (a unicast MAC)");
	return -EINVAL;
}

static int check_host(const char *v, char *why, size_t len)
{
	struct ftpd_vhost h;

	if (v[0] == '\0' || ftpd_vhost_split(v, &h) == 0)
		return 0;
	snprintf(why, len, "expected NAME:/ROOT, e.g. "
		 "ftp.example.org:/srv/ftp/example (NAME a host name of at "
		 "most %d characters or an [address]; ROOT absolute)",
		 FTPD_HOSTNAME_MAX);
	return -EINVAL;
}

static int check_absolute(const char *v, char *why, size_t len)
{
	if (v[0] == '\0' || v[0] == '/')
		return 0;
	snprintf(why, len, "expected an absolute path (starting with /)");
	return -EINVAL;
}

static int check_chroot(const char *v, char *why, size_t len)
{
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcasecmp(v, no[i]) == 0) {
			snprintf(why, len, "synfin always keeps every user "
				 "inside their root, so only yes is accepted; "
				 "remove the line");
			return -EINVAL;
		}
	return 0;
}

/* ---- the table --------------------------------------------------------------- */

static const char *const trace_words[] = { "off", "states", "segments", "all",
					   NULL };
static const char *const level_words[] = { "error", "warning", "info",
					   "debug", NULL };
static const char *const tls_words[] = { "1.2", "1.3", NULL };
static const char *const alpn_words[] = { "no", "yes", "required", NULL };

#define OFF(f) offsetof(struct ftpd_config, f)
#define BOOL(k, d, h) { #k, CFG_BOOL, OFF(k), d, h, 0, 0, 0, NULL, NULL }
#define INT(k, d, lo, hi, h) \
	{ #k, CFG_INT, OFF(k), FTPD_STR(d), h, lo, hi, 0, NULL, NULL }
#define SECS(k, d, hi, h) \
	{ #k, CFG_DURATION, OFF(k##_ms), FTPD_STR(d), h, 1, \
	  (hi) * 1000LL, 1000, NULL, NULL }
#define RATE(k, h) \
	{ #k, CFG_SIZE, OFF(k), "0", h, 0, FTPD_RATE_MAX, 0, NULL, NULL }
#define TEXT(k, type, d, chk, h) { #k, type, OFF(k), d, h, 0, 0, 0, NULL, chk }
#define WORD(k, d, words, h) \
	{ #k, CFG_ENUM, OFF(k), d, h, 0, 0, 0, words, NULL }

static const struct cfg_key ftpd_keys[] = {
	/* synfin's stack */
	TEXT(link, CFG_STRING, "hub", check_link,
	     "where frames go: hub, hub:DIR, packet:IFNAME, tap:NAME, tun:NAME"),
	TEXT(address, CFG_CIDR, "76.88.16.16/24", NULL,
	     "the stack's own IPv4 address and prefix"),
	TEXT(gateway, CFG_IPV4, "", NULL, "router for other subnets (none)"),
	TEXT(mac, CFG_MAC, "", NULL, "the stack's MAC address (the link's)"),
	TEXT(arp, CFG_LIST, "", check_arp, "static ARP entry A.B.C.D MAC, "
	     "never expires (repeatable; empty clears)"),
	INT(mtu, 0, 0, FTPD_MTU_MAX, "link MTU; 0: the link's own"),
	TEXT(impair, CFG_STRING, "", check_impair,
	     "link impairment, e.g. loss=5%,delay=50ms,seed=7 (none)"),
	TEXT(listen_address, CFG_IPV4, "", NULL,
	     "address to listen on (the stack's address)"),
	INT(listen_port, 21, 1, 65535, "control connection port"),
	{ "msl", CFG_DURATION, OFF(msl_ms), FTPD_STR(FTPD_MSL_DEFAULT_S),
	  "maximum segment lifetime; TIME_WAIT lasts 2*msl", 1,
	  FTPD_MSL_MAX_S * 1000LL, 1000, NULL, NULL },
	BOOL(quiet_time, "yes", "after an unclean stop, wait msl before "
	     "opening connections"),
	BOOL(reuse_addr, "no", "listen even while old connections are in "
	     "TIME_WAIT"),
	WORD(trace, "off", trace_words, "trace lines: off, states, segments, all"),
	TEXT(pcap, CFG_PATH, "", NULL, "write every frame to this pcap file"),
	TEXT(state_dir, CFG_PATH, "", NULL,
	     "where TIME_WAIT state is saved across restarts (default: "
	     LOCALSTATEDIR "/lib/synfin as root, else "
	     "~/.local/state/synfin)"),

	/* who may log in, and where */
	BOOL(anonymous_enable, "yes", "allow anonymous logins (ftp, anonymous)"),
	BOOL(local_enable, "no", "allow the virtual users of users_file"),
	TEXT(anon_root, CFG_PATH, "/srv/ftp", check_absolute,
	     "root of anonymous sessions"),
	TEXT(local_root, CFG_PATH, "", check_absolute,
	     "root of virtual users whose entry gives none"),
	TEXT(users_file, CFG_PATH, "", NULL, "virtual users (see ftpd.conf(5))"),
	TEXT(host, CFG_LIST, "", check_host,
	     "virtual host NAME:ROOT for HOST (repeatable; empty clears)"),
	BOOL(write_enable, "no", "allow any command that changes files"),
	BOOL(anon_upload_enable, "no", "anonymous may upload (needs "
	     "write_enable)"),
	BOOL(anon_mkdir_write_enable, "no", "anonymous may create directories"),
	BOOL(anon_other_write_enable, "no", "anonymous may delete and rename"),
	BOOL(download_enable, "yes", "allow RETR"),
	BOOL(dirlist_enable, "yes", "allow LIST, NLST, MLSD, MLST, STAT"),
	TEXT(chroot_local_user, CFG_BOOL, "yes", check_chroot,
	     "users stay inside their root (always yes)"),
	BOOL(hide_ids, "no", "show every owner and group as ftp in listings"),
	BOOL(use_localtime, "no", "listings and logs in local time, not UTC"),
	BOOL(ascii_upload_enable, "yes", "TYPE A converts CRLF on upload"),
	BOOL(ascii_download_enable, "yes", "TYPE A converts to CRLF on download"),

	/* data connections */
	BOOL(pasv_enable, "yes", "allow PASV and EPSV"),
	BOOL(port_enable, "yes", "allow PORT and EPRT"),
	INT(pasv_min_port, FTPD_PASV_MIN_PORT_DEFAULT, 1024, 65535,
	    "lowest passive port"),
	INT(pasv_max_port, FTPD_PASV_MAX_PORT_DEFAULT, 1024, 65535,
	    "highest passive port"),
	TEXT(pasv_address, CFG_IPV4, "", NULL,
	     "address advertised in PASV replies (the stack's)"),
	BOOL(pasv_promiscuous, "no", "accept passive connections from any "
	     "address (insecure)"),
	BOOL(port_promiscuous, "no", "allow PORT to any address (FTP bounce; "
	     "insecure)"),
	BOOL(connect_from_port_20, "yes", "active data connections come from "
	     "port 20"),

	/* limits */
	INT(max_clients, FTPD_MAX_CLIENTS_DEFAULT, 1, FTPD_MAX_CLIENTS_LIMIT,
	    "sessions at once"),
	INT(max_per_ip, FTPD_MAX_PER_IP_DEFAULT, 1, FTPD_MAX_CLIENTS_LIMIT,
	    "sessions at once from one address"),
	INT(max_login_fails, FTPD_MAX_LOGIN_FAILS_DEFAULT, 1,
	    FTPD_MAX_LOGIN_FAILS_LIMIT, "failed logins that close a session"),
	SECS(idle_session_timeout, FTPD_IDLE_TIMEOUT_DEFAULT_S,
	     FTPD_TIMEOUT_MAX_S, "idle time before a session is closed"),
	SECS(data_connection_timeout, FTPD_DATA_TIMEOUT_DEFAULT_S,
	     FTPD_TIMEOUT_MAX_S, "a stalled transfer is aborted after this"),
	SECS(accept_timeout, FTPD_ACCEPT_TIMEOUT_DEFAULT_S, FTPD_TIMEOUT_MAX_S,
	     "wait for a passive data connection"),
	SECS(connect_timeout, FTPD_CONNECT_TIMEOUT_DEFAULT_S,
	     FTPD_TIMEOUT_MAX_S, "wait for an active data connection"),
	SECS(login_timeout, FTPD_LOGIN_TIMEOUT_DEFAULT_S, FTPD_TIMEOUT_MAX_S,
	     "time from connect to a complete login"),
	INT(max_line, FTPD_LINE_DEFAULT, FTPD_LINE_MIN, FTPD_LINE_LIMIT,
	    "bytes of a command line; longer lines are discarded whole"),
	INT(max_list_entries, FTPD_LIST_ENTRIES_DEFAULT, 1,
	    FTPD_LIST_ENTRIES_LIMIT, "entries of one directory listing"),
	INT(max_glob_matches, FTPD_GLOB_MATCHES_DEFAULT, 1,
	    FTPD_GLOB_MATCHES_LIMIT, "names one LIST/NLST pattern may match"),
	RATE(anon_max_rate, "bytes/s per anonymous session (0: unlimited)"),
	RATE(local_max_rate, "bytes/s per virtual user session (0: unlimited)"),

	/* messages and logs */
	TEXT(ftpd_banner, CFG_STRING, "", NULL, "greeting text (the default)"),
	TEXT(banner_file, CFG_PATH, "", NULL, "file whose text is the greeting"),
	TEXT(log_file, CFG_PATH, "", NULL, "session log (stderr)"),
	WORD(log_level, "info", level_words,
	     "log detail: error, warning, info, debug"),
	BOOL(syslog_enable, "no", "log to syslog (facility ftp) instead"),
	BOOL(xferlog_enable, "no", "log each transfer"),
	TEXT(xferlog_file, CFG_PATH, LOCALSTATEDIR "/log/xferlog", NULL,
	     "transfer log file"),
	BOOL(xferlog_std_format, "yes", "transfer log in the wu-ftpd xferlog "
	     "format (no: in the session log)"),

	/* process */
	BOOL(background, "no", "detach from the terminal and write pid_file"),
	TEXT(pid_file, CFG_PATH, LOCALSTATEDIR "/run/synfin-ftpd.pid", NULL,
	     "pid file when background = yes"),
	TEXT(nopriv_user, CFG_STRING, "nobody", NULL,
	     "unprivileged account to run as once the link is open"),
	TEXT(secure_chroot_dir, CFG_PATH, LOCALSTATEDIR "/lib/synfin/empty",
	     check_absolute, "empty directory to chroot to"),

	/* FTPS */
	BOOL(ssl_enable, "no", "offer TLS (AUTH TLS)"),
	BOOL(force_local_logins_ssl, "yes", "virtual users must use TLS for "
	     "logins"),
	BOOL(force_local_data_ssl, "yes", "virtual users must use TLS for data"),
	BOOL(allow_anon_ssl, "no", "anonymous sessions may use TLS"),
	BOOL(require_ssl_reuse, "yes", "data connections must resume the "
	     "control connection's TLS session"),
	WORD(ssl_alpn, "yes", alpn_words, "ALPN \"ftp\": no, yes (required when "
	     "the client offers ALPN), required (always)"),
	BOOL(ssl_sni_check, "yes", "refuse TLS for a server name that is not ours"),
	BOOL(allow_ccc, "no", "allow CCC (back to plain text)"),
	TEXT(rsa_cert_file, CFG_PATH, SYSCONFDIR "/synfin/ftpd.pem", NULL,
	     "certificate chain (PEM)"),
	TEXT(rsa_private_key_file, CFG_PATH, "", NULL,
	     "private key (PEM); empty: in rsa_cert_file"),
	TEXT(ssl_ciphers, CFG_STRING, "HIGH:!aNULL:!MD5:!RC4:!3DES", NULL,
	     "OpenSSL cipher list for TLS 1.2"),
	WORD(ssl_min_version, "1.2", tls_words, "lowest TLS version: 1.2, 1.3"),
};

static const struct cfg_table ftpd_table = {
	"ftpd.conf(5)", ftpd_keys, sizeof(ftpd_keys) / sizeof(ftpd_keys[0]),
};

const struct cfg_table *ftpd_config_table(void)
{
	return &ftpd_table;
}
